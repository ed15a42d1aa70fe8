/**
 * Runs scripts of store operations against one state folder, with faults injected through a
 * FaultLayer, restarting (a new store, leases expired) after each simulated crash, and checks the
 * store's guarantees after every step. Used by the crash property and the every-write-point test.
 */
import { expect } from 'vitest';
import fc from 'fast-check';
import { ExecutionStore, type Lease } from '../../../lib/store/index.js';
import { executionDirName, type ExecutionId } from '../../../lib/model/ids.js';
import { ManualClock, isoTime } from '../../../lib/model/time.js';
import type { InboxMessage, ResponseRef } from '../../../lib/model/events.js';
import { CrashError, FaultLayer } from './fault-layer.js';
import { checkLiveIndex, checkRebuiltIndex, checkRunsDoNotInterleave, expectedDue, readAll } from './check.js';
import { Ids, T0, child, created, tagged } from './setup.js';

export type End = 'unlocked' | 'blocked' | 'blocked-until' | 'finished' | 'temp' | 'abandon';
export type Op =
  | { op: 'create'; e: number; inMs: number }
  | { op: 'work'; e: number; batches: number[]; renew: boolean; consume: boolean; end: End; nextMs: number; leaseMs: number }
  | { op: 'cancel'; e: number }
  | { op: 'delay'; e: number; k: number }
  | { op: 'advance'; ms: number }
  | { op: 'due' }
  | { op: 'fault'; at: number; kind: 'crash' | 'enospc' };

const EXECUTIONS = 4; // P, two children of P, Q
export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('create' as const), e: fc.nat(EXECUTIONS - 1), inMs: fc.constantFrom(0, 0, 50, 400) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('work' as const),
      e: fc.nat(EXECUTIONS - 1),
      batches: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
      renew: fc.boolean(),
      consume: fc.boolean(),
      end: fc.constantFrom<End>('unlocked', 'blocked', 'blocked-until', 'finished', 'temp', 'abandon'),
      nextMs: fc.constantFrom(0, 10, 300),
      leaseMs: fc.constantFrom(100, 1000),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), e: fc.nat(EXECUTIONS - 1) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delay' as const), e: fc.nat(EXECUTIONS - 1), k: fc.integer({ min: 1, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.constantFrom(1, 50, 200, 1500) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('due' as const) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('fault' as const), at: fc.integer({ min: 1, max: 14 }), kind: fc.constantFrom<'crash' | 'enospc'>('crash', 'crash', 'enospc') }) },
);

export class Runner {
  readonly clock = new ManualClock(T0);
  layer!: FaultLayer;
  store!: ExecutionStore;
  private readonly ids: ExecutionId[];
  private readonly runIds = new Ids(`runs-${Math.random()}`);
  private tagNo = 0;
  restarts = 0;
  /** Tags attempted per execution, in order, and the acknowledged ones. */
  readonly attempted = new Map<string, string[]>();
  readonly acked = new Set<string>();
  readonly createdAcked = new Set<string>();
  /** Inbox files whose delivery was acknowledged (execution dir + message key). */
  readonly delivered = new Set<string>();

  constructor(readonly root: string, private readonly rand: () => number, private readonly durability: 'default' | 'fsync') {
    const top = new Ids(`exec-${Math.floor(rand() * 1e9)}`);
    const p = top.execution();
    this.ids = [p, child(p, 1), child(p, 2), top.execution()];
  }

  async start(): Promise<void> {
    this.layer = new FaultLayer(this.rand);
    this.layer.nowOffsetMs = this.restarts * 3_600_000; // locks and orphan markers of a crashed run look old
    this.store = await ExecutionStore.open({ root: this.root, clock: this.clock, fs: this.layer, durability: this.durability, appendLockStaleMs: 1000 });
  }

  private async restart(): Promise<void> {
    this.restarts += 1;
    this.clock.advance(1001); // every lease of the crashed process has expired
    await this.start();
  }

  private tag(run: string): string {
    this.tagNo += 1;
    return `${run}/t${this.tagNo}`;
  }

  async apply(op: Op): Promise<void> {
    try {
      await this.step(op);
    } catch (err) {
      if (err instanceof CrashError) return this.restart();
      if (/no space left/.test((err as Error).message)) return; // an ENOSPC fault: reported, nothing acknowledged
      throw err;
    }
  }

  private async step(op: Op): Promise<void> {
    const now = this.clock.now();
    switch (op.op) {
      case 'fault':
        this.layer.fault = { at: this.layer.writes + op.at, kind: op.kind };
        return;
      case 'advance':
        this.clock.advance(op.ms);
        return;
      case 'due':
        await this.store.due(now);
        return;
      case 'create': {
        const id = this.ids[op.e]!;
        const parent = op.e === 1 || op.e === 2 ? this.ids[0]! : undefined;
        if (parent && !this.createdAcked.has(parent)) return; // children are submitted by a running parent
        await this.store.create(id, created(now, { scheduledMs: now + op.inMs, ...(parent ? { parent } : {}) }));
        this.createdAcked.add(id);
        return;
      }
      case 'cancel':
      case 'delay': {
        const id = this.ids[op.e]!;
        if (!this.createdAcked.has(id)) return;
        const msg: InboxMessage = op.op === 'cancel'
          ? { type: 'cancel-requested', at: isoTime(now), by: 'test' }
          : { type: 'delay-finished', at: isoTime(now), join_set_id: 'g:1', delay_id: `Delay_${id.slice(2)}.g:1_${op.k}`, cancelled: false };
        await this.store.deliver(id, msg);
        this.delivered.add(`${executionDirName(id)}|${op.op === 'cancel' ? 'cancel' : (msg as { delay_id: string }).delay_id}`);
        return;
      }
      case 'work':
        return this.work(op);
    }
  }

