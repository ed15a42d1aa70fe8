/**
 * One step of a workflow under the "await" strategy: the workflow runs in a worker and stays hot
 * while it waits. Each time it blocks, what it recorded is persisted (effects first), the lease is
 * renewed, and then either the children it waits for alone run in its own thread
 * (in-thread-policy.ts), or the wait is parked until a response arrives (offered by whoever
 * delivers it in this process, by a delay's timer, or found by polling the inbox) or until the
 * lease would run out (then interrupted).
 *
 * Invariants:
 *  1. The worker's messages are handled one after another, in order (`persisted`): a block's
 *     effects and lines are written before it is answered, and a report before what followed it.
 *  2. A worker waiting for an answer always gets one: if persisting fails (the lease was taken
 *     over, the disk refused), the run is interrupted.
 */
import type { Created, InboxMessage, LogEvent } from '../model/events.js';
import type { ExecutionId } from '../model/ids.js';
import type { Lease } from '../store/index.js';
import type { Effect, RecordedEvent } from '../runtime/context.js';
import type { RunResult } from '../runtime/workflow-run.js';
import type { HotRun } from '../runtime/hot/hot-workflow.js';
import type { FromWorker, HotRunRequest } from '../runtime/hot/protocol.js';
import type { TargetInfo } from '../runtime/host/values.js';
import type { CatalogEntry } from './catalog.js';
import type { EngineDeps, StepOutcome } from './engine.js';
import type { OutputTarget } from './attempt.js';
import { messageKey, type HotWaits } from './hot-waits.js';
import type { Signal } from './signal.js';
import { InlineChildren } from './inline-children.js';
import type { InThreadPlan, InThreadPolicy } from './in-thread-policy.js';
import type { InThreadJobReport } from './sandbox/protocol.js';

/** What a hot step needs of the engine. */
export interface HotStepHost {
  readonly deps: EngineDeps;
  readonly hotWaits: HotWaits;
  readonly workSignal: Signal;
  readonly inThread: InThreadPolicy | undefined;
  targets(): Record<string, TargetInfo>;
  inlineStepped(o: StepOutcome): void;
  forward(id: ExecutionId, stream: 'stdout' | 'stderr', target: OutputTarget, text: string): void;
  applyEffects(parent: ExecutionId, effects: Effect[], inline?: InlineChildren): Promise<void>;
  deliverDueDelays(id: ExecutionId, events: LogEvent[], inbox: InboxMessage[]): Promise<InboxMessage[]>;
}

export class HotStep {
  private readonly id: ExecutionId;
  private readonly leaseMs: number;
  /** The log as this step knows it (the lease's events, then what the run recorded). */
  private readonly events: LogEvent[];
  /** Responses the workflow has been given. */
  private readonly seen: Set<string>;
  private readonly inline: InlineChildren | undefined;
  private readonly plan: InThreadPlan | undefined;
  /** The worker's messages, handled in order (invariant 1). */
  private persisted = Promise.resolve();
  /** The run's next delay expiry, as its last block said. */
  private until: number | undefined;

  constructor(
    private readonly host: HotStepHost, private readonly lease: Lease, private readonly created: Created,
    private readonly entry: CatalogEntry, private readonly inbox: InboxMessage[], private readonly history: RecordedEvent[],
  ) {
    const { deps } = host;
    this.id = lease.id as ExecutionId;
    const cfg = entry.component.config;
    this.leaseMs = cfg.kind === 'workflow' ? cfg.exec.lockExpiryMs : 1000;
    this.events = [...lease.events];
    this.seen = new Set(inbox.map(messageKey));
    this.plan = host.inThread?.planFor(entry);
    this.inline = deps.inlineActivities === false ? undefined : new InlineChildren({
      store: deps.store, catalog: deps.catalog, clock: deps.clock, random: deps.random, activities: deps.activities, hotWaits: host.hotWaits,
      forward: (child) => (stream, target, text) => host.forward(child, stream, target, text),
      stepped: (o) => host.inlineStepped(o),
    }, lease, this.leaseMs);
  }

  /** Runs the workflow until it finishes or its run ends blocked; the caller persists the end. */
  async run(): Promise<{ run: RunResult; inline: InlineChildren | undefined }> {
    const { deps, hotWaits } = this.host;
    const { id, entry } = this;
    const request: HotRunRequest = {
      executionId: id, created: this.created, history: this.history, logLength: this.lease.events.length, inbox: this.inbox,
      component: { location: entry.component.location, cacheDir: entry.component.cacheDir, digest: entry.component.digest },
      ifc: entry.ifc, fn: entry.fn, targets: this.host.targets(),
      ...(deps.simulatedClock ? { fixedNowMs: deps.clock.now() } : {}),
      ...(this.plan ? { inThread: this.plan.data } : {}),
    };
    const log = deps.logSink?.(id);
    hotWaits.started(id);
    try {
      const run = await deps.hot!.run(request, {
        onLog: (level, message, atMs, position) => log?.(level as never, message, atMs, position),
        onBlocked: (m, hotRun) => this.handle(hotRun, () => this.blocked(m, hotRun)),
        onAttempted: (report, waiting, hotRun) => this.handle(hotRun, () => this.attempted(report as InThreadJobReport, waiting, hotRun)),
      });
      await this.persisted;
      return { run, inline: this.inline };
    } finally {
      hotWaits.ended(id);
      this.inline?.abandon();
    }
  }

