/**
 * `obelisk:workflow/workflow-support@5.1.0` and the `join-set` resource of `obelisk:types@4.2.0`,
 * answered from a WorkflowContext. Every function has its `-bt` twin taking a trailing backtrace,
 * which is stored with the event. Functions returning `result` return `{ tag, val }` (jco passes it
 * through as ok/err).
 */
import type { WorkflowContext, JoinNextResult } from '../context.js';
import type { JoinSetId, ExecutionId } from '../../model/ids.js';
import { isExecutionId } from '../../model/ids.js';
import { parseFfqn, formatFfqn } from '../../model/ffqn.js';
import { parseJson, stringifyJson, type JsonValue } from '../../model/json.js';
import type { Backtrace } from '../../model/events.js';
import type { LogSink } from './log.js';
import { backtraceToJson, datetimeOf, hostErr, hostOk, outcomeIsOk, scheduleAtToJson, type Targets, type ValueCodec } from './values.js';

type Variant = { tag: string; val?: unknown };
type FunctionRef = { interfaceName: string; functionName: string };

const ok = hostOk;
const err = hostErr;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * What the host functions answer from. They read it at each call, never when built: a renewed
 * instance (component/glue-patches.ts) keeps its import object, and the run it serves is changed
 * by assigning new values here.
 */
export interface HostDeps {
  ctx: WorkflowContext;
  targets: Targets;
  codec: ValueCodec;
  log: LogSink;
}

/** The JoinSet class jco hands to the guest; each instance names one join set of this run. */
export function joinSetClass(deps: HostDeps) {
  class JoinSet {
    constructor(readonly joinSetId: JoinSetId) {}
    id(): string {
      return this.joinSetId;
    }
    submitDelay(timeout: Variant) {
      return { id: deps.ctx.submitDelay(this.joinSetId, scheduleAtToJson(timeout)).id };
    }
    joinNext() {
      return joinNextValue(deps.ctx.joinNext(this.joinSetId, 'blocking'));
    }
  }
  // Dropping the handle closes the join set, as the guest can no longer await it.
  const dispose = function (this: JoinSet) {
    deps.ctx.closeJoinSet(this.joinSetId);
  };
  Object.defineProperty(JoinSet.prototype, Symbol.for('dispose'), { value: dispose });
  if (Symbol.dispose) Object.defineProperty(JoinSet.prototype, Symbol.dispose, { value: dispose });
  return JoinSet;
}

/** `result<tuple<response-id, result>, join-next-error>` (and the try variant's error). */
function joinNextValue(r: JoinNextResult) {
  if ('outcome' in r) return err({ tag: r.outcome });
  const m = r.response;
  const responseId = m.type === 'child-finished'
    ? { tag: 'execution-id', val: { id: m.child_execution_id } }
    : { tag: 'delay-id', val: { id: m.delay_id } };
  // Inside the tuple the untyped `result` is a plain value, written tagged.
  const okTag = m.type === 'child-finished' ? outcomeIsOk(m) : !m.cancelled;
  return ok([responseId, { tag: okTag ? 'ok' : 'err' }]);
}

