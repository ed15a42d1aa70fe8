/**
 * The JS value jco's bindings return → JSON form, checked against the WIT type on the way.
 *
 * Invariants:
 *  1. Accepts every value jco lifts for the type, and what jco lowers where it is a plain
 *     variation of it (a plain Array for a numeric list, a safe-integer number for u64/s64, null
 *     as well as undefined for none, a missing record key for an option field).
 *  2. Anything else is refused with an InputError starting with the path of the offending place.
 *  3. The output is the canonical JSON form, so jsToJson(t, jsonToJs(t, j)) equals j for canonical j.
 */
import type { JsonValue } from '../../model/json.js';
import { formatWitType, type WitType } from '../../model/wit-types.js';
import { fail, jsName, quotedList, showJs } from './names.js';
import { charCheck, floatToJson, intToJson, stringCheck } from './scalars.js';
import { isNullableOption, typedArrayFor } from './shapes.js';

type Obj = Record<string, unknown>;

function isObj(js: unknown): js is Obj {
  return typeof js === 'object' && js !== null && !Array.isArray(js) && !ArrayBuffer.isView(js);
}

function wrongKind(type: WitType, what: string, js: unknown, path: string): never {
  return fail(path, `expected ${formatWitType(type)} as ${what}, got ${showJs(js)}`);
}

export function jsToJson(type: WitType, js: unknown, path: string): JsonValue {
  switch (type.kind) {
    case 'bool':
      return typeof js === 'boolean' ? js : wrongKind(type, 'a JS boolean', js, path);
    case 'u8': case 'u16': case 'u32': case 'u64':
    case 's8': case 's16': case 's32': case 's64':
      return intToJson(type.kind, js, path);
    case 'f32': case 'f64':
      return floatToJson(type.kind, js, path);
    case 'char':
      return charCheck(js, path, showJs);
    case 'string':
      return stringCheck(js, path, showJs);
    case 'list': {
      const Typed = typedArrayFor(type.element);
      if (!Array.isArray(js) && !(Typed && js instanceof Typed)) {
        return wrongKind(type, Typed ? `an Array or ${Typed.name}` : 'an Array', js, path);
      }
      const items = js as ArrayLike<unknown>;
      const out: JsonValue[] = new Array(items.length);
      for (let i = 0; i < items.length; i++) out[i] = jsToJson(type.element, items[i], `${path}[${i}]`);
      return out;
    }
    case 'tuple':
      if (!Array.isArray(js) || js.length !== type.elements.length) {
        return wrongKind(type, `an Array of ${type.elements.length}`, js, path);
      }
      return type.elements.map((t, i) => jsToJson(t, js[i], `${path}[${i}]`));
    case 'option':
      return optionToJson(type, type.some, js, path);
    case 'result': {
      const tag = isObj(js) ? js.tag : undefined;
      if (tag !== 'ok' && tag !== 'err') return wrongKind(type, "{ tag: 'ok' | 'err', val }", js, path);
      const t = tag === 'ok' ? type.ok : type.err;
      return { [tag]: payloadToJson(t, (js as Obj).val, `${path}.${tag}`) };
    }
    case 'record':
      return recordToJson(type, js, path);
    case 'variant': {
      const tag = isObj(js) ? js.tag : undefined;
      const c = type.cases.find((x) => x.name === tag);
      if (!c) return wrongKind(type, `{ tag, val } with tag one of ${quotedList(type.cases.map((x) => x.name))}`, js, path);
      if (!c.type) {
        payloadToJson(null, (js as Obj).val, `${path}.${c.name}`);
        return c.name;
      }
      return { [c.name]: jsToJson(c.type, (js as Obj).val, `${path}.${c.name}`) };
    }
    case 'enum':
      if (typeof js !== 'string' || !type.cases.includes(js)) {
        return fail(path, `expected one of ${quotedList(type.cases)}, got ${showJs(js)}`);
      }
      return js;
    case 'flags':
      return flagsToJson(type, js, path);
    case 'own':
    case 'borrow':
      return fail(path, `${formatWitType(type)} is a resource handle, which has no JSON form; got ${showJs(js)}`);
  }
}

function optionToJson(type: WitType, some: WitType, js: unknown, path: string): JsonValue {
  let val: unknown;
  if (isNullableOption(type)) {
    if (js === undefined || js === null) return null;
    val = js;
  } else {
    const tag = isObj(js) ? js.tag : undefined;
    if (tag === 'none') return null;
    if (tag !== 'some') return wrongKind(type, "{ tag: 'none' } or { tag: 'some', val }", js, path);
    val = (js as Obj).val;
  }
  if (some.kind !== 'option') return jsToJson(some, val, path);
  return { some: jsToJson(some, val, `${path}.some`) };
}

/** null for a case without payload (whose JS val must be absent). */
function payloadToJson(t: WitType | null, val: unknown, path: string): JsonValue {
  if (t) return jsToJson(t, val, path);
  if (val !== undefined && val !== null) return fail(path, `expected no payload (undefined), got ${showJs(val)}`);
  return null;
}

const jsKeyCache = new WeakMap<object, Map<string, number>>();

/** jco's JS key for each field or flag name → its position. */
function jsKeys(owner: object, names: readonly string[]): Map<string, number> {
  let keys = jsKeyCache.get(owner);
  if (!keys) {
    keys = new Map(names.map((n, i) => [jsName(n), i]));
    jsKeyCache.set(owner, keys);
  }
  return keys;
}

function unknownKey(path: string, what: string, key: string, keys: Map<string, number>): never {
  return fail(`${path}.${key}`, `unknown ${what} ${JSON.stringify(key)}; expected JS keys ${[...keys.keys()].join(', ')}`);
}

function recordToJson(type: WitType & { kind: 'record' }, js: unknown, path: string): JsonValue {
  if (!isObj(js)) return wrongKind(type, 'a JS object', js, path);
  const keys = jsKeys(type, type.fields.map((f) => f.name));
  const given: unknown[] = new Array(type.fields.length);
  const present: boolean[] = new Array(type.fields.length).fill(false);
  for (const key of Object.keys(js)) {
    const i = keys.get(key);
    if (i === undefined) return unknownKey(path, 'field', key, keys);
    given[i] = js[key];
    present[i] = true;
  }
  const out: { [key: string]: JsonValue } = {};
  type.fields.forEach((f, i) => {
    if (!present[i] && !isNullableOption(f.type)) {
      fail(path, `missing field ${JSON.stringify(f.name)} (JS key ${jsName(f.name)}) in ${showJs(js)}`);
    }
    out[f.name] = jsToJson(f.type, given[i], `${path}.${f.name}`);
  });
  return out;
}

function flagsToJson(type: WitType & { kind: 'flags' }, js: unknown, path: string): JsonValue {
  if (!isObj(js)) return wrongKind(type, 'an object of booleans', js, path);
  const keys = jsKeys(type, type.flags);
  const set: boolean[] = new Array(type.flags.length).fill(false);
  for (const key of Object.keys(js)) {
    const i = keys.get(key);
    if (i === undefined) return unknownKey(path, 'flag', key, keys);
    const v = js[key];
    if (typeof v === 'boolean') set[i] = v;
    else if (v !== undefined) return fail(`${path}.${type.flags[i]}`, `expected a boolean, got ${showJs(v)}`);
  }
  return type.flags.filter((_f, i) => set[i]);
}
