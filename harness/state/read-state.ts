/**
 * A read-only view of a state folder, for checks: every execution's log and inbox files (with
 * their names), read straight from the files without opening a store (opening one writes
 * `.gitignore` and the due index, which a check must never do).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { InboxMessage, LogEvent } from '../../lib/model/events.js';
import { executionDirName, executionIdFromDirName, type ExecutionId } from '../../lib/model/ids.js';
import { parseInboxFile, parseLog } from '../../lib/store/log-file.js';
import { finishedMessage, parseChildLines } from '../../lib/store/children.js';
import type { JoinNextRecord, Oracle } from '../model/script-model.js';

export interface ExecutionFiles {
  id: string;
  dir: string;
  events: LogEvent[];
  /** Bytes after the last newline of the log (a crashed writer's fragment). */
  torn: boolean;
  /** Inbox files in the store's delivery order (by time, then name). */
  inbox: { name: string; msg: InboxMessage }[];
  /** A digest of the log's bytes and the inbox's file names: what a replay of this execution saw. */
  digest: string;
}

export type StateView = Map<string, ExecutionFiles>;

export const EXECUTIONS = 'executions';

/** Whether a folder looks like a state folder (it has an executions/ folder). */
export function isStateFolder(dir: string): boolean {
  return existsSync(path.join(dir, EXECUTIONS));
}

/**
 * Reads every execution (or those whose id starts with one of `prefixes`). An execution folder
 * without a complete `created` line (a submitter that crashed) is left out. Inline children
 * (a parent's children.jsonl) are executions too, without a folder; a finished one's response is
 * in its parent's inbox, named like the inbox file it stands for.
 */
export function readState(root: string, prefixes?: readonly string[]): StateView {
  const out: StateView = new Map();
  let names: string[];
  try {
    names = readdirSync(path.join(root, EXECUTIONS));
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const id = executionIdFromDirName(name);
    if (id === undefined) continue;
    if (prefixes && !prefixes.some((p) => id === p || id.startsWith(`${p}.`))) continue;
    const dir = path.join(root, EXECUTIONS, name);
    let buf: Buffer;
    try {
      buf = readFileSync(path.join(dir, 'log.jsonl'));
    } catch {
      continue;
    }
    const parsed = parseLog(buf, path.join(dir, 'log.jsonl'));
    if (parsed.events.length === 0) continue;
    const hash = createHash('sha1').update(buf);
    const inbox: ExecutionFiles['inbox'] = [];
    let files: string[] = [];
    try {
      files = readdirSync(path.join(dir, 'inbox'));
    } catch {
      // no inbox yet
    }
    for (const f of files) {
      if (!f.endsWith('.json') || f.endsWith('.tmp')) continue;
      const file = path.join(dir, 'inbox', f);
      inbox.push({ name: f.slice(0, -'.json'.length), msg: parseInboxFile(readFileSync(file), file) });
    }
    let children: Buffer | undefined;
    try {
      children = readFileSync(path.join(dir, 'children.jsonl'));
    } catch {
      // no inline children
    }
    if (children) {
      hash.update(children);
      const logs = new Map<ExecutionId, LogEvent[]>();
      parseChildLines(children, path.join(dir, 'children.jsonl'), id, logs);
      for (const [child, events] of logs) {
        const msg = finishedMessage(child, events);
        if (msg) inbox.push({ name: executionDirName(child), msg });
        if (!existsSync(path.join(root, EXECUTIONS, executionDirName(child), 'log.jsonl'))) {
          out.set(child, { id: child, dir, events, torn: false, inbox: [], digest: `${dir}#${child}\n${createHash('sha1').update(children).digest('hex')}` });
        }
      }
    }
    inbox.sort((a, b) => (a.msg.at < b.msg.at ? -1 : a.msg.at > b.msg.at ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const f of inbox) hash.update(`\n${f.name}`);
    out.set(id, { id, dir, events: parsed.events, torn: parsed.torn, inbox, digest: `${dir}\n${hash.digest('hex')}` });
  }
  return out;
}

/** The last event, if it is `finished`. */
export function finishedOf(x: ExecutionFiles | undefined): Extract<LogEvent, { type: 'finished' }> | undefined {
  const last = x?.events.at(-1);
  return last?.type === 'finished' ? last : undefined;
}

/** The oracle the model asks which response each join-next consumed: the logs' own join-next lines. */
export function logOracle(state: StateView): Oracle {
  return {
    joinNexts(executionId: string, joinSetId: string): JoinNextRecord[] {
      const x = state.get(executionId);
      if (!x) return [];
      const out: JoinNextRecord[] = [];
      for (const e of x.events) {
        if (e.type !== 'join-next' || e.join_set_id !== joinSetId) continue;
        const response = e.response && ('execution_id' in e.response ? e.response.execution_id : e.response.delay_id);
        out.push({ mode: e.mode, closing: e.closing === true, ...(response === undefined ? {} : { response }), ...(e.outcome ? { outcome: e.outcome } : {}) });
      }
      return out;
    },
  };
}
