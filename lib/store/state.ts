/**
 * Pure functions from an execution's log (and inbox) to its state and to the time it is due.
 * The due index is derived from these alone (rebuildIndex), so they define what "due" means.
 */
import type { InboxMessage, LogEvent } from '../model/events.js';
import { parseIsoTime } from '../model/time.js';
import { assertNever } from '../model/errors.js';

export type ExecutionState =
  | { kind: 'pending'; atMs: number }
  | { kind: 'locked'; runId: string; expiresMs: number; componentDigest: string }
  | { kind: 'blocked'; joinSetId: string; untilMs?: number; waitingFor?: readonly string[] }
  | { kind: 'finished' };

/** The state after the last lifecycle event. `events` must start with `created`. */
export function stateOf(events: readonly LogEvent[]): ExecutionState {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    switch (e.type) {
      case 'created':
        return { kind: 'pending', atMs: parseIsoTime(e.scheduled_at) };
      case 'locked':
        return { kind: 'locked', runId: e.run_id, expiresMs: parseIsoTime(e.lease_expires_at), componentDigest: e.component_digest };
      case 'unlocked':
        return { kind: 'pending', atMs: parseIsoTime(e.pending_at) };
      case 'temporarily-failed':
      case 'temporarily-timed-out':
        return { kind: 'pending', atMs: parseIsoTime(e.backoff_expires_at) };
      case 'blocked':
        return {
          kind: 'blocked', joinSetId: e.join_set_id,
          ...(e.until === undefined ? {} : { untilMs: parseIsoTime(e.until) }),
          ...(e.waiting_for === undefined ? {} : { waitingFor: e.waiting_for }),
        };
      case 'finished':
        return { kind: 'finished' };
      case 'persisted':
      case 'join-set-created':
      case 'child-requested':
      case 'delay-requested':
      case 'join-next':
      case 'join-set-closed':
      case 'scheduled':
      case 'stubbed':
        continue;
      default:
        return assertNever(e, 'log event');
    }
  }
  return { kind: 'pending', atMs: 0 };
}

/** The ids of the responses a `join-next` consumed. */
export function consumedResponses(events: readonly LogEvent[]): Set<string> {
  const consumed = new Set<string>();
  for (const e of events) {
    if (e.type === 'join-next' && e.response) consumed.add('execution_id' in e.response ? e.response.execution_id : e.response.delay_id);
  }
  return consumed;
}

/**
 * True when the inbox makes the execution due now: a cancel request (acted on only by
 * finishing), or, for a blocked execution, a response in the join set it waits on that no
 * `join-next` consumed yet (one of `waiting_for`, when the blocked line names them). Other responses wait until the execution runs anyway; a locked
 * execution is due when its lease expires, whatever arrives (nobody else may take it before).
 */
export function inboxWakes(state: ExecutionState, consumed: ReadonlySet<string>, inbox: readonly InboxMessage[]): boolean {
  if (state.kind === 'finished' || state.kind === 'locked') return false;
  return inbox.some((m) => {
    switch (m.type) {
      case 'cancel-requested':
        return true;
      case 'child-finished':
        return state.kind === 'blocked' && m.join_set_id === state.joinSetId && !consumed.has(m.child_execution_id)
          && (state.waitingFor === undefined || state.waitingFor.includes(m.child_execution_id));
      case 'delay-finished':
        return state.kind === 'blocked' && m.join_set_id === state.joinSetId && !consumed.has(m.delay_id)
          && (state.waitingFor === undefined || state.waitingFor.includes(m.delay_id));
      default:
        return assertNever(m, 'inbox message');
    }
  });
}

/** The state's own wake-up time (lease expiry for a locked execution), ignoring the inbox. */
export function stateDueMs(state: ExecutionState): number | undefined {
  switch (state.kind) {
    case 'pending':
      return state.atMs;
    case 'locked':
      return state.expiresMs;
    case 'blocked':
      return state.untilMs;
    case 'finished':
      return undefined;
    default:
      return assertNever(state, 'state');
  }
}

/** When the execution is due according to its log and inbox; undefined when it waits for nothing (finished, or blocked without a deadline or response). */
export function dueTimeOf(events: readonly LogEvent[], inbox: readonly InboxMessage[], nowMs: number): number | undefined {
  const state = stateOf(events);
  const own = stateDueMs(state);
  if (!inboxWakes(state, consumedResponses(events), inbox)) return own;
  return own === undefined ? nowMs : Math.min(own, nowMs);
}
