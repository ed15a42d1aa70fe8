// The workflow: replayed from its execution log after a crash or a wait, so it must be
// deterministic. Date.now(), Math.random() and crypto.getRandomValues() are (the log answers them);
// the network and the file system are not reachable. Child executions, awaits and sleeps go through
// `obelisk/workflow`, which records where in this file each one happened (`obelisk execution events --json`).
import { awaitNext, call, createJoinSet, submit } from 'obelisk/workflow';
import type * as FiboWorkflow from 'template-fibo:workflow/fibo-workflow-ifc';

const FIBO = 'template-fibo:activity/fibo-activity-ifc.fibo';

/** The activity's u64 as the JSON result carries it (a number, or a BigInt beyond 2^53). */
function u64(value: unknown): bigint {
  if (typeof value === 'bigint' || typeof value === 'number') return BigInt(value);
  throw new Error(`fibo returned ${String(value)}, expected a number`);
}

export const fiboWorkflowIfc: typeof FiboWorkflow = {
  fiboa(n, iterations) {
    let last = 0n;
    for (let i = 0; i < iterations; i++) {
      const result = call(FIBO, [n]);
      if ('err' in result) throw new Error(`fibo(${n}) failed`);
      last = u64(result.ok);
    }
    return last;
  },

  fiboaConcurrent(n, iterations) {
    const joinSet = createJoinSet();
    for (let i = 0; i < iterations; i++) submit(joinSet, FIBO, [n]);
    let last = 0n;
    for (let i = 0; i < iterations; i++) {
      const { result } = awaitNext(joinSet);
      if ('err' in result) throw new Error(`fibo(${n}) failed`);
      last = u64(result.ok);
    }
    return last;
  },
};
