/**
 * Extension functions (obelisk-compat.md §2): for every function F exported by an activity or workflow
 * interface `ns:pkg/ifc@ver`, the functions a workflow may import to submit, await, get, invoke,
 * schedule or stub F. Pure: derives signatures and recognises import names.
 *
 * Invariants:
 * 1. A derived interface keeps the original interface name and version; only the package gains a
 *    suffix: `-obelisk-ext` (submit, await-next, get, invoke), `-obelisk-schedule`, `-obelisk-stub`.
 * 2. parseExtensionImport inverts the derivation: for every derived (interface, function) it returns
 *    the kind and the original (interface, function); for any other name it returns undefined.
 * 3. `-stub` is derived for stub activities only.
 */
import { InputError } from '../model/errors.js';
import { parseInterfaceName } from '../model/ffqn.js';
import { formatWitFunction, type WitFunction, type WitType } from '../model/wit-types.js';
import {
  awaitNextExtensionError, executionId, getExtensionError, invokeExtensionError, joinSetBorrow, scheduleAt,
  stubError,
} from './wit/host-types.js';

export type ComponentKind = 'activity_wasm' | 'activity_stub' | 'workflow';
export type ExtensionKind = 'submit' | 'await-next' | 'get' | 'invoke' | 'schedule' | 'stub';

/** An interface with its functions, as the component type reader produces it. */
export interface ExportedInterface {
  name: string;
  functions: WitFunction[];
}

export interface ExtensionImport {
  kind: ExtensionKind;
  target: { ifc: string; fn: string };
}

const PACKAGES: { suffix: string; kinds: ExtensionKind[] }[] = [
  { suffix: '-obelisk-ext', kinds: ['submit', 'await-next', 'get', 'invoke'] },
  { suffix: '-obelisk-schedule', kinds: ['schedule'] },
  { suffix: '-obelisk-stub', kinds: ['stub'] },
];

const FN_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** `ns:pkg/ifc@ver` with the package suffixed: `ns:pkg-obelisk-ext/ifc@ver`. */
export function extensionInterfaceName(ifc: string, suffix: string): string {
  const p = parseInterfaceName(ifc);
  return `${p.namespace}:${p.pkg}${suffix}/${p.ifcName}${p.version ? `@${p.version}` : ''}`;
}

const param = (name: string, type: WitType) => ({ name, type });
const res = (ok: WitType | null, err: WitType | null): WitType => ({ kind: 'result', ok, err });

/** The signature of `F-<kind>` for the exported function F. */
export function extensionFunction(kind: ExtensionKind, fn: WitFunction): WitFunction {
  const ret = fn.result;
  if (!ret) {
    throw new InputError(`cannot derive extension functions for ${fn.name}: an exported function must return a result, for example func(n: u8) -> result<u64>; got ${formatWitFunction(fn)}`);
  }
  const name = `${fn.name}-${kind}`;
  switch (kind) {
    case 'submit':
      return { name, params: [param('join-set', joinSetBorrow), ...fn.params], result: executionId };
    case 'await-next':
      return {
        name,
        params: [param('join-set', joinSetBorrow)],
        result: res({ kind: 'tuple', elements: [executionId, ret] }, awaitNextExtensionError),
      };
    case 'get':
      return { name, params: [param('execution-id', executionId)], result: res(ret, getExtensionError) };
    case 'invoke':
      return { name, params: [param('label', { kind: 'string' }), ...fn.params], result: res(ret, invokeExtensionError) };
    case 'schedule':
      return { name, params: [param('schedule-at', scheduleAt), ...fn.params], result: executionId };
    case 'stub':
      return { name, params: [param('execution-id', executionId), param('execution-result', ret)], result: res(null, stubError) };
  }
}

/** The extension interfaces a workflow may import for one exported interface. */
export function extensionInterfaces(exported: ExportedInterface, kind: ComponentKind): ExportedInterface[] {
  return PACKAGES.filter((p) => kind === 'activity_stub' || p.suffix !== '-obelisk-stub').map((p) => ({
    name: extensionInterfaceName(exported.name, p.suffix),
    functions: exported.functions.flatMap((f) => p.kinds.map((k) => extensionFunction(k, f))),
  }));
}

/** Recognises an imported function as an extension function; undefined for any other name. */
export function parseExtensionImport(ifcName: string, fnName: string): ExtensionImport | undefined {
  let ifc: ReturnType<typeof parseInterfaceName>;
  try {
    ifc = parseInterfaceName(ifcName);
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
  for (const { suffix, kinds } of PACKAGES) {
    if (!ifc.pkg.endsWith(suffix) || ifc.pkg.length === suffix.length) continue;
    for (const kind of kinds) {
      const fn = fnName.endsWith(`-${kind}`) ? fnName.slice(0, -kind.length - 1) : '';
      if (!FN_NAME.test(fn)) continue;
      const pkg = ifc.pkg.slice(0, -suffix.length);
      const target = `${ifc.namespace}:${pkg}/${ifc.ifcName}${ifc.version ? `@${ifc.version}` : ''}`;
      return { kind, target: { ifc: target, fn } };
    }
  }
  return undefined;
}
