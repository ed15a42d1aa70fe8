/**
 * An engine in this process over a temporary state folder, for properties that need no process
 * faults: children finishing in seeded orders (each attempt's result held back a seeded time),
 * a clock that jumps forward at seeded moments, and one step at a time where order must not vary.
 * One harness serves many cases: each case submits its own roots.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../lib/config/load.js';
import type { ActivityRunner, AttemptLimits } from '../../lib/executor/activity-runner.js';
import type { CatalogEntry } from '../../lib/executor/catalog.js';
import type { Engine } from '../../lib/executor/engine.js';
import { openEngine } from '../../lib/executor/open.js';
import { SandboxPool } from '../../lib/executor/sandbox/pool.js';
import { tick, type TickSummary } from '../../lib/executor/tick.js';
import { newExecutionId, type ExecutionId } from '../../lib/model/ids.js';
import type { JsonValue } from '../../lib/model/json.js';
import { SeededRandom } from '../../lib/model/random.js';
import type { Clock } from '../../lib/model/time.js';
import type { Program } from '../model/script-model.js';
import { allFinished } from '../check/check-case.js';
import { SCRIPT_FFQN, writeConfig, type HarnessConfig } from './config.js';
import { mulberry32 } from './property.js';

/** Holds each attempt's result back for a seeded random time, so children finish in seeded orders. */
export class SeededDelays implements ActivityRunner {
  private next: () => number = () => 0;
  private maxDelayMs = 0;
  constructor(private readonly inner: ActivityRunner) {}
  /** From now on, delays are drawn from `seed`, up to `maxDelayMs` (0: none). */
  reseed(seed: number, maxDelayMs: number): void {
    this.next = mulberry32(seed);
    this.maxDelayMs = maxDelayMs;
  }
  async run(entry: CatalogEntry, params: JsonValue[], limits: AttemptLimits) {
    const delay = Math.floor(this.next() * this.maxDelayMs);
    const result = await this.inner.run(entry, params, limits);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    return result;
  }
  close() {
    return this.inner.close();
  }
}

/** The system clock plus an offset that only grows: time jumps forward, never back. */
export class JumpingClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  jump(ms: number): void {
    this.offset += Math.max(0, ms);
  }
}

let ids = 0;
/** A fresh execution id, reproducible from the seed and the number of ids drawn before in this process. */
export function caseId(seed: number): ExecutionId {
  ids += 1;
  return newExecutionId(Date.UTC(2026, 0, 1) + ids, new SeededRandom(`harness/${seed}/${ids}`));
}

export interface RunOptions {
  concurrency: number;
  /** Clock jumps: at `afterMs` of real time into the run, jump `byMs` forward. */
  jumps?: { afterMs: number; byMs: number }[];
  /** Give up after this long (ms). */
  budgetMs?: number;
}

export class InProcessHarness {
  private constructor(
    readonly dir: string,
    readonly configPath: string,
    readonly stateDir: string,
    readonly engine: Engine,
    readonly clock: JumpingClock,
    readonly delays: SeededDelays,
  ) {}

  static async open(config: HarnessConfig, tag = config.strategy): Promise<InProcessHarness> {
    const dir = mkdtempSync(path.join(tmpdir(), `obelisk-harness-${tag}-`));
    const configPath = writeConfig(dir, config);
    const loaded = await loadConfig(configPath, process.env);
    const clock = new JumpingClock();
    const delays = new SeededDelays(new SandboxPool());
    const engine = await openEngine(loaded, { clock, activities: delays, ...(config.inline === false ? { inlineActivities: false } : {}) });
    return new InProcessHarness(dir, configPath, loaded.stateDir, engine, clock, delays);
  }

  async submit(program: Program, id: ExecutionId): Promise<ExecutionId> {
    return this.engine.submit(SCRIPT_FFQN, [JSON.stringify(program)], { id });
  }

  /** Ticks until every execution of the roots has finished (or the budget is spent). */
  async runToEnd(roots: readonly string[], opts: RunOptions): Promise<TickSummary[]> {
    const started = performance.now();
    const budget = opts.budgetMs ?? 60_000;
    const timers = (opts.jumps ?? []).map((j) => setTimeout(() => this.clock.jump(j.byMs), j.afterMs));
    const summaries: TickSummary[] = [];
    let idle = 0;
    try {
      while (!allFinished(this.stateDir, roots)) {
        const left = budget - (performance.now() - started);
        if (left <= 0) break;
        const summary = await tick(this.engine, { maxDurationMs: left, concurrency: opts.concurrency });
        summaries.push(summary);
        // Two ticks in a row that found nothing to do: stuck (what is left is reported by the checks).
        idle = summary.advanced === 0 ? idle + 1 : 0;
        if (idle >= 2) break;
        if (!allFinished(this.stateDir, roots)) await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      for (const t of timers) clearTimeout(t);
    }
    return summaries;
  }

  async close(keep = false): Promise<void> {
    await this.engine.deps.hot?.close();
    await this.engine.deps.activities.close();
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }
}
