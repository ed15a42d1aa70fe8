/**
 * The exported interfaces of the fixture components (components/test_activity, stub_activity,
 * script_workflow) as WIT types, and the targets a workflow run resolves against. Written by hand
 * from their WIT; fixtures.test.ts checks them against the built binaries.
 */
import type { WitFunction, WitType } from '../../lib/model/wit-types.js';
import type { ExportedInterface, ComponentKind } from '../../lib/component/extensions.js';
import type { TargetInfo, Targets } from '../../lib/runtime/host/values.js';

const string: WitType = { kind: 'string' };
const u32: WitType = { kind: 'u32' };
const u64: WitType = { kind: 'u64' };
const result = (ok: WitType | null, err: WitType | null): WitType => ({ kind: 'result', ok, err });
const fn = (name: string, params: [string, WitType][], ret: WitType): WitFunction =>
  ({ name, params: params.map(([n, type]) => ({ name: n, type })), result: ret });

export const OPS = 'testing:activity/ops';
export const STUB = 'testing:stub/stub';
export const SCRIPT = 'testing:script/workflow';

export const opError: WitType = {
  kind: 'variant', name: 'op-error', owner: OPS,
  cases: [{ name: 'permanent-failure', type: string }, { name: 'execution-failed', type: null }],
};

export const opsInterface: ExportedInterface = {
  name: OPS,
  functions: [
    fn('echo', [['s', string]], result(string, string)),
    fn('fail', [['s', string]], result(string, string)),
    fn('fail-permanent', [['s', string]], result(string, opError)),
    fn('trap', [], result(string, string)),
    fn('spin', [['ms', u32]], result(u32, string)),
    fn('add', [['a', u64], ['b', u64]], result(u64, null)),
  ],
};

export const stubInterface: ExportedInterface = {
  name: STUB,
  functions: [fn('get', [['key', string]], result(string, null))],
};

export const scriptInterface: ExportedInterface = {
  name: SCRIPT,
  functions: [fn('run', [['program', string]], result(string, string))],
};

/** Which component kind exports each interface (decides the extension packages, e.g. `-obelisk-stub`). */
export const FIXTURE_EXPORTS: { ifc: ExportedInterface; kind: ComponentKind; target: TargetInfo['kind'] }[] = [
  { ifc: opsInterface, kind: 'activity_wasm', target: 'activity' },
  { ifc: stubInterface, kind: 'activity_stub', target: 'stub' },
  { ifc: scriptInterface, kind: 'workflow', target: 'workflow' },
];

/** Resolves `ns:pkg/ifc.fn` of the three fixture components. */
export const fixtureTargets: Targets = {
  resolve(ffqn: string): TargetInfo | undefined {
    const dot = ffqn.lastIndexOf('.');
    const ifc = ffqn.slice(0, dot);
    const name = ffqn.slice(dot + 1);
    for (const e of FIXTURE_EXPORTS) {
      if (e.ifc.name !== ifc) continue;
      const f = e.ifc.functions.find((x) => x.name === name);
      return f && { ffqn, fn: f, kind: e.target };
    }
    return undefined;
  },
};

export function functionOf(ffqn: string): WitFunction {
  const t = fixtureTargets.resolve(ffqn);
  if (!t) throw new Error(`no fixture function ${ffqn}`);
  return t.fn;
}
