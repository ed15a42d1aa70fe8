/**
 * A plain model of the script workflow (components/script_workflow/README.md): what a program of
 * steps returns, which history it records, and which executions it makes, computed from the step
 * semantics alone, in pure TypeScript, without the engine.
 *
 * Which response a join-next consumes depends on the order children finished, which no model can
 * know; the model asks an `Oracle` (in practice: the join-next lines of the execution's log) and
 * checks each answer is possible (a response of that join set, not consumed before), recording a
 * problem otherwise. Everything else follows from the program and the execution id.
 *
 * Invariants:
 *  1. Pure: no I/O, no clock, no randomness. Values a model cannot know (random draws, times,
 *     scheduled ids) must be `hide`; the model writes `null` for every hidden step.
 *  2. Ids follow docs of lib/model/ids.ts: `g:<n>` and `o:<n>-<label>` share one counter; a child
 *     is `<parent>.<join set>_<index>`, a delay `Delay_<parent without E_>.<join set>_<index>`.
 */

export type Json = null | boolean | number | bigint | string | Json[] | { [key: string]: Json };

/** A history field the model cannot know (a time, a random value): compare() skips it. */
export const UNKNOWN = Object.freeze({ unknown: true }) as unknown as Json;

export type Fn = 'activity.echo' | 'activity.fail' | 'activity.fail-permanent' | 'activity.trap' | 'activity.spin' | 'activity.add' | 'stub.get' | 'script.run';

/** Each target's function: its ffqn, and how an execution failure shows in its return type. */
export const TARGETS: Record<Fn, { ffqn: string; failedErr: Json; kind: 'activity' | 'stub' | 'workflow' }> = {
  'activity.echo': { ffqn: 'testing:activity/ops.echo', failedErr: 'execution-failed', kind: 'activity' },
  'activity.fail': { ffqn: 'testing:activity/ops.fail', failedErr: 'execution-failed', kind: 'activity' },
  'activity.fail-permanent': { ffqn: 'testing:activity/ops.fail-permanent', failedErr: 'execution-failed', kind: 'activity' },
  'activity.trap': { ffqn: 'testing:activity/ops.trap', failedErr: 'execution-failed', kind: 'activity' },
  'activity.spin': { ffqn: 'testing:activity/ops.spin', failedErr: 'execution-failed', kind: 'activity' },
  'activity.add': { ffqn: 'testing:activity/ops.add', failedErr: null, kind: 'activity' },
  'stub.get': { ffqn: 'testing:stub/stub.get', failedErr: null, kind: 'stub' },
  'script.run': { ffqn: 'testing:script/workflow.run', failedErr: 'execution-failed', kind: 'workflow' },
};

/** A step as the generators write it (a subset of the README's steps, every field optional). */
export interface Step {
  op: string;
  as?: string;
  hide?: boolean;
  quiet?: boolean;
  js?: string;
  id?: string;
  in?: number;
  fn?: Fn;
  args?: Json[];
  label?: string;
  min?: number;
  max?: number;
  message?: string;
  level?: string;
  result?: Json;
  [key: string]: unknown;
}
export type Program = Step[];

/** How an execution ends: the function's own result, or an execution failure (a trap, a timeout). */
export type Outcome = { ok: Json } | { err: Json } | { failed: string };

/** One recorded join-next of a join set, as the log has it. */
export interface JoinNextRecord {
  mode: 'blocking' | 'try';
  closing: boolean;
  response?: string;
  outcome?: 'pending' | 'all-processed';
}

export interface Oracle {
  /**
   * The join-next lines the execution recorded for a join set, in log order; undefined lets the
   * model choose (the earliest submission first, `pending` never).
   */
  joinNexts(executionId: string, joinSetId: string): readonly JoinNextRecord[] | undefined;
}

/** An oracle that lets the model choose: children finish in submission order. */
export const SUBMISSION_ORDER: Oracle = { joinNexts: () => undefined };

export interface ModelOptions {
  /** `spin(ms)` at or beyond this runs past the activity's timeout (lock expiry): a failure. */
  spinTimeoutMs: number;
}

/** A top-level execution the program schedules: its function, params and expected outcome (its id is random). */
export interface ScheduledExpectation {
  ffqn: string;
  params: Json[];
  outcome: Outcome;
}

