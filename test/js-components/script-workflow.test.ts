/**
 * The script workflow (componentize-js) run through runWorkflow with the interrupt strategy, the
 * test playing executor between runs (./harness.ts). One program reaches every workflow-support
 * function, the deprecated join-set methods, obelisk:log, stdout/stderr, every extension kind of the
 * test and stub activities, child workflows, Date.now and Math.random; its final history must
 * replay from scratch without new events and give the same result.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../lib/model/events.js';
import type { ExecutionId } from '../../lib/model/ids.js';
import { stringifyJson } from '../../lib/model/json.js';
import { ManualClock, parseIsoTime } from '../../lib/model/time.js';
import type { WorkflowComponent } from '../../lib/runtime/workflow-run.js';
import { createdFor, play, runOnce, scriptComponent, START_MS, stepValues, type Execution, type LogLine } from './harness.js';

const ID = 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F' as ExecutionId;
const OTHER = 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4G' as ExecutionId;
const child = (js: string, n: number) => `${ID}.${js}_${n}`;
const delay = (js: string, n: number) => `Delay_${ID.slice(2)}.${js}_${n}`;
const TOP_ID = expect.stringMatching(/^E_[0-9A-HJKMNP-TV-Z]{26}$/);

let component: WorkflowComponent;
beforeAll(async () => {
  component = await scriptComponent();
}, 600_000);

/** Replays the final history from scratch: no new events, no new log lines, the same outcome. */
async function expectReplays(e: Execution): Promise<void> {
  const logs: LogLine[] = [];
  const again = await runOnce(component, e.id, e.created, e.history, e.inbox, new ManualClock(START_MS + 3_600_000), logs);
  expect(again.status).toBe('finished');
  expect(again.events).toEqual([]);
  expect(again.effects).toEqual([]);
  expect(logs).toEqual([]);
  expect(again.status === 'finished' && again.outcome).toEqual(e.outcome);
}

// ------------------------------------------------------------------ the program reaching everything

