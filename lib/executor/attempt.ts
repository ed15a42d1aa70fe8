/**
 * One activity attempt and what follows it: run it in the sandbox, route its output as the
 * component's `forward_stdout`/`forward_stderr` say, and decide (retry.ts) between a retry, a
 * result and a failure. Used for executions of their own and for inline children alike.
 */
import type { HttpTrace } from '../model/events.js';
import type { JsonValue } from '../model/json.js';
import type { ActivityRunner } from './activity-runner.js';
import type { CatalogEntry } from './catalog.js';
import { decide, errIsVariant, type AttemptResult, type Decision } from './retry.js';

export type OutputTarget = 'none' | 'stdout' | 'stderr' | 'db';

/** Where one piece of output goes: `db` receives whole lines, the others the text as written. */
export type Forward = (stream: 'stdout' | 'stderr', target: OutputTarget, text: string) => void;

export interface AttemptOutcome {
  decision: Decision;
  traces: { http_traces?: HttpTrace[] };
}

export async function runAttempt(activities: ActivityRunner, entry: CatalogEntry, params: JsonValue[], failuresSoFar: number, forward: Forward): Promise<AttemptOutcome> {
  const cfg = activityConfig(entry);
  const out = routeOutput(entry, forward);
  const result = await activities.run(entry, params, { timeoutMs: cfg.exec.lockExpiryMs, output: out.write });
  out.end();
  return decideAttempt(entry, result, failuresSoFar);
}

/** What follows an attempt that ended with `result` (retry.ts), and its HTTP traces as a log event carries them. */
export function decideAttempt(entry: CatalogEntry, result: AttemptResult, failuresSoFar: number): AttemptOutcome {
  return {
    decision: decide(result, failuresSoFar, activityConfig(entry), errIsVariant(entry.fn)),
    traces: result.httpTraces?.length ? { http_traces: result.httpTraces } : {},
  };
}

/** Routes an attempt's output as the component says; stored output (`db`) goes as whole lines, the rest at end(). */
export function routeOutput(entry: CatalogEntry, forward: Forward): { write(stream: 'stdout' | 'stderr', text: string): void; end(): void } {
  const cfg = activityConfig(entry);
  const lines = { stdout: '', stderr: '' };
  const target = (stream: 'stdout' | 'stderr') => (stream === 'stdout' ? cfg.forwardStdout : cfg.forwardStderr);
  return {
    write(stream, text) {
      // Stored output is whole lines (the guest's writes arrive in arbitrary chunks).
      if (target(stream) !== 'db') return forward(stream, target(stream), text);
      lines[stream] += text;
      let nl: number;
      while ((nl = lines[stream].indexOf('\n')) >= 0) {
        forward(stream, 'db', lines[stream].slice(0, nl));
        lines[stream] = lines[stream].slice(nl + 1);
      }
    },
    end() {
      for (const stream of ['stdout', 'stderr'] as const) if (lines[stream]) forward(stream, 'db', lines[stream]);
    },
  };
}

function activityConfig(entry: CatalogEntry): Extract<CatalogEntry['component']['config'], { kind: 'activity_wasm' }> {
  const cfg = entry.component.config;
  if (cfg.kind !== 'activity_wasm') throw new Error(`not an activity: ${entry.ffqn}`);
  return cfg;
}
