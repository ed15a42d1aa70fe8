/** Messages between the executor and an activity sandbox worker (one attempt at a time per worker). */
import type { JsonValue } from '../../model/json.js';
import type { WitFunction } from '../../model/wit-types.js';
import type { AllowedHost, EnvVar } from '../../config/types.js';
import type { AttemptResult, RetryPolicy } from '../retry.js';

/** What does not change between attempts of one function: sent to a worker once, then named by its key. */
export interface AttemptSpec {
  ffqn: string;
  ifc: string;
  fn: WitFunction;
  location: string;
  cacheDir: string;
  digest: string;
  env: EnvVar[];
  allowedHosts: AllowedHost[];
  memoryLimitBytes: number;
}

export interface AttemptJob {
  /** Names the spec; `spec` is given the first time a worker sees the key. */
  key: string;
  spec?: AttemptSpec;
  params: JsonValue[];
  /** Post `started` once the instance is ready: the worker has not loaded this component before, and loading is not part of the attempt's time. */
  announceStart: boolean;
}

export type ToSandbox = { type: 'attempt'; job: AttemptJob };
/** `started`: the instance is ready and the call begins (the attempt's timeout counts from here). */
export type FromSandbox = { type: 'started' } | { type: 'result'; result: AttemptResult };

/** In-thread attempts (./in-thread.ts): what a workflow worker is sent and reports. */
export interface InThreadSpec extends AttemptSpec {
  policy: RetryPolicy;
  /** The function's error type is a variant (retry.ts, permanent errors). */
  errIsVariant: boolean;
}

/** Sent with a run: the activities it may be asked to run in its thread. */
export interface InThreadData {
  specs: InThreadSpec[];
}

/** One child's attempt; a job runs its attempts one after another, in order. */
export interface InThreadAttempt {
  ffqn: string;
  childId: string;
  joinSetId: string;
  params: JsonValue[];
}

export interface InThreadJob {
  attempts: InThreadAttempt[];
}

/** What a job did: a report per attempt run, in the job's order, and the children it left to the pool. */
export interface InThreadJobReport {
  reports: InThreadReport[];
  /** Not run: the job stopped early because its attempts took long (in-thread.ts). */
  skipped: string[];
}

/** One attempt's report. */
export interface InThreadReport {
  childId: string;
  ffqn: string;
  /** How long the attempt took in the worker, in milliseconds (its instance made, called, decided). */
  ms: number;
  /** The time of the child's `finished` line and of the response the workflow got. */
  at: string;
  result: AttemptResult;
  stdout?: string;
  stderr?: string;
}
