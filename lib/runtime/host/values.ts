/**
 * Guest-value conversions the host needs beyond the generic codec: obelisk:types records and
 * variants (schedule-at, backtraces, ids), and a child's outcome as its parent sees it.
 */
import type { Backtrace, Outcome } from '../../model/events.js';
import type { JsonValue } from '../../model/json.js';
import type { WitFunction, WitType } from '../../model/wit-types.js';
import { BugError } from '../../model/errors.js';
import { jsonToJs, jsToJson } from '../../component/codec.js';

/** The generic, type-directed codec (lib/component/codec), seen through the runtime's narrow need. */
export interface ValueCodec {
  toJs(type: WitType, json: JsonValue): unknown;
  toJson(type: WitType, js: unknown): JsonValue;
}

/** What the runtime needs to know of a function another component exports. */
export interface TargetInfo {
  ffqn: string;
  fn: WitFunction;
  kind: 'activity' | 'workflow' | 'stub';
}

export interface Targets {
  resolve(ffqn: string): TargetInfo | undefined;
}

type Variant = { tag: string; val?: unknown };

/** `obelisk:types/time.schedule-at` as jco gives it -> its stored JSON form. */
export function scheduleAtToJson(v: Variant): JsonValue {
  switch (v.tag) {
    case 'now':
      return 'now';
    case 'at': {
      const dt = v.val as { seconds: bigint; nanoseconds: number };
      return { at: { seconds: dt.seconds, nanoseconds: dt.nanoseconds } };
    }
    case 'in': {
      const d = v.val as Variant;
      return { in: { [d.tag]: d.val as bigint | number } };
    }
    default:
      throw new BugError(`unknown schedule-at case ${v.tag}`);
  }
}

/** A time in ms -> `obelisk:types/time.datetime`. */
export function datetimeOf(ms: number): { seconds: bigint; nanoseconds: number } {
  return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1_000_000 };
}

const camelToKebab = (k: string): string => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A guest-supplied `option<wasm-backtrace>` -> JSON with WIT field names, or undefined. */
export function backtraceToJson(bt: unknown): Backtrace | undefined {
  if (bt === undefined || bt === null) return undefined;
  const walk = (v: unknown): JsonValue => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, JsonValue> = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) out[camelToKebab(k)] = walk(x);
      return out;
    }
    return typeof v === 'bigint' ? Number(v) : (v as JsonValue);
  };
  return walk(bt);
}

/**
 * A child's outcome as the parent sees it, as a jco value of the target's return type. A failure
 * (trap, timeout, nondeterminism, cancel) becomes `err`: no payload for `result<T>`, the string
 * "execution-failed" for `result<T, string>`, the `execution-failed` case for a variant error.
 */
export function outcomeToJs(codec: ValueCodec, ret: WitType | null, outcome: Outcome): unknown {
  if (!ret) return undefined;
  if ('result' in outcome) return codec.toJs(ret, outcome.result as JsonValue);
  return { tag: 'err', val: failureErrValue(ret) };
}

function failureErrValue(ret: WitType): unknown {
  if (ret.kind !== 'result' || !ret.err) return undefined;
  if (ret.err.kind === 'string') return 'execution-failed';
  if (ret.err.kind === 'variant' && ret.err.cases.some((c) => c.name === 'execution-failed')) return { tag: 'execution-failed' };
  throw new BugError(`return type has no way to express an execution failure: ${JSON.stringify(ret)}`);
}

/** True when a child's outcome is `ok` (the untyped `result` of join-next). */
export function outcomeIsOk(outcome: Outcome): boolean {
  return 'result' in outcome && 'ok' in outcome.result;
}

/** The codec of lib/component/codec, as the runtime uses it. */
export const jcoCodec: ValueCodec = {
  toJs: (type, json) => jsonToJs(type, json, 'value'),
  toJson: (type, js) => jsToJson(type, js, 'value'),
};

/**
 * Host functions returning `result<T, E>` return the ok value itself and throw for err: jco passes a
 * returned `{ tag, val }` through only when T cannot look like one (it wraps a nested result as ok),
 * while a thrown Error with `.payload` is always lowered as err.
 */
export const hostOk = <T>(val?: T): T | undefined => val;
export function hostErr(payload?: unknown): never {
  throw Object.assign(new Error('err'), { payload });
}
/** A `{ tag, val }` result value (from the codec) returned from a host function whose type is that result. */
export function asHostResult(value: unknown): unknown {
  const v = value as { tag?: string; val?: unknown };
  return v?.tag === 'err' ? hostErr(v.val) : v?.val;
}

/** The error jco throws when an export returns `err`: a `ComponentError` carrying `.payload` (its name stays "Error"). */
export function isComponentError(e: unknown): e is Error & { payload: unknown } {
  return e instanceof Error && e.constructor?.name === 'ComponentError' && 'payload' in e;
}
