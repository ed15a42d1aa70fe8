/**
 * Parsed log prefixes kept between reads, so reading or leasing an execution again costs only
 * the lines appended since (a workflow leased once per step would otherwise re-parse its whole
 * history every step).
 *
 * Invariants:
 *  1. An entry covers complete lines only; acknowledged lines are never rewritten or removed
 *     (events.ts, invariant 2), so bytes [0, length) of the same file never change.
 *  2. An entry is used only for the same file (device and inode) and only if the file is at
 *     least `length` bytes long; anything else is read and parsed from the start.
 *  3. Callers get a copy of the event list, never the cached array; the events themselves are
 *     shared and must be treated as read-only.
 */
import type { LogEvent } from '../model/events.js';
import { parseLog, type ParsedLog } from './log-file.js';

export interface LogRead {
  bytes: Buffer;
  size: number;
  identity: string;
}

interface Entry {
  identity: string;
  /** Bytes covered: parsed events and the appended bytes not parsed yet. */
  length: number;
  events: LogEvent[];
  /** Lines this process appended, parsed only when the log is next read (most are never read back). */
  unparsed: Buffer[];
}

export class LogCache {
  private readonly entries = new Map<string, Entry>();
  private total = 0;

  constructor(private readonly maxEvents = 500_000) {}

  /**
   * Parses a log given a way to read it from an offset: `readFrom` returns the bytes from that
   * offset to the end, the file's size and its identity. Returns null when the file is missing.
   */
  parse(path: string, readFrom: (offset: number) => LogRead | null): ParsedLog | null {
    const cached = this.entries.get(path);
    let got = readFrom(cached?.length ?? 0);
    if (got === null) {
      this.drop(path);
      return null;
    }
    let prefix: Entry | undefined = cached;
    if (cached && (cached.identity !== got.identity || got.size < cached.length)) {
      prefix = undefined;
      got = readFrom(0);
      if (got === null) return null;
    }
    if (prefix) this.catchUp(path, prefix);
    const tail = parseLog(got.bytes, path, (prefix?.events.length ?? 0) + 1);
    let entry: Entry;
    if (prefix) {
      for (const e of tail.events) prefix.events.push(e); // in place: the cached array is never handed out
      prefix.length += tail.length;
      this.total += tail.events.length;
      entry = prefix;
    } else {
      this.drop(path);
      entry = { identity: got.identity, length: tail.length, events: tail.events, unparsed: [] };
      this.total += entry.events.length;
    }
    this.touch(path, entry);
    return { events: entry.events.slice(), length: entry.length, torn: tail.torn };
  }

  /**
   * Records lines this process appended at `from`, if the entry ends exactly there. They are
   * parsed back from the bytes written when the log is next read, so the cache holds what a fresh
   * read would return (not the caller's objects, which may hold undefined keys or bigints for
   * small numbers).
   */
  appended(path: string, identity: string, from: number, data: Buffer): void {
    const e = this.entries.get(path);
    if (!e || e.identity !== identity || e.length !== from) return;
    e.unparsed.push(data);
    e.length = from + data.length;
  }

  private catchUp(path: string, e: Entry): void {
    if (e.unparsed.length === 0) return;
    const { events } = parseLog(e.unparsed.length === 1 ? e.unparsed[0]! : Buffer.concat(e.unparsed), path, e.events.length + 1);
    e.unparsed = [];
    for (const ev of events) e.events.push(ev);
    this.total += events.length;
  }

  drop(path: string): void {
    const e = this.entries.get(path);
    if (e) {
      this.total -= e.events.length;
      this.entries.delete(path);
    }
  }

  /** Moves the entry to the end (the Map's order is least recently used first) and evicts the oldest beyond the bound. */
  private touch(path: string, e: Entry): void {
    this.entries.delete(path);
    this.entries.set(path, e);
    for (const [oldest, old] of this.entries) {
      if (this.total <= this.maxEvents || oldest === path) break;
      this.total -= old.events.length;
      this.entries.delete(oldest);
    }
  }
}