const CHILD_PROGRAM = [{ op: 'execution-id-current' }, { op: 'call', fn: 'activity.echo', args: ['child'] }];
const EVERYTHING: Record<string, unknown>[] = [
  /* 0 */ { op: 'execution-id-current' },
  /* 1 */ { op: 'random-u64', min: 10, max: 20 },
  /* 2 */ { op: 'random-u64-inclusive', min: 5, max: 5, bt: true },
  /* 3 */ { op: 'random-string', min: 4, max: 8 },
  /* 4 */ { op: 'random-string', min: 3, max: 4, bt: true },
  /* 5 */ { op: 'join-set-create', as: 'a' },
  /* 6 */ { op: 'join-set-create-named', name: 'batch', as: 'b', bt: true },
  /* 7 */ { op: 'join-set-create-named', name: 'batch', as: 'b2' },
  /* 8 */ { op: 'join-set-create-named', name: 'bad name!', as: 'b3' },
  /* 9 */ { op: 'submit-json', js: 'a', ffqn: 'testing:activity/ops.echo', params: ['hi'], as: 'c1' },
  /* 10 */ { op: 'submit', fn: 'activity.add', js: 'a', args: [40, 2], as: 'c2' },
  /* 11 */ { op: 'submit-delay', js: 'a', in: 1000 },
  /* 12 */ { op: 'join-next', js: 'a' },
  /* 13 */ { op: 'get-result-json', id: '$c1', bt: true },
  /* 14 */ { op: 'get-result-json', id: '$c2' },
  /* 15 */ { op: 'await-next', fn: 'activity.add', js: 'a' },
  /* 16 */ { op: 'get', fn: 'activity.add', id: '$c2' },
  /* 17 */ { op: 'join-next-try', js: 'a' },
  /* 18 */ { op: 'join-set-join-next', js: 'a' },
  /* 19 */ { op: 'join-next', js: 'a', bt: true },
  /* 20 */ { op: 'join-set-id', js: 'b' },
  /* 21 */ { op: 'join-set-submit-delay', js: 'b', in: 10 },
  /* 22 */ { op: 'join-next-try', js: 'b', bt: true },
  /* 23 */ { op: 'join-set-close', js: 'b' },
  /* 24 */ { op: 'join-set-create', as: 'z', bt: true },
  /* 25 */ { op: 'submit-delay', js: 'z', in: 5, bt: true },
  /* 26 */ { op: 'join-set-close', js: 'z', bt: true },
  /* 27 */ { op: 'sleep', in: 50 },
  /* 28 */ { op: 'sleep', in: 0, bt: true },
  /* 29 */ { op: 'sleep', in: 20, name: 'nap', bt: true },
  /* 30 */ { op: 'call-json', ffqn: 'testing:activity/ops.echo', params: ['cj'] },
  /* 31 */ { op: 'call-json', ffqn: 'testing:activity/ops.fail', params: ['cjf'], bt: true },
  /* 32 */ { op: 'call', fn: 'activity.echo', args: ['direct'] },
  /* 33 */ { op: 'call', fn: 'activity.fail', args: ['nope'] },
  /* 34 */ { op: 'call', fn: 'activity.fail-permanent', args: ['perm'] },
  /* 35 */ { op: 'call', fn: 'activity.trap' },
  /* 36 */ { op: 'call', fn: 'activity.add', args: ['18446744073709551615', 2] },
  /* 37 */ { op: 'invoke', fn: 'activity.spin', label: 'spinner', args: [5] },
  /* 38 */ { op: 'invoke', fn: 'activity.echo', label: 'bad label!', args: ['x'] },
  /* 39 */ { op: 'schedule', fn: 'activity.echo', in: 60_000, args: ['later'] },
  /* 40 */ { op: 'execution-id-generate', bt: true, as: 'gen' },
  /* 41 */ { op: 'schedule-json', id: '$gen', ffqn: 'testing:activity/ops.echo', params: ['sj'], in: 1000 },
  /* 42 */ { op: 'schedule-json', id: '$gen', ffqn: 'nope', params: [] },
  /* 43 */ { op: 'submit-json', js: 'a', ffqn: 'testing:activity/ops.missing', params: [] },
  /* 44 */ { op: 'submit-json', js: 'a', ffqn: 'testing:activity/ops.echo', params: [1, 2], bt: true },
  /* 45 */ { op: 'call-json', ffqn: 'testing:activity/ops.nope', params: [] },
  // the stub activity
  /* 46 */ { op: 'join-set-create', as: 's' },
  /* 47 */ { op: 'submit', fn: 'stub.get', js: 's', args: ['k'], as: 'st1' },
  /* 48 */ { op: 'stub', fn: 'stub.get', id: '$st1', result: { ok: 'stubbed!' } },
  /* 49 */ { op: 'stub', fn: 'stub.get', id: '$st1', result: { ok: 'other' } },
  /* 50 */ { op: 'stub', fn: 'stub.get', id: '$c1', result: { ok: 'x' } },
  /* 51 */ { op: 'await-next', fn: 'stub.get', js: 's' },
  /* 52 */ { op: 'submit', fn: 'stub.get', js: 's', args: ['k2'], as: 'st2' },
  /* 53 */ { op: 'stub-json', id: '$st2', result: { err: null } },
  /* 54 */ { op: 'stub-json', id: '$st2', result: 'not json', bt: true },
  /* 55 */ { op: 'join-next', js: 's' },
  /* 56 */ { op: 'get', fn: 'stub.get', id: '$st2' },
  /* 57 */ { op: 'call', fn: 'stub.get', args: ['direct'] },
  /* 58 */ { op: 'invoke', fn: 'stub.get', label: 'si', args: ['inv'] },
  /* 59 */ { op: 'schedule', fn: 'stub.get', args: ['sch'] },
  // child workflows: the script calling itself
  /* 60 */ { op: 'join-set-create', as: 'w' },
  /* 61 */ { op: 'submit', fn: 'script.run', js: 'w', args: [CHILD_PROGRAM], as: 'cw' },
  /* 62 */ { op: 'await-next', fn: 'script.run', js: 'w' },
  /* 63 */ { op: 'get', fn: 'script.run', id: '$cw' },
  /* 64 */ { op: 'invoke', fn: 'script.run', label: 'inline', args: [[{ op: 'random-u64-inclusive', min: 7, max: 7 }]] },
  /* 65 */ { op: 'submit', fn: 'script.run', js: 'w', args: [[{ op: 'fail', message: 'child says no' }]] },
  /* 66 */ { op: 'await-next', fn: 'script.run', js: 'w' },
  /* 67 */ { op: 'submit', fn: 'script.run', js: 'w', args: [[{ op: 'trap', message: 'child traps' }]] },
  /* 68 */ { op: 'await-next', fn: 'script.run', js: 'w' },
  /* 69 */ { op: 'schedule', fn: 'script.run', args: [[]], in: 1000 },
  // await-next and get for the wrong function
  /* 70 */ { op: 'join-set-create', as: 'm' },
  /* 71 */ { op: 'submit', fn: 'activity.echo', js: 'm', args: ['m'], as: 'cm' },
  /* 72 */ { op: 'await-next', fn: 'activity.add', js: 'm' },
  /* 73 */ { op: 'get', fn: 'activity.echo', id: '$cm' },
  /* 74 */ { op: 'get', fn: 'activity.add', id: '$cm' },
  // log, output, the JS environment
  /* 75 */ { op: 'log', level: 'info', message: 'hello log' },
  /* 76 */ { op: 'log', level: 'error', message: 'bad thing' },
  /* 77 */ { op: 'print', message: 'to stdout' },
  /* 78 */ { op: 'print', stream: 'stderr', message: 'to stderr' },
  /* 79 */ { op: 'date-now' },
  /* 80 */ { op: 'math-random' },
  // left unawaited: cancelled when the workflow ends
  /* 81 */ { op: 'submit', fn: 'activity.echo', js: 'a', args: ['left open'] },
];

