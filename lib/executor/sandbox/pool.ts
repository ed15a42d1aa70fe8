/**
 * The sandboxed activity runner: a pool of worker threads sized to the cores. Each attempt runs in
 * a fresh instance in a free worker; a worker that runs past the attempt's timeout is terminated
 * (which stops even an infinite loop) and replaced, and the attempt is reported as timed out.
 *
 * Invariants:
 *  1. One attempt runs per worker at a time (more may wait behind it, handed over early); its
 *     output is attributed to that attempt only, and its time limit starts when it begins.
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
import type { FromSandbox, ToSandbox } from './protocol.js';
import { describeAttempt, type Described } from './spec.js';

interface Queued {
  described: Described;
  params: JsonValue[];
  limits: AttemptLimits;
  done(r: AttemptResult): void;
}

interface Running {
  item: Queued;
  /** Started when the attempt begins in the worker (not while it waits behind another). */
  timer: NodeJS.Timeout | undefined;
  announceStart: boolean;
  /** When it began (performance.now()), for the component's recent durations. */
  beganAt?: number;
}

/** Loading a component into a fresh worker (compiling its core modules) is not part of an attempt's time. */
const LOAD_TIMEOUT_MS = 60_000;
/**
 * Attempts handed to one worker at a time: the one running and those waiting behind it, so the
 * worker starts the next without waiting for the executor's thread to hand it over. Attempts of a
 * component that runs short (its recent attempts under SHORT_MS) wait up to five deep: a fan-out of
 * trivial activities otherwise leaves the workers idle between hand-offs. Others wait one deep, so
 * a long attempt holds back at most one other (a timed-out worker's waiting attempts are queued
 * again for the other workers).
 */
const PIPELINE = 2;
const PIPELINE_SHORT = 6;
const SHORT_MS = 2;

class Slot {
  readonly worker: Worker;
  /** The attempt running first, then the one waiting behind it in the worker. */
  readonly running: Running[] = [];
  /** Components (digest and memory limit) this worker has loaded: their attempts need no `started` message. */
  readonly loaded = new Set<string>();
  /** Spec keys this worker has been sent. */
  readonly specs = new Set<string>();
  constructor(script: string, private readonly onDead: (s: Slot, why: string) => void, onResult: (s: Slot, m: FromSandbox) => void) {
    this.worker = new Worker(script, { stdout: true, stderr: true });
    this.worker.unref();
    // The worker flushes an attempt's output before its result: output belongs to the first attempt.
    this.worker.stdout.on('data', (d: Buffer) => this.running[0]?.item.limits.output?.('stdout', d.toString()));
    this.worker.stderr.on('data', (d: Buffer) => this.running[0]?.item.limits.output?.('stderr', d.toString()));
    this.worker.on('message', (m: FromSandbox) => onResult(this, m));
    this.worker.on('error', (e) => this.onDead(this, e.message));
    this.worker.on('exit', (code) => this.onDead(this, `the sandbox worker exited with code ${code}`));
  }
}

export class SandboxPool implements ActivityRunner {
  private readonly slots = new Set<Slot>();
  private readonly queue: Queued[] = [];
  private readonly script = workerScript(import.meta.url, './activity-worker.ts');
  private closed = false;

  constructor(readonly size: number = os.availableParallelism()) {}

  run(entry: CatalogEntry, params: JsonValue[], limits: AttemptLimits): Promise<AttemptResult> {
    const described = describeAttempt(entry);
    return new Promise((done) => {
      this.queue.push({ described, params, limits, done });
      this.pump();
    });
  }

  /** By component: a moving average of its attempts' durations, from begin to result, in ms. */
  private readonly recentMs = new Map<string, number>();
  private depth(component: string): number {
    const ms = this.recentMs.get(component);
    return ms !== undefined && ms < SHORT_MS ? PIPELINE_SHORT : PIPELINE;
  }

  private measured(r: Running): void {
    if (r.beganAt === undefined || r.announceStart) return; // loading is not the component's pace
    const { component } = r.item.described;
    const ms = performance.now() - r.beganAt;
    const before = this.recentMs.get(component);
    this.recentMs.set(component, before === undefined ? ms : before * 0.8 + ms * 0.2);
  }

  /** A free worker, else a new one, else one running a single attempt of a component it has loaded. */
  private slotFor(component: string): Slot | undefined {
    let behind: Slot | undefined;
    for (const s of this.slots) {
      if (s.running.length === 0) return s;
      if (!behind && s.running.length < this.depth(component) && s.loaded.has(component) && s.running.every((r) => !r.announceStart)) behind = s;
    }
    if (this.slots.size < this.size) return this.spawn();
    return behind;
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const item = this.queue[0]!;
      const { described: { spec, key, component }, params } = item;
      const slot = this.slotFor(component);
      if (!slot) return;
      this.queue.shift();
      const sendSpec = !slot.specs.has(key);
      slot.specs.add(key);
      const announceStart = !slot.loaded.has(component);
      slot.loaded.add(component);
      const r: Running = { item, timer: undefined, announceStart };
      slot.running.push(r);
      if (slot.running.length === 1) this.begin(slot, r);
      slot.worker.postMessage({ type: 'attempt', job: { key, ...(sendSpec ? { spec } : {}), params, announceStart } } satisfies ToSandbox);
    }
  }

  /**
   * The attempt begins in the worker: its time counts from here. A component the worker loaded
   * before starts at once (no `started` message); otherwise loading gets its own, longer limit.
   */
  private begin(slot: Slot, r: Running): void {
    r.beganAt = performance.now();
    r.timer = r.announceStart
      ? setTimeout(() => this.kill(slot, { kind: 'trapped', reason: `the activity did not load within ${LOAD_TIMEOUT_MS} ms` }), LOAD_TIMEOUT_MS)
      : setTimeout(() => this.kill(slot, { kind: 'timed-out' }), r.item.limits.timeoutMs);
  }

  private spawn(): Slot {
    const slot = new Slot(this.script, (s, why) => this.kill(s, { kind: 'trapped', reason: `activity trapped: ${why}` }), (s, m) => {
      const cur = s.running[0];
      if (!cur) return;
      clearTimeout(cur.timer);
      if (m.type === 'started') {
        cur.timer = setTimeout(() => this.kill(s, { kind: 'timed-out' }), cur.item.limits.timeoutMs);
        return;
      }
      s.running.shift();
      this.measured(cur);
      if (s.running[0]) this.begin(s, s.running[0]);
      cur.item.done(m.result);
      this.pump();
    });
    this.slots.add(slot);
    return slot;
  }

  /** Ends the slot's running attempt with `result` and replaces the worker; an attempt waiting behind it goes back to the queue. */
  private kill(slot: Slot, result: AttemptResult): void {
    if (!this.slots.delete(slot)) return;
    void slot.worker.terminate();
    const [cur, ...waiting] = slot.running.splice(0);
    this.queue.unshift(...waiting.map((w) => w.item));
    if (cur) {
      clearTimeout(cur.timer);
      this.measured(cur);
      cur.item.done(result);
    }
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.done({ kind: 'trapped', reason: 'the executor is shutting down' });
    await Promise.all([...this.slots].map((s) => s.worker.terminate()));
    this.slots.clear();
  }
}
