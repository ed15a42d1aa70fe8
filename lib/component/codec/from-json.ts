/**
 * JSON form → the JS value jco's bindings take, checked against the WIT type on the way.
 *
 * Invariants:
 *  1. Every value that is not of the type is refused with an InputError whose message starts with
 *     the path of the offending place (`params[1].config.timeout: …`) and names what was expected
 *     (with an example) and what was received.
 *  2. Nothing invalid reaches jco: jco wraps out-of-range integers silently (`-1 >>> 0`).
 *  3. The output has exactly the shape jco's lifting produces for the same value, so a value
 *     converted here equals the one jco hands back (see shapes.ts for nested options and lists).
 */
import type { JsonValue } from '../../model/json.js';
import { formatWitType, type WitType } from '../../model/wit-types.js';
import { exampleJson } from './examples.js';
import { fail, jsName, nameIndex, quotedList, showJson } from './names.js';
import { charCheck, floatFromJson, intFromJson, stringCheck } from './scalars.js';
import { isNullableOption, typedArrayFor } from './shapes.js';

type JsonObject = { [key: string]: JsonValue };

function isObject(json: JsonValue): json is JsonObject {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}

function wrongKind(type: WitType, json: JsonValue, path: string): never {
  return fail(path, `expected ${formatWitType(type)}, e.g. ${exampleJson(type)}, got ${showJson(json)}`);
}

export function jsonToJs(type: WitType, json: JsonValue, path: string): unknown {
  switch (type.kind) {
    case 'bool':
      return typeof json === 'boolean' ? json : wrongKind(type, json, path);
    case 'u8': case 'u16': case 'u32': case 'u64':
    case 's8': case 's16': case 's32': case 's64':
      return intFromJson(type.kind, json, path);
    case 'f32': case 'f64':
      return floatFromJson(type.kind, json, path);
    case 'char':
      return charCheck(json, path, (v) => showJson(v as JsonValue));
    case 'string':
      return stringCheck(json, path, (v) => showJson(v as JsonValue));
    case 'list':
      return listFromJson(type, type.element, json, path);
    case 'tuple': {
      if (!Array.isArray(json) || json.length !== type.elements.length) {
        return fail(path, `expected ${formatWitType(type)} (an array of ${type.elements.length}), e.g. ${exampleJson(type)}, got ${showJson(json)}`);
      }
      return type.elements.map((t, i) => jsonToJs(t, json[i]!, `${path}[${i}]`));
    }
    case 'option':
      return optionFromJson(type, type.some, json, path);
    case 'result':
      return resultFromJson(type, json, path);
    case 'record':
      return recordFromJson(type, json, path);
    case 'variant':
      return variantFromJson(type, json, path);
    case 'enum': {
      const i = typeof json === 'string' ? nameIndex(type, type.cases).get(json) : undefined;
      if (i === undefined) return fail(path, `expected one of ${quotedList(type.cases)}, got ${showJson(json)}`);
      return type.cases[i];
    }
    case 'flags':
      return flagsFromJson(type, json, path);
    case 'own':
    case 'borrow':
      return fail(path, `${formatWitType(type)} is a resource handle, which has no JSON form; got ${showJson(json)}`);
  }
}

function listFromJson(type: WitType, element: WitType, json: JsonValue, path: string): unknown {
  if (!Array.isArray(json)) return wrongKind(type, json, path);
  const Typed = typedArrayFor(element);
  if (Typed) {
    const out = new Typed(json.length);
    for (let i = 0; i < json.length; i++) out[i] = jsonToJs(element, json[i]!, `${path}[${i}]`) as never;
    return out;
  }
  return json.map((v, i) => jsonToJs(element, v, `${path}[${i}]`));
}

/** JSON: `null` is none. Some is the bare value, or `{"some": v}` when the payload is itself an option. */
function optionFromJson(type: WitType, some: WitType, json: JsonValue, path: string): unknown {
  const nullable = isNullableOption(type);
  if (json === null) return nullable ? undefined : { tag: 'none' };
  let inner: JsonValue = json;
  let innerPath = path;
  if (some.kind === 'option') {
    if (!isObject(json) || !Object.hasOwn(json, 'some') || Object.keys(json).length !== 1) {
      return fail(path, `expected ${formatWitType(type)}: null or {"some": <${formatWitType(some)}>}, e.g. {"some": null}, got ${showJson(json)}`);
    }
    inner = json.some!;
    innerPath = `${path}.some`;
  }
  const val = jsonToJs(some, inner, innerPath);
  return nullable ? val : { tag: 'some', val };
}