export function workflowSupport(deps: HostDeps, JoinSet: ReturnType<typeof joinSetClass>) {
  const jsOf = (h: InstanceType<typeof JoinSet>): JoinSetId => h.joinSetId;

  const fns = {
    executionIdCurrent: () => ({ id: deps.ctx.executionId }),
    randomU64: (min: bigint, max: bigint, bt?: unknown) =>
      BigInt(deps.ctx.persist({ fn: 'random-u64', min, max_exclusive: max }, (random) => random.bigintBelow(min, max), b(bt)) as number | bigint),
    randomU64Inclusive: (min: bigint, max: bigint, bt?: unknown) =>
      BigInt(deps.ctx.persist({ fn: 'random-u64-inclusive', min, max_inclusive: max }, (random) => random.bigintBelow(min, max + 1n), b(bt)) as number | bigint),
    randomString: (minLength: number, maxLengthExclusive: number, bt?: unknown) =>
      deps.ctx.persist({ fn: 'random-string', min_length: minLength, max_length_exclusive: maxLengthExclusive }, (random) => {
        const len = Number(random.bigintBelow(BigInt(minLength), BigInt(maxLengthExclusive)));
        let s = '';
        for (let i = 0; i < len; i++) s += ALPHANUMERIC[Number(random.bigintBelow(0n, 62n))];
        return s;
      }, b(bt)) as string,
    sleep: (scheduleAt: Variant, bt?: unknown) => sleepNamed(scheduleAt, undefined, bt),
    sleepNamedBt: (scheduleAt: Variant, name: string | undefined, bt?: unknown) => sleepNamed(scheduleAt, name, bt),
    joinSetCreate: (bt?: unknown) => new JoinSet(created(deps.ctx.createJoinSet('generated', undefined, b(bt)))),
    joinSetCreateNamed: (name: string, bt?: unknown) => {
      const r = deps.ctx.createJoinSet('named', name, b(bt));
      if ('ok' in r) return ok(new JoinSet(r.ok));
      return err(r.err === 'conflict' ? { tag: 'conflict' } : { tag: 'invalid-name', val: `invalid join set name ${JSON.stringify(name)}: expected alphanumerics, '-' and '/'` });
    },
    joinSetClose: (h: InstanceType<typeof JoinSet>, bt?: unknown) => deps.ctx.closeJoinSet(jsOf(h), b(bt)),
    submitJson: (h: InstanceType<typeof JoinSet>, fn: FunctionRef, params: string, _config?: unknown, bt?: unknown) => {
      const checked = checkCall(deps.targets, fn, params);
      if ('err' in checked) return err(checked.err);
      return ok({ id: deps.ctx.submitChild(jsOf(h), checked.ffqn, checked.params, b(bt)) });
    },
    getResultJson: (executionId: { id: string }, _bt?: unknown) => {
      if (!isExecutionId(executionId.id)) return err({ tag: 'execution-id-parsing-error', val: `invalid execution id ${JSON.stringify(executionId.id)}` });
      const r = deps.ctx.processedResult(executionId.id);
      if (!r) return err({ tag: 'not-found-in-processed-responses' });
      return ok(resultJson(r));
    },
    submitDelay: (h: InstanceType<typeof JoinSet>, timeout: Variant, bt?: unknown) => ({ id: deps.ctx.submitDelay(jsOf(h), scheduleAtToJson(timeout), b(bt)).id }),
    joinNext: (h: InstanceType<typeof JoinSet>, bt?: unknown) => joinNextValue(deps.ctx.joinNext(jsOf(h), 'blocking', b(bt))),
    joinNextTry: (h: InstanceType<typeof JoinSet>, bt?: unknown) => joinNextValue(deps.ctx.joinNext(jsOf(h), 'try', b(bt))),
    executionIdGenerate: (bt?: unknown) => ({ id: deps.ctx.generateExecutionId(b(bt)) }),
    scheduleJson: (executionId: { id: string }, scheduleAt: Variant, fn: FunctionRef, params: string, _config?: unknown, bt?: unknown) => {
      const checked = checkCall(deps.targets, fn, params);
      if ('err' in checked) return err(checked.err);
      if (!isExecutionId(executionId.id)) return err({ tag: 'type-check-error', val: `invalid execution id ${JSON.stringify(executionId.id)}` });
      deps.ctx.schedule(checked.ffqn, checked.params, scheduleAtToJson(scheduleAt), b(bt), executionId.id as ExecutionId);
      return ok();
    },
    callJson: (fn: FunctionRef, params: string, _config?: unknown, bt?: unknown) => {
      const checked = checkCall(deps.targets, fn, params);
      if ('err' in checked) return err(checked.err);
      const js = created(deps.ctx.createJoinSet('one-off', fn.functionName, b(bt)));
      deps.ctx.submitChild(js, checked.ffqn, checked.params, b(bt));
      const r = deps.ctx.joinNext(js, 'blocking', b(bt));
      if (!('response' in r) || r.response.type !== 'child-finished') throw new Error(`call-json: expected the child's response, got ${stringifyJson(r)}`);
      return ok(resultJson(r.response));
    },
    stubJson: (executionId: { id: string }, resultText: string, bt?: unknown) => {
      if (!isExecutionId(executionId.id)) return err({ tag: 'execution-id-parsing-error', val: `invalid execution id ${JSON.stringify(executionId.id)}` });
      let value: JsonValue;
      try {
        value = parseJson(resultText);
      } catch (e) {
        return err({ tag: 'type-check-error', val: `result is not JSON: ${(e as Error).message}` });
      }
      if (!value || typeof value !== 'object' || Array.isArray(value) || !('ok' in value || 'err' in value)) {
        return err({ tag: 'type-check-error', val: `expected {"ok": …} or {"err": …}, got ${resultText}` });
      }
      const outcome = deps.ctx.stub(executionId.id as ExecutionId, value as never, b(bt));
      return outcome === 'ok' ? ok() : err({ tag: outcome });
    },
  };

  function sleepNamed(scheduleAt: Variant, name: string | undefined, bt: unknown) {
    const js = created(deps.ctx.createJoinSet('one-off', name ?? 'sleep', b(bt)));
    const { expiresAt } = deps.ctx.submitDelay(js, scheduleAtToJson(scheduleAt), b(bt));
    const r = deps.ctx.joinNext(js, 'blocking', b(bt));
    const cancelled = 'response' in r && r.response.type === 'delay-finished' && r.response.cancelled;
    return cancelled ? err() : ok(datetimeOf(expiresAt));
  }

  // The -bt twins behave the same; jco passes the extra trailing argument.
  const twins: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(fns)) {
    if (!name.endsWith('Bt')) twins[`${name}Bt`] = f;
  }
  return { ...twins, ...fns };
}

