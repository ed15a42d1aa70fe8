/**
 * `obelisk:workflow@5.1.0` (interface workflow-support) and `obelisk:log@1.0.0` as data
 * (obelisk-compat.md §1). Every function is listed, including the `-bt` twins, because a component
 * that imports any of them must link.
 */
import type { WitFunction } from '../../model/wit-types.js';
import { func, option, result, string, tuple, u16, u64, variant, type VariantType, type WitInterfaceDef } from './build.js';
import {
  datetime, delayId, executionId, functionRef, joinSetBorrow, joinSetOwn, responseId, scheduleAt,
  scheduleJsonError, submitConfig, wasmBacktrace,
} from './host-types.js';

export const WORKFLOW_SUPPORT = 'obelisk:workflow/workflow-support@5.1.0';
export const LOG = 'obelisk:log/log@1.0.0';

const W = WORKFLOW_SUPPORT;
const joinSetCreateError = variant(W, 'join-set-create-error', { conflict: null, 'invalid-name': string });
const getResultJsonError = variant(W, 'get-result-json-error', {
  'execution-id-parsing-error': string,
  'not-found-in-processed-responses': null,
});
const submitJsonError = variant(W, 'submit-json-error', {
  'ffqn-parsing-error': string,
  'function-not-found': null,
  'type-check-error': string,
});
const joinNextError = variant(W, 'join-next-error', { 'all-processed': null });
const joinNextTryError = variant(W, 'join-next-try-error', { 'all-processed': null, pending: null });
const stubJsonError = variant(W, 'stub-json-error', {
  'execution-id-parsing-error': string,
  'execution-not-found': null,
  'type-check-error': string,
  conflict: null,
});

const backtrace = option(wasmBacktrace);
const config = option(submitConfig);
// A child's result as JSON: `ok` or `err`, each with its payload when it has one.
const jsonResult = result(option(string), option(string));
const joinNextResult = (err: VariantType) => result(tuple(responseId, result()), err);

// Functions that have a `-bt` twin taking a trailing `backtrace: option<wasm-backtrace>`.
const twinned: WitFunction[] = [
  func('random-u64', { min: u64, 'max-exclusive': u64 }, u64),
  func('random-u64-inclusive', { min: u64, 'max-inclusive': u64 }, u64),
  func('random-string', { 'min-length': u16, 'max-length-exclusive': u16 }, string),
  func('sleep', { 'schedule-at': scheduleAt }, result(datetime)),
  func('join-set-create', {}, joinSetOwn),
  func('join-set-create-named', { name: string }, result(joinSetOwn, joinSetCreateError)),
  func('join-set-close', { self: joinSetOwn }),
  func('submit-json', { 'join-set': joinSetBorrow, function: functionRef, params: string, config }, result(executionId, submitJsonError)),
  func('get-result-json', { 'execution-id': executionId }, result(jsonResult, getResultJsonError)),
  func('submit-delay', { 'join-set': joinSetBorrow, timeout: scheduleAt }, delayId),
  func('join-next', { 'join-set': joinSetBorrow }, joinNextResult(joinNextError)),
  func('join-next-try', { 'join-set': joinSetBorrow }, joinNextResult(joinNextTryError)),
];

const withBacktrace = (f: WitFunction): WitFunction => ({
  name: `${f.name}-bt`,
  params: [...f.params, { name: 'backtrace', type: backtrace }],
  result: f.result,
});

const workflowSupport: WitInterfaceDef = {
  name: W,
  types: [joinSetCreateError, getResultJsonError, submitJsonError, joinNextError, joinNextTryError, stubJsonError],
  functions: [
    func('execution-id-current', {}, executionId),
    ...twinned,
    func('execution-id-generate', { backtrace }, executionId),
    func('schedule-json', {
      'execution-id': executionId, 'schedule-at': scheduleAt, function: functionRef, params: string, config, backtrace,
    }, result(null, scheduleJsonError)),
    func('call-json', { function: functionRef, params: string, config, backtrace }, result(jsonResult, scheduleJsonError)),
    func('stub-json', { 'execution-id': executionId, 'result-json': string, backtrace }, result(null, stubJsonError)),
    ...twinned.map(withBacktrace),
    func('sleep-named-bt', { 'schedule-at': scheduleAt, name: option(string), backtrace }, result(datetime)),
  ],
};

const log: WitInterfaceDef = {
  name: LOG,
  types: [],
  functions: ['trace', 'debug', 'info', 'warn', 'error'].map((level) => func(level, { message: string })),
};

export const WORKFLOW_INTERFACES: WitInterfaceDef[] = [workflowSupport];
export const LOG_INTERFACES: WitInterfaceDef[] = [log];
