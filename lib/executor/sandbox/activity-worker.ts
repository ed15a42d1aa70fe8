/**
 * Activity sandbox worker: runs one attempt at a time, each in a fresh instance. Its stdout/stderr
 * are piped to the executor, which stores them with the execution. The executor terminates the
 * worker on timeout; a trap or an out-of-memory becomes a failed attempt.
 *
 * After an attempt the worker instantiates the next fresh instance of the same function while it
 * waits, so that instantiating is off the path of the next attempt; each instance still runs one
 * attempt only. After an attempt that returned (a value or an error value), the next instance is
 * renewed from it (component/glue-patches.ts): new core instances and handle tables, jco's helpers
 * kept; after a trap it is instantiated whole. The environment is global in the WASI shim: it is
 * set again before every call.
 */
import { parentPort } from 'node:worker_threads';
import { loadComponent } from '../../component/loader.js';
import { takeRenewer } from '../../component/glue-patches.js';
import { jcoCodec } from '../../runtime/host/values.js';
import { callExport } from '../activity-runner.js';
import { activityWasi, setActivityEnv } from './wasi.js';
import type { AttemptResult } from '../retry.js';
import type { HttpTrace } from '../../model/events.js';
import type { AttemptSpec, FromSandbox, ToSandbox } from './protocol.js';

/** Specs by key: the executor sends each once per worker. */
const specs = new Map<string, AttemptSpec>();

interface Prepared {
  instance: Record<string, unknown>;
  traces: HttpTrace[];
}

/** The instance made ahead for the next attempt of `key` (undefined inside when making it failed). */
let ahead: { key: string; prepared: Promise<Prepared | undefined> } | undefined;

/** By key: the renewer of the instance whose attempt returned last, and the trace list its imports write to. */
const renewers = new Map<string, { renew: () => Record<string, unknown>; traces: HttpTrace[] }>();

function keepRenewer(key: string, p: Prepared): void {
  const renew = takeRenewer(p.instance);
  if (renew) renewers.set(key, { renew, traces: p.traces });
}

async function prepare(key: string, spec: AttemptSpec): Promise<Prepared> {
  const last = renewers.get(key);
  if (last) {
    renewers.delete(key);
    // Its imports write HTTP traces to last.traces, emptied when the attempt before ended.
    return { instance: last.renew(), traces: last.traces };
  }
  const traces: HttpTrace[] = [];
  const loaded = await loadComponent(spec.location, { cacheDir: spec.cacheDir, expectedDigest: spec.digest, memoryLimitBytes: spec.memoryLimitBytes });
  const instance = await loaded.instantiate(activityWasi(spec.env, spec.allowedHosts, traces));
  return { instance: instance as Record<string, unknown>, traces };
}

const flushed = (stream: NodeJS.WritableStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));

/** Whether the guest wrote to stdout or stderr since the last flush (most attempts write nothing: no flush, no wake-up of the executor). */
let wrote = false;
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...a: unknown[]) => boolean;
  stream.write = ((...args: unknown[]) => {
    wrote = true;
    return write(...args);
  }) as typeof stream.write;
}

// One attempt at a time: the executor may send the next while one runs (it waits its turn here).
let turn = Promise.resolve();
parentPort!.on('message', (m: ToSandbox) => {
  turn = turn.then(() => attempt(m));
});

async function attempt(m: ToSandbox): Promise<void> {
  const { job } = m;
  if (job.spec) specs.set(job.key, job.spec);
  const spec = specs.get(job.key)!;
  const made = ahead ? await ahead.prepared : undefined;
  if (made && ahead!.key !== job.key) keepRenewer(ahead!.key, made); // never called: a clean source
  const mine = ahead?.key === job.key ? made : undefined;
  ahead = undefined;
  let result: AttemptResult;
  let prepared: Prepared | undefined;
  try {
    prepared = mine ?? (await prepare(job.key, spec));
    const { instance } = prepared;
    setActivityEnv(spec.env, spec.allowedHosts);
    if (job.announceStart) parentPort!.postMessage({ type: 'started' } satisfies FromSandbox);
    result = await callExport({ ffqn: spec.ffqn, ifc: spec.ifc, fn: spec.fn } as never, instance, job.params, jcoCodec);
  } catch (e) {
    result = { kind: 'trapped', reason: `activity could not start: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (wrote) {
    // The output reaches the executor before the result, so it is attributed to this attempt.
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    wrote = false;
  }
  if (prepared && prepared.traces.length > 0) {
    result = { ...result, httpTraces: [...prepared.traces] };
    prepared.traces.length = 0;
  }
  if (prepared && result.kind === 'returned') keepRenewer(job.key, prepared);
  parentPort!.postMessage({ type: 'result', result } satisfies FromSandbox);
  ahead = { key: job.key, prepared: prepare(job.key, spec).catch(() => undefined) };
}
