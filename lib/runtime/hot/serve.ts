/**
 * A workflow worker thread: runs workflows with the "await" strategy. On a blocking join-next with no
 * response, it sends the events recorded so far to the main thread and blocks on Atomics.wait until
 * the main thread answers with responses (the instance stays hot), with `interrupt` (the run ends
 * as blocked, exactly as under the interrupt strategy), or with `attempt`: run the awaited child's
 * attempt here, in this thread, and go on with its result (InThreadAttempts, given by the entry that
 * starts it: lib/executor/sandbox/workflow-entry.ts gives one; ./workflow-entry.ts none).
 */
import { parentPort, workerData, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { runWorkflow, SuspendSignal, type WorkflowComponent } from '../workflow-run.js';
import { jcoCodec, type Targets } from '../host/values.js';
import type { FromWorker, HotRunRequest, InThreadAttempts, Resume, ToWorker } from './protocol.js';
import { loadWorkflowComponent } from './component-cache.js';

/** Serves runs sent to this worker thread, one at a time. */
export function serveWorkflows(inThread?: InThreadAttempts): void {
  const { signal: signalBuffer, syncPort } = workerData as { signal: SharedArrayBuffer; syncPort: MessagePort };
  // [0]: the main thread answered; [1]: in-thread attempts ended; [2]: begun; [3]: hold; [4]: jobs
  // ended; bytes 24-31: when the last attempt began (epoch ms). The main thread's time limit reads
  // the attempts; it holds the worker after a job while it renews the lease (hot-workflow.ts).
  const signal = new Int32Array(signalBuffer, 0, 5);
  const began = new Float64Array(signalBuffer, 24, 1);
  const progress = {
    began: () => {
      began[0] = Date.now();
      Atomics.add(signal, 2, 1);
    },
    ended: () => void Atomics.add(signal, 1, 1),
  };
  /** The report of the in-thread attempt the workflow went on with: sent with the next message, not one of its own. */
  let report: unknown;
  const post = (m: FromWorker) => {
    if (report !== undefined && (m.type === 'blocked' || m.type === 'done')) {
      m.attempted = report;
      report = undefined;
    }
    parentPort!.postMessage(m);
  };

  /** Blocks this thread until the main thread answers. */
  function waitForAnswer(): Resume {
    for (;;) {
      Atomics.wait(signal, 0, 0);
      Atomics.store(signal, 0, 0);
      const got = receiveMessageOnPort(syncPort);
      if (got) return got.message as Resume;
    }
  }

  /** The catalog's functions as last sent (the executor sends them again only when they change); one
   *  object while they stay the same, so a workflow instance can be renewed for the next run. */
  let targets: Targets = { resolve: () => undefined };

  async function run(req: HotRunRequest): Promise<void> {
    report = undefined;
    const component: WorkflowComponent = await loadWorkflowComponent(req.component);
    if (req.inThread !== undefined) await inThread?.prepare(req.inThread);
    let nowMs = req.fixedNowMs;
    const clock = { now: () => nowMs ?? Date.now() };
    if (req.targets) {
      const record = req.targets;
      targets = { resolve: (ffqn) => record[ffqn] };
    }
    const result = await runWorkflow({
      executionId: req.executionId, created: req.created, history: req.history, logLength: req.logLength, inbox: req.inbox,
      component, ifc: req.ifc, fn: req.fn, targets, codec: jcoCodec, clock,
      log: (level, message, atMs, position) => post({ type: 'log', level, message, atMs, ...(position ? { position } : {}) }),
      onBlock: (ctx, joinSetId, waitingFor) => {
        const { events, effects } = ctx.takePending();
        const until = ctx.nextDelayExpiry();
        post({ type: 'blocked', events, effects, joinSetId, ...(until === undefined ? {} : { until }), ...(waitingFor ? { waitingFor } : {}) });
        // The main thread now writes what was recorded: meanwhile, get an instance ready for the child it may ask this thread to run.
        if (inThread && effects.length > 0) inThread.warm(effects);
        for (;;) {
          const answer = waitForAnswer();
          if (answer.type === 'interrupt') throw new SuspendSignal(joinSetId, waitingFor);
          if (answer.nowMs !== undefined && req.fixedNowMs !== undefined) nowMs = answer.nowMs;
          if (answer.type === 'responses') {
            ctx.addResponses(answer.messages);
            return;
          }
          const ran = inThread!.run(answer.job, clock.now, progress);
          Atomics.add(signal, 4, 1);
          // Held: the main thread is writing a lease renewal, which must come before anything recorded from here on.
          while (Atomics.load(signal, 3) !== 0) Atomics.wait(signal, 3, 1, 100);
          if (ran.responses.length > 0) {
            report = ran.report;
            ctx.addResponses(ran.responses);
            return;
          }
          post({ type: 'attempted', report: ran.report });
        }
      },
    });
    post({ type: 'done', result });
  }

  parentPort!.on('message', (m: ToWorker) => {
    run(m.request).catch((e: unknown) => post({ type: 'crashed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
  });
}

