/**
 * The replay state machine of one workflow run. Every host call a workflow makes goes through here,
 * in JSON terms (the host layer converts to and from the guest's values).
 *
 * Invariants:
 *  1. While recorded history remains, each call must match the next recorded history event (same
 *     type and inputs); it returns the recorded outputs. A mismatch throws NondeterminismError.
 *  2. Past the end of history, a call is new: its event is appended to `pending` with `at` from the
 *     clock, and the side effects it needs (create a child, cancel one, ...) to `effects`. The caller
 *     performs the effects before it persists the events, so a stored event never points at
 *     something that does not exist.
 *  3. Ids (join sets, children, delays, generated and scheduled executions) are derived from the
 *     execution id and counters, or drawn from randomness seeded by the execution id, so replay
 *     reproduces them.
 *  4. The workflow's clock reads the `at` of the last event replayed or recorded, so time read by the
 *     guest is the same on every replay.
 *  5. join-next records which response it consumed: replay returns the same responses in the same
 *     order however children raced. New consumption takes the earliest arrival (inbox order).
 */
import type {
  Backtrace, ChildFinished, Created, DelayFinished, HistoryEvent, InboxMessage, PersistKind, ResponseRef, ReturnValue,
} from '../model/events.js';
import {
  childExecutionId, delayId as deriveDelayId, generatedJoinSetId, isValidJoinSetName, namedJoinSetId, newExecutionId,
  oneOffJoinSetId, type DelayId, type ExecutionId, type JoinSetId,
} from '../model/ids.js';
import { stringifyJson, type JsonValue } from '../model/json.js';
import { SeededRandom } from '../model/random.js';
import { isoTime, parseIsoTime, type Clock } from '../model/time.js';
import { BugError, NondeterminismError } from '../model/errors.js';
import { JoinSetState } from './join-sets.js';
import { describeEvent, expiryOf } from './describe.js';

export type Response = ChildFinished | DelayFinished;
export type TargetKind = 'activity' | 'workflow' | 'stub';

export type Effect =
  | { type: 'create-child'; id: ExecutionId; ffqn: string; params: JsonValue[]; joinSetId: JoinSetId }
  | { type: 'schedule'; id: ExecutionId; ffqn: string; params: JsonValue[]; scheduledAt: string }
  | { type: 'cancel'; id: ExecutionId }
  | { type: 'stub'; id: ExecutionId; result: ReturnValue };

export interface RecordedEvent {
  event: HistoryEvent;
  /** Line number in log.jsonl (1-based). */
  index: number;
}

export interface ContextOptions {
  executionId: ExecutionId;
  created: Created;
  history: RecordedEvent[];
  /** Log lines before the first new event would be written (so new events get the right index). */
  logLength: number;
  inbox: InboxMessage[];
  clock: Clock;
  kindOf(ffqn: string): TargetKind | undefined;
  /**
   * Called when a blocking join-next finds no response. It either adds responses (addResponses) and
   * returns, so the wait is retried, or throws to end the run (interrupt strategy). `waitingFor`
   * names the responses that count when only some do (closing a join set).
   */
  onBlock(joinSetId: JoinSetId, waitingFor?: string[]): void;
}

export type JoinNextResult = { response: Response } | { outcome: 'pending' | 'all-processed' };

function responseIdOf(msg: Response): string {
  return msg.type === 'child-finished' ? msg.child_execution_id : msg.delay_id;
}
/** Arrival order: by time, then by id (the inbox's order). */
function arrivalOrder(a: Response, b: Response): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : responseIdOf(a) < responseIdOf(b) ? -1 : 1;
}
function responseRef(msg: Response): ResponseRef {
  return msg.type === 'child-finished' ? { execution_id: msg.child_execution_id } : { delay_id: msg.delay_id };
}

export class WorkflowContext {
  readonly executionId: ExecutionId;
  readonly pending: HistoryEvent[] = [];
  readonly effects: Effect[] = [];
  private cursor = 0;
  private joinSetCounter = 0;
  private readonly joinSets = new Map<JoinSetId, JoinSetState>();
  private readonly responses = new Map<string, Response>();
  private arrival: Response[] = [];
  /** arrival[0, firstOpen) have all been consumed: a search for the next response starts here. */
  private firstOpen = 0;
  /** Delays submitted and not consumed: id -> expires_at (a dropped one stays: closing a join set consumes nothing). */
  private readonly delays = new Map<string, string>();
  private readonly processed = new Map<string, Response>();
  private readonly stubbed = new Map<string, string>();
  private timeMs: number;
  /** The time of the last event known to be in the log: replayed, or handed out to be persisted. */
  private persistedMs: number;
  /** History events replayed or recorded so far in this run, and log lines since the last one. */
  private eventCount = 0;
  private logOrdinal = 0;
  cancelRequested = false;

