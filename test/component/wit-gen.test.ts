import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostInterfaces, hostWitPackages, writeHostWit } from '../../lib/component/wit-gen.js';
import { printInterface } from '../../lib/component/wit/print.js';
import { InputError } from '../../lib/model/errors.js';
import { formatWitFunction, type WitFunction } from '../../lib/model/wit-types.js';
import { buildImportingComponent, removeTempDirs, tempDir } from './wit-gen.helpers.js';

afterAll(removeTempDirs);

const WS = 'obelisk:workflow/workflow-support@5.1.0';

function signatures(ifc: string): Map<string, string> {
  const found = hostInterfaces().find((i) => i.name === ifc);
  expect(found, ifc).toBeDefined();
  return new Map(found!.functions.map((f: WitFunction) => [f.name, formatWitFunction(f)]));
}

describe('host WIT packages', () => {
  it('are written in the wit/deps layout, one folder per package', async () => {
    const dir = await tempDir();
    const written = await writeHostWit(dir);
    expect(hostWitPackages().map((p) => p.path)).toEqual([
      'obelisk_types@4.2.0/obelisk_types@4.2.0.wit',
      'obelisk_workflow@5.1.0/obelisk_workflow@5.1.0.wit',
      'obelisk_log@1.0.0/obelisk_log@1.0.0.wit',
    ]);
    const text = await readFile(join(dir, 'obelisk_log@1.0.0', 'obelisk_log@1.0.0.wit'), 'utf8');
    expect(text).toMatch(/^package obelisk:log@1\.0\.0;\n/);
    expect(written).toHaveLength(3);
  });

  it('parse with jco: a component importing every host function is created and names every interface', async () => {
    const root = await tempDir();
    await writeHostWit(join(root, 'deps'));
    const ifcs = hostInterfaces();
    expect(ifcs.map((i) => i.name)).toEqual([
      'obelisk:types/time@4.2.0', 'obelisk:types/execution@4.2.0', 'obelisk:types/backtrace@4.2.0',
      'obelisk:types/join-set@4.2.0', WS, 'obelisk:log/log@1.0.0',
    ]);
    const wit = await buildImportingComponent(root, ifcs);
    for (const i of ifcs) expect(wit).toContain(`import ${i.name};`);
  });

  it('list every workflow-support function of the spec, each -bt twin with a trailing backtrace', () => {
    const sigs = signatures(WS);
    const plain = [
      'execution-id-current', 'random-u64', 'random-u64-inclusive', 'random-string', 'sleep', 'join-set-create',
      'join-set-create-named', 'join-set-close', 'submit-json', 'get-result-json', 'submit-delay', 'join-next',
      'join-next-try', 'execution-id-generate', 'schedule-json', 'call-json', 'stub-json',
    ];
    const twins = [
      'random-u64', 'random-u64-inclusive', 'random-string', 'sleep', 'join-set-create', 'join-set-create-named',
      'join-set-close', 'submit-json', 'get-result-json', 'submit-delay', 'join-next', 'join-next-try',
    ];
    expect([...sigs.keys()].sort()).toEqual([...plain, ...twins.map((t) => `${t}-bt`), 'sleep-named-bt'].sort());
    for (const t of twins) {
      const base = sigs.get(t)!.replace(/^func\((.*?)\)/, (_, p: string) => `func(${p}${p ? ', ' : ''}backtrace: option<wasm-backtrace>)`);
      expect(sigs.get(`${t}-bt`)).toBe(base);
    }
    expect(sigs.get('submit-json')).toBe('func(join-set: borrow<join-set>, function: function, params: string, config: option<submit-config>) -> result<execution-id, submit-json-error>');
    expect(sigs.get('get-result-json')).toBe('func(execution-id: execution-id) -> result<result<option<string>, option<string>>, get-result-json-error>');
    expect(sigs.get('schedule-json')).toBe('func(execution-id: execution-id, schedule-at: schedule-at, function: function, params: string, config: option<submit-config>, backtrace: option<wasm-backtrace>) -> result<_, schedule-json-error>');
    expect(sigs.get('join-next-try')).toBe('func(join-set: borrow<join-set>) -> result<tuple<response-id, result>, join-next-try-error>');
    expect(sigs.get('sleep-named-bt')).toBe('func(schedule-at: schedule-at, name: option<string>, backtrace: option<wasm-backtrace>) -> result<datetime>');
    expect(sigs.get('join-set-close')).toBe('func(self: join-set)');
  });

  it('name resource methods as the component model does, with self first', () => {
    const sigs = signatures('obelisk:types/join-set@4.2.0');
    expect(Object.fromEntries(sigs)).toEqual({
      '[method]join-set.id': 'func(self: borrow<join-set>) -> string',
      '[method]join-set.submit-delay': 'func(self: borrow<join-set>, timeout: schedule-at) -> delay-id',
      '[method]join-set.join-next': 'func(self: borrow<join-set>) -> result<tuple<response-id, result>, join-next-error>',
    });
    expect([...signatures('obelisk:log/log@1.0.0').values()]).toEqual(Array(5).fill('func(message: string)'));
  });

  it('carry owners on named types so the runtime can compare them', () => {
    const submit = hostInterfaces().find((i) => i.name === WS)!.functions.find((f) => f.name === 'submit-json')!;
    expect(submit.params[0]!.type).toEqual({ kind: 'borrow', resource: 'join-set', owner: 'obelisk:types/join-set@4.2.0' });
    expect(submit.result).toMatchObject({ ok: { kind: 'record', name: 'execution-id', owner: 'obelisk:types/execution@4.2.0' } });
  });

  it('match the copies committed under wit/', async () => {
    for (const p of hostWitPackages()) {
      const committed = await readFile(new URL(`../../wit/deps/${p.path}`, import.meta.url), 'utf8');
      expect(committed, p.path).toBe(p.text);
    }
  });
});

describe('WIT printer', () => {
  const ifc = 'test:p/i@1.0.0';

  it('escapes keywords and renames clashing used types', () => {
    const text = printInterface({
      name: ifc,
      types: [{ kind: 'enum', name: 'error', owner: ifc, cases: ['type', 'ok'] }],
      functions: [{
        name: 'list',
        params: [
          { name: 'type', type: { kind: 'variant', name: 'error', owner: 'test:q/other', cases: [] } },
          { name: 'e', type: { kind: 'enum', name: 'error', owner: ifc, cases: [] } },
        ],
        result: null,
      }],
    });
    expect(text).toContain('use test:q/other.{error as other-error};');
    expect(text).toContain('%list: func(%type: other-error, e: error);');
    expect(text).toContain('enum error {\n        %type,\n        ok,\n    }');
  });

  it('refuses what WIT cannot express, saying what was expected', () => {
    const anon = { name: 'f', params: [{ name: 'p', type: { kind: 'record' as const, fields: [] } }], result: null };
    expect(() => printInterface({ name: ifc, types: [], functions: [anon] })).toThrow(InputError);
    expect(() => printInterface({ name: ifc, types: [], functions: [anon] })).toThrow(/anonymous record/);
    const ownerless = { name: 'f', params: [{ name: 'p', type: { kind: 'enum' as const, name: 'color', cases: ['red'] } }], result: null };
    expect(() => printInterface({ name: ifc, types: [], functions: [ownerless] })).toThrow(/"color".*expected an owner/);
    const twice = { name: 'f', params: [{ name: 'p', type: { kind: 'u8' as const } }, { name: 'p', type: { kind: 'u8' as const } }], result: null };
    expect(() => printInterface({ name: ifc, types: [], functions: [twice] })).toThrow(/two parameters are named "p"/);
  });
});
