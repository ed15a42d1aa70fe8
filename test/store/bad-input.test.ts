/** Bad input and bad disks: each gives a clear error and loses nothing else. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecutionStore } from '../../lib/store/index.js';
import { executionDirName, type ExecutionId } from '../../lib/model/ids.js';
import { CorruptLogError, InputError, NotFoundError, RetryLaterError } from '../../lib/model/errors.js';
import { ManualClock, isoTime } from '../../lib/model/time.js';
import { FaultLayer } from './helpers/fault-layer.js';
import { Ids, T0, child, created, tagged, tempRoot } from './helpers/setup.js';

let root: string;
let cleanup: () => void;
let clock: ManualClock;
let store: ExecutionStore;
const ids = new Ids('bad-input');
const lease = { leaseMs: 1000, componentDigest: 'd' };

beforeEach(async () => {
  ({ root, cleanup } = tempRoot('bad'));
  clock = new ManualClock(T0);
  store = await ExecutionStore.open({ root, clock });
});
afterEach(() => cleanup());

const logPath = (id: ExecutionId): string => join(root, 'executions', executionDirName(id), 'log.jsonl');

describe('ids that would escape the state folder', () => {
  const evil = ['E_../../outside', 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F.n:a/../../b_1', '../E_01JD0Z3T6W7Y8X9A0B1C2D3E4F', 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F/..'] as ExecutionId[];
  it.each(evil)('rejects %s before it becomes a path', async (id) => {
    await expect(store.create(id, created(T0))).rejects.toThrow(InputError);
    await expect(store.read(id)).rejects.toThrow(/invalid execution id.*expected something like E_/);
    await expect(store.lease(id, { runId: ids.run(), ...lease })).rejects.toThrow(InputError);
    await expect(store.deliver(id, { type: 'cancel-requested', at: isoTime(T0), by: 'x' })).rejects.toThrow(InputError);
    expect(readdirSync(join(root, 'executions'))).toEqual([]);
    expect(readdirSync(root).sort()).toEqual(['.gitignore', 'due', 'executions']);
  });

  it('rejects a message whose child id has ..', async () => {
    const p = ids.execution();
    await store.create(p, created(T0));
    const msg = { type: 'child-finished' as const, at: isoTime(T0), join_set_id: 'n:a', child_execution_id: `${p}.n:a/../../x_1`, result: { ok: 1 } };
    await expect(store.deliver(p, msg)).rejects.toThrow(InputError);
    expect(existsSync(join(root, 'executions', executionDirName(p), 'inbox'))).toBe(false);
  });

  it('reports a file in due/ that is not a marker and keeps going', async () => {
    const a = ids.execution();
    await store.create(a, created(T0));
    writeFileSync(join(root, 'due', '20260101T000000.000Z~..%2F..%2Fetc'), '');
    const problems: Error[] = [];
    expect(await store.due(T0, 10, (e) => problems.push(e))).toEqual([a]);
    expect(problems.map((e) => e.message)).toEqual([expect.stringMatching(/not a due marker: .*expected a name like 20260121T194000.000Z~E_/)]);
  });
});

describe('a corrupt line', () => {
  it('names the file and line, and affects only that execution', async () => {
    const bad = ids.execution();
    const good = ids.execution();
    await store.create(bad, created(T0));
    await store.create(good, created(T0));
    const l = (await store.lease(bad, { runId: ids.run(), ...lease }))!;
    await l.append([tagged(T0, 'one'), tagged(T0, 'two')]);
    await l.release();
    const lines = readFileSync(logPath(bad), 'utf8').split('\n');
    lines[2] = '{"type":"persisted","at":"2026-01-01T00:00:00.000Z","kind":{"fn":"execution-id-generate"},"value":"one"'; // cut short
    writeFileSync(logPath(bad), lines.join('\n'));

    await expect(store.read(bad)).rejects.toThrow(CorruptLogError);
    await expect(store.read(bad)).rejects.toThrow(`${logPath(bad)}:3: not JSON`);
    clock.advance(1000);
    // A fresh process (nothing known yet) offers both; leasing the corrupt one reports it and quarantines it.
    const other = await ExecutionStore.open({ root, clock });
    expect((await other.due(clock.now())).sort()).toEqual([bad, good].sort());
    const err = await other.lease(bad, { runId: ids.run(), ...lease }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptLogError);
    expect(err).toMatchObject({ file: logPath(bad), line: 3 });
    expect(await other.due(clock.now())).toEqual([good]);
    expect(await store.due(clock.now())).toEqual([good]);
    const g = (await store.lease(good, { runId: ids.run(), ...lease }))!;
    await g.append([tagged(T0, 'fine')]);
    const report = await store.rebuildIndex();
    expect(report.corrupt.map((c) => [c.id, c.error.message])).toEqual([[bad, expect.stringContaining(`${logPath(bad)}:3:`)]]);
    expect(report.executions).toBe(1);

    // A message for the corrupt execution makes it due again: due skips it and says why.
    await store.deliver(bad, { type: 'cancel-requested', at: isoTime(clock.now()), by: 'x' });
    const problems: Error[] = [];
    expect(await store.due(clock.now(), 10, (e) => problems.push(e))).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ file: logPath(bad), line: 3 })]);

    // Once the line is fixed and the index rebuilt, it is offered again.
    lines[2] = '{"type":"persisted","at":"2026-01-01T00:00:00.000Z","kind":{"fn":"execution-id-generate"},"value":"one"}';
    writeFileSync(logPath(bad), lines.join('\n'));
    expect((await store.rebuildIndex()).corrupt).toEqual([]);
    expect(await store.due(clock.now())).toEqual([bad]);
  });

  it('reports a line with an unknown event type or a misplaced created', async () => {
    const id = ids.execution();
    await store.create(id, created(T0));
    writeFileSync(logPath(id), readFileSync(logPath(id), 'utf8') + '{"type":"teleported","at":"2026-01-01T00:00:00.000Z"}\n');
    await expect(store.read(id)).rejects.toThrow(/log\.jsonl:2: unknown event type "teleported"/);
    writeFileSync(logPath(id), readFileSync(logPath(id), 'utf8').split('\n')[0] + '\n' + readFileSync(logPath(id), 'utf8').split('\n')[0] + '\n');
    await expect(store.read(id)).rejects.toThrow(/log\.jsonl:2: created after line 1/);
  });
});

describe('missing folders', () => {
  it('reads a missing execution as not found, for every operation', async () => {
    const id = ids.execution();
    await expect(store.read(id)).rejects.toThrow(NotFoundError);
    await expect(store.lease(id, { runId: ids.run(), ...lease })).rejects.toThrow(NotFoundError);
    await expect(store.deliver(id, { type: 'cancel-requested', at: isoTime(T0), by: 'x' })).rejects.toThrow(/cannot deliver cancel-requested to execution .*: it does not exist/);
    expect(existsSync(join(root, 'executions', executionDirName(id)))).toBe(false);
  });

  it('creates a missing state folder on open and recovers from a deleted executions/ folder', async () => {
    const nested = join(root, 'not', 'yet');
    const s = await ExecutionStore.open({ root: nested, clock });
    const id = ids.execution();
    expect(await s.create(id, created(T0))).toBe('created');
    rmSync(join(nested, 'executions'), { recursive: true });
    const ids2: ExecutionId[] = [];
    for await (const x of s.list()) ids2.push(x);
    expect(ids2).toEqual([]);
    expect(await s.due(T0)).toEqual([]); // its marker is an orphan now (no log)
    expect(await s.create(id, created(T0))).toBe('created');
    expect(await s.due(T0)).toEqual([id]);
  });

  it('treats an execution without an inbox folder as having an empty inbox', async () => {
    const id = ids.execution();
    await store.create(id, created(T0));
    expect((await store.read(id)).inbox).toEqual([]);
  });
});

describe('a full disk (ENOSPC)', () => {
  async function faulty(): Promise<{ s: ExecutionStore; layer: FaultLayer }> {
    const layer = new FaultLayer(() => 0.5);
    return { s: await ExecutionStore.open({ root, clock, fs: layer }), layer };
  }

  it('on append: a clear error, the log unchanged, the lease still usable', async () => {
    const { s, layer } = await faulty();
    const id = ids.execution();
    await s.create(id, created(T0));
    const l = (await s.lease(id, { runId: ids.run(), ...lease }))!;
    await l.append([tagged(T0, 'before')]);
    const bytes = readFileSync(logPath(id));
    layer.targeted = { op: 'append', path: 'log.jsonl', kind: 'enospc' };
    const err = await l.append([tagged(T0, 'x'.repeat(200)), tagged(T0, 'y')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryLaterError);
    expect((err as Error).message).toMatch(/no space left on the device for .*log\.jsonl: only \d+ of \d+ bytes were written; the log is unchanged/);
    expect(readFileSync(logPath(id))).toEqual(bytes);
    await l.append([tagged(T0, 'after')]);
    expect((await s.read(id)).events.map((e) => (e.type === 'persisted' ? e.value : e.type))).toEqual(['created', 'locked', 'before', 'after']);
  });

  it('on create, deliver and lease: nothing half-written, and a retry works', async () => {
    const { s, layer } = await faulty();
    const p = ids.execution();
    layer.targeted = { op: 'writeExclusive', path: 'log.jsonl', kind: 'enospc' }; // the log's temporary file
    await expect(s.create(p, created(T0))).rejects.toThrow(/no space left on the device while creating .*log\.jsonl/);
    expect(existsSync(logPath(p))).toBe(false);
    expect(await s.create(p, created(T0))).toBe('created');

    const msg = { type: 'child-finished' as const, at: isoTime(T0), join_set_id: 'g:1', child_execution_id: child(p, 1), result: { ok: 1 } };
    layer.targeted = { op: 'link', path: 'inbox', kind: 'enospc' }; // publishing the message
    await expect(s.deliver(p, msg)).rejects.toThrow(/no space left on the device while delivering child-finished/);
    expect(readdirSync(join(root, 'executions', executionDirName(p), 'inbox'))).toEqual([]);
    expect(await s.deliver(p, msg)).toBe('delivered');

    const bytes = readFileSync(logPath(p));
    layer.targeted = { op: 'append', path: 'log.jsonl', kind: 'enospc' }; // writing `locked`
    await expect(s.lease(p, { runId: ids.run(), ...lease })).rejects.toThrow(RetryLaterError);
    expect(readFileSync(logPath(p))).toEqual(bytes);
    expect(existsSync(join(root, 'executions', executionDirName(p), 'append.lock'))).toBe(false);
    expect(await s.lease(p, { runId: ids.run(), ...lease })).not.toBeNull();
  });
});