  constructor(private readonly o: ContextOptions) {
    this.executionId = o.executionId;
    this.timeMs = parseIsoTime(o.created.at);
    this.persistedMs = this.timeMs;
    this.addResponses(o.inbox);
  }

  /** Milliseconds: the workflow's deterministic notion of now (invariant 4). */
  now(): number {
    return this.timeMs;
  }

  /** Randomness for the next history event: seeded by the execution id and the event's position. */
  private drawRandom(purpose: string): SeededRandom {
    return new SeededRandom(`${this.executionId}/${purpose}/${this.eventCount}`);
  }

  isReplaying(): boolean {
    return this.cursor < this.o.history.length;
  }

  /**
   * Where a log line stands in the run: after `events` history events, the `n`-th line since. A run
   * that starts again from the same history reaches the same positions, so a sink that keeps only
   * positions past the last one written never writes a line twice (a line written before a block
   * that recorded nothing would otherwise be written again by the next run).
   */
  logPosition(): [events: number, n: number] {
    return [this.eventCount, this.logOrdinal++];
  }

  /** Makes responses available (from the inbox at start, or arriving while the instance is hot). */
  addResponses(messages: InboxMessage[]): void {
    let unordered = false;
    for (const m of messages) {
      if (m.type === 'cancel-requested') {
        this.cancelRequested = true;
        continue;
      }
      const id = responseIdOf(m);
      if (this.responses.has(id)) continue;
      this.responses.set(id, m);
      const last = this.arrival.at(-1);
      this.arrival.push(m);
      if (last && arrivalOrder(m, last) < 0) unordered = true;
    }
    // Kept in arrival order. A response usually arrives last; otherwise one sort for the batch.
    if (unordered) {
      this.arrival.sort(arrivalOrder);
      this.firstOpen = 0;
    }
  }

  /** Drains what must be persisted: effects first, then events (invariant 2). */
  takePending(): { events: HistoryEvent[]; effects: Effect[] } {
    const out = { events: this.pending.splice(0), effects: this.effects.splice(0) };
    const last = out.events.at(-1);
    if (last) this.persistedMs = parseIsoTime(last.at);
    return out;
  }

  // ------------------------------------------------------------------ join sets

  createJoinSet(kind: 'generated' | 'named' | 'one-off', label: string | undefined, backtrace?: Backtrace):
    { ok: JoinSetId } | { err: 'conflict' | 'invalid-name' } {
    let id: JoinSetId;
    if (kind === 'named') {
      if (!label || !isValidJoinSetName(label)) return { err: 'invalid-name' };
      id = namedJoinSetId(label);
      if (this.joinSets.has(id)) return { err: 'conflict' };
    } else {
      // Generated and one-off join sets share one counter, numbered from 1 in creation order.
      const n = ++this.joinSetCounter;
      id = kind === 'generated' ? generatedJoinSetId(n) : oneOffJoinSetId(n, label ?? 'call');
    }
    this.step({ type: 'join-set-created', at: '', join_set_id: id, ...bt(backtrace) }, []);
    this.joinSets.set(id, new JoinSetState(id));
    return { ok: id };
  }

  joinSet(id: JoinSetId): JoinSetState {
    const js = this.joinSets.get(id);
    if (!js) throw new BugError(`join set ${id} was never created in ${this.executionId}`);
    return js;
  }

  submitChild(joinSetId: JoinSetId, ffqn: string, params: JsonValue[], backtrace?: Backtrace): ExecutionId {
    const js = this.joinSet(joinSetId);
    const id = childExecutionId(this.executionId, joinSetId, js.nextIndex());
    const { isNew } = this.step({
      type: 'child-requested', at: '', join_set_id: joinSetId, child_execution_id: id, ffqn, params, ...bt(backtrace),
    }, []);
    if (isNew) this.effects.push({ type: 'create-child', id, ffqn, params, joinSetId });
    js.add({ kind: 'child', id, ffqn });
    return id;
  }

