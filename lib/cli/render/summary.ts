/**
 * What `execution get`, `list`, `tree` and `--follow` say about one execution, derived from its log
 * and inbox alone (pure). The status is the one the last lifecycle event set, with the time it was
 * entered; a `locked` line that renews the same run's lease is not a change of status.
 */
import type { InboxMessage, LifecycleEvent, LogEvent, Outcome } from '../../model/events.js';
import type { JsonValue } from '../../model/json.js';
import { assertNever } from '../../model/errors.js';
import { parseIsoTime } from '../../model/time.js';
import { outcomeJson, outcomeWord, type OutcomeWord } from './format.js';

export type StatusKind = 'pending' | 'locked' | 'blocked' | 'finished';
export const STATUS_KINDS: readonly StatusKind[] = ['pending', 'locked', 'blocked', 'finished'];

export interface Status {
  kind: StatusKind;
  /** When the execution entered this status (the time of the lifecycle event). */
  since: string;
  /** The 1-based line of that event in log.jsonl. */
  line: number;
  /** pending: when it is due (scheduled time, retry backoff, or unlocked's pending_at). */
  pendingAt?: string;
  /** pending after a failed attempt: why. */
  reason?: string;
  /** locked: the run holding the lease and when the lease runs out. */
  runId?: string;
  leaseExpiresAt?: string;
  /** blocked: the join set it awaits, and its earliest delay. */
  joinSetId?: string;
  until?: string;
  /** finished. */
  outcome?: Outcome;
}

export interface ExecutionSummary {
  id: string;
  ffqn: string;
  params: JsonValue[];
  parent?: { execution_id: string; join_set_id: string };
  scheduledBy?: string;
  status: Status;
  createdAt: string;
  finishedAt?: string;
  /** From `created` to `finished`. */
  durationMs?: number;
  /** Attempts that failed or timed out and were retried. */
  retries: number;
  lastFailure?: { at: string; reason: string; detail?: string };
  /** A cancel request waits in the inbox (the execution has not acted on it yet). */
  cancelRequested: boolean;
  /** The ids the execution submitted as children, in order. */
  children: string[];
}

export type LifecycleType = LifecycleEvent['type'];
const LIFECYCLE: ReadonlySet<string> = new Set<LifecycleType>(['created', 'locked', 'unlocked', 'blocked', 'temporarily-failed', 'temporarily-timed-out', 'finished']);

export function isLifecycleEvent(e: LogEvent): e is LifecycleEvent {
  return LIFECYCLE.has(e.type);
}

/** The status a lifecycle event (line `line`) puts the execution in. */
export function statusAfter(e: LifecycleEvent, line: number): Status {
  switch (e.type) {
    case 'created':
      return { kind: 'pending', since: e.at, line, pendingAt: e.scheduled_at };
    case 'locked':
      return { kind: 'locked', since: e.at, line, runId: e.run_id, leaseExpiresAt: e.lease_expires_at };
    case 'unlocked':
      return { kind: 'pending', since: e.at, line, pendingAt: e.pending_at, reason: e.reason };
    case 'temporarily-failed':
      return { kind: 'pending', since: e.at, line, pendingAt: e.backoff_expires_at, reason: e.reason };
    case 'temporarily-timed-out':
      return { kind: 'pending', since: e.at, line, pendingAt: e.backoff_expires_at, reason: 'timed out' };
    case 'blocked':
      return { kind: 'blocked', since: e.at, line, joinSetId: e.join_set_id, ...(e.until ? { until: e.until } : {}) };
    case 'finished':
      return { kind: 'finished', since: e.at, line, outcome: 'failure' in e ? { failure: e.failure } : { result: e.result } };
    default:
      return assertNever(e, 'lifecycle event');
  }
}

/** True when `e` (line `line`) changes the status `before` (a lease renewal by the same run does not). */
export function changesStatus(before: Status | undefined, e: LifecycleEvent): boolean {
  return !(before?.kind === 'locked' && e.type === 'locked' && e.run_id === before.runId);
}

