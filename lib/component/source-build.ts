/**
 * Build on first use: a `[[workflow]]` or `[[activity_wasm]]` whose `location` is a `.js`, `.mjs` or
 * `.ts` file becomes a component the first time something loads it, and later loads take it from the
 * cache. The steps:
 *
 *   1. Bundle (esbuild): strip TypeScript, resolve the author's relative imports (and npm packages
 *      written in plain JS) into one ES module, keep the WIT imports (`ns:pkg/ifc`) external, serve
 *      `obelisk/workflow` (guest/workflow.js) to workflows, run guest/activity-prelude.js first in
 *      activities. A source map comes out with it. Bundling takes tens of milliseconds, so it is also
 *      how a later run learns which files the component is made of.
 *   2. Key: sha256 of those files (path and content), the WIT text, the world, the component kind
 *      and the builder versions (esbuild, componentize-js, SOURCE_BUILD_FORMAT).
 *   3. Cache hit: `<cacheDir>/sources/<key>.wasm` with its `<key>.json` stamp.
 *      Miss: the bundle plus its line table (./source-lines.ts) goes to `<cacheDir>/sources/<key>/`,
 *      and componentize-js builds it (./build-js.ts): workflows without http (their Date, Math.random
 *      and crypto.getRandomValues go through wasi:clocks and wasi:random, which the workflow host
 *      answers from the log), activities with http so `fetch` works under the allowed-host rules.
 *
 * Invariants:
 *   1. The same sources, WIT and builder give the same key, wherever the project sits on disk (paths
 *      are hashed relative to the build root: the common folder of the source and the WIT).
 *   2. A build error names the author's file and line: the bundler's own errors carry them, and the
 *      bundle positions in componentize-js's messages are mapped back through the line table.
 *   3. One componentize-js build runs at a time in a process (each takes hundreds of MB); concurrent
 *      requests for the same key share one build.
 *   4. The .wasm is renamed into place before its stamp is written: a stamp always names a whole file.
 *      A process that dies mid-build leaves no stamp, and the next run builds again.
 *   5. Pure library: no printing; errors are InputErrors that name the component and its source.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { InputError } from '../model/errors.js';
import { buildJsComponent, componentizeJsVersion, type JsFeature, WORKFLOW_DISABLED_FEATURES } from './build-js.js';
import { collectWitSource } from './build-wit.js';
import { lineTable, lineTableFooter, locate, type LineTable } from './source-lines.js';

/** Bump when the way a source becomes a component changes (options, prelude, helper, footer). */
export const SOURCE_BUILD_FORMAT = 'obelisk-source-build-1';

/** The import name of the guest helper for workflows. */
export const WORKFLOW_HELPER_MODULE = 'obelisk/workflow';

/** Activities keep http (fetch); nothing serves incoming requests. */
export const ACTIVITY_DISABLED_FEATURES: readonly JsFeature[] = ['fetch-event'];

export const SOURCE_EXTENSIONS = /\.(?:[cm]?js|[cm]?ts)$/i;

export interface SourceComponent {
  /** The component's name, for messages. */
  readonly name: string;
  readonly kind: 'workflow' | 'activity_wasm';
  /** The `.js`/`.ts` entry module, absolute. */
  readonly source: string;
  /** The WIT folder (world at the top, dependencies under deps/). */
  readonly wit: string;
  readonly world?: string;
}

export interface SourceBuildResult {
  /** The component file, absolute. */
  readonly path: string;
  /** `sha256:<hex>` of the component file. */
  readonly digest: string;
  /** The cache key (hex). */
  readonly key: string;
  /** False when it came from the cache. */
  readonly built: boolean;
  /** Time spent here, bundling included. */
  readonly ms: number;
  /** The source files it was made of, relative to the build root. */
  readonly inputs: readonly string[];
}

interface Stamp {
  key: string;
  digest: string;
  source: string;
  kind: string;
  world?: string;
  buildMs: number;
}

// ------------------------------------------------------------------ guest files

