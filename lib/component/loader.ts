/**
 * Loads a WASM component so it can be instantiated from Node: reads and digests the file, gets jco's
 * transpiled glue from the on-disk cache (./transpile-cache.ts), imports it, and compiles each core
 * module once per process.
 *
 * Invariants:
 *   1. A component is identified by the sha256 of its bytes; a configured digest that differs is a
 *      ConfigError naming both, checked before anything is transpiled or run.
 *   2. Within a process, one digest is loaded once: later loads share the glue module and the
 *      compiled WebAssembly.Modules, so an instantiation compiles nothing.
 *   3. Instances get their imports keyed by full interface name; each key is also offered without its
 *      `@version` (the form jco's glue reads), and a missing interface is reported before jco runs.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BugError, ConfigError } from '../model/errors.js';
import { type CacheMeta, ensureTranspiled, JS_FILE } from './transpile-cache.js';
import { capMemory } from './memory-cap.js';
import { type ComponentTypes, readComponentTypes } from './types-reader.js';
import { compileWasm, instantiateWasm, type WasmInstance, type WasmModule } from './wasm-api.js';

export interface LoadOptions {
  /** Root of the on-disk cache; transpiled output goes under `<cacheDir>/transpiled/`. */
  cacheDir: string;
  /** `sha256:<hex>` the file must have (the config's `content_digest`). */
  expectedDigest?: string;
  /** Cap on each defined linear memory (activities): growth past it traps in the guest. */
  memoryLimitBytes?: number;
}

/** An instance's exports, keyed by interface name (and jco's camelCase alias). */
export type ComponentInstance = Record<string, Record<string, (...args: unknown[]) => unknown>>;

export interface LoadedComponent {
  /** The file, absolute. */
  readonly location: string;
  /** `sha256:<hex>` of the file's bytes. */
  readonly digest: string;
  readonly types: ComponentTypes;
  /** Import object keys the glue reads. */
  readonly importKeys: readonly string[];
  /** The patched jco glue (an ES module exporting `instantiate`) and its compiled core modules, for
   *  a worker thread that instantiates the component itself (a WebAssembly.Module passes through
   *  `postMessage` without recompiling). */
  readonly gluePath: string;
  readonly coreModules: ReadonlyMap<string, WasmModule>;
  /** True when this process took the transpiled output from the disk cache (or another load). */
  readonly cacheHit: boolean;
  readonly timings: { readMs: number; transpileMs: number; importMs: number; compileMs: number };
  instantiate(imports: Record<string, object>): Promise<ComponentInstance>;
  /** The same, synchronously: the core modules are already compiled. */
  instantiateSync(imports: Record<string, object>): ComponentInstance;
}

type Glue = {
  instantiate(
    getCoreModule: (name: string) => WasmModule,
    imports: Record<string, object>,
    instantiateCore?: (m: WasmModule, i: Record<string, Record<string, unknown>>) => WasmInstance,
  ): ComponentInstance | Promise<ComponentInstance>;
};

const loaded = new Map<string, Promise<LoadedComponent>>();

export function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Reads a component file and checks it against the configured digest. */
export async function readComponentFile(location: string, expectedDigest?: string): Promise<{ bytes: Uint8Array; digest: string }> {
  const file = path.resolve(location);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ConfigError(`cannot read component ${file}: ${why}; expected a WASM component file, for example .cache/components/fibo_activity.wasm`, { cause: err });
  }
  const digest = digestOf(bytes);
  if (expectedDigest !== undefined && expectedDigest.toLowerCase() !== digest) {
    throw new ConfigError(
      `component ${file} does not match its content_digest: expected ${expectedDigest}, the file has ${digest}; update content_digest or restore the file`,
    );
  }
  return { bytes, digest };
}

/** Adds `ns:pkg/ifc` for every `ns:pkg/ifc@version` key (the glue reads the unversioned form). */
export function withUnversionedKeys(imports: Record<string, object>): Record<string, object> {
  const out: Record<string, object> = { ...imports };
  for (const [key, value] of Object.entries(imports)) {
    const at = key.indexOf('@');
    if (at > 0 && !(key.slice(0, at) in out)) out[key.slice(0, at)] = value;
  }
  return out;
}