const mismatch = (fn: string, id: string) => ({
  'function-mismatch': {
    specifiedFunction: { interfaceName: 'testing:activity/ops', functionName: fn }, actualFunction: null, actualId: { 'execution-id': id },
  },
});
const anyString = expect.any(String);
const childResult = JSON.stringify([child('g:17', 1), { ok: 'child' }]);

// Join sets g:<n> and o:<n>-label share one counter: g:1 a, g:2 z, o:3..o:13 the sleeps, call-json,
// direct calls and invoke, g:14 s, o:15/o:16 the stub call and invoke, g:17 w, o:18 invoke, g:19 m.
const EXPECTED: unknown[] = [
  /* 0 */ ID,
  /* 1 */ expect.any(Number),
  /* 2 */ 5,
  /* 3 */ expect.stringMatching(/^[A-Za-z0-9]{4,7}$/),
  /* 4 */ expect.stringMatching(/^[A-Za-z0-9]{3}$/),
  /* 5 */ 'g:1',
  /* 6 */ { ok: 'n:batch' },
  /* 7 */ { err: 'conflict' },
  /* 8 */ { err: { 'invalid-name': expect.stringContaining('bad name!') } },
  /* 9 */ { ok: child('g:1', 1) },
  /* 10 */ child('g:1', 2),
  /* 11 */ delay('g:1', 3),
  /* 12 */ { ok: [{ 'execution-id': child('g:1', 1) }, { ok: null }] },
  /* 13 */ { ok: { ok: '"hi"' } },
  /* 14 */ { err: 'not-found-in-processed-responses' },
  /* 15 */ { ok: [child('g:1', 2), { ok: 42 }] },
  /* 16 */ { ok: { ok: 42 } },
  /* 17 */ { err: 'pending' },
  /* 18 */ { ok: [{ 'delay-id': delay('g:1', 3) }, { ok: null }] },
  /* 19 */ { err: 'all-processed' },
  /* 20 */ 'n:batch',
  /* 21 */ delay('n:batch', 1),
  /* 22 */ { err: 'pending' },
  /* 23 */ null,
  /* 24 */ 'g:2',
  /* 25 */ delay('g:2', 1),
  /* 26 */ null,
  /* 27 */ { ok: expect.any(Number) },
  /* 28 */ { ok: expect.any(Number) },
  /* 29 */ { ok: expect.any(Number) },
  /* 30 */ { ok: { ok: '"cj"' } },
  /* 31 */ { ok: { err: '"cjf"' } },
  /* 32 */ { ok: 'direct' },
  /* 33 */ { err: 'nope' },
  /* 34 */ { err: { 'permanent-failure': 'perm' } },
  /* 35 */ { err: 'execution-failed' },
  /* 36 */ { ok: 1 },
  /* 37 */ { ok: { ok: 5 } },
  /* 38 */ { err: { 'invalid-name': anyString } },
  /* 39 */ TOP_ID,
  /* 40 */ TOP_ID,
  /* 41 */ { ok: null },
  /* 42 */ { err: { 'ffqn-parsing-error': anyString } },
  /* 43 */ { err: 'function-not-found' },
  /* 44 */ { err: { 'type-check-error': anyString } },
  /* 45 */ { err: 'function-not-found' },
  /* 46 */ 'g:14',
  /* 47 */ child('g:14', 1),
  /* 48 */ { ok: null },
  /* 49 */ { err: 'conflict' },
  /* 50 */ { err: 'execution-not-found' },
  /* 51 */ { ok: [child('g:14', 1), { ok: 'stubbed!' }] },
  /* 52 */ child('g:14', 2),
  /* 53 */ { ok: null },
  /* 54 */ { err: { 'type-check-error': anyString } },
  /* 55 */ { ok: [{ 'execution-id': child('g:14', 2) }, { err: null }] },
  /* 56 */ { ok: { err: null } },
  /* 57 */ { ok: 'ext:direct' },
  /* 58 */ { ok: { ok: 'ext:inv' } },
  /* 59 */ TOP_ID,
  /* 60 */ 'g:17',
  /* 61 */ child('g:17', 1),
  /* 62 */ { ok: [child('g:17', 1), { ok: childResult }] },
  /* 63 */ { ok: { ok: childResult } },
  /* 64 */ { ok: { ok: '[7]' } },
  /* 65 */ child('g:17', 2),
  /* 66 */ { ok: [child('g:17', 2), { err: 'child says no' }] },
  /* 67 */ child('g:17', 3),
  /* 68 */ { ok: [child('g:17', 3), { err: 'execution-failed' }] },
  /* 69 */ TOP_ID,
  /* 70 */ 'g:19',
  /* 71 */ child('g:19', 1),
  /* 72 */ { err: mismatch('add', child('g:19', 1)) },
  /* 73 */ { ok: { ok: 'm' } },
  /* 74 */ { err: mismatch('add', child('g:19', 1)) },
  /* 75 */ null,
  /* 76 */ null,
  /* 77 */ null,
  /* 78 */ null,
  /* 79 */ expect.any(Number),
  /* 80 */ expect.any(Number),
  /* 81 */ child('g:1', 4),
];

