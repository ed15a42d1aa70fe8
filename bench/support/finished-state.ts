/**
 * A state folder holding many finished executions, written with plain file writes in the on-disk
 * format (docs/format.md): one folder per execution with a three-line log (created, locked,
 * finished), an empty due/ (nothing due, as the store leaves finished work), no inbox. Writing
 * 100,000 of them takes about 40 s on this disk, so the folder is kept in the temporary folder and
 * reused by later runs (read-only: an idle tick writes nothing there); `--fresh` rewrites it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeEvent } from '../../lib/model/event-codec.js';
import { executionDirName, newExecutionId, newRunId } from '../../lib/model/ids.js';
import { SeededRandom } from '../../lib/model/random.js';
import { isoTime } from '../../lib/model/time.js';

/** Bump when the generated content changes, so an old cached folder is not reused. */
const VERSION = 1;

export interface FinishedState {
  /** The state folder (use as state_dir). */
  state: string;
  count: number;
  /** Seconds spent writing it in this run (0 when reused). */
  writtenS: number;
}

export function finishedState(count: number, opts: { fresh?: boolean } = {}): FinishedState {
  const home = path.join(tmpdir(), `obelisk-bench-finished-${count}-v${VERSION}`);
  const stamp = path.join(home, 'complete');
  const state = path.join(home, 'state');
  if (!opts.fresh && existsSync(stamp) && readFileSync(stamp, 'utf8') === String(count)) return { state, count, writtenS: 0 };
  rmSync(home, { recursive: true, force: true });
  const t = performance.now();
  const executions = path.join(state, 'executions');
  mkdirSync(executions, { recursive: true });
  mkdirSync(path.join(state, 'due'));
  const random = new SeededRandom(`finished-${count}`);
  const base = Date.UTC(2026, 10, 1);
  const digest = `sha256:${'0'.repeat(64)}`;
  for (let i = 0; i < count; i++) {
    const at = base + i * 10;
    const id = newExecutionId(at, random);
    const runId = newRunId(at, random);
    const dir = path.join(executions, executionDirName(id));
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'log.jsonl'), `${[
      encodeEvent({ type: 'created', at: isoTime(at), ffqn: 'template-fibo:activity/fibo-activity-ifc.fibo', params: [1], scheduled_at: isoTime(at), component_digest: digest }),
      encodeEvent({ type: 'locked', at: isoTime(at), run_id: runId, lease_expires_at: isoTime(at + 1000), component_digest: digest }),
      encodeEvent({ type: 'finished', at: isoTime(at + 1), run_id: runId, result: { ok: 1 } }),
    ].join('\n')}\n`);
  }
  writeFileSync(stamp, String(count));
  return { state, count, writtenS: (performance.now() - t) / 1000 };
}

/** Removes every cached folder of finished executions (any count, any version). */
export function removeFinishedStates(): void {
  for (const name of readdirSync(tmpdir())) {
    if (name.startsWith('obelisk-bench-finished-')) rmSync(path.join(tmpdir(), name), { recursive: true, force: true });
  }
}
