import { afterEach, describe, expect, it } from 'vitest';
import { testEngine, type TestEngine } from '../support/engine.js';
import { SandboxPool } from '../../lib/executor/sandbox/pool.js';
import { obelisk, submitAndTick } from '../support/cli.js';
import type { ExecutionId } from '../../lib/model/ids.js';
import type { JsonValue } from '../../lib/model/json.js';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const OPS = 'testing:activity/ops';
function toml(settings: string) {
  return `
[[activity_wasm]]
name = "ops"
location = "\${BUILT}/test_activity.wasm"
${settings}

[[activity_wasm]]
name = "hog"
location = "\${BUILT}/memory_hog.wasm"
max_retries = 0
memory_limit.megabytes = 8
`;
}

/** Through the command line: `obelisk execution submit`, then `obelisk tick`. */
async function run(settings: string, ffqn: string, params: JsonValue[]) {
  t = await testEngine(toml(settings));
  const started = performance.now();
  const { id, summary } = await submitAndTick(t.dir, ffqn, params);
  const { events } = await t.engine.deps.store.read(id);
  return { events, last: events.at(-1), summary: summary as { errors: unknown[] }, ms: performance.now() - started };
}

describe('sandboxed activities', () => {
  it('stops an attempt that runs past its timeout, retries it, then finishes as timed-out', async () => {
    const { last, events, ms } = await run('max_retries = 1\nretry_exp_backoff.milliseconds = 10\nexec.lock_expiry.milliseconds = 300', `${OPS}.spin`, [60_000]);
    expect(last).toMatchObject({ type: 'finished', failure: { kind: 'timed-out' } });
    expect(events.filter((e) => e.type === 'temporarily-timed-out').length).toBe(1);
    expect(ms).toBeLessThan(20_000); // a one-minute busy loop was stopped, twice
  });

  it('turns a trap into a failed attempt, retried with backoff, then an uncategorized failure', async () => {
    const { last, events, summary } = await run('max_retries = 2\nretry_exp_backoff.milliseconds = 10', `${OPS}.trap`, []);
    expect(summary.errors).toEqual([]);
    const failed = events.filter((e) => e.type === 'temporarily-failed');
    expect(failed.length).toBe(2);
    expect(last).toMatchObject({ type: 'finished', failure: { kind: 'uncategorized' } });
    if (last?.type !== 'finished' || !('failure' in last)) throw new Error('expected a failure');
    expect(last.failure.reason).toMatch(/unreachable/);
    // backoff doubles: attempt n waits 10 ms × 2^(n−1)
    const waits = failed.map((e) => e.type === 'temporarily-failed' ? Date.parse(e.backoff_expires_at) - Date.parse(e.at) : 0);
    expect(waits).toEqual([10, 20]);
  });

  it('retries an err while retry_on_err allows, and never a permanent one', async () => {
    let r = await run('max_retries = 1\nretry_exp_backoff.milliseconds = 10', `${OPS}.fail`, ['nope']);
    expect(r.last).toMatchObject({ type: 'finished', result: { err: 'nope' } });
    expect(r.events.filter((e) => e.type === 'temporarily-failed').length).toBe(1);
    await t!.close();
    r = await run('max_retries = 3\nretry_on_err = false', `${OPS}.fail`, ['nope']);
    expect(r.events.filter((e) => e.type === 'temporarily-failed').length).toBe(0);
    await t!.close();
    r = await run('max_retries = 3', `${OPS}.fail-permanent`, ['bad input']);
    expect(r.last).toMatchObject({ type: 'finished', result: { err: { 'permanent-failure': 'bad input' } } });
    expect(r.events.filter((e) => e.type === 'temporarily-failed').length).toBe(0);
  });

  it('bounds linear memory: growth under the cap works, runaway growth traps', async () => {
    let r = await run('', 'testing:hog/hog.grow', [4]);
    expect(r.last).toMatchObject({ type: 'finished', result: { ok: 4 } });
    await t!.close();
    r = await run('', 'testing:hog/hog.grow', [64]);
    expect(r.last).toMatchObject({ type: 'finished', failure: { kind: 'uncategorized' } });
  });

  it('runs every attempt on fresh memory, whether the last one returned (renewed) or trapped (made whole)', async () => {
    t = await testEngine(toml(''), { activities: new SandboxPool(1) });
    const hog = t.engine.deps.catalog.resolve('testing:hog/hog.grow')!;
    const grow = (mib: number) => t!.engine.deps.activities.run(hog, [mib], { timeoutMs: 10_000 });
    const results = [];
    for (const mib of [4, 4, 4, 64, 4]) results.push(await grow(mib));
    expect(results.map((r) => r.kind === 'returned' ? r.value : r.kind)).toEqual([{ ok: 4 }, { ok: 4 }, { ok: 4 }, 'trapped', { ok: 4 }]);
  });

  it('a worker stopped at a timeout hands the attempts waiting behind it to a new worker', async () => {
    t = await testEngine(toml(''), { activities: new SandboxPool(1) });
    const fn = (name: string) => t!.engine.deps.catalog.resolve(`${OPS}.${name}`)!;
    const run = (name: string, params: JsonValue[], timeoutMs = 10_000) => t!.engine.deps.activities.run(fn(name), params, { timeoutMs });
    // Short attempts first: the pool then lets several wait behind a running one.
    for (let i = 0; i < 5; i++) expect(await run('echo', [`warm ${i}`])).toEqual({ kind: 'returned', value: { ok: `warm ${i}` } });
    const spin = run('spin', [60_000], 300);
    const behind = [1, 2, 3, 4].map((i) => run('echo', [`behind ${i}`]));
    expect(await spin).toEqual({ kind: 'timed-out' });
    expect(await Promise.all(behind)).toEqual([1, 2, 3, 4].map((i) => ({ kind: 'returned', value: { ok: `behind ${i}` } })));
  });

  it('keeps the tick alive when a guest misbehaves: other executions still finish', async () => {
    t = await testEngine(toml('max_retries = 0\nexec.lock_expiry.milliseconds = 300'));
    const bad = (await obelisk(t.dir, 'execution', 'submit', `${OPS}.spin`, '[60000]')).out.trim() as ExecutionId;
    const good = (await obelisk(t.dir, 'execution', 'submit', `${OPS}.echo`, '["hi"]')).out.trim() as ExecutionId;
    const ticked = await obelisk(t.dir, 'tick', '--json');
    expect(ticked.code).toBe(0);
    expect(JSON.parse(ticked.out)).toMatchObject({ finishedOk: 1, failed: 1, errors: [] });
    expect((await t.engine.deps.store.read(good)).events.at(-1)).toMatchObject({ result: { ok: 'hi' } });
    expect((await t.engine.deps.store.read(bad)).events.at(-1)).toMatchObject({ failure: { kind: 'timed-out' } });
  });
});
