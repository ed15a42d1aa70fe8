/** The `execution get` text: the execution's status and when, its result, timings and retries. */
import type { Style } from '../io.js';
import { columns, formatCall, formatDuration, formatOutcome } from './format.js';
import type { ExecutionSummary, Status } from './summary.js';
import { describeStatus } from './status.js';

export function statusWithTime(status: Status, s: Style): string {
  const text = describeStatus(status, s);
  switch (status.kind) {
    case 'finished':
      return `${text} at ${status.since}`;
    case 'pending':
      return status.pendingAt && status.pendingAt !== status.since ? `${text} (since ${status.since})` : `${text} since ${status.since}`;
    default:
      return `${text} (since ${status.since})`;
  }
}

export function getText(x: ExecutionSummary, s: Style): string {
  const rows: string[][] = [
    ['function', formatCall(x.ffqn, x.params)],
    ['status', statusWithTime(x.status, s)],
  ];
  if (x.status.outcome) rows.push(['result', formatOutcome(x.status.outcome, s)]);
  rows.push(['created', x.createdAt]);
  if (x.finishedAt) rows.push(['finished', x.finishedAt], ['duration', formatDuration(x.durationMs!)]);
  rows.push(['retries', x.lastFailure ? `${x.retries} (last at ${x.lastFailure.at}: ${x.lastFailure.reason})` : String(x.retries)]);
  if (x.parent) rows.push(['parent', `${x.parent.execution_id} (join set ${x.parent.join_set_id})`]);
  if (x.scheduledBy) rows.push(['scheduled by', x.scheduledBy]);
  if (x.children.length) rows.push(['children', `${x.children.length} (obelisk execution tree ${x.id})`]);
  if (x.cancelRequested) rows.push(['cancel', s.yellow('requested; it finishes as cancelled when it next runs')]);
  return `${s.bold(x.id)}\n${columns(rows, '  ').join('\n')}\n`;
}
