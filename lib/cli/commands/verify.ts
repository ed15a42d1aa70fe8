/**
 * `obelisk verify`: replay finished executions against the components configured now; exit 1 if any
 * diverged (for CI, before a new component version ships), 0 if all replayed, 2 on usage or
 * configuration errors.
 */
import os from 'node:os';
import { verifyAll, verifyParallel } from '../../verify/verify-all.js';
import { ExecutionStore } from '../../store/index.js';
import { NotFoundError } from '../../model/errors.js';
import type { ReplayReport } from '../../verify/replay.js';
import { EXIT_RESULT_ERR } from '../exit.js';
import type { CommandContext } from '../command.js';
import { jsonLine } from '../render/format.js';
import { withEngine } from './shared/open.js';

/** Below this many executions, starting workers (each loads every component) costs more than it saves (measured: 300 workflows replay faster in-process). */
const PARALLEL_FROM = 2000;

export async function run(ctx: CommandContext): Promise<number> {
  const config = await ctx.loadConfig();
  const ids = (ctx.args['ids'] as readonly string[] | undefined) ?? [];
  const ffqnPrefix = typeof ctx.options['ffqn'] === 'string' ? ctx.options['ffqn'] : undefined;
  const started = performance.now();
  let done = 0;
  const tty = ctx.io.errStyle.enabled;
  const opts = {
    ids: [...ids], ...(ffqnPrefix ? { ffqnPrefix } : {}), includePending: ctx.options['includePending'] === true,
    onReport: (r: ReplayReport) => {
      done++;
      if (ctx.json) ctx.io.out(jsonLine(r));
      else if (r.status === 'diverged') ctx.io.out(describe(ctx, r));
      if (tty && done % 50 === 0) ctx.io.err(`\rverified ${done}…`);
    },
  };
  // Replay is CPU-bound: a large state folder is split over worker threads, one per core.
  const store = await ExecutionStore.open({ root: config.stateDir, durability: config.durability, clock: ctx.clock });
  let count = 0;
  for await (const _ of store.list()) if (++count > PARALLEL_FROM) break;
  const cores = os.availableParallelism();
  // The replay proper, apart from loading the components (in the workers, the two overlap).
  let replayStarted = started;
  const reports = count > PARALLEL_FROM && cores > 1
    ? await verifyParallel(store, config.path, ctx.env, cores, opts)
    : await withEngine(ctx, config, (engine) => {
      replayStarted = performance.now();
      return verifyAll(engine.deps.store, engine.deps.catalog, engine.deps.codec, opts);
    }, { hotWorkers: 0 });
  const replaySeconds = (performance.now() - replayStarted) / 1000;
  if (tty && done >= 50) ctx.io.err('\r');
  const unmatched = ids.filter((p) => !reports.some((r) => r.id.startsWith(p)));
  if (unmatched.length > 0) {
    throw new NotFoundError(`no execution matches ${unmatched.join(', ')} in ${config.stateDir}: expected ids or id prefixes of stored executions (\`obelisk execution list\` shows them)`);
  }
  const seconds = (performance.now() - started) / 1000;
  const replayed = reports.filter((r) => r.status === 'replayed');
  const diverged = reports.filter((r) => r.status === 'diverged');
  const events = replayed.reduce((n, r) => n + (r.status === 'replayed' ? r.events : 0), 0);
  if (!ctx.json) {
    ctx.io.out(`verified ${replayed.length + diverged.length} execution${replayed.length + diverged.length === 1 ? '' : 's'} `
      + `(${events} history events) in ${seconds.toFixed(2)} s (replay ${replaySeconds.toFixed(2)} s): ${diverged.length} diverged`
      + `${reports.length - replayed.length - diverged.length ? `, ${reports.length - replayed.length - diverged.length} skipped (activities, or not finished)` : ''}\n`);
  }
  return diverged.length > 0 ? EXIT_RESULT_ERR : 0;
}

function describe(ctx: CommandContext, r: Extract<ReplayReport, { status: 'diverged' }>): string {
  const head = `${ctx.io.style.red('diverged')} ${r.id}${r.index ? ` at event ${r.index}` : ''}: ${r.message}\n`;
  return r.detail ? `${head}${r.detail.split('\n').map((l) => `    ${l}`).join('\n')}\n` : head;
}
