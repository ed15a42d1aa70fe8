/**
 * tick's fault tests, with real `obelisk tick` processes (bin/obelisk, compiled dist/) on one state
 * folder, leases of 1.5 s, generated programs (1 to 3 roots per case):
 *  1. SIGKILL at seeded moments, then ticks until done: the next tick picks up once the lease has
 *     expired, and everything ends as the model says, with no child submitted twice.
 *  2. Two overlapping ticks: the same results, no child submitted twice, no result delivered twice,
 *     each execution finished by exactly one of them.
 *  3. A tick stopped (SIGSTOP) past its leases while another takes over, then continued (SIGCONT):
 *     its late writes are fenced off; the same results.
 * After each case: the invariants (harness/check/invariants.ts), the model, and replay of every
 * finished execution. Seeds: printed at start; OBELISK_SEED / OBELISK_RUNS (harness/run/property.ts).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DEFAULT_PROGRAM_OPTIONS, programArb } from '../../harness/arbitraries/script.js';
import { checkCase, readCase } from '../../harness/check/check-case.js';
import { formatReport } from '../../harness/check/report.js';
import { PROCESSES } from '../../harness/run/config.js';
import { caseId } from '../../harness/run/in-process.js';
import { ProcessHarness } from '../../harness/run/process-case.js';
import { sleep, tickWarnings, unexpectedExit, type TickExit, type TickProcess } from '../../harness/run/processes.js';
import { propertyRun } from '../../harness/run/property.js';
import type { Program } from '../../harness/model/script-model.js';

const MODEL = { spinTimeoutMs: PROCESSES.activityLockMs };
// Short programs, no timeouts (each costs 3 attempts of 2.5 s; the in-process properties have them).
const PROGRAMS = { ...DEFAULT_PROGRAM_OPTIONS, maxActions: 5, timeouts: false };
const rootsArb = fc.array(programArb(PROGRAMS), { minLength: 1, maxLength: 3 });
const strategyArb = fc.constantFrom<'interrupt' | 'await'>('interrupt', 'await');

let h: ProcessHarness;
let failed = false;
beforeAll(() => {
  h = ProcessHarness.open('ticks');
});
afterAll(async () => h?.close(failed));

async function start(programs: Program[], seed: number) {
  const roots = programs.map((program) => ({ id: caseId(seed), program }));
  await h.submit(roots);
  return roots;
}

async function finish(title: string, roots: { id: string; program: Program }[], exits: TickExit[], extra: string[] = []): Promise<void> {
  const ids = roots.map((r) => r.id);
  const settled = await h.settle('interrupt', ids);
  const { problems } = await checkCase(h.stateDir, h.configs.interrupt, roots, MODEL);
  problems.push(...settled.problems, ...extra);
  if (problems.length) {
    failed = true;
    const warnings = [...exits, ...settled.exits].flatMap(tickWarnings);
    throw new Error(formatReport({ title, roots, stateDir: h.stateDir, problems, extra: warnings.length ? ['  tick warnings:', ...warnings.map((w) => `    ${w}`)] : [] }));
  }
}

async function runFor(t: TickProcess, ms: number): Promise<void> {
  await Promise.race([t.exited, sleep(ms)]);
}

describe('obelisk tick killed at a random moment (SIGKILL)', () => {
  const run = propertyRun('tick faults: SIGKILL', 2);
  const caseArb = fc.record({
    programs: rootsArb, strategy: strategyArb, seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    kills: fc.array(fc.integer({ min: 0, max: 2500 }), { minLength: 1, maxLength: 2 }),
    concurrency: fc.integer({ min: 1, max: 3 }),
  });

  it('is picked up by the next tick once its leases expire, and everything ends as the model says', async () => {
    await fc.assert(fc.asyncProperty(caseArb, async (c) => {
      const roots = await start(c.programs, c.seed);
      const exits: TickExit[] = [];
      const extra: string[] = [];
      for (const ms of c.kills) {
        const t = h.tick(c.strategy, c.concurrency);
        await runFor(t, ms);
        const exit = await t.kill();
        exits.push(exit);
        const bad = unexpectedExit(exit, ['SIGKILL']);
        if (bad) extra.push(bad);
      }
      await finish(`${c.strategy}, killed after ${c.kills.join(', ')} ms`, roots, exits, extra);
    }), run.params);
  }, run.timeout(25_000));
});

describe('two ticks at once on one state folder', () => {
  const run = propertyRun('tick faults: overlapping ticks', 1);
  const caseArb = fc.record({
    programs: rootsArb, strategies: fc.tuple(strategyArb, strategyArb), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    offsetMs: fc.integer({ min: 0, max: 400 }), concurrency: fc.integer({ min: 1, max: 3 }),
  });

  it('reach the same results, submit no child twice, deliver no result twice, finish each execution once', async () => {
    await fc.assert(fc.asyncProperty(caseArb, async (c) => {
      const roots = await start(c.programs, c.seed);
      const a = h.tick(c.strategies[0], c.concurrency);
      await sleep(c.offsetMs);
      const b = h.tick(c.strategies[1], c.concurrency);
      const exits = await Promise.all([a.waitExit(), b.waitExit()]);
      const extra = exits.flatMap((e, i) => unexpectedExit(e, [], [a, b][i]!.hung) ?? []);
      // Each execution is counted finished by at most one tick (stub children finish by being stubbed).
      const counted = exits.reduce((n, e) => {
        const s = JSON.parse(e.stdout.trim().split('\n').at(-1) || '{}') as { finishedOk?: number; finishedErr?: number; failed?: number };
        return n + (s.finishedOk ?? 0) + (s.finishedErr ?? 0) + (s.failed ?? 0);
      }, 0);
      const finishedHere = [...readCase(h.stateDir, roots.map((r) => r.id)).values()]
        .filter((x) => x.events.at(-1)?.type === 'finished' && !(x.events[0]?.type === 'created' && x.events[0].ffqn.startsWith('testing:stub/'))).length;
      if (counted > finishedHere) extra.push(`the two ticks counted ${counted} finished executions, only ${finishedHere} are finished: one finished twice`);
      await finish(`${c.strategies.join(' + ')}, second tick after ${c.offsetMs} ms`, roots, exits, extra);
    }), run.params);
  }, run.timeout(20_000));
});

describe('a tick stopped past its leases (SIGSTOP), another taking over, then continued (SIGCONT)', () => {
  const run = propertyRun('tick faults: SIGSTOP past the lease', 1);
  const caseArb = fc.record({
    programs: rootsArb, strategy: strategyArb, seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    stopAfterMs: fc.integer({ min: 100, max: 2000 }), concurrency: fc.integer({ min: 1, max: 3 }),
  });

  it('has its late writes fenced off, and everything ends as the model says', async () => {
    await fc.assert(fc.asyncProperty(caseArb, async (c) => {
      const roots = await start(c.programs, c.seed);
      const a = h.tick(c.strategy, c.concurrency);
      await runFor(a, c.stopAfterMs);
      const stopped = a.signal('SIGSTOP');
      const exits: TickExit[] = [];
      const extra: string[] = [];
      if (stopped) {
        await sleep(h.longestLeaseMs + 300); // every lease it holds has expired
        const b = h.tick(c.strategy, c.concurrency);
        exits.push(await b.waitExit());
        extra.push(...(unexpectedExit(exits[0]!, [], b.hung) ?? []));
        a.signal('SIGCONT');
      }
      const exitA = await a.waitExit();
      exits.push(exitA);
      extra.push(...(unexpectedExit(exitA, [], a.hung) ?? []));
      await finish(`${c.strategy}, stopped after ${c.stopAfterMs} ms${stopped ? '' : ' (it had exited already)'}`, roots, exits, extra);
    }), run.params);
  }, run.timeout(30_000));
});
