/**
 * Activity sandbox worker: runs one attempt at a time, each in a fresh instance. Its stdout/stderr
 * are piped to the executor, which stores them with the execution. The executor terminates the
 * worker on timeout; a trap or an out-of-memory becomes a failed attempt.
 */
import { parentPort } from 'node:worker_threads';
import { loadComponent } from '../../component/loader.js';
import { jcoCodec } from '../../runtime/host/values.js';
import { callExport } from '../activity-runner.js';
import { activityWasi } from './wasi.js';
import type { AttemptResult } from '../retry.js';
import type { HttpTrace } from '../../model/events.js';
import type { AttemptSpec, FromSandbox, ToSandbox } from './protocol.js';

/** Specs by key: the executor sends each once per worker. */
const specs = new Map<string, AttemptSpec>();

const flushed = (stream: NodeJS.WritableStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));

parentPort!.on('message', async (m: ToSandbox) => {
  const { job } = m;
  if (job.spec) specs.set(job.key, job.spec);
  const spec = specs.get(job.key)!;
  let result: AttemptResult;
  const traces: HttpTrace[] = [];
  try {
    const loaded = await loadComponent(spec.location, { cacheDir: spec.cacheDir, expectedDigest: spec.digest, memoryLimitBytes: spec.memoryLimitBytes });
    const instance = await loaded.instantiate(activityWasi(spec.env, spec.allowedHosts, traces));
    if (job.announceStart) parentPort!.postMessage({ type: 'started' } satisfies FromSandbox);
    result = await callExport({ ffqn: spec.ffqn, ifc: spec.ifc, fn: spec.fn } as never, instance as Record<string, unknown>, job.params, jcoCodec);
  } catch (e) {
    result = { kind: 'trapped', reason: `activity could not start: ${e instanceof Error ? e.message : String(e)}` };
  }
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  if (traces.length > 0) result = { ...result, httpTraces: traces };
  parentPort!.postMessage({ type: 'result', result } satisfies FromSandbox);
});
