// The workflow: lists the items, then fetches them all at once, one child execution per item in a
// join set, and totals them as the results come in. Obelisk retries each failed fetch on its own
// (the activity's max_retries); a crash or restart replays this function from its log.
import { awaitNext, call, createJoinSet, submit } from 'obelisk/workflow';
import { info, warn } from 'obelisk:log/log@1.0.0';
import type * as Valuation from 'example-inventory:workflow/valuation';

const LIST_ITEMS = 'example-inventory:activity/inventory.list-items';
const GET_ITEM = 'example-inventory:activity/inventory.get-item';

/** `item` as the JSON result carries it: WIT field names. */
interface ItemJson {
  id: number;
  name: string;
  'price-cents': number;
  quantity: number;
}

type Line = { id: number; name: string; valueCents: bigint };

export const valuation: typeof Valuation = {
  valueInventory(baseUrl) {
    const started = Date.now();
    const listed = call<number[], string>(LIST_ITEMS, [baseUrl]);
    if ('err' in listed) throw `cannot list the items: ${listed.err ?? 'the activity failed (obelisk execution tree shows why)'}`;
    const ids = listed.ok;
    info(`valuing ${ids.length} items`);

    const joinSet = createJoinSet();
    const itemOf = new Map<string, number>();
    for (const id of ids) itemOf.set(submit(joinSet, GET_ITEM, [baseUrl, id]), id);

    let total = 0n;
    let largest: Line | undefined;
    const failed: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const next = awaitNext<ItemJson, string>(joinSet);
      if (next.kind !== 'execution') continue;
      if ('err' in next.result) {
        warn(`item ${itemOf.get(next.id)} failed: ${next.result.err}`);
        failed.push(itemOf.get(next.id)!);
        continue;
      }
      const item = next.result.ok;
      const value = BigInt(item['price-cents']) * BigInt(item.quantity);
      total += value;
      if (!largest || value > largest.valueCents) largest = { id: item.id, name: item.name, valueCents: value };
    }
    failed.sort((a, b) => a - b);
    return {
      items: ids.length - failed.length,
      totalCents: total,
      largest,
      failed: Uint32Array.from(failed),
      tookMs: BigInt(Date.now() - started),
    };
  },
};
