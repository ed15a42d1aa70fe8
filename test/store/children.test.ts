/**
 * Inline children (lib/store/children.ts): their lines in the parent's children.jsonl, written
 * under the parent's lease; read back as executions and as the parent's responses; fenced; a
 * torn tail cut off; unfinished ones turned into executions of their own by the parent's next holder.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecutionStore, type ChildLine } from '../../lib/store/index.js';
import { executionDirName, type ExecutionId, type RunId } from '../../lib/model/ids.js';
import { CorruptLogError, LeaseLostError } from '../../lib/model/errors.js';
import { ManualClock, isoTime } from '../../lib/model/time.js';
import type { LogEvent } from '../../lib/model/events.js';
import { encodeChildLines, parseChildLines } from '../../lib/store/children.js';
import { Ids, T0, child, created, tagged, tempRoot } from './helpers/setup.js';

let root: string;
let cleanup: () => void;
let clock: ManualClock;
let store: ExecutionStore;
const ids = new Ids('children-test');

beforeEach(async () => {
  ({ root, cleanup } = tempRoot('children'));
  clock = new ManualClock(T0);
  store = await ExecutionStore.open({ root, clock });
});
afterEach(() => cleanup());

const dir = (id: ExecutionId) => join(root, 'executions', executionDirName(id));
const childrenFile = (id: ExecutionId) => join(dir(id), 'children.jsonl');

function locked(atMs: number, run: RunId): LogEvent {
  return { type: 'locked', at: isoTime(atMs), run_id: run, lease_expires_at: isoTime(atMs + 1000), component_digest: 'sha256:00' };
}
function finished(atMs: number, run: RunId, value: number): LogEvent {
  return { type: 'finished', at: isoTime(atMs), run_id: run, result: { ok: value } };
}
/** The lines an inline child starts with. */
function start(parent: ExecutionId, index: number, run: RunId): ChildLine[] {
  const id = child(parent, index);
  return [{ id, event: created(T0, { parent }) }, { id, event: locked(T0, run) }];
}

async function leasedParent() {
  const parent = ids.execution();
  await store.create(parent, created(T0));
  const lease = (await store.lease(parent, { runId: ids.run(), leaseMs: 1000, componentDigest: 'sha256:00' }))!;
  return { parent, lease };
}

