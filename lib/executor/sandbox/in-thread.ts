/**
 * In-thread attempts: the activity children a hot workflow waits for alone, run in the workflow
 * worker's own thread, one after another (the main thread asks: engine.ts, inThreadChildren), so
 * that the attempts and their results cross no thread. Only small activities with no outbound
 * HTTP are run so (eligible.ts); the main thread keeps the time limit and terminates the workflow
 * worker when it runs out.
 *
 * Invariants:
 *  1. Each attempt gets a fresh instance, as in a sandbox worker: renewed after an attempt that
 *     returned, instantiated whole after a trap (synchronously: the thread is inside a guest call).
 *  2. The guest's stdout/stderr during the attempt is captured and reported with it, never written
 *     to this thread's streams (which the workflow does not use: its output is obelisk:log).
 *  3. The decision is retry.ts's, with the same policy the main thread applies to the reports: the
 *     workflow goes on with the final outcomes; an attempt to retry gives it nothing (with none
 *     final, it waits).
 *  4. A job runs its attempts in order and may stop early (STOP_AFTER_MS): the children it did not
 *     run are named in its report, and the main thread runs them in the pool.
 */
import type { InboxMessage } from '../../model/events.js';
import { isoTime } from '../../model/time.js';
import type { Effect } from '../../runtime/context.js';
import type { InThreadAttempts } from '../../runtime/hot/protocol.js';
import { jcoCodec } from '../../runtime/host/values.js';
import { loadComponent, type LoadedComponent } from '../../component/loader.js';
import { takeRenewer } from '../../component/glue-patches.js';
import { callExportSync } from '../activity-runner.js';
import { decide, outcomeOf, type AttemptResult } from '../retry.js';
import { activityWasi, setActivityEnv } from './wasi.js';
import type { InThreadAttempt, InThreadData, InThreadJob, InThreadJobReport, InThreadReport, InThreadSpec } from './protocol.js';

/**
 * A job stops early, leaving the rest of its children to the pool, once it has run longer than
 * STOP_AFTER_MS with its attempts averaging more than LONG_ATTEMPT_MS: such attempts gain
 * nothing from running here, and side by side in the pool they finish sooner.
 */
export const STOP_AFTER_MS = 20;
export const LONG_ATTEMPT_MS = 1;

interface Loaded {
  spec: InThreadSpec;
  component: LoadedComponent;
  /** The instance for the next attempt, made while the main thread wrote the child's lines. */
  ready?: Record<string, unknown>;
  /** Renews the instance of the last attempt that returned. */
  renew?: () => Record<string, unknown>;
}

/** What the guest writes while an attempt runs (invariant 2); undefined between attempts. */
let captured: { stdout: string; stderr: string } | undefined;
for (const name of ['stdout', 'stderr'] as const) {
  const stream = process[name];
  const write = stream.write.bind(stream) as (...a: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (!captured) return write(chunk, ...rest);
    captured[name] += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof stream.write;
}

export class InThread implements InThreadAttempts {
  private readonly byFfqn = new Map<string, Loaded>();
  private readonly loading = new Map<string, Promise<void>>();

  async prepare(data: unknown): Promise<void> {
    await Promise.all((data as InThreadData).specs.map((spec) => this.load(spec)));
  }

  private load(spec: InThreadSpec): Promise<void> {
    const key = `${spec.ffqn}\0${spec.digest}\0${spec.memoryLimitBytes}\0${JSON.stringify(spec.env)}`;
    let p = this.loading.get(key);
    if (!p) {
      p = loadComponent(spec.location, { cacheDir: spec.cacheDir, expectedDigest: spec.digest, memoryLimitBytes: spec.memoryLimitBytes })
        .then((component) => void this.byFfqn.set(spec.ffqn, { spec, component }))
        // Not loaded here: an attempt asked of this thread reports that it could not start (a trap, retried in the pool).
        .catch(() => void this.byFfqn.delete(spec.ffqn));
      this.loading.set(key, p);
    }
    return p;
  }

  warm(effects: readonly Effect[]): void {
    const fx = effects.find((e) => e.type === 'create-child');
    const l = fx?.type === 'create-child' ? this.byFfqn.get(fx.ffqn) : undefined;
    if (!l || l.ready) return;
    try {
      l.ready = this.instance(l);
    } catch {
      // Made again (and its error reported) when the attempt is asked for.
    }
  }

  run(job: unknown, now: () => number, progress: { began(): void; ended(): void }): { report: InThreadJobReport; responses: InboxMessage[] } {
    const { attempts } = job as InThreadJob;
    const reports: InThreadReport[] = [];
    const responses: InboxMessage[] = [];
    const started = performance.now();
    for (const a of attempts) {
      progress.began();
      const one = this.runOne(a, now);
      progress.ended();
      reports.push(one.report);
      if (one.response) responses.push(one.response);
      // A fan-out of attempts that turn out long goes back to the pool (invariant 4).
      const ms = performance.now() - started;
      if (ms > STOP_AFTER_MS && ms / reports.length > LONG_ATTEMPT_MS) break;
    }
    return { report: { reports, skipped: attempts.slice(reports.length).map((a) => a.childId) }, responses };
  }

  private runOne({ ffqn, childId, joinSetId, params }: InThreadAttempt, now: () => number): { report: InThreadReport; response?: InboxMessage } {
    const began = performance.now();
    const l = this.byFfqn.get(ffqn);
    let result: AttemptResult;
    captured = { stdout: '', stderr: '' };
    try {
      if (!l) throw new Error(`${ffqn} is not loaded in this workflow worker`);
      const instance = l.ready ?? this.instance(l);
      l.ready = undefined;
      setActivityEnv(l.spec.env, l.spec.allowedHosts);
      result = callExportSync({ ffqn, ifc: l.spec.ifc, fn: l.spec.fn } as never, instance, params, jcoCodec);
      const renew = result.kind === 'returned' ? takeRenewer(instance) : undefined;
      if (renew) l.renew = renew;
    } catch (e) {
      result = { kind: 'trapped', reason: `activity could not start: ${e instanceof Error ? e.message : String(e)}` };
    }
    const output = captured;
    captured = undefined;
    const at = isoTime(now());
    const report: InThreadReport = {
      childId, ffqn, ms: performance.now() - began, at, result,
      ...(output.stdout ? { stdout: output.stdout } : {}), ...(output.stderr ? { stderr: output.stderr } : {}),
    };
    const decision = l ? decide(result, 0, l.spec.policy, l.spec.errIsVariant) : undefined;
    if (!decision || decision.kind === 'retry') return { report };
    return { report, response: { type: 'child-finished', at, join_set_id: joinSetId, child_execution_id: childId, ...outcomeOf(decision) } };
  }

  /** A fresh instance (invariant 1): renewed from the last that returned, else instantiated whole. */
  private instance(l: Loaded): Record<string, unknown> {
    const renew = l.renew;
    l.renew = undefined;
    if (renew) return renew();
    return l.component.instantiateSync(activityWasi(l.spec.env, l.spec.allowedHosts)) as Record<string, unknown>;
  }
}
