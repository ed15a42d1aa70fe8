/**
 * A lease: the right of one run to append to one execution's log until it gives it back or
 * another process takes over after `lease_expires_at`.
 *
 * The lease itself is the `locked` line in the log (the log is the only authority); the
 * append lock (append-lock.ts) only serialises the microseconds of each append.
 *
 * Invariants:
 *  1. Fencing: every append runs under the append lock and first checks that the log still ends
 *     at the byte offset this holder last wrote. Any other length means someone else appended
 *     (a takeover always appends `locked`), so the holder gets LeaseLostError and writes nothing.
 *  2. One write(2) per batch, on an O_APPEND descriptor. A failed or short write is cut back to
 *     the holder's offset under the lock (the only truncation besides dropping a torn fragment
 *     when a lease is taken), so the log is unchanged by a failed append.
 *  3. Markers: the holder removes at release only the markers it created itself (lease expiry
 *     markers); the next marker is created before the state change is appended.
 */
import type { AppendFile, FileLayer } from './file-layer.js';
import { isNoSpace } from './file-layer.js';
import type { Blocked, Created, Finished, InboxMessage, LogEvent, TemporarilyFailed, TemporarilyTimedOut, Unlocked } from '../model/events.js';
import type { ExecutionId, RunId } from '../model/ids.js';
import type { Clock } from '../model/time.js';
import { isoTime } from '../model/time.js';
import { BugError, InputError, LeaseLostError, RetryLaterError } from '../model/errors.js';
import { isFresh, lock, tryLock, unlock } from './append-lock.js';
import type { DueIndex } from './due-index.js';
import { markerName, type ExecutionPaths } from './layout.js';
import { encodeLines } from './log-file.js';
import type { LogCache } from './log-cache.js';
import { encodeChildLines, type ChildLine, type InlineChildren } from './children.js';
import { parentOf } from '../model/ids.js';
import { consumedResponses, inboxWakes, stateDueMs, stateOf } from './state.js';

/** What a lease needs from the store that made it. */
export interface LeaseContext {
  readonly fs: FileLayer;
  readonly clock: Clock;
  readonly index: DueIndex;
  readonly durable: boolean;
  readonly lockStaleMs: number;
  /** The inbox files and the responses of finished inline children. */
  readInbox(paths: ExecutionPaths, id: ExecutionId): InboxMessage[];
  /** children.jsonl as it is now. */
  readChildren(paths: ExecutionPaths, id: ExecutionId): InlineChildren;
  readonly logs: LogCache;
  /** Delivers a finished child's outcome to its parent (inbox file, then a wake-up marker). */
  deliverToParent(child: ExecutionId, created: Created, finished: Finished): Promise<void>;
  /** Told first thing when a release begins: from then on deliveries write wake-up markers again. */
  leaseEnding?(id: ExecutionId): void;
  /** Told when a renewal moved the lease's expiry. */
  leaseRenewed?(id: ExecutionId, expiresMs: number): void;
}

export interface LeaseInit {
  id: ExecutionId;
  runId: RunId;
  componentDigest: string;
  paths: ExecutionPaths;
  file: AppendFile;
  events: LogEvent[];
  inbox: InboxMessage[];
  offset: number;
  expiresAtMs: number;
  expiryMarker: string;
}

type Status = 'held' | 'lost' | 'broken' | 'released';

/** The events that end a lease. */
export type ReleaseEvent = Unlocked | Blocked | Finished | TemporarilyFailed | TemporarilyTimedOut;
const RELEASE_TYPES: ReadonlySet<string> = new Set(['unlocked', 'blocked', 'finished', 'temporarily-failed', 'temporarily-timed-out']);

function checkAppendable(events: readonly LogEvent[]): void {
  for (const e of events) {
    if (e.type === 'created' || e.type === 'locked') throw new BugError(`a lease appends no ${e.type} event: created is written by create(), locked by lease() and renew()`);
  }
}

