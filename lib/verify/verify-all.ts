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

async function verifyOne(store: ExecutionStore, catalog: Catalog, codec: ValueCodec, id: ExecutionId, opts: VerifyOptions): Promise<ReplayReport | undefined> {
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
