/**
 * One case against real `obelisk tick` processes: a state folder shared by the cases of a property
 * (each case submits its own roots), two configurations over it (interrupt, await) with short
 * leases, submission straight into the store, and "settle": tick again until every execution of
 * the case has finished, as cron would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isoTime, systemClock } from '../../lib/model/time.js';
import type { ExecutionId } from '../../lib/model/ids.js';
import { APPEND_LOCK_STALE_MS, ExecutionStore } from '../../lib/store/index.js';
import { allFinished } from '../check/check-case.js';
import { loadCatalog } from '../check/replay.js';
import type { Program } from '../model/script-model.js';
import { PROCESSES, SCRIPT_FFQN, writeConfig, type HarnessConfig } from './config.js';
import { privateBuild, type PrivateBuild } from './private-build.js';
import { killAll, TickProcess, unexpectedExit, type TickExit } from './processes.js';

export class ProcessHarness {
  private constructor(
    readonly dir: string,
    readonly stateDir: string,
    readonly configs: Record<'interrupt' | 'await', string>,
    readonly config: HarnessConfig,
    readonly build: PrivateBuild,
  ) {}

  /** The longest lease any process holds (workflow or activity). */
  get longestLeaseMs(): number {
    return Math.max(this.config.workflowLockMs, this.config.activityLockMs);
  }

  static open(tag: string, config: HarnessConfig = PROCESSES): ProcessHarness {
    const dir = mkdtempSync(path.join(tmpdir(), `obelisk-harness-${tag}-`));
    const stateDir = path.join(dir, 'state');
    const configs = {
      interrupt: writeConfig(dir, { ...config, strategy: 'interrupt', stateDir }, 'interrupt.toml'),
      await: writeConfig(dir, { ...config, strategy: 'await', stateDir }, 'await.toml'),
    };
    return new ProcessHarness(dir, stateDir, configs, config, privateBuild());
  }

  /** Writes each root's `created` line, as `obelisk execution submit` would. */
  async submit(roots: readonly { id: string; program: Program }[]): Promise<void> {
    const { catalog } = await loadCatalog(this.configs.interrupt);
    const digest = catalog.resolve(SCRIPT_FFQN)!.component.digest;
    const store = await ExecutionStore.open({ root: this.stateDir, clock: systemClock });
    const at = isoTime(Date.now());
    for (const r of roots) {
      await store.create(r.id as ExecutionId, { type: 'created', at, ffqn: SCRIPT_FFQN, params: [JSON.stringify(r.program)], scheduled_at: at, component_digest: digest });
    }
  }

  tick(strategy: 'interrupt' | 'await', concurrency = 2): TickProcess {
    return new TickProcess(this.configs[strategy], { concurrency, maxDurationS: 15, bin: this.build.bin });
  }

  /**
   * Ticks until every execution of the roots has finished, as cron would: at least `minTicks`
   * times, and on until the leases and append locks a killed or stopped process left have surely
   * expired (a process killed inside an append holds its lock until APPEND_LOCK_STALE_MS; ticks
   * meanwhile find nothing they may take and end at once). Returns the exits, and a problem when a
   * tick failed or the roots did not finish.
   */
  async settle(strategy: 'interrupt' | 'await', rootIds: readonly string[], minTicks = 6): Promise<{ exits: TickExit[]; problems: string[] }> {
    const exits: TickExit[] = [];
    const problems: string[] = [];
    const until = Date.now() + this.longestLeaseMs + APPEND_LOCK_STALE_MS + 2000;
    for (let i = 0; (i < minTicks || Date.now() < until) && !allFinished(this.stateDir, rootIds); i++) {
      const t = this.tick(strategy);
      const exit = await t.waitExit();
      exits.push(exit);
      const bad = unexpectedExit(exit, [], t.hung);
      if (bad) problems.push(bad);
    }
    if (!allFinished(this.stateDir, rootIds)) problems.push(`not finished after ${exits.length} more ticks, the last past every lease and append lock left behind`);
    return { exits, problems };
  }

  async close(keep = false): Promise<void> {
    await killAll();
    this.build.cleanup();
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }
}