export class Lease {
  readonly id: ExecutionId;
  readonly runId: RunId;
  /** The log as read when the lease was taken, ending with this lease's `locked` event (read-only: the objects are shared with the store's cache). */
  readonly events: LogEvent[];
  /** The inbox as read right after the lease was taken. */
  readonly inbox: readonly InboxMessage[];
  private expiresMs: number;
  private offset: number;
  private status: Status = 'held';
  private finished = false;
  private ownMarkers = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly created: Created;
  /** Responses consumed by `join-next` lines, including the ones this lease appended. */
  private readonly consumed: Set<string>;
  private readonly identity: string;
  /** children.jsonl, opened at this lease's first inline child, and where this holder last wrote it. */
  private children: { file: AppendFile; offset: number } | undefined;

  constructor(private readonly ctx: LeaseContext, private readonly init: LeaseInit) {
    this.id = init.id;
    this.runId = init.runId;
    this.events = init.events;
    this.inbox = init.inbox;
    this.expiresMs = init.expiresAtMs;
    this.offset = init.offset;
    this.ownMarkers.add(init.expiryMarker);
    this.created = init.events[0] as Created;
    this.consumed = consumedResponses(init.events);
    this.identity = init.file.identity();
  }

  get expiresAtMs(): number {
    return this.expiresMs;
  }

  /** Reads the inbox again (messages delivered since the lease was taken are included). */
  async readInbox(): Promise<InboxMessage[]> {
    return this.ctx.readInbox(this.init.paths, this.id);
  }

  /**
   * Throws LeaseLostError when another run appended to the log since this holder last wrote (it
   * took the execution over). A holder checks before writing effects (children, scheduled
   * executions) that its fenced append would then refuse: a stale run creates nothing.
   */
  assertHeld(): void {
    if (this.status !== 'held') throw this.lostError();
    this.checkFence();
  }

  /** Invariant 1: the log ends where this holder last wrote it. */
  private checkFence(): void {
    const size = this.init.file.size();
    if (size !== this.offset) {
      this.status = 'lost';
      throw new LeaseLostError(
        `lease ${this.runId} on ${this.id} was lost: ${this.init.paths.log} is ${size} bytes, expected ${this.offset} (where this holder last wrote); another process took the execution over, so nothing was written`,
      );
    }
  }

  /** The logs of the inline children as recorded so far (children.ts). */
  readChildren(): InlineChildren {
    return this.ctx.readChildren(this.init.paths, this.id);
  }

  /**
   * Appends lines of inline children (children.ts) and then `events` to the log, fenced by the
   * log like append(). The children's lines are written first: a `join-next` in `events` may
   * consume a response that only a child's `finished` line records.
   */
  appendChildren(children: readonly ChildLine[], events: readonly LogEvent[] = []): Promise<void> {
    return this.serial(async () => {
      checkAppendable(events);
      for (const c of children) {
        if (parentOf(c.id)?.parent !== this.id) throw new BugError(`inline child ${c.id} is not a child of ${this.id}`);
      }
      if (this.ctx.durable && children.length > 0 && events.length > 0) {
        // The children's lines must be on the disk before a log line that relies on them.
        await this.write([], children);
        await this.write(events, []);
      } else if (children.length > 0 || events.length > 0) {
        await this.write(events, children);
      }
    });
  }

  /** Appends the events in one write, fenced (see invariant 1). */
  append(events: readonly LogEvent[]): Promise<void> {
    return this.serial(async () => {
      checkAppendable(events);
      if (events.length > 0) await this.write(events);
    });
  }

  /** Extends the lease to now + leaseMs: appends a new `locked` line and moves the expiry marker. */
  renew(leaseMs: number): Promise<void> {
    return this.serial(async () => {
      if (!(leaseMs > 0 && Number.isFinite(leaseMs))) throw new InputError(`renew of ${this.id}: expected leaseMs > 0 like 1000, got ${leaseMs}`);
      const { clock, index } = this.ctx;
      const now = clock.now();
      const expires = now + leaseMs;
      const marker = index.createFresh(expires, this.id);
      await index.sync();
      try {
        await this.write([{ type: 'locked', at: isoTime(now), run_id: this.runId, lease_expires_at: isoTime(expires), component_digest: this.init.componentDigest }]);
      } catch (err) {
        index.remove([marker]);
        throw err;
      }
      index.remove([...this.ownMarkers]);
      this.ownMarkers = new Set([marker]);
      this.expiresMs = expires;
      this.ctx.leaseRenewed?.(this.id, expires);
    });
  }

