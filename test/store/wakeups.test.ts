/**
 * No lost wake-ups: a response delivered at any step of the parent's lease and release (here:
 * moving to blocked) is either in the inbox the holder read, or wakes the parent afterwards.
 */
import { describe, expect, it } from 'vitest';
import { ExecutionStore } from '../../lib/store/index.js';
import type { ExecutionId } from '../../lib/model/ids.js';
import type { ChildFinished, InboxMessage } from '../../lib/model/events.js';
import { ManualClock, isoTime } from '../../lib/model/time.js';
import { FaultLayer } from './helpers/fault-layer.js';
import { Ids, T0, child, created, tempRoot } from './helpers/setup.js';

const ids = new Ids('wakeups');

function response(parent: ExecutionId): ChildFinished {
  return { type: 'child-finished', at: isoTime(T0), join_set_id: 'g:1', child_execution_id: child(parent, 1), result: { ok: 1 } };
}
const has = (inbox: readonly InboxMessage[], parent: ExecutionId): boolean =>
  inbox.some((m) => m.type === 'child-finished' && m.child_execution_id === child(parent, 1));

/** Runs due -> lease -> release(blocked) for a parent; a child delivers at write point `k` (0: never). */
async function scenario(k: number, durability: 'default' | 'fsync'): Promise<{ writes: number; sawFirst: boolean; dueAfter: boolean; sawSecond: boolean }> {
  const { root, cleanup } = tempRoot('wakeups');
  try {
    const clock = new ManualClock(T0);
    const layer = new FaultLayer();
    const holder = await ExecutionStore.open({ root, clock, fs: layer, durability });
    const deliverer = await ExecutionStore.open({ root, clock });
    const parent = ids.execution();
    await holder.create(parent, created(T0));
    await holder.create(child(parent, 1), created(T0, { parent }));
    expect(await holder.due(T0)).toContain(parent);

    const start = layer.writes;
    let delivery: Promise<unknown> | undefined;
    layer.hook = (_op, _path, n) => {
      if (n - start === k && !delivery) delivery = deliverer.deliver(parent, response(parent));
    };
    const runId = ids.run();
    const lease = (await holder.lease(parent, { runId, leaseMs: 1000, componentDigest: 'd' }))!;
    const sawFirst = has(lease.inbox, parent) || has(await lease.readInbox(), parent);
    await lease.release({ type: 'blocked', at: isoTime(T0), run_id: runId, join_set_id: 'g:1' });
    layer.hook = undefined;
    await delivery;
    const writes = layer.writes - start;

    const fresh = await ExecutionStore.open({ root, clock }); // another process, no in-memory hints
    const dueAfter = (await fresh.due(T0)).includes(parent);
    let sawSecond = false;
    if (dueAfter) {
      const again = (await fresh.lease(parent, { runId: ids.run(), leaseMs: 1000, componentDigest: 'd' }))!;
      sawSecond = has(again.inbox, parent);
      await again.release();
    }
    return { writes, sawFirst, dueAfter, sawSecond };
  } finally {
    cleanup();
  }
}

describe('a response delivered while the parent moves to blocked', () => {
  for (const durability of ['default', 'fsync'] as const) {
    it(`still wakes the parent, whatever write point it lands at (${durability})`, async () => {
      const { writes } = await scenario(0, durability);
      expect(writes).toBeGreaterThan(5); // lease + release pass several write points
      for (let k = 1; k <= writes; k++) {
        const r = await scenario(k, durability);
        // Either the holder read the response, or the parent is due again and the next lease reads it.
        expect(r.sawFirst || (r.dueAfter && r.sawSecond), `delivery at write point ${k}: ${JSON.stringify(r)}`).toBe(true);
        if (!r.sawFirst) expect(r.dueAfter).toBe(true);
      }
    });
  }

  it('is not woken again when nothing was delivered (the test can tell the difference)', async () => {
    const r = await scenario(0, 'default');
    expect(r).toMatchObject({ sawFirst: false, dueAfter: false });
  });
});

describe('a new execution whose marker looks like an orphan (scheduled long ago)', () => {
  it('keeps a marker whatever write point of create() a concurrent sweep of orphans lands at', async () => {
    const now = T0 + 600_000; // the execution was scheduled ten minutes ago: past the grace period
    let points = 0;
    for (let k = 1; k === 1 || k <= points; k++) {
      const { root, cleanup } = tempRoot('orphans');
      try {
        const clock = new ManualClock(now);
        const layer = new FaultLayer();
        const submitter = await ExecutionStore.open({ root, clock, fs: layer });
        const sweeper = await ExecutionStore.open({ root, clock });
        const start = layer.writes;
        let swept = false;
        layer.hook = (_op, _path, n) => {
          if (n - start === k && !swept) {
            swept = true;
            void sweeper.due(now); // synchronous up to its end: lists due/, removes old markers without a log
          }
        };
        const id = ids.execution();
        expect(await submitter.create(id, created(T0))).toBe('created');
        points = layer.writes - start;
        layer.hook = undefined;
        const fresh = await ExecutionStore.open({ root, clock });
        expect(await fresh.due(now), `sweep at write point ${k} of ${points}`).toEqual([id]);
      } finally {
        cleanup();
      }
    }
    expect(points).toBeGreaterThan(2);
  });
});
