/**
 * In-thread attempts: the activity child a hot workflow waits for alone runs in the workflow's own
 * worker thread (lib/executor/sandbox/in-thread.ts). Which children go there, what a time limit
 * does to such an attempt, and what the attempt reports (its output, its decision).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load.js';
import { openEngine, type OpenOptions } from '../../lib/executor/open.js';
import { tick } from '../../lib/executor/tick.js';
import { SandboxPool } from '../../lib/executor/sandbox/pool.js';
import { InThread } from '../../lib/executor/sandbox/in-thread.js';
import { describeAttempt } from '../../lib/executor/sandbox/spec.js';
import { inThreadEligible } from '../../lib/executor/sandbox/eligible.js';
import type { InThreadJobReport } from '../../lib/executor/sandbox/protocol.js';
import type { ActivityRunner } from '../../lib/executor/activity-runner.js';
import { executionDirName, type ExecutionId } from '../../lib/model/ids.js';
import { verifyAll } from '../../lib/verify/verify-all.js';
import { IN_PROCESS, ROOT, SCRIPT_FFQN, writeConfig, type HarnessConfig } from '../../harness/run/config.js';
import { testEngine, type TestEngine } from '../support/engine.js';

const ID = 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F' as ExecutionId;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A pool that counts the attempts it is given (the ones not run in a workflow's thread). */
function countingPool(): ActivityRunner & { seen: string[] } {
  const pool = new SandboxPool(2);
  const seen: string[] = [];
  return { seen, run: (entry, params, limits) => (seen.push(entry.ffqn), pool.run(entry, params, limits)), close: () => pool.close() };
}

