import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  extensionFunction, extensionInterfaces, parseExtensionImport, type ComponentKind, type ExportedInterface,
} from '../../lib/component/extensions.js';
import { InputError } from '../../lib/model/errors.js';
import { formatWitFunction, type WitType } from '../../lib/model/wit-types.js';

const u64: WitType = { kind: 'u64' };
const FIBO: ExportedInterface = {
  name: 'template-fibo:activity/fibo-activity-ifc',
  functions: [{ name: 'fibo', params: [{ name: 'n', type: { kind: 'u8' } }], result: { kind: 'result', ok: u64, err: null } }],
};

function printed(exported: ExportedInterface, kind: ComponentKind): Record<string, Record<string, string>> {
  return Object.fromEntries(extensionInterfaces(exported, kind).map((i) => [
    i.name,
    Object.fromEntries(i.functions.map((f) => [f.name, formatWitFunction(f)])),
  ]));
}

describe('extension functions', () => {
  it('derive the fibo activity extensions exactly as obelisk-compat.md §2 writes them', () => {
    expect(printed(FIBO, 'activity_stub')).toEqual({
      'template-fibo:activity-obelisk-ext/fibo-activity-ifc': {
        'fibo-submit': 'func(join-set: borrow<join-set>, n: u8) -> execution-id',
        'fibo-await-next': 'func(join-set: borrow<join-set>) -> result<tuple<execution-id, result<u64>>, await-next-extension-error>',
        'fibo-get': 'func(execution-id: execution-id) -> result<result<u64>, get-extension-error>',
        'fibo-invoke': 'func(label: string, n: u8) -> result<result<u64>, invoke-extension-error>',
      },
      'template-fibo:activity-obelisk-schedule/fibo-activity-ifc': {
        'fibo-schedule': 'func(schedule-at: schedule-at, n: u8) -> execution-id',
      },
      'template-fibo:activity-obelisk-stub/fibo-activity-ifc': {
        'fibo-stub': 'func(execution-id: execution-id, execution-result: result<u64>) -> result<_, stub-error>',
      },
    });
  });

  it('derive -stub for stub activities only, and keep the interface version', () => {
    const versioned = { ...FIBO, name: 'ns:pkg/ifc@1.2.3' };
    expect(extensionInterfaces(versioned, 'workflow').map((i) => i.name)).toEqual([
      'ns:pkg-obelisk-ext/ifc@1.2.3', 'ns:pkg-obelisk-schedule/ifc@1.2.3',
    ]);
    expect(extensionInterfaces(versioned, 'activity_wasm').map((i) => i.name)).toHaveLength(2);
    expect(extensionInterfaces(versioned, 'activity_stub').map((i) => i.name)[2]).toBe('ns:pkg-obelisk-stub/ifc@1.2.3');
  });

  it('name obelisk types with their owning interfaces', () => {
    const submit = extensionFunction('submit', FIBO.functions[0]!);
    expect(submit.params[0]!.type).toEqual({ kind: 'borrow', resource: 'join-set', owner: 'obelisk:types/join-set@4.2.0' });
    expect(submit.result).toMatchObject({ kind: 'record', name: 'execution-id', owner: 'obelisk:types/execution@4.2.0' });
    const schedule = extensionFunction('schedule', FIBO.functions[0]!);
    expect(schedule.params[0]!.type).toMatchObject({ kind: 'variant', name: 'schedule-at', owner: 'obelisk:types/time@4.2.0' });
  });

  it('refuse a function that returns nothing, naming it', () => {
    expect(() => extensionFunction('get', { name: 'noop', params: [], result: null })).toThrow(InputError);
    expect(() => extensionFunction('get', { name: 'noop', params: [], result: null })).toThrow(/noop.*must return a result.*got func\(\)/);
  });
});

describe('parseExtensionImport', () => {
  it('round-trips every derived function of every kind', () => {
    for (const kind of ['activity_wasm', 'activity_stub', 'workflow'] as const) {
      for (const name of [FIBO.name, 'ns:pkg/ifc@1.2.3-rc.1', 'a:b-c/d-e']) {
        for (const ifc of extensionInterfaces({ ...FIBO, name }, kind)) {
          for (const f of ifc.functions) {
            const parsed = parseExtensionImport(ifc.name, f.name);
            expect(parsed?.target).toEqual({ ifc: name, fn: 'fibo' });
            expect(`fibo-${parsed!.kind}`).toBe(f.name);
          }
        }
      }
    }
  });

  it('round-trips generated names (property)', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,4}){0,2}$/);
    const version = fc.option(fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map((v) => v.join('.')), { nil: undefined });
    fc.assert(fc.property(word, word, word, word, version, fc.constantFrom<ComponentKind>('activity_wasm', 'activity_stub', 'workflow'),
      (ns, pkg, ifcName, fn, ver, kind) => {
        const name = `${ns}:${pkg}/${ifcName}${ver ? `@${ver}` : ''}`;
        const exported = { name, functions: [{ ...FIBO.functions[0]!, name: fn }] };
        for (const ifc of extensionInterfaces(exported, kind)) {
          for (const f of ifc.functions) {
            const parsed = parseExtensionImport(ifc.name, f.name);
            expect(parsed?.target).toEqual({ ifc: name, fn });
            expect(f).toEqual(extensionFunction(parsed!.kind, exported.functions[0]!));
          }
        }
      }), { seed: 20261121, numRuns: 200 });
  });

  it('rejects names that are not extension functions', () => {
    const cases: [string, string][] = [
      ['template-fibo:activity/fibo-activity-ifc', 'fibo-submit'], // not an extension package
      ['template-fibo:activity/fibo-activity-ifc', 'fibo'],
      ['template-fibo:activity-obelisk-ext/fibo-activity-ifc', 'fibo'], // no suffix
      ['template-fibo:activity-obelisk-ext/fibo-activity-ifc', 'fibo-schedule'], // suffix of another package
      ['template-fibo:activity-obelisk-ext/fibo-activity-ifc', 'fibo-stub'],
      ['template-fibo:activity-obelisk-schedule/fibo-activity-ifc', 'fibo-submit'],
      ['template-fibo:activity-obelisk-stub/fibo-activity-ifc', 'fibo-get'],
      ['template-fibo:activity-obelisk-ext/fibo-activity-ifc', '-submit'], // empty function name
      ['template-fibo:activity-obelisk-ext/fibo-activity-ifc', 'submit'],
      ['template-fibo:activity-obelisk-ext/fibo-activity-ifc', 'Fibo-submit'],
      ['not an interface', 'fibo-submit'],
      ['obelisk:workflow/workflow-support@5.1.0', 'join-next'],
      ['obelisk:log/log@1.0.0', 'info'],
    ];
    for (const [ifc, fn] of cases) expect(parseExtensionImport(ifc, fn), `${ifc} ${fn}`).toBeUndefined();
  });
});
