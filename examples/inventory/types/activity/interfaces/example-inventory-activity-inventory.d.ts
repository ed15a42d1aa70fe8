declare module 'example-inventory:activity/inventory' {
  /**
   * GET <base-url>/items: the ids of every item.
   */
  export function listItems(baseUrl: string): Uint32Array;
  /**
   * GET <base-url>/items/<id>. An HTTP error status is an err, which obelisk retries
   * (max_retries in obelisk.toml).
   */
  export function getItem(baseUrl: string, id: number): Item;
  export interface Item {
    id: number,
    name: string,
    priceCents: number,
    quantity: number,
  }
}
