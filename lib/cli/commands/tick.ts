/**
 * `obelisk tick`: advance every due execution and exit, for cron and systemd timers. Quiet when
 * nothing happened, so cron mails nothing. Exit 0 whenever it ran, whatever the executions' outcomes;
 * SIGINT/SIGTERM stop it taking new work: what is running finishes or is released.
 */
import os from 'node:os';
import { UserError } from '../../model/errors.js';
import type { TickSummary } from '../../executor/tick.js';
import { ExecutionStore } from '../../store/index.js';
import type { CommandContext } from '../command.js';
import { jsonLine } from '../render/format.js';

import { onStopSignal } from './shared/signals.js';

export function positiveNumber(ctx: CommandContext, name: string, example: string): number | undefined {
  const raw = ctx.options[name];
  if (raw === undefined || raw === false) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: expected a positive number, for example ${example}; got ${JSON.stringify(raw)}`);
  return n;
}

export function summaryLine(s: TickSummary): string {
  return `tick: advanced ${s.advanced} (finished ok ${s.finishedOk}, err ${s.finishedErr}, failed ${s.failed}; retried ${s.retried}; still blocked ${s.blocked})`
    + `${s.skipped ? `, skipped ${s.skipped}` : ''}${s.errors.length ? `, ${s.errors.length} could not be advanced` : ''}${s.stoppedEarly ? ', stopped with work still due' : ''}`;
}

export async function run(ctx: CommandContext): Promise<number> {
  const config = await ctx.loadConfig();
  const maxDurationMs = (positiveNumber(ctx, 'maxDuration', '50') ?? config.tick.maxDurationMs / 1000) * 1000;
  const concurrency = positiveNumber(ctx, 'concurrency', '4') ?? os.availableParallelism();
  // An idle tick (the common cron case) looks at the due index and exits without loading the engine
  // or any component: those modules are imported only when there is work.
  const store = await ExecutionStore.open({ root: config.stateDir, durability: config.durability, clock: ctx.clock });
  if ((await store.due(ctx.clock.now() + maxDurationMs, 1)).length === 0) {
    if (ctx.json) ctx.io.out(jsonLine({ advanced: 0, finishedOk: 0, finishedErr: 0, failed: 0, retried: 0, blocked: 0, skipped: 0, errors: [], stoppedEarly: false } satisfies TickSummary));
    return 0;
  }
  const [{ withEngine }, { tick }] = await Promise.all([import('./shared/open.js'), import('../../executor/tick.js')]);
  const stop = onStopSignal();
  try {
    const summary = await withEngine(ctx, config, (engine) => tick(engine, { maxDurationMs, concurrency, signal: stop.signal }));
    if (ctx.json) ctx.io.out(jsonLine({ ...summary }));
    else if (summary.advanced > 0 || summary.errors.length > 0) ctx.io.out(`${summaryLine(summary)}\n`);
    for (const e of summary.errors) ctx.io.err(`${ctx.io.errStyle.yellow('warning:')} ${e.id}: ${e.message}\n`);
    return 0;
  } finally {
    stop.dispose();
  }
}