  /**
   * Gives the execution back. With `last`, appends it, makes the execution due at `nextDueMs`
   * (default: `pending_at` of unlocked, `backoff_expires_at` of a temporary failure, `until` of
   * blocked, never for finished), delivers a finished child's outcome to its parent (a duplicate
   * if the caller delivered it already), and removes this lease's expiry marker. Without `last`,
   * nothing is appended: the execution stays locked and is found again when the lease expires.
   */
  release(last?: ReleaseEvent, nextDueMs?: number): Promise<void> {
    return this.serial(async () => {
      // Before the inbox is read below: a delivery that skipped its marker because this lease was
      // held wrote its inbox file before checking, so the read below sees it (no lost wake-up).
      this.ctx.leaseEnding?.(this.id);
      if (this.status === 'released') return;
      try {
        if (this.status !== 'held') {
          if (last) throw this.lostError();
          return;
        }
        if (!last) return;
        if (!RELEASE_TYPES.has(last.type)) {
          throw new BugError(`release takes ${[...RELEASE_TYPES].join(', ')}, got ${(last as LogEvent).type}`);
        }
        if (last.run_id !== undefined && last.run_id !== this.runId) {
          throw new InputError(`release of ${this.id}: expected run_id ${this.runId}, got ${last.run_id}`);
        }
        const { index } = this.ctx;
        const after = stateOf([last]);
        let next = last.type === 'finished' ? undefined : (nextDueMs ?? stateDueMs(after));
        // A cancel request, or a response the blocked join set waits for, that this holder left
        // unhandled: due now, as rebuildIndex would say.
        if (after.kind !== 'finished' && inboxWakes(after, this.consumed, this.ctx.readInbox(this.init.paths, this.id))) {
          next = Math.min(next ?? Number.POSITIVE_INFINITY, this.ctx.clock.now());
        }
        let keep: string | undefined;
        if (next !== undefined) {
          if (!Number.isFinite(next)) throw new InputError(`release of ${this.id}: expected a finite nextDueMs like 1767225600000, got ${next}`);
          keep = index.ensure(next, this.id) ?? markerName(next, this.id);
          await index.sync();
        }
        await this.write([last]);
        if (last.type === 'finished' && this.created.parent) await this.ctx.deliverToParent(this.id, this.created, last);
        index.remove([...this.ownMarkers].filter((m) => m !== keep));
        this.ownMarkers.clear();
      } finally {
        this.status = 'released';
        this.init.file.close();
        this.children?.file.close();
      }
    }, 'run');
  }

  /** Gives up without writing anything: the execution is found again when the lease expires. */
  abandon(): Promise<void> {
    return this.release();
  }

