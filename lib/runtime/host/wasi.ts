/**
 * WASI for workflows, answered deterministically. A workflow is replayed from its log, so anything
 * it can read must come out the same on every replay. componentize-js guests import wasi:io
 * (streams, poll, error), wasi:cli (stdin/stdout/stderr, terminal-*, environment, exit), wasi:clocks,
 * wasi:random and wasi:filesystem (types, preopens); every one of them is answered here.
 *
 * Invariants:
 *  1. Randomness is seeded from the execution id (and the interface): a fresh instance of the same
 *     execution draws the same sequence, two executions draw different ones. The host functions
 *     read the run they serve (`deps.ctx`) at each call, so a renewed instance starts a new sequence.
 *  2. Wall-clock time is the workflow's log time (WorkflowContext.now); monotonic time is the same
 *     instant in nanoseconds. Time never moves inside one host call, so every pollable is ready:
 *     a guest timer fires at once instead of waiting on real time.
 *  3. stdout and stderr become log output, one sink call per line, only while the run is past its
 *     recorded history (replay does not repeat output). stdin is empty (closed).
 *  4. No filesystem (no preopened directories), no environment, no arguments, no sockets, no HTTP.
 *     Interfaces a workflow must not use (wasi:sockets, wasi:http, ...) get no functions, so a
 *     component calling them fails to instantiate with jco's own message naming the import.
 *  5. Resources (streams, pollables, ...) are instances of the classes exported here. The classes
 *     hold no state; each object carries its own instance's state, so instances never share any.
 */
import type { WorkflowContext } from '../context.js';
import { SeededRandom } from '../../model/random.js';
import type { LogSink } from './log.js';

/** jco maps a thrown value carrying `.payload` to the `err` case of an imported function's result. */
function errPayload(payload: unknown, message: string): Error {
  return Object.assign(new Error(message), { payload });
}

const STREAM_CLOSED = { tag: 'closed' };

// ------------------------------------------------------------------ wasi:io

/** `wasi:io/error.error`: the workflow never sees an I/O error with a payload, but the type must exist. */
export class IoError {
  constructor(private readonly message: string) {}
  toDebugString(): string {
    return this.message;
  }
}

/** `wasi:io/poll.pollable`: always ready (invariant 2). */
export class Pollable {
  ready(): boolean {
    return true;
  }
  block(): void {}
}

/** `wasi:io/poll.poll`: every pollable is ready, so all their indexes. */
function poll(pollables: Pollable[]): Uint32Array {
  return Uint32Array.from(pollables.keys());
}

/** `wasi:io/streams.input-stream`: stdin, which is empty and closed. */
export class InputStream {
  read(_len: bigint): Uint8Array {
    throw errPayload(STREAM_CLOSED, 'stdin is closed');
  }
  blockingRead(len: bigint): Uint8Array {
    return this.read(len);
  }
  skip(_len: bigint): bigint {
    throw errPayload(STREAM_CLOSED, 'stdin is closed');
  }
  blockingSkip(len: bigint): bigint {
    return this.skip(len);
  }
  subscribe(): Pollable {
    return new Pollable();
  }
}

const MAX_WRITE = 1n << 20n;
const decoder = new TextDecoder();

/** `wasi:io/streams.output-stream`: stdout or stderr, turned into log lines (invariant 3). */
export class OutputStream {
  constructor(private readonly lines: LineBuffer) {}
  checkWrite(): bigint {
    return MAX_WRITE;
  }
  write(contents: Uint8Array): void {
    this.lines.write(contents);
  }
  blockingWriteAndFlush(contents: Uint8Array): void {
    this.lines.write(contents);
  }
  flush(): void {}
  blockingFlush(): void {}
  writeZeroes(len: bigint): void {
    this.lines.write(new Uint8Array(Number(len)));
  }
  blockingWriteZeroesAndFlush(len: bigint): void {
    this.writeZeroes(len);
  }
  splice(_src: InputStream, _len: bigint): bigint {
    throw errPayload(STREAM_CLOSED, 'the source stream is closed');
  }
  blockingSplice(src: InputStream, len: bigint): bigint {
    return this.splice(src, len);
  }
  subscribe(): Pollable {
    return new Pollable();
  }
}

/** Bytes written to one stream of one instance, emitted a whole line at a time. */
class LineBuffer {
  private pending = '';
  constructor(private readonly emit: (line: string) => void) {}
  write(bytes: Uint8Array): void {
    const text = this.pending + decoder.decode(bytes, { stream: true });
    const lines = text.split('\n');
    this.pending = lines.pop()!;
    for (const line of lines) this.emit(line);
  }
}

// ------------------------------------------------------------------ wasi:cli terminals, wasi:filesystem

