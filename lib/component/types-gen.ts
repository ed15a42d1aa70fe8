/**
 * TypeScript declarations for a component written in JavaScript or TypeScript (`obelisk generate
 * types <wit-dir> <out-dir>`): jco's guest types for the world (every imported interface, so the
 * obelisk host interfaces and the extension packages of the components it calls, and the exported
 * interfaces it must implement), plus the declaration of `obelisk/workflow` (the guest helper) when
 * the world imports `obelisk:workflow/workflow-support`. And, for generating WIT without a built
 * component, what a WIT world exports (`witWorldExports`).
 *
 * Invariants:
 *   1. jco reads the WIT folder through the WASI file-system shim, whose preopens are process-wide
 *      state (the activity sandbox relies on them being empty): the generation runs in a child process
 *      that preopens only the WIT folder.
 *   2. Output files are written in name order, each whole (temp file + rename); files of earlier runs
 *      that the new output does not name are left alone.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { componentEmbed, componentNew } from '@bytecodealliance/jco';
import { InputError } from '../model/errors.js';
import { collectWitSource } from './build-wit.js';
import { guestFile } from './source-build.js';
import { readComponentTypes, type InterfaceTypes } from './types-reader.js';
import { formatFfqn } from '../model/ffqn.js';

/** The child's code: preopen the WIT folder, ask jco for the declarations, send them back. */
const GENERATOR = `
process.once('message', async ({ shimUrl, jcoUrl, wit, world }) => {
  let answer;
  try {
    const { _setPreopens } = await import(shimUrl);
    _setPreopens({ [wit]: wit });
    const { types } = await import(jcoUrl);
    const files = await types(wit, { guest: true, ...(world ? { worldName: world } : {}), outDir: '' });
    answer = { files: Object.fromEntries(Object.entries(files).map(([n, b]) => [n, Buffer.from(b).toString('utf8')])) };
  } catch (e) {
    answer = { error: e instanceof Error ? e.message : String(e) };
  }
  process.send(answer, () => process.disconnect());
});
`;

function jcoTypesInChild(wit: string, world: string | undefined): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', GENERATOR], { cwd: wit, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      if (output.length < 64 * 1024) output += chunk.toString('utf8');
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    let answer: { files?: Record<string, string>; error?: string } | undefined;
    child.once('message', (m) => {
      answer = m as typeof answer;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (answer?.files) resolve(answer.files);
      else if (answer?.error !== undefined) reject(new Error(answer.error));
      else reject(new Error(`the type generator ended (${signal ?? `exit code ${code}`}) without an answer${output.trim() ? `:\n${output.trim()}` : ''}`));
    });
    child.send({
      shimUrl: import.meta.resolve('@bytecodealliance/preview2-shim/filesystem'),
      jcoUrl: import.meta.resolve('@bytecodealliance/jco'),
      wit, world,
    });
  });
}

/** The declaration file of `obelisk/workflow`, next to jco's output. */
export const HELPER_TYPES_FILE = 'obelisk-workflow.d.ts';

/** `declare module 'obelisk/workflow'`: the helper's declarations, kept next to the helper itself. */
export function helperDeclarations(): string {
  // The source declares the handle `any` so it compiles without the WIT declarations; here they exist.
  return readFileSync(guestFile('workflow.js').replace(/\.js$/, '.d.ts'), 'utf8')
    .replace('readonly handle: any;', "readonly handle: import('obelisk:types/join-set@4.2.0').JoinSet;");
}

function writeAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export interface GeneratedTypes {
  /** Files written, absolute, in name order. */
  files: string[];
}

/** Writes the declarations of the world in `witDir` (the only one, or `world`) under `outDir`. */
export async function generateTypes(witDir: string, outDir: string, options: { world?: string } = {}): Promise<GeneratedTypes> {
  if (!statSync(witDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InputError(`WIT folder not found: ${witDir}; expected a folder with the component's world (and its dependencies under deps/), for example wit/workflow`);
  }
  const wit = realpathSync(witDir);
  let generated: Record<string, string>;
  try {
    generated = await jcoTypesInChild(wit, options.world);
  } catch (err) {
    throw new InputError(`cannot generate types from the WIT in ${witDir}${options.world ? ` (world ${options.world})` : ''}: ${(err as Error).message}`, { cause: err });
  }
  const files = new Map(Object.entries(generated).map(([name, text]) => [name.replace(/^\/+/, ''), text]));
  if ([...files.values()].some((t) => t.includes("declare module 'obelisk:workflow/workflow-support@"))) {
    files.set(HELPER_TYPES_FILE, helperDeclarations());
  }
  const written: string[] = [];
  for (const name of [...files.keys()].sort()) {
    const file = path.resolve(outDir, name);
    writeAtomic(file, files.get(name)!);
    written.push(file);
  }
  return { files: written };
}

/**
 * The usable exported interfaces of a WIT world, read without building the component: a stand-in
 * core module is embedded with the WIT (jco's `dummy`) and its component type read back.
 */
export async function witWorldExports(witDir: string, world?: string): Promise<InterfaceTypes[]> {
  const witSource = collectWitSource(witDir);
  let bytes: Uint8Array;
  try {
    bytes = await componentNew(await componentEmbed({ dummy: true, witSource, stringEncoding: 'utf8', ...(world ? { world } : {}) }));
  } catch (err) {
    throw new InputError(`cannot read the world in ${witDir}${world ? ` (world ${world})` : ''}: ${(err as Error).message}`, { cause: err });
  }
  const types = readComponentTypes(bytes);
  const unusable = new Set(types.unusable.filter((u) => u.direction === 'export').map((u) => u.ffqn));
  return types.exports
    .map((ifc) => ({ name: ifc.name, functions: ifc.functions.filter((f) => !unusable.has(formatFfqn(ifc.name, f.name))) }))
    .filter((ifc) => ifc.functions.length > 0);
}
