/**
 * The floor: only the raw file operations the store performs for one execution, in the same format
 * and order (read off lib/store and checked against `strace` of a run), with no engine around them.
 * It is the physical limit of this disk for our format; every engine figure is also shown as a
 * ratio to it.
 *
 * One child of a hot parent (S(N), F(N)) is an inline child (lib/executor/inline-children.ts). In
 * S the previous child's `finished` line rides on the next batch, so per child:
 *   one locked section                   link(append.lock), fstat(log), write(children.jsonl: the
 *   (lease.ts appendChildren)            previous child's finished, this one's created and locked),
 *                                        write(log: join-next, join-set-created, child-requested),
 *                                        unlink(lock)
 * fsync mode: two locked sections, each followed by its fdatasync (the children's lines are on the
 * disk before the log line that relies on them). That is 5 calls per child (10, 2 of them
 * fdatasync, in fsync mode); the existence check (stat of the child's log) is skipped on a
 * parent's first run, as here. For comparison the floor also times a child with a folder of its
 * own (the interrupt strategy, and a child whose attempt is retried):
 *   create (execution-store.ts create)   open(log) ENOENT, mkdir(dir), link(marker), [fsync due/],
 *                                        create+write+close tmp, [fdatasync tmp], link(tmp, log),
 *                                        unlink(tmp), stat(marker), [fsync dir, fsync executions/]
 *   parent append (lease.ts write)       link(append.lock), fstat, write, unlink(lock), [fdatasync]
 *   due scan (execution-store.ts due)    readdir(due/), stat(log)
 *   read (execution-store.ts read)       open+fstat+read+close log, readdir(inbox) ENOENT
 *   lease (acquire.ts)                   link(lock), open(O_APPEND), fstat, read, link(expiry marker),
 *                                        write(locked), unlink(lock), [fdatasync log, fsync due/],
 *                                        unlink(creation marker), readdir(inbox) ENOENT
 *   finish (engine cancel check, lease.ts release)  readdir(inbox) ENOENT, link(lock), fstat, write(finished),
 *                                        unlink(lock), [fdatasync log]
 *   deliver (inbox.ts writeInbox)        stat(parent log), mkdir(inbox) EEXIST, stat(target) ENOENT,
 *                                        create+write+close tmp, [fdatasync tmp], link(tmp, target),
 *                                        unlink(tmp), [fsync inbox/], link(parent marker), [fsync due/]
 *   end of lease                         unlink(expiry marker), close(log); later unlink(parent marker)
 * That is 46 calls, 11 of them fsync/fdatasync in fsync mode, as `strace -c` counted per child of
 * S(N) before children ran inline. A root of the many-roots workload is one inline child plus the
 * root's own create, lease, one append and finish.
 *
 *   node dist/bench/floor.js '{"children":2000,"durability":"default"}'   → one JSON line
 * Synchronous calls throughout (no thread-pool round trips): the floor is the disk and the kernel.
 */
import * as fs from 'node:fs';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { markerName } from '../lib/store/layout.js';
import type { ExecutionId } from '../lib/model/ids.js';
import type { Durability } from './support/setup.js';

const BASE_MS = Date.UTC(2026, 10, 21, 20);

export interface FloorSpec {
  children: number;
  roots?: number;
  durability: Durability;
}

export interface FloorResult {
  /** Child executions per second (the S/F unit): inline children, as a hot parent runs them. */
  childrenPerS: number;
  /** Children with a folder of their own per second (the interrupt strategy; retried children). */
  folderChildrenPerS: number;
  /** Roots (one root plus its one child) per second. */
  rootsPerS: number;
  /** File-system calls per (inline) child, and how many of them are fsync/fdatasync. */
  opsPerChild: number;
  syncsPerChild: number;
  /** The same for a child with a folder of its own. */
  folderOpsPerChild: number;
  folderSyncsPerChild: number;
  /** Per child: calls and microseconds by fs function (openSync, linkSync, fdatasyncSync, ...). */
  breakdown: Record<string, { calls: number; us: number }>;
}

