/** A fixed script of store operations with a crash, or a full disk, at each of its write points in turn. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from './helpers/property.js';
import { Runner, type Op } from './helpers/runner.js';
import { tempRoot } from './helpers/setup.js';

describe('a fixed script of store operations', () => {
  const script: Op[] = [
    { op: 'create', e: 0, inMs: 0 },
    { op: 'create', e: 1, inMs: 0 },
    { op: 'due' },
    { op: 'work', e: 0, batches: [2], renew: false, consume: false, end: 'blocked', nextMs: 0, leaseMs: 1000 },
    { op: 'work', e: 1, batches: [1, 2], renew: true, consume: false, end: 'finished', nextMs: 0, leaseMs: 1000 },
    { op: 'delay', e: 0, k: 1 },
    { op: 'due' },
    { op: 'work', e: 0, batches: [1], renew: false, consume: true, end: 'unlocked', nextMs: 10, leaseMs: 1000 },
  ];

  async function run(fault: { at: number; kind: 'crash' | 'enospc' } | undefined, durability: 'default' | 'fsync'): Promise<number> {
    const { root, cleanup } = tempRoot('everypoint');
    try {
      const runner = new Runner(root, seededRandom(fault?.at ?? 0), durability);
      await runner.start();
      if (fault) runner.layer.fault = fault;
      const start = runner.layer.writes;
      for (const op of script) {
        await runner.apply(op);
        runner.check();
      }
      const writes = runner.layer.writes - start;
      await runner.finalCheck();
      return writes;
    } finally {
      cleanup();
    }
  }

  for (const durability of ['default', 'fsync'] as const) {
    it(`keeps every guarantee with a crash, or a full disk, at each of its write points (${durability})`, async () => {
      const points = await run(undefined, durability);
      expect(points).toBeGreaterThan(20);
      console.log(`[every write point] ${durability}: ${points} write points`);
      // A full disk behaves the same with or without fsync; crashes are tried in both modes.
      const kinds = durability === 'default' ? (['crash', 'enospc'] as const) : (['crash'] as const);
      for (let at = 1; at <= points; at++) {
        for (const kind of kinds) {
          await run({ at, kind }, durability).catch((err: Error) => {
            throw new Error(`${kind} at write point ${at} of ${points}: ${err.message}`, { cause: err });
          });
        }
      }
    });
  }
});