let packageRoot: string | undefined;
/** The obelisk package's folder (this file runs from lib/ under vitest, from dist/lib/ when compiled). */
export function obeliskRoot(): string {
  if (packageRoot) return packageRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'obelisk') return (packageRoot = dir);
    } catch {
      // not the package root yet
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the obelisk package folder above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export function guestFile(name: 'workflow.js' | 'activity-prelude.js'): string {
  return path.join(obeliskRoot(), 'lib', 'component', 'guest', name);
}

// ------------------------------------------------------------------ step 1: bundle

interface Bundle {
  root: string;
  /** File name of the bundle (as stack frames and componentize-js messages show it). */
  file: string;
  code: string;
  table: LineTable;
  /** Input files relative to root, `/`-separated, sorted. */
  inputs: string[];
}

/** The common folder of the source and the WIT folder, unless that is the file system's root. */
export function buildRoot(source: string, wit: string): string {
  const a = path.resolve(path.dirname(source)).split(path.sep);
  const b = path.resolve(wit).split(path.sep);
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  const common = a.slice(0, n).join(path.sep) || path.sep;
  return path.dirname(common) === common ? path.dirname(path.resolve(source)) : common;
}

const slash = (p: string): string => p.split(path.sep).join('/');

/** `file:line:col: error: text` with the line and a caret, as compilers print them. */
function formatMessages(messages: readonly esbuild.Message[]): string {
  return messages.map((m) => {
    const l = m.location;
    if (!l) return `error: ${m.text}`;
    const head = `${l.file}:${l.line}:${l.column + 1}: error: ${m.text}`;
    if (!l.lineText) return head;
    const gutter = `${l.line} | `;
    return `${head}\n    ${gutter}${l.lineText}\n    ${' '.repeat(gutter.length + l.column)}^`;
  }).join('\n');
}

async function bundle(c: SourceComponent): Promise<Bundle> {
  const root = buildRoot(c.source, c.wit);
  const file = `${path.basename(c.source).replace(SOURCE_EXTENSIONS, '')}.js`;
  const helper = guestFile('workflow.js');
  const isWorkflow = c.kind === 'workflow';
  const plugin: esbuild.Plugin = {
    name: 'obelisk-component',
    setup(b) {
      b.onResolve({ filter: /^obelisk\/workflow$/ }, () => (isWorkflow
        ? { path: helper }
        : { errors: [{ text: `${WORKFLOW_HELPER_MODULE} is for workflows; an activity cannot submit or await executions` }] }));
      // Component imports (`ns:pkg/ifc[@version]`) are answered when the component is instantiated.
      b.onResolve({ filter: /^[a-z][a-z0-9-]*:/ }, (args) => {
        if (args.path.startsWith('node:')) {
          return { errors: [{ text: `${args.path} is not available inside a component: it runs in a WebAssembly sandbox, not in Node.js` }] };
        }
        return { path: args.path, external: true };
      });
    },
  };
  let result: esbuild.BuildResult & { metafile: esbuild.Metafile; outputFiles: esbuild.OutputFile[] };
  try {
    result = await esbuild.build({
      entryPoints: [c.source],
      absWorkingDir: root,
      outfile: path.join(root, file),
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      target: 'esnext',
      sourcemap: 'external',
      sourcesContent: false,
      metafile: true,
      logLevel: 'silent',
      charset: 'utf8',
      legalComments: 'none',
      inject: isWorkflow ? [] : [guestFile('activity-prelude.js')],
      plugins: [plugin],
    });
  } catch (err) {
    const failure = err as Partial<esbuild.BuildFailure>;
    if (Array.isArray(failure.errors) && failure.errors.length > 0) throw new InputError(formatMessages(failure.errors), { cause: err });
    throw err;
  }
  const out = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.js.map'));
  if (!out || !map) throw new Error(`esbuild gave no bundle for ${c.source}`);
  const sourceMap = JSON.parse(map.text) as { sources: string[]; mappings: string };
  // Sources in the map are relative to the bundle's folder (the root): keep them as they are, `/`-separated.
  const sources = sourceMap.sources.map((s) => slash(path.relative(root, path.resolve(root, s))));
  const table = lineTable(file, { sources, mappings: sourceMap.mappings }, slash(path.relative(root, helper)));
  // The bundle ends with a `//# sourceMappingURL=…` line pointing at a file that is not written.
  const code = out.text.replace(/\n\/\/# sourceMappingURL=[^\n]*\n?$/, '\n');
  // The guest files sit in the obelisk package, wherever it is installed: hash them under a fixed name.
  const guest = new Map([helper, guestFile('activity-prelude.js')].map((f) => [slash(path.relative(root, f)), f]));
  const inputs = Object.keys(result.metafile.inputs)
    .map((p) => (guest.has(slash(p)) ? `<obelisk>/${path.basename(guest.get(slash(p))!)}` : slash(p)))
    .sort();
  return { root, file, code, table, inputs };
}

// ------------------------------------------------------------------ step 2: key

let esbuildVersion: string | undefined;

function cacheKey(c: SourceComponent, b: Bundle): string {
  const h = createHash('sha256');
  h.update(`${SOURCE_BUILD_FORMAT}\0esbuild@${(esbuildVersion ??= esbuild.version)}\0${componentizeJsVersion()}\0`);
  h.update(`${c.kind}\0${c.world ?? ''}\0${collectWitSource(c.wit)}\0`);
  for (const input of b.inputs) {
    h.update(`${input}\0`);
    const guest = input.startsWith('<obelisk>/') ? input.slice('<obelisk>/'.length) : undefined;
    h.update(readFileSync(guest ? guestFile(guest as 'workflow.js') : path.resolve(b.root, input)));
    h.update('\0');
  }
  return h.digest('hex');
}

// ------------------------------------------------------------------ step 3: build or reuse

function readStamp(file: string): Stamp | undefined {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as Partial<Stamp>;
    return typeof s.key === 'string' && typeof s.digest === 'string' ? (s as Stamp) : undefined;
  } catch {
    return undefined;
  }
}

function writeAtomic(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** Replaces `<bundle>:line:col` in a builder's message with the author's `file:line:col`. */
export function mapBundlePositions(message: string, table: LineTable): string {
  const name = table.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return message.replace(new RegExp(`(?:[^\\s'"(]*/)?${name}:(\\d+)(?::(\\d+))?`, 'g'), (whole, line: string, col?: string) => {
    const at = locate(table, Number(line), Number(col ?? 1));
    return at ? `${at.file}:${at.line}${col ? `:${at.col}` : ''}` : whole;
  });
}

let queue: Promise<unknown> = Promise.resolve();
const inFlight = new Map<string, Promise<SourceBuildResult>>();

/** Runs `work` after every build queued before it (invariant 3). */
function serially<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work);
  queue = run.catch(() => undefined);
  return run;
}