class Floor {
  ops = 0;
  syncs = 0;
  private n = 0;
  private readonly template: string;
  private readonly lines = {
    created: `${JSON.stringify({ type: 'created', at: '2026-11-21T20:00:00.000Z', ffqn: 'template-fibo:activity/fibo-activity-ifc.fibo', params: [1], scheduled_at: '2026-11-21T20:00:00.000Z', parent: { execution_id: 'E_01M7ZVV2964NARGT3M9GQ2A02F', join_set_id: 'o:1-fibo' }, component_digest: `sha256:${'0'.repeat(64)}` })}\n`,
    locked: `${JSON.stringify({ type: 'locked', at: '2026-11-21T20:00:00.000Z', run_id: 'Run_01M7ZVV296KQK8GXWTASCTDAHJ', lease_expires_at: '2026-11-21T20:01:00.000Z', component_digest: `sha256:${'0'.repeat(64)}` })}\n`,
    finished: `${JSON.stringify({ type: 'finished', at: '2026-11-21T20:00:00.000Z', run_id: 'Run_01M7ZVV296KQK8GXWTASCTDAHJ', result: { ok: 1 } })}\n`,
    // What the parent appends per child: join-next of the previous child, join-set-created, child-requested.
    parent: `${JSON.stringify({ type: 'join-next', at: '2026-11-21T20:00:00.000Z', join_set_id: 'o:1-fibo', mode: 'blocking', response: { execution_id: 'E_01M7ZVV2964NARGT3M9GQ2A02F.o:1-fibo_1' } })}\n${JSON.stringify({ type: 'join-set-created', at: '2026-11-21T20:00:00.000Z', join_set_id: 'o:2-fibo' })}\n${JSON.stringify({ type: 'child-requested', at: '2026-11-21T20:00:00.000Z', join_set_id: 'o:2-fibo', child_execution_id: 'E_01M7ZVV2964NARGT3M9GQ2A02F.o:2-fibo_1', ffqn: 'template-fibo:activity/fibo-activity-ifc.fibo', params: [1] })}\n`,
    inlineStart: `${JSON.stringify({ type: 'created', execution_id: 'E_01M7ZVV2964NARGT3M9GQ2A02F.o:1-fibo_1', at: '2026-11-21T20:00:00.000Z', ffqn: 'template-fibo:activity/fibo-activity-ifc.fibo', params: [1], scheduled_at: '2026-11-21T20:00:00.000Z', parent: { execution_id: 'E_01M7ZVV2964NARGT3M9GQ2A02F', join_set_id: 'o:1-fibo' }, component_digest: `sha256:${'0'.repeat(64)}` })}\n${JSON.stringify({ type: 'locked', execution_id: 'E_01M7ZVV2964NARGT3M9GQ2A02F.o:1-fibo_1', at: '2026-11-21T20:00:00.000Z', run_id: 'Run_01M7ZVV296KQK8GXWTASCTDAHJ', lease_expires_at: '2026-11-21T20:01:00.000Z', component_digest: `sha256:${'0'.repeat(64)}` })}\n`,
    inlineFinished: `${JSON.stringify({ type: 'finished', execution_id: 'E_01M7ZVV2964NARGT3M9GQ2A02F.o:1-fibo_1', at: '2026-11-21T20:00:00.000Z', run_id: 'Run_01M7ZVV296KQK8GXWTASCTDAHJ', result: { ok: 1 } })}\n`,
    message: `${JSON.stringify({ type: 'child-finished', at: '2026-11-21T20:00:00.000Z', join_set_id: 'o:1-fibo', child_execution_id: 'E_01M7ZVV2964NARGT3M9GQ2A02F.o:1-fibo_1', result: { ok: 1 } })}\n`,
  };

  constructor(private readonly root: string, private readonly durable: boolean) {
    fs.mkdirSync(path.join(root, 'executions'), { recursive: true });
    fs.mkdirSync(path.join(root, 'due'));
    this.template = path.join(root, 'due', '.marker-0');
    fs.writeFileSync(this.template, '');
  }

  /** Time per kind of call (the fs function's name), for the breakdown. */
  readonly byKind = new Map<string, { n: number; ms: number }>();

  private op<T>(kind: string, fn: () => T): T {
    this.ops++;
    const t = performance.now();
    try {
      return fn();
    } finally {
      const k = this.byKind.get(kind) ?? { n: 0, ms: 0 };
      k.n++;
      k.ms += performance.now() - t;
      this.byKind.set(kind, k);
    }
  }

