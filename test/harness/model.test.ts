/**
 * The harness's own tests: the model against the README's example and against a recorded engine
 * run (test/fixtures/harness/recorded-script, every kind of step the generators use); edited
 * copies of that recording must be caught (style.md #15); generated programs keep the
 * generators' invariants. Pure and fast except the replay of the recording.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROGRAM_OPTIONS, nestedPrograms, programArb } from '../../harness/arbitraries/script.js';
import { checkInvariants } from '../../harness/check/invariants.js';
import { checkAgainstModel } from '../../harness/check/model-check.js';
import { divergences, loadCatalog, replayState } from '../../harness/check/replay.js';
import { IN_PROCESS, ROOT, writeConfig } from '../../harness/run/config.js';
import { InProcessHarness } from '../../harness/run/in-process.js';
import { propertyRun } from '../../harness/run/property.js';
import type { ExecutionId } from '../../lib/model/ids.js';
import { runModel, SUBMISSION_ORDER, matches, UNKNOWN, type Program } from '../../harness/model/script-model.js';
import { readState } from '../../harness/state/read-state.js';

const MODEL = { spinTimeoutMs: IN_PROCESS.activityLockMs };
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'harness', 'recorded-script');
const RECORDED_ID = 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F';
const recordedProgram = JSON.parse(readFileSync(path.join(FIXTURE, 'program.json'), 'utf8')) as Program;

describe('the model of the script workflow', () => {
  it("computes the README's example", () => {
    const program: Program = [
      { op: 'join-set-create', as: 'a' },
      { op: 'submit', fn: 'activity.add', js: 'a', args: [40, 2], as: 'c' },
      { op: 'await-next', fn: 'activity.add', js: 'a' },
      { op: 'get-result-json', id: '$c' } as never,
    ];
    // get-result-json is not a step the generators use: the model says so rather than guess.
    expect(() => runModel(program, RECORDED_ID, SUBMISSION_ORDER, MODEL)).toThrow(/does not know/);
    const run = runModel(program.slice(0, 3), RECORDED_ID, SUBMISSION_ORDER, MODEL);
    expect(run.values).toEqual(['g:1', `${RECORDED_ID}.g:1_1`, { ok: [`${RECORDED_ID}.g:1_1`, { ok: 42 }] }]);
    expect(run.problems).toEqual([]);
  });

  it('wraps u64 addition and writes large values as decimal strings', () => {
    const run = runModel([{ op: 'call', fn: 'activity.add', args: ['18446744073709551615', 2] }, { op: 'call', fn: 'activity.add', args: ['9007199254740993', 0] }], RECORDED_ID, SUBMISSION_ORDER, MODEL);
    expect(run.values).toEqual([{ ok: 1 }, { ok: '9007199254740993' }]);
    expect(run.history[1]).toMatchObject({ params: [18446744073709551615n, 2] });
  });

  it('refuses a value it cannot know unless the step hides it', () => {
    expect(() => runModel([{ op: 'random-u64', min: 0, max: 9 }], RECORDED_ID, SUBMISSION_ORDER, MODEL)).toThrow(/hide it/);
    expect(runModel([{ op: 'random-u64', min: 0, max: 9, hide: true }], RECORDED_ID, SUBMISSION_ORDER, MODEL).values).toEqual([null]);
  });

  it('matches with UNKNOWN as a wildcard and nested JSON text in any key order', () => {
    expect(matches({ a: UNKNOWN, b: [1] }, { a: 'x', b: [1] })).toBe(true);
    expect(matches({ a: UNKNOWN }, { a: 1, b: 2 })).toBe(false);
    expect(matches('{"a":1,"b":2}', '{"b":2,"a":1}')).toBe(true);
    expect(matches(18446744073709551615n, 18446744073709551615n)).toBe(true);
  });
});

describe('a recorded run of every step the generators use', () => {
  let dir: string;
  let configPath: string;
  beforeAll(async () => {
    // OBELISK_WRITE_FIXTURE_HARNESS=1 records program.json again (after a deliberate change).
    if (process.env.OBELISK_WRITE_FIXTURE_HARNESS === '1') await recordFixture();
    dir = mkdtempSync(path.join(tmpdir(), 'obelisk-harness-fixture-'));
    configPath = writeConfig(dir, IN_PROCESS);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A fresh copy of the recording, optionally edited. */
  function copy(edit?: (root: string) => void): string {
    const root = mkdtempSync(path.join(dir, 'state-'));
    cpSync(path.join(FIXTURE, 'state'), root, { recursive: true });
    edit?.(root);
    return root;
  }
  const logOf = (root: string, id: string) => path.join(root, 'executions', id.replaceAll('/', '%2F'), 'log.jsonl');
  function editLog(root: string, id: string, f: (lines: string[]) => string[]) {
    writeFileSync(logOf(root, id), `${f(readFileSync(logOf(root, id), 'utf8').trimEnd().split('\n')).join('\n')}\n`);
  }

  it('agrees with the model, keeps every invariant and replays', async () => {
    const state = readState(copy());
    expect(state.size).toBe(16);
    expect(checkInvariants(state, { quiescent: true })).toEqual([]);
    const { problems, model } = checkAgainstModel({ id: RECORDED_ID, program: recordedProgram }, state, MODEL);
    expect(problems).toEqual([]);
    expect(model.children.map((c) => c.id)).toContain(`${RECORDED_ID}.g:8_2`);
    expect(model.scheduled).toHaveLength(1);
    const { catalog } = await loadCatalog(configPath);
    expect(divergences(await replayState(catalog, state))).toEqual([]);
  });

  it('catches a different result, a response consumed twice, a lost inbox file and a child finished twice', () => {
    const check = (root: string) => {
      const state = readState(root);
      return [...checkInvariants(state, { quiescent: true }), ...checkAgainstModel({ id: RECORDED_ID, program: recordedProgram }, state, MODEL).problems].join('\n');
    };
    // The root's result says echo returned something else.
    expect(check(copy((r) => editLog(r, RECORDED_ID, (ls) => ls.map((l) => (l.startsWith('{"type":"finished"') ? l.replace('{\\"ok\\":\\"one\\"}', '{\\"ok\\":\\"uno\\"}') : l)))))).toMatch(/result differs from the model/);
    // The second join-next of g:1 consumes the first child again.
    expect(check(copy((r) => editLog(r, RECORDED_ID, (ls) => {
      const i = ls.findIndex((l) => l.includes('"join-next"') && l.includes('g:1_2"}'));
      ls[i] = ls[i]!.replace('g:1_2"}', 'g:1_1"}');
      return ls;
    })))).toMatch(/consumed twice/);
    // The inbox file of a consumed response is gone.
    expect(check(copy((r) => {
      const inbox = path.join(r, 'executions', RECORDED_ID, 'inbox');
      unlinkSync(path.join(inbox, readdirSync(inbox).find((f) => f.includes('o:4-add'))!));
    }))).toMatch(/no inbox file holds \(lost\)/);
    // A scheduled execution no log names (a re-run scheduled again): it runs anyway.
    expect(check(copy((r) => {
      const scheduled = readdirSync(path.join(r, 'executions')).find((n) => !n.startsWith(RECORDED_ID))!;
      const orphan = `E_01KDVDNA0Z3PSH728ND15Q16R8`;
      mkdirSync(path.join(r, 'executions', orphan));
      cpSync(path.join(r, 'executions', scheduled, 'log.jsonl'), path.join(r, 'executions', orphan, 'log.jsonl'));
    }))).toMatch(/its log never scheduled it \(orphan/);
    // A child finished a second time.
    expect(check(copy((r) => editLog(r, `${RECORDED_ID}.o:4-add_1`, (ls) => [...ls, ls.at(-1)!])))).toMatch(/finished 2 times|events after finished/);
  });
});

