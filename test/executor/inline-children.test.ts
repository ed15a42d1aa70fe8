/**
 * Inline children (lib/executor/inline-children.ts): a hot workflow's activity children run at
 * once by the process holding the parent, recorded in the parent's children.jsonl. What must hold
 * beyond the fast path: a retried child becomes an execution of its own; a holder that loses the
 * parent mid-attempt ends its step and writes nothing more; the next holder runs the child again.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load.js';
import { openEngine } from '../../lib/executor/open.js';
import { tick } from '../../lib/executor/tick.js';
import { executionDirName, type ExecutionId } from '../../lib/model/ids.js';
import { appendOutput, readOutput } from '../../lib/store/output.js';
import { IN_PROCESS, SCRIPT_FFQN, writeConfig, type HarnessConfig } from '../../harness/run/config.js';
import { sleep } from '../../harness/run/processes.js';
import { verifyAll } from '../../lib/verify/verify-all.js';
import { InlineChildren } from '../../lib/executor/inline-children.js';
import { HotWaits } from '../../lib/executor/hot-waits.js';
import { SeededRandom } from '../../lib/model/random.js';

const ID = 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F' as ExecutionId;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function engines(config: Partial<HarnessConfig>, others: { clockAheadMs: number }[] = []) {
  const dir = mkdtempSync(path.join(tmpdir(), 'obelisk-inline-'));
  const stateDir = path.join(dir, 'state');
  const hot = await openEngine(await loadConfig(writeConfig(dir, { ...IN_PROCESS, strategy: 'await', ...config, stateDir }, 'await.toml'), process.env));
  const rest = [];
  for (const [i, o] of others.entries()) {
    const toml = writeConfig(dir, { ...IN_PROCESS, strategy: 'interrupt', ...config, stateDir }, `other-${i}.toml`);
    rest.push(await openEngine(await loadConfig(toml, process.env), { hotWorkers: 0, clock: { now: () => Date.now() + o.clockAheadMs } }));
  }
  cleanups.push(async () => {
    for (const e of [hot, ...rest]) await Promise.all([e.deps.hot?.close(), e.deps.activities.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
  const folder = (id: string) => path.join(stateDir, 'executions', executionDirName(id as ExecutionId));
  return { hot, rest, stateDir, folder };
}

describe('inline children', () => {
  it('run at once and leave no folder; each is an execution (read, list, output); the parent replays', async () => {
    const { hot, folder } = await engines({});
    const program = [
      { op: 'call', fn: 'activity.echo', args: ['x'] },
      { op: 'join-set-create', as: 'a' },
      { op: 'submit', fn: 'activity.add', js: 'a', args: [1, 2], as: 'c1' },
      { op: 'submit', fn: 'activity.echo', js: 'a', args: ['y'], as: 'c2' },
      { op: 'join-next', js: 'a' },
      { op: 'join-next', js: 'a' },
    ];
    await hot.submit(SCRIPT_FFQN, [JSON.stringify(program)], { id: ID });
    const summary = await tick(hot, { maxDurationMs: 30_000, concurrency: 2 });
    const { events } = await hot.deps.store.read(ID);
    expect(events.at(-1)).toMatchObject({ type: 'finished', result: { ok: expect.any(String) } });
    expect(summary.finishedOk).toBe(4); // the workflow and its three children
    const children = [`${ID}.o:1-echo_1`, `${ID}.g:2_1`, `${ID}.g:2_2`] as ExecutionId[];
    for (const c of children) {
      expect(existsSync(folder(c))).toBe(false);
      expect((await hot.deps.store.read(c)).events.map((e) => e.type)).toEqual(['created', 'locked', 'finished']);
    }
    const listed: string[] = [];
    for await (const id of hot.deps.store.list({ inline: true })) listed.push(id);
    expect(listed.sort()).toEqual([ID, ...children].sort());
    const lines = readFileSync(path.join(folder(ID), 'children.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(9);
    // Each child's finished line comes before the parent's join-next that consumed it (the log's order of consumption).
    const reports = await verifyAll(hot.deps.store, hot.deps.catalog, hot.deps.codec);
    expect(reports.map((r) => [r.id, r.status])).toEqual([[ID, 'replayed']]);
    // Output of an inline child (it has no folder) goes to its parent's output.jsonl, marked, and reads back as the child's.
    appendOutput(hot.deps.store.root, children[0]!, 'stdout', 'from the child', Date.UTC(2026, 0, 1));
    expect(existsSync(folder(children[0]!))).toBe(false);
    expect(readOutput(hot.deps.store.root, children[0]!)).toEqual([{ at: '2026-01-01T00:00:00.000Z', level: 'stdout', message: 'from the child' }]);
    expect(readOutput(hot.deps.store.root, ID).map((l) => l.message)).not.toContain('from the child');
  });

  it('a child whose attempt fails (to be retried) becomes an execution of its own and finishes the usual way', async () => {
    const { hot, folder } = await engines({ maxRetries: 1, backoffMs: 5 });
    await hot.submit(SCRIPT_FFQN, [JSON.stringify([{ op: 'call', fn: 'activity.trap', args: [] }])], { id: ID });
    await tick(hot, { maxDurationMs: 30_000, concurrency: 2 });
    const child = `${ID}.o:1-trap_1` as ExecutionId;
    const { events } = await hot.deps.store.read(child);
    // The inline attempt's lines, then the retry run by the tick, then the delivery to the parent's inbox.
    expect(events.map((e) => e.type)).toEqual(['created', 'locked', 'temporarily-failed', 'locked', 'finished']);
    expect(existsSync(path.join(folder(child), 'log.jsonl'))).toBe(true);
    const inline = readFileSync(path.join(folder(ID), 'children.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).type);
    expect(inline).toEqual(['created', 'locked', 'temporarily-failed']); // a prefix of the child's own log
    expect(existsSync(path.join(folder(ID), 'inbox', `${executionDirName(child)}.json`))).toBe(true);
    expect((await hot.deps.store.read(ID)).events.at(-1)).toMatchObject({ type: 'finished' });
    const reports = await verifyAll(hot.deps.store, hot.deps.catalog, hot.deps.codec);
    expect(reports.filter((r) => r.status === 'diverged')).toEqual([]);
  });

  it('a holder that loses the parent mid-attempt ends its step, writes nothing more; the new holder runs the child again', async () => {
    const { hot, rest, folder } = await engines({ workflowLockMs: 30_000 }, [{ clockAheadMs: 60_000 }]);
    const other = rest[0]!;
    await hot.submit(SCRIPT_FFQN, [JSON.stringify([{ op: 'call', fn: 'activity.spin', args: [800] }, { op: 'invoke', fn: 'script.run', label: 'w', args: [[]] }])], { id: ID });
    const stepOfHot = hot.advance(ID).then(() => 'returned', () => 'threw');
    const child = `${ID}.o:1-spin_1` as ExecutionId;
    for (let i = 0; i < 200 && !existsSync(path.join(folder(ID), 'children.jsonl')); i++) await sleep(10);
    // The other process (its clock a minute ahead: the lease has expired for it) takes the parent over.
    expect(await other.advance(ID)).toMatchObject({ status: 'blocked' });
    expect(existsSync(path.join(folder(child), 'log.jsonl'))).toBe(true); // turned into an execution of its own
    const logAtTakeover = readFileSync(path.join(folder(ID), 'log.jsonl'), 'utf8');
    const childrenAtTakeover = readFileSync(path.join(folder(ID), 'children.jsonl'), 'utf8');
    expect(await Promise.race([stepOfHot, sleep(8000).then(() => 'still running after 8 s')])).not.toBe('still running after 8 s');
    // Its workflow went on to the second call (a child workflow: a folder of its own), but a stale
    // run creates nothing (checked before the effects).
    expect(existsSync(folder(`${ID}.o:2-w_1`))).toBe(false);
    // The spin finished on the old holder meanwhile: its result was not written anywhere.
    expect(readFileSync(path.join(folder(ID), 'log.jsonl'), 'utf8')).toBe(logAtTakeover);
    expect(readFileSync(path.join(folder(ID), 'children.jsonl'), 'utf8')).toBe(childrenAtTakeover);
    expect((await other.deps.store.read(child)).events.map((e) => e.type)).toEqual(['created', 'locked']);
    // The new holder's side runs everything to the end: the child again (at least once), then the parent.
    await tick(other, { maxDurationMs: 30_000, concurrency: 2 });
    expect((await other.deps.store.read(child)).events.at(-1)).toMatchObject({ type: 'finished', result: { ok: 800 } });
    expect((await other.deps.store.read(ID)).events.at(-1)).toMatchObject({ type: 'finished' });
    const reports = await verifyAll(other.deps.store, other.deps.catalog, other.deps.codec);
    expect(reports.filter((r) => r.status === 'diverged')).toEqual([]);
  });
});

describe('the parent\'s lease while inline attempts run', () => {
  /** An InlineChildren over fakes: one child whose pooled attempt never ends, a lease always due for renewal. */
  function running() {
    const renewals: number[] = [];
    const lease = {
      id: ID, events: [{ type: 'locked' }], expiresAtMs: 0,
      readChildren: () => ({ logs: new Map() }),
      renew: async () => void renewals.push(Date.now()),
      appendChildren: async () => undefined,
    };
    const entry = { ffqn: 'testing:activity/ops.echo', component: { digest: 'sha256:x', config: { kind: 'activity_wasm', exec: { lockExpiryMs: 1000 } } } };
    const hotWaits = new HotWaits();
    const inline = new InlineChildren({
      store: {} as never, catalog: { resolve: () => entry } as never, clock: { now: () => Date.now() }, random: new SeededRandom('renew'),
      activities: { run: () => new Promise(() => undefined), close: async () => undefined } as never,
      hotWaits, forward: () => () => undefined, stepped: () => undefined,
    }, lease as never, 8);
    const fx = { type: 'create-child' as const, id: `${ID}.o:1-echo_1` as ExecutionId, ffqn: entry.ffqn, params: ['x'], joinSetId: 'o:1-echo' as never };
    inline.begin(inline.partition([fx]).children).start();
    return { renewals, hotWaits };
  }

  it('is renewed while the parent is parked, and not while its worker runs on (a renewal would come between what it recorded and its writing)', async () => {
    const { renewals, hotWaits } = running();
    hotWaits.started(ID);
    await sleep(40);
    expect(renewals).toEqual([]); // the worker runs: its next block renews
    const wait = hotWaits.park(ID, { resume: () => undefined, interrupt: () => undefined } as never, new Set());
    await sleep(40);
    expect(renewals.length).toBeGreaterThan(0);
    for (const t of wait.timers) clearTimeout(t);
    hotWaits.interrupt(ID);
  });
});
