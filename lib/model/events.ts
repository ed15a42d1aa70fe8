/**
 * Every event the engine stores, defined once.
 *
 * An execution's folder holds two kinds of record:
 *  - `log.jsonl`: the execution log. Line N (1-based, as `grep -n` shows it) is event N.
 *    The submitter writes line 1 (`created`); after that only the lease holder appends.
 *  - `inbox/*.json`: one single-line file per message that arrives from outside the lease
 *    (a child's result, an expired timer, a cancel request). Written once, never changed.
 *
 * Invariants:
 *  1. `type` is the first key of every line; keys follow the order in FIELD_ORDER; times are UTC
 *     ISO-8601 with milliseconds (`2026-11-21T19:40:00.000Z`).
 *  2. A line, once acknowledged, is never rewritten or removed.
 *  3. History events (HISTORY_TYPES) are what replay matches a workflow's host calls against; the
 *     others describe the execution's lifecycle and are never matched.
 */
import type { JsonValue } from './json.js';

/** Outcome of a finished execution: the function's typed return value, or a failure outside its type. */
export type FailureKind = 'timed-out' | 'nondeterminism-detected' | 'out-of-fuel' | 'cancelled' | 'uncategorized';
export const FAILURE_KINDS: readonly FailureKind[] = ['timed-out', 'nondeterminism-detected', 'out-of-fuel', 'cancelled', 'uncategorized'];

export interface ExecutionFailure {
  kind: FailureKind;
  reason: string;
  detail?: string;
}

/** `{"ok": v}` / `{"err": v}` in Obelisk's JSON form (v is null where the case has no payload). */
export type ReturnValue = { ok: JsonValue } | { err: JsonValue };

export type Outcome = { result: ReturnValue } | { failure: ExecutionFailure };

/** A guest-supplied backtrace (`obelisk:types/backtrace.wasm-backtrace`), stored as given. */
export type Backtrace = JsonValue;

/** One outbound HTTP request an activity attempt made (wasi:http), stored with the attempt's event. */
export interface HttpTrace {
  method: string;
  /** Without secrets: as the guest wrote it, before any secret was put in. */
  url: string;
  started_at: string;
  finished_at?: string;
  status?: number;
  error?: string;
}

/** Which response a join-next consumed. */
export type ResponseRef = { execution_id: string } | { delay_id: string };

// ---------------------------------------------------------------- lifecycle events (log.jsonl)

/** Line 1. Written by the submitter (CLI, a parent's lease holder for a child, `-schedule`). State: pending at `scheduled_at`. */
export interface Created {
  type: 'created';
  at: string;
  ffqn: string;
  params: JsonValue[];
  scheduled_at: string;
  /** The parent and the join set this execution answers into; absent for a top-level execution. */
  parent?: { execution_id: string; join_set_id: string };
  /** The execution that scheduled this one with `-schedule` (it does not answer to it). */
  scheduled_by?: string;
  component_digest: string;
}

/** Appended by a process taking the lease. State: locked by `run_id` until `lease_expires_at`. */
export interface Locked {
  type: 'locked';
  at: string;
  run_id: string;
  lease_expires_at: string;
  component_digest: string;
}

/** Appended by the lease holder giving the execution back without finishing it. State: pending at `pending_at`. */
export interface Unlocked {
  type: 'unlocked';
  at: string;
  run_id: string;
  pending_at: string;
  reason: string;
}

/** Appended by the lease holder of a workflow that waits for a response in `join_set_id`. State: blocked. */
export interface Blocked {
  type: 'blocked';
  at: string;
  run_id: string;
  join_set_id: string;
  /** When the earliest delay the execution waits for expires (it becomes due then), if any. */
  until?: string;
  /**
   * The responses it waits for, when only some of the join set's count (closing a join set waits for
   * its child workflows only): other responses do not wake it. Absent: any response of the join set.
   */
  waiting_for?: string[];
}

/** Appended by the lease holder after a failed attempt that will be retried. State: pending at `backoff_expires_at`. */
export interface TemporarilyFailed {
  type: 'temporarily-failed';
  at: string;
  run_id: string;
  backoff_expires_at: string;
  reason: string;
  detail?: string;
  http_traces?: HttpTrace[];
}

/** Appended by the lease holder (or by a later process that finds the lease expired) after an attempt timed out. */
export interface TemporarilyTimedOut {
  type: 'temporarily-timed-out';
  at: string;
  run_id: string;
  backoff_expires_at: string;
  http_traces?: HttpTrace[];
}

