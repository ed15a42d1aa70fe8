/** Shared test setup: temporary state folders, ids and events. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Created, Persisted } from '../../../lib/model/events.js';
import { childExecutionId, generatedJoinSetId, newExecutionId, newRunId, type ExecutionId, type RunId } from '../../../lib/model/ids.js';
import { SeededRandom } from '../../../lib/model/random.js';
import { isoTime } from '../../../lib/model/time.js';

export const T0 = Date.UTC(2026, 0, 1);

export function tempRoot(tag = 'store'): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), `obelisk-${tag}-`));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export class Ids {
  private readonly random: SeededRandom;
  constructor(seed = 'ids') {
    this.random = new SeededRandom(seed);
  }
  execution(): ExecutionId {
    return newExecutionId(T0, this.random);
  }
  run(): RunId {
    return newRunId(T0, this.random);
  }
}

export function child(parent: ExecutionId, index: number, joinSet = 1): ExecutionId {
  return childExecutionId(parent, generatedJoinSetId(joinSet), index);
}

export function created(atMs: number, opts: { parent?: ExecutionId; joinSet?: number; scheduledMs?: number; params?: unknown[] } = {}): Created {
  return {
    type: 'created',
    at: isoTime(atMs),
    ffqn: 'ns:pkg/ifc.fn',
    params: (opts.params ?? [1]) as Created['params'],
    scheduled_at: isoTime(opts.scheduledMs ?? atMs),
    ...(opts.parent ? { parent: { execution_id: opts.parent, join_set_id: `g:${opts.joinSet ?? 1}` } } : {}),
    component_digest: 'sha256:00',
  };
}

/** A history event carrying a tag, so tests can tell which append wrote which line. */
export function tagged(atMs: number, tag: string): Persisted {
  return { type: 'persisted', at: isoTime(atMs), kind: { fn: 'execution-id-generate' }, value: tag };
}