function events<T extends HistoryEvent['type']>(e: Execution, type: T): Extract<HistoryEvent, { type: T }>[] {
  return e.history.filter((x): x is Extract<HistoryEvent, { type: T }> => x.type === type);
}

describe('script workflow: every host function', () => {
  let run: Execution;
  let values: unknown[];
  beforeAll(async () => {
    run = await play({ component, id: ID, program: EVERYTHING });
    values = stepValues(run);
  }, 120_000);

  it('finishes with the value of every step', () => {
    expect(values).toHaveLength(EVERYTHING.length);
    expect(values).toEqual(EXPECTED);
    expect(values[1] as number).toBeGreaterThanOrEqual(10);
    expect(values[1] as number).toBeLessThan(20);
    expect(values[80] as number).toBeGreaterThanOrEqual(0);
    expect(values[80] as number).toBeLessThan(1);
    // Ids drawn from seeded randomness are distinct.
    expect(new Set([values[39], values[40], values[59], values[69]]).size).toBe(4);
    // It blocked on every wait: the three children, the delay, the sleeps, the direct calls, the child workflows.
    expect(run.runs).toBeGreaterThan(15);
  });

  it('records what the steps did, with backtraces where asked', () => {
    // Sleeps answer with their delay's expiry.
    for (const [step, js] of [[27, 'o:3-sleep'], [28, 'o:4-sleep'], [29, 'o:5-nap']] as const) {
      const d = events(run, 'delay-requested').find((x) => x.join_set_id === js);
      expect(d, js).toBeDefined();
      expect((values[step] as { ok: number }).ok).toBe(parseIsoTime(d!.expires_at));
    }
    const bt = (x: HistoryEvent) => (x as { backtrace?: { frames: { 'func-name': string }[] } }).backtrace?.frames[0]?.['func-name'];
    const persisted = events(run, 'persisted');
    // Stored as JSON (u64 inputs may be bigint in memory).
    expect(persisted.map((x) => [JSON.parse(stringifyJson(x.kind)), bt(x) ?? null])).toEqual([
      [{ fn: 'random-u64', min: 10, max_exclusive: 20 }, null],
      [{ fn: 'random-u64-inclusive', min: 5, max_inclusive: 5 }, 'step 2: random-u64-inclusive'],
      [{ fn: 'random-string', min_length: 4, max_length_exclusive: 8 }, null],
      [{ fn: 'random-string', min_length: 3, max_length_exclusive: 4 }, 'step 4: random-string'],
      [{ fn: 'execution-id-generate' }, 'step 40: execution-id-generate'],
    ]);
    expect(bt(events(run, 'join-set-created').find((x) => x.join_set_id === 'n:batch')!)).toBe('step 6: join-set-create-named');
    expect(bt(events(run, 'join-set-closed').find((x) => x.join_set_id === 'g:2')!)).toBe('step 26: join-set-close');
    // Closing drops unawaited delays; the end of the workflow cancels the unawaited activity.
    expect(events(run, 'join-set-closed').find((x) => x.join_set_id === 'n:batch')).toMatchObject({ dropped: [delay('n:batch', 1)], cancelled: [] });
    expect(events(run, 'join-set-closed').find((x) => x.join_set_id === 'g:1')).toMatchObject({ cancelled: [child('g:1', 4)] });
    // Scheduled executions: -schedule of all three components and schedule-json under the generated id.
    expect(events(run, 'scheduled').map((x) => [x.execution_id, x.ffqn, x.params])).toEqual([
      [values[39], 'testing:activity/ops.echo', ['later']],
      [values[40], 'testing:activity/ops.echo', ['sj']],
      [values[59], 'testing:stub/stub.get', ['sch']],
      [values[69], 'testing:script/workflow.run', ['[]']],
    ]);
    expect(events(run, 'stubbed').map((x) => [x.target_execution_id, x.outcome])).toEqual([
      [child('g:14', 1), 'ok'], [child('g:14', 1), 'conflict'], [child('g:1', 1), 'execution-not-found'], [child('g:14', 2), 'ok'],
    ]);
  });

  it('sends log and output lines once each, at the workflow time, outside the history', () => {
    const own = run.logs.filter((l) => l.execution === ID).map((l) => [l.level, l.message]);
    expect(own).toEqual([['info', 'hello log'], ['error', 'bad thing'], ['stdout', 'to stdout'], ['stderr', 'to stderr']]);
    const at = run.logs.find((l) => l.message === 'hello log')!.at;
    expect(run.history.some((x) => parseIsoTime(x.at) === at)).toBe(true);
    // The trapping child said why on its stderr.
    expect(run.logs.filter((l) => l.execution === child('g:17', 3)).map((l) => l.message).join('\n')).toContain('script_workflow: child traps');
  });

  it('Date.now() reads the workflow log time', () => {
    expect(run.history.some((x) => parseIsoTime(x.at) === values[79])).toBe(true);
  });

  it('replays the final history from scratch with no new events and the same result', async () => {
    await expectReplays(run);
  }, 60_000);

  it('detects a changed program as nondeterminism', async () => {
    const changed = EVERYTHING.map((s, i) => (i === 10 ? { ...s, args: [40, 3] } : s));
    const created = createdFor(ID, changed, START_MS);
    const r = await runOnce(component, ID, created, run.history, run.inbox, new ManualClock(START_MS + 3_600_000));
    expect(r.status).toBe('finished');
    expect(r.status === 'finished' && r.outcome).toMatchObject({ failure: { kind: 'nondeterminism-detected' } });
    expect(r.status === 'finished' && 'failure' in r.outcome && r.outcome.failure.reason).toMatch(/child-requested testing:activity\/ops\.add/);
  }, 60_000);
});

