/**
 * `--follow`: wait until an execution finishes, reporting each change of its status.
 *
 * The status changes are read from the execution's log (each lifecycle line is one), so none is
 * missed however fast they happen, and it works the same whoever advances the execution:
 *  - a server runs on the state folder (it holds server.lock): only watch, polling the log;
 *  - none runs: advance it here, with `tick` passes over the due work (which takes the execution's
 *    children, retries and parents along), watching the log while a pass runs; between passes, sleep
 *    until the execution or one of its unfinished descendants is next due (a retry backoff, a delay,
 *    an expired lease of a crashed holder), at most MAX_WAIT_MS so a server started meanwhile, or a
 *    response delivered from outside (a stub), is noticed.
 * Interrupting the process is safe at any point: what it held is found again when its lease runs out.
 */
import os from 'node:os';
import type { Engine } from '../../../executor/engine.js';
import { tick } from '../../../executor/tick.js';
import { isServerRunning } from '../../../executor/server-lock.js';
import type { ExecutionStore, ExecutionRecord } from '../../../store/index.js';
import { dueTimeOf } from '../../../store/index.js';
import { NotFoundError } from '../../../model/errors.js';
import { parseExecutionId, type ExecutionId } from '../../../model/ids.js';
import type { Clock } from '../../../model/time.js';
import { changesStatus, isLifecycleEvent, statusAfter, type Status } from '../../render/summary.js';
import type { Config } from '../../../config/types.js';
import type { CommandContext } from '../../command.js';
import { jsonLine } from '../../render/format.js';
import { statusJsonLine, statusLine } from '../../render/status.js';
import { readExecution, type LazyEngine } from './open.js';

const POLL_MS = 100;
const MIN_WAIT_MS = 20;
const MAX_WAIT_MS = 1000;
/** Nothing in the execution's tree is due at any time: it waits for something from outside. */
const IDLE_WAIT_MS = 500;

export interface FollowOptions {
  store: ExecutionStore;
  stateDir: string;
  clock: Clock;
  /** The engine that advances the execution when no server runs; called when first needed. */
  engine(): Promise<Engine>;
  /** Budget of one tick pass (config.tick.maxDurationMs). */
  tickMaxDurationMs: number;
  /** 'all' (default): report every status from `created` on; 'current': the status now, then each change. */
  from?: 'all' | 'current';
  /** A status, with the time the execution was created (for durations). */
  onStatus(status: Status, createdAt: string): void;
  /** A step of this execution or one of its descendants failed unexpectedly (reported once per message). */
  onWarning(message: string): void;
}

/** Resolves with the execution's record once its log ends with `finished`. */
export async function follow(id: ExecutionId, opts: FollowOptions): Promise<ExecutionRecord> {
  const { store, clock } = opts;
  const onlyNew = opts.from === 'current';
  let current: Status | undefined;
  let seen = 0;
  let first = true;

  const observeNow = async (): Promise<ExecutionRecord | undefined> => {
    const record = await readExecution(store, id);
    const { events } = record;
    const createdAt = events[0]!.at;
    for (; seen < events.length; seen++) {
      const e = events[seen]!;
      if (!isLifecycleEvent(e) || !changesStatus(current, e)) continue;
      current = statusAfter(e, seen + 1);
      if (!(first && onlyNew)) opts.onStatus(current, createdAt);
    }
    if (first && onlyNew && current) opts.onStatus(current, createdAt);
    first = false;
    return events.at(-1)?.type === 'finished' ? record : undefined;
  };
  // Polls during a tick pass and the loop's own reads must not interleave: one at a time.
  let chain: Promise<ExecutionRecord | undefined> = Promise.resolve(undefined);
  const observe = () => (chain = chain.catch(() => undefined).then(observeNow));

  const warned = new Set<string>();
  for (;;) {
    const done = await observe();
    if (done) return done;
    if (await isServerRunning(opts.stateDir)) {
      await sleep(POLL_MS * 2);
      continue;
    }
    const engine = await opts.engine();
    // The pass stops taking new work once the execution has finished: its result is all we wait for.
    const finishedNow = new AbortController();
    const timer = setInterval(() => void observe().then((r) => r && finishedNow.abort(), () => undefined), POLL_MS);
    let summary;
    try {
      summary = await tick(engine, {
        maxDurationMs: opts.tickMaxDurationMs, concurrency: Math.max(2, os.availableParallelism()), signal: finishedNow.signal,
      });
    } finally {
      clearInterval(timer);
    }
    for (const e of summary.errors) {
      const text = `${e.id}: ${e.message}`;
      if (inTree(id, e.id) && !warned.has(text)) {
        warned.add(text);
        opts.onWarning(text);
      }
    }
    const finished = await observe();
    if (finished) return finished;
    const next = await nextDueMs(store, id, clock.now());
    await sleep(next === undefined ? IDLE_WAIT_MS : Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, next - clock.now())));
  }
}

function inTree(root: ExecutionId, id: string): boolean {
  return id === root || id.startsWith(`${root}.`);
}

/** The earliest time the execution or one of its unfinished descendants is due; undefined when none waits for a time. */
export async function nextDueMs(store: ExecutionStore, root: ExecutionId, nowMs: number): Promise<number | undefined> {
  let best: number | undefined;
  const stack: ExecutionId[] = [root];
  while (stack.length > 0) {
    const id = stack.pop()!;
    let record: ExecutionRecord;
    try {
      record = await store.read(id);
    } catch (e) {
      if (e instanceof NotFoundError) continue;
      throw e;
    }
    const t = dueTimeOf(record.events, record.inbox, nowMs);
    if (t !== undefined) best = best === undefined ? t : Math.min(best, t);
    if (record.events.at(-1)?.type === 'finished') continue;
    for (const e of record.events) if (e.type === 'child-requested') stack.push(parseExecutionId(e.child_execution_id));
  }
  return best;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Follows `id`, printing each status (a line of text, or a JSON object per line with --json). */
export async function followPrinting(
  ctx: CommandContext, config: Config, store: ExecutionStore, id: ExecutionId, engine: LazyEngine, from: 'all' | 'current',
): Promise<ExecutionRecord> {
  const { io } = ctx;
  return follow(id, {
    store, stateDir: config.stateDir, clock: ctx.clock, engine: engine.get, tickMaxDurationMs: config.tick.maxDurationMs, from,
    onStatus: (status, createdAt) => io.out(ctx.json ? jsonLine(statusJsonLine(id, status, createdAt)) : statusLine(status, io.style)),
    onWarning: (message) => io.err(`${io.errStyle.yellow('warning:')} ${message}\n`),
  });
}
