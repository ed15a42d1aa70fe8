/**
 * A response delivered to an execution this store holds the lease on writes no wake-up marker (the
 * lease covers it). Once that lease has expired and another process took the execution over, the
 * marker must be written again, or the new holder's blocked execution is never woken.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExecutionStore } from '../../lib/store/index.js';
import { ManualClock, isoTime } from '../../lib/model/time.js';
import type { ExecutionId, RunId } from '../../lib/model/ids.js';

const X = 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F' as ExecutionId;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup() {
  const root = mkdtempSync(path.join(tmpdir(), 'obelisk-leased-here-'));
  dirs.push(root);
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const a = await ExecutionStore.open({ root, clock });
  const b = await ExecutionStore.open({ root, clock });
  await a.create(X, { type: 'created', at: isoTime(clock.now()), ffqn: 'a:b/c.d', params: [], scheduled_at: isoTime(clock.now()), component_digest: 'sha256:00' });
  return { a, b, clock };
}

const response = (at: number) => ({ type: 'child-finished' as const, at: isoTime(at), join_set_id: 'g:1', child_execution_id: `${X}.g:1_1`, result: { ok: 1 } });

describe('wake-up markers and the lease this store holds', () => {
  it('are skipped while the lease holds, and released with the lease', async () => {
    const { a, clock } = await setup();
    const lease = (await a.lease(X, { runId: 'Run_01JD0Z3T6W7Y8X9A0B1C2D3E4F' as RunId, leaseMs: 10_000, componentDigest: 'sha256:00' }))!;
    await a.deliver(X, response(clock.now()));
    expect(await a.due(clock.now())).toEqual([]); // locked: due only at its lease expiry
    await lease.release({ type: 'blocked', at: isoTime(clock.now()), run_id: lease.runId, join_set_id: 'g:1' });
    expect(await a.due(clock.now())).toEqual([X]); // the release saw the unhandled response
  });

  it('are written again once that lease expired and another process took the execution over', async () => {
    const { a, b, clock } = await setup();
    await a.lease(X, { runId: 'Run_01JD0Z3T6W7Y8X9A0B1C2D3E4F' as RunId, leaseMs: 1000, componentDigest: 'sha256:00' });
    clock.advance(2000); // a's lease expired; a has not released it (paused, or its run is still going)
    const taken = (await b.lease(X, { runId: 'Run_01JD0Z3T6W7Y8X9A0B1C2D3E4G' as RunId, leaseMs: 1000, componentDigest: 'sha256:00' }))!;
    expect(taken).not.toBeNull();
    await taken.release({ type: 'blocked', at: isoTime(clock.now()), run_id: taken.runId, join_set_id: 'g:1' });
    expect(await b.due(clock.now())).toEqual([]); // blocked, nothing in the inbox yet
    await a.deliver(X, response(clock.now())); // a still remembers its (expired) lease
    expect(await b.due(clock.now())).toEqual([X]);
  });
});
