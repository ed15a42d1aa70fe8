/**
 * The execution store: each execution is a folder of append-only files; the due index is a
 * folder of empty marker files; leases are `locked` lines in the log. No database, no daemon.
 * The full contract (layout, who writes what, crash and concurrency guarantees) is docs/format.md.
 *
 * Invariants:
 *  1. Every id is validated before it becomes a path (executionPaths).
 *  2. A missing file reads as "nothing yet"; a torn last line as "not written".
 *  3. A corrupt log affects only its execution: read/lease throw CorruptLogError (file:line),
 *     lease also drops that execution's due markers, everything else keeps working.
 *  4. No lost wake-ups: see due-index.ts. In particular, lease() deletes the markers it observed
 *     (in a due() scan, or the one its log state implies) before it reads the inbox, so every
 *     message announced by a deleted marker is in `lease.inbox`.
 */
import { join } from 'node:path';
import { nodeFileLayer, type FileLayer } from './file-layer.js';
import type { ChildFinished, Created, Finished, InboxMessage, LogEvent } from '../model/events.js';
import { executionIdFromDirName, parentOf, parseExecutionId, parseRunId, type ExecutionId } from '../model/ids.js';
import { CorruptLogError, InputError, NotFoundError, RetryLaterError } from '../model/errors.js';
import { parseIsoTime, type Clock } from '../model/time.js';
import { checkCreated, checkMessage, sameExecution, withNoSpaceReported } from './checks.js';
import { DueIndex } from './due-index.js';
import { CHILDREN, DUE, EXECUTIONS, GITIGNORE, LOG, executionPaths, inboxName, markerName, parseMarkerName, tmpPath, type ExecutionPaths } from './layout.js';
import { encodeLines } from './log-file.js';
import { InboxReader, writeInbox } from './inbox.js';
import { ChildrenReader } from './children.js';
import { LogCache } from './log-cache.js';
import { Lease, type LeaseContext } from './lease.js';
import { acquire, type LeaseRequest } from './acquire.js';
import { stateDueMs, stateOf } from './state.js';
import { rebuildIndex, type RebuildReport } from './rebuild.js';

export interface StoreOptions {
  root: string;
  clock: Clock;
  /** 'default' survives a process crash; 'fsync' also a power loss (fdatasync before acknowledging). */
  durability?: 'default' | 'fsync';
  fs?: FileLayer;
  /** An append lock older than this belongs to a crashed or stopped process. Default 5000 ms. */
  appendLockStaleMs?: number;
  /** A due marker whose execution has no log is removed once its time is older than this. Default 60 s. */
  orphanGraceMs?: number;
}

export interface ExecutionRecord {
  events: LogEvent[];
  inbox: InboxMessage[];
}

/** Bounds of the in-memory hints; when one is full it is cleared (costing only redundant work). */
const MAX_OBSERVED = 100_000;
const MAX_REMEMBERED = 100_000;

/** After this long without a write to its log, an append lock is judged left by a crashed holder (append-lock.ts). */
export const APPEND_LOCK_STALE_MS = 5000;

export class ExecutionStore {
  readonly root: string;
  private readonly fs: FileLayer;
  private readonly clock: Clock;
  private readonly durable: boolean;
  private readonly index: DueIndex;
  private readonly ctx: LeaseContext;
  private readonly orphanGraceMs: number;
  private readonly inboxes: InboxReader;
  private readonly children: ChildrenReader;
  private readonly logs = new LogCache();
  /** Markers seen by due() per execution, taken (and deleted) by the next lease of that execution. */
  private observed = new Map<ExecutionId, string[]>();
  /**
   * Executions this store holds a lease on, with its expiry. A response delivered to one while the
   * lease has not expired needs no wake-up marker: its lease's expiry marker covers a crash, and
   * releasing the lease wakes it for any response it left unhandled; another process can take it
   * over only after the expiry, and then reads the inbox, which was written before this check.
   * (A hot parent receiving a thousand children's results would otherwise grow due/ by a thousand
   * markers.) Past the expiry the marker is written, as for any execution.
   */
  private readonly leasedHere = new Map<ExecutionId, number>();
  /** Executions found held by another run: the expiry marker that run created (skip while it exists). */
  private held = new Map<ExecutionId, string>();
  /** Executions whose log or inbox could not be read: due() skips them and reports why, until they read again. */
  private corrupt = new Map<ExecutionId, CorruptLogError>();
  /** Inbox files whose wake-up marker this store wrote (a duplicate delivery of those needs none). */
  private delivered = new Set<string>();

