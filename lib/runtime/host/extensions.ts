/**
 * Imports a workflow makes of other components' functions: direct calls (the function itself: a
 * one-off join set, a submission and a blocking await, as one step) and the generated extension
 * functions `-submit`, `-await-next`, `-get`, `-invoke`, `-schedule`, `-stub`.
 */
import { formatFfqn } from '../../model/ffqn.js';
import { isExecutionId, isValidJoinSetName, type ExecutionId, type JoinSetId } from '../../model/ids.js';
import type { JsonValue } from '../../model/json.js';
import type { WitFunction } from '../../model/wit-types.js';
import { BugError } from '../../model/errors.js';
import type { Response } from '../context.js';
import { asHostResult, hostErr, hostOk, scheduleAtToJson, outcomeToJs, type TargetInfo } from './values.js';
import type { HostDeps } from './workflow-support.js';
import type { ExtensionKind } from '../../component/extensions.js';
import { jsName } from '../../component/codec.js';

type JoinSetHandle = { joinSetId: JoinSetId };
type Variant = { tag: string; val?: unknown };
const ok = hostOk;
const err = hostErr;


function paramsToJson(deps: HostDeps, target: TargetInfo, args: unknown[]): JsonValue[] {
  return target.fn.params.map((p, i) => deps.codec.toJson(p.type, args[i]));
}

/** The function reference record `obelisk:types/execution.function` for a target. */
function functionRecord(ffqn: string) {
  const dot = ffqn.lastIndexOf('.');
  return { interfaceName: ffqn.slice(0, dot), functionName: ffqn.slice(dot + 1) };
}

function mismatch(target: TargetInfo, response: Response) {
  const actualId = response.type === 'child-finished'
    ? { tag: 'execution-id', val: { id: response.child_execution_id } }
    : { tag: 'delay-id', val: { id: response.delay_id } };
  return { tag: 'function-mismatch', val: { specifiedFunction: functionRecord(target.ffqn), actualFunction: undefined, actualId } };
}

/** A direct call: `fibo(n)` imported from the activity's own interface. */
export function directCall(deps: HostDeps, target: TargetInfo, label: string) {
  return (...args: unknown[]) => {
    const { ctx } = deps;
    const js = ctx.createJoinSet('one-off', label);
    if (!('ok' in js)) throw new BugError(`one-off join set for ${target.ffqn}: ${js.err}`);
    ctx.submitChild(js.ok, target.ffqn, paramsToJson(deps, target, args));
    const r = ctx.joinNext(js.ok, 'blocking');
    if (!('response' in r) || r.response.type !== 'child-finished') throw new BugError(`direct call of ${target.ffqn} got no child response`);
    return outcomeToJs(deps.codec, target.fn.result, r.response);
  };
}

/** A direct call as the guest imports it: the target's own return type, a result at the top level. */
function directImport(deps: HostDeps, target: TargetInfo, label: string) {
  const call = directCall(deps, target, label);
  return (...args: unknown[]) => asHostResult(call(...args));
}

/** One generated extension function for `target`. */
export function extensionFunction(deps: HostDeps, kind: ExtensionKind, target: TargetInfo) {
  const ret = target.fn.result;
  switch (kind) {
    case 'submit':
      return (h: JoinSetHandle, ...args: unknown[]) => ({ id: deps.ctx.submitChild(h.joinSetId, target.ffqn, paramsToJson(deps, target, args)) });
    case 'await-next':
      return (h: JoinSetHandle) => {
        const r = deps.ctx.joinNext(h.joinSetId, 'blocking');
        if ('outcome' in r) return err({ tag: 'all-processed' });
        const m = r.response;
        if (m.type !== 'child-finished' || !sameFunction(deps.ctx, m.child_execution_id, target)) return err(mismatch(target, m));
        return ok([{ id: m.child_execution_id }, outcomeToJs(deps.codec, ret, m)]);
      };
    case 'get':
      return (executionId: { id: string }) => {
        const m = isExecutionId(executionId.id) ? deps.ctx.processedResult(executionId.id) : undefined;
        if (!m) return err({ tag: 'not-found-in-processed-responses' });
        if (!sameFunction(deps.ctx, m.child_execution_id, target)) return err(mismatch(target, m));
        return ok(outcomeToJs(deps.codec, ret, m));
      };
    case 'invoke':
      return (label: string, ...args: unknown[]) => {
        if (!isValidJoinSetName(label)) return err({ tag: 'invalid-name', val: `invalid label ${JSON.stringify(label)}: expected alphanumerics, '-' and '/'` });
        return ok(directCall(deps, target, label)(...args));
      };
    case 'schedule':
      return (scheduleAt: Variant, ...args: unknown[]) => ({ id: deps.ctx.schedule(target.ffqn, paramsToJson(deps, target, args), scheduleAtToJson(scheduleAt)) });
    case 'stub':
      return (executionId: { id: string }, value: unknown) => {
        if (!isExecutionId(executionId.id)) return err({ tag: 'execution-not-found' });
        const json = deps.codec.toJson(ret!, value) as { ok: JsonValue } | { err: JsonValue };
        const outcome = deps.ctx.stub(executionId.id as ExecutionId, json);
        return outcome === 'ok' ? ok() : err({ tag: outcome });
      };
  }
}

function sameFunction(ctx: HostDeps['ctx'], childId: string, target: TargetInfo): boolean {
  return ctx.childFunction(childId) === target.ffqn;
}

/** The import object of one imported interface of other components' functions. */
export function importedInterface(
  deps: HostDeps,
  ifc: string,
  functions: WitFunction[],
  classify: (fn: string) => { kind: ExtensionKind | 'direct'; target: TargetInfo } | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of functions) {
    const c = classify(f.name);
    if (!c) throw new BugError(`no host implementation for ${formatFfqn(ifc, f.name)}`);
    out[jsName(f.name)] = c.kind === 'direct' ? directImport(deps, c.target, f.name) : extensionFunction(deps, c.kind, c.target);
  }
  return out;
}
