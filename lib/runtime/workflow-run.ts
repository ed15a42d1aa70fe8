/**
 * One run of a workflow execution: a fresh instance replays the recorded history, then goes on
 * recording until the workflow finishes or blocks.
 *
 * Invariants:
 *  1. The run itself writes nothing. It returns the new events and the effects they need; the caller
 *     performs the effects, then persists the events (children exist before a log names them).
 *  2. Blocking is the caller's decision, through `onBlock`: throwing SuspendSignal ends the run as
 *     blocked (interrupt); returning after adding responses keeps the instance hot (await).
 *  3. Any trap, host error or nondeterminism ends the run as finished with a failure; it never
 *     escapes as an exception.
 *  4. Every run gets a fresh instance. After a run whose call returned (a value or an error value),
 *     the next run of the same component is given an instance renewed from it
 *     (component/glue-patches.ts: new core instances and handle tables, jco's helpers and the
 *     import object kept, its HostDeps pointed at the new run); after a suspension, a trap or any
 *     other unwinding, the next one is instantiated whole.
 */
import type { Created, InboxMessage, Outcome } from '../model/events.js';
import type { ExecutionId, JoinSetId } from '../model/ids.js';
import type { JsonValue } from '../model/json.js';
import type { WitFunction } from '../model/wit-types.js';
import type { Clock } from '../model/time.js';
import { NondeterminismError } from '../model/errors.js';
import { WorkflowContext, type Effect, type RecordedEvent, type TargetKind } from './context.js';
import type { HistoryEvent } from '../model/events.js';
import { buildImports, type ImportedInterface } from './host/imports.js';
import type { HostDeps } from './host/workflow-support.js';
import { takeRenewer } from '../component/glue-patches.js';
import { exportedFunction } from '../component/exports.js';
import type { LogSink } from './host/log.js';
import { isComponentError, type Targets, type ValueCodec } from './host/values.js';

/** Thrown by an interrupt-strategy onBlock: unwinds the guest; the instance is thrown away. */
export class SuspendSignal extends Error {
  constructor(readonly joinSetId: JoinSetId, readonly waitingFor?: string[]) {
    super(`workflow blocked on join set ${joinSetId}`);
  }
}

export interface WorkflowComponent {
  /** Interfaces the component imports, with their functions' types. */
  readonly imports: readonly ImportedInterface[];
  instantiate(imports: Record<string, object>): Promise<Record<string, unknown>>;
}

export interface RunRequest {
  executionId: ExecutionId;
  created: Created;
  history: RecordedEvent[];
  logLength: number;
  inbox: InboxMessage[];
  component: WorkflowComponent;
  /** The exported interface and function being run. */
  ifc: string;
  fn: WitFunction;
  targets: Targets;
  codec: ValueCodec;
  clock: Clock;
  log: LogSink;
  /** See invariant 2. Receives the context so a hot instance can flush and add responses. */
  onBlock(ctx: WorkflowContext, joinSetId: JoinSetId, waitingFor?: string[]): void;
}

export type RunResult = { events: HistoryEvent[]; effects: Effect[] } & (
  | { status: 'finished'; outcome: Outcome }
  | { status: 'blocked'; joinSetId: JoinSetId; until?: number; waitingFor?: string[] }
);

/** The renewer of an instance whose last call returned, and the HostDeps its import object reads. */
interface Renewable {
  renew(): Record<string, unknown>;
  deps: HostDeps;
}
/** By component: taken by the next run (two runs at once never share one). */
const renewable = new WeakMap<WorkflowComponent, Renewable>();

/** A fresh instance for a run answered from `deps` (invariant 4). */
async function freshInstance(req: RunRequest, deps: HostDeps): Promise<{ instance: Record<string, unknown>; deps: HostDeps }> {
  const last = renewable.get(req.component);
  if (last && last.deps.targets === deps.targets && last.deps.codec === deps.codec) {
    renewable.delete(req.component);
    Object.assign(last.deps, deps);
    return { instance: last.renew(), deps: last.deps };
  }
  return { instance: await req.component.instantiate(buildImports(deps, req.component.imports)), deps };
}

function keepRenewer(component: WorkflowComponent, fresh: { instance: Record<string, unknown>; deps: HostDeps }): void {
  const renew = takeRenewer(fresh.instance);
  if (renew) renewable.set(component, { renew, deps: fresh.deps });
}

export async function runWorkflow(req: RunRequest): Promise<RunResult> {
  const kindOf = (ffqn: string): TargetKind | undefined => req.targets.resolve(ffqn)?.kind;
  const ctx: WorkflowContext = new WorkflowContext({
    executionId: req.executionId, created: req.created, history: req.history, logLength: req.logLength,
    inbox: req.inbox, clock: req.clock, kindOf, onBlock: (js, waitingFor) => req.onBlock(ctx, js, waitingFor),
  });
  const done = (outcome: Outcome): RunResult => ({ status: 'finished', outcome, ...ctx.takePending() });
  try {
    const fresh = await freshInstance(req, { ctx, targets: req.targets, codec: req.codec, log: req.log });
    const { instance } = fresh;
    const f = exportedFunction(instance, req.ifc, req.fn.name);
    if (!f) throw new Error(`the component does not export ${req.ifc}.${req.fn.name}`);
    const args = req.fn.params.map((p, i) => req.codec.toJs(p.type, req.created.params[i] ?? null));
    let result: { ok: JsonValue } | { err: JsonValue };
    try {
      result = { ok: okJson(req, f(...args)) };
    } catch (e) {
      if (!isComponentError(e)) throw e;
      result = { err: errJson(req, e.payload) };
    }
    keepRenewer(req.component, fresh); // the call returned: the next run may renew from it
    ctx.closeAll();
    ctx.assertHistoryConsumed();
    return done({ result });
  } catch (e) {
    if (e instanceof SuspendSignal) {
      const until = ctx.nextDelayExpiry();
      return {
        status: 'blocked', joinSetId: e.joinSetId, ...(until === undefined ? {} : { until }),
        ...(e.waitingFor ? { waitingFor: e.waitingFor } : {}), ...ctx.takePending(),
      };
    }
    if (e instanceof NondeterminismError) {
      return done({ failure: { kind: 'nondeterminism-detected', reason: e.message, detail: e.detail } });
    }
    const message = e instanceof Error ? e.message : String(e);
    return done({ failure: { kind: 'uncategorized', reason: `workflow trapped: ${message}`, ...(e instanceof Error && e.stack ? { detail: e.stack } : {}) } });
  }
}


function okJson(req: RunRequest, value: unknown): JsonValue {
  const ret = req.fn.result;
  return ret && ret.kind === 'result' && ret.ok ? req.codec.toJson(ret.ok, value) : null;
}
function errJson(req: RunRequest, payload: unknown): JsonValue {
  const ret = req.fn.result;
  return ret && ret.kind === 'result' && ret.err ? req.codec.toJson(ret.err, payload) : null;
}
