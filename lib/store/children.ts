/**
 * Inline children: activity children that the parent's lease holder ran itself, recorded in one
 * file in the parent's folder, `children.jsonl`, instead of a folder each. A child costs two line
 * appends to a file that is already open, not three new inodes (folder, log, inbox file), which
 * on common disks is most of what a child costs.
 *
 * Each line is one event of one child's log, with the child's id as the second key:
 *   {"type":"created","execution_id":"E_….g:1_1","at":…,"ffqn":…,"params":[…],…}
 * A child's lines, in file order, are its log; its `finished` line is also its parent's
 * `child-finished` response (there is no inbox file for it).
 *
 * Invariants:
 *  1. Only the parent's lease holder writes the file, under the parent's append lock and after
 *     the parent's fence check (lease.ts), so a holder that lost the parent's lease writes
 *     nothing here either.
 *  2. A child's first line is `created` naming this parent; no later line of it is `created`.
 *  3. A child whose own `log.jsonl` exists (it was materialized: it needed a retry, or its holder
 *     died mid-attempt) is read from that log; its lines here are a prefix of that log, and
 *     nothing more is written here for it.
 *  4. Only complete lines count; a torn tail is cut off by the next holder before it writes.
 */
import type { ChildFinished, Created, LogEvent } from '../model/events.js';
import { INBOX_TYPES } from '../model/events.js';
import { decodeEvent, encodeEvent, EventDecodeError } from '../model/event-codec.js';
import { parseExecutionId, parentOf, type ExecutionId } from '../model/ids.js';
import { CorruptLogError, InputError } from '../model/errors.js';
import { stringifyJson } from '../model/json.js';
import type { FileLayer } from './file-layer.js';
import type { ExecutionPaths } from './layout.js';

/** One line of children.jsonl: an event of the child `id`. */
export interface ChildLine {
  id: ExecutionId;
  event: LogEvent;
}

/** What children.jsonl holds, parsed. */
export interface InlineChildren {
  /** Each child's log, in order of first appearance. */
  logs: Map<ExecutionId, LogEvent[]>;
  /** Acknowledged bytes (up to and including the last newline). */
  length: number;
  torn: boolean;
}

const NEWLINE = 0x0a;
const KEY = 'execution_id';

/** The bytes of a batch of child lines. */
export function encodeChildLines(lines: readonly ChildLine[]): Buffer {
  let text = '';
  for (const { id, event } of lines) {
    const line = encodeEvent(event);
    const head = `{"type":${stringifyJson(event.type)}`;
    // `type` first, the child's id second, then the event's own keys in their usual order.
    text += `${head},"${KEY}":${stringifyJson(id)}${line.slice(head.length)}\n`;
  }
  return Buffer.from(text, 'utf8');
}

/** Parses complete lines of children.jsonl (starting at `firstLine`) into `into`. */
export function parseChildLines(
  buf: Buffer, file: string, parent: ExecutionId, into: Map<ExecutionId, LogEvent[]>, firstLine = 1,
  onLine?: (id: ExecutionId, log: readonly LogEvent[]) => void,
): { length: number; torn: boolean; lines: number } {
  const length = buf.lastIndexOf(NEWLINE) + 1;
  if (length === 0) return { length: 0, torn: buf.length > 0, lines: 0 };
  const lines = buf.toString('utf8', 0, length - 1).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = firstLine + i;
    const { id, event } = decodeChildLine(lines[i]!, file, lineNo);
    const p = parentOf(id);
    if (p?.parent !== parent) throw new CorruptLogError(file, lineNo, `child ${id} is not a child of ${parent}`);
    const log = into.get(id);
    if ((log === undefined) !== (event.type === 'created')) {
      throw new CorruptLogError(file, lineNo, log === undefined ? `first line of child ${id} is ${event.type}: expected created` : `second created line for child ${id}`);
    }
    if (event.type === 'created' && (event as Created).parent?.execution_id !== parent) {
      throw new CorruptLogError(file, lineNo, `created line of child ${id} names another parent`);
    }
    if (log) log.push(event);
    else into.set(id, [event]);
    onLine?.(id, into.get(id)!);
  }
  return { length, torn: length < buf.length, lines: lines.length };
}

