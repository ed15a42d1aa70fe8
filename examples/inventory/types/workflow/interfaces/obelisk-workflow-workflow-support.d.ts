/// <reference path="./obelisk-types-backtrace.d.ts" />
/// <reference path="./obelisk-types-execution.d.ts" />
/// <reference path="./obelisk-types-join-set.d.ts" />
/// <reference path="./obelisk-types-time.d.ts" />
declare module 'obelisk:workflow/workflow-support@5.1.0' {
  export function executionIdCurrent(): ExecutionId;
  export function randomU64(min: bigint, maxExclusive: bigint): bigint;
  export function randomU64Inclusive(min: bigint, maxInclusive: bigint): bigint;
  export function randomString(minLength: number, maxLengthExclusive: number): string;
  export function sleep(scheduleAt: ScheduleAt): Datetime;
  export function joinSetCreate(): JoinSet;
  export function joinSetCreateNamed(name: string): JoinSet;
  export function joinSetClose(self: JoinSet): void;
  export function submitJson(joinSet: JoinSet, function_: Function, params: string, config: SubmitConfig | undefined): ExecutionId;
  export function getResultJson(executionId: ExecutionId): Result<string | undefined, string | undefined>;
  export function submitDelay(joinSet: JoinSet, timeout: ScheduleAt): DelayId;
  export function joinNext(joinSet: JoinSet): [ResponseId, Result<void, void>];
  export function joinNextTry(joinSet: JoinSet): [ResponseId, Result<void, void>];
  export function executionIdGenerate(backtrace: WasmBacktrace | undefined): ExecutionId;
  export function scheduleJson(executionId: ExecutionId, scheduleAt: ScheduleAt, function_: Function, params: string, config: SubmitConfig | undefined, backtrace: WasmBacktrace | undefined): void;
  export function callJson(function_: Function, params: string, config: SubmitConfig | undefined, backtrace: WasmBacktrace | undefined): Result<string | undefined, string | undefined>;
  export function stubJson(executionId: ExecutionId, resultJson: string, backtrace: WasmBacktrace | undefined): void;
  export function randomU64Bt(min: bigint, maxExclusive: bigint, backtrace: WasmBacktrace | undefined): bigint;
  export function randomU64InclusiveBt(min: bigint, maxInclusive: bigint, backtrace: WasmBacktrace | undefined): bigint;
  export function randomStringBt(minLength: number, maxLengthExclusive: number, backtrace: WasmBacktrace | undefined): string;
  export function sleepBt(scheduleAt: ScheduleAt, backtrace: WasmBacktrace | undefined): Datetime;
  export function joinSetCreateBt(backtrace: WasmBacktrace | undefined): JoinSet;
  export function joinSetCreateNamedBt(name: string, backtrace: WasmBacktrace | undefined): JoinSet;
  export function joinSetCloseBt(self: JoinSet, backtrace: WasmBacktrace | undefined): void;
  export function submitJsonBt(joinSet: JoinSet, function_: Function, params: string, config: SubmitConfig | undefined, backtrace: WasmBacktrace | undefined): ExecutionId;
  export function getResultJsonBt(executionId: ExecutionId, backtrace: WasmBacktrace | undefined): Result<string | undefined, string | undefined>;
  export function submitDelayBt(joinSet: JoinSet, timeout: ScheduleAt, backtrace: WasmBacktrace | undefined): DelayId;
  export function joinNextBt(joinSet: JoinSet, backtrace: WasmBacktrace | undefined): [ResponseId, Result<void, void>];
  export function joinNextTryBt(joinSet: JoinSet, backtrace: WasmBacktrace | undefined): [ResponseId, Result<void, void>];
  export function sleepNamedBt(scheduleAt: ScheduleAt, name: string | undefined, backtrace: WasmBacktrace | undefined): Datetime;
  export type ExecutionId = import('obelisk:types/execution@4.2.0').ExecutionId;
  export type Function = import('obelisk:types/execution@4.2.0').Function;
  export type SubmitConfig = import('obelisk:types/execution@4.2.0').SubmitConfig;
  export type DelayId = import('obelisk:types/execution@4.2.0').DelayId;
  export type ResponseId = import('obelisk:types/execution@4.2.0').ResponseId;
  export type ScheduleJsonError = import('obelisk:types/execution@4.2.0').ScheduleJsonError;
  export type ScheduleAt = import('obelisk:types/time@4.2.0').ScheduleAt;
  export type Datetime = import('obelisk:types/time@4.2.0').Datetime;
  export type JoinSet = import('obelisk:types/join-set@4.2.0').JoinSet;
  export type WasmBacktrace = import('obelisk:types/backtrace@4.2.0').WasmBacktrace;
  export type JoinSetCreateError = JoinSetCreateErrorConflict | JoinSetCreateErrorInvalidName;
  export interface JoinSetCreateErrorConflict {
    tag: 'conflict',
  }
  export interface JoinSetCreateErrorInvalidName {
    tag: 'invalid-name',
    val: string,
  }
  export type GetResultJsonError = GetResultJsonErrorExecutionIdParsingError | GetResultJsonErrorNotFoundInProcessedResponses;
  export interface GetResultJsonErrorExecutionIdParsingError {
    tag: 'execution-id-parsing-error',
    val: string,
  }
  export interface GetResultJsonErrorNotFoundInProcessedResponses {
    tag: 'not-found-in-processed-responses',
  }
  export type SubmitJsonError = SubmitJsonErrorFfqnParsingError | SubmitJsonErrorFunctionNotFound | SubmitJsonErrorTypeCheckError;
  export interface SubmitJsonErrorFfqnParsingError {
    tag: 'ffqn-parsing-error',
    val: string,
  }
  export interface SubmitJsonErrorFunctionNotFound {
    tag: 'function-not-found',
  }
  export interface SubmitJsonErrorTypeCheckError {
    tag: 'type-check-error',
    val: string,
  }
  export type JoinNextError = JoinNextErrorAllProcessed;
  export interface JoinNextErrorAllProcessed {
    tag: 'all-processed',
  }
  export type JoinNextTryError = JoinNextTryErrorAllProcessed | JoinNextTryErrorPending;
  export interface JoinNextTryErrorAllProcessed {
    tag: 'all-processed',
  }
  export interface JoinNextTryErrorPending {
    tag: 'pending',
  }
  export type StubJsonError = StubJsonErrorExecutionIdParsingError | StubJsonErrorExecutionNotFound | StubJsonErrorTypeCheckError | StubJsonErrorConflict;
  export interface StubJsonErrorExecutionIdParsingError {
    tag: 'execution-id-parsing-error',
    val: string,
  }
  export interface StubJsonErrorExecutionNotFound {
    tag: 'execution-not-found',
  }
  export interface StubJsonErrorTypeCheckError {
    tag: 'type-check-error',
    val: string,
  }
  export interface StubJsonErrorConflict {
    tag: 'conflict',
  }
  export type Result<T, E> = { tag: 'ok', val: T } | { tag: 'err', val: E };
}
