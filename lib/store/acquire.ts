/**
 * Taking a lease: under the append lock, read the log, decide, append `locked`.
 *
 * Invariants:
 *  1. The decision and the `locked` append happen in one synchronous critical section under the
 *     append lock, so two processes never both take a lease from the same log state.
 *  2. A finished execution is never leased; a locked one only after `lease_expires_at`.
 *  3. The lease-expiry marker is created before `locked` is appended, so a crashed holder's
 *     execution is found again when its lease expires.
 *  4. A torn last line (a crashed writer's fragment) is cut off before `locked` is appended, so
 *     it is never glued to a new line.
 */
import { errnoCode, isNoSpace, type AppendFile } from './file-layer.js';
import type { Locked, LogEvent } from '../model/events.js';
import type { ExecutionId, RunId } from '../model/ids.js';
import { isoTime } from '../model/time.js';
import { NotFoundError, RetryLaterError } from '../model/errors.js';
import { isFresh, tryLock, unlock } from './append-lock.js';
import type { LeaseContext } from './lease.js';
import type { ExecutionPaths } from './layout.js';
import { encodeLines } from './log-file.js';
import { stateOf, type ExecutionState } from './state.js';

export interface LeaseRequest {
  runId: RunId;
  leaseMs: number;
  componentDigest: string;
}

export type Acquired =
  | { kind: 'busy' } // another process is inside the append lock right now
  | { kind: 'held'; expiresMs: number }
  | { kind: 'finished'; events: LogEvent[] }
  | { kind: 'taken'; file: AppendFile; events: LogEvent[]; offset: number; expiresMs: number; expiryMarker: string; previous: ExecutionState };

export function acquire(ctx: LeaseContext, id: ExecutionId, paths: ExecutionPaths, req: LeaseRequest): Acquired {
  const { fs, clock, index, lockStaleMs } = ctx;
  let token;
  try {
    token = tryLock(fs, paths.log, paths.lock, lockStaleMs);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw new NotFoundError(`execution ${id} not found: no log ${paths.log}`);
    throw err;
  }
  if (token === null) return { kind: 'busy' };
  let file: AppendFile | null = null;
  let taken = false;
  try {
    file = fs.openAppend(paths.log);
    if (file === null) throw new NotFoundError(`execution ${id} not found: no log ${paths.log}`);
    const f = file;
    const identity = f.identity();
    const parsed = ctx.logs.parse(paths.log, (offset) => ({ bytes: f.readFrom(offset), size: f.size(), identity }))!;
    if (parsed.events.length === 0) throw new NotFoundError(`execution ${id} has no complete created line yet in ${paths.log}`);
    const state = stateOf(parsed.events);
    const now = clock.now();
    if (state.kind === 'finished') return { kind: 'finished', events: parsed.events };
    if (state.kind === 'locked' && state.expiresMs > now) return { kind: 'held', expiresMs: state.expiresMs };

    const expiresMs = now + req.leaseMs;
    const expiryMarker = index.createFresh(expiresMs, id);
    const locked: Locked = { type: 'locked', at: isoTime(now), run_id: req.runId, lease_expires_at: isoTime(expiresMs), component_digest: req.componentDigest };
    const data = encodeLines([locked]);
    try {
      if (!isFresh(fs, token)) throw new RetryLaterError(`lease of ${id} not taken: this process held the append lock longer than ${lockStaleMs / 2} ms (was it stopped?)`);
      if (parsed.torn) file.truncate(parsed.length);
      const written = file.append(data);
      if (written !== data.length) throw Object.assign(new Error(`short write: ${written} of ${data.length} bytes`), { code: 'ENOSPC' });
    } catch (err) {
      try {
        if (file.size() > parsed.length) file.truncate(parsed.length);
      } catch {
        // the fragment stays torn (no newline); the next lease drops it
      }
      index.remove([expiryMarker]);
      if (isNoSpace(err)) {
        throw new RetryLaterError(`no space left on the device for ${paths.log}: the lease was not taken and the log is unchanged; free space and retry`, { cause: err });
      }
      throw err;
    }
    taken = true;
    ctx.logs.appended(paths.log, identity, parsed.length, data);
    return { kind: 'taken', file, events: [...parsed.events, locked], offset: parsed.length + data.length, expiresMs, expiryMarker, previous: state };
  } finally {
    if (!taken) file?.close();
    unlock(fs, token);
  }
}
