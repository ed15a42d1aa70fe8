/**
 * Configurations for harness runs: the script workflow with the test and stub activities, with
 * leases and timeouts short enough that a crashed or stopped process's work is taken over within
 * a second or two.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (harness/run/ is two levels down). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BUILT = path.join(ROOT, '.cache', 'components');
export const BIN = path.join(ROOT, 'bin', 'obelisk');
export const SCRIPT_FFQN = 'testing:script/workflow.run';

export interface HarnessConfig {
  strategy: 'await' | 'interrupt';
  /** The workflow's lease (exec.lock_expiry). */
  workflowLockMs: number;
  /** An activity attempt's timeout and lease (exec.lock_expiry). */
  activityLockMs: number;
  maxRetries: number;
  backoffMs: number;
  /** Where the state folder is; default: `state` next to the config. */
  stateDir?: string;
  /** In-process harnesses: run activity children of hot workflows inline (default true). */
  inline?: boolean;
}

export const IN_PROCESS: HarnessConfig = { strategy: 'interrupt', workflowLockMs: 30_000, activityLockMs: 1500, maxRetries: 1, backoffMs: 5 };
/**
 * Short leases, so a killed or stopped process's work is taken over soon; an activity's attempt
 * gets longer (its timeout: a fresh process starts its sandbox first), and two retries, so a
 * process stopped mid-attempt costs an attempt, not the result.
 */
export const PROCESSES: HarnessConfig = { strategy: 'interrupt', workflowLockMs: 1500, activityLockMs: 2500, maxRetries: 2, backoffMs: 5 };

export function harnessToml(c: HarnessConfig): string {
  const q = (p: string) => JSON.stringify(p);
  return `# written by the property harness (harness/run/config.ts)
cache_dir = ${q(path.join(ROOT, '.cache'))}
${c.stateDir ? `state_dir = ${q(c.stateDir)}\n` : ''}
[[workflow]]
name = "script"
location = ${q(path.join(BUILT, 'script_workflow.wasm'))}
join_next_blocking_strategy = "${c.strategy}"
exec.lock_expiry.milliseconds = ${c.workflowLockMs}

[[activity_wasm]]
name = "ops"
location = ${q(path.join(BUILT, 'test_activity.wasm'))}
max_retries = ${c.maxRetries}
retry_exp_backoff.milliseconds = ${c.backoffMs}
exec.lock_expiry.milliseconds = ${c.activityLockMs}

[[activity_stub]]
name = "stub"
location = ${q(path.join(BUILT, 'stub_activity.wasm'))}
`;
}

/** Writes `<dir>/<name>` and returns its path. */
export function writeConfig(dir: string, c: HarnessConfig, name = 'obelisk.toml'): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, harnessToml(c));
  return file;
}
