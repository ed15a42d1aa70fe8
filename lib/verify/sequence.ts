/**
 * Whether a log's events follow a valid sequence: `created` first and only there; after it, the
 * lifecycle alternates between lease (`locked`) and its end (`unlocked`, `blocked`, a retry,
 * `finished`); history events only while a lease is held; nothing after `finished`.
 */
import type { LogEvent } from '../model/events.js';
import { isHistoryEvent } from '../model/events.js';

export function checkSequence(events: readonly LogEvent[]): { index: number; message: string } | undefined {
  if (events[0]?.type !== 'created') return { index: 1, message: `expected line 1 to be created, got ${events[0]?.type ?? 'nothing'}` };
  let locked = false;
  let previousAt = events[0].at;
  for (let i = 1; i < events.length; i++) {
    const e = events[i]!;
    const index = i + 1;
    if (e.at < previousAt) return { index, message: `time goes backwards: ${e.at} after ${previousAt}` };
    previousAt = e.at;
    switch (e.type) {
      case 'created':
        return { index, message: 'created may only be line 1' };
      case 'locked':
        locked = true;
        break;
      case 'unlocked':
      case 'blocked':
      case 'temporarily-failed':
      case 'temporarily-timed-out':
        if (!locked) return { index, message: `${e.type} without a lease (no locked before it)` };
        locked = false;
        break;
      case 'finished':
        if (i !== events.length - 1) return { index, message: `events after finished (line ${index + 1}: ${events[i + 1]!.type})` };
        break;
      default:
        if (isHistoryEvent(e) && !locked) return { index, message: `history event ${e.type} without a lease` };
    }
  }
  return undefined;
}
