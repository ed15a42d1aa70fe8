/**
 * Where things live in the state folder, and the names of due markers and inbox files.
 *
 *   <root>/.gitignore                          written on open: the non-audit files
 *   <root>/executions/<dir>/log.jsonl           the execution log (audit)
 *   <root>/executions/<dir>/inbox/<name>.json   one message per file (audit)
 *   <root>/executions/<dir>/children.jsonl      logs of activity children run inline by the holder (audit)
 *   <root>/executions/<dir>/append.lock         a hard link to log.jsonl, held for the microseconds of one append
 *   <root>/due/<time>~<dir>[~<n>]               marker: the execution is due at <time> (a hard link to
 *                                               an empty template, due/.marker-<n>)
 *
 * Invariant: every path is built from an id that went through a parse function of
 * lib/model/ids.ts, so no path leaves the folder it names.
 */
import { join } from 'node:path';
import { executionDirName, executionIdFromDirName, parseDelayId, parseExecutionId, type ExecutionId } from '../model/ids.js';
import { assertNever, InputError } from '../model/errors.js';
import type { InboxMessage } from '../model/events.js';
import { isoTime, parseIsoTime } from '../model/time.js';

export const EXECUTIONS = 'executions';
export const DUE = 'due';
export const LOG = 'log.jsonl';
export const INBOX = 'inbox';
export const APPEND_LOCK = 'append.lock';
export const CHILDREN = 'children.jsonl';
export const TMP_SUFFIX = '.tmp';
export const CANCEL = 'cancel';

/** Folder names longer than this would not fit in a marker name (255 bytes on common file systems). */
const MAX_DIR_NAME = 200;

export const GITIGNORE = [
  '# Written by obelisk. The audit record is executions/*/log.jsonl, children.jsonl and inbox/*.json;',
  '# everything below is derived or temporary and can be deleted when no obelisk process runs.',
  '/due/',
  '*.lock',
  '*.tmp',
  '',
].join('\n');

export interface ExecutionPaths {
  dir: string;
  log: string;
  inbox: string;
  lock: string;
  /** Logs of the activity children the lease holder ran inline (children.ts). */
  children: string;
}

/** Validates the id (a branded id may still come from unchecked input) and returns its paths. */
export function executionPaths(root: string, id: ExecutionId): ExecutionPaths {
  parseExecutionId(id);
  const name = executionDirName(id);
  if (Buffer.byteLength(name) > MAX_DIR_NAME) {
    throw new InputError(`execution id too long for a folder name: expected at most ${MAX_DIR_NAME} bytes, got ${Buffer.byteLength(name)} (${id.slice(0, 40)}...)`);
  }
  const dir = join(root, EXECUTIONS, name);
  return { dir, log: join(dir, LOG), inbox: join(dir, INBOX), lock: join(dir, APPEND_LOCK), children: join(dir, CHILDREN) };
}

// ---------------------------------------------------------------- due markers

/** Marker times are basic ISO 8601 (`20260121T194000.000Z`): fixed width, sortable, readable. */
const MARKER_TIME_LENGTH = 20;
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export function markerTime(ms: number): string {
  const clamped = Math.min(Math.max(Math.floor(ms), 0), MAX_MS);
  return isoTime(clamped).replace(/[-:]/g, '');
}

export function markerName(ms: number, id: ExecutionId): string {
  return `${markerTime(ms)}~${executionDirName(id)}`;
}

/** Another marker for the same time and execution: `<time>~<dir>~<n>` (execution ids hold no `~`). */
export function markerVariant(base: string, n: number): string {
  return `${base}~${n}`;
}

/** The time and execution of a marker, or undefined for a name that is not a marker. */
export function parseMarkerName(name: string): { ms: number; id: ExecutionId } | undefined {
  if (name.length <= MARKER_TIME_LENGTH + 1 || name[MARKER_TIME_LENGTH] !== '~') return undefined;
  const t = name.slice(0, MARKER_TIME_LENGTH);
  const iso = `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9, 11)}:${t.slice(11, 13)}:${t.slice(13)}`;
  const ms = parseIsoTime(iso);
  let rest = name.slice(MARKER_TIME_LENGTH + 1);
  const tilde = rest.indexOf('~');
  if (tilde >= 0) {
    if (!/^[1-9][0-9]*$/.test(rest.slice(tilde + 1))) return undefined;
    rest = rest.slice(0, tilde);
  }
  const id = executionIdFromDirName(rest);
  if (Number.isNaN(ms) || id === undefined) return undefined;
  return { ms, id };
}

// ---------------------------------------------------------------- inbox names

/** The file name (without `.json`) a message is stored under; validates the ids it holds. */
export function inboxName(to: ExecutionId, msg: InboxMessage): string {
  switch (msg.type) {
    case 'child-finished': {
      const child = parseExecutionId(msg.child_execution_id);
      if (!child.startsWith(`${to}.${msg.join_set_id}_`)) {
        throw new InputError(`child-finished for ${to} names child ${child} of join set ${msg.join_set_id}: expected a child id like ${to}.${msg.join_set_id}_1`);
      }
      return executionDirName(child);
    }
    case 'delay-finished':
      return parseDelayId(msg.delay_id).replaceAll('/', '%2F');
    case 'cancel-requested':
      return CANCEL;
    default:
      return assertNever(msg, 'inbox message');
  }
}

/** A unique temporary name next to `target`; the store never reads files with this suffix. */
let tmpCounter = 0;
export function tmpPath(target: string): string {
  tmpCounter += 1;
  return `${target}.${process.pid}-${tmpCounter}${TMP_SUFFIX}`;
}