function makeLoaded(
  location: string, digest: string, types: ComponentTypes, meta: CacheMeta, glue: Glue, gluePath: string,
  modules: Map<string, WasmModule>, cacheHit: boolean, timings: LoadedComponent['timings'],
): LoadedComponent {
  const getCoreModule = (name: string): WasmModule => {
    const m = modules.get(name);
    if (!m) throw new BugError(`transpiled component ${location} asked for core module ${name}, which is not in its cache entry (${meta.coreModules.join(', ')})`);
    return m;
  };
  const prepare = (imports: Record<string, object>): Record<string, object> => {
    const all = withUnversionedKeys(imports);
    const missing = meta.importKeys.filter((k) => !(k in all));
    if (missing.length > 0) {
      throw new ConfigError(
        `component ${location} imports ${missing.join(', ')}, which nothing provides: expected an import object with these interfaces (given: ${Object.keys(imports).join(', ') || 'none'})`,
      );
    }
    return all;
  };
  const instantiateSync = (imports: Record<string, object>): ComponentInstance => {
    const result = glue.instantiate(getCoreModule, prepare(imports), instantiateWasm);
    if (result instanceof Promise) throw new BugError(`jco's glue for ${location} instantiated asynchronously; use instantiate()`);
    return result;
  };
  return {
    location, digest, types, importKeys: meta.importKeys, cacheHit, timings, gluePath, coreModules: modules,
    instantiate: async (imports) => glue.instantiate(getCoreModule, prepare(imports), instantiateWasm),
    instantiateSync,
  };
}

async function load(location: string, bytes: Uint8Array, digest: string, cacheDir: string, readMs: number, memoryLimitBytes?: number): Promise<LoadedComponent> {
  const hex = digest.slice('sha256:'.length);
  const entry = await ensureTranspiled(bytes, hex, cacheDir, location);
  let started = performance.now();
  const gluePath = path.join(entry.dir, JS_FILE);
  const glue = (await import(pathToFileURL(gluePath).href)) as Glue;
  const importMs = performance.now() - started;
  started = performance.now();
  const modules = new Map<string, WasmModule>();
  await Promise.all(
    entry.meta.coreModules.map(async (name) => {
      const core = new Uint8Array(await readFile(path.join(entry.dir, name)));
      modules.set(name, await compileWasm(memoryLimitBytes === undefined ? core : capMemory(core, memoryLimitBytes)));
    }),
  );
  const compileMs = performance.now() - started;
  return makeLoaded(location, digest, entry.types, entry.meta, glue, gluePath, modules, entry.hit, {
    readMs, transpileMs: entry.transpileMs, importMs, compileMs,
  });
}

/** Loads the component at `location` (see the banner). */
export async function loadComponent(location: string, options: LoadOptions): Promise<LoadedComponent> {
  const started = performance.now();
  const file = path.resolve(location);
  const keyOf = (digest: string) => `${path.resolve(options.cacheDir)}\0${digest}\0${options.memoryLimitBytes ?? ''}`;
  if (options.expectedDigest !== undefined) {
    // Loaded here before: what runs is the compiled module, which matched this digest when it was
    // loaded, so the file is not read and hashed again (an activity worker loads once per attempt).
    const known = loaded.get(keyOf(options.expectedDigest.toLowerCase()));
    if (known) return reused(await known, file, 0);
  }
  const { bytes, digest } = await readComponentFile(file, options.expectedDigest);
  const readMs = performance.now() - started;
  const key = keyOf(digest);
  let pending = loaded.get(key);
  if (!pending) {
    pending = load(file, bytes, digest, options.cacheDir, readMs, options.memoryLimitBytes);
    loaded.set(key, pending);
    pending.catch(() => loaded.delete(key));
    return pending;
  }
  return reused(await pending, file, readMs);
}

/** Same bytes, maybe another path: share the work, report this load's own numbers. */
function reused(first: LoadedComponent, location: string, readMs: number): LoadedComponent {
  return { ...first, location, cacheHit: true, timings: { readMs, transpileMs: 0, importMs: 0, compileMs: 0 } };
}

/** Only the types, for components that are never run (activity stubs): no transpiling. */
export async function loadComponentTypes(location: string, expectedDigest?: string): Promise<{ location: string; digest: string; types: ComponentTypes }> {
  const file = path.resolve(location);
  const { bytes, digest } = await readComponentFile(file, expectedDigest);
  return { location: file, digest, types: readComponentTypes(bytes) };
}
