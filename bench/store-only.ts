/**
 * The store alone, called in the order the engine calls it for one (inline) child of a hot parent,
 * with no engine, no workers and no component: what the store's own code adds to the floor
 * (bench/floor.ts). Calls through the FileLayer are counted.
 *   per child:     parent lease.appendChildren([the previous child's finished, created, locked],
 *                  [join-next, join-set-created, child-requested]) (S: a result rides on the next batch;
 *                  on a parent's first run no existence check)
 *   node dist/bench/store-only.js '{"children":500,"durability":"default"}'   → one JSON line
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExecutionStore, nodeFileLayer, type FileLayer, type AppendFile, type ChildLine } from '../lib/store/index.js';
import { newExecutionId, newRunId, oneOffJoinSetId, childExecutionId } from '../lib/model/ids.js';
import { SeededRandom } from '../lib/model/random.js';
import type { Created, LogEvent } from '../lib/model/events.js';
import { isoTime, systemClock } from '../lib/model/time.js';
import type { Durability } from './support/setup.js';

export interface StoreOnlyResult {
  childrenPerS: number;
  /** FileLayer (and AppendFile) calls per child, by method. */
  calls: Record<string, number>;
}

/** Wraps a FileLayer and counts its calls (and its AppendFiles' calls) by method name. */
export function countingFileLayer(inner: FileLayer, counts: Map<string, number>): FileLayer {
  const bump = (k: string): void => void counts.set(k, (counts.get(k) ?? 0) + 1);
  const wrapFile = (f: AppendFile): AppendFile => new Proxy(f, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        bump(`file.${String(prop)}`);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const out = {} as Record<string, unknown>;
  for (const [k, v] of Object.entries(inner)) {
    if (typeof v !== 'function') continue;
    out[k] = (...args: unknown[]) => {
      if (k !== 'now') bump(k);
      const r = (v as (...a: unknown[]) => unknown).apply(inner, args);
      return k === 'openAppend' && r ? wrapFile(r as AppendFile) : r;
    };
  }
  return out as unknown as FileLayer;
}

export async function runStoreOnly(children: number, durability: Durability): Promise<StoreOnlyResult> {
  const root = mkdtempSync(path.join(tmpdir(), 'obelisk-bench-store-only-'));
  const counts = new Map<string, number>();
  try {
    const store = await ExecutionStore.open({ root, clock: systemClock, durability, fs: countingFileLayer(nodeFileLayer, counts) });
    const random = new SeededRandom('store-only');
    const digest = `sha256:${'0'.repeat(64)}`;
    const now = (): string => isoTime(Date.now());
    const parent = newExecutionId(Date.now(), random);
    await store.create(parent, { type: 'created', at: now(), ffqn: 'template-fibo:workflow/fibo-workflow-ifc.fiboa', params: [1, children], scheduled_at: now(), component_digest: digest });
    await store.due(Date.now());
    const parentLease = (await store.lease(parent, { runId: newRunId(Date.now(), random), leaseMs: 600_000, componentDigest: digest }))!;
    counts.clear();
    const t = performance.now();
    let previous: ChildLine[] = [];
    for (let i = 1; i <= children; i++) {
      const js = oneOffJoinSetId(i, 'fibo');
      const child = childExecutionId(parent, js, 1);
      const created: Created = { type: 'created', at: now(), ffqn: 'template-fibo:activity/fibo-activity-ifc.fibo', params: [1], scheduled_at: now(), parent: { execution_id: parent, join_set_id: js }, component_digest: digest };
      const events: LogEvent[] = [
        ...(i > 1 ? [{ type: 'join-next', at: now(), join_set_id: oneOffJoinSetId(i - 1, 'fibo'), mode: 'blocking', response: { execution_id: childExecutionId(parent, oneOffJoinSetId(i - 1, 'fibo'), 1) } } as LogEvent] : []),
        { type: 'join-set-created', at: now(), join_set_id: js } as LogEvent,
        { type: 'child-requested', at: now(), join_set_id: js, child_execution_id: child, ffqn: created.ffqn, params: [1] } as LogEvent,
      ];
      const runId = newRunId(Date.now(), random);
      const locked: LogEvent = { type: 'locked', at: now(), run_id: runId, lease_expires_at: now(), component_digest: digest };
      await parentLease.appendChildren([...previous, { id: child, event: created }, { id: child, event: locked }], events);
      previous = [{ id: child, event: { type: 'finished', at: now(), run_id: runId, result: { ok: 1 } } }];
    }
    await parentLease.appendChildren(previous);
    const ms = performance.now() - t;
    const calls: Record<string, number> = {};
    for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) calls[k] = v / children;
    return { childrenPerS: (children * 1000) / ms, calls };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const spec = JSON.parse(process.argv[2] ?? '{"children":500,"durability":"default"}') as { children: number; durability: Durability };
  process.stdout.write(`${JSON.stringify(await runStoreOnly(spec.children, spec.durability))}\n`);
}