describe('children.jsonl', () => {
  it('holds each line with the child id second; the lines round-trip', () => {
    const parent = ids.execution();
    const run = ids.run();
    const lines = [...start(parent, 1, run), { id: child(parent, 1), event: finished(T0 + 5, run, 55) }];
    const bytes = encodeChildLines(lines);
    const first = bytes.toString('utf8').split('\n')[0]!;
    expect(first.startsWith(`{"type":"created","execution_id":"${child(parent, 1)}","at":`)).toBe(true);
    const logs = new Map<ExecutionId, LogEvent[]>();
    expect(parseChildLines(bytes, 'children.jsonl', parent, logs)).toEqual({ length: bytes.length, torn: false, lines: 3 });
    expect(logs.get(child(parent, 1))).toEqual(lines.map((l) => l.event));
  });

  it('are written before the parent log lines of the same batch; read back as executions and as responses', async () => {
    const { parent, lease } = await leasedParent();
    const run = ids.run();
    await lease.appendChildren(start(parent, 1, run), [tagged(T0, 'requested')]);
    await lease.appendChildren([{ id: child(parent, 1), event: finished(T0 + 5, run, 55) }], [tagged(T0 + 6, 'consumed')]);
    expect(existsSync(dir(child(parent, 1)))).toBe(false); // no folder: three lines in a file already open
    expect((await store.read(child(parent, 1))).events.map((e) => e.type)).toEqual(['created', 'locked', 'finished']);
    const ids_: ExecutionId[] = [];
    for await (const id of store.list({ inline: true })) ids_.push(id);
    expect(ids_.sort()).toEqual([parent, child(parent, 1)].sort());
    expect(await lease.readInbox()).toEqual([
      { type: 'child-finished', at: isoTime(T0 + 5), join_set_id: 'g:1', child_execution_id: child(parent, 1), result: { ok: 55 } },
    ]);
    expect((await store.read(parent)).inbox).toHaveLength(1);
    // A message for a finished inline child changes nothing.
    expect(await store.deliver(child(parent, 1), { type: 'cancel-requested', at: isoTime(T0), by: 'test' })).toBe('duplicate');
    // Creating it again (a parent's stale run repeating its effects) finds it: no folder, no second run.
    expect(await store.create(child(parent, 1), created(T0 + 50, { parent }))).toBe('exists');
    expect(existsSync(dir(child(parent, 1)))).toBe(false);
    await expect(store.create(child(parent, 1), created(T0, { parent, params: [2] }))).rejects.toThrow(/exists already with another function, parameters or parent/);
  });

  it('writes nothing, to either file, once the parent was taken over', async () => {
    const { parent, lease } = await leasedParent();
    await lease.appendChildren(start(parent, 1, ids.run()), [tagged(T0, 'requested')]);
    clock.set(T0 + 2000);
    const other = await store.lease(parent, { runId: ids.run(), leaseMs: 1000, componentDigest: 'sha256:00' });
    expect(other).not.toBeNull();
    const before = readFileSync(childrenFile(parent), 'utf8');
    await expect(lease.appendChildren(start(parent, 2, ids.run()))).rejects.toThrow(LeaseLostError);
    expect(readFileSync(childrenFile(parent), 'utf8')).toBe(before);
    await other!.release();
  });

  it("makes the parent's next holder turn an unfinished inline child into an execution of its own", async () => {
    const { parent, lease } = await leasedParent();
    const run = ids.run();
    await lease.appendChildren([...start(parent, 1, run), ...start(parent, 2, ids.run())], [tagged(T0, 'requested')]);
    await lease.appendChildren([{ id: child(parent, 2), event: finished(T0 + 5, run, 2) }]);
    // The holder dies here: child 1 was running.
    clock.set(T0 + 2000);
    const next = (await store.lease(parent, { runId: ids.run(), leaseMs: 1000, componentDigest: 'sha256:00' }))!;
    expect(existsSync(join(dir(child(parent, 1)), 'log.jsonl'))).toBe(true);
    expect(existsSync(dir(child(parent, 2)))).toBe(false);
    const { events } = await store.read(child(parent, 1));
    expect(events.map((e) => e.type)).toEqual(['created', 'locked']); // locked until T0 + 1000: due again at once
    expect(await store.due(clock.now())).toContain(child(parent, 1));
    expect(next.inbox.map((m) => (m.type === 'child-finished' ? m.child_execution_id : ''))).toEqual([child(parent, 2)]);
    await next.release();
  });

  it('turns a child whose locked line was torn off (only created survived) into an execution due at once', async () => {
    const { parent, lease } = await leasedParent();
    await lease.appendChildren(start(parent, 1, ids.run()), [tagged(T0, 'requested')]);
    // A message for a running inline child cannot be delivered yet: its holder has it.
    await expect(store.deliver(child(parent, 1), { type: 'cancel-requested', at: isoTime(T0), by: 'test' })).rejects.toThrow(/run inline by its parent's lease holder/);
    const lines = readFileSync(childrenFile(parent), 'utf8').split('\n');
    writeFileSync(childrenFile(parent), `${lines[0]}\n${lines[1]!.slice(0, 30)}`); // the crash tore the locked line
    clock.set(T0 + 2000);
    const next = (await store.lease(parent, { runId: ids.run(), leaseMs: 1000, componentDigest: 'sha256:00' }))!;
    expect((await store.read(child(parent, 1))).events.map((e) => e.type)).toEqual(['created']);
    expect(await store.due(clock.now())).toContain(child(parent, 1));
    await next.release();
  });

  it('cuts off a torn tail a crashed holder left before writing; a corrupt line names file and line', async () => {
    const { parent, lease } = await leasedParent();
    await lease.appendChildren(start(parent, 1, ids.run()));
    appendFileSync(childrenFile(parent), '{"type":"finished","execution_id":"E_'); // torn: no newline
    await lease.release();
    clock.set(T0 + 2000);
    const next = (await store.lease(parent, { runId: ids.run(), leaseMs: 1000, componentDigest: 'sha256:00' }))!;
    await next.appendChildren(start(parent, 2, ids.run()));
    const lines = readFileSync(childrenFile(parent), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.every((l) => JSON.parse(l).execution_id)).toBe(true);
    expect(lines).toHaveLength(4);
    await next.release();

    writeFileSync(childrenFile(parent), `${lines[0]}\n{"type":"locked"}\n`);
    const fresh = await ExecutionStore.open({ root, clock });
    await expect(fresh.read(parent)).rejects.toThrow(CorruptLogError);
    await expect(fresh.read(parent)).rejects.toThrow(/children\.jsonl:2/);
  });
});