/** The single key of a `{"case": payload}` object, or undefined when it is not such an object. */
function singleKey(json: JsonValue): string | undefined {
  if (!isObject(json)) return undefined;
  let key: string | undefined;
  for (const k in json) {
    if (key !== undefined) return undefined;
    key = k;
  }
  return key;
}

function payloadFromJson(t: WitType | null, json: JsonValue, path: string): unknown {
  if (t) return jsonToJs(t, json, path);
  if (json !== null) return fail(path, `expected null (this case has no payload), got ${showJson(json)}`);
  return undefined;
}

function resultFromJson(type: WitType & { kind: 'result' }, json: JsonValue, path: string): unknown {
  const key = singleKey(json);
  if (key !== 'ok' && key !== 'err') {
    return fail(path, `expected ${formatWitType(type)} as {"ok": …} or {"err": …}, e.g. ${exampleJson(type)}, got ${showJson(json)}`);
  }
  const t = key === 'ok' ? type.ok : type.err;
  return { tag: key, val: payloadFromJson(t, (json as JsonObject)[key]!, `${path}.${key}`) };
}

function recordFromJson(type: WitType & { kind: 'record' }, json: JsonValue, path: string): unknown {
  if (!isObject(json)) return wrongKind(type, json, path);
  const fields = type.fields;
  const index = nameIndex(type, fields.map((f) => f.name));
  const given: (string | undefined)[] = new Array(fields.length);
  for (const key in json) {
    const i = index.get(key);
    if (i === undefined) {
      return fail(`${path}.${key}`, `unknown field ${JSON.stringify(key)}; expected one of ${fields.map((f) => f.name).join(', ')}`);
    }
    if (given[i] !== undefined) {
      return fail(`${path}.${key}`, `field ${JSON.stringify(fields[i]!.name)} given twice, as ${JSON.stringify(given[i])} and ${JSON.stringify(key)}`);
    }
    given[i] = key;
  }
  const out: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const key = given[i];
    if (key === undefined) {
      // A missing option field means none, as an absent key would in most JSON producers.
      if (f.type.kind !== 'option') {
        return fail(path, `missing field ${JSON.stringify(f.name)}; expected an object like ${exampleJson(type)}, got ${showJson(json)}`);
      }
      out[jsName(f.name)] = jsonToJs(f.type, null, `${path}.${f.name}`);
    } else {
      out[jsName(f.name)] = jsonToJs(f.type, json[key]!, `${path}.${f.name}`);
    }
  }
  return out;
}

function caseList(type: WitType & { kind: 'variant' }): string {
  return type.cases.map((c) => (c.type ? `{"${c.name}": ${exampleJson(c.type)}}` : `"${c.name}"`)).join(', ');
}

function variantFromJson(type: WitType & { kind: 'variant' }, json: JsonValue, path: string): unknown {
  const index = nameIndex(type, type.cases.map((c) => c.name));
  const key = typeof json === 'string' ? json : singleKey(json);
  if (key === undefined) {
    return fail(path, `expected ${formatWitType(type)} as "case" or {"case": payload} (one key), e.g. ${exampleJson(type)}, got ${showJson(json)}`);
  }
  const i = index.get(key);
  if (i === undefined) return fail(path, `expected one of ${caseList(type)}, got ${showJson(json)}`);
  const c = type.cases[i]!;
  if (typeof json === 'string') {
    if (c.type) return fail(path, `case "${c.name}" needs a payload: expected {"${c.name}": ${exampleJson(c.type)}}, got ${showJson(json)}`);
    return { tag: c.name };
  }
  const val = payloadFromJson(c.type, (json as JsonObject)[key!]!, `${path}.${c.name}`);
  return c.type ? { tag: c.name, val } : { tag: c.name };
}

function flagsFromJson(type: WitType & { kind: 'flags' }, json: JsonValue, path: string): unknown {
  if (!Array.isArray(json)) return wrongKind(type, json, path);
  const index = nameIndex(type, type.flags);
  const set: boolean[] = new Array(type.flags.length).fill(false);
  json.forEach((name, k) => {
    const i = typeof name === 'string' ? index.get(name) : undefined;
    if (i === undefined) return fail(`${path}[${k}]`, `expected one of ${quotedList(type.flags)}, got ${showJson(name)}`);
    if (set[i]) return fail(`${path}[${k}]`, `flag ${JSON.stringify(type.flags[i])} listed twice`);
    set[i] = true;
  });
  const out: Record<string, boolean> = {};
  type.flags.forEach((f, i) => (out[jsName(f)] = set[i]!));
  return out;
}
