/** Seeds and run counts for property tests: printed every time, overridable from the environment. */
import fc from 'fast-check';

/** `OBELISK_SEED` re-runs one seed; `OBELISK_RUNS` changes the number of runs. */
export function propertyConfig(name: string, defaultRuns: number): { seed: number; numRuns: number } {
  const seed = process.env.OBELISK_SEED !== undefined ? Number(process.env.OBELISK_SEED) : Math.floor(Math.random() * 2 ** 31);
  const numRuns = process.env.OBELISK_RUNS !== undefined ? Number(process.env.OBELISK_RUNS) : defaultRuns;
  // Printed on purpose: a failing run is re-run with exactly this seed.
  console.log(`[${name}] seed=${seed} runs=${numRuns} (re-run: OBELISK_SEED=${seed} OBELISK_RUNS=${numRuns})`);
  return { seed, numRuns };
}

export async function assertProperty<T>(name: string, defaultRuns: number, prop: fc.IAsyncPropertyWithHooks<T> | fc.IAsyncProperty<T>): Promise<void> {
  const { seed, numRuns } = propertyConfig(name, defaultRuns);
  await fc.assert(prop, { seed, numRuns });
}

/** A small seeded generator for decisions made while a run executes (the harness's, shared). */
export { mulberry32 as seededRandom } from '../../../harness/run/property.js';
