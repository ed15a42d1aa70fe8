import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecutionStore } from '../../lib/store/index.js';
import { executionDirName, type ExecutionId } from '../../lib/model/ids.js';
import { InputError, LeaseLostError } from '../../lib/model/errors.js';
import { ManualClock, isoTime } from '../../lib/model/time.js';
import type { ChildFinished } from '../../lib/model/events.js';
import { Ids, T0, child, created, tagged, tempRoot } from './helpers/setup.js';

let root: string;
let cleanup: () => void;
let clock: ManualClock;
let store: ExecutionStore;
const ids = new Ids('store-test');

beforeEach(async () => {
  ({ root, cleanup } = tempRoot());
  clock = new ManualClock(T0);
  store = await ExecutionStore.open({ root, clock });
});
afterEach(() => cleanup());

const logPath = (id: ExecutionId): string => join(root, 'executions', executionDirName(id), 'log.jsonl');
const logLines = (id: ExecutionId): string[] => readFileSync(logPath(id), 'utf8').split('\n').filter(Boolean);
const markers = (): string[] => readdirSync(join(root, 'due')).filter((n) => !n.startsWith('.')).sort();

function finishedMsg(parent: ExecutionId, index: number, atMs: number): ChildFinished {
  return { type: 'child-finished', at: isoTime(atMs), join_set_id: 'g:1', child_execution_id: child(parent, index), result: { ok: index } };
}

describe('create and read', () => {
  it('writes line 1, is idempotent by id, and refuses a different execution under the same id', async () => {
    const id = ids.execution();
    expect(await store.create(id, created(T0))).toBe('created');
    expect(await store.create(id, created(T0 + 5))).toBe('exists'); // same function, params, parent
    await expect(store.create(id, created(T0, { params: [2] }))).rejects.toThrow(InputError);
    expect(logLines(id)).toHaveLength(1);
    const { events, inbox } = await store.read(id);
    expect(events).toEqual([created(T0)]);
    expect(inbox).toEqual([]);
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toContain('/due/');
  });

  it('makes an execution due at its scheduled time, not before', async () => {
    const id = ids.execution();
    await store.create(id, created(T0, { scheduledMs: T0 + 1000 }));
    expect(await store.due(T0 + 999)).toEqual([]);
    expect(await store.due(T0 + 1000)).toEqual([id]);
  });

  it('checks that a child id matches its parent', async () => {
    const p = ids.execution();
    await store.create(p, created(T0));
    await expect(store.create(child(p, 1), created(T0, { parent: p, joinSet: 2 }))).rejects.toThrow(/does not match the id/);
    expect(await store.create(child(p, 1), created(T0, { parent: p }))).toBe('created');
  });
});