  /** Runs lease operations one after another, in call order; a full disk is reported as RetryLaterError. */
  private serial<T>(fn: () => Promise<T>, afterRelease: 'throw' | 'run' = 'throw'): Promise<T> {
    const run = this.queue.then(async () => {
      if (this.status === 'released' && afterRelease === 'throw') throw new BugError(`lease ${this.runId} on ${this.id} was already released`);
      try {
        return await fn();
      } catch (err) {
        if (isNoSpace(err)) throw new RetryLaterError(`no space left on the device while writing for ${this.id}; nothing was acknowledged; free space and retry`, { cause: err });
        throw err;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private lostError(): LeaseLostError {
    return new LeaseLostError(
      this.status === 'broken'
        ? `lease ${this.runId} on ${this.id}: an earlier append failed and could not be cut back; this lease writes nothing more`
        : `lease ${this.runId} on ${this.id} was lost: another process appended to ${this.init.paths.log} after this lease expired; this holder writes nothing more`,
    );
  }

  /** One fenced write of the batch (invariants 1 and 2), preceded by lines of inline children. */
  private async write(events: readonly LogEvent[], children: readonly ChildLine[] = []): Promise<void> {
    if (this.status !== 'held') throw this.lostError();
    if (this.finished) throw new BugError(`${this.id} is finished: nothing may be appended after finished`);
    const { fs, durable, lockStaleMs } = this.ctx;
    const file = this.init.file;
    const data = encodeLines(events);
    const childData = children.length > 0 ? encodeChildLines(children) : null;
    const { log, lock: lockPath } = this.init.paths;
    const token = tryLock(fs, log, lockPath, lockStaleMs) ?? (await lock(fs, log, lockPath, lockStaleMs));
    try {
      this.checkFence();
      if (!isFresh(fs, token)) {
        throw new RetryLaterError(`append to ${this.init.paths.log} not attempted: this process held the append lock longer than ${lockStaleMs / 2} ms (was it stopped?); nothing was written, try again`);
      }
      const childrenBefore = childData ? this.writeChildren(childData) : undefined;
      if (data.length > 0) {
        this.appendWhole(file, log, data, () => this.cutBack(file, childrenBefore));
        this.ctx.logs.appended(log, this.identity, this.offset, data);
        this.offset += data.length;
      }
    } finally {
      unlock(fs, token);
    }
    for (const e of events) {
      if (e.type === 'finished') this.finished = true;
      if (e.type === 'join-next' && e.response) this.consumed.add('execution_id' in e.response ? e.response.execution_id : e.response.delay_id);
    }
    if (durable) {
      try {
        if (childData) await this.children!.file.datasync();
        if (data.length > 0) await file.datasync();
      } catch (err) {
        this.status = 'broken';
        throw err;
      }
    }
  }

  /**
   * Writes lines of inline children under the append lock, after the fence check. The first
   * write of a lease opens (or creates) children.jsonl and cuts off a torn tail a crashed holder
   * left, so it is never glued to a new line.
   */
  private writeChildren(data: Buffer): number {
    const { fs } = this.ctx;
    const path = this.init.paths.children;
    if (!this.children) {
      const file = fs.openAppend(path, true)!;
      try {
        const { length, torn } = this.ctx.readChildren(this.init.paths, this.id);
        if (torn) file.truncate(length);
        this.children = { file, offset: file.size() };
      } catch (err) {
        file.close();
        throw err;
      }
    }
    const c = this.children;
    const before = c.offset;
    this.appendWhole(c.file, path, data, () => this.cutBackChildren(before));
    c.offset += data.length;
    return before;
  }

  /** Appends `data` in one write(2); on a failed or short write, `restore` cuts the file back and the error says what happened. */
  private appendWhole(file: AppendFile, path: string, data: Buffer, restore: () => void): void {
    let written: number;
    try {
      written = file.append(data);
    } catch (err) {
      restore();
      throw this.writeError(path, err, data.length);
    }
    if (written !== data.length) {
      restore();
      throw this.writeError(path, undefined, data.length, written);
    }
  }

  /** Restores children.jsonl to `offset` (this batch's children lines go when its log lines could not be written). */
  private cutBackChildren(offset: number): void {
    const c = this.children!;
    try {
      if (c.file.size() > offset) c.file.truncate(offset);
      c.offset = offset;
    } catch {
      this.status = 'broken'; // the next holder cuts the torn tail off; complete lines stay (a prefix never acknowledged)
    }
  }

  /** Restores the log to this holder's offset after a failed write (and children.jsonl to `childrenOffset`); called under the append lock. */
  private cutBack(file: AppendFile, childrenOffset?: number): void {
    if (childrenOffset !== undefined) this.cutBackChildren(childrenOffset);
    try {
      if (file.size() > this.offset) file.truncate(this.offset);
    } catch {
      this.status = 'broken'; // the fragment stays; the next lease holder drops it if it is torn
    }
  }

  private writeError(path: string, err: unknown, wanted: number, written?: number): Error {
    if (err === undefined || isNoSpace(err)) {
      const what = written === undefined ? 'the write failed' : `only ${written} of ${wanted} bytes were written`;
      const undone = this.status === 'broken' ? 'the partial line could not be cut back' : `the ${path === this.init.paths.log ? 'log' : 'file'} is unchanged`;
      return new RetryLaterError(`no space left on the device for ${path}: ${what}; ${undone}; free space and retry`, { cause: err });
    }
    return err as Error;
  }
}
