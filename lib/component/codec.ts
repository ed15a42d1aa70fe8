/**
 * The type-directed codec between Obelisk's JSON form of values (as parseJson reads it: big
 * integers are bigint) and the JS values jco's generated bindings take and return.
 *
 * JSON form (obelisk-compat.md §4, with the choices it leaves open):
 *   bool, string           as JSON (a string with an unpaired surrogate is refused: WIT strings
 *                          are Unicode text); char is a string of one code point
 *   u8..u64, s8..s64       a number or a bigint, exact over the whole range; written as a number
 *                          when it is a safe integer (|n| <= 2^53-1), as a bigint beyond
 *   f32, f64               a number; NaN and the infinities as "NaN", "Infinity", "-Infinity"
 *                          ("nan", "inf", "+inf", "-inf" also accepted); f32 input is rounded to f32
 *   list, tuple            arrays (`list<u8>` too)
 *   option<T>              null or the bare value; when T is itself an option, some is written
 *                          {"some": v}: option<option<u8>> is null | {"some": null} | {"some": 5}
 *   result                 {"ok": v} / {"err": v}, null where the case has no payload
 *   record                 object keyed by WIT field name; snake_case keys accepted on input; a
 *                          missing option field reads as none
 *   enum                   the case name; flags: an array of names (in declaration order on output)
 *   variant                "case" without payload, {"case": payload} with one ({"case": null} also
 *                          read for a case without payload); snake_case accepted on input
 *   own/borrow             no JSON form: refused
 * JS form (jco 1.35, read from its generated lifting code): u64/s64 BigInt, smaller integers and
 * floats number; numeric lists typed arrays (Uint8Array … Float64Array, BigInt64Array); other lists
 * and tuples Arrays; record an object with camelCase keys; variant { tag, val } (no val without
 * payload); result { tag: 'ok'|'err', val }; enum the case name; flags an object of booleans keyed
 * by camelCase name; option see shapes.ts. A top-level `result` returned by an export is unwrapped
 * by jco (ok value, or a thrown ComponentError with .payload): the runtime re-wraps it as
 * { tag, val } before calling resultToJson. The other way, a host import returning result<T, E>
 * should return the ok value or throw an Error with .payload: jco passes a returned { tag, val }
 * through only when T's JS form cannot itself look like one (not for result<result<…>>,
 * result<option<result<…>>>, a variant with an `ok` case, a record with a `tag` field).
 */
import { parse as losslessParse } from 'lossless-json';
import { InputError } from '../model/errors.js';
import { parseJson, type JsonValue } from '../model/json.js';
import { formatWitFunction, type WitFunction, type WitType } from '../model/wit-types.js';
import { jsonToJs } from './codec/from-json.js';
import { showJson } from './codec/names.js';
import { jsToJson } from './codec/to-json.js';

export { jsonToJs } from './codec/from-json.js';
export { jsToJson } from './codec/to-json.js';
export { jsName } from './codec/names.js';

/** Validates a JSON value against a type without keeping the converted value. */
export function checkJson(type: WitType, json: JsonValue, path: string): void {
  jsonToJs(type, json, path);
}

/** Positional parameters → the JS arguments of the function's binding. */
export function paramsToJs(fn: WitFunction, params: readonly JsonValue[]): unknown[] {
  if (params.length !== fn.params.length) {
    throw new InputError(
      `params: expected ${fn.params.length} value${fn.params.length === 1 ? '' : 's'}, got ${params.length} (${fn.name}: ${formatWitFunction(fn)})`,
    );
  }
  return fn.params.map((p, i) => jsonToJs(p.type, params[i]!, `params[${i}]`));
}

/** Validates positional parameters without converting them. */
export function checkParams(fn: WitFunction, params: readonly JsonValue[]): void {
  paramsToJs(fn, params);
}

/** A function's JS return value → JSON; a function without a result gives null. */
export function resultToJson(fn: WitFunction, js: unknown): JsonValue {
  if (fn.result === null) {
    if (js !== undefined) throw new InputError(`result: ${fn.name} returns nothing, got a value`);
    return null;
  }
  return jsToJson(fn.result, js, 'result');
}

/** Parses parameter text (`[40, 10]`), saying where bad JSON is, and requires an array. */
export function parseParams(text: string): JsonValue[] {
  let json: JsonValue;
  try {
    json = parseJson(text);
  } catch (err) {
    throw new InputError(`params: invalid JSON ${where(text, err)}; expected an array of values, e.g. [40, 10]`, { cause: err });
  }
  if (!Array.isArray(json)) {
    throw new InputError(`params: expected a JSON array of values, e.g. [40, 10], got ${showJson(json)}`);
  }
  return json;
}

const POSITION = /position (\d+)/;

/**
 * `at line 1 column 7: …` for a parse error. Node's JSON.parse omits the position for some errors
 * ("Unexpected token '}', … is not valid JSON"); lossless-json always gives one, so it is asked then.
 */
function where(text: string, err: unknown): string {
  let message = err instanceof Error ? err.message : String(err);
  if (!POSITION.test(message)) {
    try {
      losslessParse(text);
    } catch (again) {
      if (again instanceof Error && POSITION.test(again.message)) message = again.message;
    }
  }
  const m = POSITION.exec(message);
  const pos = m ? Math.min(Number(m[1]), text.length) : text.length;
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  const reason = message.replace(/\s*(in JSON )?at position \d+.*$/s, '').trim();
  return `at line ${line} column ${column}: ${reason || 'unexpected end of input'}`;
}
