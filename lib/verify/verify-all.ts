/** Replays many executions of a state folder: the core of `obelisk verify` and of the test suite's shared check. */
import type { ExecutionStore } from '../store/index.js';
import type { ExecutionId } from '../model/ids.js';
import type { Catalog } from '../executor/catalog.js';
import type { ValueCodec } from '../runtime/host/values.js';
import { replayExecution, type ReplayReport } from './replay.js';

export interface VerifyOptions {
  /** Ids or id prefixes; every execution when empty. */
  ids?: string[];
  ffqnPrefix?: string;
  includePending?: boolean;
  onReport?: (r: ReplayReport) => void;
}

export async function verifyAll(store: ExecutionStore, catalog: Catalog, codec: ValueCodec, opts: VerifyOptions = {}): Promise<ReplayReport[]> {
  const reports: ReplayReport[] = [];
  for await (const id of store.list()) {
    if (opts.ids?.length && !opts.ids.some((p) => id.startsWith(p))) continue;
    const report = await verifyOne(store, catalog, codec, id, opts);
    if (!report) continue;
    reports.push(report);
    opts.onReport?.(report);
  }
  return reports;
}

export async function verifyOne(store: ExecutionStore, catalog: Catalog, codec: ValueCodec, id: ExecutionId, opts: VerifyOptions): Promise<ReplayReport | undefined> {
  let record;
  try {
    record = await store.read(id);
  } catch (e) {
    return { id, status: 'diverged', message: `unreadable: ${e instanceof Error ? e.message : String(e)}` };
  }
  const created = record.events[0];
  if (opts.ffqnPrefix && !(created?.type === 'created' && created.ffqn.startsWith(opts.ffqnPrefix))) return undefined;
  return replayExecution(catalog, codec, { id, events: record.events, inbox: record.inbox, includePending: opts.includePending ?? false });
}

/**
 * The same over several worker threads (each opens the components itself), for large state folders:
 * replay is CPU-bound, so it uses every core. Reports arrive per batch, in no particular order.
 */
export async function verifyParallel(
  store: ExecutionStore, configPath: string, env: NodeJS.ProcessEnv, workers: number, opts: VerifyOptions = {},
): Promise<ReplayReport[]> {
  const { Worker } = await import('node:worker_threads');
  const { workerScript } = await import('../runtime/hot/worker-script.js');
  const ids: ExecutionId[] = [];
  for await (const id of store.list()) if (!opts.ids?.length || opts.ids.some((p) => id.startsWith(p))) ids.push(id);
  const batches: ExecutionId[][] = [];
  for (let i = 0; i < ids.length; i += 64) batches.push(ids.slice(i, i + 64));
  const reports: ReplayReport[] = [];
  const { onReport, ids: _ids, ...rest } = opts;
  const script = workerScript(import.meta.url, './verify-worker.ts');
  const pool = Array.from({ length: Math.max(1, Math.min(workers, batches.length)) }, () => new Worker(script, { workerData: { configPath, env, opts: rest } }));
  try {
    await Promise.all(pool.map((w) => new Promise<void>((resolve, reject) => {
      const next = () => {
        const batch = batches.shift();
        if (!batch) return resolve();
        w.postMessage(batch);
      };
      w.on('message', (m: { reports?: (ReplayReport | undefined)[]; error?: string }) => {
        if (m.error) return reject(new Error(m.error));
        for (const r of m.reports ?? []) {
          if (!r) continue;
          reports.push(r);
          onReport?.(r);
        }
        next();
      });
      w.on('error', reject);
      next();
    })));
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return reports;
}
