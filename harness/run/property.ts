/**
 * Seeds and run counts of the harness's properties. Every property prints its seed; the same seed
 * generates the same cases again:
 *   OBELISK_SEED=<n>    the seed of every property in the run (default: a fresh one, printed)
 *   OBELISK_RUNS=<n>    runs per property (default: each property's own small count)
 *   OBELISK_SHRINK=1    shrink a failing case (slow: each run starts workflows; off by default,
 *                       the failing case is printed whole)
 * `npm run test:property -- --runs 1000 [--seed n]` sets them (harness/run-property.mjs).
 */
import fc from 'fast-check';

export interface PropertyRun {
  seed: number;
  numRuns: number;
  params: fc.Parameters<unknown>;
  /** A test timeout for this many runs at `perRunMs` each, plus `setupMs`. */
  timeout(perRunMs: number, setupMs?: number): number;
}

export function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`${name}: expected an integer like 42, got ${JSON.stringify(raw)}`);
  return n;
}

export function propertyRun(name: string, defaultRuns: number): PropertyRun {
  const seed = envInt('OBELISK_SEED') ?? Math.floor(Math.random() * 2 ** 31);
  const numRuns = envInt('OBELISK_RUNS') ?? defaultRuns;
  const shrink = process.env.OBELISK_SHRINK === '1';
  // Printed on purpose: a failing run is re-run with exactly this seed.
  console.log(`[${name}] OBELISK_SEED=${seed} OBELISK_RUNS=${numRuns}${shrink ? ' OBELISK_SHRINK=1' : ''}`);
  return {
    seed, numRuns,
    params: { seed, numRuns, endOnFailure: !shrink, verbose: 1 },
    timeout: (perRunMs, setupMs = 30_000) => setupMs + numRuns * perRunMs * (shrink ? 20 : 1),
  };
}

/** A small seeded generator (mulberry32) for decisions made while a case runs. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