describe('script workflow: Date.now() and Math.random()', () => {
  const PROGRAM = [
    { op: 'date-now' }, { op: 'math-random' }, { op: 'math-random' },
    { op: 'call', fn: 'activity.echo', args: ['wait'] },
    { op: 'date-now' }, { op: 'math-random' },
  ];

  it('are identical across replays and differ between executions', async () => {
    const first = await play({ component, id: ID, program: PROGRAM });
    const again = await play({ component, id: ID, program: PROGRAM });
    const other = await play({ component, id: OTHER, program: PROGRAM, clock: new ManualClock(START_MS + 5000) });
    const [v1, v2, v3] = [stepValues(first), stepValues(again), stepValues(other)];
    // The first Date.now() is the creation time; the second the time the call's result was recorded.
    expect(v1[0]).toBe(START_MS);
    const joinNext = first.history.find((x) => x.type === 'join-next')!;
    expect(v1[4]).toBe(parseIsoTime(joinNext.at));
    expect(v1[4] as number).toBeGreaterThan(START_MS);
    // Math.random: a sequence seeded by the execution id, continuing after the call.
    for (const i of [1, 2, 5]) expect(v1[i] as number).toBeGreaterThanOrEqual(0);
    expect(new Set([v1[1], v1[2], v1[5]]).size).toBe(3);
    // Same execution, same clock: the same values; replaying its history from scratch: the same.
    expect(v2).toEqual(v1);
    await expectReplays(first);
    // Another execution (another id, created later): other values.
    expect(v3[0]).toBe(START_MS + 5000);
    expect(v3[4]).not.toBe(v1[4]);
    for (const i of [1, 2, 5]) expect(v3[i]).not.toBe(v1[i]);
  }, 120_000);

  it('a run after one whose call returned gets a renewed instance, which behaves as a fresh one', async () => {
    let instantiated = 0;
    const counted: WorkflowComponent = {
      imports: component.imports,
      instantiate: (imports) => {
        instantiated++;
        return component.instantiate(imports);
      },
    };
    const first = await play({ component: counted, id: ID, program: PROGRAM });
    expect(first.runs).toBe(2);
    expect(instantiated).toBe(2); // the blocked run ended by unwinding: the next is made whole
    const again = await play({ component: counted, id: ID, program: PROGRAM });
    expect(instantiated).toBe(3); // its first run was renewed from the finished one
    expect(stepValues(again)).toEqual(stepValues(first));
    expect(again.history).toEqual(first.history);
  }, 120_000);
});

