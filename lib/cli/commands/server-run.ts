/**
 * `obelisk server run`: the executor, long-running, one per state folder (it holds server.lock, so
 * `execution submit --follow` knows to only watch). New submissions and timers are picked up at once
 * (file-system notifications, with polling as a fallback). SIGINT/SIGTERM: stop taking work, finish
 * or release what is held, exit.
 */
import os from 'node:os';
import { serve } from '../../executor/server.js';
import { acquireServerLock } from '../../executor/server-lock.js';
import type { CommandContext } from '../command.js';
import { jsonLine } from '../render/format.js';
import { withEngine } from './shared/open.js';
import { onStopSignal } from './shared/signals.js';
import { positiveNumber, summaryLine } from './tick.js';

export async function run(ctx: CommandContext): Promise<number> {
  const config = await ctx.loadConfig();
  const concurrency = positiveNumber(ctx, 'concurrency', '4') ?? os.availableParallelism();
  const pollMs = positiveNumber(ctx, 'pollMs', '200') ?? 200;
  const stop = onStopSignal();
  const release = await acquireServerLock(config.stateDir, (e) => {
    ctx.io.err(`${ctx.io.errStyle.red('error:')} lost server.lock (${e.message}); stopping\n`);
    stop.signal.dispatchEvent(new Event('abort'));
  });
  try {
    await withEngine(ctx, config, async (engine) => {
      ctx.io.err(`obelisk server: running on ${config.stateDir} (${concurrency} at a time); Ctrl-C to stop\n`);
      await serve(engine, {
        signal: stop.signal, concurrency, pollMs,
        onSummary: (s) => {
          if (s.advanced === 0 && s.errors.length === 0) return;
          ctx.io.out(ctx.json ? jsonLine({ at: new Date(ctx.clock.now()).toISOString(), ...s }) : `${new Date(ctx.clock.now()).toISOString()} ${summaryLine(s)}\n`);
          for (const e of s.errors) ctx.io.err(`${ctx.io.errStyle.yellow('warning:')} ${e.id}: ${e.message}\n`);
        },
      });
    });
    ctx.io.err('obelisk server: stopped\n');
    return 0;
  } finally {
    stop.dispose();
    await release();
  }
}
