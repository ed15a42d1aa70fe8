/**
 * `obelisk execution events <id> [--json]`: the execution's history, one line per event, numbered as
 * the lines of log.jsonl; then the inbox messages (marked `inbox`). With --json: the stored lines
 * themselves, log first, then the inbox messages (their types, child-finished, delay-finished and
 * cancel-requested, occur only in the inbox).
 */
import { encodeEvent } from '../../model/event-codec.js';
import type { CommandContext } from '../command.js';
import { eventLines } from '../render/events.js';
import { executionIdArg, openStore, readExecution } from './shared/open.js';

export async function run(ctx: CommandContext): Promise<number> {
  const id = executionIdArg(ctx);
  const config = await ctx.loadConfig();
  const store = await openStore(ctx, config);
  const { events, inbox } = await readExecution(store, id);
  if (ctx.json) {
    ctx.io.out([...events, ...inbox].map((e) => `${encodeEvent(e)}\n`).join(''));
  } else {
    ctx.io.out(`${eventLines(events, inbox, ctx.io.style).join('\n')}\n`);
  }
  return 0;
}
