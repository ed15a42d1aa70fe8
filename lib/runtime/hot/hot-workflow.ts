/**
 * The main-thread side of the "await" strategy: a pool of workflow workers, each running one
 * workflow at a time and kept hot while it waits for responses.
 *
 * Invariants:
 *  1. A worker's run produces exactly the events a fresh interrupt-strategy run would (the same
 *     WorkflowContext answers every call); `blocked` hands over what was recorded so far.
 *  2. After `blocked`, the worker waits until resume() or interrupt() is called once; an interrupted
 *     run ends with a `done` result of status blocked and the worker becomes idle again.
 *  3. A crashed worker is replaced; its run is reported as crashed, never silently lost.
 *  4. An in-thread job (HotRun.attempt) is reported exactly once, by an `attempted` message (the
 *     workflow got no response from it and waits) or with the worker's next `blocked` or `done`,
 *     before anything the workflow did after it; or it is ended by abort(), which terminates the
 *     worker (the only way to stop a guest that runs past its time limit) and ends the run with
 *     the result the caller gives; nothing more is heard from it.
 */
import { Worker, MessageChannel, type MessagePort } from 'node:worker_threads';
import type { InboxMessage } from '../../model/events.js';
import type { FromWorker, HotRunRequest, Resume } from './protocol.js';
import type { RunResult } from '../workflow-run.js';
import { workerScript } from './worker-script.js';

export interface HotRunHandlers {
  /** The workflow waits; persist the events, then call run.resume(...) or run.interrupt(). */
  onBlocked(m: Extract<FromWorker, { type: 'blocked' }>, run: HotRun): void;
  onLog?(level: string, message: string, atMs: number, position?: [number, number]): void;
  /**
   * An in-thread attempt's report. `waiting`: the workflow got no response from it and waits for
   * resume(...) or interrupt() again; otherwise it went on, and this comes just before the message
   * it sent next (blocked or done).
   */
  onAttempted?(report: unknown, waiting: boolean, run: HotRun): void;
}

export interface HotRun {
  resume(messages: InboxMessage[], nowMs?: number): void;
  interrupt(): void;
  /** Answers a block: run these attempts in the worker's thread (InThreadAttempts), then go on. */
  attempt(job: unknown, nowMs?: number): void;
  /** Terminates the worker; the run ends with `result` (invariant 4). */
  abort(result: RunResult): void;
  /**
   * The worker's in-thread attempts so far (their reports may not have come yet): how many began,
   * how many ended, and when the last one began (epoch ms).
   */
  attempts(): { begun: number; ended: number; lastBegan: number };
  /**
   * Keeps the worker, inside the current in-thread job, from going on after it until release():
   * true if the job had not ended (the worker records nothing meanwhile), false otherwise.
   */
  hold(): boolean;
  release(): void;
}

class HotWorker {
  readonly worker: Worker;
  /**
   * [0]: an answer is waiting (Atomics.notify); [1]: in-thread attempts the worker ended; [2]:
   * begun; [3]: hold (the worker does not go on after a job while it is 1); [4]: jobs ended.
   */
  readonly signal = new Int32Array(new SharedArrayBuffer(32), 0, 5);
  /** When the worker's last in-thread attempt began (epoch ms). */
  readonly began = new Float64Array(this.signal.buffer, 24, 1);
  private readonly syncPort: MessagePort;
  busy = false;
  /** The targets object this worker was last sent (a structured clone of the catalog costs about a millisecond). */
  targets: object | undefined;
  /** The in-thread data this worker was last sent (it keeps what it prepared). */
  inThread: unknown;

  constructor(script: string) {
    const { port1, port2 } = new MessageChannel();
    this.syncPort = port1;
    this.worker = new Worker(script, { workerData: { signal: this.signal.buffer, syncPort: port2 }, transferList: [port2] });
    this.worker.unref();
  }

  answer(m: Resume): void {
    this.syncPort.postMessage(m);
    Atomics.store(this.signal, 0, 1);
    Atomics.notify(this.signal, 0);
  }
}

