/** Human text for history events (nondeterminism reports, `execution events`) and schedule-at math. */
import type { HistoryEvent } from '../model/events.js';
import { stringifyJson, type JsonValue } from '../model/json.js';
import { InputError } from '../model/errors.js';

/** One line naming what a history event (or a new call in its shape) does, with its function and params. */
export function describeEvent(e: HistoryEvent): string {
  switch (e.type) {
    case 'child-requested':
      return `child-requested ${e.ffqn}(${stringifyJson(e.params).slice(1, -1)}) in join set ${e.join_set_id}`;
    case 'delay-requested':
      return `delay-requested ${stringifyJson(e.schedule_at)} in join set ${e.join_set_id}`;
    case 'join-next':
      return `join-next${e.mode === 'try' ? ' (try)' : ''}${e.closing ? ' (closing)' : ''} on join set ${e.join_set_id}`;
    case 'join-set-created':
      return `join-set-created ${e.join_set_id}`;
    case 'join-set-closed':
      return `join-set-closed ${e.join_set_id}`;
    case 'persisted':
      return `persisted ${stringifyJson(e.kind)}`;
    case 'scheduled':
      return `scheduled ${e.ffqn}(${stringifyJson(e.params).slice(1, -1)}) at ${stringifyJson(e.schedule_at)}`;
    case 'stubbed':
      return `stubbed ${e.target_execution_id} with ${stringifyJson(e.result)}`;
  }
}

const UNIT_MS: Record<string, number> = { milliseconds: 1, seconds: 1_000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/**
 * The time (ms) an `obelisk:types/time.schedule-at` value means, in its JSON form:
 * `"now"`, `{"at": {"seconds": s, "nanoseconds": n}}` or `{"in": {"<unit>": n}}`.
 */
export function expiryOf(scheduleAt: JsonValue, nowMs: number): number {
  if (scheduleAt === 'now') return nowMs;
  if (scheduleAt && typeof scheduleAt === 'object' && !Array.isArray(scheduleAt)) {
    if ('at' in scheduleAt) {
      const at = scheduleAt.at as { seconds: number | bigint; nanoseconds: number };
      return Number(at.seconds) * 1000 + Math.floor(Number(at.nanoseconds) / 1e6);
    }
    if ('in' in scheduleAt) {
      const d = scheduleAt.in as Record<string, number | bigint>;
      const [unit, n] = Object.entries(d)[0] ?? [];
      if (unit && unit in UNIT_MS) return nowMs + Number(n) * UNIT_MS[unit]!;
    }
  }
  throw new InputError(`invalid schedule-at: expected "now", {"at": {"seconds": …, "nanoseconds": …}} or {"in": {"seconds": …}}, got ${stringifyJson(scheduleAt)}`);
}
