/**
 * One activity attempt and what follows it: run it in the sandbox, route its output as the
 * component's `forward_stdout`/`forward_stderr` say, and decide (retry.ts) between a retry, a
 * result and a failure. Used for executions of their own and for inline children alike.
 */
import type { HttpTrace } from '../model/events.js';
import type { JsonValue } from '../model/json.js';
import type { ActivityRunner } from './activity-runner.js';
import type { CatalogEntry } from './catalog.js';
import { decide, type Decision } from './retry.js';

export type OutputTarget = 'none' | 'stdout' | 'stderr' | 'db';

/** Where one piece of output goes: `db` receives whole lines, the others the text as written. */
export type Forward = (stream: 'stdout' | 'stderr', target: OutputTarget, text: string) => void;

export interface AttemptOutcome {
  decision: Decision;
  traces: { http_traces?: HttpTrace[] };
}

export async function runAttempt(activities: ActivityRunner, entry: CatalogEntry, params: JsonValue[], failuresSoFar: number, forward: Forward): Promise<AttemptOutcome> {
  const cfg = entry.component.config;
  if (cfg.kind !== 'activity_wasm') throw new Error(`not an activity: ${entry.ffqn}`);
  const lines = { stdout: '', stderr: '' };
  const target = (stream: 'stdout' | 'stderr') => (stream === 'stdout' ? cfg.forwardStdout : cfg.forwardStderr);
  const result = await activities.run(entry, params, {
    timeoutMs: cfg.exec.lockExpiryMs,
    output: (stream, text) => {
      // Stored output is whole lines (the guest's writes arrive in arbitrary chunks).
      if (target(stream) !== 'db') return forward(stream, target(stream), text);
      lines[stream] += text;
      let nl: number;
      while ((nl = lines[stream].indexOf('\n')) >= 0) {
        forward(stream, 'db', lines[stream].slice(0, nl));
        lines[stream] = lines[stream].slice(nl + 1);
      }
    },
  });
  for (const stream of ['stdout', 'stderr'] as const) if (lines[stream]) forward(stream, 'db', lines[stream]);
  const err = entry.fn.result?.kind === 'result' ? entry.fn.result.err : null;
  return {
    decision: decide(result, failuresSoFar, cfg, err?.kind === 'variant'),
    traces: result.httpTraces?.length ? { http_traces: result.httpTraces } : {},
  };
}
