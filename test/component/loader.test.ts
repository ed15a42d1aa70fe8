// Loading and instantiating the test components under jco: real calls into the WASM, with the
// workflow's imports faked here; the disk cache shared across processes; digest and import checks.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedComponent, loadComponent, withUnversionedKeys } from '../../lib/component/loader.js';
import { ConfigError } from '../../lib/model/errors.js';
import { patchGlue, takeRenewer } from '../../lib/component/glue-patches.js';
import { compileLib } from './support/compile-lib.js';
import { testComponents } from './support/test-components.js';

const run = promisify(execFile);
const tmp = mkdtempSync(path.join(tmpdir(), 'obelisk-loader-'));
const cacheDir = path.join(tmp, 'cache');
let paths: Record<string, string>;
let activity: LoadedComponent;
let workflow: LoadedComponent;

beforeAll(async () => {
  paths = await testComponents();
  activity = await loadComponent(paths.fibo_activity!, { cacheDir });
  workflow = await loadComponent(paths.fibo_workflow!, { cacheDir });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Fn = (...args: unknown[]) => unknown;
const ACTIVITY = 'template-fibo:activity/fibo-activity-ifc';
const EXT = 'template-fibo:activity-obelisk-ext/fibo-activity-ifc';
const WORKFLOW = 'template-fibo:workflow/fibo-workflow-ifc';
const dispose = (Symbol as unknown as { dispose?: symbol }).dispose ?? Symbol.for('dispose');

/** Fake host for fibo_workflow: records every call; the join set answers in reverse submission order. */
function fakeHost(opts: { fibo?: (n: number) => unknown; childErr?: boolean; lose?: boolean } = {}) {
  const calls: string[] = [];
  const created: JoinSet[] = [];
  class JoinSet {
    readonly id = `g:${created.length + 1}`;
    readonly pending: { id: string; n: number }[] = [];
    disposed = false;
    [dispose](): void {
      this.disposed = true;
      calls.push(`drop ${this.id}`);
    }
  }
  let fiboCalls = 0;
  const imports = {
    'obelisk:types/join-set@4.2.0': { JoinSet },
    'obelisk:workflow/workflow-support@5.1.0': {
      joinSetCreate: () => {
        const js = new JoinSet();
        created.push(js);
        calls.push(`create ${js.id}`);
        return js;
      },
    },
    [ACTIVITY]: {
      fibo: (n: number) => {
        calls.push(`fibo ${n}`);
        fiboCalls++;
        return opts.fibo ? opts.fibo(n) : BigInt(n) * 1000n + BigInt(fiboCalls);
      },
    },
    [EXT]: {
      fiboSubmit: (js: JoinSet, n: number) => {
        const id = `E_01.${js.id}_${js.pending.length + 1}`;
        js.pending.push({ id, n });
        calls.push(`submit ${js.id} ${n}`);
        return { id };
      },
      fiboAwaitNext: (js: JoinSet) => {
        const next = js.pending.pop();
        if (!next || opts.lose) return { tag: 'err', val: { tag: 'all-processed' } };
        calls.push(`await ${next.id}`);
        const child = opts.childErr ? { tag: 'err', val: undefined } : { tag: 'ok', val: BigInt(next.id.slice(-1)) * 100n };
        return [{ id: next.id }, child];
      },
    },
  };
  return { imports, calls, created };
}

async function workflowIfc(host: ReturnType<typeof fakeHost>): Promise<Record<string, Fn>> {
  const instance = await workflow.instantiate(host.imports);
  return instance[WORKFLOW]!;
}

describe('fibo_activity', () => {
  it('computes Fibonacci numbers with u64 wrap-around', async () => {
    const { fibo } = (await activity.instantiate({}))[ACTIVITY]!;
    expect(fibo!(10)).toBe(55n);
    expect(fibo!(0)).toBe(0n);
    expect(fibo!(1)).toBe(1n);
    expect(fibo!(40)).toBe(102334155n);
    expect(fibo!(93)).toBe(12200160415121876738n);
    expect(fibo!(94)).toBe((12200160415121876738n + 7540113804746346429n) % 2n ** 64n);
  });

  it('also exposes the interface under jco\'s camelCase name, and instantiates synchronously', () => {
    const instance = activity.instantiateSync({});
    expect(instance.fiboActivityIfc).toBe(instance[ACTIVITY]);
  });
});

describe('fibo_workflow with faked imports', () => {
  it('fiboa calls the activity `iterations` times and returns the last result', async () => {
    const host = fakeHost();
    const { fiboa } = await workflowIfc(host);
    expect(fiboa!(10, 3)).toBe(10_003n);
    expect(host.calls).toEqual(['fibo 10', 'fibo 10', 'fibo 10']);
  });

  it('fiboa with 0 iterations returns ok 0 without calling the activity', async () => {
    const host = fakeHost();
    expect((await workflowIfc(host)).fiboa!(40, 0)).toBe(0n);
    expect(host.calls).toEqual([]);
  });

  it('fiboa returns err when the activity returns err', async () => {
    const host = fakeHost({ fibo: (n) => (n === 7 ? { tag: 'err', val: undefined } : 1n) });
    const { fiboa } = await workflowIfc(host);
    expect(() => fiboa!(7, 5)).toThrow(expect.objectContaining({ payload: undefined }));
    expect(host.calls).toEqual(['fibo 7']);
  });

  it('fiboa-concurrent submits to one join set, awaits every child, returns the last, drops the join set', async () => {
    const host = fakeHost();
    const { fiboaConcurrent } = await workflowIfc(host);
    // Children answer in reverse order: the last awaited is child 1, worth 100.
    expect(fiboaConcurrent!(12, 3)).toBe(100n);
    expect(host.calls).toEqual([
      'create g:1', 'submit g:1 12', 'submit g:1 12', 'submit g:1 12',
      'await E_01.g:1_3', 'await E_01.g:1_2', 'await E_01.g:1_1', 'drop g:1',
    ]);
    expect(host.created[0]!.disposed).toBe(true);
  });

  it('fiboa-concurrent returns err when a child fails or the join set has nothing left', async () => {
    for (const opts of [{ childErr: true }, { lose: true }]) {
      const host = fakeHost(opts);
      const { fiboaConcurrent } = await workflowIfc(host);
      expect(() => fiboaConcurrent!(5, 2)).toThrow(expect.objectContaining({ payload: undefined }));
      expect(host.calls.at(-1)).toBe('drop g:1');
    }
  });

  it('reports a missing import interface before jco runs', async () => {
    const { imports } = fakeHost();
    const partial: Record<string, object> = { ...imports };
    delete partial[EXT];
    const err = await workflow.instantiate(partial).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/imports template-fibo:activity-obelisk-ext\/fibo-activity-ifc, which nothing provides/);
  });
});

describe('loading', () => {
  it('rejects a digest mismatch, naming both digests', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    const err = await loadComponent(paths.fibo_activity!, { cacheDir, expectedDigest: wrong }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(wrong);
    expect((err as Error).message).toContain(activity.digest);
    expect((err as Error).message).toMatch(/does not match its content_digest/);
  });

  it('accepts the right digest and reuses the process-wide load', async () => {
    const again = await loadComponent(paths.fibo_activity!, { cacheDir, expectedDigest: activity.digest });
    expect(again.cacheHit).toBe(true);
    expect(again.coreModules).toBe(activity.coreModules);
  });

  it('says which file is missing', async () => {
    await expect(loadComponent(path.join(tmp, 'nope.wasm'), { cacheDir })).rejects.toThrow(/cannot read component .*nope\.wasm: no such file/);
  });

  it('caches patched glue: the debug flag is read once, missing imports are not printed, no JSPI try throws a fresh error', () => {
    const dir = path.join(cacheDir, 'transpiled', workflow.digest.slice('sha256:'.length));
    const js = readFileSync(path.join(dir, 'component.js'), 'utf8');
    const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as { debugReadsPatched: number; promisingPatched: number };
    expect(meta.debugReadsPatched).toBeGreaterThan(0);
    expect(meta.promisingPatched).toBeGreaterThan(0);
    expect(js.match(/WebAssembly\.promising\(/g)).toHaveLength(1); // in the helper only
    expect(js).not.toContain('if (!globalThis?.process?.env?.JCO_DEBUG) { return; }');
    expect(js.match(/globalThis\?\.process\?\.env\?\.JCO_DEBUG/g)).toHaveLength(1);
    expect(js).not.toContain('console.error("ERROR:"');
  });

  it('offers every versioned import key without its version too', () => {
    const o = {};
    expect(withUnversionedKeys({ 'wasi:random/random@0.2.3': o, 'a:b/c': o })).toEqual({
      'wasi:random/random@0.2.3': o, 'wasi:random/random': o, 'a:b/c': o,
    });
  });
});

describe('renewing an instance (glue-patches.ts, patch 3)', () => {
  const HOG = 'testing:hog/hog';
  it('gives fresh linear memory and the same behaviour as a fresh instance', async () => {
    const hog = await loadComponent(paths.memory_hog!, { cacheDir });
    const first = hog.instantiateSync({});
    const grow = (i: typeof first) => i[HOG]!.grow!(2);
    expect([grow(first), grow(first)]).toEqual([2, 4]); // one instance keeps its memory
    const renewed = takeRenewer(first)!();
    expect(renewed).toBeDefined();
    expect([grow(renewed), grow(renewed)]).toEqual([2, 4]); // a renewed one starts from scratch
    expect(grow(takeRenewer(renewed)!())).toBe(2); // and renews again
  });

  it('replays a workflow with resources exactly as a fresh instance does, including after an err', async () => {
    const trace = (instance: Awaited<ReturnType<typeof workflow.instantiate>>, host: ReturnType<typeof fakeHost>, opts: { childErr?: boolean }) => {
      let out: unknown;
      try {
        out = instance[WORKFLOW]!.fiboaConcurrent!(12, 3);
      } catch (e) {
        out = `err ${String((e as { payload?: unknown }).payload)}`;
      }
      return { out, calls: host.calls };
    };
    for (const opts of [{}, { childErr: true }]) {
      const freshHost = fakeHost(opts);
      const fresh = trace(await workflow.instantiate(freshHost.imports), freshHost, opts);
      const host = fakeHost(opts);
      const source = await workflow.instantiate(host.imports);
      trace(source, host, opts);
      host.calls.length = 0;
      host.created.length = 0;
      expect(trace(takeRenewer(source)!(), host, opts)).toEqual(fresh);
    }
  });

  it('every test component built here can be renewed; a glue without the pattern, or with guest state outside the generator, cannot', async () => {
    for (const c of [activity, workflow]) {
      const meta = JSON.parse(readFileSync(path.join(path.dirname(c.gluePath), 'meta.json'), 'utf8')) as { renewable: boolean };
      expect(meta.renewable).toBe(true);
    }
    // jco's shape in small: helpers, then the init generator, then the synchronous return.
    const glue = (helpers: string) => `export function instantiate() {
  ${helpers}
  let gen= (function* _initGenerator () {
    const memory = { grown: 0 };
    return { memory };
  })();
  let promise, resolve, reject;
  function runNext(value) { let done; ({ value, done } = gen.next(value)); return value; }
  const maybeSyncReturn = runNext(null);
  return promise || maybeSyncReturn;
}`;
    const patched = patchGlue(glue('const ASYNC_STATE = new Map();'));
    expect(patched.renewable).toBe(true);
    const mod = (await import(`data:text/javascript,${encodeURIComponent(patched.js)}`)) as { instantiate(): { memory: { grown: number } } };
    const first = mod.instantiate();
    first.memory.grown = 5;
    const next = takeRenewer(first)!();
    expect(next.memory).toEqual({ grown: 0 }); // made again by the generator, not shared
    // A handle table made outside the generator would be shared by every renewed instance.
    expect(patchGlue(glue('const handleTable0 = [1, 0];')).renewable).toBe(false);
    const plain = 'export function instantiate() { return {}; }';
    expect(patchGlue(plain)).toEqual({ js: plain, debugReadsPatched: 0, renewable: false, promisingPatched: 0 });
    expect(takeRenewer({})).toBeUndefined();
  });
});

describe('a fresh process', () => {
  let script: string;
  beforeAll(() => {
    const loader = compileLib('lib/component/loader.ts', path.join(tmp, 'lib'));
    script = path.join(tmp, 'lib', 'child.mjs');
    writeFileSync(script, `
      import { loadComponent } from ${JSON.stringify(loader)};
      const [location, cacheDir] = process.argv.slice(2);
      const started = performance.now();
      const c = await loadComponent(location, { cacheDir });
      const loadMs = performance.now() - started;
      class JoinSet {}
      const t = performance.now();
      const inst = await c.instantiate({
        'obelisk:types/join-set@4.2.0': { JoinSet },
        'obelisk:workflow/workflow-support@5.1.0': { joinSetCreate: () => new JoinSet() },
        'template-fibo:activity/fibo-activity-ifc': { fibo: (n) => BigInt(n) + 1n },
        'template-fibo:activity-obelisk-ext/fibo-activity-ifc': { fiboSubmit() {}, fiboAwaitNext() {} },
      });
      const instantiateMs = performance.now() - t;
      const value = String(inst['template-fibo:workflow/fibo-workflow-ifc'].fiboa(41, 2));
      console.log(JSON.stringify({ cacheHit: c.cacheHit, loadMs, instantiateMs, timings: c.timings, value }));
    `);
  });

  async function child(cache: string): Promise<{ cacheHit: boolean; value: string; loadMs: number; instantiateMs: number; timings: object }> {
    const { stdout } = await run(process.execPath, [script, paths.fibo_workflow!, cache], { cwd: tmp });
    return JSON.parse(stdout) as never;
  }

  it('takes the transpiled component from the disk cache', async () => {
    const report = await child(cacheDir);
    expect(report).toMatchObject({ cacheHit: true, value: '42' });
    console.log(`fibo_workflow, later process: ${JSON.stringify(report)}`);
  });

  it('two processes racing on an empty cache both load it, and leave one complete entry', async () => {
    const fresh = path.join(tmp, 'race-cache');
    const reports = await Promise.all([child(fresh), child(fresh)]);
    expect(reports.map((r) => r.value)).toEqual(['42', '42']);
    console.log(`fibo_workflow, first process (transpiles): ${JSON.stringify(reports.find((r) => !r.cacheHit) ?? reports[0])}`);
    const entries = readdirSync(path.join(fresh, 'transpiled'));
    expect(entries).toEqual([workflow.digest.slice('sha256:'.length)]);
    expect(existsSync(path.join(fresh, 'transpiled', entries[0]!, 'meta.json'))).toBe(true);
  });
});
