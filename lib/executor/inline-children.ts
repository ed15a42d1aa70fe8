/**
 * Inline children, the fast path of a hot workflow: an activity child it submits is run by this
 * process at once, under the parent's lease, and recorded in the parent's children.jsonl
 * (lib/store/children.ts) instead of a folder of its own. Its result reaches the parent in memory.
 *
 * Invariants:
 *  1. A child's `created` and `locked` lines are written before its attempt starts, in the same
 *     fenced batch as (and before) the parent's lines that name it.
 *  2. A child's `finished` line is written before, or in the same batch as, the parent's line
 *     that consumes its response.
 *  3. The parent's lease is not given back while an attempt runs: drain() waits for them all,
 *     and the lease is renewed meanwhile, but only while no `locked` line can come between what
 *     the parent's worker recorded and its writing (its times would then go backwards): while the
 *     parent is parked, or while its worker is held inside an in-thread job.
 *  4. An attempt that must be retried makes the child an execution of its own, with its lines
 *     so far; the usual machinery runs it from then on and nothing more is written here for it.
 *  5. A holder that lost the parent's lease writes nothing more (the lease fences every write);
 *     the next holder turns what was left unfinished into executions (ExecutionStore.lease).
 *  6. Children run in the parent's own worker thread (startInThread) are recorded from their
 *     reports exactly as pooled attempts' results are; the parent went on with the outcomes the
 *     same decision (retry.ts, same policy) gives, and its next lines come after the reports (one
 *     port, in order), so invariant 2 holds. Such children get no cancel: their parent is busy
 *     running them.
 */
import type { Created, InboxMessage, LogEvent, Locked, Outcome } from '../model/events.js';
import { newRunId, type ExecutionId } from '../model/ids.js';
import type { Clock } from '../model/time.js';
import { isoTime, parseIsoTime } from '../model/time.js';
import type { Random } from '../model/random.js';
import type { ChildLine, ExecutionStore, Lease } from '../store/index.js';
import type { Effect } from '../runtime/context.js';
import type { ActivityRunner } from './activity-runner.js';
import type { Catalog, CatalogEntry } from './catalog.js';
import type { HotWaits } from './hot-waits.js';
import { decideAttempt, routeOutput, runAttempt, type AttemptOutcome, type Forward } from './attempt.js';
import { outcomeOf, type Decision } from './retry.js';
import type { InThreadJob, InThreadJobReport } from './sandbox/protocol.js';
import type { StepOutcome } from './engine.js';

type CreateChild = Extract<Effect, { type: 'create-child' }>;

/** An activity attempt's time limit (its lease). */
const timeoutOf = (entry: CatalogEntry): number => {
  const cfg = entry.component.config;
  return cfg.kind === 'activity_wasm' ? cfg.exec.lockExpiryMs : 1000;
};

/** What the holder sees of and does to the worker running an in-thread job (runtime/hot/hot-workflow.ts, HotRun). */
export interface InThreadLimit {
  attempts(): { begun: number; ended: number; lastBegan: number };
  /** Terminates the worker: `timedOut` ran past its limit. */
  abort(timedOut: Begun): void;
  /** Keeps the worker from going on after the job until release(); false when the job is over already. */
  hold(): boolean;
  release(): void;
}

/** A child whose first lines were made by begin(). */
export interface Begun {
  fx: CreateChild;
  entry: CatalogEntry;
  created: Created;
  locked: Locked;
}

/** How long a child's `finished` line may wait for the parent's next write to take it along. */
const FLUSH_AFTER_MS = 5;

export interface InlineDeps {
  store: ExecutionStore;
  catalog: Catalog;
  clock: Clock;
  random: Random;
  activities: ActivityRunner;
  hotWaits: HotWaits;
  /** Where a child's output goes (by its component's forward settings). */
  forward(id: ExecutionId): Forward;
  /** Told how each attempt ended: finished, or a retry (the child became an execution of its own). */
  stepped(o: StepOutcome): void;
}

