/**
 * The executor's core: submit an execution, and advance one due execution by one step under a lease.
 *
 * Invariants:
 *  1. Effects before events: children, scheduled executions, cancel requests and stubs are written
 *     before the parent's log names them, and only after the holder checked it still holds the
 *     lease (a run taken over while it ran creates nothing). A hot workflow's activity children are
 *     inline (inline-children.ts): their lines go in the same fenced write, first.
 *  2. A finishing child's result reaches its parent's inbox: the store delivers it when the lease is
 *     released with `finished`; if the process dies in between, the child is still due (its lease
 *     marker stays), and leasing it again makes the store deliver again (a duplicate is a no-op).
 *  3. Every step ends by releasing the lease with the next state (blocked, retry, finished) and the
 *     time the execution is next due; nothing is held past a step.
 */
import type { Created, HttpTrace, InboxMessage, LogEvent, Outcome, ReturnValue } from '../model/events.js';
import { isHistoryEvent } from '../model/events.js';
import { newExecutionId, newRunId, type ExecutionId, type RunId } from '../model/ids.js';
import type { JsonValue } from '../model/json.js';
import type { Clock } from '../model/time.js';
import { isoTime, parseIsoTime } from '../model/time.js';
import type { Random } from '../model/random.js';
import { NotFoundError } from '../model/errors.js';
import { checkParams } from '../component/codec.js';
import type { ExecutionStore, Lease } from '../store/index.js';
import type { Effect } from '../runtime/context.js';
import { runWorkflow, SuspendSignal, type RunResult } from '../runtime/workflow-run.js';
import type { RecordedEvent } from '../runtime/context.js';
import type { HotWorkflowPool } from '../runtime/hot/hot-workflow.js';
import { HotWaits } from './hot-waits.js';
import { Signal } from './signal.js';
import type { ValueCodec } from '../runtime/host/values.js';
import type { LogSink } from '../runtime/host/log.js';
import type { Catalog, CatalogEntry } from './catalog.js';
import type { ActivityRunner } from './activity-runner.js';
import { runAttempt, type OutputTarget } from './attempt.js';
import { outcomeOf } from './retry.js';
import type { InlineChildren } from './inline-children.js';
import { HotStep, type HotStepHost } from './hot-step.js';
import { InThreadPolicy } from './in-thread-policy.js';

export interface EngineDeps {
  store: ExecutionStore;
  /** Workers for the "await" strategy; without it every workflow runs with "interrupt". */
  hot?: HotWorkflowPool;
  /** Passed to hot workers so they read the same (simulated) time as this process. */
  simulatedClock?: boolean;
  catalog: Catalog;
  codec: ValueCodec;
  clock: Clock;
  random: Random;
  activities: ActivityRunner;
  /** The host's own streams, for `forward_stdout = "stdout"` and the like (given by the CLI). */
  hostOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
  /**
   * Activity children of hot workflows run inline: at once, by this process, recorded in the
   * parent's children.jsonl (inline-children.ts). Default true; false gives every child a folder.
   */
  inlineActivities?: boolean;
  /**
   * Inline children that their hot parent waits for alone run in the parent's workflow worker, in
   * its thread (sandbox/in-thread.ts), when in-thread-policy.ts chooses them. Needs a `hot` pool
   * started with the executor's entry (sandbox/workflow-entry.ts). Default false.
   */
  inThreadAttempts?: boolean;
  /** A fan-out runs in its workflow's thread unless its activities' recent attempts there took this long (ms); 0: never. Default 1 (in-thread-policy.ts). */
  inThreadFanOutMs?: number;
  /** Where workflow log lines and captured output go (outside the history). */
  logSink?: (id: ExecutionId) => LogSink;
}

export type StepOutcome =
  | { status: 'finished'; outcome: Outcome }
  | { status: 'blocked' }
  | { status: 'retry'; failure: string }
  | { status: 'skipped'; reason: string };

export interface SubmitOptions {
  scheduledAtMs?: number;
  id?: ExecutionId;
}

export class Engine {
  readonly hotWaits = new HotWaits();
  /** Notified when new work may be due here: a child created, a response delivered, a workflow parked. */
  readonly workSignal = new Signal();
  private readonly busy = new Set<ExecutionId>();
  private readonly inlineListeners = new Set<(o: StepOutcome) => void>();
  /** Decides which inline children run in their workflow's own thread (absent: none do). */
  private readonly inThread: InThreadPolicy | undefined;

