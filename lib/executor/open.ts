/**
 * Opens an engine from a configuration: loads every component (transpile cache), checks that every
 * workflow's imports can be answered, opens the store. Nothing runs on an invalid configuration.
 */
import os from 'node:os';
import type { Config, ComponentConfig } from '../config/types.js';
import { ComponentRegistry, type FunctionEntry } from '../component/registry.js';
import { ExecutionStore } from '../store/index.js';
import { outputSink } from '../store/output.js';
import { asWorkflowComponent } from '../runtime/hot/component-cache.js';
import { assertSatisfiable } from '../runtime/host/imports.js';
import { jcoCodec, type TargetInfo } from '../runtime/host/values.js';
import { HotWorkflowPool } from '../runtime/hot/hot-workflow.js';
import { workerScript } from '../runtime/hot/worker-script.js';
import { systemClock, type Clock } from '../model/time.js';
import { systemRandom, type Random } from '../model/random.js';
import { BugError } from '../model/errors.js';
import type { Catalog, CatalogEntry, ExecutableComponent } from './catalog.js';
import { Engine, type EngineDeps } from './engine.js';
import type { ActivityRunner } from './activity-runner.js';
import { SandboxPool } from './sandbox/pool.js';

const KIND: Record<ComponentConfig['kind'], TargetInfo['kind']> = { activity_wasm: 'activity', activity_stub: 'stub', workflow: 'workflow' };

export function catalogOf(registry: ComponentRegistry, config: Pick<Config, 'components' | 'cacheDir'>): Catalog {
  const byName = new Map(config.components.map((c) => [c.name, c]));
  const executables = new Map<string, ExecutableComponent>();
  const executable = (e: FunctionEntry): ExecutableComponent => {
    let x = executables.get(e.component.name);
    if (!x) {
      const loaded = e.component.loaded;
      const cfg = byName.get(e.component.name);
      if (!cfg) throw new BugError(`component ${e.component.name} is not in the configuration`);
      const wc = loaded ? asWorkflowComponent(loaded) : undefined;
      x = {
        name: e.component.name, digest: e.component.digest, location: e.component.location, cacheDir: config.cacheDir, config: cfg,
        imports: wc?.imports ?? [],
        instantiate: (imports) => {
          if (!wc) throw new BugError(`component ${e.component.name} is a stub and cannot run`);
          return wc.instantiate(imports);
        },
      };
      executables.set(e.component.name, x);
    }
    return x;
  };
  const entries = new Map<string, CatalogEntry | undefined>();
  const catalog: Catalog = {
    resolve(ffqn) {
      if (entries.has(ffqn)) return entries.get(ffqn);
      const e = registry.find(ffqn);
      const entry = e && { ffqn: e.ffqn, fn: e.fn, ifc: e.ifc, kind: KIND[e.component.kind], component: executable(e) };
      entries.set(ffqn, entry);
      return entry;
    },
    closest: (ffqn) => registry.closest(ffqn),
    targetsRecord() {
      const out: Record<string, TargetInfo> = {};
      for (const e of registry.functions()) out[e.ffqn] = { ffqn: e.ffqn, fn: e.fn, kind: KIND[e.component.kind] };
      return out;
    },
  };
  return catalog;
}

export interface OpenOptions {
  clock?: Clock;
  random?: Random;
  /** Run workflows with the await strategy in worker threads (tick, server). Default true. */
  hotWorkers?: number;
  activities?: ActivityRunner;
  /** The host's own streams, for `forward_stdout = "stdout"` and the like (the CLI passes its own). */
  hostOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
  /** Run activity children of hot workflows inline (engine.ts, EngineDeps). Default true. */
  inlineActivities?: boolean;
  /** Run an inline child its parent waits for alone in the parent's worker thread (engine.ts, EngineDeps). Default: true unless `activities` is given. */
  inThreadAttempts?: boolean;
  /** See EngineDeps. */
  inThreadFanOutMs?: number;
}

export async function openEngine(config: Config, opts: OpenOptions = {}): Promise<Engine> {
  const registry = await ComponentRegistry.load(config.components, { cacheDir: config.cacheDir });
  const catalog = catalogOf(registry, config);
  for (const c of registry.components()) {
    if (c.kind === 'workflow' && c.loaded) assertSatisfiable(c.name, { targets: catalog }, c.types.imports);
  }
  const clock = opts.clock ?? systemClock;
  const store = await ExecutionStore.open({ root: config.stateDir, durability: config.durability, clock });
  // A parked hot workflow holds a thread that waits (Atomics.wait) and about 4 MiB; a workflow that
  // finds no free worker runs with the interrupt strategy instead (a fresh instance per step).
  // Measured on 2 cores, 1,000 roots at once: 4 workers 234 roots/s, 16 workers 422 (+52 MiB).
  const hotWorkers = opts.hotWorkers ?? Math.min(64, Math.max(8, os.availableParallelism() * 8));
  const deps: EngineDeps = {
    store, catalog, codec: jcoCodec, clock, random: opts.random ?? systemRandom,
    activities: opts.activities ?? new SandboxPool(),
    ...(hotWorkers > 0 ? { hot: new HotWorkflowPool(hotWorkers, workerScript(import.meta.url, './sandbox/workflow-entry.ts')) } : {}),
    // A runner given by the caller (a test's, the harness's) sees every attempt, unless the caller asks otherwise.
    ...((opts.inThreadAttempts ?? opts.activities === undefined) ? { inThreadAttempts: true } : {}),
    ...(opts.inThreadFanOutMs === undefined ? {} : { inThreadFanOutMs: opts.inThreadFanOutMs }),
    simulatedClock: clock !== systemClock,
    logSink: (id) => outputSink(store.root, id),
    ...(opts.hostOutput ? { hostOutput: opts.hostOutput } : {}),
    ...(opts.inlineActivities === false ? { inlineActivities: false } : {}),
  };
  return new Engine(deps);
}
