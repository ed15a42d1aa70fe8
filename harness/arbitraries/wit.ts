/**
 * fast-check generators of WIT types and of values in Obelisk's JSON form (see lib/component/codec.ts):
 *   witTypeArb      a type of any kind but resources, nested up to `depth` levels
 *   witValueArb     a canonical JSON value of a type (what jsToJson writes)
 *   invalidJsonArb  a JSON value outside a type with exactly one bad place, and the path to it
 *   snakeSpelling   the same value with record keys and case/flag names in snake_case
 * Names follow WIT's rules (kebab-case words, a word all lower or all upper case), are unique
 * case-insensitively within a type as the component model requires, and never start with `zzz`
 * (kept for names that must be unknown).
 */
import fc from 'fast-check';
import type { JsonValue } from '../../lib/model/json.js';
import { PRIMITIVE_KINDS, type PrimitiveKind, type WitType } from '../../lib/model/wit-types.js';

const WORDS = ['a', 'b2', 'name', 'size', 'ok', 'err', 'some', 'none', 'tag', 'val', 'class', 'http', 'HTTP', 'URL', 'x1', 'get', 'value', 'id'];

export const witNameArb: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 })
  .map((ws) => ws.join('-'));

function namesArb(max: number): fc.Arbitrary<string[]> {
  return fc.uniqueArray(witNameArb, { minLength: 1, maxLength: max, selector: (n) => n.toLowerCase() });
}

const primitiveArb = fc.constantFrom(...PRIMITIVE_KINDS).map((kind): WitType => ({ kind }));
const enumArb = fc.tuple(witNameArb, namesArb(4)).map(([name, cases]): WitType => ({ kind: 'enum', name, cases }));
const flagsArb = fc.tuple(witNameArb, namesArb(6)).map(([name, flags]): WitType => ({ kind: 'flags', name, flags }));

/** A WIT type of any kind except resources, at most `depth` levels of nesting. */
export function witTypeArb(depth = 3): fc.Arbitrary<WitType> {
  const leaf = fc.oneof(primitiveArb, primitiveArb, enumArb, flagsArb);
  if (depth <= 0) return leaf;
  const sub = witTypeArb(depth - 1);
  const maybe = fc.option(sub, { nil: null });
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    sub.map((element): WitType => ({ kind: 'list', element })),
    sub.map((some): WitType => ({ kind: 'option', some })),
    sub.map((t): WitType => ({ kind: 'option', some: { kind: 'option', some: t } })),
    fc.tuple(maybe, maybe).map(([ok, err]): WitType => ({ kind: 'result', ok, err })),
    fc.array(sub, { minLength: 1, maxLength: 3 }).map((elements): WitType => ({ kind: 'tuple', elements })),
    fc.tuple(witNameArb, namesArb(4)).chain(([name, names]) =>
      fc.tuple(...names.map(() => sub)).map((types): WitType => ({
        kind: 'record', name, fields: names.map((n, i) => ({ name: n, type: types[i]! })),
      }))),
    fc.tuple(witNameArb, namesArb(4)).chain(([name, names]) =>
      fc.tuple(...names.map(() => maybe)).map((types): WitType => ({
        kind: 'variant', name, cases: names.map((n, i) => ({ name: n, type: types[i]! })),
      }))),
  );
}