  private async work(op: Extract<Op, { op: 'work' }>): Promise<void> {
    const id = this.ids[op.e]!;
    if (!this.createdAcked.has(id)) return;
    const runId = this.runIds.run();
    const lease = await this.store.lease(id, { runId, leaseMs: op.leaseMs, componentDigest: 'd' });
    if (!lease) return;
    try {
      for (const [i, n] of op.batches.entries()) {
        const tags = Array.from({ length: n }, () => this.tag(runId));
        const list = this.attempted.get(id) ?? [];
        list.push(...tags);
        this.attempted.set(id, list);
        await lease.append(tags.map((t) => tagged(this.clock.now(), t)));
        for (const t of tags) this.acked.add(t);
        if (op.renew && i === 0) await lease.renew(op.leaseMs);
      }
      if (op.consume) {
        const key = (r: ResponseRef): string => ('execution_id' in r ? r.execution_id : r.delay_id);
        const consumed = new Set(lease.events.flatMap((e) => (e.type === 'join-next' && e.response ? [key(e.response)] : [])));
        const fresh = (await lease.readInbox()).flatMap((m): ResponseRef[] =>
          m.type === 'child-finished' ? [{ execution_id: m.child_execution_id }] : m.type === 'delay-finished' ? [{ delay_id: m.delay_id }] : []);
        const toConsume = fresh.filter((r) => !consumed.has(key(r)));
        if (toConsume.length) await lease.append(toConsume.map((response) => ({ type: 'join-next' as const, at: isoTime(this.clock.now()), join_set_id: 'g:1', mode: 'blocking' as const, response })));
      }
      const at = isoTime(this.clock.now());
      const next = isoTime(this.clock.now() + op.nextMs);
      switch (op.end) {
        case 'abandon':
          return await lease.abandon();
        case 'unlocked':
          return await lease.release({ type: 'unlocked', at, run_id: runId, pending_at: next, reason: 'test' });
        case 'blocked':
          return await lease.release({ type: 'blocked', at, run_id: runId, join_set_id: 'g:1' });
        case 'blocked-until':
          return await lease.release({ type: 'blocked', at, run_id: runId, join_set_id: 'g:1', until: next });
        case 'temp':
          return await lease.release({ type: 'temporarily-failed', at, run_id: runId, backoff_expires_at: next, reason: 'test' });
        case 'finished':
          return await lease.release({ type: 'finished', at, run_id: runId, result: { ok: 1 } });
      }
    } catch (err) {
      if (!(err instanceof CrashError)) await (lease as Lease).abandon().catch(() => undefined);
      throw err;
    }
  }

  /** The invariants that hold after every step. */
  check(): void {
    const files = readAll(this.root);
    for (const id of this.createdAcked) {
      const f = files.get(executionDirName(id as ExecutionId));
      expect(f?.events[0]?.type, `acknowledged create of ${id}`).toBe('created');
    }
    for (const f of files.values()) {
      expect(checkRunsDoNotInterleave(f)).toEqual([]);
      const inLog = f.events.filter((e) => e.type === 'persisted').map((e) => e.value as string);
      const attempted = this.attempted.get(f.id) ?? [];
      // The log holds attempted tags only, in attempt order, and every acknowledged one.
      let pos = -1;
      for (const t of inLog) {
        const at = attempted.indexOf(t, pos + 1);
        expect(at, `tag ${t} in ${f.id} out of order or never attempted`).toBeGreaterThan(pos);
        pos = at;
      }
      for (const t of attempted) if (this.acked.has(t)) expect(inLog, `acknowledged ${t}`).toContain(t);
    }
    const problems = checkLiveIndex(this.root, this.clock.now(), 50, (to, m) =>
      this.delivered.has(`${to.dir}|${m.type === 'cancel-requested' ? 'cancel' : String(m.delay_id)}`));
    expect(problems).toEqual([]);
  }

  async finalCheck(): Promise<void> {
    this.clock.advance(120_000); // long after: orphan markers of crashed submitters (dated up to 400 ms ahead) are past their grace period
    const store = await ExecutionStore.open({ root: this.root, clock: this.clock }); // a fresh process
    for await (const id of store.list()) await store.read(id); // the store's own reader accepts every log
    const report = await store.rebuildIndex();
    expect(report.corrupt).toEqual([]);
    expect(checkRebuiltIndex(this.root, this.clock.now())).toEqual([]);
    const due = (await store.due(Date.UTC(9000, 0, 1))).sort();
    const expected = [...readAll(this.root).values()].filter((f) => expectedDue(f, this.clock.now()) !== undefined).map((f) => f.id).sort();
    expect(due).toEqual(expected); // every execution with something to do is found, and nothing else
  }
}