  private missing(kind: string, fn: () => unknown): void {
    try {
      this.op(kind, fn);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }

  private sync(p: string, data: boolean): void {
    if (!this.durable) return;
    const fd = this.op('open', () => fs.openSync(p, 'r'));
    this.syncs++;
    if (data) this.op('fdatasync', () => fs.fdatasyncSync(fd));
    else this.op('fsync', () => fs.fsyncSync(fd));
    this.op('close', () => fs.closeSync(fd));
  }

  private marker(id: string): string {
    const name = path.join(this.root, 'due', markerName(BASE_MS + this.n++, id as ExecutionId));
    this.op('link', () => fs.linkSync(this.template, name));
    return name;
  }

  private writeTmp(target: string, text: string): string {
    const tmp = `${target}.${process.pid}-${this.n++}.tmp`;
    const fd = this.op('create', () => fs.openSync(tmp, 'wx'));
    this.op('write', () => fs.writeSync(fd, text));
    this.op('close', () => fs.closeSync(fd));
    this.sync(tmp, true);
    return tmp;
  }

  private append(log: string, fd: number, text: string): void {
    const lock = path.join(path.dirname(log), 'append.lock');
    this.op('link', () => fs.linkSync(log, lock));
    this.op('fstat', () => fs.fstatSync(fd));
    this.op('write', () => fs.writeSync(fd, text));
    this.op('unlink', () => fs.unlinkSync(lock));
    if (this.durable) {
      this.syncs++;
      this.op('fdatasync', () => fs.fdatasyncSync(fd));
    }
  }

  /** store.create: returns the creation marker. */
  create(id: string): { dir: string; log: string; marker: string } {
    const dir = path.join(this.root, 'executions', id);
    const log = path.join(dir, 'log.jsonl');
    this.missing('readFile', () => fs.readFileSync(log));
    this.op('mkdir', () => fs.mkdirSync(dir));
    const marker = this.marker(id);
    this.sync(path.join(this.root, 'due'), false);
    const tmp = this.writeTmp(log, this.lines.created);
    this.op('link', () => fs.linkSync(tmp, log));
    this.op('unlink', () => fs.unlinkSync(tmp));
    this.op('stat', () => fs.statSync(marker)); // is the marker still there (an orphan sweep may have run)
    this.sync(dir, false);
    this.sync(path.join(this.root, 'executions'), false);
    return { dir, log, marker };
  }

  /** due scan, engine read, acquire: returns the open log and the expiry marker. */
  lease(id: string, x: { dir: string; log: string; marker: string }): { fd: number; expiry: string } {
    this.op('readdir', () => fs.readdirSync(path.join(this.root, 'due')));
    this.op('stat', () => fs.statSync(x.log));
    const rfd = this.op('open', () => fs.openSync(x.log, 'r'));
    this.op('fstat', () => fs.fstatSync(rfd));
    this.op('read', () => fs.readSync(rfd, Buffer.alloc(4096), 0, 4096, 0));
    this.op('close', () => fs.closeSync(rfd));
    this.missing('readdir', () => fs.readdirSync(path.join(x.dir, 'inbox')));
    const lock = path.join(x.dir, 'append.lock');
    this.op('link', () => fs.linkSync(x.log, lock));
    const fd = this.op('open', () => fs.openSync(x.log, fs.constants.O_RDWR | fs.constants.O_APPEND));
    this.op('fstat', () => fs.fstatSync(fd));
    this.op('read', () => fs.readSync(fd, Buffer.alloc(4096), 0, 4096, 0));
    const expiry = this.marker(id);
    this.op('write', () => fs.writeSync(fd, this.lines.locked));
    this.op('unlink', () => fs.unlinkSync(lock));
    if (this.durable) {
      this.syncs++;
      this.op('fdatasync', () => fs.fdatasyncSync(fd));
    }
    this.sync(path.join(this.root, 'due'), false);
    this.op('unlink', () => fs.unlinkSync(x.marker));
    this.missing('readdir', () => fs.readdirSync(path.join(x.dir, 'inbox')));
    return { fd, expiry };
  }

  finish(x: { dir: string; log: string }, held: { fd: number; expiry: string }): void {
    this.missing('readdir', () => fs.readdirSync(path.join(x.dir, 'inbox')));
    this.append(x.log, held.fd, this.lines.finished);
  }

  release(held: { fd: number; expiry: string }): void {
    this.op('unlink', () => fs.unlinkSync(held.expiry));
    this.op('close', () => fs.closeSync(held.fd));
  }

  deliver(parent: { dir: string; log: string }, child: string): string {
    const inbox = path.join(parent.dir, 'inbox');
    const target = path.join(inbox, `${child}.json`);
    this.op('stat', () => fs.statSync(parent.log));
    this.missing('mkdir', () => fs.mkdirSync(inbox));
    this.missing('stat', () => fs.statSync(target));
    const tmp = this.writeTmp(target, this.lines.message);
    this.op('link', () => fs.linkSync(tmp, target));
    this.op('unlink', () => fs.unlinkSync(tmp));
    this.sync(inbox, false);
    const m = this.marker(path.basename(parent.dir));
    this.sync(path.join(this.root, 'due'), false);
    return m;
  }

  /** One inline child of a hot parent: its lines (and the previous child's result) in children.jsonl, the parent's lines naming it. */
  inlineChild(parent: { dir: string; log: string; fd: number; children: number }): void {
    const lock = path.join(parent.dir, 'append.lock');
    const locked = (write: () => void) => {
      this.op('link', () => fs.linkSync(parent.log, lock));
      this.op('fstat', () => fs.fstatSync(parent.fd));
      write();
      this.op('unlink', () => fs.unlinkSync(lock));
    };
    const datasync = (fd: number) => {
      this.syncs++;
      this.op('fdatasync', () => fs.fdatasyncSync(fd));
    };
    const childLines = this.lines.inlineFinished + this.lines.inlineStart;
    if (this.durable) {
      locked(() => this.op('write', () => fs.writeSync(parent.children, childLines)));
      datasync(parent.children);
      locked(() => this.op('write', () => fs.writeSync(parent.fd, this.lines.parent)));
      datasync(parent.fd);
    } else {
      locked(() => {
        this.op('write', () => fs.writeSync(parent.children, childLines));
        this.op('write', () => fs.writeSync(parent.fd, this.lines.parent));
      });
    }
  }

  /** children.jsonl of a parent, opened as the lease's first inline child opens it. */
  openChildren(dir: string): number {
    return fs.openSync(path.join(dir, 'children.jsonl'), fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_CREAT);
  }

  /** One child with a folder of its own: everything from its creation to its parent's wake-up marker. */
  child(parent: { dir: string; log: string; fd: number }, id: string): void {
    const x = this.create(id);
    this.append(parent.log, parent.fd, this.lines.parent);
    const held = this.lease(id, x);
    this.finish(x, held);
    const wake = this.deliver(parent, id);
    this.release(held);
    this.op('unlink', () => fs.unlinkSync(wake));
  }
}

export function runFloor(spec: FloorSpec): FloorResult {
  const root = mkdtempSync(path.join(tmpdir(), 'obelisk-bench-floor-'));
  try {
    const floor = new Floor(root, spec.durability === 'fsync');
    const parentId = 'E_01M7ZVV2964NARGT3M9GQ2A02F';
    const p = floor.create(parentId);
    const held = floor.lease(parentId, p);
    const parent = { ...p, fd: held.fd, children: floor.openChildren(p.dir) };
    floor.byKind.clear();
    let ops0 = floor.ops;
    let syncs0 = floor.syncs;
    let t = performance.now();
    for (let i = 1; i <= spec.children; i++) floor.inlineChild(parent);
    const childMs = performance.now() - t;
    const opsPerChild = (floor.ops - ops0) / spec.children;
    const syncsPerChild = (floor.syncs - syncs0) / spec.children;
    const breakdown: FloorResult['breakdown'] = {};
    for (const [k, v] of [...floor.byKind].sort((a, b) => b[1].ms - a[1].ms)) {
      breakdown[k] = { calls: v.n / spec.children, us: Math.round((v.ms * 1000) / spec.children) };
    }
    // Children with folders of their own: fewer of them (each costs about ten inline children).
    const folderChildren = Math.max(1, Math.floor(spec.children / 4));
    ops0 = floor.ops;
    syncs0 = floor.syncs;
    t = performance.now();
    for (let i = 1; i <= folderChildren; i++) floor.child(parent, `${parentId}.o:${spec.children + i}-fibo_1`);
    const folderMs = performance.now() - t;
    const folderOpsPerChild = (floor.ops - ops0) / folderChildren;
    const folderSyncsPerChild = (floor.syncs - syncs0) / folderChildren;
    const roots = spec.roots ?? Math.max(1, Math.floor(spec.children / 2));
    t = performance.now();
    for (let i = 0; i < roots; i++) {
      const id = `E_01M7ZVV2964NARGT3M9GQ${String(i).padStart(5, '0')}`.replace(/[ILOU]/g, '0');
      const r = floor.create(id);
      const rh = floor.lease(id, r);
      const children = floor.openChildren(r.dir);
      floor.inlineChild({ ...r, fd: rh.fd, children });
      fs.closeSync(children);
      floor.finish(r, rh);
      floor.release(rh);
    }
    const rootMs = performance.now() - t;
    return {
      childrenPerS: (spec.children * 1000) / childMs, folderChildrenPerS: (folderChildren * 1000) / folderMs, rootsPerS: (roots * 1000) / rootMs,
      opsPerChild, syncsPerChild, folderOpsPerChild, folderSyncsPerChild, breakdown,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const spec = JSON.parse(process.argv[2] ?? '{"children":1000,"durability":"default"}') as FloorSpec;
  process.stdout.write(`${JSON.stringify(runFloor(spec))}\n`);
}
