/**
 * Real OS processes on one state folder: contending for the same leases, and a holder stopped
 * (SIGSTOP) past its lease, then continued. (Killed with SIGKILL: kill-property.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore } from '../../lib/store/index.js';
import { executionDirName, type ExecutionId } from '../../lib/model/ids.js';
import { isoTime, systemClock } from '../../lib/model/time.js';
import { buildStoreForChildren, type Build } from './helpers/build.js';
import { Worker } from './helpers/worker.js';
import { checkRunsDoNotInterleave, persistedTags, readAll } from './helpers/check.js';
import { sleep } from '../../harness/run/processes.js';
import { Ids, created, tagged, tempRoot } from './helpers/setup.js';

let build: Build;
beforeAll(() => {
  build = buildStoreForChildren();
});
afterAll(() => build?.cleanup());


describe('processes contending for the same leases', () => {
  it('never append under the same lease at once; expired leases are taken over and old holders fenced', async () => {
    const { root, cleanup } = tempRoot('contend');
    const ids = new Ids(`contend-${Date.now()}`);
    const execIds = [ids.execution(), ids.execution(), ids.execution()];
    const store = await ExecutionStore.open({ root, clock: systemClock });
    for (const id of execIds) await store.create(id, created(Date.now()));
    const workers = [1, 2, 3].map((n) => new Worker(build, { root, ids: execIds, mode: 'contend', seed: n * 7919 + Date.now(), leaseMs: 120, lockStaleMs: 1000, durationMs: 2500 }));
    try {
      const done = await Promise.all(workers.map((w) => w.waitFor((s) => s.done === true, 20_000)));
      await Promise.all(workers.map((w) => w.exited));
      for (const w of workers) expect(w.stderr).toBe('');
      const files = readAll(root);
      for (const f of files.values()) expect(checkRunsDoNotInterleave(f)).toEqual([]);
      for (const w of workers) {
        for (const [id, acked] of w.tags('ack')) {
          const inLog = persistedTags(files.get(executionDirName(id as ExecutionId)));
          for (const t of acked) expect(inLog).toContain(t);
        }
      }
      // Takeovers happened: a run's `locked` directly after another run's lines, without a release between.
      let takeovers = 0;
      for (const f of files.values()) {
        let holder: string | undefined;
        for (const e of f.events) {
          if (e.type === 'locked' && holder !== undefined && e.run_id !== holder) takeovers += 1;
          if (e.type === 'locked') holder = e.run_id as string;
          if (e.type === 'unlocked') holder = undefined;
        }
      }
      const lost = done.reduce((n, s) => n + (s.lost as number), 0);
      const leases = done.reduce((n, s) => n + (s.leases as number), 0);
      console.log(`[contend] leases=${leases} takeovers=${takeovers} fenced appends=${lost}`);
      expect(takeovers).toBeGreaterThan(0);
      expect(lost).toBeGreaterThan(0);
      expect(leases).toBeGreaterThan(20);
    } finally {
      for (const w of workers) w.signal('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
      cleanup();
    }
  });
});

describe('a holder stopped past its lease', () => {
  for (const pauseAfter of [3, 17]) {
    it(`gets LeaseLostError on SIGCONT and writes nothing after the new holder's lease (stopped after ${pauseAfter} appends)`, async () => {
      const { root, cleanup } = tempRoot('stop');
      const ids = new Ids(`stop-${Date.now()}-${pauseAfter}`);
      const id = ids.execution();
      const store = await ExecutionStore.open({ root, clock: systemClock, appendLockStaleMs: 600 });
      await store.create(id, created(Date.now()));
      const old = new Worker(build, { root, id, mode: 'holder', leaseMs: 400, lockStaleMs: 600 });
      try {
        const { runId: oldRun } = await old.waitFor((s) => s.leased === true);
        await old.waitFor((s) => s.ack === 'append' && (s.tags as string[])[0]!.endsWith(`-${pauseAfter}`));
        old.signal('SIGSTOP');
        await sleep(1000); // past the lease (400 ms) and the append lock's staleness (600 ms)

        let lease = null;
        for (let i = 0; i < 100 && !lease; i++) {
          lease = await store.lease(id, { runId: ids.run(), leaseMs: 5000, componentDigest: 'd' });
          if (!lease) await sleep(20);
        }
        expect(lease).not.toBeNull();
        await lease!.append([tagged(Date.now(), `${lease!.runId}/new`)]);
        old.signal('SIGCONT');
        const lost = await old.waitFor((s) => s.lost === true);
        expect(lost.message).toMatch(/was lost: .* is \d+ bytes, expected \d+/);
        expect(await old.exited).toEqual({ code: 0, signal: null });
        await lease!.append([tagged(Date.now(), `${lease!.runId}/after`)]);

        const f = readAll(root).get(executionDirName(id))!;
        expect(checkRunsDoNotInterleave(f)).toEqual([]);
        const newLock = f.events.findIndex((e) => e.type === 'locked' && e.run_id === lease!.runId);
        const oldLines = f.events.map((e, i) => ({ e, i })).filter(({ e }) => typeof e.value === 'string' && (e.value as string).startsWith(`${String(oldRun)}/`));
        expect(oldLines.every(({ i }) => i < newLock)).toBe(true);
        for (const t of old.tags('ack').get(id) ?? []) expect(persistedTags(f)).toContain(t);
        expect(persistedTags(f).slice(-2)).toEqual([`${lease!.runId}/new`, `${lease!.runId}/after`]);
        await lease!.release({ type: 'unlocked', at: isoTime(Date.now()), run_id: lease!.runId, pending_at: isoTime(Date.now()), reason: 'done' });
      } finally {
        old.signal('SIGKILL');
        await old.exited;
        cleanup();
      }
    });
  }
});
