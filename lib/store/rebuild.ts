/**
 * Recomputes the due index from the logs alone.
 *
 * Invariants:
 *  1. Each execution gets exactly the marker dueTimeOf(log, inbox, now) names (none when it
 *     waits for nothing); a corrupt log or inbox file gets none and is reported.
 *  2. Only markers listed before the logs were read are removed: a marker written meanwhile
 *     announces something this pass may not have seen, so it stays (safe while others run).
 *  3. A marker without a log is kept during the grace period (its submitter may be mid-write).
 */
import { join } from 'node:path';
import type { FileLayer } from './file-layer.js';
import type { InboxMessage } from '../model/events.js';
import { executionIdFromDirName, type ExecutionId } from '../model/ids.js';
import { CorruptLogError } from '../model/errors.js';
import type { DueIndex } from './due-index.js';
import { EXECUTIONS, TMP_SUFFIX, executionPaths, markerName, parseMarkerName } from './layout.js';
import { parseLog } from './log-file.js';
import type { ExecutionPaths } from './layout.js';
import { dueTimeOf, stateOf } from './state.js';

export interface RebuildReport {
  /** Executions with a readable log. */
  executions: number;
  /** Markers the index holds for them now. */
  markers: number;
  /** Executions whose log or inbox files could not be read, and why; they have no marker. */
  corrupt: { id: ExecutionId; error: CorruptLogError }[];
}

export interface RebuildInput {
  fs: FileLayer;
  root: string;
  index: DueIndex;
  /** The inbox files and the responses of finished inline children. */
  readInbox(paths: ExecutionPaths, id: ExecutionId): InboxMessage[];
  nowMs: number;
  orphanGraceMs: number;
}

export async function rebuildIndex({ fs, root, index, readInbox, nowMs, orphanGraceMs }: RebuildInput): Promise<RebuildReport> {
  fs.mkdirp(index.dir);
  index.needsRebuild = false;
  const before = index.list();
  const desired = new Set<string>();
  const withLog = new Set<string>();
  const corrupt: RebuildReport['corrupt'] = [];
  const corruptSet = new Set<string>();
  const cutoff = nowMs - orphanGraceMs;
  const tmpCutoff = fs.now() - orphanGraceMs;
  let executions = 0;
  for (const name of fs.readdir(join(root, EXECUTIONS)) ?? []) {
    const id = executionIdFromDirName(name);
    if (id === undefined) continue;
    const paths = executionPaths(root, id);
    removeOldTmpFiles(fs, paths.dir, tmpCutoff);
    const buf = fs.readFile(paths.log);
    if (buf === null) continue;
    try {
      const { events } = parseLog(buf, paths.log);
      if (events.length === 0) continue;
      withLog.add(id);
      executions += 1;
      const inbox: InboxMessage[] = stateOf(events).kind === 'finished' ? [] : readInbox(paths, id);
      const t = dueTimeOf(events, inbox, nowMs);
      if (t !== undefined) desired.add(markerName(t, id));
    } catch (err) {
      if (!(err instanceof CorruptLogError)) throw err;
      corrupt.push({ id, error: err });
      corruptSet.add(id);
    }
  }
  for (const name of desired) {
    const m = parseMarkerName(name)!;
    index.ensure(m.ms, m.id);
  }
  for (const name of before) {
    if (desired.has(name)) continue;
    const m = parseMarkerName(name);
    if (m && !withLog.has(m.id) && !corruptSet.has(m.id)) {
      // No log when this pass looked: an execution created meanwhile, or a submitter between its
      // marker and its log (kept for the grace period), or an orphan of a crashed submitter.
      const log = executionPaths(root, m.id).log;
      if (fs.stat(log) !== null || m.ms >= cutoff) continue;
      index.remove([name]);
      if (fs.stat(log) !== null) index.ensure(m.ms, m.id); // created meanwhile: see ExecutionStore.removeOrphans
      continue;
    }
    index.remove([name]);
  }
  await index.sync();
  return { executions, markers: desired.size, corrupt };
}

/** Temporary files left by a crash between writing and publishing (log, inbox message). */
function removeOldTmpFiles(fs: FileLayer, dir: string, cutoff: number): void {
  for (const sub of [dir, join(dir, 'inbox')]) {
    for (const name of fs.readdir(sub) ?? []) {
      if (!name.endsWith(TMP_SUFFIX)) continue;
      const p = join(sub, name);
      if ((fs.stat(p)?.mtimeMs ?? Number.POSITIVE_INFINITY) < cutoff) fs.unlink(p);
    }
  }
}
