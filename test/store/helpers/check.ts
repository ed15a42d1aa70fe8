/**
 * Invariant checks over a state folder, read with plain node:fs and JSON.parse, independent of
 * the store's own reading code. Used after crashes (simulated and real SIGKILL).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Line {
  type: string;
  [key: string]: unknown;
}

export interface ExecutionFiles {
  dir: string;
  id: string;
  events: Line[];
  inbox: Line[];
  /** Bytes after the last newline (a torn write, not an event). */
  tornBytes: number;
}

/** Every execution folder that has a log, parsed line by line. A complete line that is not JSON throws. */
export function readAll(root: string): Map<string, ExecutionFiles> {
  const out = new Map<string, ExecutionFiles>();
  const base = join(root, 'executions');
  if (!existsSync(base)) return out;
  for (const dir of readdirSync(base)) {
    const log = join(base, dir, 'log.jsonl');
    if (!existsSync(log)) continue;
    const text = readFileSync(log, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    const events = text.slice(0, end).split('\n').filter((l, i, a) => i < a.length - 1 || l !== '').map((l, i) => {
      try {
        return JSON.parse(l) as Line;
      } catch {
        throw new Error(`${log}:${i + 1}: a complete line that is not JSON: ${JSON.stringify(l.slice(0, 100))}`);
      }
    });
    const inboxDir = join(base, dir, 'inbox');
    const inbox = existsSync(inboxDir)
      ? readdirSync(inboxDir).filter((n) => n.endsWith('.json')).map((n) => JSON.parse(readFileSync(join(inboxDir, n), 'utf8')) as Line)
      : [];
    out.set(dir, { dir, id: dir.replaceAll('%2F', '/'), events, inbox, tornBytes: text.length - end });
  }
  return out;
}

const ms = (v: unknown): number => Date.parse(v as string);

/** The state's own wake-up time: undefined when it waits for nothing, 'finished' when done. */
export function stateDue(events: Line[]): number | undefined | 'finished' {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type === 'created') return ms(e.scheduled_at);
    if (e.type === 'locked') return ms(e.lease_expires_at);
    if (e.type === 'unlocked') return ms(e.pending_at);
    if (e.type === 'temporarily-failed' || e.type === 'temporarily-timed-out') return ms(e.backoff_expires_at);
    if (e.type === 'blocked') return e.until === undefined ? undefined : ms(e.until);
    if (e.type === 'finished') return 'finished';
  }
  throw new Error('a log without a lifecycle event');
}

export function isLocked(events: Line[]): boolean {
  return [...events].reverse().find((e) => ['created', 'locked', 'unlocked', 'blocked', 'temporarily-failed', 'temporarily-timed-out', 'finished'].includes(e.type))?.type === 'locked';
}

/** The join set a blocked execution waits on (undefined when not blocked). */
export function blockedOn(events: Line[]): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type === 'blocked') return e.join_set_id as string;
    if (['created', 'locked', 'unlocked', 'temporarily-failed', 'temporarily-timed-out', 'finished'].includes(e.type)) return undefined;
  }
  return undefined;
}

/** Messages that make the execution due now: cancel requests, and unconsumed responses in the join set it is blocked on. */
export function waking(events: Line[], inbox: Line[]): Line[] {
  const seen = new Set(events.filter((e) => e.type === 'join-next' && e.response).map((e) => Object.values(e.response as object)[0] as string));
  const on = blockedOn(events);
  return inbox.filter((m) => m.type === 'cancel-requested' || (on !== undefined && m.join_set_id === on && !seen.has((m.child_execution_id ?? m.delay_id) as string)));
}

/** When the execution is due per its files (the oracle rebuildIndex must agree with). */
export function expectedDue(f: ExecutionFiles, nowMs: number): number | undefined {
  const own = stateDue(f.events);
  if (own === 'finished') return undefined;
  if (isLocked(f.events)) return own;
  if (waking(f.events, f.inbox).length === 0) return own;
  return own === undefined ? nowMs : Math.min(own, nowMs);
}

export interface Marker {
  name: string;
  ms: number;
  dir: string;
}

export function markersOnDisk(root: string): Marker[] {
  const dir = join(root, 'due');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => !name.startsWith('.')).map((name) => {
    const t = name.slice(0, 20);
    const iso = `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9, 11)}:${t.slice(11, 13)}:${t.slice(13)}`;
    return { name, ms: Date.parse(iso), dir: name.slice(21).split('~')[0]! };
  });
}

