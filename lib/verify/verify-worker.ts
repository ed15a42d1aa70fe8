/**
 * A verify worker: opens the configuration's components (from the transpile cache) and the store,
 * then replays the executions it is sent, one batch at a time, and answers with the reports.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from '../config/load.js';
import { ComponentRegistry } from '../component/registry.js';
import { ExecutionStore } from '../store/index.js';
import { catalogOf } from '../executor/open.js';
import { jcoCodec } from '../runtime/host/values.js';
import { systemClock } from '../model/time.js';
import type { ExecutionId } from '../model/ids.js';
import { verifyOne, type VerifyOptions } from './verify-all.js';

const { configPath, env, opts } = workerData as { configPath: string; env: NodeJS.ProcessEnv; opts: Omit<VerifyOptions, 'onReport' | 'ids'> };
const ready = (async () => {
  const config = await loadConfig(configPath, env);
  const registry = await ComponentRegistry.load(config.components, { cacheDir: config.cacheDir });
  const store = await ExecutionStore.open({ root: config.stateDir, durability: config.durability, clock: systemClock });
  return { store, catalog: catalogOf(registry, config) };
})();

parentPort!.on('message', async (ids: ExecutionId[]) => {
  try {
    const { store, catalog } = await ready;
    const reports = [];
    for (const id of ids) reports.push(await verifyOne(store, catalog, jcoCodec, id, opts));
    parentPort!.postMessage({ reports });
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
});
