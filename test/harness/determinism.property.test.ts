/**
 * Determinism properties on an engine in this process (harness/run/in-process.ts):
 *  1. Generated programs, children finishing in seeded orders (each activity result held back a
 *     seeded time), a clock that jumps forward at seeded moments, either strategy: every
 *     execution finishes, the invariants hold, results and history agree with the model, and
 *     every finished execution replays identically.
 *  2. The same program under "interrupt" and "await", one step at a time (so children finish in
 *     the same order): identical history (times left out) and identical results.
 * Seeds: printed at start; OBELISK_SEED / OBELISK_RUNS / OBELISK_SHRINK (harness/run/property.ts).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROGRAM_OPTIONS, programArb } from '../../harness/arbitraries/script.js';
import { checkCase, readCase } from '../../harness/check/check-case.js';
import { historyOf } from '../../harness/check/model-check.js';
import { formatReport, tickErrors } from '../../harness/check/report.js';
import { IN_PROCESS, type HarnessConfig } from '../../harness/run/config.js';
import { caseId, InProcessHarness } from '../../harness/run/in-process.js';
import { propertyRun } from '../../harness/run/property.js';
import { canonical, type Program } from '../../harness/model/script-model.js';
import type { StateView } from '../../harness/state/read-state.js';

const MODEL = { spinTimeoutMs: IN_PROCESS.activityLockMs };

let failed = false;

/** An engine per strategy for the describe block it is called in (kept on failure, for a look). */
function harnesses(config: HarnessConfig) {
  const h = {} as { interrupt: InProcessHarness; hot: InProcessHarness };
  beforeAll(async () => {
    [h.interrupt, h.hot] = await Promise.all([
      InProcessHarness.open({ ...config, strategy: 'interrupt' }),
      InProcessHarness.open({ ...config, strategy: 'await' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([h.interrupt?.close(failed), h.hot?.close(failed)]);
  });
  return h;
}

function fail(message: string): never {
  failed = true;
  throw new Error(message);
}

describe('generated workflows under seeded completion orders and clock jumps', () => {
  const hs = harnesses(IN_PROCESS);
  const run = propertyRun('determinism: orders and clock jumps', 6);
  const caseArb = fc.record({
    program: programArb(DEFAULT_PROGRAM_OPTIONS),
    strategy: fc.constantFrom<'interrupt' | 'await'>('interrupt', 'await'),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    maxDelayMs: fc.constantFrom(0, 10, 40),
    concurrency: fc.integer({ min: 1, max: 4 }),
    jumps: fc.array(fc.record({ afterMs: fc.integer({ min: 0, max: 800 }), byMs: fc.integer({ min: 1, max: 5000 }) }), { maxLength: 2 }),
  });

  it('finish, keep the invariants, agree with the model and replay identically', async () => {
    await fc.assert(fc.asyncProperty(caseArb, async (c) => {
      const h = c.strategy === 'await' ? hs.hot : hs.interrupt;
      h.delays.reseed(c.seed, c.maxDelayMs);
      const id = caseId(c.seed);
      await h.submit(c.program, id);
      const summaries = await h.runToEnd([id], { concurrency: c.concurrency, jumps: c.jumps, budgetMs: 60_000 });
      const { problems } = await checkCase(h.stateDir, h.configPath, [{ id, program: c.program }], MODEL);
      problems.push(...tickErrors(summaries, [id]));
      if (problems.length) fail(formatReport({ title: `${c.strategy}, concurrency ${c.concurrency}`, roots: [{ id, program: c.program }], stateDir: h.stateDir, problems }));
    }), run.params);
  }, run.timeout(15_000));
});

/**
 * Every execution's history (workflows) or outcome (activities), times and run ids left out. A
 * scheduled execution's id starts with the workflow's time (a ULID): it is named by its order.
 */
function comparable(state: StateView): Record<string, string> {
  const scheduled = [...state.values()].flatMap((x) => x.events.flatMap((e) => (e.type === 'scheduled' ? [e.execution_id] : [])));
  const rename = (text: string) => scheduled.reduce((t, id, i) => t.replaceAll(id, `E_scheduled-${i + 1}`), text);
  const out: Record<string, string> = {};
  for (const x of state.values()) {
    const fin = x.events.at(-1);
    const history = historyOf(x.events).map((e) => {
      const { expires_at: _e, ...rest } = e as { expires_at?: unknown };
      return rest;
    });
    const end = fin?.type === 'finished' ? ('result' in fin ? { result: fin.result } : { failure: fin.failure.kind }) : { unfinished: true };
    out[rename(x.id)] = rename(canonical({ history, end } as never));
  }
  return out;
}

describe('the interrupt and await strategies', () => {
  // No retries: a retried attempt is due again after its backoff, which races its siblings. No
  // inline children: those start the moment they are submitted, all at once, so their order is
  // not the order of the steps (what this compares is the two strategies given the same order).
  const hs = harnesses({ ...IN_PROCESS, maxRetries: 0, inline: false });
  const run = propertyRun('determinism: interrupt = await', 3);
  // Whatever makes the order of responses in a join set depend on timing is off: join-next-try,
  // delays next to children, timeouts, child workflows sharing a join set, and activities left
  // unawaited (cancelled, or finished first), and stubs (a stub child finishes the moment the
  // workflow stubs it, ahead of a sibling activity that may or may not have run meanwhile).
  const caseArb = fc.record({
    program: programArb({ ...DEFAULT_PROGRAM_OPTIONS, tries: false, delays: false, timeouts: false, soloWorkflows: true, unawaited: false, stubs: false }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  });

  it('record identical history and results for the same program, one step at a time', async () => {
    await fc.assert(fc.asyncProperty(caseArb, async (c) => {
      const id = caseId(c.seed);
      const roots = [{ id, program: c.program as Program }];
      const states: StateView[] = [];
      for (const h of [hs.interrupt, hs.hot]) {
        h.delays.reseed(c.seed, 0);
        await h.submit(c.program, id);
        const summaries = await h.runToEnd([id], { concurrency: 1, budgetMs: 60_000 });
        const { problems } = await checkCase(h.stateDir, h.configPath, roots, MODEL);
        problems.push(...tickErrors(summaries, [id]));
        if (problems.length) fail(formatReport({ title: `${h === hs.hot ? 'await' : 'interrupt'}, one step at a time`, roots, stateDir: h.stateDir, problems }));
        states.push(readCase(h.stateDir, [id]));
      }
      const [a, b] = states.map(comparable) as [Record<string, string>, Record<string, string>];
      const differ = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]);
      if (differ.length) {
        fail(formatReport({
          title: 'interrupt and await differ', roots, stateDir: `${hs.interrupt.stateDir} and ${hs.hot.stateDir}`,
          problems: differ.map((k) => `${k}:\n  interrupt: ${a[k] ?? '(missing)'}\n  await:     ${b[k] ?? '(missing)'}`),
        }));
      }
      expect(Object.keys(a).length).toBeGreaterThan(0);
    }), run.params);
  }, run.timeout(30_000));
});
