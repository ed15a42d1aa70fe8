import { describe, expect, it } from 'vitest';
import { decide, isPermanentErr } from '../../lib/executor/retry.js';

const policy = { maxRetries: 5, retryExpBackoffMs: 100, retryOnErr: true };

describe('activity retry policy', () => {
  it('backs off exponentially and allows max_retries + 1 attempts', () => {
    const waits: number[] = [];
    let failures = 0;
    for (;;) {
      const d = decide({ kind: 'trapped', reason: 'unreachable' }, failures, policy, false);
      if (d.kind !== 'retry') {
        expect(d).toEqual({ kind: 'fail', failure: { kind: 'uncategorized', reason: 'unreachable' } });
        break;
      }
      waits.push(d.backoffMs);
      failures++;
    }
    expect(waits).toEqual([100, 200, 400, 800, 1600]);
    expect(failures + 1).toBe(6);
  });

  it('finishes with the err after the last retry, and at once without retry_on_err', () => {
    const err = { kind: 'returned' as const, value: { err: 'nope' } };
    expect(decide(err, 5, policy, false)).toEqual({ kind: 'finish', result: { err: 'nope' } });
    expect(decide(err, 0, { ...policy, retryOnErr: false }, false)).toEqual({ kind: 'finish', result: { err: 'nope' } });
    expect(decide(err, 0, policy, false).kind).toBe('retry');
  });

  it('never retries a permanent variant case', () => {
    expect(isPermanentErr({ 'permanent-failure': 'x' })).toBe(true);
    expect(isPermanentErr('execution-failed')).toBe(false);
    expect(decide({ kind: 'returned', value: { err: { 'permanent-failure': 'bad input' } } }, 0, policy, true))
      .toEqual({ kind: 'finish', result: { err: { 'permanent-failure': 'bad input' } } });
    // A plain string err that happens to say "permanent" is not a variant case.
    expect(decide({ kind: 'returned', value: { err: 'permanent' } }, 0, policy, false).kind).toBe('retry');
  });

  it('turns a final timeout into timed-out', () => {
    expect(decide({ kind: 'timed-out' }, 5, policy, false)).toMatchObject({ kind: 'fail', failure: { kind: 'timed-out' } });
    expect(decide({ kind: 'timed-out' }, 0, policy, false)).toMatchObject({ kind: 'retry', timedOut: true, backoffMs: 100 });
  });
});
