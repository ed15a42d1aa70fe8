import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine, fiboToml, type TestEngine } from '../support/engine.js';
import { tick } from '../../lib/executor/tick.js';
import { replayExecution } from '../../lib/verify/replay.js';
import type { InboxMessage, LogEvent } from '../../lib/model/events.js';
import type { ExecutionId } from '../../lib/model/ids.js';

// One recorded execution, edited in each test to prove divergence is detected (style.md #15).
let t: TestEngine;
let id: ExecutionId;
let events: LogEvent[];
let inbox: InboxMessage[];

beforeAll(async () => {
  t = await testEngine(fiboToml('interrupt'));
  id = await t.engine.submit('template-fibo:workflow/fibo-workflow-ifc.fiboa', [10, 2]);
  await tick(t.engine, { maxDurationMs: 60_000, concurrency: 2 });
  ({ events, inbox } = await t.engine.deps.store.read(id));
});
afterAll(() => t.close());

const replay = (edited: LogEvent[]) => replayExecution(t.engine.deps.catalog, t.engine.deps.codec, { id, events: edited, inbox });
const edit = (f: (e: LogEvent) => LogEvent) => events.map((e) => f(structuredClone(e)));
const firstChild = () => events.findIndex((e) => e.type === 'child-requested');

describe('replay of a recorded execution', () => {
  it('reproduces the recorded history and result', async () => {
    expect(events.at(-1)).toMatchObject({ type: 'finished', result: { ok: 55 } });
    expect(await replay(events)).toEqual({ id, status: 'replayed', events: events.filter((e) => !['created', 'locked', 'unlocked', 'blocked', 'finished'].includes(e.type)).length });
  });

  it('detects different params, naming the event and both sides', async () => {
    const i = firstChild();
    const r = await replay(edit((e) => (e.type === 'child-requested' && e.join_set_id === 'o:1-fibo' ? { ...e, params: [11] } : e)));
    expect(r).toMatchObject({ status: 'diverged', index: i + 1 });
    if (r.status !== 'diverged') throw new Error('expected a divergence');
    expect(r.message).toContain(`event ${i + 1}: recorded child-requested template-fibo:activity/fibo-activity-ifc.fibo(11)`);
    expect(r.message).toContain('now makes child-requested template-fibo:activity/fibo-activity-ifc.fibo(10)');
    expect(r.detail).toContain('"params":[11]');
  });

  it('detects a call to a different function', async () => {
    const r = await replay(edit((e) => (e.type === 'child-requested' && e.join_set_id === 'o:1-fibo' ? { ...e, ffqn: 'template-fibo:activity/fibo-activity-ifc.fibo-fast' } : e)));
    expect(r).toMatchObject({ status: 'diverged', index: firstChild() + 1 });
    expect(r.status === 'diverged' && r.message).toContain('ffqn differs');
  });

  it('detects a different order of calls', async () => {
    // Drop the first join set creation: the workflow's first call now meets a child request.
    const at = events.findIndex((e) => e.type === 'join-set-created');
    const r = await replay(events.filter((_, i) => i !== at));
    expect(r).toMatchObject({ status: 'diverged' });
    expect(r.status === 'diverged' && r.message).toMatch(/recorded child-requested .* now makes join-set-created/);
  });

  it('detects a different final result', async () => {
    const r = await replay(edit((e) => (e.type === 'finished' ? { ...e, result: { ok: 56 } } : e)));
    expect(r).toMatchObject({ status: 'diverged', index: events.length });
    expect(r.status === 'diverged' && r.message).toContain('where the log records {"result":{"ok":56}}');
  });

  it('detects a dropped response at the join-next that consumed it', async () => {
    const at = events.findIndex((e) => e.type === 'join-next');
    const r = await replayExecution(t.engine.deps.catalog, t.engine.deps.codec, { id, events, inbox: inbox.slice(1) });
    expect(r).toMatchObject({ status: 'diverged', index: at + 1 });
    expect(r.status === 'diverged' && r.message).toContain('which is not a response of join set');
  });

  it('detects reordered events at the first moved line', async () => {
    // Swap the second join set's creation and its child request.
    const a = events.findIndex((e) => e.type === 'join-set-created' && e.join_set_id === 'o:2-fibo');
    const swapped = [...events];
    [swapped[a], swapped[a + 1]] = [swapped[a + 1]!, swapped[a]!];
    const r = await replay(swapped);
    expect(r).toMatchObject({ status: 'diverged', index: a + 1 });
  });

  it('detects a dropped event at the line that now stands in its place', async () => {
    const at = events.findIndex((e) => e.type === 'join-next');
    const r = await replay(events.filter((_, i) => i !== at));
    expect(r).toMatchObject({ status: 'diverged', index: at + 1 });
    expect(r.status === 'diverged' && r.message).toMatch(/recorded join-set-created o:2-fibo, but the workflow now makes join-next/);
  });

  it('rejects a malformed sequence', async () => {
    const r = await replay([...events, events[1]!]);
    expect(r).toMatchObject({ status: 'diverged', index: events.length });
    expect(r.status === 'diverged' && r.message).toContain('events after finished');
  });
});
