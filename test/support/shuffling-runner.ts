/** An activity runner that holds each result for a seeded random time, so children finish in a seeded order. */
import type { ActivityRunner, AttemptLimits } from '../../lib/executor/activity-runner.js';
import type { CatalogEntry } from '../../lib/executor/catalog.js';
import type { JsonValue } from '../../lib/model/json.js';
import { SeededRandom } from '../../lib/model/random.js';

export class ShufflingRunner implements ActivityRunner {
  private readonly random: SeededRandom;
  constructor(private readonly inner: ActivityRunner, seed: string, private readonly maxDelayMs = 40) {
    this.random = new SeededRandom(seed);
  }
  async run(entry: CatalogEntry, params: JsonValue[], limits: AttemptLimits) {
    const delay = Number(this.random.bigintBelow(0n, BigInt(this.maxDelayMs)));
    const result = await this.inner.run(entry, params, limits);
    await new Promise((r) => setTimeout(r, delay));
    return result;
  }
  close() {
    return this.inner.close();
  }
}
