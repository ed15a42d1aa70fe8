/**
 * Replays one execution from its log against the components configured now, and reports whether the
 * workflow reproduces every recorded history event and the same final result.
 *
 * Invariants:
 *  1. Read-only: replay never writes to the store; responses come from the recorded inbox.
 *  2. A replay that would need anything not recorded (a new event, a block on a join set, an effect)
 *     is a divergence, reported with the event index and both sides.
 */
import type { Created, Finished, InboxMessage, LogEvent } from '../model/events.js';
import { isHistoryEvent } from '../model/events.js';
import type { ExecutionId } from '../model/ids.js';
import { stringifyJson } from '../model/json.js';
import { parseIsoTime } from '../model/time.js';
import { NondeterminismError } from '../model/errors.js';
import { runWorkflow, SuspendSignal } from '../runtime/workflow-run.js';
import { describeEvent } from '../runtime/describe.js';
import type { RecordedEvent } from '../runtime/context.js';
import type { Catalog } from '../executor/catalog.js';
import type { ValueCodec } from '../runtime/host/values.js';
import { checkSequence } from './sequence.js';

export type ReplayReport =
  | { id: ExecutionId; status: 'replayed'; events: number }
  | { id: ExecutionId; status: 'skipped'; reason: string }
  | { id: ExecutionId; status: 'diverged'; index?: number; message: string; detail?: string };

export interface ReplayInput {
  id: ExecutionId;
  events: readonly LogEvent[];
  inbox: readonly InboxMessage[];
  /** Also replay an execution still in progress, up to its current point. */
  includePending?: boolean;
}

export async function replayExecution(catalog: Catalog, codec: ValueCodec, input: ReplayInput): Promise<ReplayReport> {
  const { id, events, inbox } = input;
  const problem = checkSequence(events);
  if (problem) return { id, status: 'diverged', index: problem.index, message: `malformed log: ${problem.message}` };
  const created = events[0] as Created;
  const last = events.at(-1)!;
  const finished = last.type === 'finished' ? (last as Finished) : undefined;
  if (!finished && !input.includePending) return { id, status: 'skipped', reason: 'not finished' };
  const entry = catalog.resolve(created.ffqn);
  if (!entry) return { id, status: 'diverged', index: 1, message: `function ${created.ffqn} is not exported by any configured component` };
  if (entry.kind !== 'workflow') return { id, status: 'skipped', reason: `${entry.kind === 'activity' ? 'activities' : 'stub activities'} are not replayed` };
  const history: RecordedEvent[] = [];
  events.forEach((event, i) => {
    if (isHistoryEvent(event)) history.push({ event, index: i + 1 });
  });
  // The clock a replay sees is the log's own: the last event's time. Anything new is a divergence anyway.
  const lastAt = parseIsoTime(last.at);
  let blockedAt: number | undefined;
  const run = await runWorkflow({
    executionId: id, created, history, logLength: events.length, inbox: [...inbox],
    component: entry.component, ifc: entry.ifc, fn: entry.fn, targets: catalog, codec,
    clock: { now: () => lastAt }, log: () => undefined,
    onBlock: (ctx, js, waitingFor) => {
      blockedAt = ctx.isReplaying() ? undefined : history.length;
      throw new SuspendSignal(js, waitingFor);
    },
  });
  const replayedEvents = history.length;
  if (run.status === 'finished' && 'failure' in run.outcome && run.outcome.failure.kind === 'nondeterminism-detected') {
    const index = /^event (\d+)/.exec(run.outcome.failure.reason)?.[1];
    // A log that already ends in this very divergence is consistent: the code still diverges there.
    const recorded = finished && 'failure' in finished && finished.failure.kind === 'nondeterminism-detected' ? /^event (\d+)/.exec(finished.failure.reason)?.[1] : undefined;
    if (recorded !== undefined && recorded === index) return { id, status: 'replayed', events: replayedEvents };
    return { id, status: 'diverged', ...(index ? { index: Number(index) } : {}), message: run.outcome.failure.reason, ...(run.outcome.failure.detail ? { detail: run.outcome.failure.detail } : {}) };
  }
  // Ended from outside (cancelled, or its run timed out): the workflow never reached its own end,
  // so its recorded history must replay as a prefix, and what it would do next is not compared.
  const endedFromOutside = finished && 'failure' in finished && (finished.failure.kind === 'cancelled' || finished.failure.kind === 'timed-out');
  if (endedFromOutside) return { id, status: 'replayed', events: replayedEvents };
  if (run.status === 'blocked') {
    if (!finished) return { id, status: 'replayed', events: replayedEvents };
    return {
      id, status: 'diverged', index: events.length,
      message: `the workflow now waits on join set ${run.joinSetId} where the log shows it finished${blockedAt === undefined ? '' : ` after its recorded history`}`,
    };
  }
  if (run.events.length > 0) {
    const first = run.events[0]!;
    return {
      id, status: 'diverged', index: replayedEvents + 1,
      message: `the workflow now makes ${describeEvent(first)} after its recorded history ended`,
      detail: `new code: ${stringifyJson(first)}`,
    };
  }
  if (!finished) return { id, status: 'replayed', events: replayedEvents };
  const recorded = 'result' in finished ? { result: finished.result } : { failure: { kind: finished.failure.kind } };
  const now = 'result' in run.outcome ? { result: run.outcome.result } : { failure: { kind: run.outcome.failure.kind } };
  if (stringifyJson(recorded) !== stringifyJson(now)) {
    return {
      id, status: 'diverged', index: events.length,
      message: `the workflow now ends with ${stringifyJson(now)} where the log records ${stringifyJson(recorded)}`,
      ...('failure' in run.outcome ? { detail: run.outcome.failure.reason } : {}),
    };
  }
  return { id, status: 'replayed', events: replayedEvents };
}

export { NondeterminismError };
