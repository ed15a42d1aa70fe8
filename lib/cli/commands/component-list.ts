/**
 * `obelisk component list [--imports] [--extensions] [--json]`: every configured component with its
 * kind, digest and exported functions with WIT signatures; exports that cannot be called are listed
 * with the reason. --imports adds what it imports, --extensions the extension functions a workflow
 * may import for its exports (-submit, -await-next, -get, -invoke, -schedule, and -stub for stubs).
 */
import type { CommandContext } from '../command.js';
import { componentText, componentView } from '../render/components.js';
import { jsonLine } from '../render/format.js';
import { readComponentTypes, usableExports } from './shared/components.js';

export async function run(ctx: CommandContext): Promise<number> {
  const config = await ctx.loadConfig();
  const registry = await readComponentTypes(ctx, config);
  const opts = { imports: ctx.options['imports'] === true, extensions: ctx.options['extensions'] === true };
  const views = registry.components().map((c) => componentView(c, usableExports(c), opts));
  if (ctx.json) ctx.io.out(views.map(jsonLine).join(''));
  else if (views.length === 0) ctx.io.err(`no components in ${config.path}\n`);
  else ctx.io.out(views.map((v) => componentText(v, ctx.io.style)).join('\n'));
  return 0;
}
