/**
 * Builds a component from a JavaScript module and a WIT folder with componentize-js (SpiderMonkey
 * embedded in the component): the way users' JS workflows and activities, and the repository's
 * JS fixtures (components/<name>/component.js), become components.
 *
 * Invariants:
 *   1. Features kept by default: stdio (console.* becomes log output), random and clocks (Math.random,
 *      Date.now, performance.now and crypto.getRandomValues go through wasi:random and wasi:clocks,
 *      which a workflow's host answers deterministically). http and fetch-event are disabled by
 *      default, as a workflow must not reach the network; an activity may keep them.
 *   2. The build runs in a child process: componentize-js waits for its pre-initializer (wizer) with
 *      a synchronous child process of its own (seconds, hundreds of MB), which must not stall the
 *      caller's event loop, and needs a real stdout to hand it (a worker thread has none). The WIT is
 *      passed as text, so the build needs no WASI filesystem access (no preopens).
 *   3. The build runs in `root` (see JsBuildOptions), with symlinks resolved: componentize-js maps its
 *      working folder into the pre-initializer's sandbox, so what a build can read does not depend on
 *      where the caller stands. (Outputs are not byte-reproducible: componentize-js embeds the path
 *      of a random temp folder. Caches key on the sources, not the output.)
 *   4. The output is written to a temp file and renamed into place: a reader never sees half a file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { InputError } from '../model/errors.js';
import { collectWitSource } from './build-wit.js';

export type JsFeature = 'stdio' | 'random' | 'clocks' | 'http' | 'fetch-event';

/** What a workflow must not have: the network. */
export const WORKFLOW_DISABLED_FEATURES: readonly JsFeature[] = ['http', 'fetch-event'];

export interface JsBuildOptions {
  /** Path of the JS module (ES module; it may import other modules by relative path). */
  source: string;
  /**
   * The folder holding the source and every module it imports (default: the source's folder). The
   * build sees only this folder, and stack traces name files relative to it, wherever the build runs.
   */
  root?: string;
  /** WIT folder: the world at the top level, dependencies under `deps/`. */
  witDir: string;
  /** The world to build; may be left out when the folder defines one world. */
  world?: string;
  /** Where the component is written. */
  outPath: string;
  /** Defaults to WORKFLOW_DISABLED_FEATURES. */
  disableFeatures?: readonly JsFeature[];
}

export interface JsBuildOutput {
  /** The .wasm file, absolute. */
  path: string;
  /** `sha256:<hex>` of the .wasm bytes. */
  digest: string;
  size: number;
  ms: number;
}

/**
 * The builder process's code (an ES module given to `node -e`): receives the options over IPC,
 * componentizes, writes the bytes to the temp file it was given, answers, and ends.
 */
const BUILDER = `
process.once('message', async ({ componentizeUrl, options, tmp }) => {
  let answer;
  try {
    const { componentize } = await import(componentizeUrl);
    const { writeFileSync } = await import('node:fs');
    const { component } = await componentize(options);
    writeFileSync(tmp, component);
    answer = { size: component.length };
  } catch (e) {
    answer = { error: e instanceof Error ? e.message : String(e) };
  }
  process.send(answer, () => process.disconnect());
});
`;

let componentizeUrl: string | undefined;
function componentizeModule(): string {
  componentizeUrl ??= import.meta.resolve('@bytecodealliance/componentize-js');
  return componentizeUrl;
}

/** `@bytecodealliance/componentize-js@0.23.0`: part of a JS component's build cache key. */
export function componentizeJsVersion(): string {
  let dir = path.dirname(fileURLToPath(componentizeModule()));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@bytecodealliance/componentize-js' && pkg.version) return `componentize-js@${pkg.version}`;
    } catch {
      // not the package root yet
    }
    const up = path.dirname(dir);
    if (up === dir) return 'componentize-js@unknown';
    dir = up;
  }
}

/** Runs componentize-js in a child process (invariant 2); resolves once `tmp` holds the component. */
function componentizeInChild(options: Record<string, unknown>, cwd: string, tmp: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', BUILDER], { cwd, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      if (output.length < 64 * 1024) output += chunk.toString('utf8');
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    let answer: { size?: number; error?: string } | undefined;
    child.once('message', (m) => {
      answer = m as typeof answer;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (answer && answer.error === undefined) resolve();
      else if (answer?.error !== undefined) reject(new Error(answer.error));
      else reject(new Error(`the componentize-js process ended (${signal ?? `exit code ${code}`}) without an answer${output.trim() ? `:\n${output.trim()}` : ''}`));
    });
    child.send({ componentizeUrl: componentizeModule(), options, tmp });
  });
}

/** Builds `source` against the world in `witDir` into `outPath`, always (callers cache). */
export async function buildJsComponent(o: JsBuildOptions): Promise<JsBuildOutput> {
  const started = performance.now();
  if (!statSync(o.source, { throwIfNoEntry: false })?.isFile()) {
    throw new InputError(`JS component source not found: expected a JavaScript module such as components/script_workflow/component.js, got ${o.source}`);
  }
  const source = realpathSync(o.source);
  const root = realpathSync(o.root ?? path.dirname(source));
  if (!source.startsWith(`${root}${path.sep}`)) {
    throw new InputError(`JS component source ${o.source} is not inside its root folder ${o.root}: expected the root to hold the source and every module it imports`);
  }
  const witWorld = collectWitSource(o.witDir);
  const out = path.resolve(o.outPath);
  mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.${Date.now()}.tmp`;
  try {
    await componentizeInChild({
      sourcePath: source,
      witWorld,
      ...(o.world ? { worldName: o.world } : {}),
      disableFeatures: [...(o.disableFeatures ?? WORKFLOW_DISABLED_FEATURES)],
    }, root, tmp);
  } catch (err) {
    rmSync(tmp, { force: true });
    const reason = err instanceof Error ? err.message : String(err);
    throw new InputError(`cannot build JS component from ${o.source} with the WIT in ${o.witDir}${o.world ? ` (world ${o.world})` : ''}: ${reason}`, { cause: err });
  }
  const component = readFileSync(tmp);
  renameSync(tmp, out);
  return {
    path: out,
    digest: `sha256:${createHash('sha256').update(component).digest('hex')}`,
    size: component.length,
    ms: performance.now() - started,
  };
}
