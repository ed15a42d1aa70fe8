/**
 * The import object of one workflow instance: every interface the component imports, answered by
 * the host. Obelisk's host interfaces, other components' functions (direct calls and extension
 * functions) and WASI (deterministic) are recognised by name; anything else cannot be satisfied and
 * is reported before the workflow runs.
 */
import { formatFfqn } from '../../model/ffqn.js';
import { ConfigError } from '../../model/errors.js';
import type { WitFunction } from '../../model/wit-types.js';
import { parseExtensionImport } from '../../component/extensions.js';
import { importedInterface } from './extensions.js';
import { unversioned } from '../../component/exports.js';
import { joinSetClass, workflowSupport, type HostDeps } from './workflow-support.js';
import { obeliskLog } from './log.js';
import { deterministicWasi } from './wasi.js';

export interface ImportedInterface {
  name: string;
  functions: WitFunction[];
}


export function buildImports(deps: HostDeps, imports: readonly ImportedInterface[]): Record<string, object> {
  const JoinSet = joinSetClass(deps);
  const out: Record<string, object> = {};
  const put = (name: string, value: object) => {
    out[name] = value;
    out[unversioned(name)] = value;
  };
  for (const ifc of imports) {
    const base = unversioned(ifc.name);
    if (base === 'obelisk:workflow/workflow-support') put(ifc.name, workflowSupport(deps, JoinSet));
    else if (base === 'obelisk:types/join-set') put(ifc.name, { JoinSet });
    else if (base.startsWith('obelisk:types/')) put(ifc.name, {});
    else if (base === 'obelisk:log/log') put(ifc.name, obeliskLog(deps));
    else if (base.startsWith('wasi:')) put(ifc.name, deterministicWasi(deps, base));
    else put(ifc.name, importedInterface(deps, ifc.name, ifc.functions, (fn) => classify(deps, ifc.name, fn)));
  }
  return out;
}

function classify(deps: HostDeps, ifc: string, fn: string) {
  const ext = parseExtensionImport(ifc, fn);
  if (ext) {
    const target = deps.targets.resolve(formatFfqn(ext.target.ifc, ext.target.fn));
    return target && { kind: ext.kind, target };
  }
  const target = deps.targets.resolve(formatFfqn(ifc, fn));
  return target && { kind: 'direct' as const, target };
}

/** Imports no host can answer: checked when a workflow component is loaded, so it fails before it runs. */
export function unsatisfiableImports(deps: Pick<HostDeps, 'targets'>, imports: readonly ImportedInterface[]): string[] {
  const missing: string[] = [];
  for (const ifc of imports) {
    const base = unversioned(ifc.name);
    if (base.startsWith('obelisk:') || base.startsWith('wasi:')) continue;
    for (const f of ifc.functions) {
      if (!classify(deps as HostDeps, ifc.name, f.name)) missing.push(formatFfqn(ifc.name, f.name));
    }
  }
  return missing;
}

export function assertSatisfiable(component: string, deps: Pick<HostDeps, 'targets'>, imports: readonly ImportedInterface[]): void {
  const missing = unsatisfiableImports(deps, imports);
  if (missing.length) {
    throw new ConfigError(`workflow ${component} imports functions no configured component exports: ${missing.join(', ')}; expected each to be exported by an [[activity_wasm]], [[activity_stub]] or [[workflow]], or to be an extension (-submit, -await-next, -get, -invoke, -schedule, -stub) of one`);
  }
}

