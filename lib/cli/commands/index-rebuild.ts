/**
 * `obelisk index rebuild`: recompute the due index (state/due/) from the execution logs alone. Safe
 * while other obelisk processes run: a marker written meanwhile is kept.
 */
import type { CommandContext } from '../command.js';
import { jsonLine } from '../render/format.js';
import { withProgress } from '../render/progress.js';
import { openStore } from './shared/open.js';

export async function run(ctx: CommandContext): Promise<number> {
  const config = await ctx.loadConfig();
  const store = await openStore(ctx, config);
  const report = await withProgress(ctx.io, 'rebuilding the index', () => store.rebuildIndex());
  const corrupt = report.corrupt.map((e) => `${e.id}: ${e.error.message}`);
  if (ctx.json) {
    ctx.io.out(jsonLine({ state_dir: config.stateDir, executions: report.executions, due_markers: report.markers, corrupt }));
  } else {
    ctx.io.out(`rebuilt the due index of ${config.stateDir}: read ${report.executions} execution${report.executions === 1 ? '' : 's'}, `
      + `${report.markers} of them due now or at a later time (the rest are finished or wait for a response)\n`);
  }
  for (const message of corrupt) ctx.io.err(`${ctx.io.errStyle.yellow('warning:')} unreadable, left out of the index: ${message}\n`);
  return 0;
}
