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
 */
import { Worker, MessageChannel, type MessagePort } from 'node:worker_threads';
import type { InboxMessage } from '../../model/events.js';
import type { FromWorker, HotRunRequest, Resume } from './protocol.js';
import { workerScript } from './worker-script.js';

export interface HotRunHandlers {
  /** The workflow waits; persist the events, then call run.resume(...) or run.interrupt(). */
  onBlocked(m: Extract<FromWorker, { type: 'blocked' }>, run: HotRun): void;
  onLog?(level: string, message: string, atMs: number, position?: [number, number]): void;
}

export interface HotRun {
  resume(messages: InboxMessage[], nowMs?: number): void;
  interrupt(): void;
}

class HotWorker {
  readonly worker: Worker;
  readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly syncPort: MessagePort;
  busy = false;
  /** The targets object this worker was last sent (a structured clone of the catalog costs about a millisecond). */
  targets: object | undefined;

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
  private readonly script = workerScript(import.meta.url, './workflow-worker.ts');

  constructor(readonly size: number) {}

  /** True when a worker is free (or may be started) for another hot workflow. */
  hasRoom(): boolean {
    return this.idle.length > 0 || this.all.size < this.size;
  }

  run(request: HotRunRequest, handlers: HotRunHandlers): Promise<Extract<FromWorker, { type: 'done' }>['result']> {
    const w = this.idle.pop() ?? this.spawn();
    w.busy = true;
    return new Promise((resolve, reject) => {
      let answered = true;
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
      };
      const onMessage = (m: FromWorker) => {
        switch (m.type) {
          case 'blocked':
            answered = false;
            handlers.onBlocked(m, run);
            break;
          case 'log':
            handlers.onLog?.(m.level, m.message, m.atMs, m.position);
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
      const sameTargets = request.targets !== undefined && request.targets === w.targets;
      w.targets = request.targets ?? w.targets;
      const { targets, ...rest } = request;
      w.worker.postMessage({ type: 'run', request: sameTargets ? rest : { ...rest, ...(targets ? { targets } : {}) } });
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
