/**
 * `obelisk execution list [--ffqn PREFIX] [--status S] [--limit N] [--json]`: executions, newest
 * first (ids are ULIDs, sortable by time; see compareNewestFirst). Logs are read in that order and
 * only until --limit executions matched, so a large state folder costs one folder listing plus the
 * logs it reads.
 */
import { InputError } from '../../model/errors.js';
import type { ExecutionId } from '../../model/ids.js';
import { closest } from '../../config/suggest.js';
import type { CommandContext } from '../command.js';
import { columns, formatCall, jsonLine } from '../render/format.js';
import { matchesStatus, STATUS_FILTERS, statusLabel, summarize, summaryJson, type ExecutionSummary, type StatusFilter } from '../render/summary.js';
import { openStore } from './shared/open.js';

export const DEFAULT_LIMIT = 50;

export async function run(ctx: CommandContext): Promise<number> {
  const prefix = typeof ctx.options['ffqn'] === 'string' ? ctx.options['ffqn'] : undefined;
  const status = statusOption(ctx.options['status']);
  const limit = limitOption(ctx.options['limit']);
  const config = await ctx.loadConfig();
  const store = await openStore(ctx, config);
  const ids: ExecutionId[] = [];
  for await (const id of store.list({ inline: true })) ids.push(id);
  ids.sort(compareNewestFirst);

  const shown: ExecutionSummary[] = [];
  let more = false;
  for (const id of ids) {
    let summary: ExecutionSummary;
    try {
      const { events, inbox } = await store.read(id);
      summary = summarize(id, events, inbox);
    } catch (e) {
      // A folder being created right now, or a log that cannot be read: list the rest.
      ctx.io.err(`${ctx.io.errStyle.yellow('warning:')} skipping ${id}: ${(e as Error).message}\n`);
      continue;
    }
    if (prefix !== undefined && !summary.ffqn.startsWith(prefix)) continue;
    if (status !== undefined && !matchesStatus(summary, status)) continue;
    if (shown.length === limit) {
      more = true;
      break;
    }
    shown.push(summary);
  }

  const s = ctx.io.style;
  if (ctx.json) {
    ctx.io.out(shown.map((x) => jsonLine(summaryJson(x))).join(''));
  } else if (shown.length === 0) {
    ctx.io.err(`no executions${prefix !== undefined || status !== undefined ? ' match' : ''} in ${config.stateDir}\n`);
  } else {
    const rows = shown.map((x) => [x.id, paint(statusLabel(x.status)), x.createdAt, formatCall(x.ffqn, x.params, 60)]);
    ctx.io.out(`${columns([['ID', 'STATUS', 'CREATED', 'FUNCTION'].map(s.bold), ...rows]).join('\n')}\n`);
  }
  if (more) ctx.io.err(`showing the newest ${limit}; more match: use --limit to see more\n`);
  return 0;

  function paint(label: string): string {
    return label === 'finished ok' ? s.green(label) : label.startsWith('finished') ? s.red(label) : label;
  }
}

/**
 * Newest first: by the ULID (time) of the top-level id, newer first; within one top-level execution,
 * the parent before its children, children in the order submitted (numbers compared as numbers).
 */
export function compareNewestFirst(a: string, b: string): number {
  const ra = a.split('.')[0]!;
  const rb = b.split('.')[0]!;
  if (ra !== rb) return ra < rb ? 1 : -1;
  return naturalCompare(a, b);
}

function naturalCompare(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    if (i % 2 === 1) return Number(x) - Number(y) || (x < y ? -1 : 1);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

function statusOption(value: string | boolean | undefined): StatusFilter | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if ((STATUS_FILTERS as readonly string[]).includes(text)) return text as StatusFilter;
  const near = closest(text, STATUS_FILTERS);
  throw new InputError(`--status: expected one of ${STATUS_FILTERS.join(', ')}, got ${JSON.stringify(text)}${near ? `; did you mean ${near}?` : ''}`);
}

function limitOption(value: string | boolean | undefined): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const text = String(value);
  if (!/^[1-9][0-9]{0,8}$/.test(text)) throw new InputError(`--limit: expected a whole number of executions from 1, e.g. --limit 20, got ${JSON.stringify(text)}`);
  return Number(text);
}
