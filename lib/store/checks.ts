/** Checks of what callers hand the store, and the one error translation it applies everywhere. */
import type { Created, InboxMessage } from '../model/events.js';
import { INBOX_TYPES } from '../model/events.js';
import { decodeEvent, encodeEvent } from '../model/event-codec.js';
import { parentOf, type ExecutionId } from '../model/ids.js';
import { CorruptLogError, InputError, RetryLaterError } from '../model/errors.js';
import { stringifyJson } from '../model/json.js';
import { isNoSpace } from './file-layer.js';
import type { ExecutionPaths } from './layout.js';
import { parseLog } from './log-file.js';

/** The checks a reader applies to a stored line (required keys, time format), applied before writing it. */
function checkShape(what: string, event: Created | InboxMessage): void {
  try {
    decodeEvent(encodeEvent(event));
  } catch (err) {
    throw new InputError(`${what}: not a valid ${event.type} event: ${(err as Error).message}`);
  }
}

export function checkCreated(id: ExecutionId, created: Created): void {
  if (created?.type !== 'created') throw new InputError(`create ${id}: expected a created event, got ${stringifyJson(created?.type)}`);
  checkShape(`create ${id}`, created);
  if (created.parent) {
    const p = parentOf(id);
    if (!p || p.parent !== created.parent.execution_id || p.joinSetId !== created.parent.join_set_id) {
      throw new InputError(`create ${id}: parent ${created.parent.execution_id} join set ${created.parent.join_set_id} does not match the id: expected a child id like ${created.parent.execution_id}.${created.parent.join_set_id}_1`);
    }
  }
}

export function checkMessage(id: ExecutionId, msg: InboxMessage): void {
  if (!INBOX_TYPES.has(msg?.type)) throw new InputError(`deliver to ${id}: expected child-finished, delay-finished or cancel-requested, got ${stringifyJson(msg?.type)}`);
  checkShape(`deliver to ${id}`, msg);
}

/** 'exists' when the stored line 1 is the same execution (function, parameters, parent); an InputError otherwise. */
export function sameExecution(id: ExecutionId, paths: ExecutionPaths, buf: Buffer, created: Created): 'exists' {
  const first = parseLog(buf.subarray(0, buf.indexOf(0x0a) + 1), paths.log).events[0];
  if (first?.type !== 'created') throw new CorruptLogError(paths.log, 1, 'no complete created line: expected line 1 to be created');
  const key = (c: Created): string => stringifyJson([c.ffqn, c.params, c.parent ?? null]);
  if (key(first) !== key(created)) {
    throw new InputError(`execution ${id} exists already with another function, parameters or parent: stored ${key(first)}, given ${key(created)}`);
  }
  return 'exists';
}

/** A full disk, reported as what the caller should do about it. */
export async function withNoSpaceReported<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isNoSpace(err)) throw new RetryLaterError(`no space left on the device while ${what}; nothing was acknowledged; free space and retry`, { cause: err });
    throw err;
  }
}
