/**
 * jco's transpiled output (JS glue + core modules) and the component's types, cached on disk by
 * content digest under `<cacheDir>/transpiled/<hex>/`, so only the first process to load a component
 * pays for transpiling it.
 *
 * Invariants:
 *   1. An entry is published whole: written to a temp folder, then renamed into place. A reader sees
 *      no entry or a complete one; when two processes race, the first rename wins and the loser
 *      uses the winner's entry.
 *   2. An entry is valid only for the CACHE_FORMAT and jco version in its meta.json; any other entry
 *      is rebuilt and swapped in (moved aside, replaced, deleted).
 *   3. The generated JS is patched once, when cached (./glue-patches.ts): the debug flag is read
 *      once, a missing import is not printed to stderr, and instances can be renewed cheaply.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../model/errors.js';
import { patchGlue } from './glue-patches.js';
import { jcoVersion } from './tool-versions.js';
import { type ComponentTypes, readComponentTypes } from './types-reader.js';

/** Bump when the entry layout, the patches or the types model change. */
export const CACHE_FORMAT = 'obelisk-transpiled-5';
export const JS_FILE = 'component.js';

export interface CacheMeta {
  format: string;
  jco: string;
  /** Core module file names (the glue asks for them by name). */
  coreModules: string[];
  /** Import object keys the glue reads (jco's form: interface names without version). */
  importKeys: string[];
  /** How many debug-flag reads the patch replaced (0: the pattern was not found; calls are slower). */
  debugReadsPatched: number;
  /** Whether the glue's instances can be renewed (glue-patches.ts, patch 3). */
  renewable: boolean;
  /** How many `WebAssembly.promising` tries the patch routed through its helper (glue-patches.ts, patch 4). */
  promisingPatched: number;
}

export interface CacheEntry {
  dir: string;
  meta: CacheMeta;
  types: ComponentTypes;
  hit: boolean;
  transpileMs: number;
}

function readEntry(dir: string): { meta: CacheMeta; types: ComponentTypes } | undefined {
  try {
    const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as CacheMeta;
    if (meta.format !== CACHE_FORMAT || meta.jco !== jcoVersion()) return undefined;
    const types = JSON.parse(readFileSync(path.join(dir, 'types.json'), 'utf8')) as ComponentTypes;
    return { meta, types };
  } catch {
    return undefined;
  }
}

async function writeEntry(bytes: Uint8Array, dir: string, location: string): Promise<{ meta: CacheMeta; types: ComponentTypes }> {
  const types = readComponentTypes(bytes);
  // jco is imported on a cache miss only: with a warm cache no command pays for loading it.
  const { transpile } = await import('@bytecodealliance/jco');
  let out: Awaited<ReturnType<typeof transpile>>;
  try {
    out = await transpile(bytes, { name: 'component', instantiation: 'async', noTypescript: true, quiet: true });
  } catch (err) {
    throw new ConfigError(`cannot transpile component ${location} with jco: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  mkdirSync(dir, { recursive: true });
  const coreModules: string[] = [];
  let debugReadsPatched = 0;
  let renewable = false;
  let promisingPatched = 0;
  for (const [name, data] of Object.entries(out.files)) {
    if (name === JS_FILE) {
      const patched = patchGlue(Buffer.from(data).toString('utf8'));
      ({ debugReadsPatched, renewable, promisingPatched } = patched);
      writeFileSync(path.join(dir, name), patched.js);
    } else if (name.endsWith('.wasm') && !name.includes('/')) {
      coreModules.push(name);
      writeFileSync(path.join(dir, name), data);
    }
  }
  coreModules.sort();
  const meta: CacheMeta = { format: CACHE_FORMAT, jco: jcoVersion(), coreModules, importKeys: [...out.imports], debugReadsPatched, renewable, promisingPatched };
  writeFileSync(path.join(dir, 'types.json'), JSON.stringify(types));
  writeFileSync(path.join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return { meta, types };
}

function isRaceLoss(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM';
}

/** The cache entry for the component `bytes` with digest `hex`, transpiling it when needed. */
export async function ensureTranspiled(bytes: Uint8Array, hex: string, cacheDir: string, location: string): Promise<CacheEntry> {
  const root = path.join(cacheDir, 'transpiled');
  const dir = path.join(root, hex);
  const found = readEntry(dir);
  if (found) return { dir, ...found, hit: true, transpileMs: 0 };

  const started = performance.now();
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = path.join(root, `.tmp-${hex.slice(0, 16)}-${tag}`);
  try {
    const written = await writeEntry(bytes, tmp, location);
    for (let attempt = 0; ; attempt++) {
      try {
        renameSync(tmp, dir);
        return { dir, ...written, hit: false, transpileMs: performance.now() - started };
      } catch (err) {
        if (!isRaceLoss(err) || attempt >= 2) throw err;
        const theirs = readEntry(dir);
        if (theirs) return { dir, ...theirs, hit: true, transpileMs: performance.now() - started };
        // A stale entry (older format or jco): move it aside, then try to publish ours again.
        const aside = path.join(root, `.stale-${hex.slice(0, 16)}-${tag}`);
        try {
          renameSync(dir, aside);
        } catch {
          // another process moved it first
        }
        rmSync(aside, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
