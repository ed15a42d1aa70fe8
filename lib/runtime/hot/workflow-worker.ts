/**
 * Worker thread entry: runs workflows with the "await" strategy. On a blocking join-next with no
 * response, it sends the events recorded so far to the main thread and blocks on Atomics.wait until
 * the main thread answers with responses (the instance stays hot) or with `interrupt` (the run ends
 * as blocked, exactly as under the interrupt strategy).
 */
import { parentPort, workerData, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { runWorkflow, SuspendSignal, type WorkflowComponent } from '../workflow-run.js';
import { jcoCodec, type Targets } from '../host/values.js';
import type { FromWorker, HotRunRequest, Resume, ToWorker } from './protocol.js';
import { loadWorkflowComponent } from './component-cache.js';

const { signal: signalBuffer, syncPort } = workerData as { signal: SharedArrayBuffer; syncPort: MessagePort };
const signal = new Int32Array(signalBuffer);
const post = (m: FromWorker) => parentPort!.postMessage(m);

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
  const component: WorkflowComponent = await loadWorkflowComponent(req.component);
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
      post({ type: 'blocked', events, effects, joinSetId, ...(until === undefined ? {} : { until }) });
      const answer = waitForAnswer();
      if (answer.type === 'interrupt') throw new SuspendSignal(joinSetId, waitingFor);
      if (answer.nowMs !== undefined && req.fixedNowMs !== undefined) nowMs = answer.nowMs;
      ctx.addResponses(answer.messages);
    },
  });
  post({ type: 'done', result });
}

parentPort!.on('message', (m: ToWorker) => {
  run(m.request).catch((e: unknown) => post({ type: 'crashed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
});