describe('generated programs', () => {
  const { params } = propertyRun('generated programs', 300);

  it('keep the generators invariants: values hidden, sets drained, stubs stubbed first, the model runs them', () => {
    fc.assert(fc.property(programArb({ ...DEFAULT_PROGRAM_OPTIONS, unawaited: false }), (program) => {
      for (const p of nestedPrograms(program)) {
        const fail = p.findIndex((s) => s.op === 'fail');
        if (fail >= 0) expect(fail).toBe(p.length - 1);
      }
      const run = runModel(program, 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F', SUBMISSION_ORDER, MODEL);
      expect(run.problems).toEqual([]);
      // Drained: at the implicit close nothing but child workflows is left (no cancel, no drop).
      for (const e of allHistory(run)) {
        if (e.type === 'join-set-closed') expect([e.cancelled, e.dropped]).toEqual([[], []]);
      }
    }), params);
  });
});

/** Runs program.json with the recorded id on an engine here and keeps its logs and inbox files as the fixture. */
async function recordFixture(): Promise<void> {
  const h = await InProcessHarness.open({ ...IN_PROCESS, strategy: 'interrupt' });
  try {
    await h.submit(recordedProgram, RECORDED_ID as ExecutionId);
    await h.runToEnd([RECORDED_ID], { concurrency: 2 });
    rmSync(path.join(FIXTURE, 'state'), { recursive: true, force: true });
    cpSync(path.join(h.stateDir, 'executions'), path.join(FIXTURE, 'state', 'executions'), {
      recursive: true, filter: (src) => !/(output\.jsonl|\.lock|\.tmp)$/.test(src),
    });
  } finally {
    await h.close();
  }
}

describe('generated programs that leave join sets unawaited', () => {
  const { params } = propertyRun('generated programs, unawaited', 200);

  it('run in the model; what the close cancels may also have finished first', () => {
    let cancellable = 0;
    fc.assert(fc.property(programArb(DEFAULT_PROGRAM_OPTIONS), (program) => {
      const run = runModel(program, 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F', SUBMISSION_ORDER, MODEL);
      expect(run.problems).toEqual([]);
      cancellable += run.children.filter((c) => c.cancellable).length;
    }), params);
    expect(cancellable).toBeGreaterThan(0);
  });
});

function allHistory(run: ReturnType<typeof runModel>): Record<string, unknown>[] {
  return [...run.history, ...run.children.flatMap((c) => (c.run ? allHistory(c.run) : []))];
}
