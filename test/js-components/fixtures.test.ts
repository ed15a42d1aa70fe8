/**
 * The fixture components as built: their types match the hand-written ones in ./fixtures.ts (which
 * the script workflow's WIT deps and the harness's targets come from), the test activity behaves as
 * its WIT says, and the componentize-js build keeps what a workflow needs and nothing more. Prints
 * the build and instantiate numbers.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readComponentTypes } from '../../lib/component/types-reader.js';
import { buildJsComponent, componentizeJsVersion, WORKFLOW_DISABLED_FEATURES } from '../../lib/component/build-js.js';
import { extensionInterfaces } from '../../lib/component/extensions.js';
import { InputError } from '../../lib/model/errors.js';
import { COMPONENTS_OUT, fixtureComponent } from './harness.js';
import { FIXTURE_EXPORTS, opsInterface, stubInterface, scriptInterface } from './fixtures.js';

const byName = <T extends { name: string }>(xs: readonly T[]) => [...xs].sort((a, b) => (a.name < b.name ? -1 : 1));

describe('fixture component types', () => {
  it('test_activity exports what fixtures.ts says and imports only the monotonic clock', async () => {
    const { loaded } = await fixtureComponent('test_activity');
    expect(loaded.types.exports).toEqual([opsInterface]);
    expect(loaded.types.unusable).toEqual([]);
    expect(loaded.types.imports).toEqual([]);
    expect(loaded.types.wasiImports).toEqual(['wasi:clocks/monotonic-clock@0.2.0']);
  });

  it('stub_activity exports what fixtures.ts says', async () => {
    const { built } = await fixtureComponent('stub_activity');
    const types = readComponentTypes(readFileSync(built.path));
    expect(types.exports).toEqual([stubInterface]);
    expect(types.wasiImports).toEqual([]);
  });

  it('script_workflow exports run and imports every extension of the fixtures, plus WASI without http', async () => {
    const { loaded } = await fixtureComponent('script_workflow');
    expect(loaded.types.exports).toEqual([scriptInterface]);
    const imported = new Map(loaded.types.imports.map((i) => [i.name, i]));
    for (const e of FIXTURE_EXPORTS) {
      for (const ext of extensionInterfaces(e.ifc, e.kind)) {
        expect(byName(imported.get(ext.name)?.functions ?? []), ext.name).toEqual(byName(ext.functions));
      }
    }
    expect(imported.get(opsInterface.name)).toEqual(opsInterface);
    expect(imported.get(stubInterface.name)).toEqual(stubInterface);
    const wasi = loaded.types.wasiImports.map((n) => n.replace(/@.*$/, ''));
    // random and clocks kept (Date.now, Math.random go through the host), no network.
    expect(wasi).toEqual(expect.arrayContaining(['wasi:random/random', 'wasi:clocks/wall-clock', 'wasi:clocks/monotonic-clock', 'wasi:cli/stdout']));
    expect(wasi.filter((n) => n.startsWith('wasi:http') || n.startsWith('wasi:sockets'))).toEqual([]);
    expect(WORKFLOW_DISABLED_FEATURES).toEqual(['http', 'fetch-event']);
  });
});

describe('test_activity', () => {
  async function ops() {
    const { loaded } = await fixtureComponent('test_activity');
    const instance = await loaded.instantiate({ 'wasi:clocks/monotonic-clock@0.2.0': { now: () => process.hrtime.bigint() } });
    return instance['testing:activity/ops']!;
  }
  const payloadOf = (f: () => unknown): unknown => {
    try {
      f();
    } catch (e) {
      return (e as { payload?: unknown }).payload;
    }
    throw new Error('expected an err');
  };

  it('echo, fail, fail-permanent, add', async () => {
    const o = await ops();
    expect(o.echo!('héllo ✓')).toBe('héllo ✓');
    expect(payloadOf(() => o.fail!('bad'))).toBe('bad');
    expect(payloadOf(() => o.failPermanent!('perm'))).toEqual({ tag: 'permanent-failure', val: 'perm' });
    expect(o.add!(40n, 2n)).toBe(42n);
    expect(o.add!(2n ** 64n - 1n, 3n)).toBe(2n);
  });

  it('trap traps', async () => {
    const o = await ops();
    expect(() => o.trap!()).toThrow(/unreachable/);
  });

  it('spin busy-loops for about the given milliseconds', async () => {
    const o = await ops();
    const started = performance.now();
    expect(o.spin!(60)).toBe(60);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(59);
    expect(took).toBeLessThan(2000);
  });
});

describe('buildJsComponent', () => {
  it('refuses a missing source before starting componentize-js', async () => {
    await expect(buildJsComponent({ source: 'components/nowhere/component.js', witDir: 'components/script_workflow/wit', outPath: path.join(COMPONENTS_OUT, 'nowhere.wasm') }))
      .rejects.toThrow(InputError);
    expect(statSync(path.join(COMPONENTS_OUT, 'nowhere.wasm'), { throwIfNoEntry: false })).toBeUndefined();
  });

  it('refuses a source outside its root folder', async () => {
    await expect(buildJsComponent({ source: 'components/script_workflow/component.js', root: 'components/test_activity', witDir: 'components/script_workflow/wit', outPath: path.join(COMPONENTS_OUT, 'nowhere.wasm') }))
      .rejects.toThrow(/is not inside its root folder/);
  });

  it('keys the build cache with the componentize-js version', () => {
    expect(componentizeJsVersion()).toBe('componentize-js@0.23.0');
  });

  it('script_workflow: size and instantiate times (printed)', async () => {
    const { built, loaded } = await fixtureComponent('script_workflow');
    const size = statSync(built.path).size;
    expect(size).toBeGreaterThan(1_000_000);
    // Measured in a plain Node process: under vitest the glue module runs through vite's transform,
    // which makes every instantiation several times slower than it is in the engine.
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', MEASURE, JSON.stringify({
      glue: pathToFileURL(loaded.gluePath).href, dir: path.dirname(loaded.gluePath), modules: [...loaded.coreModules.keys()], keys: loaded.importKeys,
    })], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    const t = JSON.parse(out.stdout) as { compileMs: number; first: number; median: number; min: number; max: number };
    expect(t.median).toBeGreaterThan(0);
    console.log(`script_workflow.wasm: ${(size / 1e6).toFixed(1)} MB; ${built.built ? `built now in ${Math.round(built.ms)} ms` : 'build cached'}; `
      + `compile ${Math.round(t.compileMs)} ms; instantiate: first ${t.first.toFixed(1)} ms, then median ${t.median.toFixed(1)} ms `
      + `(min ${t.min.toFixed(1)}, max ${t.max.toFixed(1)}) over 30`);
  }, 600_000);
});

/** Compiles the core modules once, then instantiates 31 times with do-nothing imports; prints times. */
const MEASURE = `
import { readFileSync } from 'node:fs';
import path from 'node:path';
const o = JSON.parse(process.argv[1]);
const glue = await import(o.glue);
let started = performance.now();
const mods = {};
for (const n of o.modules) mods[n] = await WebAssembly.compile(readFileSync(path.join(o.dir, n)));
const compileMs = performance.now() - started;
const handler = { get: (_t, p) => (p === 'then' ? undefined : class {}) };
const imports = Object.fromEntries(o.keys.map((k) => [k, new Proxy({}, handler)]));
const times = [];
for (let i = 0; i < 31; i++) {
  started = performance.now();
  glue.instantiate((n) => mods[n], imports);
  times.push(performance.now() - started);
}
const first = times.shift();
times.sort((a, b) => a - b);
console.log(JSON.stringify({ compileMs, first, median: times[15], min: times[0], max: times[29] }));
`;
