/**
 * Plays "executor" for the script workflow: runs it through runWorkflow with the interrupt strategy,
 * and after each blocked run fabricates what the real executor would deliver (child results as the
 * fake activity computes them, child workflows run the same way, stub results, expired delays),
 * then runs it again with the history so far.
 */
import path from 'node:path';
import { buildComponentIfChanged } from '../../lib/component/build.js';
import { loadComponent } from '../../lib/component/loader.js';
import { jsonToJs, jsToJson } from '../../lib/component/codec.js';
import { asWorkflowComponent } from '../../lib/runtime/hot/component-cache.js';
import { runWorkflow, SuspendSignal, type RunResult, type WorkflowComponent } from '../../lib/runtime/workflow-run.js';
import type { RecordedEvent } from '../../lib/runtime/context.js';
import type { LogLevel } from '../../lib/runtime/host/log.js';
import type { ValueCodec } from '../../lib/runtime/host/values.js';
import type { Created, HistoryEvent, InboxMessage, Outcome, ReturnValue } from '../../lib/model/events.js';
import type { ExecutionId } from '../../lib/model/ids.js';
import type { JsonValue } from '../../lib/model/json.js';
import { ManualClock, isoTime, parseIsoTime } from '../../lib/model/time.js';
import { fixtureTargets, functionOf, SCRIPT } from './fixtures.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CACHE_DIR = path.join(ROOT, '.cache');
export const COMPONENTS_OUT = path.join(CACHE_DIR, 'components');
export const RUN = `${SCRIPT}.run`;
export const START_MS = Date.UTC(2026, 0, 1);

export const codec: ValueCodec = {
  toJs: (type, json) => jsonToJs(type, json, 'value'),
  toJson: (type, js) => jsToJson(type, js, 'value'),
};

/** Builds (once per machine: cached by source hash) and loads a fixture component. */
export async function fixtureComponent(name: string) {
  const built = await buildComponentIfChanged(path.join(ROOT, 'components', name), COMPONENTS_OUT);
  return { built, loaded: await loadComponent(built.path, { cacheDir: CACHE_DIR }) };
}

export async function scriptComponent(): Promise<WorkflowComponent> {
  return asWorkflowComponent((await fixtureComponent('script_workflow')).loaded);
}

export interface LogLine {
  execution: string;
  level: LogLevel;
  message: string;
  at: number;
}

export interface Execution {
  id: ExecutionId;
  created: Created;
  history: HistoryEvent[];
  inbox: InboxMessage[];
  outcome: Outcome;
  /** Runs it took (blocked runs + the final one). */
  runs: number;
  logs: LogLine[];
}

/** What the test activity returns for a call; the stub activity and workflows are not computed here. */
export function activityOutcome(ffqn: string, params: JsonValue[]): Outcome {
  const fn = ffqn.slice(ffqn.lastIndexOf('.') + 1);
  switch (fn) {
    case 'echo':
      return { result: { ok: params[0]! } };
    case 'fail':
      return { result: { err: params[0]! } };
    case 'fail-permanent':
      return { result: { err: { 'permanent-failure': params[0]! } } };
    case 'trap':
      return { failure: { kind: 'uncategorized', reason: 'activity trap: wasm `unreachable` instruction executed' } };
    case 'spin':
      return { result: { ok: params[0]! } };
    case 'add': {
      const sum = (BigInt(params[0] as number | bigint) + BigInt(params[1] as number | bigint)) % (1n << 64n);
      return { result: { ok: sum <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(sum) : sum } };
    }
    default:
      throw new Error(`the fake test activity has no function ${ffqn}`);
  }
}

export interface PlayOptions {
  component: WorkflowComponent;
  id: ExecutionId;
  program: unknown;
  clock?: ManualClock;
  /** What an outside party stubs a stub execution with when the workflow blocks waiting for it. */
  externalStub?: (id: string, params: JsonValue[]) => ReturnValue;
  /** Stop after this many runs (a workflow that never finishes is a bug in the test). */
  maxRuns?: number;
}

export function createdFor(id: ExecutionId, program: unknown, atMs: number, parent?: { execution_id: string; join_set_id: string }): Created {
  return {
    type: 'created', at: isoTime(atMs), ffqn: RUN, params: [typeof program === 'string' ? program : JSON.stringify(program)],
    scheduled_at: isoTime(atMs), component_digest: 'sha256:test', ...(parent ? { parent } : {}),
  };
}

