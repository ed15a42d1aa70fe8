/**
 * Which inline children a hot workflow's own worker runs (sandbox/in-thread.ts), decided per
 * block by the main thread: the children of the block, all in the join set the workflow waits
 * on, of activities the workflow's worker has loaded (sandbox/eligible.ts), with nothing else on
 * its way to the workflow. One child always; a fan-out unless one of its activities is known to
 * take long there (then the pool, running them side by side, finishes sooner).
 *
 * Invariant: an activity that ran past its time limit in a workflow's thread is not run there
 * again by this process (a stopped worker costs its workflow a replay).
 */
import type { Catalog, CatalogEntry } from './catalog.js';
import type { Begun } from './inline-children.js';
import { inThreadSpecs } from './sandbox/eligible.js';
import type { InThreadData, InThreadJobReport } from './sandbox/protocol.js';

/**
 * A fan-out runs in its workflow's thread unless its activities' recent attempts there took this
 * long or more (ms) on average; one not run there yet is tried, and a job of long attempts stops
 * early and leaves the rest to the pool (sandbox/in-thread.ts).
 */
export const IN_THREAD_FAN_OUT_MS = 1;

/** What a workflow's worker is sent so it can run its activities, and their names. */
export interface InThreadPlan {
  data: InThreadData;
  ffqns: ReadonlySet<string>;
}

export class InThreadPolicy {
  private readonly plans = new WeakMap<CatalogEntry, InThreadPlan | null>();
  private readonly poolOnly = new Set<string>();
  /** By activity: a moving average of its in-thread attempts' durations (ms). */
  private readonly pace = new Map<string, number>();

  /** @param fanOutMs IN_THREAD_FAN_OUT_MS by default; 0: no fan-out runs in a workflow's thread */
  constructor(private readonly catalog: Catalog, private readonly fanOutMs = IN_THREAD_FAN_OUT_MS) {}

  /** The activities `workflow` reaches that its worker may run (built once per workflow), if any. */
  planFor(workflow: CatalogEntry): InThreadPlan | undefined {
    let got = this.plans.get(workflow);
    if (got === undefined) {
      const specs = inThreadSpecs(workflow, this.catalog);
      got = specs.length > 0 ? { data: { specs }, ffqns: new Set(specs.map((s) => s.ffqn)) } : null;
      this.plans.set(workflow, got);
    }
    return got ?? undefined;
  }

  /**
   * The children of a block to run in the workflow's worker, or undefined for the pool.
   * `quiet`: no other inline child of the workflow runs and no response waits to be offered to it.
   */
  choose(plan: InThreadPlan, begun: readonly Begun[], joinSetId: string, quiet: boolean): Begun[] | undefined {
    if (begun.length === 0 || !quiet) return undefined;
    for (const b of begun) {
      if (b.fx.joinSetId !== joinSetId || !plan.ffqns.has(b.fx.ffqn) || this.poolOnly.has(b.fx.ffqn)) return undefined;
      if (begun.length > 1 && !(this.fanOutMs > 0 && (this.pace.get(b.fx.ffqn) ?? 0) < this.fanOutMs)) return undefined;
    }
    return [...begun];
  }

  measured({ reports }: InThreadJobReport): void {
    for (const r of reports) {
      const before = this.pace.get(r.ffqn);
      this.pace.set(r.ffqn, before === undefined ? r.ms : before * 0.8 + r.ms * 0.2);
    }
  }

  timedOut(ffqn: string): void {
    this.poolOnly.add(ffqn);
  }
}