/** Last line. Appended by the lease holder (or by `stub` for a stub activity). State: finished. */
export type Finished = { type: 'finished'; at: string; run_id?: string; http_traces?: HttpTrace[] } & Outcome;

// ---------------------------------------------------------------- history events (log.jsonl, workflows only)

export type PersistKind =
  | { fn: 'random-u64'; min: JsonValue; max_exclusive: JsonValue }
  | { fn: 'random-u64-inclusive'; min: JsonValue; max_inclusive: JsonValue }
  | { fn: 'random-string'; min_length: number; max_length_exclusive: number }
  | { fn: 'execution-id-generate' };

/** A value the workflow drew (random, generated id), so replay returns the same one. */
export interface Persisted {
  type: 'persisted';
  at: string;
  kind: PersistKind;
  value: JsonValue;
  backtrace?: Backtrace;
}

export type JoinSetKind = 'generated' | 'named' | 'one-off';

export interface JoinSetCreated {
  type: 'join-set-created';
  at: string;
  join_set_id: string;
  backtrace?: Backtrace;
}

/** The workflow submitted a child execution into a join set. The child's folder exists before this line is written. */
export interface ChildRequested {
  type: 'child-requested';
  at: string;
  join_set_id: string;
  child_execution_id: string;
  ffqn: string;
  params: JsonValue[];
  backtrace?: Backtrace;
}

/** The workflow submitted a delay (durable timer) into a join set. */
export interface DelayRequested {
  type: 'delay-requested';
  at: string;
  join_set_id: string;
  delay_id: string;
  expires_at: string;
  /** The guest's `schedule-at` argument, as given (matched on replay). */
  schedule_at: JsonValue;
  backtrace?: Backtrace;
}

/**
 * The workflow awaited the next response of a join set and got `response`, or, for `join-next-try`
 * and on an empty set, an `outcome` instead. Written once the answer is known, so replay returns
 * the same responses in the same order however the children raced.
 */
export interface JoinNext {
  type: 'join-next';
  at: string;
  join_set_id: string;
  mode: 'blocking' | 'try';
  /** True when the await happened while closing the join set (explicitly or at the end of the workflow). */
  closing?: boolean;
  response?: ResponseRef;
  outcome?: 'pending' | 'all-processed';
  backtrace?: Backtrace;
}

/** The workflow closed a join set; `cancelled` lists the activities it cancelled, `dropped` the delays. */
export interface JoinSetClosed {
  type: 'join-set-closed';
  at: string;
  join_set_id: string;
  cancelled: string[];
  dropped: string[];
  backtrace?: Backtrace;
}

/** The workflow scheduled a new top-level execution (`-schedule`, `schedule-json`). */
export interface Scheduled {
  type: 'scheduled';
  at: string;
  execution_id: string;
  ffqn: string;
  params: JsonValue[];
  schedule_at: JsonValue;
  backtrace?: Backtrace;
}

/** The workflow stubbed a stub activity's result (`-stub`, `stub-json`). */
export interface Stubbed {
  type: 'stubbed';
  at: string;
  target_execution_id: string;
  result: ReturnValue;
  outcome: 'ok' | 'conflict' | 'execution-not-found';
  backtrace?: Backtrace;
}

// ---------------------------------------------------------------- inbox messages (inbox/*.json)

/** A child finished. Written by the child's last lease holder into the parent's inbox. */
export type ChildFinished = {
  type: 'child-finished';
  at: string;
  join_set_id: string;
  child_execution_id: string;
} & Outcome;

/** A delay expired (or was cancelled). Written by whoever processes the parent when the time has come. */
export interface DelayFinished {
  type: 'delay-finished';
  at: string;
  join_set_id: string;
  delay_id: string;
  cancelled: boolean;
}

/** Somebody asked to cancel the execution. Written by `execution cancel` or a parent closing a join set. */
export interface CancelRequested {
  type: 'cancel-requested';
  at: string;
  by: string;
}

export type LifecycleEvent = Created | Locked | Unlocked | Blocked | TemporarilyFailed | TemporarilyTimedOut | Finished;
export type HistoryEvent = Persisted | JoinSetCreated | ChildRequested | DelayRequested | JoinNext | JoinSetClosed | Scheduled | Stubbed;
export type LogEvent = LifecycleEvent | HistoryEvent;
export type InboxMessage = ChildFinished | DelayFinished | CancelRequested;
export type StoredEvent = LogEvent | InboxMessage;
export type EventType = StoredEvent['type'];