  /** Invariants 1 and 2. */
  private handle(hotRun: HotRun, step: () => Promise<void>): void {
    this.persisted = this.persisted.then(step).catch(() => {
      this.host.hotWaits.interrupt(this.id);
      hotRun.interrupt();
    });
  }

  private async blocked(m: Extract<FromWorker, { type: 'blocked' }>, hotRun: HotRun): Promise<void> {
    const { host, lease, inline, id } = this;
    const { clock } = host.deps;
    if (m.effects.length) lease.assertHeld(); // a stale run (taken over while it ran) creates nothing
    const { children, rest } = inline ? inline.partition(m.effects) : { children: [], rest: m.effects };
    await host.applyEffects(id, rest, inline);
    // Inline children: their first lines, then the parent's that name them, in one fenced write.
    const begun = inline?.begin(children);
    const lines = begun?.lines ?? [];
    if (m.events.length || lines.length) await lease.appendChildren(lines, m.events);
    const quiet = inline !== undefined && inline.running === 0 && !host.hotWaits.hasBuffered(id);
    const here = this.plan && begun ? host.inThread!.choose(this.plan, begun.begun, m.joinSetId, quiet) : undefined;
    if (!here) begun?.start();
    this.events.push(...m.events);
    // New due work comes only from effects applied the usual way: an inline child is this step's own.
    if (rest.length) host.workSignal.notify();
    // Renew only when the lease is half spent: each renewal is a `locked` line in the log.
    if (lease.expiresAtMs - clock.now() < this.leaseMs / 2) await lease.renew(this.leaseMs);
    this.until = m.until;
    if (!here) return this.park(hotRun);
    // The workflow's worker runs the children's attempts and goes on; past a time limit it is
    // terminated and the run ends blocked, as if interrupted (it replays when due again).
    const job = inline!.startInThread(here, {
      attempts: () => hotRun.attempts(),
      hold: () => hotRun.hold(),
      release: () => hotRun.release(),
      abort: (timedOut) => {
        host.inThread!.timedOut(timedOut.fx.ffqn);
        hotRun.abort({
          status: 'blocked', joinSetId: m.joinSetId, events: [], effects: [],
          ...(m.until === undefined ? {} : { until: m.until }), ...(m.waitingFor ? { waitingFor: m.waitingFor } : {}),
        });
      },
    });
    hotRun.attempt(job, clock.now());
  }

  private async attempted(report: InThreadJobReport, waiting: boolean, hotRun: HotRun): Promise<void> {
    this.host.inThread!.measured(report);
    const responses = await this.inline!.endInThread(report);
    // The workflow has these responses, or is given them now: polling must not offer them again.
    for (const r of responses) this.seen.add(messageKey(r));
    if (!waiting) return;
    // The worker could not go on (its attempts are retried, or it could not run them): answer it as usual.
    if (responses.length > 0) hotRun.resume(responses, this.host.deps.clock.now());
    else await this.park(hotRun);
  }

  /** Parks the run until a response comes, or until the lease would run out. */
  private async park(hotRun: HotRun): Promise<void> {
    const { host, lease, inline, id, leaseMs, until } = this;
    const { hotWaits } = host;
    const { clock } = host.deps;
    // Responses delivered in this process while the workflow ran were buffered: park offers them.
    const wait = hotWaits.park(id, hotRun, this.seen);
    host.workSignal.notify();
    if (wait.settled) return; // resumed at once from the buffer: nothing to wait for
    // Give the lease back before it runs out, unless inline children run (their answer is near, and they keep it renewed).
    const giveBack = (): void => {
      if (inline?.running) wait.timers.push(setTimeout(giveBack, Math.max(1, leaseMs * 0.8)).unref());
      else hotWaits.interrupt(id);
    };
    wait.timers.push(setTimeout(giveBack, Math.max(1, leaseMs * 0.8)).unref());
    // Delays coming due, and responses written by other processes, are looked for on the disk.
    const check = async () => {
      const inbox = await lease.readInbox();
      const due = await host.deliverDueDelays(id, this.events, inbox);
      hotWaits.offer(id, [...inbox, ...due], clock.now());
    };
    const checkLater = (ms: number) => setTimeout(() => void check().catch(() => hotWaits.interrupt(id)), ms).unref();
    if (until !== undefined) wait.timers.push(checkLater(Math.max(0, until - clock.now())));
    wait.timers.push(setInterval(() => void check().catch(() => hotWaits.interrupt(id)), 100).unref());
    if (until !== undefined && until <= clock.now()) await check();
  }
}
