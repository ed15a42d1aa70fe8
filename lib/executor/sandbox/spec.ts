/**
 * What does not change between attempts of one activity function, as sent to a thread that runs
 * them (a sandbox worker, or a workflow worker running a hot workflow's child in its own thread).
 */
import type { CatalogEntry } from '../catalog.js';
import type { AttemptSpec } from './protocol.js';

export interface Described {
  spec: AttemptSpec;
  /** Names the spec in a worker (the parts two components of the same file may differ in). */
  key: string;
  /** The compiled component a worker loads: file content and memory limit. */
  component: string;
}

const described = new WeakMap<CatalogEntry, Described>();

/** The spec of an activity's function, built once per catalog entry. */
export function describeAttempt(entry: CatalogEntry): Described {
  let d = described.get(entry);
  if (!d) {
    const cfg = entry.component.config;
    const spec: AttemptSpec = {
      ffqn: entry.ffqn, ifc: entry.ifc, fn: entry.fn, location: entry.component.location, cacheDir: entry.component.cacheDir,
      digest: entry.component.digest,
      env: cfg.kind === 'activity_wasm' ? [...cfg.envVars] : [],
      allowedHosts: cfg.kind === 'activity_wasm' ? [...cfg.allowedHosts] : [],
      memoryLimitBytes: cfg.kind === 'activity_wasm' ? cfg.memoryLimitBytes : 512 * 1024 * 1024,
    };
    const component = `${spec.digest}\0${spec.memoryLimitBytes}`;
    d = { spec, component, key: `${component}\0${spec.ffqn}\0${spec.location}\0${JSON.stringify([spec.env, spec.allowedHosts])}` };
    described.set(entry, d);
  }
  return d;
}
