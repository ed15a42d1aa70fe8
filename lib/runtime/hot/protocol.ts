/**
 * Messages between the executor (main thread) and a workflow worker. A worker runs one workflow at
 * a time; while the workflow waits for a response, the worker thread blocks on Atomics.wait and
 * reads the main thread's answer with receiveMessageOnPort, so the guest's stack never unwinds.
 */
import type { Created, HistoryEvent, InboxMessage } from '../../model/events.js';
import type { ExecutionId, JoinSetId } from '../../model/ids.js';
import type { WitFunction } from '../../model/wit-types.js';
import type { Effect, RecordedEvent } from '../context.js';
import type { RunResult } from '../workflow-run.js';
import type { TargetInfo } from '../host/values.js';

/** Where the worker finds a component (it loads it from the transpile cache). */
export interface ComponentRef {
  location: string;
  cacheDir: string;
  digest: string;
}

export interface HotRunRequest {
  executionId: ExecutionId;
  created: Created;
  history: RecordedEvent[];
  logLength: number;
  inbox: InboxMessage[];
  component: ComponentRef;
  ifc: string;
  fn: WitFunction;
  /** Every function the workflow may reach, by FFQN; left out when the worker was sent the same object before (it keeps the last). */
  targets?: Record<string, TargetInfo>;
  /** The simulated clock's time in tests; the worker otherwise reads the real clock. */
  fixedNowMs?: number;
  /** For the worker's in-thread attempts (InThreadAttempts.prepare), before the run starts. */
  inThread?: unknown;
}

/**
 * Running children's attempts in the workflow worker's own thread while the workflow waits for them
 * (the executor provides it: lib/executor/sandbox/in-thread.ts). The runtime only carries its
 * messages; what a job and a report hold is the provider's business.
 */
export interface InThreadAttempts {
  /** Before a run: get ready what the run may be asked to do (may load components). */
  prepare(data: unknown): Promise<void>;
  /** While the worker waits for the main thread's answer to a block with these effects (the first child's instance is made). */
  warm(effects: readonly Effect[]): void;
  /**
   * Runs a job's attempts now, one after another, telling `progress` as each begins and ends.
   * With responses, the workflow goes on with them; without any, it waits again.
   */
  run(job: unknown, now: () => number, progress: { began(): void; ended(): void }): { report: unknown; responses: InboxMessage[] };
}

/** main -> worker, on the worker's message port (the worker is idle). */
export type ToWorker = { type: 'run'; request: HotRunRequest };

/** main -> worker, on the sync port, while the worker waits (followed by Atomics.notify). */
export type Resume =
  | { type: 'responses'; messages: InboxMessage[]; nowMs?: number }
  | { type: 'interrupt' }
  /** Run children's attempts in the worker's thread (InThreadAttempts.run), then go on or wait again. */
  | { type: 'attempt'; job: unknown; nowMs?: number };

/** worker -> main. */
export type FromWorker =
  /** `attempted`: the report of the in-thread job the workflow went on with (since the last message). */
  | { type: 'blocked'; events: HistoryEvent[]; effects: Effect[]; joinSetId: JoinSetId; until?: number; waitingFor?: string[]; attempted?: unknown }
  | { type: 'log'; level: string; message: string; atMs: number; position?: [number, number] }
  /** An in-thread job ended without a response for the workflow: it waits for an answer again. */
  | { type: 'attempted'; report: unknown }
  | { type: 'done'; result: RunResult; attempted?: unknown }
  | { type: 'crashed'; message: string };
