/**
 * Builds the repository's own components from their sources with jco alone:
 *   components/<name>/component.wat + wit/   -> parse (WAT -> core) -> componentEmbed (WIT) -> componentNew
 *   components/<name>/wit/ only              -> a core module generated from the WIT whose every
 *                                               function traps (for type-only fixtures)
 *   components/<name>/component.js + wit/    -> componentize-js (./build-js.ts)
 *   components/<name>/component.ts            -> refused: componentize-js takes JavaScript
 *
 * Invariants:
 *   1. A component is rebuilt only when its source hash changes: every file under its folder (path
 *      and content), plus BUILD_FORMAT and the jco version. The hash is kept in `<name>.stamp.json`
 *      next to `<name>.wasm`.
 *   2. Outputs are written to a temp file and renamed into place, the stamp after the .wasm: a
 *      reader never sees half a file, and a crash between the two only costs a rebuild.
 *   3. Pure library: no printing, paths come in as arguments.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { componentEmbed, componentNew, parse } from '@bytecodealliance/jco';
import { InputError } from '../model/errors.js';
import { collectWitSource, witFiles } from './build-wit.js';
import { jcoVersion } from './tool-versions.js';
import { buildJsComponent, componentizeJsVersion } from './build-js.js';

/** Bump when the way sources become a component changes. */
export const BUILD_FORMAT = 'obelisk-build-1';

export interface BuildOutput {
  /** The .wasm file, absolute. */
  path: string;
  /** `sha256:<hex>` of the .wasm bytes. */
  digest: string;
}

export interface BuildResult extends BuildOutput {
  name: string;
  /** False when the stamp showed the sources unchanged and nothing was built. */
  built: boolean;
  ms: number;
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Hash of everything the build reads: the folder's files (relative path and content), the builder. */
export function sourceHash(srcDir: string): string {
  const h = createHash('sha256');
  h.update(`${BUILD_FORMAT}\0${jcoVersion()}\0`);
  if (sourceKind(srcDir) === 'js') h.update(`${componentizeJsVersion()}\0`);
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.')) continue;
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(srcDir);
  for (const f of files) {
    h.update(`${path.relative(srcDir, f).split(path.sep).join('/')}\0`);
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

function writeAtomic(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export type SourceKind = 'wat' | 'wit-only' | 'js';

const JS_SOURCES = ['component.js', 'component.ts'];

/** How the folder's component is made (see the banner). */
export function sourceKind(srcDir: string): SourceKind {
  const has = (f: string): boolean => statSync(path.join(srcDir, f), { throwIfNoEntry: false })?.isFile() ?? false;
  if (has('component.wat')) return 'wat';
  if (JS_SOURCES.some(has)) return 'js';
  return 'wit-only';
}

/** Builds `srcDir` (named after its folder) into `<outDir>/<name>.wasm`, always. */
export async function buildComponent(srcDir: string, outDir: string): Promise<BuildOutput> {
  const name = path.basename(path.resolve(srcDir));
  const witDir = path.join(srcDir, 'wit');
  const watFile = path.join(srcDir, 'component.wat');
  const kind = sourceKind(srcDir);
  if (kind === 'js') {
    const jsFile = path.join(srcDir, 'component.js');
    if (statSync(jsFile, { throwIfNoEntry: false })?.isFile()) {
      const out = await buildJsComponent({ source: jsFile, witDir, outPath: path.resolve(outDir, `${name}.wasm`) });
      return { path: out.path, digest: out.digest };
    }
    // Building it as WIT-only would silently give a component whose every function traps.
    throw new InputError(`cannot build component ${name}: ${srcDir} holds component.ts, and componentize-js takes JavaScript; expected component.js (compile the TypeScript first), component.wat or only a wit/ folder`);
  }
  const witSource = collectWitSource(witDir);
  const hasWat = kind === 'wat';
  let component: Uint8Array;
  try {
    const embedded = hasWat
      ? await componentEmbed({ binary: await parse(readFileSync(watFile, 'utf8')), witSource, stringEncoding: 'utf8' })
      : await componentEmbed({ dummy: true, witSource, stringEncoding: 'utf8' });
    component = await componentNew(embedded);
  } catch (err) {
    const files = [hasWat ? watFile : undefined, ...witFiles(witDir)].filter(Boolean).join(', ');
    throw new InputError(`cannot build component ${name} from ${files}: ${describe(err)}`, { cause: err });
  }
  mkdirSync(outDir, { recursive: true });
  const out = path.resolve(outDir, `${name}.wasm`);
  writeAtomic(out, component);
  return { path: out, digest: sha256Digest(component) };
}

interface Stamp {
  sourceHash: string;
  digest: string;
}

function readStamp(file: string): Stamp | undefined {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as Partial<Stamp>;
    return typeof s.sourceHash === 'string' && typeof s.digest === 'string' ? (s as Stamp) : undefined;
  } catch {
    return undefined;
  }
}

/** Builds `srcDir` unless its stamp shows the same source hash and the .wasm still has the recorded digest. */
export async function buildComponentIfChanged(srcDir: string, outDir: string): Promise<BuildResult> {
  const started = performance.now();
  const name = path.basename(path.resolve(srcDir));
  const wasm = path.resolve(outDir, `${name}.wasm`);
  const stampFile = path.resolve(outDir, `${name}.stamp.json`);
  const hash = sourceHash(srcDir);
  const stamp = readStamp(stampFile);
  if (stamp?.sourceHash === hash) {
    const bytes = statSync(wasm, { throwIfNoEntry: false }) ? readFileSync(wasm) : undefined;
    if (bytes && sha256Digest(bytes) === stamp.digest) {
      return { name, path: wasm, digest: stamp.digest, built: false, ms: performance.now() - started };
    }
  }
  const out = await buildComponent(srcDir, outDir);
  writeAtomic(stampFile, `${JSON.stringify({ sourceHash: hash, digest: out.digest } satisfies Stamp, null, 2)}\n`);
  return { name, ...out, built: true, ms: performance.now() - started };
}

/** Every component folder under `componentsDir` (one holding a `wit/` folder), in name order. */
export function componentSourceDirs(componentsDir: string): string[] {
  return readdirSync(componentsDir)
    .sort()
    .map((n) => path.join(componentsDir, n))
    .filter((d) => statSync(path.join(d, 'wit'), { throwIfNoEntry: false })?.isDirectory());
}

/** Builds every component under `componentsDir` into `outDir`, skipping unchanged ones. */
export async function buildAll(componentsDir: string, outDir: string): Promise<BuildResult[]> {
  const results: BuildResult[] = [];
  for (const dir of componentSourceDirs(componentsDir)) results.push(await buildComponentIfChanged(dir, outDir));
  return results;
}