export interface ModelRun {
  id: string;
  ffqn: string;
  params: Json[];
  /** ok(JSON text of the values) / err(message) / failed (the workflow trapped). */
  outcome: Outcome;
  /** The values of the steps (for an `ok` outcome): what the result text parses to. */
  values: Json[];
  /** Every history event, without `at` and `backtrace`; UNKNOWN where the model cannot know. */
  history: Record<string, Json>[];
  /** Every child execution the run submits, in submission order, with its expected outcome. */
  children: { id: string; ffqn: string; params: Json[]; joinSetId: string; outcome: Outcome; run?: ModelRun; cancellable?: boolean }[];
  scheduled: ScheduledExpectation[];
  /** Answers of the oracle that the program could not have received (a response consumed twice, ...). */
  problems: string[];
}

interface Submission {
  id: string;
  kind: 'child' | 'delay';
  fn?: Fn;
  outcome?: () => Outcome;
}

interface JoinSet {
  id: string;
  subs: Submission[];
  consumed: Set<string>;
}

const U64 = 2n ** 64n;

/** u64 in the guest's JSON form: a number when safe, else a decimal string (README). */
function u64Value(v: bigint): Json {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}
/** u64 as stored in a log's params: a number when safe, else a bigint (lossless JSON). */
function u64Param(v: bigint): Json {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
function toBig(v: Json | undefined): bigint {
  return BigInt(typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' ? v : 0);
}

/** The params a function's child is created with, as its log records them. */
export function paramsOf(fn: Fn, args: readonly Json[]): Json[] {
  switch (fn) {
    case 'activity.echo':
    case 'activity.fail':
    case 'activity.fail-permanent':
    case 'stub.get':
      return [String(args[0])];
    case 'activity.trap':
      return [];
    case 'activity.spin':
      return [Number(args[0])];
    case 'activity.add':
      return [u64Param(toBig(args[0])), u64Param(toBig(args[1]))];
    case 'script.run':
      return [typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0])];
  }
}

/** What an activity returns for these arguments (all of them are pure but `spin`'s timeout). */
export function activityOutcome(fn: Fn, args: readonly Json[], opts: ModelOptions): Outcome {
  switch (fn) {
    case 'activity.echo':
      return { ok: String(args[0]) };
    case 'activity.fail':
      return { err: String(args[0]) };
    case 'activity.fail-permanent':
      return { err: { 'permanent-failure': String(args[0]) } };
    case 'activity.trap':
      return { failed: 'uncategorized' };
    case 'activity.spin':
      return Number(args[0]) >= opts.spinTimeoutMs ? { failed: 'timed-out' } : { ok: Number(args[0]) };
    case 'activity.add':
      return { ok: u64Value((toBig(args[0]) + toBig(args[1])) % U64) };
    default:
      throw new Error(`activityOutcome: ${fn} is not an activity`);
  }
}

/** The guest's view of a child's outcome in `fn`'s return type: `{"ok": v}` / `{"err": e}`. */
export function resultValue(fn: Fn, outcome: Outcome): Json {
  if ('failed' in outcome) return { err: TARGETS[fn].failedErr };
  return 'ok' in outcome ? { ok: outcome.ok } : { err: outcome.err };
}

function isOk(outcome: Outcome): boolean {
  return 'ok' in outcome;
}

function functionRecord(fn: Fn): Json {
  const ffqn = TARGETS[fn].ffqn;
  const dot = ffqn.lastIndexOf('.');
  return { interfaceName: ffqn.slice(0, dot), functionName: ffqn.slice(dot + 1) };
}

function mismatch(fn: Fn, responseId: string): Json {
  const actualId: Json = responseId.startsWith('Delay_') ? { 'delay-id': responseId } : { 'execution-id': responseId };
  return { err: { 'function-mismatch': { specifiedFunction: functionRecord(fn), actualFunction: null, actualId } } };
}

function scheduleAt(step: Step): Json {
  return step.in === undefined ? 'now' : { in: { milliseconds: step.in } };
}

class Finish {
  constructor(readonly outcome: Outcome) {}
}

/** Runs the model of one execution of `testing:script/workflow.run(program)` with id `id`. */
export function runModel(program: Program, id: string, oracle: Oracle, opts: ModelOptions): ModelRun {
  return new ModelExecution(id, program, oracle, opts).run();
}

class ModelExecution {
  private counter = 0;
  private readonly joinSets = new Map<string, JoinSet>(); // by join set id, in creation order
  private readonly names = new Map<string, string>(); // `as` name -> join set id
  private readonly vars = new Map<string, Json>();
  private readonly processed = new Map<string, Submission>();
  private readonly stubbed = new Map<string, string>();
  private readonly queues = new Map<string, JoinNextRecord[] | undefined>();
  private readonly out: ModelRun;

