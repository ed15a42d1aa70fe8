/**
 * Scalars in both directions. Integers up to 32 bits are JS numbers, u64/s64 are BigInts (jco's
 * form); on the JSON side an integer is a number or a bigint, and a u64/s64 is written as a number
 * when it is a safe integer, as a bigint otherwise (what parseJson gives for the same text).
 * Floats that JSON cannot hold are written as the strings "NaN", "Infinity", "-Infinity".
 */
import type { JsonValue } from '../../model/json.js';
import type { PrimitiveKind } from '../../model/wit-types.js';
import { fail, showJs, showJson } from './names.js';

export type IntKind = 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64';

export const INT_RANGES: Record<IntKind, readonly [bigint, bigint]> = {
  u8: [0n, 255n],
  u16: [0n, 65535n],
  u32: [0n, 4294967295n],
  u64: [0n, 18446744073709551615n],
  s8: [-128n, 127n],
  s16: [-32768n, 32767n],
  s32: [-2147483648n, 2147483647n],
  s64: [-9223372036854775808n, 9223372036854775807n],
};

// The same ranges as numbers; for u64/s64 every safe integer that passes is in range.
const SMALL_RANGES: Record<IntKind, readonly [number, number]> = {
  u8: [0, 255], u16: [0, 65535], u32: [0, 4294967295], u64: [0, Number.MAX_SAFE_INTEGER],
  s8: [-128, 127], s16: [-32768, 32767], s32: [-2147483648, 2147483647],
  s64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

export function isIntKind(k: PrimitiveKind): k is IntKind {
  return k in INT_RANGES;
}

export function is64(k: IntKind): boolean {
  return k === 'u64' || k === 's64';
}

function outOfRange(kind: IntKind, shown: string, path: string): never {
  const [min, max] = INT_RANGES[kind];
  return fail(path, `expected ${kind}, got ${shown} (${kind} ranges from ${min} to ${max})`);
}

/** Checks a number or bigint against the kind's range; returns the JS form (number or BigInt). */
function toJsInt(kind: IntKind, v: number | bigint, path: string, shown: string): number | bigint {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return fail(path, `expected ${kind}, got ${shown} (not an integer)`);
    if (!Number.isSafeInteger(v)) {
      return fail(path, `expected ${kind}, got ${shown} (a number beyond 2^53 is not exact; read JSON text with parseJson to keep big integers exact)`);
    }
    const [min, max] = SMALL_RANGES[kind];
    if (v < min || v > max) return outOfRange(kind, shown, path);
    return is64(kind) ? BigInt(v) : v;
  }
  const [min, max] = INT_RANGES[kind];
  if (v < min || v > max) return outOfRange(kind, shown, path);
  return is64(kind) ? v : Number(v);
}

export function intFromJson(kind: IntKind, json: JsonValue, path: string): number | bigint {
  if (typeof json !== 'number' && typeof json !== 'bigint') {
    return fail(path, `expected ${kind}, e.g. 42, got ${showJson(json)}`);
  }
  return toJsInt(kind, json, path, showJson(json));
}

export function intToJson(kind: IntKind, js: unknown, path: string): JsonValue {
  if (typeof js !== 'number' && typeof js !== 'bigint') {
    return fail(path, `expected ${kind} as a JS ${is64(kind) ? 'BigInt' : 'number'}, got ${showJs(js)}`);
  }
  const v = toJsInt(kind, js, path, showJs(js));
  if (typeof v === 'number') return v;
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

const SPECIAL_FLOATS: Record<string, number> = {
  NaN: NaN, nan: NaN,
  Infinity: Infinity, '+Infinity': Infinity, inf: Infinity, '+inf': Infinity,
  '-Infinity': -Infinity, '-inf': -Infinity,
};

export function floatFromJson(kind: 'f32' | 'f64', json: JsonValue, path: string): number {
  let v: number;
  if (typeof json === 'number') v = json;
  else if (typeof json === 'bigint') v = Number(json);
  else if (typeof json === 'string' && Object.hasOwn(SPECIAL_FLOATS, json)) return SPECIAL_FLOATS[json]!;
  else return fail(path, `expected ${kind}, e.g. 1.5 (or "NaN", "Infinity", "-Infinity"), got ${showJson(json)}`);
  if (kind === 'f64') return v;
  const single = Math.fround(v);
  if (!Number.isFinite(single)) {
    return fail(path, `expected f32, got ${showJson(json)} (beyond f32's largest magnitude 3.4028234663852886e38)`);
  }
  return single;
}

export function floatToJson(kind: 'f32' | 'f64', js: unknown, path: string): JsonValue {
  if (typeof js !== 'number') return fail(path, `expected ${kind} as a JS number, got ${showJs(js)}`);
  if (Number.isNaN(js)) return 'NaN';
  if (js === Infinity) return 'Infinity';
  if (js === -Infinity) return '-Infinity';
  return kind === 'f32' ? Math.fround(js) : js;
}

/** A WIT char: exactly one Unicode scalar value. */
export function isChar(s: string): boolean {
  if (s.length === 1) return !isSurrogate(s.charCodeAt(0));
  if (s.length !== 2) return false;
  const hi = s.charCodeAt(0);
  const lo = s.charCodeAt(1);
  return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
}

function isSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdfff;
}

// In `u` mode a well-formed surrogate pair is one code point, so this matches only lone halves.
const LONE_SURROGATE = /\p{Cs}/u;

/** Index of the first unpaired surrogate (not representable in a WIT string), or -1. */
export function loneSurrogateAt(s: string): number {
  const m = LONE_SURROGATE.exec(s);
  return m ? m.index : -1;
}

export function charCheck(s: unknown, path: string, show: (v: unknown) => string): string {
  if (typeof s !== 'string' || !isChar(s)) {
    return fail(path, `expected char (a string of one Unicode code point), e.g. "a", got ${show(s)}`);
  }
  return s;
}

export function stringCheck(s: unknown, path: string, show: (v: unknown) => string): string {
  if (typeof s !== 'string') return fail(path, `expected string, e.g. "text", got ${show(s)}`);
  const at = loneSurrogateAt(s);
  if (at >= 0) return fail(path, `expected string of Unicode text, got an unpaired surrogate at index ${at} in ${show(s)}`);
  return s;
}
