/**
 * At most one `obelisk server run` per state folder holds `server.lock` (proper-lockfile: atomic
 * mkdir, refreshed while held, stale after STALE_MS). `execution submit --follow` checks it: with a
 * server running it only watches; without one it advances the execution itself.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { UserError } from '../model/errors.js';

const STALE_MS = 10_000;
const lockTarget = (stateDir: string) => path.join(stateDir, 'server');

export async function isServerRunning(stateDir: string): Promise<boolean> {
  mkdirSync(stateDir, { recursive: true });
  return lockfile.check(lockTarget(stateDir), { realpath: false, stale: STALE_MS, lockfilePath: `${lockTarget(stateDir)}.lock` });
}

/** Takes the server lock; the returned function releases it. Throws a UserError when another server holds it. */
export async function acquireServerLock(stateDir: string, onLost: (e: Error) => void): Promise<() => Promise<void>> {
  mkdirSync(stateDir, { recursive: true });
  try {
    return await lockfile.lock(lockTarget(stateDir), {
      realpath: false, stale: STALE_MS, update: STALE_MS / 4, lockfilePath: `${lockTarget(stateDir)}.lock`, onCompromised: onLost,
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new UserError(`another obelisk server is already running on ${stateDir} (it holds server.lock): expected one server per state folder`);
    }
    throw e;
  }
}