function relative(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** Builds `c` unless the cache holds the component for its current sources; returns the component file. */
export async function buildSourceComponent(c: SourceComponent, options: { cacheDir: string }): Promise<SourceBuildResult> {
  const started = performance.now();
  if (!statSync(c.source, { throwIfNoEntry: false })?.isFile()) {
    throw new InputError(`source file not found: ${c.source}; expected a .js or .ts module, for example src/workflow.ts`);
  }
  let b: Bundle;
  try {
    b = await bundle(c);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`cannot build ${relative(c.source)}:\n${err.message}`, { cause: err });
    throw err;
  }
  const key = cacheKey(c, b);
  const dir = path.join(options.cacheDir, 'sources');
  const wasm = path.join(dir, `${key}.wasm`);
  const stampFile = path.join(dir, `${key}.json`);
  const stamp = readStamp(stampFile);
  if (stamp?.key === key && existsSync(wasm)) {
    return { path: wasm, digest: stamp.digest, key, built: false, ms: performance.now() - started, inputs: b.inputs };
  }
  let pending = inFlight.get(key);
  if (!pending) {
    pending = serially(async () => {
      const again = readStamp(stampFile);
      if (again?.key === key && existsSync(wasm)) {
        return { path: wasm, digest: again.digest, key, built: false, ms: performance.now() - started, inputs: b.inputs };
      }
      const work = path.join(dir, key);
      mkdirSync(work, { recursive: true });
      const entry = path.join(work, b.file);
      writeFileSync(entry, c.kind === 'workflow' ? `${b.code}${lineTableFooter(b.table)}` : b.code);
      writeFileSync(path.join(work, 'sources.json'), `${JSON.stringify({ source: c.source, root: b.root, inputs: b.inputs }, null, 2)}\n`);
      let out;
      try {
        out = await buildJsComponent({
          source: entry, root: work, witDir: c.wit, outPath: wasm,
          ...(c.world ? { world: c.world } : {}),
          disableFeatures: c.kind === 'workflow' ? WORKFLOW_DISABLED_FEATURES : ACTIVITY_DISABLED_FEATURES,
        });
      } catch (err) {
        const reason = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
        throw new InputError(
          `cannot build ${relative(c.source)} with the WIT in ${relative(c.wit)}${c.world ? ` (world ${c.world})` : ''}:\n${mapBundlePositions(reason, b.table)}`,
          { cause: err },
        );
      }
      const s: Stamp = { key, digest: out.digest, source: c.source, kind: c.kind, ...(c.world ? { world: c.world } : {}), buildMs: Math.round(out.ms) };
      writeAtomic(stampFile, `${JSON.stringify(s, null, 2)}\n`);
      return { path: wasm, digest: out.digest, key, built: true, ms: performance.now() - started, inputs: b.inputs };
    }).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  const r = await pending;
  return { ...r, ms: performance.now() - started };
}

/** What a configured component says about where it comes from (lib/config's entries satisfy it). */
export interface ConfiguredComponent {
  readonly name: string;
  readonly kind: 'workflow' | 'activity_wasm' | 'activity_stub';
  readonly location: string;
  /** Set when `location` is a `.js`/`.ts` source. */
  readonly build?: { readonly wit: string; readonly world?: string };
}

/**
 * The component file of a configured component: `location` itself, or for a `.js`/`.ts` location
 * the built component (built now unless cached). `fromSource` tells a caller that the configured
 * `content_digest`, if any, is the source's and not this file's.
 */
export async function componentFile(c: ConfiguredComponent, options: { cacheDir: string }): Promise<{ path: string; fromSource: boolean }> {
  if (!c.build) return { path: c.location, fromSource: false };
  const built = await buildSourceComponent({
    name: c.name, kind: c.kind === 'workflow' ? 'workflow' : 'activity_wasm', source: c.location,
    wit: c.build.wit, ...(c.build.world ? { world: c.build.world } : {}),
  }, options);
  return { path: built.path, fromSource: true };
}

/** The cache key of `c` and the files it is made of, without building anything. */
export async function sourceKey(c: SourceComponent): Promise<{ key: string; inputs: readonly string[] }> {
  const b = await bundle(c);
  return { key: cacheKey(c, b), inputs: b.inputs };
}
