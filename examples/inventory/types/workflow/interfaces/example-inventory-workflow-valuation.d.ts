declare module 'example-inventory:workflow/valuation' {
  /**
   * Lists the items, fetches every item concurrently (one child execution each, in one join set),
   * and totals price × quantity.
   */
  export function valueInventory(baseUrl: string): Report;
  export interface Line {
    id: number,
    name: string,
    valueCents: bigint,
  }
  export interface Report {
    /**
     * Items valued.
     */
    items: number,
    totalCents: bigint,
    /**
     * The line with the highest value.
     */
    largest?: Line,
    /**
     * Ids of the items whose fetch still failed after every retry.
     */
    failed: Uint32Array,
    /**
     * Workflow time from the start to the end (deterministic: it comes from the log).
     */
    tookMs: bigint,
  }
}
