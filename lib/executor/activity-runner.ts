/**
 * Runs one activity attempt. The executor depends only on this interface; the sandboxed worker pool
 * (lib/executor/sandbox/) implements it, and tests may wrap it (test/support/shuffling-runner.ts).
 */
import type { JsonValue } from '../model/json.js';
import { isComponentError, type ValueCodec } from '../runtime/host/values.js';
import type { AttemptResult } from './retry.js';
import { exportedFunction } from '../component/exports.js';
import type { CatalogEntry } from './catalog.js';

export interface AttemptLimits {
  timeoutMs: number;
  /** Receives what the guest writes to stdout/stderr during this attempt. */
  output?: (stream: 'stdout' | 'stderr', text: string) => void;
}

export interface ActivityRunner {
  run(entry: CatalogEntry, params: JsonValue[], limits: AttemptLimits): Promise<AttemptResult>;
  close(): Promise<void>;
}

/** Calls an export and maps the outcome: ok/err through the codec, anything thrown as a trap. */
export async function callExport(entry: CatalogEntry, instance: Record<string, unknown>, params: JsonValue[], codec: ValueCodec): Promise<AttemptResult> {
  const f = exportedFunction(instance, entry.ifc, entry.fn.name);
  if (!f) return missing(entry);
  try {
    return returned(entry, await f(...jsArgs(entry, params, codec)), codec);
  } catch (e) {
    return thrown(entry, e, codec);
  }
}

/** callExport for a thread that cannot wait (a workflow worker inside a guest call): the export must not return a promise. */
export function callExportSync(entry: CatalogEntry, instance: Record<string, unknown>, params: JsonValue[], codec: ValueCodec): AttemptResult {
  const f = exportedFunction(instance, entry.ifc, entry.fn.name);
  if (!f) return missing(entry);
  try {
    const value: unknown = f(...jsArgs(entry, params, codec));
    if (value instanceof Promise) {
      value.catch(() => undefined);
      return { kind: 'trapped', reason: `activity trapped: ${entry.ffqn} returned a promise where a value was expected` };
    }
    return returned(entry, value, codec);
  } catch (e) {
    return thrown(entry, e, codec);
  }
}

const missing = (entry: CatalogEntry): AttemptResult => ({ kind: 'trapped', reason: `the component does not export ${entry.ffqn}` });
const jsArgs = (entry: CatalogEntry, params: JsonValue[], codec: ValueCodec) => entry.fn.params.map((p, i) => codec.toJs(p.type, params[i] ?? null));

function returned(entry: CatalogEntry, value: unknown, codec: ValueCodec): AttemptResult {
  const ret = entry.fn.result;
  return { kind: 'returned', value: { ok: ret?.kind === 'result' && ret.ok ? codec.toJson(ret.ok, value) : null } };
}

function thrown(entry: CatalogEntry, e: unknown, codec: ValueCodec): AttemptResult {
  const ret = entry.fn.result;
  if (isComponentError(e)) {
    return { kind: 'returned', value: { err: ret?.kind === 'result' && ret.err ? codec.toJson(ret.err, e.payload) : null } };
  }
  return { kind: 'trapped', reason: `activity trapped: ${e instanceof Error ? e.message : String(e)}`, ...(e instanceof Error && e.stack ? { detail: e.stack } : {}) };
}