const INT_BOUNDS: Partial<Record<PrimitiveKind, [bigint, bigint]>> = {
  u8: [0n, 255n], u16: [0n, 65535n], u32: [0n, 4294967295n], u64: [0n, 2n ** 64n - 1n],
  s8: [-128n, 127n], s16: [-32768n, 32767n], s32: [-(2n ** 31n), 2n ** 31n - 1n], s64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** As parseJson gives it: a number when safe, a bigint beyond. */
export function canonicalInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export function floatJson(v: number): JsonValue {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

function intArb(kind: PrimitiveKind): fc.Arbitrary<JsonValue> {
  const [min, max] = INT_BOUNDS[kind]!;
  return fc.oneof(fc.bigInt({ min, max }), fc.constantFrom(min, max)).map(canonicalInt);
}

/** A canonical JSON value of `type`. */
export function witValueArb(type: WitType): fc.Arbitrary<JsonValue> {
  switch (type.kind) {
    case 'bool': return fc.boolean();
    case 'u8': case 'u16': case 'u32': case 'u64':
    case 's8': case 's16': case 's32': case 's64':
      return intArb(type.kind);
    case 'f32': return fc.float().map(floatJson);
    case 'f64': return fc.double().map(floatJson);
    case 'char': return fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
    case 'string': return fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 }));
    case 'list': return fc.array(witValueArb(type.element), { maxLength: 3 });
    case 'tuple': return fc.tuple(...type.elements.map(witValueArb));
    case 'option': {
      const some = witValueArb(type.some);
      return fc.option(type.some.kind === 'option' ? some.map((v) => ({ some: v })) : some, { nil: null });
    }
    case 'result':
      return fc.oneof(
        (type.ok ? witValueArb(type.ok) : fc.constant(null)).map((v) => ({ ok: v })),
        (type.err ? witValueArb(type.err) : fc.constant(null)).map((v) => ({ err: v })),
      );
    case 'record':
      return fc.record(Object.fromEntries(type.fields.map((f) => [f.name, witValueArb(f.type)])), { noNullPrototype: true });
    case 'variant':
      return fc.oneof(...type.cases.map((c) =>
        c.type ? witValueArb(c.type).map((v): JsonValue => ({ [c.name]: v })) : fc.constant<JsonValue>(c.name)));
    case 'enum': return fc.constantFrom(...type.cases);
    case 'flags': return fc.subarray(type.flags);
    case 'own':
    case 'borrow':
      throw new Error(`witValueArb: ${type.kind}<${type.resource}> has no JSON form`);
  }
}

/** A JSON value outside a type, with exactly one bad place; `path` leads there from the root (`.a[2]`). */
export interface BadJson {
  json: JsonValue;
  path: string;
}

const UNKNOWN = 'zzz-unknown';

const here = (arb: fc.Arbitrary<JsonValue>): fc.Arbitrary<BadJson> => arb.map((json) => ({ json, path: '' }));

