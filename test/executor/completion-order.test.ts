import { afterEach, describe, expect, it } from 'vitest';
import { scriptToml, testEngine, type TestEngine } from '../support/engine.js';
import { ShufflingRunner } from '../support/shuffling-runner.js';
import { SandboxPool } from '../../lib/executor/sandbox/pool.js';
import { tick } from '../../lib/executor/tick.js';

const engines: TestEngine[] = [];
afterEach(async () => {
  for (const t of engines.splice(0)) await t.close(); // close() replays every finished execution
});

const N = 6;
const PROGRAM = [
  { op: 'join-set-create', as: 'a' },
  ...Array.from({ length: N }, (_, i) => ({ op: 'submit', fn: 'activity.echo', js: 'a', args: [`c${i}`], quiet: true })),
  ...Array.from({ length: N }, () => ({ op: 'await-next', fn: 'activity.echo', js: 'a' })),
];

describe.each(['interrupt', 'await'] as const)('children finishing in a seeded order (%s)', (strategy) => {
  it('never break replay, and the workflow sees them in completion order', async () => {
    const orders = new Set<string>();
    for (const seed of ['1', '2', '3']) {
      const t = await testEngine(scriptToml(strategy), { activities: new ShufflingRunner(new SandboxPool(), seed) });
      engines.push(t);
      const id = await t.engine.submit('testing:script/workflow.run', [JSON.stringify(PROGRAM)]);
      await tick(t.engine, { maxDurationMs: 60_000, concurrency: 4 });
      const { events } = await t.engine.deps.store.read(id);
      const last = events.at(-1);
      expect(last).toMatchObject({ type: 'finished', result: { ok: expect.any(String) } });
      const seen = (JSON.parse((last as { result: { ok: string } }).result.ok) as { ok: [string, { ok: string }] }[]).slice(1).map((v) => v.ok[1].ok);
      expect([...seen].sort()).toEqual(Array.from({ length: N }, (_, i) => `c${i}`));
      // The order the log recorded is the order the workflow saw.
      const consumed = events.flatMap((e) => (e.type === 'join-next' && e.response && 'execution_id' in e.response ? [e.response.execution_id] : []));
      expect(consumed.map((c) => `c${Number(c.slice(c.lastIndexOf('_') + 1)) - 1}`)).toEqual(seen);
      orders.add(seen.join(','));
    }
    expect(orders.size).toBeGreaterThan(1); // the seeds really did reorder the children
  });
});