export class HotWorkflowPool {
  private readonly idle: HotWorker[] = [];
  private readonly all = new Set<HotWorker>();
  /** @param script the worker entry: by default one without in-thread attempts (./workflow-entry.ts) */
  constructor(readonly size: number, private readonly script = workerScript(import.meta.url, './workflow-entry.ts')) {}

  /** True when a worker is free (or may be started) for another hot workflow. */
  hasRoom(): boolean {
    return this.idle.length > 0 || this.all.size < this.size;
  }

  run(request: HotRunRequest, handlers: HotRunHandlers): Promise<RunResult> {
    const w = this.idle.pop() ?? this.spawn();
    w.busy = true;
    return new Promise((resolve, reject) => {
      let answered = true;
      /** Jobs the worker had ended when the current one was sent. */
      let jobsAtStart = 0;
      const run: HotRun = {
        resume: (messages, nowMs) => {
          if (answered) return;
          answered = true;
          w.answer({ type: 'responses', messages, ...(nowMs === undefined ? {} : { nowMs }) });
        },
        interrupt: () => {
          if (answered) return;
          answered = true;
          w.answer({ type: 'interrupt' });
        },
        attempt: (job, nowMs) => {
          if (answered) return;
          answered = true;
          jobsAtStart = Atomics.load(w.signal, 4);
          w.answer({ type: 'attempt', job, ...(nowMs === undefined ? {} : { nowMs }) });
        },
        // Begun is read first: an attempt counted begun has its time written.
        attempts: () => {
          const begun = Atomics.load(w.signal, 2);
          return { begun, ended: Atomics.load(w.signal, 1), lastBegan: w.began[0]! };
        },
        // Seq-cst on both sides: either this sees the job ended, or the worker sees the hold.
        hold: () => {
          Atomics.store(w.signal, 3, 1);
          if (Atomics.load(w.signal, 4) === jobsAtStart) return true;
          run.release();
          return false;
        },
        release: () => {
          Atomics.store(w.signal, 3, 0);
          Atomics.notify(w.signal, 3);
        },
        abort: (result) => {
          if (!this.all.has(w)) return;
          cleanup();
          this.discard(w);
          resolve(result);
        },
      };
      const onMessage = (m: FromWorker) => {
        if ((m.type === 'blocked' || m.type === 'done') && m.attempted !== undefined) handlers.onAttempted?.(m.attempted, false, run);
        switch (m.type) {
          case 'blocked':
            answered = false;
            handlers.onBlocked(m, run);
            break;
          case 'log':
            handlers.onLog?.(m.level, m.message, m.atMs, m.position);
            break;
          case 'attempted':
            answered = false;
            handlers.onAttempted?.(m.report, true, run);
            break;
          case 'done':
            cleanup();
            w.busy = false;
            this.idle.push(w);
            resolve(m.result);
            break;
          case 'crashed':
            cleanup();
            this.discard(w);
            reject(new Error(`workflow worker crashed: ${m.message}`));
            break;
        }
      };
      const onError = (e: Error) => {
        cleanup();
        this.discard(w);
        reject(e);
      };
      const cleanup = () => {
        w.worker.off('message', onMessage);
        w.worker.off('error', onError);
      };
      w.worker.on('message', onMessage);
      w.worker.on('error', onError);
      // What the worker was sent before and keeps is not sent again.
      const { targets, inThread, ...rest } = request;
      const sendTargets = targets !== undefined && targets !== w.targets;
      const sendInThread = inThread !== undefined && inThread !== w.inThread;
      w.targets = targets ?? w.targets;
      w.inThread = inThread ?? w.inThread;
      w.worker.postMessage({ type: 'run', request: { ...rest, ...(sendTargets ? { targets } : {}), ...(sendInThread ? { inThread } : {}) } });
    });
  }

  private spawn(): HotWorker {
    const w = new HotWorker(this.script);
    this.all.add(w);
    return w;
  }

  private discard(w: HotWorker): void {
    this.all.delete(w);
    void w.worker.terminate();
  }

  async close(): Promise<void> {
    await Promise.all([...this.all].map((w) => w.worker.terminate()));
    this.all.clear();
    this.idle.length = 0;
  }
}
