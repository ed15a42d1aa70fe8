/**
 * Which activities a hot workflow's worker may run in its own thread (./in-thread.ts): small
 * components with nothing to guard beyond their memory and time limits. One with outbound HTTP
 * (secrets, traces) or a folder of its own runs in the sandbox pool only, and so does a large
 * component (a componentize-js one is over 10 MB: each workflow worker would hold its instance),
 * and so does one configured with `in_workflow_thread = false`.
 */
import { statSync } from 'node:fs';
import { extensionInterfaceName } from '../../component/extensions.js';
import type { Catalog, CatalogEntry } from '../catalog.js';
import type { InThreadSpec } from './protocol.js';
import { describeAttempt } from './spec.js';
import { errIsVariant } from '../retry.js';
import type { ActivityWasmConfig } from '../../config/types.js';

/** Larger component files run in the pool only. */
export const IN_THREAD_MAX_BYTES = 4 * 1024 * 1024;

const sizes = new Map<string, number>();
function fileSize(location: string): number {
  let n = sizes.get(location);
  if (n === undefined) {
    try {
      n = statSync(location).size;
    } catch {
      n = Number.POSITIVE_INFINITY;
    }
    sizes.set(location, n);
  }
  return n;
}

export function inThreadEligible(entry: CatalogEntry): boolean {
  const cfg = entry.component.config;
  return cfg.kind === 'activity_wasm' && cfg.inWorkflowThread && cfg.allowedHosts.length === 0 && !cfg.directories.enabled
    && fileSize(entry.component.location) <= IN_THREAD_MAX_BYTES;
}

/** The eligible activities `workflow` imports (directly or through its -obelisk-ext functions). */
export function inThreadSpecs(workflow: CatalogEntry, catalog: Catalog): InThreadSpec[] {
  const imported = new Set(workflow.component.imports.map((i) => i.name));
  const specs: InThreadSpec[] = [];
  for (const ffqn of Object.keys(catalog.targetsRecord())) {
    const entry = catalog.resolve(ffqn);
    if (!entry || !inThreadEligible(entry)) continue;
    if (!imported.has(entry.ifc) && !imported.has(extensionInterfaceName(entry.ifc, '-obelisk-ext'))) continue;
    const cfg = entry.component.config as ActivityWasmConfig; // eligible: an activity_wasm
    specs.push({
      ...describeAttempt(entry).spec,
      policy: { maxRetries: cfg.maxRetries, retryExpBackoffMs: cfg.retryExpBackoffMs, retryOnErr: cfg.retryOnErr },
      errIsVariant: errIsVariant(entry.fn),
    });
  }
  return specs;
}