  constructor(readonly id: string, readonly program: Program, readonly oracle: Oracle, readonly opts: ModelOptions) {
    this.out = {
      id, ffqn: TARGETS['script.run'].ffqn, params: [JSON.stringify(program)], outcome: { ok: null }, values: [], history: [], children: [], scheduled: [], problems: [],
    };
  }

  run(): ModelRun {
    const values: Json[] = [];
    try {
      for (let i = 0; i < this.program.length; i++) {
        const step = this.program[i]!;
        const value = this.step(step, i);
        if (step.as && !this.names.has(step.as)) this.vars.set(step.as, value);
        if (!step.hide && !step.quiet && containsUnknown(value)) {
          throw new Error(`model: step ${i} (${step.op}) has a value no model can know: the program must hide it`);
        }
        if (!step.quiet) values.push(step.hide ? null : value);
      }
      this.closeAll();
      this.out.values = values;
      this.out.outcome = { ok: JSON.stringify(values) };
    } catch (e) {
      if (!(e instanceof Finish)) throw e;
      this.out.outcome = e.outcome;
      this.out.values = values;
    }
    return this.out;
  }

  private record(event: Record<string, Json>): void {
    this.out.history.push(event);
  }

  private problem(message: string): void {
    this.out.problems.push(`${this.id}: ${message}`);
  }

  private createJoinSet(kind: 'g' | 'o', label?: string): JoinSet {
    const n = ++this.counter;
    const id = kind === 'g' ? `g:${n}` : `o:${n}-${label}`;
    const js: JoinSet = { id, subs: [], consumed: new Set() };
    this.joinSets.set(id, js);
    this.record({ type: 'join-set-created', join_set_id: id });
    return js;
  }

  private named(step: Step): JoinSet {
    const id = this.names.get(String(step.js));
    if (!id) throw new Error(`model: step ${JSON.stringify(step)} names no join set created before`);
    return this.joinSets.get(id)!;
  }

  private submitChild(js: JoinSet, fn: Fn, args: readonly Json[]): string {
    const childId = `${this.id}.${js.id}_${js.subs.length + 1}`;
    const params = paramsOf(fn, args);
    this.record({ type: 'child-requested', join_set_id: js.id, child_execution_id: childId, ffqn: TARGETS[fn].ffqn, params });
    let outcome: Outcome;
    let run: ModelRun | undefined;
    if (fn === 'script.run') {
      const nested = typeof args[0] === 'string' ? (JSON.parse(args[0]) as Program) : (args[0] as unknown as Program);
      run = runModel(nested, childId, this.oracle, this.opts);
      this.out.problems.push(...run.problems);
      outcome = run.outcome;
    } else if (fn === 'stub.get') {
      const stubbed = this.stubbed;
      outcome = { ok: null };
      // A stub child ends as the first `stub` step made it (the generator stubs before awaiting).
      const sub: Submission = { id: childId, kind: 'child', fn, outcome: () => {
        const text = stubbed.get(childId);
        if (text === undefined) throw new Error(`model: stub child ${childId} awaited before it was stubbed`);
        return JSON.parse(text) as Outcome;
      } };
      js.subs.push(sub);
      this.out.children.push({ id: childId, ffqn: TARGETS[fn].ffqn, params, joinSetId: js.id, get outcome() { return sub.outcome!(); } });
      return childId;
    } else {
      outcome = activityOutcome(fn, args, this.opts);
    }
    js.subs.push({ id: childId, kind: 'child', fn, outcome: () => outcome });
    this.out.children.push({ id: childId, ffqn: TARGETS[fn].ffqn, params, joinSetId: js.id, outcome, ...(run ? { run } : {}) });
    return childId;
  }

  /** The next recorded join-next of the join set; null when the oracle lets the model choose. */
  private nextRecord(js: JoinSet, closing: boolean): JoinNextRecord | undefined | null {
    const key = `${js.id}/${closing}`;
    if (!this.queues.has(key)) this.queues.set(key, this.oracle.joinNexts(this.id, js.id)?.filter((r) => r.closing === closing));
    const q = this.queues.get(key);
    return q === undefined ? null : q.shift();
  }

