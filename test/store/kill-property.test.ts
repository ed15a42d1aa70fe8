/**
 * Property: real OS processes working on one state folder are killed with SIGKILL at random
 * moments; what they acknowledged is there, no torn line is read as an event, runs never
 * interleave, and the index finds every due execution (live, and after a rebuild).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ExecutionStore } from '../../lib/store/index.js';
import { executionDirName, type ExecutionId } from '../../lib/model/ids.js';
import { ManualClock } from '../../lib/model/time.js';
import { buildStoreForChildren, type Build } from './helpers/build.js';
import { Worker } from './helpers/worker.js';
import { assertProperty } from './helpers/property.js';
import { checkLiveIndex, checkRebuiltIndex, checkRunsDoNotInterleave, expectedDue, persistedTags, readAll } from './helpers/check.js';
import { sleep } from '../../harness/run/processes.js';
import { Ids, child, tempRoot } from './helpers/setup.js';

let build: Build;
beforeAll(() => {
  build = buildStoreForChildren();
});
afterAll(() => build?.cleanup());


/** Everything a crashed set of workers must have left intact. */
async function checkAfterCrash(root: string, workers: Worker[]): Promise<void> {
  const files = readAll(root); // throws if any complete line is not JSON
  for (const f of files.values()) {
    expect(f.events[0]!.type, `${f.id} line 1`).toBe('created');
    expect(checkRunsDoNotInterleave(f)).toEqual([]);
  }
  for (const w of workers) {
    expect(w.said.filter((s) => s.error), `unexpected errors in worker ${w.pid}: ${w.stderr}`).toEqual([]);
    for (const s of w.said.filter((x) => x.ack === 'create')) expect(files.has(executionDirName(s.id as ExecutionId))).toBe(true);
    const attempted = w.tags('attempt');
    for (const [id, acked] of w.tags('ack')) {
      const inLog = persistedTags(files.get(executionDirName(id as ExecutionId)));
      for (const t of acked) expect(inLog, `acknowledged ${t} in ${id}`).toContain(t);
    }
    for (const f of files.values()) {
      // This worker's lines in a log are ones it attempted, in the order it attempted them.
      const mine = persistedTags(f).filter((t) => t.includes(`/${w.pid}-`));
      const order = attempted.get(f.id) ?? [];
      let pos = -1;
      for (const t of mine) {
        const at = order.indexOf(t, pos + 1);
        expect(at, `${t} in ${f.id} out of order or never attempted`).toBeGreaterThan(pos);
        pos = at;
      }
    }
  }
  const deliveries = new Set(workers.flatMap((w) => w.said.filter((s) => s.ack === 'deliver').map((s) => `${executionDirName(s.id as ExecutionId)}|${String(s.key)}`)));
  expect(checkLiveIndex(root, Date.now(), 50, (to, m) => deliveries.has(`${to.dir}|${m.type === 'cancel-requested' ? 'cancel' : String(m.delay_id)}`))).toEqual([]);

  const clock = new ManualClock(Date.now() + 3_600_000); // orphan markers of killed submitters are past their grace period
  const store = await ExecutionStore.open({ root, clock });
  for await (const id of store.list()) await store.read(id);
  expect((await store.rebuildIndex()).corrupt).toEqual([]);
  expect(checkRebuiltIndex(root, clock.now())).toEqual([]);
  const expected = [...readAll(root).values()].filter((f) => expectedDue(f, clock.now()) !== undefined).map((f) => f.id).sort();
  expect((await store.due(Date.UTC(9000, 0, 1))).sort()).toEqual(expected);
}

describe('processes killed with SIGKILL at random moments', () => {
  it('lose no acknowledged event, leave no torn line parsed, and leave an index that finds all due work', async () => {
    const ids = new Ids(`kill-${Date.now()}`);
    await assertProperty(
      'store SIGKILL property',
      6,
      fc.asyncProperty(fc.integer({ min: 20, max: 400 }), fc.integer({ min: 20, max: 400 }), fc.integer(), fc.boolean(), async (killA, killB, seed, fsync) => {
        const { root, cleanup } = tempRoot('kill');
        const p = ids.execution();
        const execIds = [p, child(p, 1), child(p, 2), child(p, 3), ids.execution(), ids.execution()];
        const common = { root, ids: execIds, mode: 'churn', leaseMs: 150, lockStaleMs: 1000, durability: fsync ? 'fsync' : 'default' };
        const workers = [new Worker(build, { ...common, seed }), new Worker(build, { ...common, seed: seed ^ 0x5bd1e995 })];
        try {
          await Promise.all(workers.map((w) => w.waitFor((s) => s.ready === true)));
          await Promise.all(workers.map(async (w, i) => {
            await sleep(i === 0 ? killA : killB);
            w.signal('SIGKILL');
            await w.exited;
          }));
          expect(workers.flatMap((w) => w.said.filter((s) => s.ack))).not.toEqual([]); // they did work
          await checkAfterCrash(root, workers);
        } finally {
          for (const w of workers) w.signal('SIGKILL');
          await Promise.all(workers.map((w) => w.exited));
          cleanup();
        }
      }),
    );
  });
});

