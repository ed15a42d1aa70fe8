/**
 * Replays executions read from the files (harness/state/read-state.ts) against the components a
 * config file names, read-only: the same check as `obelisk verify` and verifyAll, without opening
 * a store. Catalogs are cached per config file and its text, so checking after every test or every
 * property case loads the components once.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../lib/config/load.js';
import type { Config } from '../../lib/config/types.js';
import { ComponentRegistry } from '../../lib/component/registry.js';
import { catalogOf } from '../../lib/executor/open.js';
import type { Catalog } from '../../lib/executor/catalog.js';
import type { ExecutionId } from '../../lib/model/ids.js';
import { jcoCodec } from '../../lib/runtime/host/values.js';
import { replayExecution, type ReplayReport } from '../../lib/verify/replay.js';
import type { StateView } from '../state/read-state.js';

export interface LoadedConfig {
  config: Config;
  catalog: Catalog;
}

const cache = new Map<string, Promise<LoadedConfig>>();

/** The config and a catalog of its components (cached while the file's text stays the same). */
export function loadCatalog(configPath: string): Promise<LoadedConfig> {
  const file = path.resolve(configPath);
  const key = `${file}\n${readFileSync(file, 'utf8')}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const config = await loadConfig(file, process.env);
      const registry = await ComponentRegistry.load(config.components, { cacheDir: config.cacheDir });
      return { config, catalog: catalogOf(registry, config) };
    })();
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

/**
 * Digests (ExecutionFiles.digest) of finished executions that replayed, or need none (activities):
 * shared by everything in this process that replays (the harness's checks, the test suite's shared
 * hook in test/support/verify-state.setup.ts), so a log is replayed once as long as it stays the same.
 */
export const replayedDigests = new Set<string>();

/** Replays every finished execution of the view (and, with includePending, the others up to where they are). */
export async function replayState(catalog: Catalog, state: StateView, opts: { includePending?: boolean; skipReplayed?: boolean } = {}): Promise<ReplayReport[]> {
  const reports: ReplayReport[] = [];
  for (const x of state.values()) {
    if (opts.skipReplayed && replayedDigests.has(x.digest)) continue;
    const report = await replayExecution(catalog, jcoCodec, {
      id: x.id as ExecutionId, events: x.events, inbox: x.inbox.map((f) => f.msg), includePending: opts.includePending ?? false,
    });
    const finished = x.events.at(-1)?.type === 'finished';
    if (finished && (report.status === 'replayed' || report.status === 'skipped')) replayedDigests.add(x.digest);
    reports.push(report);
  }
  return reports;
}

/** The divergences among reports, one line each. */
export function divergences(reports: readonly ReplayReport[]): string[] {
  return reports.filter((r) => r.status === 'diverged').map((r) => `${r.id}: does not replay: ${JSON.stringify(r)}`);
}