  /** What a hot step uses of this engine (its private parts through closures). */
  private readonly hotHost: HotStepHost;

  constructor(readonly deps: EngineDeps) {
    if (deps.inThreadAttempts && deps.inlineActivities !== false) this.inThread = new InThreadPolicy(deps.catalog, deps.inThreadFanOutMs);
    this.hotHost = {
      deps, hotWaits: this.hotWaits, workSignal: this.workSignal, inThread: this.inThread,
      targets: () => this.targets(),
      inlineStepped: (o) => {
        for (const l of this.inlineListeners) l(o);
        if (o.status === 'retry') this.workSignal.notify();
      },
      forward: (id, stream, target, text) => this.forward(id, stream, target, text),
      applyEffects: (parent, effects, inline) => this.applyEffects(parent, effects, inline),
      deliverDueDelays: (id, events, inbox) => this.deliverDueDelays(id, events, inbox),
    };
  }

  /** Hears how each attempt of an inline child ended (they end inside their parent's step); returns the unsubscribe. */
  onInlineStep(listener: (o: StepOutcome) => void): () => void {
    this.inlineListeners.add(listener);
    return () => this.inlineListeners.delete(listener);
  }

  private targetsCache: ReturnType<Catalog['targetsRecord']> | undefined;
  /** The catalog's functions as plain data, built once (a hot worker is sent it again only when it changes). */
  private targets(): ReturnType<Catalog['targetsRecord']> {
    return (this.targetsCache ??= this.deps.catalog.targetsRecord());
  }

  /** Whether this process is advancing the execution right now (so a tick need not try it). */
  isBusy(id: ExecutionId): boolean {
    return this.busy.has(id);
  }

  /** Checks the function and params, then writes the new execution. Returns its id. */
  async submit(ffqn: string, params: JsonValue[], opts: SubmitOptions = {}): Promise<ExecutionId> {
    const { catalog, clock, random, store } = this.deps;
    const entry = catalog.resolve(ffqn);
    if (!entry) {
      const near = catalog.closest(ffqn);
      throw new NotFoundError(`function ${ffqn} is not exported by any configured component${near.length ? `; did you mean ${near.slice(0, 3).join(' or ')}?` : ''}`);
    }
    checkParams(entry.fn, params);
    const now = clock.now();
    const id = opts.id ?? newExecutionId(now, random);
    await store.create(id, {
      type: 'created', at: isoTime(now), ffqn, params, scheduled_at: isoTime(opts.scheduledAtMs ?? now),
      component_digest: entry.component.digest,
    });
    return id;
  }


  /** Advances one execution by one step, or returns null when another process holds it. */
  async advance(id: ExecutionId): Promise<StepOutcome | null> {
    if (this.busy.has(id)) return null;
    this.busy.add(id);
    try {
      return await this.advanceUnlocked(id);
    } finally {
      this.busy.delete(id);
    }
  }

  private async advanceUnlocked(id: ExecutionId): Promise<StepOutcome | null> {
    const { store, catalog, clock, random } = this.deps;
    const { events } = await store.read(id);
    const created = events[0] as Created;
    if (events.at(-1)?.type === 'finished') {
      // The store redelivers to the parent and clears leftover markers (invariant 2).
      await store.lease(id, { runId: newRunId(clock.now(), random), leaseMs: 1000, componentDigest: created.component_digest });
      return { status: 'skipped', reason: 'already finished' };
    }
    const entry = catalog.resolve(created.ffqn);
    if (!entry) return { status: 'skipped', reason: `function ${created.ffqn} is not configured` };
    if (entry.kind === 'stub') return { status: 'skipped', reason: 'stub activities finish only when stubbed' };
    const cfg = entry.component.config;
    const leaseMs = cfg.kind === 'activity_stub' ? 1000 : cfg.exec.lockExpiryMs;
    const runId = newRunId(clock.now(), random);
    const lease = await store.lease(id, { runId, leaseMs, componentDigest: entry.component.digest });
    if (!lease) return null;
    try {
      const inbox = [...lease.inbox];
      if (inbox.some((m) => m.type === 'cancel-requested')) {
        return await this.finish(lease, runId, created, { failure: { kind: 'cancelled', reason: 'cancel requested' } });
      }
      return entry.kind === 'workflow'
        ? await this.advanceWorkflow(lease, runId, created, entry, inbox)
        : await this.advanceActivity(lease, runId, created, entry);
    } catch (e) {
      // Nothing more is appended; the execution is found again when the lease expires.
      await lease.release().catch(() => undefined);
      throw e;
    }
  }

