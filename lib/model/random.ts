/**
 * Randomness is passed in. `Random` is the one interface; production draws from the OS, tests and
 * workflows from a seeded generator (a workflow's seed comes from its execution id, so replay draws
 * the same values).
 */
import { randomBytes, createHash } from 'node:crypto';

export interface Random {
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
}

/** Bytes drawn from the OS a page at a time: one system call per few hundred ids, not one per id. */
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let used = 0;
export const systemRandom: Random = {
  bytes(n) {
    if (n > POOL_BYTES / 4) return randomBytes(n);
    if (used + n > pool.length) {
      pool = randomBytes(POOL_BYTES);
      used = 0;
    }
    used += n;
    return pool.slice(used - n, used);
  },
};

/** A deterministic generator: SHA-256 in counter mode over a seed. Not for secrets; for replay. */
export class SeededRandom implements Random {
  private counter = 0n;
  private buffer = new Uint8Array(0);
  private offset = 0;
  constructor(private readonly seed: string) {}

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (this.offset >= this.buffer.length) this.refill();
      out[i] = this.buffer[this.offset++]!;
    }
    return out;
  }

  /** A uniform integer in [min, maxExclusive), by rejection sampling (no modulo bias). */
  bigintBelow(min: bigint, maxExclusive: bigint): bigint {
    const range = maxExclusive - min;
    if (range <= 0n) throw new RangeError(`empty range: expected min < max, got [${min}, ${maxExclusive})`);
    const bits = range.toString(2).length;
    const bytes = Math.ceil(bits / 8);
    const mask = (1n << BigInt(bits)) - 1n;
    for (;;) {
      let v = 0n;
      for (const b of this.bytes(bytes)) v = (v << 8n) | BigInt(b);
      v &= mask;
      if (v < range) return min + v;
    }
  }

  private refill(): void {
    this.buffer = createHash('sha256').update(this.seed).update(String(this.counter++)).digest();
    this.offset = 0;
  }
}