export class InlineChildren {
  private readonly inflight = new Map<ExecutionId, Promise<void>>();
  private pending: ChildLine[] = [];
  private readonly cancelled = new Set<ExecutionId>();
  /** Every child this holder started. */
  private readonly started = new Set<ExecutionId>();
  /** Children in children.jsonl when this lease began (read once: only this holder writes it now). */
  private recorded: ReadonlySet<ExecutionId> | undefined;
  /** No run of the parent before this one (its log: created, then this lease's locked). */
  private readonly firstRun: boolean;
  private flushQueued = false;
  private renewTimer: NodeJS.Timeout | undefined;
  /** The children running in the parent's workflow worker now, if any (startInThread). */
  private inThread: { children: readonly Begun[]; byId: ReadonlyMap<string, Begun>; limit: InThreadLimit; timer: NodeJS.Timeout | undefined; resolve(): void } | undefined;

  constructor(private readonly deps: InlineDeps, private readonly lease: Lease, private readonly leaseMs: number) {
    this.firstRun = lease.events.filter((e) => e.type === 'locked').length === 1;
  }

  /** Attempts running now. */
  get running(): number {
    return this.inflight.size;
  }

  /** The effects of one block: the children run inline, and the rest (applied the usual way). */
  partition(effects: readonly Effect[]): { children: CreateChild[]; rest: Effect[] } {
    const children: CreateChild[] = [];
    const rest: Effect[] = [];
    for (const fx of effects) {
      if (this.accepts(fx)) children.push(fx);
      else rest.push(fx);
    }
    return { children, rest };
  }

  /**
   * Whether this child is run inline: an activity (not a stub, not a workflow) that nobody
   * created before (an earlier run may have, before it crashed: then create() finds it).
   */
  private accepts(fx: Effect): fx is CreateChild {
    if (fx.type !== 'create-child' || this.deps.hotWaits.stopping) return false;
    const entry = this.deps.catalog.resolve(fx.ffqn);
    if (entry?.component.config.kind !== 'activity_wasm') return false;
    this.recorded ??= new Set(this.lease.readChildren().logs.keys());
    if (this.recorded.has(fx.id) || this.started.has(fx.id)) return false;
    // A folder can exist only if an earlier run created it (then crashed before its log named it).
    return this.firstRun || !this.deps.store.hasLog(fx.id);
  }

  /**
   * The lines to write, before the parent's, for children about to start (invariant 1), after the
   * `finished` lines not written yet. Call start() once they are written.
   */
  begin(children: readonly CreateChild[]): { lines: ChildLine[]; begun: Begun[]; start(): void } {
    const { clock, random, catalog } = this.deps;
    const now = clock.now();
    const at = isoTime(now);
    const lines = this.takePending();
    const begun: Begun[] = [];
    for (const fx of children) {
      const entry = catalog.resolve(fx.ffqn)!;
      const timeoutMs = timeoutOf(entry);
      const created: Created = {
        type: 'created', at, ffqn: fx.ffqn, params: fx.params, scheduled_at: at,
        parent: { execution_id: this.lease.id, join_set_id: fx.joinSetId }, component_digest: entry.component.digest,
      };
      const locked: Locked = { type: 'locked', at, run_id: newRunId(now, random), lease_expires_at: isoTime(now + timeoutMs), component_digest: entry.component.digest };
      lines.push({ id: fx.id, event: created }, { id: fx.id, event: locked });
      begun.push({ fx, entry, created, locked });
    }
    return {
      lines,
      begun,
      start: () => {
        for (const b of begun) this.track(b.fx.id, this.attempt(b));
      },
    };
  }

