/**
 * What follows an activity attempt (obelisk-compat.md §6), as a pure decision.
 *  - Retried on trap, timeout, and (with retry_on_err) on an `err` return; never on an error variant
 *    case whose name contains `permanent`.
 *  - Attempt n (1-based count of failures so far) waits backoff × 2^(n−1); max_retries = 5 means up
 *    to 6 attempts.
 *  - After the last retry: an `err` finishes with that `err`; a trap as `uncategorized`; a timeout as
 *    `timed-out`.
 */
import type { ExecutionFailure, HttpTrace, Outcome, ReturnValue } from '../model/events.js';
import type { JsonValue } from '../model/json.js';
import type { WitFunction } from '../model/wit-types.js';

export type AttemptResult = (
  | { kind: 'returned'; value: ReturnValue }
  | { kind: 'trapped'; reason: string; detail?: string }
  | { kind: 'timed-out' }
) & { httpTraces?: HttpTrace[] };

export interface RetryPolicy {
  maxRetries: number;
  retryExpBackoffMs: number;
  retryOnErr: boolean;
}

export type Decision =
  | { kind: 'finish'; result: ReturnValue }
  | { kind: 'fail'; failure: ExecutionFailure }
  | { kind: 'retry'; backoffMs: number; reason: string; detail?: string; timedOut: boolean };

/** Whether an `err` payload is a variant case marked permanent (`{"permanent-failure": …}` or `"permanent"`). */
export function isPermanentErr(err: JsonValue): boolean {
  if (typeof err === 'string') return err.includes('permanent') && /^[a-z0-9-]+$/.test(err);
  if (err && typeof err === 'object' && !Array.isArray(err)) {
    const keys = Object.keys(err);
    return keys.length === 1 && keys[0]!.includes('permanent');
  }
  return false;
}

/**
 * @param failuresSoFar failed attempts before this one (0 on the first attempt)
 * @param errIsVariant  the function's error type is a variant, so a string payload names a case
 */
export function decide(result: AttemptResult, failuresSoFar: number, policy: RetryPolicy, errIsVariant: boolean): Decision {
  const n = failuresSoFar + 1;
  const canRetry = failuresSoFar < policy.maxRetries;
  const backoffMs = policy.retryExpBackoffMs * 2 ** (n - 1);
  switch (result.kind) {
    case 'returned': {
      const v = result.value;
      if ('ok' in v) return { kind: 'finish', result: v };
      const permanent = errIsVariant && isPermanentErr(v.err);
      if (policy.retryOnErr && canRetry && !permanent) {
        return { kind: 'retry', backoffMs, reason: `returned err: ${JSON.stringify(v.err)}`, timedOut: false };
      }
      return { kind: 'finish', result: v };
    }
    case 'trapped':
      if (canRetry) return { kind: 'retry', backoffMs, reason: result.reason, ...(result.detail ? { detail: result.detail } : {}), timedOut: false };
      return { kind: 'fail', failure: { kind: 'uncategorized', reason: result.reason, ...(result.detail ? { detail: result.detail } : {}) } };
    case 'timed-out':
      if (canRetry) return { kind: 'retry', backoffMs, reason: 'timed out', timedOut: true };
      return { kind: 'fail', failure: { kind: 'timed-out', reason: `the attempt did not finish within its time limit (attempt ${n})` } };
  }
}

/** Whether the function's error type is a variant (decide's `errIsVariant`: a case may be permanent). */
export function errIsVariant(fn: WitFunction): boolean {
  return fn.result?.kind === 'result' && fn.result.err?.kind === 'variant';
}

/** The outcome a final decision gives the child (a retry has none). */
export function outcomeOf(d: Exclude<Decision, { kind: 'retry' }>): Outcome {
  return d.kind === 'finish' ? { result: d.result } : { failure: d.failure };
}