/** Each shape of wrongness the codec must catch: wrong kind, out of range, unknown field or case, wrong arity, nested. */
export function invalidJsonArb(type: WitType): fc.Arbitrary<BadJson> {
  switch (type.kind) {
    case 'bool': return here(fc.constantFrom(1, 'true', null, [], {}));
    case 'u8': case 'u16': case 'u32': case 'u64':
    case 's8': case 's16': case 's32': case 's64': {
      const [min, max] = INT_BOUNDS[type.kind]!;
      return here(fc.constantFrom(canonicalInt(min - 1n), canonicalInt(max + 1n), 0.5, '1', null, true, []));
    }
    case 'f32': return here(fc.constantFrom('x', true, null, [], {}, 1e39, -1e39));
    case 'f64': return here(fc.constantFrom('x', 'Inf', true, null, [], {}));
    case 'char': return here(fc.constantFrom('', 'ab', '\u{1F600}x', 5, null, '\ud800', ['a']));
    case 'string': return here(fc.constantFrom(5, null, ['a'], 'x\udc00', true));
    case 'list':
      return fc.oneof(
        here(fc.constantFrom({}, 'x', 5, null)),
        fc.tuple(witValueArb(type) as fc.Arbitrary<JsonValue[]>, invalidJsonArb(type.element), fc.nat()).map(([arr, bad, k]) => {
          const i = k % (arr.length + 1);
          return { json: [...arr.slice(0, i), bad.json, ...arr.slice(i)], path: `[${i}]${bad.path}` };
        }),
      );
    case 'tuple': {
      const n = type.elements.length;
      return fc.oneof(
        here(fc.constantFrom(null, {}, 'x')),
        here((witValueArb(type) as fc.Arbitrary<JsonValue[]>).chain((a) => fc.constantFrom([...a, 0], a.slice(0, -1)))),
        fc.integer({ min: 0, max: n - 1 }).chain((i) =>
          fc.tuple(witValueArb(type) as fc.Arbitrary<JsonValue[]>, invalidJsonArb(type.elements[i]!)).map(([a, bad]) => ({
            json: a.map((v, j) => (j === i ? bad.json : v)), path: `[${i}]${bad.path}`,
          }))),
      );
    }
    case 'option':
      if (type.some.kind !== 'option') {
        // null is a valid option<T>, so it cannot be the bad value at the option's place.
        return invalidJsonArb(type.some).filter((b) => !(b.path === '' && b.json === null));
      }
      return fc.oneof(
        here(fc.constantFrom(5, 'x', [], { sum: 1 }, { some: null, x: 1 })),
        invalidJsonArb(type.some).map((b) => ({ json: { some: b.json }, path: `.some${b.path}` })),
      );
    case 'result': {
      const payload = (tag: 'ok' | 'err', t: WitType | null): fc.Arbitrary<BadJson> =>
        (t ? invalidJsonArb(t) : here(fc.constantFrom(5, 'x', {}))).map((b) => ({ json: { [tag]: b.json }, path: `.${tag}${b.path}` }));
      return fc.oneof(here(fc.constantFrom(null, {}, 'ok', 5, { bad: 1 }, { ok: null, err: null })), payload('ok', type.ok), payload('err', type.err));
    }
    case 'record': {
      const value = witValueArb(type) as fc.Arbitrary<Record<string, JsonValue>>;
      const required = type.fields.filter((f) => f.type.kind !== 'option');
      return fc.oneof(
        here(fc.constantFrom(5, [], null, 'x')),
        value.map((v) => ({ json: { ...v, [UNKNOWN]: 1 }, path: `.${UNKNOWN}` })),
        ...(required.length ? [value.map((v) => ({ json: without(v, required[0]!.name), path: '' }))] : []),
        fc.integer({ min: 0, max: type.fields.length - 1 }).chain((i) => {
          const f = type.fields[i]!;
          return fc.tuple(value, invalidJsonArb(f.type)).map(([v, bad]) => ({ json: { ...v, [f.name]: bad.json }, path: `.${f.name}${bad.path}` }));
        }),
      );
    }
    case 'variant': {
      const first = type.cases[0]!.name;
      return fc.oneof(
        here(fc.constantFrom(5, null, [], UNKNOWN, { [UNKNOWN]: null }, {}, { [first]: null, [UNKNOWN]: 1 })),
        ...type.cases.map((c) =>
          c.type
            ? fc.oneof(here(fc.constant(c.name)), invalidJsonArb(c.type).map((b) => ({ json: { [c.name]: b.json }, path: `.${c.name}${b.path}` })))
            : here(fc.constant(5)).map((b) => ({ json: { [c.name]: b.json }, path: `.${c.name}` }))),
      );
    }
    case 'enum': return here(fc.constantFrom(UNKNOWN, 5, null, []));
    case 'flags':
      return fc.oneof(
        here(fc.constantFrom(5, null, 'x', {})),
        fc.subarray(type.flags).chain((a) => fc.nat(a.length).map((i) => ({ json: [...a.slice(0, i), UNKNOWN, ...a.slice(i)], path: `[${i}]` }))),
        fc.subarray(type.flags, { minLength: 1 }).chain((a) => fc.constantFrom(...a).map((d) => ({ json: [...a, d], path: `[${a.length}]` }))),
      );
    case 'own':
    case 'borrow':
      return here(fc.constantFrom(1, null, 'x'));
  }
}

function without(v: Record<string, JsonValue>, key: string): Record<string, JsonValue> {
  const out = { ...v };
  delete out[key];
  return out;
}

/** The same value with record keys, variant cases, enum cases and flags spelled in snake_case. */
export function snakeSpelling(type: WitType, json: JsonValue): JsonValue {
  const snake = (n: string) => n.replaceAll('-', '_');
  switch (type.kind) {
    case 'list': return (json as JsonValue[]).map((v) => snakeSpelling(type.element, v));
    case 'tuple': return (json as JsonValue[]).map((v, i) => snakeSpelling(type.elements[i]!, v));
    case 'option':
      if (json === null) return null;
      if (type.some.kind !== 'option') return snakeSpelling(type.some, json);
      return { some: snakeSpelling(type.some, (json as { some: JsonValue }).some) };
    case 'result': {
      const [[k, v]] = Object.entries(json as object) as [[string, JsonValue]];
      const t = k === 'ok' ? type.ok : type.err;
      return { [k]: t ? snakeSpelling(t, v) : v };
    }
    case 'record':
      return Object.fromEntries(type.fields.map((f) => [snake(f.name), snakeSpelling(f.type, (json as Record<string, JsonValue>)[f.name]!)]));
    case 'variant': {
      if (typeof json === 'string') return snake(json);
      const [[k, v]] = Object.entries(json as object) as [[string, JsonValue]];
      const c = type.cases.find((x) => x.name === k)!;
      return { [snake(k)]: c.type ? snakeSpelling(c.type, v) : v };
    }
    case 'enum': return snake(json as string);
    case 'flags': return (json as string[]).map(snake);
    default: return json;
  }
}
