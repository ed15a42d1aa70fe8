/**
 * Small text formats shared by the commands: results in Obelisk's JSON form, calls, durations,
 * columns. Pure functions; colour comes in through a Style.
 */
import type { ExecutionFailure, Outcome, ReturnValue } from '../../model/events.js';
import { stringifyJson, type JsonValue } from '../../model/json.js';
import type { Style } from '../io.js';

/** How an execution ended, in one word: its typed `ok`/`err`, or `failed` (an execution failure). */
export type OutcomeWord = 'ok' | 'err' | 'failed';

export function outcomeWord(outcome: Outcome): OutcomeWord {
  if ('failure' in outcome) return 'failed';
  return 'ok' in outcome.result ? 'ok' : 'err';
}

/** `{"ok":102334155}`: the return value in Obelisk's JSON form, big integers exact. */
export function formatResult(result: ReturnValue): string {
  return stringifyJson(result);
}

/** `cancelled: cancel requested`, with the detail on the following lines (indented) when there is one. */
export function formatFailure(failure: ExecutionFailure, indent = '  '): string {
  const head = `${failure.kind}: ${failure.reason}`;
  if (!failure.detail) return head;
  return `${head}\n${failure.detail.split('\n').map((l) => `${indent}${l}`).join('\n')}`;
}

/** One line for a finished outcome: the JSON result, or `execution failure: <kind>: <reason>`. */
export function formatOutcome(outcome: Outcome, s?: Style): string {
  const paint = (text: string) => (s ? (outcomeWord(outcome) === 'ok' ? s.green(text) : s.red(text)) : text);
  if ('failure' in outcome) return paint(`execution failure: ${formatFailure(outcome.failure)}`);
  return paint(formatResult(outcome.result));
}

/** Outcome as JSON fields: `{ result }` or `{ failure }`. */
export function outcomeJson(outcome: Outcome): { result: ReturnValue } | { failure: ExecutionFailure } {
  return 'failure' in outcome ? { failure: outcome.failure } : { result: outcome.result };
}

/** `template-fibo:workflow/fibo-workflow-ifc.fiboa(40, 10)`; long parameter lists are cut at `max` characters. */
export function formatCall(ffqn: string, params: readonly JsonValue[], max = Number.POSITIVE_INFINITY): string {
  let args = params.map((p) => stringifyJson(p)).join(', ');
  if (args.length > max) args = `${args.slice(0, Math.max(0, max - 1))}…`;
  return `${ffqn}(${args})`;
}

/** `850 ms`, `1.234 s`, `2 min 5 s`, `3 h 2 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(3)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const min = Math.floor((totalSeconds % 3600) / 60);
  const sec = totalSeconds % 60;
  return h > 0 ? `${h} h ${min} min` : `${min} min ${sec} s`;
}

/** Rows padded to aligned columns (the last column is not padded); two spaces between columns. */
export function columns(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell)); });
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell)))).join('  ').trimEnd());
}

/** Length without ANSI colour codes, so coloured cells still line up. */
function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/** One JSON value per line (JSON Lines), big integers exact. */
export function jsonLine(value: unknown): string {
  return `${stringifyJson(value)}\n`;
}
