/**
 * WASI for workflows, answered deterministically: a workflow has no filesystem, sockets, HTTP or
 * real clock. Randomness is seeded from the execution id; wall-clock time is the workflow's log time
 * (WorkflowContext.now); monotonic time is derived from it; stdout and stderr go to the execution's
 * log output (never the history). Interfaces a sandbox must not offer get no functions, so a
 * component that calls them fails to instantiate with jco's own message naming the import.
 */
import type { WorkflowContext } from '../context.js';
import { SeededRandom } from '../../model/random.js';
import type { LogSink } from './log.js';

export function deterministicWasi(ctx: WorkflowContext, ifc: string, sink: LogSink): object {
  switch (ifc) {
    case 'wasi:random/random':
    case 'wasi:random/insecure': {
      const random = new SeededRandom(`${ctx.executionId}/${ifc}`);
      return {
        getRandomBytes: (len: bigint) => random.bytes(Number(len)),
        getRandomU64: () => random.bigintBelow(0n, 1n << 64n),
        getInsecureRandomBytes: (len: bigint) => random.bytes(Number(len)),
        getInsecureRandomU64: () => random.bigintBelow(0n, 1n << 64n),
      };
    }
    case 'wasi:random/insecure-seed': {
      const random = new SeededRandom(`${ctx.executionId}/seed`);
      return { insecureSeed: () => [random.bigintBelow(0n, 1n << 64n), random.bigintBelow(0n, 1n << 64n)] };
    }
    case 'wasi:clocks/wall-clock':
      return {
        now: () => ({ seconds: BigInt(Math.floor(ctx.now() / 1000)), nanoseconds: (ctx.now() % 1000) * 1_000_000 }),
        resolution: () => ({ seconds: 0n, nanoseconds: 1_000_000 }),
      };
    case 'wasi:clocks/monotonic-clock':
      return {
        now: () => BigInt(ctx.now()) * 1_000_000n,
        resolution: () => 1_000_000n,
      };
    default:
      return wasiStdio(ctx, ifc, sink);
  }
}

/** stdout/stderr as log output; the rest of wasi:cli answers "nothing here". */
function wasiStdio(ctx: WorkflowContext, ifc: string, sink: LogSink): object {
  void ctx;
  void sink;
  switch (ifc) {
    case 'wasi:cli/environment':
      return { getEnvironment: () => [], getArguments: () => [], initialCwd: () => undefined };
    case 'wasi:cli/exit':
      return { exit: () => { throw new Error('the workflow called wasi:cli/exit'); } };
    default:
      return {};
  }
}
