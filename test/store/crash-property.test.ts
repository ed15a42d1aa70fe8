/**
 * Property: random scripts of store operations, with a crash (or a full disk) injected at a
 * random write point, then a restart. After every step: no acknowledged event is lost, no torn
 * line is ever read as an event, runs never interleave, the live index finds everything due; at
 * the end the rebuilt index agrees with the logs exactly.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { assertProperty, seededRandom } from './helpers/property.js';
import { Runner, opArb } from './helpers/runner.js';
import { tempRoot } from './helpers/setup.js';

describe('store operations with crashes and full disks at random write points', () => {
  it('lose no acknowledged event, parse no torn line, and keep the index complete', async () => {
    await assertProperty(
      'store crash property',
      60,
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 30 }), fc.integer(), fc.boolean(), async (ops, seed, fsync) => {
        const { root, cleanup } = tempRoot('crashprop');
        try {
          const runner = new Runner(root, seededRandom(seed), fsync ? 'fsync' : 'default');
          await runner.start();
          for (const op of ops) {
            await runner.apply(op);
            runner.check();
          }
          await runner.finalCheck();
        } finally {
          cleanup();
        }
      }),
    );
  });
});