export const HISTORY_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'persisted', 'join-set-created', 'child-requested', 'delay-requested', 'join-next', 'join-set-closed', 'scheduled', 'stubbed',
]);
export const INBOX_TYPES: ReadonlySet<EventType> = new Set<EventType>(['child-finished', 'delay-finished', 'cancel-requested']);

export function isHistoryEvent(e: StoredEvent): e is HistoryEvent {
  return HISTORY_TYPES.has(e.type);
}

/**
 * The order of keys on a stored line, per type. Required keys come first; `backtrace` last, so a
 * line reads left to right from what happened to why. Unknown keys are rejected when reading.
 */
export const FIELD_ORDER: { readonly [T in EventType]: readonly string[] } = {
  created: ['type', 'at', 'ffqn', 'params', 'scheduled_at', 'parent', 'scheduled_by', 'component_digest'],
  locked: ['type', 'at', 'run_id', 'lease_expires_at', 'component_digest'],
  unlocked: ['type', 'at', 'run_id', 'pending_at', 'reason'],
  blocked: ['type', 'at', 'run_id', 'join_set_id', 'until', 'waiting_for'],
  'temporarily-failed': ['type', 'at', 'run_id', 'backoff_expires_at', 'reason', 'detail', 'http_traces'],
  'temporarily-timed-out': ['type', 'at', 'run_id', 'backoff_expires_at', 'http_traces'],
  finished: ['type', 'at', 'run_id', 'result', 'failure', 'http_traces'],
  persisted: ['type', 'at', 'kind', 'value', 'backtrace'],
  'join-set-created': ['type', 'at', 'join_set_id', 'backtrace'],
  'child-requested': ['type', 'at', 'join_set_id', 'child_execution_id', 'ffqn', 'params', 'backtrace'],
  'delay-requested': ['type', 'at', 'join_set_id', 'delay_id', 'expires_at', 'schedule_at', 'backtrace'],
  'join-next': ['type', 'at', 'join_set_id', 'mode', 'closing', 'response', 'outcome', 'backtrace'],
  'join-set-closed': ['type', 'at', 'join_set_id', 'cancelled', 'dropped', 'backtrace'],
  scheduled: ['type', 'at', 'execution_id', 'ffqn', 'params', 'schedule_at', 'backtrace'],
  stubbed: ['type', 'at', 'target_execution_id', 'result', 'outcome', 'backtrace'],
  'child-finished': ['type', 'at', 'join_set_id', 'child_execution_id', 'result', 'failure'],
  'delay-finished': ['type', 'at', 'join_set_id', 'delay_id', 'cancelled'],
  'cancel-requested': ['type', 'at', 'by'],
};

/** Keys that every event of the type must have (the rest of FIELD_ORDER is optional). */
export const REQUIRED_FIELDS: { readonly [T in EventType]: readonly string[] } = {
  created: ['type', 'at', 'ffqn', 'params', 'scheduled_at', 'component_digest'],
  locked: ['type', 'at', 'run_id', 'lease_expires_at', 'component_digest'],
  unlocked: ['type', 'at', 'run_id', 'pending_at', 'reason'],
  blocked: ['type', 'at', 'run_id', 'join_set_id'],
  'temporarily-failed': ['type', 'at', 'run_id', 'backoff_expires_at', 'reason'],
  'temporarily-timed-out': ['type', 'at', 'run_id', 'backoff_expires_at'],
  finished: ['type', 'at'],
  persisted: ['type', 'at', 'kind', 'value'],
  'join-set-created': ['type', 'at', 'join_set_id'],
  'child-requested': ['type', 'at', 'join_set_id', 'child_execution_id', 'ffqn', 'params'],
  'delay-requested': ['type', 'at', 'join_set_id', 'delay_id', 'expires_at', 'schedule_at'],
  'join-next': ['type', 'at', 'join_set_id', 'mode'],
  'join-set-closed': ['type', 'at', 'join_set_id', 'cancelled', 'dropped'],
  scheduled: ['type', 'at', 'execution_id', 'ffqn', 'params', 'schedule_at'],
  stubbed: ['type', 'at', 'target_execution_id', 'result', 'outcome'],
  'child-finished': ['type', 'at', 'join_set_id', 'child_execution_id'],
  'delay-finished': ['type', 'at', 'join_set_id', 'delay_id', 'cancelled'],
  'cancel-requested': ['type', 'at', 'by'],
};