  submitDelay(joinSetId: JoinSetId, scheduleAt: JsonValue, backtrace?: Backtrace): { id: DelayId; expiresAt: number } {
    const js = this.joinSet(joinSetId);
    const id = deriveDelayId(this.executionId, joinSetId, js.nextIndex());
    const expiresAt = isoTime(expiryOf(scheduleAt, this.o.clock.now()));
    const { event } = this.step({
      type: 'delay-requested', at: '', join_set_id: joinSetId, delay_id: id, expires_at: expiresAt, schedule_at: scheduleAt, ...bt(backtrace),
    }, ['expires_at']);
    const recorded = event.type === 'delay-requested' ? event.expires_at : expiresAt;
    js.add({ kind: 'delay', id, expiresAt: recorded });
    this.delays.set(id, recorded);
    return { id, expiresAt: parseIsoTime(recorded) };
  }

  /** The earliest expiry among delays not yet answered, across all join sets (the run's wake-up time). */
  nextDelayExpiry(): number | undefined {
    let min: number | undefined;
    for (const [id, expiresAt] of this.delays) {
      if (this.responses.has(id)) continue;
      const t = parseIsoTime(expiresAt);
      if (min === undefined || t < min) min = t;
    }
    return min;
  }

  joinNext(joinSetId: JoinSetId, mode: 'blocking' | 'try', backtrace?: Backtrace, closing = false): JoinNextResult {
    const js = this.joinSet(joinSetId);
    const base = { type: 'join-next' as const, at: '', join_set_id: joinSetId, mode, ...(closing ? { closing } : {}) };
    if (this.isReplaying()) {
      const { event } = this.step({ ...base, ...bt(backtrace) }, ['response', 'outcome']);
      if (event.type !== 'join-next') throw new BugError('step returned a different event type');
      if (event.outcome) return { outcome: event.outcome };
      const ref = event.response;
      const rid = ref && ('execution_id' in ref ? ref.execution_id : ref.delay_id);
      const msg = rid === undefined ? undefined : this.responses.get(rid);
      if (!msg || !js.owns(rid!)) {
        throw new NondeterminismError(`event ${this.o.history[this.cursor - 1]!.index}: join-next consumed ${rid ?? 'nothing'}, which is not a response of join set ${joinSetId} in this execution's inbox`,
          'the inbox file the log refers to is missing, or the workflow submitted different requests');
      }
      this.consume(js, msg);
      return { response: msg };
    }
    for (;;) {
      const msg = this.nextArrived(js);
      if (msg) {
        this.step({ ...base, response: responseRef(msg), ...bt(backtrace) }, []);
        this.consume(js, msg);
        return { response: msg };
      }
      if (js.open === 0 || mode === 'try') {
        const outcome = js.open === 0 ? 'all-processed' : 'pending';
        this.step({ ...base, outcome, ...bt(backtrace) }, []);
        return { outcome };
      }
      this.o.onBlock(joinSetId);
    }
  }

  /** The earliest-arrived response of `js` not consumed yet, looked for in the smaller of its submissions and all arrivals. */
  private nextArrived(js: JoinSetState): Response | undefined {
    if (js.submissions.length >= this.arrival.length) {
      const { arrival } = this;
      while (this.firstOpen < arrival.length && this.processed.has(responseIdOf(arrival[this.firstOpen]!))) this.firstOpen++;
      for (let i = this.firstOpen; i < arrival.length; i++) {
        const id = responseIdOf(arrival[i]!);
        if (!js.consumed.has(id) && js.owns(id)) return arrival[i];
      }
      return undefined;
    }
    let first: Response | undefined;
    for (const s of js.submissions) {
      if (js.consumed.has(s.id)) continue;
      const r = this.responses.get(s.id);
      if (r && (!first || arrivalOrder(r, first) < 0)) first = r;
    }
    return first;
  }

  private consume(js: JoinSetState, msg: Response): void {
    const id = responseIdOf(msg);
    js.consumed.add(id);
    this.delays.delete(id);
    this.processed.set(id, msg);
  }

  /** A child's result, only once a join-next has processed it. */
  processedResult(childId: string): ChildFinished | undefined {
    const r = this.processed.get(childId);
    return r && r.type === 'child-finished' ? r : undefined;
  }

