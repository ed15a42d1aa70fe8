/** `obelisk execution logs <id> [--json]`: the execution's log messages and captured output (output.jsonl). */
import { readOutput } from '../../store/output.js';
import type { CommandContext } from '../command.js';
import { jsonLine } from '../render/format.js';
import { executionIdArg, openStore, readExecution } from './shared/open.js';

export async function run(ctx: CommandContext): Promise<number> {
  const id = executionIdArg(ctx);
  const config = await ctx.loadConfig();
  const store = await openStore(ctx, config);
  await readExecution(store, id); // an unknown id is an error, not an empty output
  const lines = readOutput(config.stateDir, id);
  const s = ctx.io.style;
  if (ctx.json) {
    ctx.io.out(lines.map(jsonLine).join(''));
  } else if (lines.length === 0) {
    ctx.io.err(`${id} has logged nothing\n`);
  } else {
    const paint = (level: string) => (level === 'error' ? s.red(level) : level === 'warn' ? s.yellow(level) : level);
    ctx.io.out(lines.map((l) => `${s.dim(l.at)}  ${paint(l.level.padEnd(5))}  ${l.message}\n`).join(''));
  }
  return 0;
}