  private async advanceActivity(lease: Lease, runId: RunId, created: Created, entry: CatalogEntry): Promise<StepOutcome> {
    const failures = lease.events.filter((e) => e.type === 'temporarily-failed' || e.type === 'temporarily-timed-out').length;
    const { decision, traces } = await runAttempt(this.deps.activities, entry, created.params, failures, (stream, target, text) => this.forward(lease.id as ExecutionId, stream, target, text));
    const now = this.deps.clock.now();
    if (decision.kind === 'retry') {
      const backoff = isoTime(now + decision.backoffMs);
      await lease.release(decision.timedOut
        ? { type: 'temporarily-timed-out', at: isoTime(now), run_id: runId, backoff_expires_at: backoff, ...traces }
        : { type: 'temporarily-failed', at: isoTime(now), run_id: runId, backoff_expires_at: backoff, reason: decision.reason, ...(decision.detail ? { detail: decision.detail } : {}), ...traces },
      now + decision.backoffMs);
      return { status: 'retry', failure: decision.reason };
    }
    // A cancel that arrived while the attempt ran wins over its result (best effort: the attempt ran to its end).
    if ((await lease.readInbox()).some((m) => m.type === 'cancel-requested')) {
      return this.finish(lease, runId, created, { failure: { kind: 'cancelled', reason: 'cancel requested while the attempt ran' } }, traces);
    }
    return this.finish(lease, runId, created, outcomeOf(decision), traces);
  }

  private async advanceWorkflow(lease: Lease, runId: RunId, created: Created, entry: CatalogEntry, inbox: InboxMessage[]): Promise<StepOutcome> {
    const { clock } = this.deps;
    const id = lease.id as ExecutionId;
    const history = lease.events.map((event: LogEvent, i: number) => ({ event, index: i + 1 })).filter((r: { event: LogEvent }) => isHistoryEvent(r.event));
    inbox = [...inbox, ...(await this.deliverDueDelays(id, lease.events, inbox))];
    const cfg = entry.component.config;
    if (this.deps.hot && cfg.kind === 'workflow' && cfg.joinNextBlockingStrategy === 'await' && this.deps.hot.hasRoom()) {
      return this.advanceHot(lease, runId, created, entry, inbox, history as RecordedEvent[]);
    }
    const run = await runWorkflow({
      executionId: id, created, history: history as never, logLength: lease.events.length, inbox,
      component: entry.component, ifc: entry.ifc, fn: entry.fn, targets: this.deps.catalog, codec: this.deps.codec, clock,
      log: this.deps.logSink?.(id) ?? (() => undefined),
      onBlock: (_ctx, js, waitingFor) => { throw new SuspendSignal(js, waitingFor); },
    });
    return this.endRun(lease, runId, created, run);
  }

  /** Persists what a run recorded (effects first) and releases the lease with its end state. */
  private async endRun(lease: Lease, runId: RunId, created: Created, run: RunResult, inline?: InlineChildren): Promise<StepOutcome> {
    const id = lease.id as ExecutionId;
    if (run.effects.length) lease.assertHeld();
    await this.applyEffects(id, run.effects, inline);
    const children = inline ? await inline.drain() : [];
    if (run.events.length || children.length) await lease.appendChildren(children, run.events);
    if (run.effects.length) this.workSignal.notify();
    if (run.status === 'finished') return this.finish(lease, runId, created, run.outcome);
    const now = this.deps.clock.now();
    await lease.release({
      type: 'blocked', at: isoTime(now), run_id: runId, join_set_id: run.joinSetId, ...(run.until === undefined ? {} : { until: isoTime(run.until) }),
      ...(run.waitingFor ? { waiting_for: run.waitingFor } : {}),
    }, run.until);
    return { status: 'blocked' };
  }

