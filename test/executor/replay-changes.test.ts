import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptToml, testEngine, type TestEngine } from '../support/engine.js';
import { tick } from '../../lib/executor/tick.js';
import { replayExecution } from '../../lib/verify/replay.js';
import type { Created, InboxMessage, LogEvent } from '../../lib/model/events.js';
import type { ExecutionId } from '../../lib/model/ids.js';

// The script workflow's program is its code: replaying a recorded log with an edited program is
// replaying it against a changed workflow.
const PROGRAM = [
  { op: 'join-set-create', as: 'a' },
  { op: 'submit', fn: 'activity.echo', js: 'a', args: ['one'] },
  { op: 'submit', fn: 'activity.add', js: 'a', args: [1, 2] },
  { op: 'join-next', js: 'a' },
  { op: 'join-next', js: 'a' },
  { op: 'call', fn: 'activity.echo', args: ['direct'] },
];

let t: TestEngine;
let id: ExecutionId;
let events: LogEvent[];
let inbox: InboxMessage[];

beforeAll(async () => {
  t = await testEngine(scriptToml('interrupt'));
  id = await t.engine.submit('testing:script/workflow.run', [JSON.stringify(PROGRAM)]);
  await tick(t.engine, { maxDurationMs: 60_000, concurrency: 2 });
  ({ events, inbox } = await t.engine.deps.store.read(id));
});
afterAll(() => t.close());

function replayWith(program: unknown[]) {
  const created = { ...(events[0] as Created), params: [JSON.stringify(program)] };
  return replayExecution(t.engine.deps.catalog, t.engine.deps.codec, { id, events: [created, ...events.slice(1)], inbox });
}

describe('replay against a changed workflow', () => {
  it('the recorded program replays', async () => {
    expect(events.at(-1)).toMatchObject({ type: 'finished', result: { ok: expect.any(String) } });
    expect(await replayWith(PROGRAM)).toMatchObject({ status: 'replayed' });
  });

  it('a change that only adds logging (obelisk:log and stdout) replays fine', async () => {
    const logged = [...PROGRAM];
    logged.splice(3, 0, { op: 'log', level: 'info', message: 'added later', quiet: true } as never);
    logged.splice(1, 0, { op: 'print', message: 'also added', quiet: true } as never);
    expect(await replayWith(logged)).toMatchObject({ status: 'replayed' });
  });

  it('different params are detected', async () => {
    const changed = structuredClone(PROGRAM);
    changed[1] = { ...changed[1]!, args: ['uno'] };
    const r = await replayWith(changed);
    expect(r).toMatchObject({ status: 'diverged', index: 4 });
    expect(r.status === 'diverged' && r.message).toContain('testing:activity/ops.echo("one")');
    expect(r.status === 'diverged' && r.message).toContain('testing:activity/ops.echo("uno")');
  });

  it('a different function is detected', async () => {
    const changed = structuredClone(PROGRAM);
    changed[5] = { op: 'call', fn: 'activity.fail', args: ['direct'] };
    const r = await replayWith(changed);
    expect(r.status).toBe('diverged');
    // A direct call's one-off join set is named after the function, so that is where it shows first.
    expect(r.status === 'diverged' && r.message).toMatch(/recorded join-set-created o:\d+-echo, but the workflow now makes join-set-created o:\d+-fail/);
  });

  it('an extra call is detected, in the middle or after the recorded end', async () => {
    const middle = structuredClone(PROGRAM);
    middle.splice(3, 0, { op: 'call', fn: 'activity.echo', args: ['extra'] } as never);
    expect(await replayWith(middle)).toMatchObject({ status: 'diverged' });
    const after = [...structuredClone(PROGRAM), { op: 'call', fn: 'activity.echo', args: ['extra'] }];
    const r = await replayWith(after);
    // The extra call meets what the log recorded next (here: the closing of the join set at the end).
    expect(r).toMatchObject({ status: 'diverged', index: expect.any(Number) });
    expect(r.status === 'diverged' && r.message).toMatch(/now makes join-set-created o:\d+-echo/);
  });

  it('a workflow still in progress is replayed up to its current point with includePending', async () => {
    const sleeping = await t.engine.submit('testing:script/workflow.run', [JSON.stringify([{ op: 'call', fn: 'activity.echo', args: ['x'] }, { op: 'sleep', in: 3_600_000 }])]);
    await tick(t.engine, { maxDurationMs: 10_000, concurrency: 2 });
    const rec = await t.engine.deps.store.read(sleeping);
    expect(rec.events.at(-1)).toMatchObject({ type: 'blocked' });
    const input = { id: sleeping, events: rec.events, inbox: rec.inbox };
    expect(await replayExecution(t.engine.deps.catalog, t.engine.deps.codec, input)).toMatchObject({ status: 'skipped', reason: 'not finished' });
    expect(await replayExecution(t.engine.deps.catalog, t.engine.deps.codec, { ...input, includePending: true })).toMatchObject({ status: 'replayed' });
  });

  it('a different order is detected', async () => {
    const changed = structuredClone(PROGRAM);
    [changed[1], changed[2]] = [changed[2]!, changed[1]!];
    const r = await replayWith(changed);
    expect(r).toMatchObject({ status: 'diverged', index: 4 });
    expect(r.status === 'diverged' && r.message).toContain('ffqn differs');
  });
});