describe('script workflow: ends', () => {
  it('a fail step returns err with its message', async () => {
    const e = await play({ component, id: ID, program: [{ op: 'call', fn: 'activity.echo', args: ['x'] }, { op: 'fail', message: 'gave up' }] });
    expect(e.outcome).toEqual({ result: { err: 'gave up' } });
    await expectReplays(e);
  }, 60_000);

  it('a trap step fails the execution (not an err), saying why on stderr', async () => {
    const e = await play({ component, id: ID, program: [{ op: 'log', message: 'about to trap' }, { op: 'trap', message: 'boom' }] });
    expect(e.outcome).toMatchObject({ failure: { kind: 'uncategorized', reason: expect.stringContaining('workflow trapped') } });
    expect(e.logs.map((l) => [l.level, l.message.split('\n')[0]])).toEqual(expect.arrayContaining([['info', 'about to trap'], ['stderr', 'script_workflow: boom']]));
  }, 60_000);

  it('an unknown step traps, naming the op', async () => {
    const e = await play({ component, id: ID, program: [{ op: 'no-such-op' }] });
    expect(e.outcome).toMatchObject({ failure: { kind: 'uncategorized' } });
    expect(e.logs.map((l) => l.message).join('\n')).toContain('unknown op "no-such-op"');
  }, 60_000);
});
