/**
 * A workflow written in TypeScript (test/authoring/fixtures/clock_workflow), built from its source on
 * first use: Date.now(), new Date(), Math.random() and crypto.getRandomValues() replay identically
 * (testEngine's close() replays every finished execution and fails on any divergence), with both
 * blocking strategies; each step's event carries a backtrace naming the line of src/workflow.ts that
 * made it; obelisk/workflow's `call` reaches a JavaScript activity.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { bufferIo } from '../../lib/cli/io.js';
import { run } from '../../lib/cli/main.js';
import { hostWitPackages } from '../../lib/component/wit-gen.js';
import { tick } from '../../lib/executor/tick.js';
import type { ExecutionId } from '../../lib/model/ids.js';
import type { JsonValue } from '../../lib/model/json.js';
import { readOutput } from '../../lib/store/output.js';
import { JS_ACTIVITY_TOML, ROOT, testEngine, type TestEngine } from '../support/engine.js';

const FIXTURE = path.join(ROOT, 'test', 'authoring', 'fixtures', 'clock_workflow');
const RUN = 'testing:clock/clock.run';

function toml(strategy: 'await' | 'interrupt'): string {
  return `
[[workflow]]
name = "clock_workflow"
location = "\${ROOT}/test/authoring/fixtures/clock_workflow/src/workflow.ts"
wit = "\${ROOT}/test/authoring/fixtures/clock_workflow/wit"
join_next_blocking_strategy = "${strategy}"
exec.lock_expiry.seconds = 20
${JS_ACTIVITY_TOML}`;
}

/** The line of the fixture's source that contains `text` (1-based). */
function lineOf(text: string): number {
  const lines = readFileSync(path.join(FIXTURE, 'src', 'workflow.ts'), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`no line with ${text}`);
  return i + 1;
}

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function runToEnd(engine: TestEngine, ffqn: string, params: JsonValue[]) {
  const id = (await engine.engine.submit(ffqn, params)) as ExecutionId;
  await tick(engine.engine, { maxDurationMs: 60_000, concurrency: 2 });
  const { events } = await engine.engine.deps.store.read(id);
  const last = events.at(-1);
  if (last?.type !== 'finished' || !('result' in last)) throw new Error(`expected a result, got ${JSON.stringify(last)}`);
  return { id, events, result: last.result as { ok?: string; err?: string } };
}

interface Sample { now: number; iso: string; random: number; bytes: number[] }

describe('a TypeScript workflow', () => {
  it('keeps its WIT dependencies the host packages as generated', () => {
    for (const f of hostWitPackages()) {
      expect(readFileSync(path.join(FIXTURE, 'wit', 'deps', ...f.path.split('/')), 'utf8')).toBe(f.text);
    }
  });

  for (const strategy of ['interrupt', 'await'] as const) {
    it(`reads Date, Math.random and crypto.getRandomValues deterministically (${strategy}): replay gives the same history and result`, async () => {
      t = await testEngine(toml(strategy));
      const a = await runToEnd(t, RUN, [30]);
      const b = await runToEnd(t, RUN, [30]);
      const [ra, rb] = [a, b].map((r) => JSON.parse(r.result.ok!) as { id: string; before: Sample; middle: Sample; after: Sample; response: { kind: string } });
      expect(ra!.id).toBe(a.id);
      expect(ra!.response.kind).toBe('delay');
      // Workflow time moves with the log: the delay has passed between the samples.
      expect(ra!.middle.now - ra!.before.now).toBeGreaterThanOrEqual(30);
      expect(new Date(ra!.before.iso).getTime()).toBe(ra!.before.now);
      for (const s of [ra!.before, ra!.middle, ra!.after]) {
        expect(s.random).toBeGreaterThanOrEqual(0);
        expect(s.random).toBeLessThan(1);
        expect(s.bytes).toHaveLength(4);
      }
      expect(ra!.middle.random).not.toBe(ra!.before.random);
      // Randomness is seeded per execution.
      expect(rb!.before.random).not.toBe(ra!.before.random);
      // The log's line written before the delay is not repeated by replays.
      const lines = readOutput(t.engine.deps.store.root, a.id).filter((l) => l.message.startsWith('sampled at'));
      expect(lines.map((l) => l.message)).toEqual([`sampled at ${ra!.before.iso}`]);
    }, 180_000);
  }

  it('stores a backtrace naming its own source lines with each join set, submission, await and sleep', async () => {
    t = await testEngine(toml('await'));
    const { id, events } = await runToEnd(t, RUN, [5]);
    const where = (e: JsonValue) => {
      const frame = (e as { backtrace?: { frames: { symbols: { file: string; line: number }[] }[] } }).backtrace?.frames[0]?.symbols[0];
      return frame && `${frame.file}:${frame.line}`;
    };
    const steps = events.filter((e) => ['join-set-created', 'delay-requested', 'join-next'].includes(e.type)).map((e) => [e.type, where(e as never)]);
    expect(steps).toEqual([
      ['join-set-created', `src/workflow.ts:${lineOf('createJoinSet()')}`],
      ['delay-requested', `src/workflow.ts:${lineOf('submitDelay(joinSet')}`],
      ['join-next', `src/workflow.ts:${lineOf('awaitNext(joinSet)')}`],
      // sleep: a one-off join set, its delay, the await
      ['join-set-created', `src/workflow.ts:${lineOf('sleep({')}`],
      ['delay-requested', `src/workflow.ts:${lineOf('sleep({')}`],
      ['join-next', `src/workflow.ts:${lineOf('sleep({')}`],
    ]);
    // `execution events --json` prints the stored lines, backtraces included.
    const io = bufferIo();
    expect(await run(['execution', 'events', id, '--json', '--config', path.join(t.dir, 'obelisk.toml')], { io, env: process.env, cwd: t.dir })).toBe(0);
    expect(io.stdout).toContain(`"file":"src/workflow.ts","line":${lineOf('submitDelay(joinSet')}`);
    // And the text view names the line after each step, as Obelisk does for Rust.
    const text = bufferIo();
    expect(await run(['execution', 'events', id, '--config', path.join(t.dir, 'obelisk.toml')], { io: text, env: process.env, cwd: t.dir })).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`delay-requested .* at src/workflow\\.ts:${lineOf('submitDelay(joinSet')}`));
  }, 180_000);

  it('calls a JavaScript activity through obelisk/workflow (values in JSON form)', async () => {
    t = await testEngine(toml('await'));
    const { events, result } = await runToEnd(t, 'testing:clock/clock.call-json', ['testing:js-activity/sandbox.print', '["hello"]']);
    expect(result).toEqual({ ok: '{"ok":"hello"}' });
    const child = events.find((e) => e.type === 'child-requested');
    expect(child).toMatchObject({ ffqn: 'testing:js-activity/sandbox.print', params: ['hello'] });
    expect((child as { backtrace?: unknown }).backtrace).toMatchObject({ frames: [{ symbols: [{ file: 'src/workflow.ts', line: lineOf('call(ffqn') }] }] });
  }, 180_000);
});
