/// <reference path="./obelisk-types-time.d.ts" />
declare module 'obelisk:types/execution@4.2.0' {
  export type Duration = import('obelisk:types/time@4.2.0').Duration;
  export interface ExecutionId {
    id: string,
  }
  export interface DelayId {
    id: string,
  }
  export interface Function {
    interfaceName: string,
    functionName: string,
  }
  export type ResponseId = ResponseIdExecutionId | ResponseIdDelayId;
  export interface ResponseIdExecutionId {
    tag: 'execution-id',
    val: ExecutionId,
  }
  export interface ResponseIdDelayId {
    tag: 'delay-id',
    val: DelayId,
  }
  export interface FunctionMismatch {
    specifiedFunction: Function,
    actualFunction?: Function,
    actualId: ResponseId,
  }
  export type AwaitNextExtensionError = AwaitNextExtensionErrorAllProcessed | AwaitNextExtensionErrorFunctionMismatch;
  export interface AwaitNextExtensionErrorAllProcessed {
    tag: 'all-processed',
  }
  export interface AwaitNextExtensionErrorFunctionMismatch {
    tag: 'function-mismatch',
    val: FunctionMismatch,
  }
  export type GetExtensionError = GetExtensionErrorFunctionMismatch | GetExtensionErrorNotFoundInProcessedResponses;
  export interface GetExtensionErrorFunctionMismatch {
    tag: 'function-mismatch',
    val: FunctionMismatch,
  }
  export interface GetExtensionErrorNotFoundInProcessedResponses {
    tag: 'not-found-in-processed-responses',
  }
  export type InvokeExtensionError = InvokeExtensionErrorInvalidName;
  export interface InvokeExtensionErrorInvalidName {
    tag: 'invalid-name',
    val: string,
  }
  export type StubError = StubErrorExecutionNotFound | StubErrorTypeCheckError | StubErrorConflict;
  export interface StubErrorExecutionNotFound {
    tag: 'execution-not-found',
  }
  export interface StubErrorTypeCheckError {
    tag: 'type-check-error',
    val: string,
  }
  export interface StubErrorConflict {
    tag: 'conflict',
  }
  export interface SubmitConfig {
    timeout?: Duration,
  }
  export type ScheduleJsonError = ScheduleJsonErrorFfqnParsingError | ScheduleJsonErrorFunctionNotFound | ScheduleJsonErrorTypeCheckError;
  export interface ScheduleJsonErrorFfqnParsingError {
    tag: 'ffqn-parsing-error',
    val: string,
  }
  export interface ScheduleJsonErrorFunctionNotFound {
    tag: 'function-not-found',
  }
  export interface ScheduleJsonErrorTypeCheckError {
    tag: 'type-check-error',
    val: string,
  }
}
