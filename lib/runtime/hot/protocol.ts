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
}

/** main -> worker, on the worker's message port (the worker is idle). */
export type ToWorker = { type: 'run'; request: HotRunRequest };

/** main -> worker, on the sync port, while the worker waits (followed by Atomics.notify). */
export type Resume = { type: 'responses'; messages: InboxMessage[]; nowMs?: number } | { type: 'interrupt' };

/** worker -> main. */
export type FromWorker =
  | { type: 'blocked'; events: HistoryEvent[]; effects: Effect[]; joinSetId: JoinSetId; until?: number }
  | { type: 'log'; level: string; message: string; atMs: number; position?: [number, number] }
  | { type: 'done'; result: RunResult }
  | { type: 'crashed'; message: string };