  /**
   * Closes a join set: unawaited delays are dropped, unawaited activities cancelled, unawaited child
   * workflows awaited (each await recorded as a closing join-next that consumes only those).
   */
  closeJoinSet(joinSetId: JoinSetId, backtrace?: Backtrace): void {
    const js = this.joinSet(joinSetId);
    if (js.closed) return;
    const isWorkflow = (s: { kind: string; id: string }) => s.kind === 'child' && this.o.kindOf(this.childFunction(s.id) ?? '') === 'workflow';
    const awaited = new Set(js.unconsumed().filter(isWorkflow).map((s) => s.id));
    for (let i = 0; i < awaited.size; i++) this.joinNextAmong(js, awaited, backtrace);
    const cancelled: string[] = [];
    const dropped: string[] = [];
    for (const s of js.unconsumed()) {
      if (s.kind === 'delay') dropped.push(s.id);
      else if (!awaited.has(s.id) && !this.responses.has(s.id)) cancelled.push(s.id);
    }
    // Which activities had answered depends on timing: on replay the recorded lists stand.
    const { event, isNew } = this.step({ type: 'join-set-closed', at: '', join_set_id: joinSetId, cancelled, dropped, ...bt(backtrace) }, ['cancelled', 'dropped']);
    // After any create-child effect of this run: a cancel must reach a child that exists.
    if (isNew && event.type === 'join-set-closed') for (const id of event.cancelled) this.effects.push({ type: 'cancel', id: id as ExecutionId });
    js.closed = true;
  }

  /** A closing join-next: consumes the next response among `ids` only (child workflows being awaited). */
  private joinNextAmong(js: JoinSetState, ids: Set<string>, backtrace?: Backtrace): void {
    const base = { type: 'join-next' as const, at: '', join_set_id: js.id, mode: 'blocking' as const, closing: true };
    if (this.isReplaying()) {
      this.joinNext(js.id, 'blocking', backtrace, true);
      return;
    }
    for (;;) {
      const msg = this.arrival.find((m) => ids.has(responseIdOf(m)) && !js.consumed.has(responseIdOf(m)));
      if (msg) {
        this.step({ ...base, response: responseRef(msg), ...bt(backtrace) }, []);
        this.consume(js, msg);
        return;
      }
      this.o.onBlock(js.id, [...ids].filter((id) => !js.consumed.has(id)));
    }
  }

  /** Closes every join set still open, in creation order: the implicit close at the end of the workflow. */
  closeAll(): void {
    for (const js of [...this.joinSets.values()]) if (!js.closed) this.closeJoinSet(js.id);
  }

  // ------------------------------------------------------------------ persisted values, schedule, stub

  /**
   * A value drawn once and recorded. `compute` gets randomness seeded by the execution id and the
   * draw's position in the history, so a draw in a later run is a new draw, never a repeat of the
   * first one (a run replays the earlier draws without drawing).
   */
  persist(kind: PersistKind, compute: (random: SeededRandom) => JsonValue, backtrace?: Backtrace): JsonValue {
    const value = this.isReplaying() ? null : compute(this.drawRandom('random'));
    const { event } = this.step({ type: 'persisted', at: '', kind, value, ...bt(backtrace) }, ['value']);
    return event.type === 'persisted' ? event.value : value;
  }

  /** A fresh top-level execution id drawn from randomness seeded by this execution (invariant 3). */
  generateExecutionId(backtrace?: Backtrace): ExecutionId {
    return this.persist({ fn: 'execution-id-generate' }, () => newExecutionId(this.timeMs, this.drawRandom('ids')), backtrace) as ExecutionId;
  }

  schedule(ffqn: string, params: JsonValue[], scheduleAt: JsonValue, backtrace?: Backtrace, presetId?: ExecutionId): ExecutionId {
    // From what a re-run reproduces (the time of the last event in the log and the draw's position),
    // not the clock: a run that created the execution but could not record it schedules the same id
    // again, not a second execution.
    const id = presetId ?? newExecutionId(this.persistedMs, this.drawRandom('ids'));
    const scheduledAt = isoTime(expiryOf(scheduleAt, this.o.clock.now()));
    const { event, isNew } = this.step({ type: 'scheduled', at: '', execution_id: id, ffqn, params, schedule_at: scheduleAt, ...bt(backtrace) }, ['execution_id']);
    if (event.type !== 'scheduled') throw new BugError('step returned a different event type');
    if (isNew) this.effects.push({ type: 'schedule', id, ffqn, params, scheduledAt });
    return event.execution_id as ExecutionId;
  }

  stub(target: ExecutionId, result: ReturnValue, backtrace?: Backtrace): 'ok' | 'conflict' | 'execution-not-found' {
    const ours = [...this.joinSets.values()].some((js) => js.owns(target));
    const text = stringifyJson(result);
    const outcome = !ours || this.o.kindOf(this.childFunction(target) ?? '') !== 'stub'
      ? 'execution-not-found'
      : this.stubbed.has(target) && this.stubbed.get(target) !== text ? 'conflict' : 'ok';
    const { event, isNew } = this.step({ type: 'stubbed', at: '', target_execution_id: target, result, outcome, ...bt(backtrace) }, ['outcome']);
    if (event.type !== 'stubbed') throw new BugError('step returned a different event type');
    if (event.outcome === 'ok' && !this.stubbed.has(target)) {
      this.stubbed.set(target, text);
      if (isNew) this.effects.push({ type: 'stub', id: target, result });
    }
    return event.outcome;
  }

