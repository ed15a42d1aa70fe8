/**
 * One pass over due work, for cron and systemd timers: advance every due execution, and keep going
 * with the work that creates (children, retries whose backoff passed, parents woken by responses)
 * until nothing is due or the time budget is spent. Several ticks may overlap: leases keep each
 * execution with one process; an execution another process holds is left to it.
 */
import type { ExecutionId } from '../model/ids.js';
import type { Engine, StepOutcome } from './engine.js';

export interface TickOptions {
  /** Stop taking new work after this long (ms). */
  maxDurationMs: number;
  /** How many executions advance at once. */
  concurrency: number;
  /** Stop taking new work when aborted (SIGINT/SIGTERM); what is running finishes. */
  signal?: AbortSignal;
  /** Real elapsed time, for the budget (the engine's clock may be simulated). */
  elapsed?: () => number;
}

export interface TickSummary {
  advanced: number;
  finishedOk: number;
  finishedErr: number;
  failed: number;
  retried: number;
  blocked: number;
  /** Held by another process, or not runnable here (a stub, an unconfigured function). */
  skipped: number;
  /** Executions whose step threw (a corrupt log, an unreadable file): each with its message. */
  errors: { id: ExecutionId; message: string }[];
  /** Whether work was still due when the tick stopped (time budget or signal). */
  stoppedEarly: boolean;
}

export function emptySummary(): TickSummary {
  return { advanced: 0, finishedOk: 0, finishedErr: 0, failed: 0, retried: 0, blocked: 0, skipped: 0, errors: [], stoppedEarly: false };
}

export function count(summary: TickSummary, outcome: StepOutcome | null): void {
  if (!outcome || outcome.status === 'skipped') {
    // A finished execution found again (a leftover wake-up) is housekeeping, not work passed over.
    if (!(outcome?.status === 'skipped' && outcome.reason === 'already finished')) summary.skipped++;
    return;
  }
  summary.advanced++;
  if (outcome.status === 'blocked') summary.blocked++;
  else if (outcome.status === 'retry') summary.retried++;
  else if ('failure' in outcome.outcome) summary.failed++;
  else if ('ok' in outcome.outcome.result) summary.finishedOk++;
  else summary.finishedErr++;
}

/** How many due executions one listing of the due index hands out. */
const BATCH = 256;

export async function tick(engine: Engine, opts: TickOptions): Promise<TickSummary> {
  const started = performance.now();
  const elapsed = opts.elapsed ?? (() => performance.now() - started);
  const summary = emptySummary();
  const inFlight = new Map<ExecutionId, Promise<void>>();
  // An execution that could not be advanced is not retried within this tick: no busy loop.
  const passedOver = new Set<ExecutionId>();
  const { store, clock } = engine.deps;
  let batch: ExecutionId[] = [];
  // Inline children finish within their parent's step: counted as they end.
  const stopCounting = engine.onInlineStep((outcome) => count(summary, outcome));

  const start = (id: ExecutionId) => {
    const p = engine.advance(id).then(
      (outcome) => {
        count(summary, outcome);
        if (!outcome || outcome.status === 'skipped') passedOver.add(id);
      },
      (e: unknown) => {
        summary.errors.push({ id, message: e instanceof Error ? e.message : String(e) });
        passedOver.add(id);
      },
    ).finally(() => inFlight.delete(id));
    inFlight.set(id, p);
  };

  for (;;) {
    if (opts.signal?.aborted || elapsed() >= opts.maxDurationMs) {
      // Parked workflows end their run as blocked now, and so does any that parks from here on.
      engine.hotWaits.stopping = true;
      engine.hotWaits.interruptAll();
      summary.stoppedEarly = (await store.due(clock.now(), 1)).length > 0 || inFlight.size > 0;
      break;
    }
    // A hot workflow parked waiting for responses holds no slot: its children need them.
    const room = opts.concurrency + engine.hotWaits.size - inFlight.size;
    let started = 0;
    if (room > 0) {
      // Listing due/ costs the whole pending set: take a batch, list again when it is used up.
      if (batch.length === 0) batch = await store.due(clock.now(), BATCH + passedOver.size);
      const due: ExecutionId[] = [];
      while (due.length < room && batch.length > 0) {
        const id = batch.shift()!;
        if (!inFlight.has(id) && !passedOver.has(id) && !engine.isBusy(id)) due.push(id);
      }
      for (const id of due) start(id);
      started = due.length;
      if (started === 0 && inFlight.size === 0) {
        // Nothing due now: wait for work falling due within the budget (a retry's backoff, a short
        // delay), else stop.
        const left = opts.maxDurationMs - elapsed();
        const soon = await store.due(clock.now() + left, passedOver.size + 1);
        if (soon.every((id) => passedOver.has(id))) break;
        await sleep(Math.min(20, Math.max(1, left)));
        continue;
      }
    }
    if (started > 0 && inFlight.size < opts.concurrency + engine.hotWaits.size) continue;
    // Wait for a step to end, or for a step still running (a hot workflow) to create work.
    await Promise.race([...inFlight.values(), engine.workSignal.wait(), ...(engine.hotWaits.size > 0 ? [sleep(50)] : [])]);
  }
  await Promise.all(inFlight.values());
  stopCounting();
  engine.hotWaits.stopping = false;
  return summary;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
