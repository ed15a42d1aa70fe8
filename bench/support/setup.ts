/**
 * What every benchmark shares: the repository's paths, state folders with an obelisk.toml for
 * each component kind and durability mode, and the workloads' functions and parameters.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The repository: the nearest folder above this file with obelisk's package.json. */
function repositoryRoot(): string {
  for (let dir = HERE; ; dir = path.dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'obelisk') return dir;
    } catch {
      // not here
    }
    if (path.dirname(dir) === dir) throw new Error(`bench: no obelisk package.json above ${HERE}`);
  }
}

export const ROOT = repositoryRoot();
export const BUILT = path.join(ROOT, '.cache', 'components');

/**
 * Where the measured code runs from: a folder holding dist/ and bin/ (bench/support/ compiles to
 * dist/bench/support/). The runner points it at a private copy of dist/ (see snapshotCode), so a
 * rebuild of dist/ by someone else during a run cannot change the code under measurement.
 */
let codeRoot = path.resolve(HERE, '..', '..', '..');

export function useCode(root: string): void {
  codeRoot = root;
}
export const bin = (): string => path.join(codeRoot, 'bin', 'obelisk');
export const distBench = (): string => path.join(codeRoot, 'dist', 'bench');

/**
 * Copies dist/ and bin/ into .cache/ (inside the repository, so packages and package.json are
 * found by walking up as from dist/) and runs every measured process from there.
 */
export function snapshotCode(): { root: string; remove(): void } {
  const root = path.join(ROOT, '.cache', `bench-code-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  cpSync(path.join(ROOT, 'dist'), path.join(root, 'dist'), { recursive: true });
  cpSync(path.join(ROOT, 'bin'), path.join(root, 'bin'), { recursive: true });
  useCode(root);
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export type Components = 'wat' | 'js';
export type Durability = 'default' | 'fsync';
export type Shape = 'S' | 'F' | 'roots';

/** A temporary folder for one measurement: obelisk.toml and state/. */
export interface BenchDir {
  dir: string;
  toml: string;
  state: string;
  remove(): void;
}

/**
 * The configuration of one measurement. Leases are long enough (activities 60 s, workflows 10 s,
 * renewed when half spent) that no attempt times out and no hot wait is interrupted because a
 * loaded machine was slow, and short enough that a capped tick does not wait long for a hot
 * workflow that parks after the tick stopped (it waits until 0.8 × the lease, see
 * docs/benchmarks.md). Retries are off: the activities never fail here.
 */
export function tomlFor(components: Components, durability: Durability, stateDir?: string): string {
  const state = stateDir === undefined ? '"${OBELISK_TOML_DIR}/state"' : JSON.stringify(stateDir);
  const head = `cache_dir = ${JSON.stringify(path.join(ROOT, '.cache'))}\nstate_dir = ${state}\ndurability = "${durability}"\n[tick]\nmax_duration.seconds = 600\n`;
  const table = (kind: string, name: string, file: string, settings: string) =>
    `\n[[${kind}]]\nname = "${name}"\nlocation = ${JSON.stringify(path.join(BUILT, file))}\n${settings}`;
  const activity = (name: string, file: string) => table('activity_wasm', name, file, 'max_retries = 0\nexec.lock_expiry.seconds = 60\n');
  const workflow = (name: string, file: string) => table('workflow', name, file, 'join_next_blocking_strategy = "await"\nexec.lock_expiry.seconds = 10\n');
  if (components === 'wat') return head + activity('fibo_activity', 'fibo_activity.wasm') + workflow('fibo_workflow', 'fibo_workflow.wasm');
  return head + workflow('script', 'script_workflow.wasm') + activity('ops', 'test_activity.wasm') + table('activity_stub', 'stub', 'stub_activity.wasm', '');
}

/** A temporary folder with an obelisk.toml; its state is `state/` inside it unless `stateDir` names another. */
export function benchDir(components: Components, durability: Durability, stateDir?: string): BenchDir {
  const dir = mkdtempSync(path.join(tmpdir(), 'obelisk-bench-'));
  const toml = path.join(dir, 'obelisk.toml');
  writeFileSync(toml, tomlFor(components, durability, stateDir));
  return { dir, toml, state: stateDir ?? path.join(dir, 'state'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const FIBO_WORKFLOW = 'template-fibo:workflow/fibo-workflow-ifc';
export const SCRIPT_RUN = 'testing:script/workflow.run';

/** The top-level function and parameters of one workflow of a workload. */
export function workflowCall(components: Components, shape: Shape, n: number): { ffqn: string; params: (string | number)[] } {
  if (components === 'wat') {
    // fiboa(1, n): n direct calls of fibo(1); fiboa-concurrent(1, n): n submits, then n await-next.
    if (shape === 'F') return { ffqn: `${FIBO_WORKFLOW}.fiboa-concurrent`, params: [1, n] };
    return { ffqn: `${FIBO_WORKFLOW}.fiboa`, params: [1, shape === 'roots' ? 1 : n] };
  }
  const echo = { fn: 'activity.echo', args: ['x'], quiet: true };
  const steps = shape === 'F'
    ? [{ op: 'join-set-create', as: 'a', quiet: true },
      ...Array.from({ length: n }, () => ({ op: 'submit', js: 'a', ...echo })),
      ...Array.from({ length: n }, () => ({ op: 'await-next', js: 'a', ...echo }))]
    : Array.from({ length: shape === 'roots' ? 1 : n }, () => ({ op: 'call', ...echo }));
  return { ffqn: SCRIPT_RUN, params: [JSON.stringify(steps)] };
}
