/** The lines `--follow` prints: one per status change, then the result with the time it took. */
import { parseIsoTime } from '../../model/time.js';
import type { Style } from '../io.js';
import { formatDuration, formatOutcome, outcomeWord } from './format.js';
import { statusJson, type Status } from './summary.js';

/** `pending`, `pending until <t>: <why>`, `locked until <t>`, `blocked on join set o:1-fibo`, `finished ok`. */
export function describeStatus(status: Status, s: Style): string {
  switch (status.kind) {
    case 'pending': {
      const when = status.pendingAt && status.pendingAt !== status.since ? ` until ${status.pendingAt}` : '';
      return `pending${when}${status.reason ? `: ${status.reason}` : ''}`;
    }
    case 'locked':
      return `locked by ${status.runId} until ${status.leaseExpiresAt}`;
    case 'blocked':
      return `blocked on join set ${status.joinSetId}${status.until ? ` until ${status.until}` : ''}`;
    case 'finished': {
      const word = outcomeWord(status.outcome!);
      return `finished ${word === 'ok' ? s.green(word) : s.red(word)}`;
    }
  }
}

/** `<time>  <status>` */
export function statusLine(status: Status, s: Style): string {
  return `${s.dim(status.since)}  ${describeStatus(status, s)}\n`;
}

/** After the last status: how long it took, then the result (or the failure) alone on the last line. */
export function finalLines(status: Status, createdAt: string, s: Style): string {
  const took = formatDuration(parseIsoTime(status.since) - parseIsoTime(createdAt));
  return `${s.dim(`took ${took}`)}\n${formatOutcome(status.outcome!, s)}\n`;
}

/** One JSON object per status change; the finished one carries the result and `duration_ms`. */
export function statusJsonLine(id: string, status: Status, createdAt: string): Record<string, unknown> {
  return {
    execution_id: id,
    ...statusJson(status),
    ...(status.kind === 'finished' ? { duration_ms: parseIsoTime(status.since) - parseIsoTime(createdAt) } : {}),
  };
}
