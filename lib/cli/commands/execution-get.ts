/**
 * `obelisk execution get <id> [--follow] [--json]`: the execution's status (and since when), result,
 * timings and retries. With --follow, first wait until it finishes, printing each status change, and
 * exit 1 unless it ended ok.
 */
import type { CommandContext } from '../command.js';
import { EXIT_OK, EXIT_RESULT_ERR } from '../exit.js';
import { jsonLine, outcomeWord } from '../render/format.js';
import { getText } from '../render/get.js';
import { summarize, summaryJson } from '../render/summary.js';
import { followPrinting } from './shared/follow.js';
import { executionIdArg, lazyEngine, openStore, readExecution } from './shared/open.js';

export async function run(ctx: CommandContext): Promise<number> {
  const id = executionIdArg(ctx);
  const config = await ctx.loadConfig();
  const store = await openStore(ctx, config);
  let record = await readExecution(store, id);
  const follow = ctx.options['follow'] === true;
  if (follow && record.events.at(-1)?.type !== 'finished') {
    const engine = lazyEngine(ctx, config);
    try {
      record = await followPrinting(ctx, config, store, id, engine, 'current');
    } finally {
      await engine.close();
    }
  }
  const summary = summarize(id, record.events, record.inbox);
  ctx.io.out(ctx.json ? jsonLine(summaryJson(summary)) : getText(summary, ctx.io.style));
  const outcome = summary.status.outcome;
  return follow && outcome && outcomeWord(outcome) !== 'ok' ? EXIT_RESULT_ERR : EXIT_OK;
}
