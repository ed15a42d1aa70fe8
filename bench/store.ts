/**
 * Store benchmark (a script, not a test): `npm run build && node dist/bench/store.js`.
 * Prints appends per second (default and fsync), lease acquire+release per second, the cost of
 * a child execution's whole store lifecycle, and the time to find 100 due executions among
 * 100,000 finished ones versus among 100. Runs in a temporary folder that it removes, under
 * OBELISK_BENCH_DIR if set (compare a disk with tmpfs: OBELISK_BENCH_DIR=/dev/shm).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecutionStore } from '../lib/store/index.js';
import { childExecutionId, executionDirName, generatedJoinSetId, newExecutionId, newRunId, type ExecutionId } from '../lib/model/ids.js';
import { SeededRandom } from '../lib/model/random.js';
import { encodeEvent } from '../lib/model/event-codec.js';
import type { Created, Persisted } from '../lib/model/events.js';
import { isoTime, systemClock } from '../lib/model/time.js';

const random = new SeededRandom('bench');
const now = (): number => performance.now();
const created = (atMs: number, parent?: ExecutionId): Created => ({
  type: 'created', at: isoTime(atMs), ffqn: 'bench:pkg/ifc.fn', params: [1], scheduled_at: isoTime(atMs),
  ...(parent ? { parent: { execution_id: parent, join_set_id: 'g:1' } } : {}), component_digest: 'sha256:00',
});
const event = (i: number): Persisted => ({ type: 'persisted', at: isoTime(Date.now()), kind: { fn: 'random-u64', min: 0, max_exclusive: 100 }, value: i });
const rate = (n: number, ms: number): string => `${Math.round((n * 1000) / ms).toLocaleString('en-US')}/s`;

async function withStore<T>(durability: 'default' | 'fsync', fn: (store: ExecutionStore, root: string) => Promise<T>): Promise<T> {
  // Where the state folder lives: its file system's cost of creating a file dominates some figures.
  const root = mkdtempSync(join(process.env.OBELISK_BENCH_DIR ?? tmpdir(), 'obelisk-bench-store-'));
  try {
    return await fn(await ExecutionStore.open({ root, clock: systemClock, durability }), root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function appends(durability: 'default' | 'fsync', n: number, batch: number): Promise<string> {
  return withStore(durability, async (store) => {
    const id = newExecutionId(Date.now(), random);
    await store.create(id, created(Date.now()));
    const lease = (await store.lease(id, { runId: newRunId(Date.now(), random), leaseMs: 600_000, componentDigest: 'd' }))!;
    const t = now();
    for (let i = 0; i < n; i += batch) await lease.append(Array.from({ length: batch }, (_, j) => event(i + j)));
    const ms = now() - t;
    await lease.release();
    return `${rate(n / batch, ms)} appends (${rate(n, ms)} events)`;
  });
}

/** Lease + release cycles spread over `executions` executions (1: one log that grows with every cycle). */
async function leaseCycles(durability: 'default' | 'fsync', n: number, executions: number): Promise<string> {
  return withStore(durability, async (store) => {
    const ids: ExecutionId[] = [];
    for (let i = 0; i < executions; i++) {
      ids.push(newExecutionId(Date.now(), random));
      await store.create(ids[i]!, created(Date.now()));
    }
    const t = now();
    for (let i = 0; i < n; i++) {
      const runId = newRunId(Date.now(), random);
      const lease = (await store.lease(ids[i % executions]!, { runId, leaseMs: 60_000, componentDigest: 'd' }))!;
      const at = isoTime(Date.now());
      await lease.release({ type: 'unlocked', at, run_id: runId, pending_at: at, reason: 'bench' });
    }
    return rate(n, now() - t);
  });
}

/** create + lease + one event + finished + delivery to the parent: the store's share of one child execution. */
async function childLifecycles(durability: 'default' | 'fsync', n: number): Promise<string> {
  return withStore(durability, async (store) => {
    const parent = newExecutionId(Date.now(), random);
    await store.create(parent, created(Date.now()));
    const t = now();
    for (let i = 1; i <= n; i++) {
      const id = childExecutionId(parent, generatedJoinSetId(1), i);
      await store.create(id, created(Date.now(), parent));
      const runId = newRunId(Date.now(), random);
      const lease = (await store.lease(id, { runId, leaseMs: 60_000, componentDigest: 'd' }))!;
      await lease.append([event(i)]);
      await lease.release({ type: 'finished', at: isoTime(Date.now()), run_id: runId, result: { ok: i } });
    }
    return rate(n, now() - t);
  });
}

/** Median time of `due(now, 100)` with 100 pending executions next to `finished` finished ones. */
async function dueAmong(finished: number): Promise<string> {
  return withStore('default', async (store, root) => {
    const t0 = now();
    // Finished executions written with plain file writes: two lines each, no marker (as the store leaves them).
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < finished; i++) {
      const id = newExecutionId(base, random);
      const dir = join(root, 'executions', executionDirName(id));
      mkdirSync(dir);
      writeFileSync(join(dir, 'log.jsonl'), `${encodeEvent(created(base))}\n${encodeEvent({ type: 'finished', at: isoTime(base), result: { ok: null } })}\n`);
    }
    const setupMs = now() - t0;
    for (let i = 0; i < 100; i++) await store.create(newExecutionId(base, random), created(base));
    const times: number[] = [];
    let found = 0;
    for (let r = 0; r < 21; r++) {
      const t = now();
      found = (await store.due(Date.now(), 100)).length;
      times.push(now() - t);
    }
    times.sort((a, b) => a - b);
    let rebuild = '';
    if (finished >= 10_000) {
      const t = now();
      await store.rebuildIndex();
      rebuild = `; rebuildIndex over all ${(finished + 100).toLocaleString('en-US')}: ${((now() - t) / 1000).toFixed(1)} s`;
    }
    return `${times[10]!.toFixed(2)} ms (found ${found}; writing the finished ones took ${(setupMs / 1000).toFixed(1)} s${rebuild})`;
  });
}

async function main(): Promise<void> {
  const line = (label: string, value: string): void => console.log(`${label.padEnd(58)} ${value}`);
  console.log(`store benchmark, node ${process.version}, ${new Date().toISOString()}, in ${process.env.OBELISK_BENCH_DIR ?? tmpdir()}`);
  line('append, 1 event per write, default durability', await appends('default', 20_000, 1));
  line('append, 10 events per write, default durability', await appends('default', 50_000, 10));
  line('append, 1 event per write, fsync', await appends('fsync', 1_000, 1));
  line('lease + release(unlocked), one execution, default', await leaseCycles('default', 5_000, 1));
  line('lease + release(unlocked), 1,000 executions, default', await leaseCycles('default', 5_000, 1_000));
  line('lease + release(unlocked), one execution, fsync', await leaseCycles('fsync', 500, 1));
  line('child lifecycle (create, lease, append, finish, deliver)', await childLifecycles('default', 3_000));
  line('child lifecycle, fsync', await childLifecycles('fsync', 200));
  line('due(now, 100): 100 pending among 100 finished', await dueAmong(100));
  line('due(now, 100): 100 pending among 100,000 finished', await dueAmong(100_000));
}

await main();
