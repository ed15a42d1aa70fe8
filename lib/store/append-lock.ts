/**
 * The short append lock of one execution: `append.lock`, a hard link to the execution's own
 * log, created with link(2) (atomic, fails if the name exists) and removed with unlink(2).
 * Like proper-lockfile's mkdir lock, it is judged stale by a timestamp: here the log inode's
 * ctime, which link(2) sets when the lock is taken and every write refreshes. A link costs a
 * tenth of a mkdir on file systems where creating an inode is expensive, and the lock is
 * taken for every append. It is held only across synchronous code (check the log's length,
 * write, unlock), so holding it costs microseconds.
 *
 * Invariants:
 *  1. A lock whose log has not changed status for `staleMs` belongs to a holder that crashed or
 *     was stopped; anyone may remove it and take the lock.
 *  2. A holder writes only while `isFresh` (less than staleMs/2 since it started to acquire), so
 *     nobody can have judged its lock stale yet. The remaining window is the few microseconds
 *     between that check and the write(2) call (see docs/format.md).
 */
import type { FileLayer } from './file-layer.js';
import { RetryLaterError } from '../model/errors.js';

export interface LockToken {
  readonly path: string;
  readonly startedMs: number;
  readonly staleMs: number;
}

/** Takes the lock on `log` if it is free or stale; null when another holder has it. Synchronous; throws ENOENT when the log is missing. */
export function tryLock(fs: FileLayer, log: string, path: string, staleMs: number): LockToken | null {
  const startedMs = fs.now();
  if (fs.link(log, path)) return { path, startedMs, staleMs };
  const st = fs.stat(path);
  if (st !== null && st.ctimeMs >= fs.now() - staleMs) return null;
  // Stale (or removed meanwhile): remove it and try once more; losing that race means someone else has it.
  fs.unlink(path);
  return fs.link(log, path) ? { path, startedMs, staleMs } : null;
}

/** Waits (polling) until the lock is taken; gives up after a little longer than the staleness period. */
export async function lock(fs: FileLayer, log: string, path: string, staleMs: number): Promise<LockToken> {
  const deadline = fs.now() + staleMs * 2 + 1000;
  let delay = 1;
  for (;;) {
    const token = tryLock(fs, log, path, staleMs);
    if (token) return token;
    if (fs.now() > deadline) {
      throw new RetryLaterError(`append lock ${path} is held by another process: expected it free or stale within ${staleMs * 2} ms, it was not; try again later`);
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 50);
  }
}

/** True while nobody can have judged this lock stale (see invariant 2). */
export function isFresh(fs: FileLayer, token: LockToken): boolean {
  return fs.now() - token.startedMs < token.staleMs / 2;
}

/** Removes the lock, unless it may already belong to someone who judged it stale. */
export function unlock(fs: FileLayer, token: LockToken): void {
  if (fs.now() - token.startedMs < token.staleMs) fs.unlink(token.path);
}
