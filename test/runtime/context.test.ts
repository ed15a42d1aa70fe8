import { describe, expect, it } from 'vitest';
import { WorkflowContext, type RecordedEvent } from '../../lib/runtime/context.js';
import type { Created, HistoryEvent, InboxMessage } from '../../lib/model/events.js';
import { ManualClock, isoTime } from '../../lib/model/time.js';
import { NondeterminismError } from '../../lib/model/errors.js';
import type { ExecutionId, JoinSetId } from '../../lib/model/ids.js';

const ID = 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F' as ExecutionId;
const FIBO = 'template-fibo:activity/fibo-activity-ifc.fibo';
const created: Created = {
  type: 'created', at: '2026-01-01T00:00:00.000Z', ffqn: 'template-fibo:workflow/fibo-workflow-ifc.fiboa-concurrent',
  params: [10, 3], scheduled_at: '2026-01-01T00:00:00.000Z', component_digest: 'sha256:00',
};

class Suspend extends Error {}

function context(history: HistoryEvent[], inbox: InboxMessage[], clock = new ManualClock(Date.UTC(2026, 0, 1, 0, 0, 1))) {
  const recorded: RecordedEvent[] = history.map((event, i) => ({ event, index: i + 2 }));
  return new WorkflowContext({
    executionId: ID, created, history: recorded, logLength: history.length + 1, inbox, clock,
    kindOf: (ffqn) => (ffqn === FIBO ? 'activity' : 'workflow'),
    onBlock: () => { throw new Suspend('blocked'); },
  });
}

/** The fiboa-concurrent shape: submit n children, await them all. Returns the consumed child ids. */
function concurrent(ctx: WorkflowContext, n: number, param = 10): string[] {
  const js = ctx.createJoinSet('generated', undefined);
  if (!('ok' in js)) throw new Error('join set');
  for (let i = 0; i < n; i++) ctx.submitChild(js.ok, FIBO, [param]);
  const got: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = ctx.joinNext(js.ok, 'blocking');
    if (!('response' in r) || r.response.type !== 'child-finished') throw new Error('expected a child');
    got.push(r.response.child_execution_id);
  }
  return got;
}

function finished(child: string, atMs: number, value: number): InboxMessage {
  return { type: 'child-finished', at: isoTime(atMs), join_set_id: 'g:1', child_execution_id: child, result: { ok: value } };
}

