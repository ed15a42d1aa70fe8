// The activity: talks to the inventory API with fetch. It may only reach the hosts listed under
// [[activity_wasm.allowed_host]] in obelisk.toml (here 127.0.0.1, GET only). A thrown string is the
// function's err, and obelisk retries an err (max_retries, retry_exp_backoff).
import type * as Inventory from 'example-inventory:activity/inventory';

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw `GET ${url}: HTTP ${response.status} ${await response.text()}`;
  return response.json();
}

function field<T>(value: unknown, key: string, type: 'number' | 'string'): T {
  const v = (value as Record<string, unknown> | null)?.[key];
  if (typeof v !== type) throw `expected ${key} to be a ${type} in ${JSON.stringify(value)}`;
  return v as T;
}

/** The WIT functions, each allowed to return a promise: componentize-js runs it to completion. */
type MayAwait<M> = { [K in keyof M]: M[K] extends (...args: infer A) => infer R ? (...args: A) => R | Promise<R> : M[K] };

export const inventory: MayAwait<typeof Inventory> = {
  async listItems(baseUrl) {
    const body = await getJson(`${baseUrl}/items`);
    const items = (body as { items?: unknown }).items;
    if (!Array.isArray(items)) throw `expected {"items": [...]}, got ${JSON.stringify(body)}`;
    return Uint32Array.from(items, (i) => field<number>(i, 'id', 'number'));
  },

  async getItem(baseUrl, id) {
    const item = await getJson(`${baseUrl}/items/${id}`);
    console.log(`fetched item ${id}`);
    return {
      id,
      name: field<string>(item, 'name', 'string'),
      priceCents: field<number>(item, 'priceCents', 'number'),
      quantity: field<number>(item, 'quantity', 'number'),
    };
  },
};
