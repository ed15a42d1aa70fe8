import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tick } from '../../lib/executor/tick.js';
import { verifyAll, verifyParallel } from '../../lib/verify/verify-all.js';
import { fiboToml, testEngine, type TestEngine } from '../support/engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await testEngine(fiboToml('interrupt'));
  for (let i = 0; i < 4; i++) await t.engine.submit('template-fibo:workflow/fibo-workflow-ifc.fiboa', [i + 1, 2]);
  await tick(t.engine, { maxDurationMs: 60_000, concurrency: 2 });
}, 120_000);
afterAll(() => t.close());

describe('verify over worker threads', () => {
  it('reports exactly what the in-process verify reports', async () => {
    const { store, catalog, codec } = t.engine.deps;
    const key = (r: { id: string; status: string }) => `${r.id} ${r.status}`;
    const inProcess = (await verifyAll(store, catalog, codec)).map(key).sort();
    const parallel = (await verifyParallel(store, path.join(t.dir, 'obelisk.toml'), process.env, 2)).map(key).sort();
    expect(parallel).toEqual(inProcess);
    expect(inProcess.filter((r) => r.endsWith('replayed'))).toHaveLength(4);
  });
});
