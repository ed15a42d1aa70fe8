/**
 * The sandboxed activity runner: a pool of worker threads sized to the cores. Each attempt runs in
 * a fresh instance in a free worker; a worker that runs past the attempt's timeout is terminated
 * (which stops even an infinite loop) and replaced, and the attempt is reported as timed out.
 *
 * Invariants:
 *  1. One attempt per worker at a time; its output is attributed to that attempt only.
 *  2. Every attempt ends with exactly one AttemptResult: returned, trapped (including a worker that
 *     died), or timed out. Nothing a guest does can crash the executor.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { JsonValue } from '../../model/json.js';
import { workerScript } from '../../runtime/hot/worker-script.js';
import type { ActivityRunner, AttemptLimits } from '../activity-runner.js';
import type { CatalogEntry } from '../catalog.js';
import type { AttemptResult } from '../retry.js';
import type { AttemptSpec, FromSandbox, ToSandbox } from './protocol.js';

interface Running {
  done(r: AttemptResult): void;
  output?: AttemptLimits['output'];
  timer: NodeJS.Timeout;
  timeoutMs: number;
}

/** Loading a component into a fresh worker (compiling its core modules) is not part of an attempt's time. */
const LOAD_TIMEOUT_MS = 60_000;

class Slot {
  readonly worker: Worker;
  current: Running | undefined;
  /** Components (digest and memory limit) this worker has loaded: their attempts need no `started` message. */
  readonly loaded = new Set<string>();
  /** Spec keys this worker has been sent. */
  readonly specs = new Set<string>();
  constructor(script: string, private readonly onDead: (s: Slot, why: string) => void, onResult: (s: Slot, m: FromSandbox) => void) {
    this.worker = new Worker(script, { stdout: true, stderr: true });
    this.worker.unref();
    this.worker.stdout.on('data', (d: Buffer) => this.current?.output?.('stdout', d.toString()));
    this.worker.stderr.on('data', (d: Buffer) => this.current?.output?.('stderr', d.toString()));
    this.worker.on('message', (m: FromSandbox) => onResult(this, m));
    this.worker.on('error', (e) => this.onDead(this, e.message));
    this.worker.on('exit', (code) => this.onDead(this, `the sandbox worker exited with code ${code}`));
  }
}

export class SandboxPool implements ActivityRunner {
  private readonly slots = new Set<Slot>();
  private readonly idle: Slot[] = [];
  private readonly queue: { spec: AttemptSpec; params: JsonValue[]; limits: AttemptLimits; done(r: AttemptResult): void }[] = [];
  private readonly script = workerScript(import.meta.url, './activity-worker.ts');
  private closed = false;

  constructor(readonly size: number = os.availableParallelism()) {}

  run(entry: CatalogEntry, params: JsonValue[], limits: AttemptLimits): Promise<AttemptResult> {
    const cfg = entry.component.config;
    const spec: AttemptSpec = {
      ffqn: entry.ffqn, ifc: entry.ifc, fn: entry.fn, location: entry.component.location, cacheDir: entry.component.cacheDir,
      digest: entry.component.digest,
      env: cfg.kind === 'activity_wasm' ? [...cfg.envVars] : [],
      allowedHosts: cfg.kind === 'activity_wasm' ? [...cfg.allowedHosts] : [],
      memoryLimitBytes: cfg.kind === 'activity_wasm' ? cfg.memoryLimitBytes : 512 * 1024 * 1024,
    };
    return new Promise((done) => {
      this.queue.push({ spec, params, limits, done });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const slot = this.idle.pop() ?? (this.slots.size < this.size ? this.spawn() : undefined);
      if (!slot) return;
      const { spec, params, limits, done } = this.queue.shift()!;
      const component = `${spec.digest}\0${spec.memoryLimitBytes}`;
      // The spec's parts that the config may differ in between components of the same file.
      const key = `${component}\0${spec.ffqn}\0${spec.location}\0${JSON.stringify([spec.env, spec.allowedHosts])}`;
      const sendSpec = !slot.specs.has(key);
      slot.specs.add(key);
      const announceStart = !slot.loaded.has(component);
      slot.loaded.add(component);
      // A component the worker loaded before starts at once: the attempt's time counts from here (one message less per attempt).
      const timer = announceStart
        ? setTimeout(() => this.kill(slot, { kind: 'trapped', reason: `the activity did not load within ${LOAD_TIMEOUT_MS} ms` }), LOAD_TIMEOUT_MS)
        : setTimeout(() => this.kill(slot, { kind: 'timed-out' }), limits.timeoutMs);
      slot.current = { done, timer, timeoutMs: limits.timeoutMs, ...(limits.output ? { output: limits.output } : {}) };
      slot.worker.postMessage({ type: 'attempt', job: { key, ...(sendSpec ? { spec } : {}), params, announceStart } } satisfies ToSandbox);
    }
  }

  private spawn(): Slot {
    const slot = new Slot(this.script, (s, why) => this.kill(s, { kind: 'trapped', reason: `activity trapped: ${why}` }), (s, m) => {
      const cur = s.current;
      if (!cur) return;
      clearTimeout(cur.timer);
      if (m.type === 'started') {
        cur.timer = setTimeout(() => this.kill(s, { kind: 'timed-out' }), cur.timeoutMs);
        return;
      }
      s.current = undefined;
      this.idle.push(s);
      cur.done(m.result);
      this.pump();
    });
    this.slots.add(slot);
    return slot;
  }

  /** Ends the slot's attempt with `result` and replaces the worker. */
  private kill(slot: Slot, result: AttemptResult): void {
    if (!this.slots.delete(slot)) return;
    const cur = slot.current;
    slot.current = undefined;
    const i = this.idle.indexOf(slot);
    if (i >= 0) this.idle.splice(i, 1);
    void slot.worker.terminate();
    if (cur) {
      clearTimeout(cur.timer);
      cur.done(result);
    }
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.done({ kind: 'trapped', reason: 'the executor is shutting down' });
    await Promise.all([...this.slots].map((s) => s.worker.terminate()));
    this.slots.clear();
    this.idle.length = 0;
  }
}
