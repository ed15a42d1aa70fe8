/**
 * `obelisk:types@4.2.0` as data: the types every workflow, extension function and host function
 * shares (obelisk-compat.md §1). The WIT text and the runtime's import checks both derive from here.
 */
import {
  borrow, func, list, option, own, record, resource, result, string, tuple, u32, u64, variant,
  type WitInterfaceDef,
} from './build.js';

export const TYPES_PACKAGE = 'obelisk:types@4.2.0';
export const TIME = 'obelisk:types/time@4.2.0';
export const EXECUTION = 'obelisk:types/execution@4.2.0';
export const BACKTRACE = 'obelisk:types/backtrace@4.2.0';
export const JOIN_SET = 'obelisk:types/join-set@4.2.0';

// time
export const duration = variant(TIME, 'duration', {
  milliseconds: u64, seconds: u64, minutes: u32, hours: u32, days: u32,
});
export const datetime = record(TIME, 'datetime', { seconds: u64, nanoseconds: u32 });
export const scheduleAt = variant(TIME, 'schedule-at', { now: null, at: datetime, in: duration });

// execution
export const executionId = record(EXECUTION, 'execution-id', { id: string });
export const delayId = record(EXECUTION, 'delay-id', { id: string });
export const functionRef = record(EXECUTION, 'function', { 'interface-name': string, 'function-name': string });
export const responseId = variant(EXECUTION, 'response-id', { 'execution-id': executionId, 'delay-id': delayId });
export const functionMismatch = record(EXECUTION, 'function-mismatch', {
  'specified-function': functionRef,
  'actual-function': option(functionRef),
  'actual-id': responseId,
});
export const awaitNextExtensionError = variant(EXECUTION, 'await-next-extension-error', {
  'all-processed': null,
  'function-mismatch': functionMismatch,
});
export const getExtensionError = variant(EXECUTION, 'get-extension-error', {
  'function-mismatch': functionMismatch,
  'not-found-in-processed-responses': null,
});
export const invokeExtensionError = variant(EXECUTION, 'invoke-extension-error', { 'invalid-name': string });
export const stubError = variant(EXECUTION, 'stub-error', {
  'execution-not-found': null,
  'type-check-error': string,
  conflict: null,
});
export const submitConfig = record(EXECUTION, 'submit-config', { timeout: option(duration) });
export const scheduleJsonError = variant(EXECUTION, 'schedule-json-error', {
  'ffqn-parsing-error': string,
  'function-not-found': null,
  'type-check-error': string,
});

// backtrace
export const frameSymbol = record(BACKTRACE, 'frame-symbol', {
  'func-name': option(string), file: option(string), line: option(u32), col: option(u32),
});
export const frameInfo = record(BACKTRACE, 'frame-info', {
  module: string, 'func-name': string, symbols: list(frameSymbol),
});
export const wasmBacktrace = record(BACKTRACE, 'wasm-backtrace', { frames: list(frameInfo) });

// join-set
export const joinSetOwn = own(JOIN_SET, 'join-set');
export const joinSetBorrow = borrow(JOIN_SET, 'join-set');
const joinSetJoinNextError = variant(JOIN_SET, 'join-next-error', { 'all-processed': null });
const joinSet = resource(JOIN_SET, 'join-set', [
  func('id', {}, string),
  // Deprecated aliases of workflow-support's `submit-delay` and `join-next`; kept so old guests link.
  func('submit-delay', { timeout: scheduleAt }, delayId),
  func('join-next', {}, result(tuple(responseId, result()), joinSetJoinNextError)),
]);

export const TYPES_INTERFACES: WitInterfaceDef[] = [
  { name: TIME, types: [duration, datetime, scheduleAt], functions: [] },
  {
    name: EXECUTION,
    types: [
      executionId, delayId, functionRef, responseId, functionMismatch, awaitNextExtensionError,
      getExtensionError, invokeExtensionError, stubError, submitConfig, scheduleJsonError,
    ],
    functions: [],
  },
  { name: BACKTRACE, types: [frameSymbol, frameInfo, wasmBacktrace], functions: [] },
  { name: JOIN_SET, types: [joinSet, joinSetJoinNextError], functions: [] },
];
