/**
 * One readable line per stored event (`execution events`): the key fields of each type, in the
 * order a reader asks about them: which join set, which child or delay, what was called, what came back.
 */
import type { InboxMessage, LogEvent, StoredEvent } from '../../model/events.js';
import { assertNever } from '../../model/errors.js';
import { stringifyJson } from '../../model/json.js';
import type { Style } from '../io.js';
import { columns, formatCall, formatFailure, formatOutcome } from './format.js';

/** The key fields of an event. `inbox` lets a join-next show the response it consumed. */
export function describeEvent(e: StoredEvent, inbox: readonly InboxMessage[] = []): string {
  switch (e.type) {
    case 'created': {
      const parts = [formatCall(e.ffqn, e.params)];
      if (e.scheduled_at !== e.at) parts.push(`scheduled at ${e.scheduled_at}`);
      if (e.parent) parts.push(`child of ${e.parent.execution_id} in join set ${e.parent.join_set_id}`);
      if (e.scheduled_by) parts.push(`scheduled by ${e.scheduled_by}`);
      return parts.join(', ');
    }
    case 'locked':
      return `${e.run_id}, lease until ${e.lease_expires_at}`;
    case 'unlocked':
      return `${e.run_id}, pending at ${e.pending_at}: ${e.reason}`;
    case 'blocked':
      return `on join set ${e.join_set_id}${e.until ? `, until ${e.until}` : ''}`;
    case 'temporarily-failed':
      return `${e.reason}${e.detail ? ` (${oneLine(e.detail)})` : ''}; retry at ${e.backoff_expires_at}`;
    case 'temporarily-timed-out':
      return `retry at ${e.backoff_expires_at}`;
    case 'finished':
      return 'failure' in e ? `execution failure: ${oneLine(formatFailure(e.failure, ''))}` : stringifyJson(e.result);
    case 'persisted':
      return `${e.kind.fn} = ${stringifyJson(e.value)}`;
    case 'join-set-created':
      return e.join_set_id;
    case 'child-requested':
      return `${e.join_set_id} ${e.child_execution_id} ${formatCall(e.ffqn, e.params)}`;
    case 'delay-requested':
      return `${e.join_set_id} ${e.delay_id} expires ${e.expires_at}`;
    case 'join-next': {
      const head = `${e.join_set_id}${e.mode === 'try' ? ' (try)' : ''}${e.closing ? ' (closing)' : ''}`;
      if (e.outcome) return `${head}: ${e.outcome}`;
      if (!e.response) return head;
      if ('delay_id' in e.response) {
        const id = e.response.delay_id;
        const m = inbox.find((x) => x.type === 'delay-finished' && x.delay_id === id);
        return `${head} <- ${id}${m?.type === 'delay-finished' && m.cancelled ? ' (cancelled)' : ''}`;
      }
      const id = e.response.execution_id;
      const m = inbox.find((x) => x.type === 'child-finished' && x.child_execution_id === id);
      return `${head} <- ${id}${m?.type === 'child-finished' ? ` ${formatOutcome(m)}` : ''}`;
    }
    case 'join-set-closed': {
      const parts = [e.join_set_id];
      if (e.cancelled.length) parts.push(`cancelled ${e.cancelled.join(', ')}`);
      if (e.dropped.length) parts.push(`dropped ${e.dropped.join(', ')}`);
      return parts.join(', ');
    }
    case 'scheduled':
      return `${e.execution_id} ${formatCall(e.ffqn, e.params)} at ${stringifyJson(e.schedule_at)}`;
    case 'stubbed':
      return `${e.target_execution_id} ${stringifyJson(e.result)}: ${e.outcome}`;
    case 'child-finished':
      return `${e.join_set_id} ${e.child_execution_id} ${oneLine(formatOutcome(e))}`;
    case 'delay-finished':
      return `${e.join_set_id} ${e.delay_id}${e.cancelled ? ' cancelled' : ' expired'}`;
    case 'cancel-requested':
      return `by ${e.by}`;
    default:
      return assertNever(e, 'event');
  }
}

/** The `execution events` text: `<line>  <time>  <type>  <fields>`, then the inbox marked `inbox`. */
export function eventLines(events: readonly LogEvent[], inbox: readonly InboxMessage[], s: Style): string[] {
  const rows: string[][] = events.map((e, i) => {
    const where = sourceOf(e);
    return [String(i + 1), e.at, s.bold(e.type), `${describeEvent(e, inbox)}${where ? s.dim(` at ${where}`) : ''}`];
  });
  for (const m of inbox) rows.push([s.dim('inbox'), m.at, s.bold(m.type), describeEvent(m)]);
  return columns(rows);
}

/** `src/workflow.ts:42`: the first source frame of the guest backtrace stored with a history event. */
export function sourceOf(e: LogEvent): string | undefined {
  const bt = (e as { backtrace?: { frames?: { symbols?: { file?: string; line?: number }[] }[] } }).backtrace;
  for (const frame of bt?.frames ?? []) {
    for (const sym of frame.symbols ?? []) if (sym.file) return sym.line ? `${sym.file}:${sym.line}` : sym.file;
  }
  return undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' | ');
}
