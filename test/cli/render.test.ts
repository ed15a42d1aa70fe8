/** The pure parts of the CLI's output: summaries from logs, event lines, ordering, durations. */
import { describe, expect, it } from 'vitest';
import { compareNewestFirst } from '../../lib/cli/commands/execution-list.js';
import { makeStyle } from '../../lib/cli/io.js';
import { describeEvent } from '../../lib/cli/render/events.js';
import { formatCall, formatDuration, formatOutcome } from '../../lib/cli/render/format.js';
import { matchesStatus, summarize } from '../../lib/cli/render/summary.js';
import { failurePath, type TreeNode } from '../../lib/cli/render/tree.js';
import type { InboxMessage, LogEvent } from '../../lib/model/events.js';

const T = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const created: LogEvent = { type: 'created', at: T(0), ffqn: 'a:b/c.d', params: [1, 'x'], scheduled_at: T(0), component_digest: 'sha256:0' };

describe('summarize', () => {
  it('counts retries, ignores lease renewals, and times a finished execution', () => {
    const events: LogEvent[] = [
      created,
      { type: 'locked', at: T(1), run_id: 'Run_1', lease_expires_at: T(2), component_digest: 'sha256:0' },
      { type: 'temporarily-failed', at: T(2), run_id: 'Run_1', backoff_expires_at: T(3), reason: 'trap', detail: 'unreachable' },
      { type: 'locked', at: T(3), run_id: 'Run_2', lease_expires_at: T(4), component_digest: 'sha256:0' },
      { type: 'locked', at: T(4), run_id: 'Run_2', lease_expires_at: T(5), component_digest: 'sha256:0' },
    ];
    const locked = summarize('E_X', events, []);
    expect(locked.status).toMatchObject({ kind: 'locked', since: T(3), line: 4, runId: 'Run_2' });
    expect(locked.retries).toBe(1);
    expect(locked.lastFailure).toEqual({ at: T(2), reason: 'trap', detail: 'unreachable' });
    expect(locked.durationMs).toBeUndefined();

    const done = summarize('E_X', [...events, { type: 'finished', at: T(6), run_id: 'Run_2', result: { err: 'no' } }], []);
    expect(done.status).toMatchObject({ kind: 'finished', since: T(6), outcome: { result: { err: 'no' } } });
    expect(done.durationMs).toBe(6000);
    expect(matchesStatus(done, 'err')).toBe(true);
    expect(matchesStatus(done, 'finished')).toBe(true);
    expect(matchesStatus(done, 'ok')).toBe(false);
    expect(matchesStatus(locked, 'locked')).toBe(true);
  });

  it('a pending retry says when and why; a cancel request in the inbox is noticed until finished', () => {
    const events: LogEvent[] = [created, { type: 'temporarily-timed-out', at: T(1), run_id: 'Run_1', backoff_expires_at: T(9) }];
    const cancel: InboxMessage = { type: 'cancel-requested', at: T(2), by: 'cli' };
    const s = summarize('E_X', events, [cancel]);
    expect(s.status).toMatchObject({ kind: 'pending', pendingAt: T(9), reason: 'timed out' });
    expect(s.cancelRequested).toBe(true);
  });
});

