// Declarations of `obelisk/workflow`, the guest helper for workflows written in JavaScript or
// TypeScript (./workflow.js). `obelisk generate types` copies this file next to the WIT declarations
// as obelisk-workflow.d.ts. docs/authoring.md explains each function.
declare module 'obelisk/workflow' {
  /** A value in obelisk's JSON form; integers beyond 2^53 are BigInts. */
  export type Json = null | boolean | number | bigint | string | Json[] | { [key: string]: Json };

  /** A function's result as JSON: `{ ok: value }` or `{ err: value }` (`null` when there is no payload). */
  export type Result<T = Json, E = Json> = { ok: T } | { err: E };

  /** Milliseconds, or one unit: `{ seconds: 5 }`, `{ minutes: 2 }`… */
  export type Duration =
    | number
    | { milliseconds: number }
    | { seconds: number }
    | { minutes: number }
    | { hours: number }
    | { days: number };

  export interface SubmitOptions {
    /** The child's own timeout. */
    timeout?: Duration;
  }

  /** `obelisk:types/backtrace.wasm-backtrace`, as passed to the host's `-bt` functions. */
  export interface WasmBacktrace {
    frames: { module: string; funcName: string; symbols: { funcName?: string; file?: string; line?: number; col?: number }[] }[];
  }

  export interface JoinSet {
    /** `g:1`, `n:<name>`… */
    readonly id: string;
    /** The `obelisk:types/join-set.join-set` resource, for the WIT extension functions (`F-submit`, `F-await-next`). */
    readonly handle: import('obelisk:types/join-set@4.2.0').JoinSet;
    /** Closes it: unfinished child workflows are awaited, activities and delays cancelled. */
    close(): void;
  }

  /** A response from `awaitNext`, in completion order. */
  export type Response<T = Json, E = Json> =
    | { kind: 'execution'; id: string; result: Result<T, E> }
    | { kind: 'delay'; id: string; result: Result<null, null> };

  /** Thrown by `awaitNext` when every submission of the join set has been awaited. */
  export class AllProcessedError extends Error {}

  /** A new join set; with a name, a named one (`n:<name>`: letters, digits, `-`, `/`; unique in the execution). */
  export function createJoinSet(name?: string): JoinSet;
  /** Submits a child execution of `ffqn` (`ns:pkg/ifc.fn`) with its parameters as JSON; returns the child's id. */
  export function submit(joinSet: JoinSet, ffqn: string, params: Json[], options?: SubmitOptions): string;
  /** Adds a delay to the join set; returns its id. */
  export function submitDelay(joinSet: JoinSet, after: Duration): string;
  /** Waits for the join set's next response (completion order). */
  export function awaitNext<T = Json, E = Json>(joinSet: JoinSet): Response<T, E>;
  /** The result of a child already awaited by this execution. */
  export function getResult<T = Json, E = Json>(executionId: string): Result<T, E>;
  /** Runs `ffqn` as a child execution and waits for its result (a direct call). */
  export function call<T = Json, E = Json>(ffqn: string, params: Json[], options?: SubmitOptions): Result<T, E>;
  /** Sleeps durably; returns the time it expired. Throws when the delay was cancelled. */
  export function sleep(after: Duration): Date;
  /** Sleeps durably until `when` (a Date or milliseconds since the epoch). */
  export function sleepUntil(when: Date | number): Date;
  /** This execution's id. */
  export function executionId(): string;
  /** The caller's stack in its source files and lines, as the `-bt` host functions take it. */
  export function backtrace(): WasmBacktrace | undefined;
  /** JSON text → value; integers beyond 2^53 become BigInts. */
  export function parseJson(text: string): Json;
  /** value → JSON text; BigInts are written as integers. */
  export function stringifyJson(value: Json): string;
}