  /** A join-next (blocking or try): the response the log says it consumed, checked against the join set. */
  private joinNext(js: JoinSet, mode: 'blocking' | 'try', closing = false, eligible?: (s: Submission) => boolean):
    { response: Submission } | { outcome: 'pending' | 'all-processed' } {
    const unconsumed = js.subs.filter((s) => !js.consumed.has(s.id));
    const rec = this.nextRecord(js, closing);
    const base = { type: 'join-next', join_set_id: js.id, mode, ...(closing ? { closing: true } : {}) };
    if (unconsumed.length === 0) {
      if (rec !== null && rec?.outcome !== 'all-processed') this.problem(`join-next on ${js.id} found every response processed, but the log records ${rec ? JSON.stringify(rec) : 'no join-next'}`);
      this.record({ ...base, outcome: 'all-processed' });
      return { outcome: 'all-processed' };
    }
    if (mode === 'try' && rec?.outcome === 'pending') {
      this.record({ ...base, outcome: 'pending' });
      return { outcome: 'pending' };
    }
    const candidates = eligible ? unconsumed.filter(eligible) : unconsumed;
    let chosen = rec === null ? candidates[0] : rec?.response === undefined ? undefined : candidates.find((s) => s.id === rec.response);
    if (!chosen) {
      this.problem(`join-next${closing ? ' (closing)' : ''} on ${js.id} could consume one of [${candidates.map((s) => s.id).join(', ')}], but the log records ${rec ? JSON.stringify(rec) : 'no join-next'}`);
      chosen = candidates[0] ?? unconsumed[0]!;
    }
    js.consumed.add(chosen.id);
    this.processed.set(chosen.id, chosen);
    this.record({ ...base, response: chosen.kind === 'delay' ? { delay_id: chosen.id } : { execution_id: chosen.id } });
    return { response: chosen };
  }

  private outcomeOf(s: Submission): Outcome {
    return s.kind === 'delay' ? { ok: null } : s.outcome!();
  }

  /** A direct call or `-invoke`: a one-off join set, one child, one blocking join-next. */
  private direct(fn: Fn, label: string, args: readonly Json[]): Json {
    const js = this.createJoinSet('o', label);
    this.submitChild(js, fn, args);
    const r = this.joinNext(js, 'blocking');
    if (!('response' in r)) throw new Error('model: a one-off join set had no response');
    return resultValue(fn, this.outcomeOf(r.response));
  }

  private idOf(step: Step): string {
    const v = step.id;
    if (typeof v === 'string' && v.startsWith('$')) {
      const got = this.vars.get(v.slice(1));
      if (got !== null && typeof got === 'object' && !Array.isArray(got) && 'ok' in got) return String(got.ok);
      return String(got);
    }
    return String(v);
  }

  private step(step: Step, index: number): Json {
    switch (step.op) {
      case 'execution-id-current':
        return this.id;
      case 'log':
      case 'print':
        return null;
      case 'random-u64':
        this.record({ type: 'persisted', kind: { fn: 'random-u64', min: step.min ?? 0, max_exclusive: step.max ?? 0 }, value: UNKNOWN });
        return UNKNOWN;
      case 'random-string':
        this.record({ type: 'persisted', kind: { fn: 'random-string', min_length: step.min ?? 0, max_length_exclusive: step.max ?? 0 }, value: UNKNOWN });
        return UNKNOWN;
      case 'sleep': {
        const js = this.createJoinSet('o', 'sleep');
        const delay = `Delay_${this.id.slice(2)}.${js.id}_1`;
        js.subs.push({ id: delay, kind: 'delay' });
        this.record({ type: 'delay-requested', join_set_id: js.id, delay_id: delay, expires_at: UNKNOWN, schedule_at: scheduleAt(step) });
        this.joinNext(js, 'blocking');
        return UNKNOWN;
      }
      case 'join-set-create': {
        const js = this.createJoinSet('g');
        this.names.set(String(step.as), js.id);
        return js.id;
      }
      case 'submit':
        return this.submitChild(this.named(step), step.fn!, step.args ?? []);
      case 'submit-delay': {
        const js = this.named(step);
        const delay = `Delay_${this.id.slice(2)}.${js.id}_${js.subs.length + 1}`;
        js.subs.push({ id: delay, kind: 'delay' });
        this.record({ type: 'delay-requested', join_set_id: js.id, delay_id: delay, expires_at: UNKNOWN, schedule_at: scheduleAt(step) });
        return delay;
      }
      case 'join-next':
      case 'join-next-try': {
        const r = this.joinNext(this.named(step), step.op === 'join-next' ? 'blocking' : 'try');
        if ('outcome' in r) return { err: r.outcome };
        const s = r.response;
        const ref: Json = s.kind === 'delay' ? { 'delay-id': s.id } : { 'execution-id': s.id };
        return { ok: [ref, isOk(this.outcomeOf(s)) ? { ok: null } : { err: null }] };
      }
      case 'await-next': {
        const fn = step.fn!;
        const r = this.joinNext(this.named(step), 'blocking');
        if ('outcome' in r) return { err: 'all-processed' };
        const s = r.response;
        if (s.kind !== 'child' || s.fn !== fn) return mismatch(fn, s.id);
        return { ok: [s.id, resultValue(fn, this.outcomeOf(s))] };
      }
      case 'get': {
        const fn = step.fn!;
        const s = this.processed.get(this.idOf(step));
        if (!s || s.kind !== 'child') return { err: 'not-found-in-processed-responses' };
        if (s.fn !== fn) return mismatch(fn, s.id);
        return { ok: resultValue(fn, this.outcomeOf(s)) };
      }
      case 'call': {
        const fn = step.fn!;
        return this.direct(fn, fn.slice(fn.indexOf('.') + 1), step.args ?? []);
      }
      case 'invoke':
        return { ok: this.direct(step.fn!, String(step.label), step.args ?? []) };
      case 'schedule': {
        const fn = step.fn!;
        const params = paramsOf(fn, step.args ?? []);
        this.record({ type: 'scheduled', execution_id: UNKNOWN, ffqn: TARGETS[fn].ffqn, params, schedule_at: scheduleAt(step) });
        this.out.scheduled.push({ ffqn: TARGETS[fn].ffqn, params, outcome: activityOutcome(fn, step.args ?? [], this.opts) });
        return UNKNOWN;
      }
      case 'stub': {
        const target = this.idOf(step);
        const result = step.result as Json;
        const text = JSON.stringify(result);
        const ours = [...this.joinSets.values()].some((js) => js.subs.some((s) => s.id === target && s.fn === 'stub.get'));
        const outcome = !ours ? 'execution-not-found' : this.stubbed.has(target) && this.stubbed.get(target) !== text ? 'conflict' : 'ok';
        this.record({ type: 'stubbed', target_execution_id: target, result, outcome });
        if (outcome === 'ok' && !this.stubbed.has(target)) this.stubbed.set(target, text);
        return outcome === 'ok' ? { ok: null } : { err: outcome };
      }
      case 'fail':
        this.closeAll();
        throw new Finish({ err: String(step.message ?? 'failed') });
      case 'trap':
        throw new Finish({ failed: 'uncategorized' });
      default:
        throw new Error(`model: step ${index} has op ${JSON.stringify(step.op)}, which the model does not know`);
    }
  }