describe('leases', () => {
  it('appends locked, refuses a second holder, appends batches, and releases to the next due time', async () => {
    const id = ids.execution();
    await store.create(id, created(T0));
    const runA = ids.run();
    const lease = (await store.lease(id, { runId: runA, leaseMs: 1000, componentDigest: 'sha256:00' }))!;
    expect(lease.events.map((e) => e.type)).toEqual(['created', 'locked']);
    expect(await store.lease(id, { runId: ids.run(), leaseMs: 1000, componentDigest: 'sha256:00' })).toBeNull();
    expect(await store.due(T0 + 500)).toEqual([]); // the only marker left is the lease expiry
    expect(await store.due(T0 + 1000)).toEqual([id]);

    await lease.append([tagged(T0, 'a'), tagged(T0, 'b')]);
    await lease.release({ type: 'unlocked', at: isoTime(T0), run_id: runA, pending_at: isoTime(T0 + 300), reason: 'test' });
    expect(logLines(id).map((l) => JSON.parse(l).type)).toEqual(['created', 'locked', 'persisted', 'persisted', 'unlocked']);
    expect(markers()).toEqual([`${isoTime(T0 + 300).replace(/[-:]/g, '')}~${id}`]);
    expect(await store.due(T0 + 299)).toEqual([]);
    expect(await store.due(T0 + 300)).toEqual([id]);
  });

  it('never leases a finished execution and leaves no marker for it', async () => {
    const id = ids.execution();
    await store.create(id, created(T0));
    const runId = ids.run();
    const lease = (await store.lease(id, { runId, leaseMs: 1000, componentDigest: 'd' }))!;
    await lease.release({ type: 'finished', at: isoTime(T0), run_id: runId, result: { ok: null } });
    expect(markers()).toEqual([]);
    expect(await store.lease(id, { runId: ids.run(), leaseMs: 1000, componentDigest: 'd' })).toBeNull();
    clock.advance(10_000);
    expect(await store.lease(id, { runId: ids.run(), leaseMs: 1000, componentDigest: 'd' })).toBeNull();
  });

  it('lets another run take an expired lease and fences the old holder', async () => {
    const id = ids.execution();
    await store.create(id, created(T0));
    const old = (await store.lease(id, { runId: ids.run(), leaseMs: 1000, componentDigest: 'd' }))!;
    await old.append([tagged(T0, 'old-1')]);
    clock.advance(999);
    expect(await store.lease(id, { runId: ids.run(), leaseMs: 1000, componentDigest: 'd' })).toBeNull();
    clock.advance(1);
    const fresh = (await store.lease(id, { runId: ids.run(), leaseMs: 1000, componentDigest: 'd' }))!;
    expect(fresh).not.toBeNull();
    const before = readFileSync(logPath(id));
    await expect(old.append([tagged(T0, 'old-2')])).rejects.toThrow(LeaseLostError);
    await expect(old.renew(1000)).rejects.toThrow(LeaseLostError);
    await expect(old.release({ type: 'unlocked', at: isoTime(T0), run_id: old.runId, pending_at: isoTime(T0), reason: 'x' })).rejects.toThrow(LeaseLostError);
    expect(readFileSync(logPath(id))).toEqual(before);
    await fresh.append([tagged(T0, 'new-1')]);
    expect(logLines(id).map((l) => JSON.parse(l).value ?? JSON.parse(l).type)).toEqual(['created', 'locked', 'old-1', 'locked', 'new-1']);
  });

  it('renews by appending locked and moving the expiry marker', async () => {
    const id = ids.execution();
    await store.create(id, created(T0));
    const lease = (await store.lease(id, { runId: ids.run(), leaseMs: 1000, componentDigest: 'd' }))!;
    clock.advance(800);
    await lease.renew(1000);
    expect(lease.expiresAtMs).toBe(T0 + 1800);
    clock.advance(500); // past the first expiry, before the renewed one
    expect(await store.lease(id, { runId: ids.run(), leaseMs: 1000, componentDigest: 'd' })).toBeNull();
    expect(markers()).toEqual([`${isoTime(T0 + 1800).replace(/[-:]/g, '')}~${id}`]);
  });

  it('treats a torn last line as not written and cuts it off before the next append', async () => {
    const id = ids.execution();
    await store.create(id, created(T0));
    appendFileSync(logPath(id), '{"type":"locked","at":"2026-01-01T00:00:00.000Z","run_');
    expect((await store.read(id)).events).toHaveLength(1);
    const lease = (await store.lease(id, { runId: ids.run(), leaseMs: 1000, componentDigest: 'd' }))!;
    await lease.append([tagged(T0, 'x')]);
    const text = readFileSync(logPath(id), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toContain('"run_\n');
    expect((await store.read(id)).events.map((e) => e.type)).toEqual(['created', 'locked', 'persisted']);
  });
});

describe('reading again', () => {
  it('sees lines other processes appended since, and notices a log replaced by another file', async () => {
    const id = ids.execution();
    await store.create(id, created(T0));
    const runA = ids.run();
    const a = (await store.lease(id, { runId: runA, leaseMs: 1000, componentDigest: 'd' }))!;
    await a.append([tagged(T0, 'a')]);
    await a.release({ type: 'unlocked', at: isoTime(T0), run_id: runA, pending_at: isoTime(T0), reason: 'x' });
    expect((await store.read(id)).events).toHaveLength(4);

    const other = await ExecutionStore.open({ root, clock }); // another process
    const runB = ids.run();
    const b = (await other.lease(id, { runId: runB, leaseMs: 1000, componentDigest: 'd' }))!;
    await b.append([tagged(T0, 'b')]);
    const values = async (): Promise<unknown[]> => (await store.read(id)).events.map((e) => (e.type === 'persisted' ? e.value : e.type));
    expect(await values()).toEqual(['created', 'locked', 'a', 'unlocked', 'locked', 'b']);
    const l = (await store.lease(id, { runId: ids.run(), leaseMs: 1000, componentDigest: 'd' }));
    expect(l).toBeNull(); // b holds it
    clock.advance(1000);
    const c = (await store.lease(id, { runId: ids.run(), leaseMs: 1000, componentDigest: 'd' }))!;
    expect(c.events.map((e) => (e.type === 'persisted' ? e.value : e.type))).toEqual(['created', 'locked', 'a', 'unlocked', 'locked', 'b', 'locked']);
    await c.release();

    // Replaced by a longer, different file (another inode): read from the start, not from the cached length.
    const lines = readFileSync(logPath(id), 'utf8').split('\n');
    const replaced = [lines[0], JSON.stringify(tagged(T0, 'x'.repeat(5000)))].join('\n') + '\n';
    writeFileSync(`${logPath(id)}.new`, replaced);
    renameSync(`${logPath(id)}.new`, logPath(id));
    expect(await values()).toEqual(['created', 'x'.repeat(5000)]);
  });
});

describe('inbox and wake-ups', () => {
  it('delivers once per name, orders by time then name, and wakes the recipient', async () => {
    const p = ids.execution();
    await store.create(p, created(T0, { scheduledMs: T0 + 60_000 }));
    for (const i of [1, 2]) await store.create(child(p, i), created(T0, { parent: p }));
    expect(await store.deliver(p, finishedMsg(p, 2, T0 + 5))).toBe('delivered');
    expect(await store.deliver(p, finishedMsg(p, 1, T0 + 5))).toBe('delivered');
    expect(await store.deliver(p, finishedMsg(p, 1, T0 + 9))).toBe('duplicate');
    expect(await store.deliver(p, { type: 'cancel-requested', at: isoTime(T0 + 1), by: 'cli' })).toBe('delivered');
    const { inbox } = await store.read(p);
    expect(inbox.map((m) => (m.type === 'child-finished' ? m.child_execution_id : m.type))).toEqual(['cancel-requested', child(p, 1), child(p, 2)]);
    expect(inbox[1]!.at).toBe(isoTime(T0 + 5)); // the first delivery won
    expect(await store.due(T0)).toContain(p);
  });

  it('a finished child tells its parent on release, and again after a crash before it could', async () => {
    const p = ids.execution();
    const c = child(p, 1);
    await store.create(p, created(T0));
    await store.create(c, created(T0, { parent: p }));
    const runId = ids.run();
    const lease = (await store.lease(c, { runId, leaseMs: 1000, componentDigest: 'd' }))!;
    await lease.release({ type: 'finished', at: isoTime(T0), run_id: runId, result: { ok: 7 } });
    const { inbox } = await store.read(p);
    expect(inbox).toEqual([{ type: 'child-finished', at: isoTime(T0), join_set_id: 'g:1', child_execution_id: c, result: { ok: 7 } }]);

    // A crash between `finished` and the delivery leaves the child's markers: leasing it re-delivers.
    rmSync(join(root, 'executions', executionDirName(p), 'inbox'), { recursive: true });
    await store.rebuildIndex();
    const c2 = child(p, 2);
    await store.create(c2, created(T0, { parent: p }));
    const l2 = (await store.lease(c2, { runId, leaseMs: 1000, componentDigest: 'd' }))!;
    const finished = { type: 'finished' as const, at: isoTime(T0), run_id: runId, result: { ok: 8 } };
    await l2.append([finished]); // finished written, release (and its delivery) never happens
    clock.advance(1000);
    expect(await store.due(clock.now())).toContain(c2);
    expect(await store.lease(c2, { runId: ids.run(), leaseMs: 1000, componentDigest: 'd' })).toBeNull();
    expect((await store.read(p)).inbox.map((m) => m.type === 'child-finished' && m.child_execution_id)).toEqual([c2]);
    expect(await store.due(clock.now())).not.toContain(c2);
  });
});

describe('index', () => {
  it('is rebuilt from the logs when due/ is missing', async () => {
    const a = ids.execution();
    const b = ids.execution();
    await store.create(a, created(T0, { scheduledMs: T0 + 10 }));
    await store.create(b, created(T0));
    const runId = ids.run();
    const lb = (await store.lease(b, { runId, leaseMs: 1000, componentDigest: 'd' }))!;
    await lb.release({ type: 'blocked', at: isoTime(T0), run_id: runId, join_set_id: 'g:1' });
    const before = markers();
    rmSync(join(root, 'due'), { recursive: true });
    const reopened = await ExecutionStore.open({ root, clock });
    expect(existsSync(join(root, 'due'))).toBe(true);
    expect(markers()).toEqual(before);
    expect(await reopened.due(T0 + 10)).toEqual([a]); // blocked without a deadline or response: not due
  });
});