  private constructor(opts: StoreOptions) {
    this.root = opts.root;
    this.fs = opts.fs ?? nodeFileLayer;
    this.clock = opts.clock;
    this.durable = opts.durability === 'fsync';
    this.orphanGraceMs = opts.orphanGraceMs ?? 60_000;
    this.index = new DueIndex(this.fs, join(this.root, DUE), this.durable);
    this.inboxes = new InboxReader(this.fs);
    this.children = new ChildrenReader(this.fs);
    this.ctx = {
      fs: this.fs,
      clock: this.clock,
      index: this.index,
      durable: this.durable,
      lockStaleMs: opts.appendLockStaleMs ?? APPEND_LOCK_STALE_MS,
      readInbox: (paths, id) => this.readInbox(paths, id),
      readChildren: (paths, id) => this.children.read(paths, id),
      logs: this.logs,
      deliverToParent: (child, created, finished) => this.deliverToParent(child, created, finished),
      leaseEnding: (id) => this.leasedHere.delete(id),
      leaseRenewed: (id, expiresMs) => {
        if (this.leasedHere.has(id)) this.leasedHere.set(id, expiresMs);
      },
    };
  }

  static async open(opts: StoreOptions): Promise<ExecutionStore> {
    const store = new ExecutionStore(opts);
    const { fs } = store;
    fs.mkdirp(join(store.root, EXECUTIONS));
    const gitignore = join(store.root, '.gitignore');
    if (fs.readFile(gitignore)?.toString('utf8') !== GITIGNORE) {
      const tmp = tmpPath(gitignore);
      fs.writeExclusive(tmp, Buffer.from(GITIGNORE));
      fs.rename(tmp, gitignore);
    }
    if (fs.stat(store.index.dir) === null) {
      fs.mkdirp(store.index.dir);
      await store.rebuildIndex();
    }
    return store;
  }

