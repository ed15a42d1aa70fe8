import { afterEach, describe, expect, it } from 'vitest';
import { testEngine, fiboToml, type TestEngine } from '../support/engine.js';
import { tick } from '../../lib/executor/tick.js';
import type { ExecutionId } from '../../lib/model/ids.js';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function runToEnd(engine: TestEngine['engine'], ffqn: string, params: unknown[]) {
  const id = await engine.submit(ffqn, params as never);
  const summary = await tick(engine, { maxDurationMs: 60_000, concurrency: 2 });
  const { events } = await engine.deps.store.read(id as ExecutionId);
  return { id, summary, events, last: events.at(-1) };
}

describe.each(['interrupt', 'await'] as const)('the seed example (%s)', (strategy) => {
  it('fiboa(10, 3) calls the activity 3 times and returns fibo(10)', async () => {
    t = await testEngine(fiboToml(strategy));
    const { last, events, summary } = await runToEnd(t.engine, 'template-fibo:workflow/fibo-workflow-ifc.fiboa', [10, 3]);
    expect(summary.errors).toEqual([]);
    expect(last).toMatchObject({ type: 'finished', result: { ok: 55 } });
    expect(events.filter((e) => e.type === 'child-requested').map((e) => e.type === 'child-requested' && e.join_set_id)).toEqual(['o:1-fibo', 'o:2-fibo', 'o:3-fibo']);
  });

  it('fiboa-concurrent(10, 4) submits 4 children to one join set and awaits them all', async () => {
    t = await testEngine(fiboToml(strategy));
    const { last, events } = await runToEnd(t.engine, 'template-fibo:workflow/fibo-workflow-ifc.fiboa-concurrent', [10, 4]);
    expect(last).toMatchObject({ type: 'finished', result: { ok: 55 } });
    expect(events.filter((e) => e.type === 'join-next').length).toBe(4);
  });
});