/** One run of the workflow over the given history and inbox (interrupt strategy). */
export function runOnce(component: WorkflowComponent, id: ExecutionId, created: Created, history: HistoryEvent[], inbox: InboxMessage[],
  clock: ManualClock, logs: LogLine[] = []): Promise<RunResult> {
  const recorded: RecordedEvent[] = history.map((event, i) => ({ event, index: i + 2 }));
  return runWorkflow({
    executionId: id, created, history: recorded, logLength: history.length + 1, inbox, component,
    ifc: SCRIPT, fn: functionOf(RUN), targets: fixtureTargets, codec, clock,
    log: (level, message, at) => logs.push({ execution: id, level, message, at }),
    onBlock: (_ctx, joinSetId) => {
      throw new SuspendSignal(joinSetId);
    },
  });
}

/** Runs an execution to the end, delivering responses between runs as the executor would. */
export async function play(o: PlayOptions, created = createdFor(o.id, o.program, (o.clock ?? new ManualClock(START_MS)).now())): Promise<Execution> {
  const clock = o.clock ?? new ManualClock(parseIsoTime(created.at));
  const externalStub = o.externalStub ?? ((_id, params) => ({ ok: `ext:${String(params[0])}` }));
  const history: HistoryEvent[] = [];
  const inbox: InboxMessage[] = [];
  const logs: LogLine[] = [];
  const children = new Map<string, { ffqn: string; params: JsonValue[]; joinSetId: string; done: boolean }>();
  const answered = new Set<string>();
  const deliver = (m: InboxMessage) => {
    clock.advance(1);
    inbox.push({ ...m, at: isoTime(clock.now()) } as InboxMessage);
    if (m.type !== 'cancel-requested') answered.add(m.type === 'child-finished' ? m.child_execution_id : m.delay_id);
  };
  const finishChild = (childId: string, outcome: Outcome) => {
    const c = children.get(childId)!;
    c.done = true;
    deliver({ type: 'child-finished', at: '', join_set_id: c.joinSetId, child_execution_id: childId, ...outcome } as InboxMessage);
  };
  for (let runs = 1; ; runs++) {
    if (runs > (o.maxRuns ?? 200)) throw new Error(`execution ${o.id} did not finish within ${runs - 1} runs`);
    clock.advance(1);
    const r = await runOnce(o.component, o.id, created, history, inbox, clock, logs);
    history.push(...r.events);
    if (r.status === 'finished') return { id: o.id, created, history, inbox, outcome: r.outcome, runs, logs };
    const before = answered.size;
    for (const e of r.effects) {
      switch (e.type) {
        case 'create-child': {
          children.set(e.id, { ffqn: e.ffqn, params: e.params, joinSetId: e.joinSetId, done: false });
          const kind = fixtureTargets.resolve(e.ffqn)?.kind;
          if (kind === 'activity') finishChild(e.id, activityOutcome(e.ffqn, e.params));
          if (kind === 'workflow') {
            const child = await play({ ...o, id: e.id, program: e.params[0], clock }, createdFor(e.id, e.params[0], clock.now(), { execution_id: o.id, join_set_id: e.joinSetId }));
            logs.push(...child.logs);
            finishChild(e.id, child.outcome);
          }
          break;
        }
        case 'stub':
          if (!children.get(e.id)!.done) finishChild(e.id, { result: e.result });
          break;
        case 'schedule':
        case 'cancel':
          break;
      }
    }
    // Stub executions the workflow waits for and did not stub itself: stubbed from outside.
    for (const [childId, c] of children) {
      if (!c.done && c.joinSetId === r.joinSetId && fixtureTargets.resolve(c.ffqn)?.kind === 'stub') finishChild(childId, { result: externalStub(childId, c.params) });
    }
    if (answered.size === before && r.until !== undefined) {
      // Nothing else can answer: time passes until the first delay is due.
      clock.set(Math.max(clock.now(), r.until));
      for (const e of history) {
        if (e.type === 'delay-requested' && !answered.has(e.delay_id) && parseIsoTime(e.expires_at) <= clock.now()) {
          deliver({ type: 'delay-finished', at: '', join_set_id: e.join_set_id, delay_id: e.delay_id, cancelled: false });
        }
      }
    }
    if (answered.size === before) throw new Error(`execution ${o.id} is blocked on ${r.joinSetId} and nothing can answer it`);
  }
}

/** The run's `ok` value parsed (the list of step values), or throws with the outcome. */
export function stepValues(e: Execution): unknown[] {
  const o = e.outcome;
  if (!('result' in o) || !('ok' in o.result) || typeof o.result.ok !== 'string') {
    throw new Error(`expected ok(<json>) from ${e.id}, got ${JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
  }
  return JSON.parse(o.result.ok) as unknown[];
}