async function engine(config: Partial<HarnessConfig>, opts: OpenOptions = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'obelisk-in-thread-'));
  const stateDir = path.join(dir, 'state');
  const e = await openEngine(await loadConfig(writeConfig(dir, { ...IN_PROCESS, strategy: 'await', ...config, stateDir }), process.env), opts);
  cleanups.push(async () => {
    await Promise.all([e.deps.hot?.close(), e.deps.activities.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
  const folder = (id: string) => path.join(stateDir, 'executions', executionDirName(id as ExecutionId));
  return { e, folder };
}

const childLines = (folder: string) => readFileSync(path.join(folder, 'children.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; execution_id: string });

describe('in-thread attempts', () => {
  it('run a child awaited alone in the workflow\'s thread, and a fan-out in the pool; the same lines either way', async () => {
    const pool = countingPool();
    const { e, folder } = await engine({}, { activities: pool, inThreadAttempts: true, inThreadFanOutMs: 0 });
    const program = [
      { op: 'call', fn: 'activity.echo', args: ['x'] },
      { op: 'call', fn: 'activity.add', args: [1, 2] },
      { op: 'join-set-create', as: 'a' },
      { op: 'submit', fn: 'activity.add', js: 'a', args: [3, 4], as: 'c1' },
      { op: 'submit', fn: 'activity.echo', js: 'a', args: ['y'], as: 'c2' },
      { op: 'join-next', js: 'a' },
      { op: 'join-next', js: 'a' },
    ];
    await e.submit(SCRIPT_FFQN, [JSON.stringify(program)], { id: ID });
    const summary = await tick(e, { maxDurationMs: 30_000, concurrency: 2 });
    expect(summary.finishedOk).toBe(5);
    // The two direct calls ran in the workflow's worker; the two submitted children went to the pool.
    expect(pool.seen.sort()).toEqual(['testing:activity/ops.add', 'testing:activity/ops.echo']);
    const { events } = await e.deps.store.read(ID);
    const result = events.at(-1) as { type: string; result?: { ok: string } };
    expect(result.type).toBe('finished');
    expect(JSON.parse(result.result!.ok).slice(0, 2)).toEqual([{ ok: 'x' }, { ok: 3 }]);
    for (const c of [`${ID}.o:1-echo_1`, `${ID}.o:2-add_1`, `${ID}.g:3_1`, `${ID}.g:3_2`]) {
      expect((await e.deps.store.read(c as ExecutionId)).events.map((x) => x.type)).toEqual(['created', 'locked', 'finished']);
    }
    // A child's finished line is written before the parent's join-next that consumed it: the log replays.
    const reports = await verifyAll(e.deps.store, e.deps.catalog, e.deps.codec);
    expect(reports.map((r) => [r.id, r.status])).toEqual([[ID, 'replayed']]);
    expect(childLines(folder(ID))).toHaveLength(12);
  });

  it('past its time limit: the workflow\'s worker is stopped, the attempt recorded as timed out, retried in the pool; the parent replays; the activity runs in the pool from then on', async () => {
    const pool = countingPool();
    const { e, folder } = await engine({ activityLockMs: 300, maxRetries: 1 }, { activities: pool, inThreadAttempts: true });
    await e.submit(SCRIPT_FFQN, [JSON.stringify([{ op: 'call', fn: 'activity.spin', args: [5000] }, { op: 'call', fn: 'activity.spin', args: [1] }])], { id: ID });
    const started = Date.now();
    await tick(e, { maxDurationMs: 30_000, concurrency: 2 });
    expect(Date.now() - started).toBeLessThan(4000); // not the 5 s the guest would spin
    const child = `${ID}.o:1-spin_1` as ExecutionId;
    const lines = childLines(folder(ID));
    expect(lines.filter((l) => l.execution_id === child).map((l) => l.type)).toEqual(['created', 'locked', 'temporarily-timed-out']);
    expect(lines.filter((l) => l.execution_id !== child).map((l) => l.type)).toEqual(['created', 'locked', 'finished']); // the second call, in the pool
    const own = (await e.deps.store.read(child)).events;
    expect(own.map((x) => x.type)).toEqual(['created', 'locked', 'temporarily-timed-out', 'locked', 'finished']);
    expect(own.at(-1)).toMatchObject({ failure: { kind: 'timed-out' } });
    // The retry, and the next call: an activity that ran past its limit in a workflow's thread runs in the pool from then on.
    expect(pool.seen).toEqual(['testing:activity/ops.spin', 'testing:activity/ops.spin']);
    // The parent's run ended when its worker was stopped (blocked), and a later run replayed it to the end.
    const parent = (await e.deps.store.read(ID)).events.map((x) => x.type);
    expect(parent.filter((t) => t === 'locked').length).toBeGreaterThanOrEqual(2);
    expect(parent).toContain('blocked');
    expect(parent.at(-1)).toBe('finished');
    const reports = await verifyAll(e.deps.store, e.deps.catalog, e.deps.codec);
    expect(reports.find((r) => r.id === ID)?.status).toBe('replayed');
    expect(reports.filter((r) => r.status === 'diverged')).toEqual([]);
  }, 60_000);

  it('run a fan-out in the workflow\'s thread, one after another; one of long attempts stops early and leaves the rest to the pool', async () => {
    const pool = countingPool();
    const { e, folder } = await engine({}, { activities: pool, inThreadAttempts: true });
    const program = [
      { op: 'join-set-create', as: 'a' },
      { op: 'submit', fn: 'activity.add', js: 'a', args: [1, 2], as: 'c1' },
      { op: 'submit', fn: 'activity.add', js: 'a', args: [3, 4], as: 'c2' },
      { op: 'submit', fn: 'activity.add', js: 'a', args: [5, 6], as: 'c3' },
      { op: 'join-next', js: 'a' },
      { op: 'join-next', js: 'a' },
      { op: 'join-next', js: 'a' },
      // 30 ms each: the job stops after the first (past 20 ms, over 1 ms an attempt), the pool runs the other two ...
      { op: 'submit', fn: 'activity.spin', js: 'a', args: [30], as: 'c4' },
      { op: 'submit', fn: 'activity.spin', js: 'a', args: [30], as: 'c5' },
      { op: 'submit', fn: 'activity.spin', js: 'a', args: [30], as: 'c6' },
      { op: 'join-next', js: 'a' },
      { op: 'join-next', js: 'a' },
      { op: 'join-next', js: 'a' },
      // ... and the next fan-out of it goes to the pool whole: its attempts are known to take long.
      { op: 'submit', fn: 'activity.spin', js: 'a', args: [1], as: 'c7' },
      { op: 'submit', fn: 'activity.spin', js: 'a', args: [1], as: 'c8' },
      { op: 'join-next', js: 'a' },
      { op: 'join-next', js: 'a' },
    ];
    await e.submit(SCRIPT_FFQN, [JSON.stringify(program)], { id: ID });
    const summary = await tick(e, { maxDurationMs: 30_000, concurrency: 2 });
    expect(summary.finishedOk).toBe(9);
    expect(pool.seen).toEqual(Array(4).fill('testing:activity/ops.spin'));
    const { events } = await e.deps.store.read(ID);
    // Run one after another in submission order, they are consumed in that order.
    const consumed = events.filter((x) => x.type === 'join-next' && 'response' in x && x.response).map((x) => (x as { response: { execution_id: string } }).response.execution_id);
    expect(consumed.slice(0, 4)).toEqual([`${ID}.g:1_1`, `${ID}.g:1_2`, `${ID}.g:1_3`, `${ID}.g:1_4`]);
    expect(JSON.parse((events.at(-1) as { result: { ok: string } }).result.ok).slice(0, 1)).toEqual(['g:1']);
    expect(childLines(folder(ID)).filter((l) => l.type === 'finished')).toHaveLength(8);
    const reports = await verifyAll(e.deps.store, e.deps.catalog, e.deps.codec);
    expect(reports.map((r) => [r.id, r.status])).toEqual([[ID, 'replayed']]);
  });

  it('a fan-out stopped at one attempt\'s time limit: that one timed out, the others run again on their own; the parent finishes', async () => {
    const pool = countingPool();
    const { e, folder } = await engine({ activityLockMs: 300, maxRetries: 1 }, { activities: pool, inThreadAttempts: true });
    const program = [
      { op: 'join-set-create', as: 'a' },
      { op: 'submit', fn: 'activity.spin', js: 'a', args: [0], as: 'c1' },
      { op: 'submit', fn: 'activity.spin', js: 'a', args: [5000], as: 'c2' },
      { op: 'submit', fn: 'activity.spin', js: 'a', args: [0], as: 'c3' },
      { op: 'join-next', js: 'a' },
      { op: 'join-next', js: 'a' },
      { op: 'join-next', js: 'a' },
    ];
    await e.submit(SCRIPT_FFQN, [JSON.stringify(program)], { id: ID });
    const started = Date.now();
    await tick(e, { maxDurationMs: 30_000, concurrency: 2 });
    expect(Date.now() - started).toBeLessThan(10_000);
    const [c1, c2, c3] = [1, 2, 3].map((i) => `${ID}.g:1_${i}` as ExecutionId);
    const lines = childLines(folder(ID));
    const linesOf = (id: string) => lines.filter((l) => l.execution_id === id).map((l) => l.type);
    expect(linesOf(c2!)).toEqual(['created', 'locked', 'temporarily-timed-out']);
    // c1 ended before the worker was stopped (its report went with it), c3 never began: both run again on their own.
    expect(linesOf(c1!)).toEqual(['created', 'locked']);
    expect(linesOf(c3!)).toEqual(['created', 'locked']);
    for (const c of [c1!, c3!]) expect((await e.deps.store.read(c)).events.at(-1)).toMatchObject({ type: 'finished', result: { ok: expect.any(Number) } });
    expect((await e.deps.store.read(c2!)).events.at(-1)).toMatchObject({ type: 'finished', failure: { kind: 'timed-out' } });
    expect(pool.seen.filter((f) => f === 'testing:activity/ops.spin')).toHaveLength(3);
    expect((await e.deps.store.read(ID)).events.at(-1)).toMatchObject({ type: 'finished' });
    const reports = await verifyAll(e.deps.store, e.deps.catalog, e.deps.codec);
    expect(reports.find((r) => r.id === ID)?.status).toBe('replayed');
    expect(reports.filter((r) => r.status === 'diverged')).toEqual([]);
  }, 60_000);

  it('a trapped attempt leaves the workflow waiting; the retry runs in the pool and the parent is resumed', async () => {
    const pool = countingPool();
    const { e } = await engine({ maxRetries: 1, backoffMs: 5 }, { activities: pool, inThreadAttempts: true });
    await e.submit(SCRIPT_FFQN, [JSON.stringify([{ op: 'call', fn: 'activity.trap', args: [] }, { op: 'call', fn: 'activity.echo', args: ['after'] }])], { id: ID });
    const started = Date.now();
    await tick(e, { maxDurationMs: 30_000, concurrency: 2 });
    expect(Date.now() - started).toBeLessThan(10_000); // resumed by the retry's result, not by the lease running out
    expect(pool.seen).toEqual(['testing:activity/ops.trap']);
    const parent = (await e.deps.store.read(ID)).events;
    expect(parent.map((x) => x.type).filter((t) => t === 'locked')).toHaveLength(1); // one hot run throughout
    expect(parent.at(-1)).toMatchObject({ type: 'finished' });
  }, 60_000);
});

describe('InThread (the worker side)', () => {
  let t: TestEngine | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('captures the guest\'s output into the report, and gives the workflow the response retry.ts decides', async () => {
    t = await testEngine(`
[[activity_wasm]]
name = "js_activity"
location = "\${ROOT}/components/js_activity/activity.js"
wit = "\${ROOT}/components/js_activity/wit"
max_retries = 0
`);
    const entry = t.engine.deps.catalog.resolve('testing:js-activity/sandbox.print')!;
    expect(inThreadEligible(entry)).toBe(false); // a componentize-js component: the pool's only
    const small = { ...entry, component: { ...entry.component, location: `${ROOT}/.cache/components/test_activity.wasm` } };
    expect(inThreadEligible(small)).toBe(true);
    expect(inThreadEligible({ ...small, component: { ...small.component, config: { ...small.component.config, inWorkflowThread: false } as never } })).toBe(false);
    const cfg = entry.component.config as { maxRetries: number; retryExpBackoffMs: number; retryOnErr: boolean };
    const inThread = new InThread();
    await inThread.prepare({ specs: [{ ...describeAttempt(entry).spec, policy: cfg, errIsVariant: false }] });
    const a = { ffqn: entry.ffqn, childId: `${ID}.g:1_1`, joinSetId: 'g:1', params: ['hello'] };
    const b = { ...a, childId: `${ID}.g:1_2`, params: ['again'] };
    const missing = { ...a, childId: `${ID}.g:1_3`, ffqn: 'testing:js-activity/sandbox.nothing' };
    const progress = { begun: 0, ended: 0 };
    const counting = { began: () => void progress.begun++, ended: () => void progress.ended++ };
    // One job each: a job may stop after an attempt that took long (a first call compiles), leaving the rest.
    const runs = [a, b, missing].map((x) => inThread.run({ attempts: [x] }, () => Date.UTC(2026, 0, 1), counting) as { report: InThreadJobReport; responses: unknown[] });
    expect(progress).toEqual({ begun: 3, ended: 3 });
    const report = runs.flatMap((r) => r.report.reports);
    expect(runs.flatMap((r) => r.report.skipped)).toEqual([]);
    expect(report[0]).toMatchObject({ childId: a.childId, ffqn: entry.ffqn, at: '2026-01-01T00:00:00.000Z', result: { kind: 'returned', value: { ok: 'hello' } }, stdout: 'hello\n', stderr: 'stderr: hello\n' });
    expect(report[0]!.ms).toBeGreaterThan(0);
    // The second attempt gets a fresh (renewed) instance and its own output only.
    expect(report[1]).toMatchObject({ childId: b.childId, result: { kind: 'returned', value: { ok: 'again' } }, stdout: 'again\n', stderr: 'stderr: again\n' });
    // Not loaded in this thread: the attempt could not start (a trap); the workflow gets no response from it (max_retries = 0 applies on the main thread).
    expect(report[2]!.result).toMatchObject({ kind: 'trapped', reason: expect.stringContaining('could not start') });
    expect(runs.flatMap((r) => r.responses)).toEqual([
      { type: 'child-finished', at: '2026-01-01T00:00:00.000Z', join_set_id: 'g:1', child_execution_id: a.childId, result: { ok: 'hello' } },
      { type: 'child-finished', at: '2026-01-01T00:00:00.000Z', join_set_id: 'g:1', child_execution_id: b.childId, result: { ok: 'again' } },
    ]);
  }, 180_000);
});