  /**
   * Instead of start(): the children begun run in the parent's workflow worker, one after another
   * (engine.ts, sandbox/in-thread.ts), which goes on with their results; the reports come to
   * endInThread with the worker's next message. An attempt still running when its activity's time
   * limit is up makes `limit.abort` terminate the worker: that attempt is recorded as timed out,
   * and every other child of the job without a result becomes an execution of its own with its
   * lines so far, run again the usual way (the reports of those that ended went with the worker).
   */
  startInThread(children: readonly Begun[], limit: InThreadLimit): InThreadJob {
    const base = limit.attempts();
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const cur: NonNullable<typeof this.inThread> = { children, byId: new Map(children.map((c) => [c.fx.id, c])), limit, timer: undefined, resolve };
    const check = (): void => {
      if (this.inThread !== cur) return;
      const now = Date.now();
      const { begun, ended, lastBegan } = limit.attempts();
      const i = ended - base.ended;
      // All ended in time: their reports come with the worker's next message; the lease needs no more renewing for them.
      if (i >= children.length) return resolve();
      const limitMs = timeoutOf(children[i]!.entry);
      const running = begun - base.begun > i;
      if (!running || now < lastBegan + limitMs) {
        cur.timer = setTimeout(check, running ? lastBegan + limitMs - now + 1 : limitMs);
        return;
      }
      this.inThread = undefined;
      limit.abort(children[i]!);
      void this.abandonJob(children, i).catch(() => undefined).finally(resolve);
    };
    cur.timer = setTimeout(check, timeoutOf(children[0]!.entry));
    this.inThread = cur;
    for (const c of children) this.track(c.fx.id, done);
    return { attempts: children.map((c) => ({ ffqn: c.fx.ffqn, childId: c.fx.id, joinSetId: c.fx.joinSetId, params: c.fx.params })) };
  }

  /** The job's worker was stopped while child `running` ran: it timed out; the others without a result run again on their own. */
  private async abandonJob(children: readonly Begun[], running: number): Promise<void> {
    const { decision } = decideAttempt(children[running]!.entry, { kind: 'timed-out' }, 0);
    await this.settle(children[running]!, decision, {}, this.deps.clock.now(), false);
    for (const [i, c] of children.entries()) {
      if (i === running) continue;
      await this.deps.store.create(c.fx.id, c.created, [c.locked], { fromInline: true });
    }
    if (children.length > 1) this.deps.stepped({ status: 'retry', failure: 'the attempts run with a timed-out one are run again' });
  }

  /**
   * The in-thread job's report: each attempt's output routed, its outcome recorded as for any
   * attempt, the children it did not run started in the pool. Returns the responses the outcomes
   * make (the worker went on with the same ones when it could).
   */
  async endInThread({ reports, skipped }: InThreadJobReport): Promise<InboxMessage[]> {
    const cur = this.inThread;
    if (!cur) return [];
    clearTimeout(cur.timer);
    this.inThread = undefined;
    // The job stopped early: the children it did not run go to the pool.
    for (const id of skipped) {
      const child = cur.byId.get(id);
      if (child) this.track(child.fx.id, this.attempt(child));
    }
    const responses: InboxMessage[] = [];
    try {
      for (const report of reports) {
        const child = cur.byId.get(report.childId);
        if (!child) continue;
        const { fx, entry } = child;
        const out = routeOutput(entry, this.deps.forward(fx.id));
        if (report.stdout) out.write('stdout', report.stdout);
        if (report.stderr) out.write('stderr', report.stderr);
        out.end();
        const { decision, traces } = decideAttempt(entry, report.result, 0);
        const outcome = await this.settle(child, decision, traces, parseIsoTime(report.at), false);
        if (outcome) responses.push({ type: 'child-finished', at: report.at, join_set_id: fx.joinSetId, child_execution_id: fx.id, ...outcome });
      }
    } finally {
      cur.resolve();
    }
    return responses;
  }

  /** The parent's run ended without a report (its worker crashed): nothing more is recorded for the in-thread child (invariant 5). */
  abandon(): void {
    const cur = this.inThread;
    if (!cur) return;
    clearTimeout(cur.timer);
    this.inThread = undefined;
    cur.resolve();
  }

  /** `finished` lines recorded but not written yet (the caller writes them before its own lines). */
  takePending(): ChildLine[] {
    return this.pending.splice(0);
  }

  /**
   * A cancel request for `id`: true when this holder ran it inline (still running, it finishes
   * as cancelled; finished, there is nothing to cancel). False: deliver it the usual way.
   */
  cancel(id: ExecutionId): boolean {
    if (!this.started.has(id)) return false;
    if (this.inflight.has(id)) this.cancelled.add(id);
    return true;
  }