function decodeChildLine(line: string, file: string, lineNo: number): ChildLine {
  const m = /^\{"type":("[^"]*"),"execution_id":("[^"]*"),?/.exec(line);
  if (!m) throw new CorruptLogError(file, lineNo, `expected {"type":…,"execution_id":…,…}, got ${line.slice(0, 60)}`);
  let id: ExecutionId;
  let event;
  try {
    id = parseExecutionId(JSON.parse(m[2]!) as string);
    const rest = line.slice(m[0].length);
    event = decodeEvent(`{"type":${m[1]}${rest === '}' ? '' : ','}${rest}`);
  } catch (err) {
    if (err instanceof EventDecodeError || err instanceof SyntaxError || err instanceof InputError) {
      throw new CorruptLogError(file, lineNo, (err as Error).message);
    }
    throw err;
  }
  if (INBOX_TYPES.has(event.type)) throw new CorruptLogError(file, lineNo, `inbox message ${event.type} in children.jsonl: expected a log event`);
  return { id, event: event as LogEvent };
}

/** The parent's response for an inline child that finished, as an inbox message. */
export function finishedMessage(id: ExecutionId, log: readonly LogEvent[]): ChildFinished | undefined {
  const fin = log.at(-1);
  if (fin?.type !== 'finished') return undefined;
  const created = log[0] as Created;
  return {
    type: 'child-finished', at: fin.at, join_set_id: created.parent!.join_set_id, child_execution_id: id,
    ...('result' in fin ? { result: fin.result } : { failure: fin.failure }),
  };
}

interface Entry {
  identity: string;
  length: number;
  lines: number;
  logs: Map<ExecutionId, LogEvent[]>;
  /** The responses of the children finished so far, in file order (kept as lines are parsed). */
  responses: ChildFinished[];
}

/**
 * Reads children.jsonl files, parsing only what was appended since the last read (the file is
 * append-only, like a log). Entries are shared: callers must not change what they get.
 */
export class ChildrenReader {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly fs: FileLayer, private readonly maxEntries = 10_000) {}

  read(paths: ExecutionPaths, parent: ExecutionId): InlineChildren {
    const cached = this.entries.get(paths.children);
    let got = this.fs.readFrom(paths.children, cached?.length ?? 0);
    if (got === null) {
      this.entries.delete(paths.children);
      return { logs: new Map(), length: 0, torn: false };
    }
    let entry = cached;
    if (entry && (entry.identity !== got.identity || got.size < entry.length)) {
      entry = undefined;
      got = this.fs.readFrom(paths.children, 0);
      if (got === null) return { logs: new Map(), length: 0, torn: false };
    }
    const e: Entry = entry ?? { identity: got.identity, length: 0, lines: 0, logs: new Map(), responses: [] };
    let parsed;
    try {
      parsed = parseChildLines(got.bytes, paths.children, parent, e.logs, e.lines + 1, (id, log) => {
        const msg = finishedMessage(id, log);
        if (msg) e.responses.push(msg);
      });
    } catch (err) {
      this.entries.delete(paths.children); // partly parsed: the next read starts over
      throw err;
    }
    e.length += parsed.length;
    e.lines += parsed.lines;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(paths.children, e);
    return { logs: e.logs, length: e.length, torn: parsed.torn };
  }

  /**
   * Responses of the inline children that finished here, for the parent's inbox, in file order (a
   * materialized child has no `finished` line here: invariant 3). Shared: do not change it.
   */
  responses(paths: ExecutionPaths, parent: ExecutionId): readonly ChildFinished[] {
    this.read(paths, parent);
    return this.entries.get(paths.children)?.responses ?? [];
  }
}