/** Never handed out: the workflow has no terminal. The classes exist because the guest imports them. */
export class TerminalInput {}
export class TerminalOutput {}

/** Never handed out: the workflow has no preopened directory to open anything from. */
export class Descriptor {}

// ------------------------------------------------------------------ per instance

interface InstanceWasi {
  stdout: LineBuffer;
  stderr: LineBuffer;
}

const instances = new WeakMap<WorkflowContext, InstanceWasi>();

/** The state shared by the interfaces of one instance (its output streams), created on first use. */
function instanceWasi(ctx: WorkflowContext, sink: LogSink): InstanceWasi {
  let state = instances.get(ctx);
  if (!state) {
    const to = (level: 'stdout' | 'stderr') => (line: string) => {
      if (!ctx.isReplaying()) sink(level, line, ctx.now(), ctx.logPosition());
    };
    state = { stdout: new LineBuffer(to('stdout')), stderr: new LineBuffer(to('stderr')) };
    instances.set(ctx, state);
  }
  return state;
}

const U64 = 1n << 64n;

/** The generator of interface `ifc` for the run `deps` serves now: one per run, seeded by its execution. */
function seeded(deps: WasiDeps, ifc: string): () => SeededRandom {
  const byRun = new WeakMap<WorkflowContext, SeededRandom>();
  return () => {
    let random = byRun.get(deps.ctx);
    if (!random) byRun.set(deps.ctx, (random = new SeededRandom(`${deps.ctx.executionId}/${ifc}`)));
    return random;
  };
}

type WasiDeps = { readonly ctx: WorkflowContext; readonly log: LogSink };

/** The import object of one WASI interface (`ifc` without its version); `deps` is read at each call. */
export function deterministicWasi(deps: WasiDeps, ifc: string): object {
  switch (ifc) {
    case 'wasi:random/random':
    case 'wasi:random/insecure': {
      const random = seeded(deps, ifc);
      const bytes = (len: bigint) => random().bytes(Number(len));
      const u64 = () => random().bigintBelow(0n, U64);
      return { getRandomBytes: bytes, getRandomU64: u64, getInsecureRandomBytes: bytes, getInsecureRandomU64: u64 };
    }
    case 'wasi:random/insecure-seed': {
      const random = seeded(deps, ifc);
      return { insecureSeed: () => [random().bigintBelow(0n, U64), random().bigintBelow(0n, U64)] };
    }
    case 'wasi:clocks/wall-clock':
      return {
        now: () => {
          const ms = deps.ctx.now();
          return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (((ms % 1000) + 1000) % 1000) * 1_000_000 };
        },
        resolution: () => ({ seconds: 0n, nanoseconds: 1_000_000 }),
      };
    case 'wasi:clocks/monotonic-clock':
      return {
        now: () => BigInt(deps.ctx.now()) * 1_000_000n,
        resolution: () => 1_000_000n,
        subscribeInstant: (_when: bigint) => new Pollable(),
        subscribeDuration: (_when: bigint) => new Pollable(),
      };
    case 'wasi:io/poll':
      return { Pollable, poll };
    case 'wasi:io/error':
      return { Error: IoError };
    case 'wasi:io/streams':
      return { InputStream, OutputStream };
    case 'wasi:cli/stdin':
      return { getStdin: () => new InputStream() };
    case 'wasi:cli/stdout':
      return { getStdout: () => new OutputStream(instanceWasi(deps.ctx, deps.log).stdout) };
    case 'wasi:cli/stderr':
      return { getStderr: () => new OutputStream(instanceWasi(deps.ctx, deps.log).stderr) };
    case 'wasi:cli/terminal-input':
      return { TerminalInput };
    case 'wasi:cli/terminal-output':
      return { TerminalOutput };
    case 'wasi:cli/terminal-stdin':
      return { getTerminalStdin: () => undefined };
    case 'wasi:cli/terminal-stdout':
      return { getTerminalStdout: () => undefined };
    case 'wasi:cli/terminal-stderr':
      return { getTerminalStderr: () => undefined };
    case 'wasi:cli/environment':
      return { getEnvironment: () => [], getArguments: () => [], initialCwd: () => undefined };
    case 'wasi:cli/exit':
      return {
        exit: (status: { tag: string }) => {
          throw new Error(`the workflow called wasi:cli/exit with ${status?.tag === 'ok' ? 'success' : 'failure'}; a workflow ends by returning from its function`);
        },
      };
    case 'wasi:filesystem/preopens':
      return { getDirectories: () => [] };
    case 'wasi:filesystem/types':
      return { Descriptor, filesystemErrorCode: (_err: IoError) => undefined };
    default:
      return {};
  }
}