export function markerNameFor(msTime: number, dir: string): string {
  return `${new Date(msTime).toISOString().replace(/[-:]/g, '')}~${dir}`;
}

/**
 * The live index finds everything due: each execution has a marker at or before the time its
 * state makes it due; a finished child's result reached its parent or the child keeps a marker
 * (the next lease of it re-delivers); a waking child result makes the parent due now, unless the
 * child still has a marker. `requiresWake(msg)` says which other waking messages were acknowledged.
 */
export function checkLiveIndex(root: string, nowMs: number, slackMs: number, requiresWake: (to: ExecutionFiles, msg: Line) => boolean): string[] {
  const files = readAll(root);
  const markers = markersOnDisk(root);
  const earliest = new Map<string, number>();
  for (const m of markers) earliest.set(m.dir, Math.min(earliest.get(m.dir) ?? Infinity, m.ms));
  const problems: string[] = [];
  for (const f of files.values()) {
    const own = stateDue(f.events);
    if (own === 'finished') {
      const parent = f.events[0]!.parent as { execution_id: string } | undefined;
      if (parent) {
        const p = files.get(parent.execution_id.replaceAll('/', '%2F'));
        const told = p?.inbox.some((m) => m.child_execution_id === f.id);
        if (!told && !earliest.has(f.dir)) problems.push(`${f.id} finished, its parent has no result and the child no marker`);
      }
      continue;
    }
    let need = own;
    for (const m of isLocked(f.events) ? [] : waking(f.events, f.inbox)) {
      if (m.type === 'child-finished') {
        const sender = (m.child_execution_id as string).replaceAll('/', '%2F');
        if (earliest.has(sender)) continue; // its next lease re-delivers and wakes us
        need = Math.min(need ?? Infinity, nowMs);
        continue;
      }
      if (requiresWake(f, m)) need = Math.min(need ?? Infinity, nowMs);
    }
    if (need === undefined) continue;
    const have = earliest.get(f.dir);
    if (have === undefined || have > need + slackMs) {
      problems.push(`${f.id} is due at ${new Date(need).toISOString()} but its earliest marker is ${have === undefined ? 'missing' : new Date(have).toISOString()}; last line ${JSON.stringify(f.events.at(-1))}`);
    }
  }
  return problems;
}

/** After rebuildIndex: exactly one marker per execution that is due, at the oracle's time. */
export function checkRebuiltIndex(root: string, nowMs: number): string[] {
  const files = readAll(root);
  const want = new Set<string>();
  for (const f of files.values()) {
    const t = expectedDue(f, nowMs);
    if (t !== undefined) want.add(markerNameFor(t, f.dir));
  }
  const have = new Set(markersOnDisk(root).map((m) => m.name));
  const problems: string[] = [];
  for (const w of want) if (!have.has(w)) problems.push(`missing marker ${w}`);
  for (const h of have) if (!want.has(h)) problems.push(`unexpected marker ${h}`);
  return problems;
}

/**
 * Runs never interleave: each tagged event (persisted, value `<run>/<tag>`) follows a `locked`
 * line of its own run, with no other run's `locked` in between.
 */
export function checkRunsDoNotInterleave(f: ExecutionFiles): string[] {
  const problems: string[] = [];
  let run: string | undefined;
  f.events.forEach((e, i) => {
    if (e.type === 'locked') run = e.run_id as string;
    if (['unlocked', 'blocked', 'finished', 'temporarily-failed', 'temporarily-timed-out'].includes(e.type) && e.run_id !== undefined && e.run_id !== run) {
      problems.push(`${f.id} line ${i + 1}: ${e.type} of ${String(e.run_id)} under the lease of ${run}`);
    }
    if (e.type === 'persisted' && typeof e.value === 'string') {
      const owner = e.value.split('/')[0];
      if (owner !== run) problems.push(`${f.id} line ${i + 1}: event of ${owner} under the lease of ${run}`);
    }
  });
  return problems;
}

/** The tags of an execution's `persisted` events (what each test append wrote). */
export function persistedTags(f: ExecutionFiles | undefined): string[] {
  return (f?.events ?? []).filter((e) => e.type === 'persisted').map((e) => e.value as string);
}
