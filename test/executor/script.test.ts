import { afterEach, describe, expect, it } from 'vitest';
import { scriptToml, testEngine, type TestEngine } from '../support/engine.js';
import { tick } from '../../lib/executor/tick.js';
import { readOutput } from '../../lib/store/output.js';
import { SeededRandom } from '../../lib/model/random.js';
import { isHistoryEvent, type LogEvent } from '../../lib/model/events.js';
import type { ExecutionId } from '../../lib/model/ids.js';

const engines: TestEngine[] = [];
afterEach(async () => {
  for (const t of engines.splice(0)) await t.close();
});

async function runScript(strategy: 'await' | 'interrupt', program: unknown[], seed = 'script', concurrency = 2) {
  // One step at a time means one attempt at a time: inline children would all start at once.
  const t = await testEngine(scriptToml(strategy), { random: new SeededRandom(seed), ...(concurrency === 1 ? { inlineActivities: false } : {}) });
  engines.push(t);
  const id = await t.engine.submit('testing:script/workflow.run', [JSON.stringify(program)], { id: 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F' as ExecutionId });
  const summary = await tick(t.engine, { maxDurationMs: 60_000, concurrency });
  const { events } = await t.engine.deps.store.read(id as ExecutionId);
  return { t, id, events, summary, output: readOutput(t.engine.deps.store.root, id) };
}

/** History events with their times removed: what both strategies must agree on. */
function history(events: readonly LogEvent[]) {
  return events.filter(isHistoryEvent).map((e) => {
    const { at: _at, ...rest } = e as LogEvent & { expires_at?: string };
    delete (rest as { expires_at?: string }).expires_at;
    return rest;
  });
}

const PROGRAM = [
  { op: 'join-set-create', as: 'a' },
  { op: 'submit', fn: 'activity.echo', js: 'a', args: ['one'], as: 'c1' },
  { op: 'submit', fn: 'activity.echo', js: 'a', args: ['two'] },
  { op: 'log', level: 'info', message: 'submitted two' },
  { op: 'await-next', fn: 'activity.echo', js: 'a' },
  { op: 'get', fn: 'activity.echo', id: '$c1' },
  { op: 'join-next', js: 'a' },
  { op: 'call', fn: 'activity.echo', args: ['direct'] },
  { op: 'invoke', fn: 'activity.add', label: 'sum', args: [1, 2] },
  { op: 'random-u64', min: 0, max: 1000, hide: true },
  { op: 'sleep', in: 20, hide: true },
  { op: 'call', fn: 'activity.fail', args: ['boom'] },
  { op: 'print', message: 'done' },
];

describe('the script workflow on the engine', () => {
  it('writes a log line emitted just before a blocking await once, however many runs it takes (interrupt)', async () => {
    const { events, output } = await runScript('interrupt', [
      { op: 'join-set-create', as: 'a' },
      { op: 'submit', fn: 'activity.echo', js: 'a', args: ['x'] },
      { op: 'log', level: 'info', message: 'before the await' },
      { op: 'print', message: 'printed before the await' },
      { op: 'join-next', js: 'a' },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'finished', result: { ok: expect.any(String) } });
    expect(events.filter((e) => e.type === 'blocked').length).toBeGreaterThan(0); // it did run twice
    expect(output.map((l) => l.message)).toEqual(['before the await', 'printed before the await']);
  });

  it('records identical history under interrupt and await', async () => {
    // One step at a time, so children finish in the same order in both runs.
    const a = await runScript('interrupt', PROGRAM, 'script', 1);
    const b = await runScript('await', PROGRAM, 'script', 1);
    expect(a.id).toBe(b.id);
    expect(a.events.at(-1)).toMatchObject({ type: 'finished', result: { ok: expect.any(String) } });
    expect(b.events.at(-1)).toEqual({ ...a.events.at(-1), at: b.events.at(-1)!.at, run_id: (b.events.at(-1) as { run_id: string }).run_id });
    expect(history(b.events)).toEqual(history(a.events));
    expect(b.output.map((l) => l.message)).toEqual(a.output.map((l) => l.message));
    // The hot strategy ran without replays: no `blocked` line at all.
    expect(b.events.filter((e) => e.type === 'blocked').length).toBe(0);
    expect(a.events.filter((e) => e.type === 'blocked').length).toBeGreaterThan(3);
    const values = JSON.parse((a.events.at(-1) as { result: { ok: string } }).result.ok);
    expect(values[4]).toEqual({ ok: [`${a.id}.g:1_1`, { ok: 'one' }] });
    expect(values[5]).toEqual({ ok: { ok: 'one' } });
    expect(values[11]).toEqual({ err: 'boom' });
  });
});

describe('cancelling a workflow', () => {
  it('finishes it as cancelled, and its log still replays (verified when the engine closes)', async () => {
    const t = await testEngine(scriptToml('interrupt'));
    engines.push(t);
    const id = await t.engine.submit('testing:script/workflow.run', [JSON.stringify([{ op: 'sleep', in: 3_600_000 }])]);
    await tick(t.engine, { maxDurationMs: 2_000, concurrency: 2 });
    expect((await t.engine.deps.store.read(id)).events.at(-1)).toMatchObject({ type: 'blocked' });
    await t.engine.deps.store.deliver(id, { type: 'cancel-requested', at: new Date().toISOString(), by: 'test' });
    await tick(t.engine, { maxDurationMs: 2_000, concurrency: 2 });
    expect((await t.engine.deps.store.read(id)).events.at(-1)).toMatchObject({ type: 'finished', failure: { kind: 'cancelled' } });
  });
});

describe('cancelling a delay', () => {
  it('makes the sleep waiting on it return err', async () => {
    const t = await testEngine(scriptToml('interrupt'));
    engines.push(t);
    const id = await t.engine.submit('testing:script/workflow.run', [JSON.stringify([{ op: 'sleep', in: 3_600_000 }, { op: 'execution-id-current', quiet: true }])]);
    await tick(t.engine, { maxDurationMs: 2_000, concurrency: 2 });
    const { events } = await t.engine.deps.store.read(id);
    const delay = events.find((e) => e.type === 'delay-requested');
    if (delay?.type !== 'delay-requested') throw new Error('expected a delay');
    const { run } = await import('../../lib/cli/main.js');
    const out: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => out.push(s), style: plain, errStyle: plain };
    expect(await run(['execution', 'cancel', delay.delay_id, '--config', `${t.dir}/obelisk.toml`], { io, env: process.env, cwd: t.dir })).toBe(0);
    expect(out.join('')).toContain(`cancelled ${delay.delay_id}`);
    await tick(t.engine, { maxDurationMs: 2_000, concurrency: 2 });
    const last = (await t.engine.deps.store.read(id)).events.at(-1);
    expect(last).toMatchObject({ type: 'finished', result: { ok: '[{"err":null}]' } });
  });
});

const id = (s: string) => s;
const plain = { enabled: false, bold: id, dim: id, red: id, green: id, yellow: id, cyan: id };
