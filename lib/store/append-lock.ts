/**
 * The short append lock of one execution: a folder created with mkdir (atomic), judged stale by
 * its mtime, as proper-lockfile does. It is held only across synchronous code (check the log's
 * length, write, unlock), so holding it costs microseconds.
 *
 * Invariants:
 *  1. A lock folder whose mtime is older than `staleMs` belongs to a holder that crashed or was
 *     stopped; anyone may remove it and take the lock.
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

/** Takes the lock if it is free or stale; null when another holder has it. Synchronous. */
export function tryLock(fs: FileLayer, path: string, staleMs: number): LockToken | null {
  const startedMs = fs.now();
  if (fs.mkdir(path)) return { path, startedMs, staleMs };
  const st = fs.stat(path);
  if (st !== null && st.mtimeMs >= fs.now() - staleMs) return null;
  // Stale (or removed meanwhile): remove it and try once more; losing that race means someone else has it.
  fs.rmdir(path);
  return fs.mkdir(path) ? { path, startedMs, staleMs } : null;
}

/** Waits (polling) until the lock is taken; gives up after a little longer than the staleness period. */
export async function lock(fs: FileLayer, path: string, staleMs: number): Promise<LockToken> {
  const deadline = fs.now() + staleMs * 2 + 1000;
  let delay = 1;
  for (;;) {
    const token = tryLock(fs, path, staleMs);
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

/** Removes the lock folder, unless it may already belong to someone who judged it stale. */
export function unlock(fs: FileLayer, token: LockToken): void {
  if (fs.now() - token.startedMs < token.staleMs) fs.rmdir(token.path);
}
