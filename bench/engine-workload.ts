/**
 * One engine measurement, run in its own process by bench/run.ts (so every figure starts from the
 * same cold heap and its peak RSS is its own):
 *   node dist/bench/engine-workload.js '{"shape":"S","n":1000,"components":"wat","durability":"default"}'
 * Opens an engine as `obelisk tick` does (sandboxed activities, hot workflow workers, concurrency =
 * cores), warms it up with a tiny workflow of the same kind (workers started, components loaded),
 * then submits the workload and ticks until nothing is due (or `capMs` has passed). Prints one JSON
 * line: the elapsed time from the first submit to the end of the tick, the children and workflows
 * finished, and the process's peak RSS.
 * With `"keep": true` the state folder is left behind and its path printed (replay benchmark).
 */
import os from 'node:os';
import { loadConfig } from '../lib/config/load.js';
import { openEngine } from '../lib/executor/open.js';
import { tick } from '../lib/executor/tick.js';
import type { Engine } from '../lib/executor/engine.js';
import type { ExecutionId } from '../lib/model/ids.js';
import { benchDir, workflowCall, type Components, type Durability, type Shape } from './support/setup.js';

export interface WorkloadSpec {
  shape: Shape;
  n: number;
  components: Components;
  durability: Durability;
  /** Leave the state folder (and its obelisk.toml) behind and print its folder, for the replay benchmark. */
  keep?: boolean;
  /**
   * Stop taking new work after this long (the tick's max duration): the figure is then the work
   * finished by then over the time taken, and `capped` says so. Keeps a slow configuration from
   * taking the whole benchmark's time. Default: no cap (10 minutes).
   */
  capMs?: number;
}

export interface WorkloadResult {
  ms: number;
  children: number;
  roots: number;
  maxRssKb: number;
  /** True when the cap stopped the tick before all the work was done (children/roots count what finished). */
  capped: boolean;
  /** With `keep`: the folder holding obelisk.toml and state/ (the caller removes it). */
  dir?: string;
}

/** How many of the roots finished ok, and how many of their children finished (results in a parent's inbox). */
async function progress(engine: Engine, roots: ExecutionId[]): Promise<{ roots: number; children: number }> {
  let done = 0;
  let children = 0;
  for (const id of roots) {
    const { events, inbox } = await engine.deps.store.read(id);
    const last = events.at(-1);
    if (last?.type === 'finished') {
      if (!('result' in last) || !('ok' in last.result)) throw new Error(`${id} did not finish ok: ${JSON.stringify(last)}`);
      done++;
    }
    children += inbox.filter((m) => m.type === 'child-finished').length;
  }
  return { roots: done, children };
}

/** Ticks until nothing is due (or the cap); true when the cap stopped it. */
async function runToEnd(engine: Engine, capMs = 600_000): Promise<boolean> {
  const summary = await tick(engine, { maxDurationMs: capMs, concurrency: os.availableParallelism() });
  if (summary.errors.length) throw new Error(`tick errors: ${JSON.stringify(summary.errors.slice(0, 3))}`);
  return summary.stoppedEarly && capMs < 600_000;
}

/** Throws unless every root finished ok. */
async function checkFinished(engine: Engine, roots: ExecutionId[]): Promise<void> {
  const { roots: done } = await progress(engine, roots);
  if (done !== roots.length) throw new Error(`${roots.length - done} of ${roots.length} workflows did not finish`);
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as WorkloadSpec;
  const where = benchDir(spec.components, spec.durability);
  const config = await loadConfig(where.toml, process.env);
  const engine = await openEngine(config);
  let ok = false;
  try {
    // Warm-up: both activity workers and a hot workflow worker started, components compiled.
    const warm = workflowCall(spec.components, 'F', 4);
    const warmId = await engine.submit(warm.ffqn, warm.params);
    await runToEnd(engine);
    await checkFinished(engine, [warmId]);

    const roots = spec.shape === 'roots' ? spec.n : 1;
    const call = workflowCall(spec.components, spec.shape, spec.n);
    const started = performance.now();
    const ids: ExecutionId[] = [];
    for (let i = 0; i < roots; i++) ids.push(await engine.submit(call.ffqn, call.params));
    const capped = await runToEnd(engine, spec.capMs);
    // Timed from the first submit to the end of the tick; reading the results back is not.
    const ms = performance.now() - started;
    if (!capped) await checkFinished(engine, ids);
    // S and F: n children of one workflow; roots: n workflows of one child each.
    const done = capped ? await progress(engine, ids) : { roots, children: spec.n };
    const result: WorkloadResult = {
      ms, children: done.children, roots: done.roots, capped, maxRssKb: process.resourceUsage().maxRSS,
      ...(spec.keep ? { dir: where.dir } : {}),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    ok = true;
  } finally {
    await engine.deps.hot?.close();
    await engine.deps.activities.close();
    if (!spec.keep || !ok) where.remove();
  }
}

await main();