  /** The "await" strategy (hot-step.ts): the workflow runs in a worker and stays hot while it waits. */
  private async advanceHot(lease: Lease, runId: RunId, created: Created, entry: CatalogEntry, inbox: InboxMessage[], history: RecordedEvent[]): Promise<StepOutcome> {
    const { run, inline } = await new HotStep(this.hotHost, lease, created, entry, inbox, history).run();
    return this.endRun(lease, runId, created, run, inline);
  }

  /** An activity's stdout/stderr, as `forward_stdout`/`forward_stderr` say: stored (db), the host's stream, or dropped. */
  private forward(id: ExecutionId, stream: 'stdout' | 'stderr', target: OutputTarget, text: string): void {
    if (target === 'db') this.deps.logSink?.(id)(stream, text, this.deps.clock.now());
    else if (target !== 'none') this.deps.hostOutput?.(target, text);
  }

  /** Delays whose time has come get their response, written by whoever processes the parent. */
  private async deliverDueDelays(id: ExecutionId, events: LogEvent[], inbox: InboxMessage[]): Promise<InboxMessage[]> {
    const now = this.deps.clock.now();
    const answered = new Set(inbox.map((m) => (m.type === 'delay-finished' ? m.delay_id : '')));
    const out: InboxMessage[] = [];
    for (const e of events) {
      if (e.type !== 'delay-requested' || answered.has(e.delay_id) || parseIsoTime(e.expires_at) > now) continue;
      const msg: InboxMessage = { type: 'delay-finished', at: e.expires_at, join_set_id: e.join_set_id, delay_id: e.delay_id, cancelled: false };
      await this.deps.store.deliver(id, msg);
      out.push(msg);
    }
    return out;
  }

  private async applyEffects(parent: ExecutionId, effects: Effect[], inline?: InlineChildren): Promise<void> {
    const { store, clock, catalog } = this.deps;
    const at = isoTime(clock.now());
    for (const fx of effects) {
      switch (fx.type) {
        case 'create-child':
        case 'schedule': {
          const digest = catalog.resolve(fx.ffqn)?.component.digest ?? 'sha256:unknown';
          await store.create(fx.id, {
            type: 'created', at, ffqn: fx.ffqn, params: fx.params,
            scheduled_at: fx.type === 'schedule' ? fx.scheduledAt : at,
            ...(fx.type === 'create-child' ? { parent: { execution_id: parent, join_set_id: fx.joinSetId } } : { scheduled_by: parent }),
            component_digest: digest,
          });
          break;
        }
        case 'cancel':
          if (!inline?.cancel(fx.id)) await store.deliver(fx.id, { type: 'cancel-requested', at, by: parent });
          break;
        case 'stub':
          await this.stub(fx.id, fx.result);
          break;
      }
    }
  }

  /** Finishes a stub activity execution with a given result (the `stub` command and `-stub`). */
  async stub(id: ExecutionId, result: ReturnValue): Promise<'ok' | 'conflict'> {
    const { store, clock, random } = this.deps;
    const { events } = await store.read(id);
    const last = events.at(-1);
    if (last?.type === 'finished') return JSON.stringify('result' in last ? last.result : null) === JSON.stringify(result) ? 'ok' : 'conflict';
    const runId = newRunId(clock.now(), random);
    const lease = await store.lease(id, { runId, leaseMs: 5000, componentDigest: (events[0] as Created).component_digest });
    if (!lease) return 'conflict';
    await this.finish(lease, runId, events[0] as Created, { result });
    return 'ok';
  }

  /** Invariant 2: the store delivers the result to the parent on release; a hot parent here hears at once. */
  private async finish(lease: Lease, runId: RunId, created: Created, outcome: Outcome, extra: { http_traces?: HttpTrace[] } = {}): Promise<StepOutcome> {
    const now = this.deps.clock.now();
    const at = isoTime(now);
    await lease.release({ type: 'finished', at, run_id: runId, ...outcome, ...extra });
    if (created.parent) {
      this.hotWaits.offer(created.parent.execution_id as ExecutionId, [
        { type: 'child-finished', at, join_set_id: created.parent.join_set_id, child_execution_id: lease.id, ...outcome },
      ], now);
    }
    return { status: 'finished', outcome };
  }
}