describe('event lines', () => {
  it('show the key fields; a join-next shows the response it consumed', () => {
    const inbox: InboxMessage[] = [{ type: 'child-finished', at: T(3), join_set_id: 'g:1', child_execution_id: 'E_X.g:1_1', result: { ok: 5 } }];
    expect(describeEvent(created)).toBe('a:b/c.d(1, "x")');
    expect(describeEvent({ type: 'join-next', at: T(4), join_set_id: 'g:1', mode: 'blocking', response: { execution_id: 'E_X.g:1_1' } }, inbox))
      .toBe('g:1 <- E_X.g:1_1 {"ok":5}');
    expect(describeEvent({ type: 'join-next', at: T(4), join_set_id: 'g:1', mode: 'try', outcome: 'pending' })).toBe('g:1 (try): pending');
    expect(describeEvent({ type: 'finished', at: T(5), failure: { kind: 'uncategorized', reason: 'trap', detail: 'at f\nat g' } }))
      .toBe('execution failure: uncategorized: trap | at f | at g');
    expect(describeEvent({ type: 'delay-requested', at: T(1), join_set_id: 'o:1-sleep', delay_id: 'Delay_X.o:1-sleep_1', expires_at: T(9), schedule_at: 'now' }))
      .toBe('o:1-sleep Delay_X.o:1-sleep_1 expires 2026-01-01T00:00:09.000Z');
  });

  it('big integers print exactly', () => {
    expect(formatOutcome({ result: { ok: 18446744073709551615n } })).toBe('{"ok":18446744073709551615}');
    expect(formatCall('a:b/c.d', [18446744073709551615n])).toBe('a:b/c.d(18446744073709551615)');
  });
});

describe('ordering and durations', () => {
  it('newest top-level first; a parent before its children, children in submission order (10 after 9)', () => {
    const ids = ['E_01AAAAAAAAAAAAAAAAAAAAAAAA', 'E_01AAAAAAAAAAAAAAAAAAAAAAAA.o:10-fibo_1', 'E_01BBBBBBBBBBBBBBBBBBBBBBBB',
      'E_01AAAAAAAAAAAAAAAAAAAAAAAA.o:9-fibo_1', 'E_01AAAAAAAAAAAAAAAAAAAAAAAA.o:9-fibo_1.g:1_2'];
    expect([...ids].sort(compareNewestFirst)).toEqual([
      'E_01BBBBBBBBBBBBBBBBBBBBBBBB', 'E_01AAAAAAAAAAAAAAAAAAAAAAAA', 'E_01AAAAAAAAAAAAAAAAAAAAAAAA.o:9-fibo_1',
      'E_01AAAAAAAAAAAAAAAAAAAAAAAA.o:9-fibo_1.g:1_2', 'E_01AAAAAAAAAAAAAAAAAAAAAAAA.o:10-fibo_1',
    ]);
  });

  it('formats durations for people', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.234 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3_723_000)).toBe('1 h 2 min');
  });

  it('colours ok green and failures red only when the style is enabled', () => {
    expect(formatOutcome({ result: { ok: 1 } }, makeStyle(false))).toBe('{"ok":1}');
    expect(formatOutcome({ result: { ok: 1 } }, makeStyle(true))).toBe('\u001b[32m{"ok":1}\u001b[39m');
    expect(formatOutcome({ failure: { kind: 'cancelled', reason: 'r' } }, makeStyle(true))).toBe('\u001b[31mexecution failure: cancelled: r\u001b[39m');
  });
});

describe('failure path', () => {
  it('follows the children that did not end ok down to the deepest', () => {
    const node = (id: string, outcome: 'ok' | 'err' | 'failed' | undefined, children: TreeNode[] = []): TreeNode => ({
      id, children,
      summary: {
        ...summarize(id, [created], []),
        ...(outcome ? { status: { kind: 'finished', since: T(1), line: 2, outcome: outcome === 'failed' ? { failure: { kind: 'timed-out', reason: 't' } } : { result: { [outcome]: null } as never } } } : {}),
      },
    });
    const tree = node('E_R', 'err', [node('E_R.g:1_1', 'ok'), node('E_R.g:1_2', 'err', [node('E_R.g:1_2.g:1_1', 'failed')])]);
    expect(failurePath(tree).map((n) => n.id)).toEqual(['E_R', 'E_R.g:1_2', 'E_R.g:1_2.g:1_1']);
    expect(failurePath(node('E_R', 'ok'))).toEqual([]);
    expect(failurePath(node('E_R', undefined))).toEqual([]);
  });
});