  /**
   * Writes line 1 of a new execution. Idempotent by id: 'exists' when the same execution is there.
   * `rest` are further lines the log starts with: the history of an inline child that becomes an
   * execution of its own (children.ts, with `fromInline`); the execution is then due as its last
   * line says. Without `fromInline`, an inline child of that id counts as existing.
   */
  async create(id: ExecutionId, created: Created, rest: readonly LogEvent[] = [], opts: { fromInline?: boolean } = {}): Promise<'created' | 'exists'> {
    const paths = executionPaths(this.root, id);
    checkCreated(id, created);
    if (rest.some((e) => e.type === 'created')) throw new InputError(`create ${id}: expected created on line 1 only`);
    // An inline child exists already, without a folder: creating it again (a parent's stale run
    // repeating its effects) would run it twice. Only turning it into an execution of its own may.
    if (!opts.fromInline && created.parent) {
      const inline = this.inlineLog(id);
      if (inline) return sameExecution(id, paths, encodeLines([inline[0]!]), created);
    }
    const dueMs = rest.length === 0 ? parseIsoTime(created.scheduled_at) : stateDueMs(stateOf([created, ...rest]));
    const { fs, index } = this;
    const existing = fs.stat(paths.log) === null ? null : fs.readFile(paths.log);
    if (existing !== null) return sameExecution(id, paths, existing, created);
    return withNoSpaceReported(`creating ${paths.log}`, async () => {
      let createdDir: boolean;
      try {
        createdDir = fs.mkdir(paths.dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        fs.mkdirp(join(this.root, EXECUTIONS));
        createdDir = fs.mkdir(paths.dir);
      }
      // The marker first: a crash after it leaves an orphan marker (removed later), never a log nobody finds.
      const marker = dueMs === undefined ? undefined : index.createFresh(dueMs, id);
      await index.sync();
      let tmp = tmpPath(paths.log);
      while (!fs.writeExclusive(tmp, encodeLines([created, ...rest]))) tmp = tmpPath(paths.log);
      let linked: boolean;
      try {
        if (this.durable) await fs.syncFile(tmp);
        linked = fs.link(tmp, paths.log);
      } finally {
        fs.unlink(tmp);
      }
      if (!linked) return sameExecution(id, paths, fs.readFile(paths.log) ?? Buffer.alloc(0), created);
      // A scan that saw the marker before the log existed may have removed it as an orphan; it
      // puts it back if it sees the log afterwards, and so does this check (see removeOrphans).
      if (marker !== undefined && fs.stat(index.path(marker)) === null) index.ensure(parseMarkerName(marker)!.ms, id);
      if (this.durable) {
        await fs.syncDir(paths.dir);
        if (createdDir) await fs.syncDir(join(this.root, EXECUTIONS));
      }
      return 'created';
    });
  }

  async read(id: ExecutionId): Promise<ExecutionRecord> {
    const paths = executionPaths(this.root, id);
    try {
      const parsed = this.logs.parse(paths.log, (offset) => this.fs.readFrom(paths.log, offset));
      if (parsed === null) {
        const inline = this.inlineLog(id);
        if (inline) return { events: inline.slice(), inbox: [] };
        throw new NotFoundError(`execution ${id} not found: no file ${paths.log}`);
      }
      const { events } = parsed;
      if (events.length === 0) throw new NotFoundError(`execution ${id} has no complete created line yet in ${paths.log}`);
      const record = { events, inbox: this.readInbox(paths, id) };
      this.corrupt.delete(id);
      return record;
    } catch (err) {
      if (err instanceof CorruptLogError) this.corrupt.set(id, err);
      throw err;
    }
  }

  /** Takes the lease; null when another run holds it (or is taking it right now) or the execution is finished. */
  async lease(id: ExecutionId, req: LeaseRequest): Promise<Lease | null> {
    const paths = executionPaths(this.root, id);
    parseRunId(req.runId);
    if (!(req.leaseMs > 0 && Number.isFinite(req.leaseMs))) throw new InputError(`lease of ${id}: expected leaseMs > 0 like 1000, got ${req.leaseMs}`);
    const observed = this.observed.get(id) ?? [];
    this.observed.delete(id);
    let got;
    try {
      got = await withNoSpaceReported(`leasing ${id}`, async () => acquire(this.ctx, id, paths, req));
    } catch (err) {
      if (err instanceof CorruptLogError) {
        this.index.remove(observed); // quarantine: due() stops returning it
        this.corrupt.set(id, err);
      }
      throw err;
    }
    switch (got.kind) {
      case 'busy':
        return null;
      case 'held':
        this.held.set(id, markerName(got.expiresMs, id));
        return null;
      case 'finished': {
        // Leftover markers of a finished execution mean its holder may have crashed before telling the parent.
        const created = got.events[0] as Created;
        const fin = got.events.findLast((e): e is Finished => e.type === 'finished')!;
        if (created.parent) await this.deliverToParent(id, created, fin);
        const lastLock = [...got.events].reverse().find((e) => e.type === 'locked');
        const stale = [...observed, markerName(parseIsoTime(created.scheduled_at), id)];
        if (lastLock?.type === 'locked') stale.push(markerName(parseIsoTime(lastLock.lease_expires_at), id));
        this.index.remove(stale);
        return null;
      }
      case 'taken': {
        if (this.durable) {
          try {
            await got.file.datasync();
            await this.index.sync();
          } catch (err) {
            got.file.close();
            throw err;
          }
        }
        // Delete what this lease answers for, before reading the inbox (invariant 4).
        const implied = stateDueMs(got.previous);
        const stale = implied === undefined ? observed : [...observed, markerName(implied, id)];
        this.index.remove(stale.filter((m) => m !== got.expiryMarker));
        this.held.delete(id);
        this.leasedHere.set(id, got.expiresMs);
        try {
          await this.materializeUnfinishedChildren(id, paths);
        } catch (err) {
          // The lease stays in the log; the execution is found again when it expires.
          got.file.close();
          this.leasedHere.delete(id);
          throw err;
        }
        return new Lease(this.ctx, {
          id, runId: req.runId, componentDigest: req.componentDigest, paths, file: got.file,
          events: got.events, inbox: this.readInbox(paths, id), offset: got.offset, expiresAtMs: got.expiresMs, expiryMarker: got.expiryMarker,
        });
      }
    }
  }

  /** Puts a message in the inbox (once per name), then makes the execution due now. */
  async deliver(id: ExecutionId, msg: InboxMessage): Promise<'delivered' | 'duplicate'> {
    const paths = executionPaths(this.root, id);
    checkMessage(id, msg);
    if (this.fs.stat(paths.log) === null) {
      // An inline child has no inbox: finished, a message changes nothing; running, it is its parent's holder's.
      const inline = this.inlineLog(id);
      if (inline?.at(-1)?.type === 'finished') return 'duplicate';
      if (inline) throw new RetryLaterError(`cannot deliver ${msg.type} to execution ${id} now: it is being run inline by its parent's lease holder (recorded in ${executionPaths(this.root, parentOf(id)!.parent).children}); try again once it finished or became an execution of its own`);
      throw new NotFoundError(`cannot deliver ${msg.type} to execution ${id}: it does not exist (no ${paths.log})`);
    }
    return withNoSpaceReported(`delivering ${msg.type} to ${id}`, async () => {
      const { wrote, file } = await writeInbox(this.fs, paths, id, msg, this.durable);
      // After a duplicate too, unless this store wrote the marker itself: the first deliverer may
      // have crashed between the inbox file and its marker.
      const heldHere = (this.leasedHere.get(id) ?? 0) > this.clock.now();
      if ((wrote || !this.delivered.has(file)) && !heldHere) {
        this.index.createFresh(this.clock.now(), id);
        await this.index.sync();
        if (this.delivered.size >= MAX_REMEMBERED) this.delivered.clear();
        this.delivered.add(file);
      }
      return wrote ? 'delivered' : 'duplicate';
    });
  }

  /**
   * Executions due at `nowMs`, earliest first, at most `limit`. Cost: one listing of due/ (the
   * pending set) and one stat per returned id. Markers without a log are skipped (and removed
   * after the grace period). `onProblem` hears about files in due/ that are not markers, and
   * about executions skipped because their log was found corrupt (by read, lease or rebuildIndex;
   * due itself does not parse logs).
   */
  async due(nowMs: number, limit = Number.POSITIVE_INFINITY, onProblem?: (err: Error) => void): Promise<ExecutionId[]> {
    if (this.index.needsRebuild) await this.rebuildIndex();
    const byId = new Map<ExecutionId, string[]>();
    const order: ExecutionId[] = [];
    for (const name of this.index.list()) {
      const m = parseMarkerName(name);
      if (!m) {
        onProblem?.(new InputError(`not a due marker: ${this.index.path(name)}: expected a name like 20260121T194000.000Z~E_01JD0Z3T6W7Y8X9A0B1C2D3E4F`));
        continue;
      }
      let list = byId.get(m.id);
      if (!list) {
        byId.set(m.id, (list = []));
        if (m.ms <= nowMs) order.push(m.id);
      }
      list.push(name);
    }
    const result: ExecutionId[] = [];
    for (const id of order) {
      if (result.length >= limit) break;
      const markers = byId.get(id)!;
      const broken = this.corrupt.get(id);
      if (broken) {
        onProblem?.(broken);
        continue;
      }
      const hint = this.held.get(id);
      if (hint !== undefined) {
        if (markers.includes(hint) && parseMarkerName(hint)!.ms > nowMs) continue;
        this.held.delete(id);
      }
      const log = executionPaths(this.root, id).log;
      if (this.fs.stat(log) === null) {
        this.removeOrphans(id, log, markers);
        continue;
      }
      result.push(id);
      if (this.observed.size >= MAX_OBSERVED) this.observed.clear();
      this.observed.set(id, markers);
    }
    return result;
  }

  /** Recomputes every marker from the logs alone; runs by itself when due/ is missing. */
  async rebuildIndex(): Promise<RebuildReport> {
    const report = await rebuildIndex({ fs: this.fs, root: this.root, index: this.index, readInbox: (paths, id) => this.readInbox(paths, id), nowMs: this.clock.now(), orphanGraceMs: this.orphanGraceMs });
    this.corrupt = new Map(report.corrupt.map((c) => [c.id, c.error]));
    return report;
  }

  /**
   * Every execution: a folder with a log (a folder whose submitter crashed before its log
   * appeared is skipped) and, with `inline`, the inline children recorded in its children.jsonl
   * that have no log of their own.
   */
  async *list(opts: { inline?: boolean } = {}): AsyncIterable<ExecutionId> {
    for (const name of this.fs.readdir(join(this.root, EXECUTIONS)) ?? []) {
      const id = executionIdFromDirName(name);
      if (id === undefined || this.fs.stat(join(this.root, EXECUTIONS, name, LOG)) === null) continue;
      yield id;
      if (opts.inline && this.fs.stat(join(this.root, EXECUTIONS, name, CHILDREN)) !== null) {
        for (const child of this.children.read(executionPaths(this.root, id), id).logs.keys()) {
          if (!this.hasLog(child)) yield child;
        }
      }
    }
  }

  /** Whether the execution has a log of its own (an inline child has none unless it was materialized). */
  hasLog(id: ExecutionId): boolean {
    return this.fs.stat(executionPaths(this.root, id).log) !== null;
  }

  /** The log of an inline child recorded in its parent's children.jsonl, if there is one. */
  private inlineLog(id: ExecutionId): LogEvent[] | undefined {
    const p = parentOf(id);
    if (!p) return undefined;
    return this.children.read(executionPaths(this.root, p.parent), p.parent).logs.get(id);
  }

  /**
   * The inbox files and the responses of the inline children that finished, by `at`, then by
   * name. Inline responses are in file order, which is already that order unless the clock went
   * back: then, and when there are inbox files to merge with, they are sorted.
   */
  private readInbox(paths: ExecutionPaths, id: ExecutionId): InboxMessage[] {
    const files = this.inboxes.read(paths);
    const inline = this.children.responses(paths, id);
    if (inline.length === 0) return files;
    const order = (a: InboxMessage, b: InboxMessage): number => {
      if (a.at !== b.at) return a.at < b.at ? -1 : 1;
      const x = inboxName(id, a);
      const y = inboxName(id, b);
      return x < y ? -1 : x > y ? 1 : 0;
    };
    if (files.length === 0 && inline.every((m, i) => i === 0 || order(inline[i - 1]!, m) <= 0)) return inline.slice();
    const fromFiles = new Set(files.map((m) => (m.type === 'child-finished' ? m.child_execution_id : '')));
    return [...files, ...inline.filter((m) => !fromFiles.has(m.child_execution_id))].sort(order);
  }

  /**
   * Called by the parent's new holder: inline children that a previous holder started but did
   * not finish (it crashed, or lost the lease mid-attempt) become executions of their own, with
   * the lines recorded so far, so that the usual machinery runs them again (children.ts).
   */
  private async materializeUnfinishedChildren(id: ExecutionId, paths: ExecutionPaths): Promise<void> {
    if (this.fs.stat(paths.children) === null) return;
    for (const [child, log] of this.children.read(paths, id).logs) {
      if (log.at(-1)?.type === 'finished') continue;
      if (this.hasLog(child)) continue;
      await this.create(child, log[0] as Created, log.slice(1), { fromInline: true });
    }
  }

  /**
   * Markers of an execution without a log (its submitter crashed, or is between marker and log):
   * removed once their time is past the grace period. If the log appeared meanwhile, they are put
   * back; create() checks its marker after publishing the log, so one of the two always keeps it.
   */
  private removeOrphans(id: ExecutionId, log: string, markers: string[]): void {
    const cutoff = this.clock.now() - this.orphanGraceMs;
    const old = markers.filter((name) => parseMarkerName(name)!.ms < cutoff);
    if (old.length === 0) return;
    this.index.remove(old);
    if (this.fs.stat(log) !== null) for (const name of old) this.index.ensure(parseMarkerName(name)!.ms, id);
  }

  private async deliverToParent(child: ExecutionId, created: Created, finished: Finished): Promise<void> {
    const parent = parseExecutionId(created.parent!.execution_id);
    const outcome = 'result' in finished ? { result: finished.result } : { failure: finished.failure };
    const msg: ChildFinished = { type: 'child-finished', at: finished.at, join_set_id: created.parent!.join_set_id, child_execution_id: child, ...outcome };
    await this.deliver(parent, msg);
  }
}