function b(bt: unknown): Backtrace | undefined {
  return backtraceToJson(bt);
}

function created(r: { ok: JoinSetId } | { err: string }): JoinSetId {
  if ('ok' in r) return r.ok;
  throw new Error(`join set could not be created: ${r.err}`);
}

/** The `result<option<string>, option<string>>` JSON view of a child's outcome. */
function resultJson(m: { result?: unknown; failure?: unknown }) {
  const r = m.result as { ok?: JsonValue; err?: JsonValue } | undefined;
  if (r && 'ok' in r) return { tag: 'ok', val: r.ok === null ? undefined : stringifyJson(r.ok) };
  if (r && 'err' in r) return { tag: 'err', val: r.err === null ? undefined : stringifyJson(r.err) };
  return { tag: 'err', val: undefined };
}

/** Resolves a function named in a `-json` call and checks its params (submit-json-error shape). */
function checkCall(targets: Targets, fn: FunctionRef, paramsText: string):
  { ffqn: string; params: JsonValue[] } | { err: Variant } {
  const text = formatFfqn(fn.interfaceName, fn.functionName);
  try {
    parseFfqn(text);
  } catch (e) {
    return { err: { tag: 'ffqn-parsing-error', val: (e as Error).message } };
  }
  const target = targets.resolve(text);
  if (!target) return { err: { tag: 'function-not-found' } };
  let params: JsonValue;
  try {
    params = parseJson(paramsText);
  } catch (e) {
    return { err: { tag: 'type-check-error', val: `params are not JSON: ${(e as Error).message}` } };
  }
  if (!Array.isArray(params) || params.length !== target.fn.params.length) {
    return { err: { tag: 'type-check-error', val: `expected a JSON array of ${target.fn.params.length} params, got ${paramsText}` } };
  }
  return { ffqn: text, params };
}