  /** The function a child of this execution was submitted to run. */
  childFunction(id: string): string | undefined {
    for (const js of this.joinSets.values()) for (const s of js.submissions) if (s.kind === 'child' && s.id === id) return s.ffqn;
    return undefined;
  }

  /** At the end of a run that finished: recorded history the workflow did not reach is a divergence. */
  assertHistoryConsumed(): void {
    if (!this.isReplaying()) return;
    const next = this.o.history[this.cursor]!;
    throw new NondeterminismError(
      `event ${next.index}: recorded ${describeEvent(next.event)}, but the workflow finished without making that call`,
      `recorded: ${stringifyJson(next.event)}\nnew code: returned from the workflow function`,
    );
  }

  // ------------------------------------------------------------------ the core step

  /**
   * Replays or records one history event. `outputs` are the keys whose values come from the recorded
   * event on replay (every other key must match). Returns the recorded event, or the new one.
   */
  private step(call: HistoryEvent, outputs: string[]): { event: HistoryEvent; isNew: boolean } {
    if (this.isReplaying()) {
      const recorded = this.o.history[this.cursor]!;
      const mismatch = firstMismatch(recorded.event, call, outputs);
      if (mismatch !== undefined) {
        const where = [sourceLine('recorded at', recorded.event), sourceLine('new code at', call)].filter(Boolean).join('\n');
        throw new NondeterminismError(
          `event ${recorded.index}: recorded ${describeEvent(recorded.event)}, but the workflow now makes ${describeEvent(call)} (${mismatch} differs)`,
          `recorded: ${stringifyJson(stripAt(recorded.event))}\nnew code: ${stringifyJson(stripAt(call))}${where ? `\n${where}` : ''}`,
        );
      }
      this.cursor++;
      this.eventCount++;
      this.logOrdinal = 0;
      this.timeMs = parseIsoTime(recorded.event.at);
      this.persistedMs = this.timeMs;
      return { event: recorded.event, isNew: false };
    }
    const nowMs = Math.max(this.o.clock.now(), this.timeMs);
    const event = { ...call, at: isoTime(nowMs) } as HistoryEvent;
    this.timeMs = nowMs;
    this.eventCount++;
    this.logOrdinal = 0;
    this.pending.push(event);
    return { event, isNew: true };
  }
}

function bt(backtrace: Backtrace | undefined): { backtrace?: Backtrace } {
  return backtrace === undefined || backtrace === null ? {} : { backtrace };
}

/** `recorded at src/workflow.ts:42 (run)`: the first source frame of a guest backtrace, if the guest gave one. */
function sourceLine(label: string, e: HistoryEvent): string {
  const bt = (e as { backtrace?: { frames?: { 'func-name'?: string; symbols?: { file?: string; line?: number; 'func-name'?: string }[] }[] } }).backtrace;
  for (const frame of bt?.frames ?? []) {
    for (const sym of frame.symbols ?? []) {
      if (sym.file) return `${label} ${sym.file}${sym.line ? `:${sym.line}` : ''}${sym['func-name'] ? ` (${sym['func-name']})` : ''}`;
    }
  }
  return '';
}

function stripAt(e: HistoryEvent): Record<string, unknown> {
  const { at: _at, backtrace: _bt, ...rest } = e as HistoryEvent & { backtrace?: unknown };
  return rest;
}

/** The first input key on which a recorded event and a new call differ, or undefined when they match. */
function firstMismatch(recorded: HistoryEvent, call: HistoryEvent, outputs: string[]): string | undefined {
  if (recorded.type !== call.type) return 'the kind of call';
  const r = recorded as unknown as Record<string, unknown>;
  const c = call as unknown as Record<string, unknown>;
  const differs = (key: string): boolean => {
    if (key === 'at' || key === 'backtrace' || outputs.includes(key)) return false;
    const a = r[key] ?? null;
    const b = c[key] ?? null;
    // Equal strings and numbers are most keys; anything else compares as the JSON it is stored as (5 and 5n are equal).
    return a !== b && stringifyJson(a) !== stringifyJson(b);
  };
  for (const key in r) if (differs(key)) return key;
  for (const key in c) if (!(key in r) && differs(key)) return key;
  return undefined;
}