describe('WorkflowContext', () => {
  it('records new calls, with effects, and blocks when no response is in', () => {
    const ctx = context([], []);
    expect(() => concurrent(ctx, 3)).toThrow(Suspend);
    const { events, effects } = ctx.takePending();
    expect(events.map((e) => e.type)).toEqual(['join-set-created', 'child-requested', 'child-requested', 'child-requested']);
    expect(effects.map((e) => e.type === 'create-child' && e.id)).toEqual([`${ID}.g:1_1`, `${ID}.g:1_2`, `${ID}.g:1_3`]);
  });

  it('consumes responses in completion order and replays that order whatever the inbox order later', () => {
    const first = context([], []);
    expect(() => concurrent(first, 3)).toThrow(Suspend);
    const history = first.takePending().events;
    // Children finish in the order 3, 1, 2.
    const inbox = [finished(`${ID}.g:1_1`, 2000, 55), finished(`${ID}.g:1_3`, 1500, 55), finished(`${ID}.g:1_2`, 2500, 55)];
    const second = context(history, inbox);
    expect(concurrent(second, 3)).toEqual([`${ID}.g:1_3`, `${ID}.g:1_1`, `${ID}.g:1_2`]);
    const full = [...history, ...second.takePending().events];
    expect(full.filter((e) => e.type === 'join-next').length).toBe(3);
    // Replay with the same history: no new events, same order.
    const replay = context(full, inbox);
    expect(concurrent(replay, 3)).toEqual([`${ID}.g:1_3`, `${ID}.g:1_1`, `${ID}.g:1_2`]);
    expect(replay.takePending().events).toEqual([]);
    replay.assertHistoryConsumed();
  });

  it('reports a changed parameter with the event index and both sides', () => {
    const first = context([], []);
    expect(() => concurrent(first, 1)).toThrow(Suspend);
    const history = first.takePending().events;
    const changed = context(history, []);
    let err: unknown;
    try { concurrent(changed, 1, 11); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NondeterminismError);
    const e = err as NondeterminismError;
    expect(e.message).toContain('event 3');
    expect(e.message).toContain(`child-requested ${FIBO}(10)`);
    expect(e.message).toContain(`${FIBO}(11)`);
    expect(e.message).toContain('params differs');
    expect(e.detail).toContain('recorded:');
  });

  it('reports a workflow that submits fewer children, or finishes before its recorded history ends', () => {
    const first = context([], []);
    expect(() => concurrent(first, 2)).toThrow(Suspend);
    const history = first.takePending().events;
    // One submission replays; the join-next that follows meets the 2nd recorded submission.
    expect(() => concurrent(context(history, []), 1)).toThrow(/event 4: recorded child-requested .* now makes join-next .*kind of call/);
    const early = context(history, []);
    early.createJoinSet('generated', undefined);
    expect(() => early.assertHistoryConsumed()).toThrow(/event 3: recorded child-requested .* finished without making that call/);
  });

  it('answers join-next-try with pending, and all-processed once drained', () => {
    const ctx = context([], [finished(`${ID}.g:1_1`, 1000, 1)]);
    const js = ctx.createJoinSet('generated', undefined) as { ok: JoinSetId };
    expect(ctx.joinNext(js.ok, 'try')).toEqual({ outcome: 'all-processed' });
    ctx.submitChild(js.ok, FIBO, [1]);
    ctx.submitChild(js.ok, FIBO, [2]);
    expect('response' in ctx.joinNext(js.ok, 'try')).toBe(true);
    expect(ctx.joinNext(js.ok, 'try')).toEqual({ outcome: 'pending' });
  });

  it('names join sets as Obelisk does and rejects bad or reused names', () => {
    const ctx = context([], []);
    expect(ctx.createJoinSet('generated', undefined)).toEqual({ ok: 'g:1' });
    expect(ctx.createJoinSet('one-off', 'fibo')).toEqual({ ok: 'o:2-fibo' });
    expect(ctx.createJoinSet('named', 'batch')).toEqual({ ok: 'n:batch' });
    expect(ctx.createJoinSet('named', 'batch')).toEqual({ err: 'conflict' });
    expect(ctx.createJoinSet('named', 'a_b')).toEqual({ err: 'invalid-name' });
  });

  it('closing cancels unawaited activities, drops delays, and the time a workflow reads comes from the log', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 0, 0, 5));
    const ctx = context([], [], clock);
    const js = ctx.createJoinSet('generated', undefined) as { ok: JoinSetId };
    ctx.submitChild(js.ok, FIBO, [1]);
    const d = ctx.submitDelay(js.ok, { in: { seconds: 10 } });
    expect(d.expiresAt).toBe(Date.UTC(2026, 0, 1, 0, 0, 15));
    ctx.closeJoinSet(js.ok);
    const { events, effects } = ctx.takePending();
    expect(events.at(-1)).toMatchObject({ type: 'join-set-closed', cancelled: [`${ID}.g:1_1`], dropped: [d.id] });
    // The child is created before it is cancelled: a cancel must reach a child that exists.
    expect(effects.map((e) => e.type)).toEqual(['create-child', 'cancel']);
    expect(effects[1]).toEqual({ type: 'cancel', id: `${ID}.g:1_1` });
    const replay = context(events, [], new ManualClock(Date.UTC(2030, 0, 1)));
    const js2 = replay.createJoinSet('generated', undefined) as { ok: JoinSetId };
    expect(replay.now()).toBe(Date.UTC(2026, 0, 1, 0, 0, 5));
    replay.submitChild(js2.ok, FIBO, [1]);
    expect(replay.submitDelay(js2.ok, { in: { seconds: 10 } }).expiresAt).toBe(Date.UTC(2026, 0, 1, 0, 0, 15));
  });
});

describe('a divergence report', () => {
  it('names the source lines of both calls when the guest gave backtraces', () => {
    const bt = (line: number) => ({ frames: [{ module: 'm', 'func-name': 'f', symbols: [{ 'func-name': 'run', file: 'src/workflow.ts', line }] }] });
    const first = context([], []);
    const js = first.createJoinSet('generated', undefined, bt(10)) as { ok: JoinSetId };
    first.submitChild(js.ok, FIBO, [10], bt(11));
    const history = first.takePending().events;
    const changed = context(history, []);
    changed.createJoinSet('generated', undefined, bt(10));
    let err: unknown;
    try { changed.submitChild(js.ok, FIBO, [12], bt(14)); } catch (e) { err = e; }
    expect((err as NondeterminismError).detail).toContain('recorded at src/workflow.ts:11 (run)\nnew code at src/workflow.ts:14 (run)');
  });
});
