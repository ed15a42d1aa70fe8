/**
 * Reading and writing the lines of an execution log.
 *
 * Invariants:
 *  1. Only complete lines (ending in `\n`) are events. Bytes after the last newline are a torn
 *     write from a crash: they are reported as `torn`, never parsed.
 *  2. A complete line that does not decode is a CorruptLogError naming the file and the 1-based
 *     line number (as `grep -n` shows it).
 *  3. Line 1 is `created`; no later line is `created`; inbox messages never appear in a log.
 */
import { decodeEvent, encodeEvent, EventDecodeError } from '../model/event-codec.js';
import { INBOX_TYPES, type InboxMessage, type LogEvent } from '../model/events.js';
import { CorruptLogError } from '../model/errors.js';

export interface ParsedLog {
  events: LogEvent[];
  /** Bytes up to and including the last newline: the acknowledged part of the file. */
  length: number;
  /** True when bytes follow the last newline. */
  torn: boolean;
}

const NEWLINE = 0x0a;

/** Parses the complete lines of `buf`, which starts at line `firstLine` of the file (1 for the whole file). */
export function parseLog(buf: Buffer, file: string, firstLine = 1): ParsedLog {
  const length = buf.lastIndexOf(NEWLINE) + 1;
  const events: LogEvent[] = [];
  if (length > 0) {
    const lines = buf.toString('utf8', 0, length - 1).split('\n');
    for (let i = 0; i < lines.length; i++) events.push(decodeLogLine(lines[i]!, file, firstLine + i));
  }
  return { events, length, torn: length < buf.length };
}

function decodeLogLine(line: string, file: string, lineNo: number): LogEvent {
  let event;
  try {
    event = decodeEvent(line);
  } catch (err) {
    if (err instanceof EventDecodeError) throw new CorruptLogError(file, lineNo, `${err.message}; line: ${preview(line)}`);
    throw err;
  }
  if (INBOX_TYPES.has(event.type)) throw new CorruptLogError(file, lineNo, `inbox message ${event.type} in a log: expected a log event`);
  if ((lineNo === 1) !== (event.type === 'created')) {
    throw new CorruptLogError(file, lineNo, lineNo === 1 ? `line 1 is ${event.type}: expected created` : 'created after line 1: expected it only on line 1');
  }
  return event as LogEvent;
}

/** Decodes one inbox file (a single line, with or without its trailing newline). */
export function parseInboxFile(buf: Buffer, file: string): InboxMessage {
  let text = buf.toString('utf8');
  if (text.endsWith('\n')) text = text.slice(0, -1);
  if (text.includes('\n')) throw new CorruptLogError(file, 2, 'more than one line: expected one message per inbox file');
  let event;
  try {
    event = decodeEvent(text);
  } catch (err) {
    if (err instanceof EventDecodeError) throw new CorruptLogError(file, 1, `${err.message}; line: ${preview(text)}`);
    throw err;
  }
  if (!INBOX_TYPES.has(event.type)) {
    throw new CorruptLogError(file, 1, `${event.type} in an inbox file: expected child-finished, delay-finished or cancel-requested`);
  }
  return event as InboxMessage;
}

function preview(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}...` : line);
}

/** The bytes of a batch: one line per event, each ending in a newline. */
export function encodeLines(events: readonly (LogEvent | InboxMessage)[]): Buffer {
  let text = '';
  for (const e of events) text += `${encodeEvent(e)}\n`;
  return Buffer.from(text, 'utf8');
}