  /**
   * The implicit close at the end, in creation order: unconsumed delays dropped, unconsumed
   * activities cancelled (unknowable whether their response was in: UNKNOWN), unconsumed child
   * workflows awaited, each by a closing join-next that may only consume a child workflow.
   */
  private closeAll(): void {
    for (const js of this.joinSets.values()) {
      const unconsumed = js.subs.filter((s) => !js.consumed.has(s.id));
      const dropped = unconsumed.filter((s) => s.kind === 'delay').map((s) => s.id);
      const others = unconsumed.filter((s) => s.kind === 'child' && s.fn !== 'script.run');
      const workflows = unconsumed.filter((s) => s.kind === 'child' && s.fn === 'script.run');
      // Cancelled, unless it finished first: either outcome is right.
      for (const o of others) {
        const child = this.out.children.find((c) => c.id === o.id);
        if (child) child.cancellable = true;
      }
      for (let i = 0; i < workflows.length; i++) this.joinNext(js, 'blocking', true, (s) => s.fn === 'script.run');
      this.record({ type: 'join-set-closed', join_set_id: js.id, cancelled: others.length ? UNKNOWN : [], dropped });
    }
  }
}

// ---------------------------------------------------------------- comparing

function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === 'object') return Object.values(v).some(containsUnknown);
  return false;
}

/** Canonical text of a JSON value: keys sorted, bigints as digits, UNKNOWN as `?`. */
export function canonical(v: unknown): string {
  if (v === UNKNOWN) return '?';
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/** Whether `actual` matches `expected`, where UNKNOWN in `expected` matches anything. */
export function matches(expected: unknown, actual: unknown): boolean {
  if (expected === UNKNOWN) return true;
  if (typeof expected === 'bigint' || typeof actual === 'bigint') return String(expected) === String(actual);
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matches(e, actual[i]));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const ek = Object.keys(expected).sort();
    const ak = Object.keys(actual).sort();
    return ek.length === ak.length && ek.every((k, i) => k === ak[i] && matches((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k]));
  }
  if (typeof expected === 'string' && typeof actual === 'string' && expected !== actual) {
    // A nested workflow's result is JSON text: the same values may be spelt with other key orders.
    const e = parseOrUndefined(expected);
    const a = parseOrUndefined(actual);
    return e !== undefined && a !== undefined && canonical(e) === canonical(a);
  }
  return expected === actual;
}

function parseOrUndefined(text: string): unknown {
  if (!/^[[{]/.test(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