export function summarize(id: string, events: readonly LogEvent[], inbox: readonly InboxMessage[]): ExecutionSummary {
  const created = events[0];
  if (created?.type !== 'created') throw new TypeError(`log of ${id} does not start with created`);
  let status = statusAfter(created, 1);
  let retries = 0;
  let lastFailure: ExecutionSummary['lastFailure'];
  const children: string[] = [];
  events.forEach((e, i) => {
    if (e.type === 'child-requested') children.push(e.child_execution_id);
    if (!isLifecycleEvent(e) || i === 0) return;
    if (e.type === 'temporarily-failed') {
      retries++;
      lastFailure = { at: e.at, reason: e.reason, ...(e.detail ? { detail: e.detail } : {}) };
    } else if (e.type === 'temporarily-timed-out') {
      retries++;
      lastFailure = { at: e.at, reason: 'timed out' };
    }
    if (changesStatus(status, e)) status = statusAfter(e, i + 1);
  });
  const finishedAt = status.kind === 'finished' ? status.since : undefined;
  return {
    id, ffqn: created.ffqn, params: created.params,
    ...(created.parent ? { parent: created.parent } : {}),
    ...(created.scheduled_by ? { scheduledBy: created.scheduled_by } : {}),
    status, createdAt: created.at,
    ...(finishedAt ? { finishedAt, durationMs: parseIsoTime(finishedAt) - parseIsoTime(created.at) } : {}),
    retries,
    ...(lastFailure ? { lastFailure } : {}),
    cancelRequested: status.kind !== 'finished' && inbox.some((m) => m.type === 'cancel-requested'),
    children,
  };
}

/** The finer status `list --status` filters by: pending, locked, blocked, or for a finished one ok, err, failed. */
export type StatusFilter = StatusKind | OutcomeWord;
export const STATUS_FILTERS: readonly StatusFilter[] = ['pending', 'locked', 'blocked', 'finished', 'ok', 'err', 'failed'];

export function matchesStatus(s: ExecutionSummary, filter: StatusFilter): boolean {
  if (filter === s.status.kind) return true;
  return s.status.outcome !== undefined && outcomeWord(s.status.outcome) === filter;
}

/** `finished ok`, `finished failed`, `blocked`, … */
export function statusLabel(status: Status): string {
  return status.outcome ? `finished ${outcomeWord(status.outcome)}` : status.kind;
}

/** The status as JSON fields (snake_case, as in the log). */
export function statusJson(status: Status): Record<string, unknown> {
  return {
    status: status.kind,
    status_since: status.since,
    ...(status.pendingAt ? { pending_at: status.pendingAt } : {}),
    ...(status.reason ? { reason: status.reason } : {}),
    ...(status.runId ? { run_id: status.runId, lease_expires_at: status.leaseExpiresAt } : {}),
    ...(status.joinSetId ? { join_set_id: status.joinSetId } : {}),
    ...(status.until ? { until: status.until } : {}),
    ...(status.outcome ? outcomeJson(status.outcome) : {}),
  };
}

/** The summary as one JSON object (`execution get --json`). */
export function summaryJson(s: ExecutionSummary): Record<string, unknown> {
  return {
    execution_id: s.id,
    ffqn: s.ffqn,
    params: s.params,
    ...(s.parent ? { parent: s.parent } : {}),
    ...(s.scheduledBy ? { scheduled_by: s.scheduledBy } : {}),
    ...statusJson(s.status),
    created_at: s.createdAt,
    ...(s.finishedAt ? { finished_at: s.finishedAt, duration_ms: s.durationMs } : {}),
    retries: s.retries,
    ...(s.lastFailure ? { last_failure: s.lastFailure } : {}),
    ...(s.cancelRequested ? { cancel_requested: true } : {}),
  };
}