  /** Waits for every running attempt (invariant 3); returns the lines the caller must write first. */
  async drain(): Promise<ChildLine[]> {
    while (this.inflight.size > 0) await Promise.all(this.inflight.values());
    return this.takePending();
  }

  private track(id: ExecutionId, p: Promise<void>): void {
    this.started.add(id);
    this.inflight.set(id, p);
    this.renewTimer ??= setInterval(() => {
      if (this.lease.expiresAtMs - this.deps.clock.now() < this.leaseMs / 2) void this.renew().catch(() => undefined);
    }, Math.max(1, this.leaseMs / 4)).unref();
    void p.finally(() => {
      if (this.inflight.get(id) === p) this.inflight.delete(id);
      if (this.inflight.size === 0 && this.renewTimer) {
        clearInterval(this.renewTimer);
        this.renewTimer = undefined;
      }
    });
  }

  /** Invariant 3: renews unless the parent's worker runs on (its next block renews the lease). */
  private async renew(): Promise<void> {
    if (this.deps.hotWaits.isParked(this.lease.id)) return this.lease.renew(this.leaseMs);
    const cur = this.inThread;
    if (!cur?.limit.hold()) return;
    try {
      await this.lease.renew(this.leaseMs);
    } finally {
      cur.limit.release();
    }
  }

  private async attempt(child: Begun): Promise<void> {
    try {
      const { decision, traces } = await runAttempt(this.deps.activities, child.entry, child.fx.params, 0, this.deps.forward(child.fx.id));
      await this.settle(child, decision, traces, this.deps.clock.now(), true);
    } catch {
      // The parent's lease was lost, or the disk refused: the parent's next write fails too, and
      // the next holder runs what was left unfinished (invariant 5).
    }
  }

  /**
   * Records how an attempt ended: a retry makes the child an execution of its own (invariant 4);
   * a final outcome is a `finished` line written soon, and (with `offer`) a response offered to
   * the parked parent. Returns the outcome, or undefined for a retry.
   */
  private async settle(child: Begun, decision: Decision, traces: AttemptOutcome['traces'], now: number, offer: boolean): Promise<Outcome | undefined> {
    const { fx, created, locked } = child;
    const at = isoTime(now);
    let outcome: Outcome;
    if (this.cancelled.has(fx.id)) {
      outcome = { failure: { kind: 'cancelled', reason: 'cancel requested while the attempt ran' } };
    } else if (decision.kind === 'retry') {
      const backoff = isoTime(now + decision.backoffMs);
      const failed: LogEvent = decision.timedOut
        ? { type: 'temporarily-timed-out', at, run_id: locked.run_id, backoff_expires_at: backoff, ...traces }
        : { type: 'temporarily-failed', at, run_id: locked.run_id, backoff_expires_at: backoff, reason: decision.reason, ...(decision.detail ? { detail: decision.detail } : {}), ...traces };
      // Invariant 4: recorded here first (under the parent's fence), then an execution of its own.
      await this.lease.appendChildren([...this.takePending(), { id: fx.id, event: failed }]);
      await this.deps.store.create(fx.id, created, [locked, failed], { fromInline: true });
      this.deps.stepped({ status: 'retry', failure: decision.reason });
      return undefined;
    } else {
      outcome = outcomeOf(decision);
    }
    this.pending.push({ id: fx.id, event: { type: 'finished', at, run_id: locked.run_id, ...outcome, ...traces } });
    this.queueFlush();
    this.deps.stepped({ status: 'finished', outcome });
    if (offer) this.deps.hotWaits.offer(this.lease.id, [{ type: 'child-finished', at, join_set_id: fx.joinSetId, child_execution_id: fx.id, ...outcome }], now);
    return outcome;
  }

  /**
   * Writes `finished` lines soon, batched: a result is on the disk within a few milliseconds even
   * if the parent does not write meanwhile; usually its next write (which takes them along) comes first.
   */
  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setTimeout(() => {
      this.flushQueued = false;
      const lines = this.takePending();
      if (lines.length > 0) void this.lease.appendChildren(lines).catch(() => undefined);
    }, FLUSH_AFTER_MS);
  }
}
