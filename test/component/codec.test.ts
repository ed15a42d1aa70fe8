import { describe, expect, it } from 'vitest';
import { checkJson, jsonToJs, jsToJson, paramsToJs, parseParams, resultToJson } from '../../lib/component/codec.js';
import { InputError } from '../../lib/model/errors.js';
import type { JsonValue } from '../../lib/model/json.js';
import type { WitFunction, WitType } from '../../lib/model/wit-types.js';

const u8: WitType = { kind: 'u8' };
const u32: WitType = { kind: 'u32' };
const u64: WitType = { kind: 'u64' };
const s64: WitType = { kind: 's64' };
const str: WitType = { kind: 'string' };
const opt = (some: WitType): WitType => ({ kind: 'option', some });

/** JSON → JS, and that JS → JSON gives `back` (the canonical form; defaults to the input). */
function roundTrip(type: WitType, json: JsonValue, js: unknown, back: JsonValue = json): void {
  const out = jsonToJs(type, json, 'v');
  expect(out).toStrictEqual(js);
  expect(jsToJson(type, out, 'v')).toStrictEqual(back);
}

function rejects(f: () => unknown, message: string): void {
  expect(f).toThrow(InputError);
  expect(f).toThrow(message);
}

describe('integers', () => {
  it('keeps u64 exact up to 2^64-1 and s64 down to -2^63', () => {
    roundTrip(u64, 18446744073709551615n, 18446744073709551615n);
    roundTrip(s64, -9223372036854775808n, -9223372036854775808n);
    expect(parseParams('[18446744073709551615, -9223372036854775808]')).toStrictEqual([18446744073709551615n, -9223372036854775808n]);
  });

  it('accepts a number or a bigint when exact, writes a number when safe', () => {
    roundTrip(u64, 5, 5n);
    roundTrip(u64, 5n, 5n, 5);
    roundTrip(u32, 7n, 7, 7);
    roundTrip(u64, 9007199254740991, 9007199254740991n);
    roundTrip(u64, 9007199254740992n, 9007199254740992n);
    expect(jsToJson(u64, 3, 'v')).toBe(3);
  });

  it('rejects out of range with the range, non-integers and inexact numbers', () => {
    rejects(() => jsonToJs(u64, 18446744073709551616n, 'v'), 'v: expected u64, got 18446744073709551616 (u64 ranges from 0 to 18446744073709551615)');
    rejects(() => jsonToJs(s64, -9223372036854775809n, 'v'), 'v: expected s64, got -9223372036854775809 (s64 ranges from -9223372036854775808 to 9223372036854775807)');
    rejects(() => jsonToJs(u8, 256, 'v'), 'v: expected u8, got 256 (u8 ranges from 0 to 255)');
    rejects(() => jsonToJs(u64, -1, 'v'), 'v: expected u64, got -1 (u64 ranges from 0 to');
    rejects(() => jsonToJs(u8, 1.5, 'v'), 'v: expected u8, got 1.5 (not an integer)');
    rejects(() => jsonToJs(u64, 1e19, 'v'), 'v: expected u64, got 10000000000000000000 (a number beyond 2^53 is not exact');
    rejects(() => jsonToJs(u8, '1', 'v'), 'v: expected u8, e.g. 42, got "1"');
    rejects(() => jsToJson(u32, 2 ** 32, 'v'), 'v: expected u32, got 4294967296 (number) (u32 ranges');
    rejects(() => jsToJson(u64, '5', 'v'), 'v: expected u64 as a JS BigInt, got "5" (string)');
  });
});

describe('floats', () => {
  it('writes NaN and the infinities as strings and reads common spellings', () => {
    const f64: WitType = { kind: 'f64' };
    roundTrip(f64, 'NaN', NaN);
    roundTrip(f64, 'Infinity', Infinity);
    roundTrip(f64, '-Infinity', -Infinity);
    roundTrip(f64, 'inf', Infinity, 'Infinity');
    roundTrip(f64, '-inf', -Infinity, '-Infinity');
    roundTrip(f64, 1e308, 1e308);
    roundTrip(f64, -0, -0);
    rejects(() => jsonToJs(f64, 'Inf', 'v'), 'v: expected f64, e.g. 1.5 (or "NaN", "Infinity", "-Infinity"), got "Inf"');
  });

  it('rounds f32 input to f32 and refuses magnitudes beyond it', () => {
    const f32: WitType = { kind: 'f32' };
    roundTrip(f32, 0.1, Math.fround(0.1), Math.fround(0.1));
    roundTrip(f32, 3.4028234663852886e38, 3.4028234663852886e38);
    rejects(() => jsonToJs(f32, 1e39, 'v'), 'v: expected f32, got 1e+39 (beyond f32');
  });
});

describe('char and string', () => {
  const char: WitType = { kind: 'char' };
  it('takes one code point, astral included', () => {
    roundTrip(char, '😀', '😀');
    roundTrip(char, 'é', 'é');
    for (const bad of ['', 'ab', '😀x', '\ud83d']) rejects(() => jsonToJs(char, bad, 'v'), 'v: expected char (a string of one Unicode code point)');
  });

  it('refuses unpaired surrogates in strings', () => {
    roundTrip(str, 'a😀b', 'a😀b');
    rejects(() => jsonToJs(str, 'ab\udc00', 'v'), 'v: expected string of Unicode text, got an unpaired surrogate at index 2');
  });
});

describe('options', () => {
  it('writes option<T> as null or the bare value, JS undefined or the value', () => {
    roundTrip(opt(u8), null, undefined);
    roundTrip(opt(u8), 5, 5);
  });

  it('writes some of a nested option as {"some": v}; jco tags the outer option', () => {
    const t = opt(opt(u8));
    roundTrip(t, null, { tag: 'none' });
    roundTrip(t, { some: null }, { tag: 'some', val: undefined });
    roundTrip(t, { some: 5 }, { tag: 'some', val: 5 });
    rejects(() => jsonToJs(t, 5, 'v'), 'v: expected option<option<u8>>: null or {"some": <option<u8>>}');
  });

  it('follows jco for three levels: nullable, tagged, nullable', () => {
    const t = opt(opt(opt(u8)));
    roundTrip(t, null, undefined);
    roundTrip(t, { some: null }, { tag: 'none' });
    roundTrip(t, { some: { some: null } }, { tag: 'some', val: undefined });
    roundTrip(t, { some: { some: 7 } }, { tag: 'some', val: 7 });
    rejects(() => jsonToJs(t, { some: { some: 'x' } }, 'v'), 'v.some.some: expected u8');
  });
});

const shape: WitType = {
  kind: 'record', name: 'shape', fields: [
    { name: 'name', type: str },
    { name: 'size-in-mm', type: u32 },
    { name: 'note', type: opt(str) },
  ],
};

describe('records', () => {
  it('keys JSON by WIT name and JS by camelCase; accepts snake_case and missing option fields', () => {
    roundTrip(shape, { name: 'a', 'size-in-mm': 3, note: null }, { name: 'a', sizeInMm: 3, note: undefined });
    expect(jsonToJs(shape, { name: 'a', size_in_mm: 3 }, 'v')).toStrictEqual({ name: 'a', sizeInMm: 3, note: undefined });
    expect(jsToJson(shape, { name: 'a', sizeInMm: 3 }, 'v')).toStrictEqual({ name: 'a', 'size-in-mm': 3, note: null });
  });

  it('names the unknown, missing or doubled field', () => {
    const t: WitType = { kind: 'record', fields: [{ name: 'name', type: str }, { name: 'size', type: u32 }] };
    rejects(() => jsonToJs(t, { name: 'a', colour: 'red' }, 'params[0]'), 'params[0].colour: unknown field "colour"; expected one of name, size');
    rejects(() => jsonToJs(t, { name: 'a' }, 'params[0]'), 'params[0]: missing field "size"; expected an object like {"name": "text", "size": 42}');
    rejects(() => jsonToJs(shape, { name: 'a', 'size-in-mm': 1, size_in_mm: 2 }, 'v'), 'v.size_in_mm: field "size-in-mm" given twice');
    rejects(() => jsToJson(t, { name: 'a', size: 1, colour: 2 }, 'v'), 'v.colour: unknown field "colour"; expected JS keys name, size');
    rejects(() => jsToJson(t, { name: 'a' }, 'v'), 'v: missing field "size"');
  });

  it('puts the path of a nested field in the message', () => {
    const config: WitType = { kind: 'record', fields: [{ name: 'timeout', type: u32 }] };
    const fn: WitFunction = { name: 'f', params: [{ name: 'a', type: str }, { name: 'config', type: { kind: 'record', fields: [{ name: 'config', type: config }] } }], result: null };
    rejects(() => paramsToJs(fn, ['x', { config: { timeout: -1 } }]), 'params[1].config.timeout: expected u32, got -1 (u32 ranges from 0 to 4294967295)');
  });
});

describe('enums, flags, variants, results', () => {
  const colour: WitType = { kind: 'enum', name: 'colour', cases: ['red', 'green', 'dark-blue'] };
  const perms: WitType = { kind: 'flags', name: 'perms', flags: ['read', 'write-all', 'get-HTTP'] };
  const shapeVar: WitType = {
    kind: 'variant', name: 'v', cases: [{ name: 'none-yet', type: null }, { name: 'with-val', type: str }, { name: 'num', type: u64 }],
  };

  it('enum: the case name, snake_case accepted', () => {
    roundTrip(colour, 'dark-blue', 'dark-blue');
    expect(jsonToJs(colour, 'dark_blue', 'v')).toBe('dark-blue');
    rejects(() => jsonToJs({ kind: 'enum', cases: ['red', 'green'] }, 'blue', 'params[0]'), 'params[0]: expected one of "red", "green", got "blue"');
  });

  it('flags: an array of names, an object of camelCase booleans in JS', () => {
    roundTrip(perms, ['get-HTTP', 'read'], { read: true, writeAll: false, getHttp: true }, ['read', 'get-HTTP']);
    expect(jsonToJs(perms, ['write_all'], 'v')).toStrictEqual({ read: false, writeAll: true, getHttp: false });
    rejects(() => jsonToJs(perms, ['read', 'exec'], 'v'), 'v[1]: expected one of "read", "write-all", "get-HTTP", got "exec"');
    rejects(() => jsonToJs(perms, ['read', 'read'], 'v'), 'v[1]: flag "read" listed twice');
    rejects(() => jsToJson(perms, { read: true, exec: true }, 'v'), 'v.exec: unknown flag "exec"');
  });

  it('variant: bare case name without payload, {"case": payload} with one', () => {
    roundTrip(shapeVar, 'none-yet', { tag: 'none-yet' });
    roundTrip(shapeVar, { 'with-val': 'x' }, { tag: 'with-val', val: 'x' });
    roundTrip(shapeVar, { num: 18446744073709551615n }, { tag: 'num', val: 18446744073709551615n });
    expect(jsonToJs(shapeVar, { with_val: 'x' }, 'v')).toStrictEqual({ tag: 'with-val', val: 'x' });
    expect(jsonToJs(shapeVar, 'none_yet', 'v')).toStrictEqual({ tag: 'none-yet' });
    expect(jsonToJs(shapeVar, { 'none-yet': null }, 'v')).toStrictEqual({ tag: 'none-yet' });
    rejects(() => jsonToJs(shapeVar, 'with-val', 'v'), 'v: case "with-val" needs a payload: expected {"with-val": "text"}, got "with-val"');
    rejects(() => jsonToJs(shapeVar, { 'with-val': 1 }, 'v'), 'v.with-val: expected string');
    rejects(() => jsonToJs(shapeVar, 'other', 'v'), 'v: expected one of "none-yet", {"with-val": "text"}, {"num": 42}, got "other"');
    rejects(() => jsToJson(shapeVar, { tag: 'other' }, 'v'), 'v: expected v as { tag, val } with tag one of "none-yet", "with-val", "num"');
  });

  it('result: {"ok": v} / {"err": v} with null for no payload', () => {
    const r: WitType = { kind: 'result', ok: null, err: str };
    roundTrip(r, { ok: null }, { tag: 'ok', val: undefined });
    roundTrip(r, { err: 'bad' }, { tag: 'err', val: 'bad' });
    rejects(() => jsonToJs(r, { ok: 1 }, 'v'), 'v.ok: expected null (this case has no payload), got 1');
    rejects(() => jsonToJs(r, { ok: null, err: 'x' }, 'v'), 'v: expected result<_, string> as {"ok": …} or {"err": …}');
  });
});

describe('lists, tuples, resources', () => {
  it('numeric lists are typed arrays as in jco, other lists Arrays', () => {
    roundTrip({ kind: 'list', element: u8 }, [1, 255], new Uint8Array([1, 255]));
    roundTrip({ kind: 'list', element: u64 }, [1, 18446744073709551615n], new BigUint64Array([1n, 18446744073709551615n]));
    roundTrip({ kind: 'list', element: { kind: 'f32' } }, [1.5, 'NaN'], new Float32Array([1.5, NaN]));
    roundTrip({ kind: 'list', element: str }, ['a'], ['a']);
    expect(jsToJson({ kind: 'list', element: u8 }, [1, 2], 'v')).toStrictEqual([1, 2]);
    rejects(() => jsonToJs({ kind: 'list', element: u8 }, [1, 256], 'v'), 'v[1]: expected u8, got 256');
    rejects(() => jsToJson({ kind: 'list', element: u8 }, new Uint16Array(1), 'v'), 'v: expected list<u8> as an Array or Uint8Array, got Uint16Array(1)');
  });

  it('tuples are arrays of the exact arity', () => {
    const t: WitType = { kind: 'tuple', elements: [u8, str] };
    roundTrip(t, [1, 'a'], [1, 'a']);
    rejects(() => jsonToJs(t, [1], 'v'), 'v: expected tuple<u8, string> (an array of 2), e.g. [42, "text"], got [1]');
  });

  it('refuses resources in JSON and from JS', () => {
    rejects(() => jsonToJs({ kind: 'own', resource: 'join-set' }, 1, 'params[0]'), 'params[0]: join-set is a resource handle, which has no JSON form; got 1');
    rejects(() => jsToJson({ kind: 'borrow', resource: 'join-set' }, {}, 'v'), 'v: borrow<join-set> is a resource handle');
  });

  it('checkJson validates like jsonToJs', () => {
    expect(() => checkJson(shape, { name: 'a', 'size-in-mm': 1 }, 'v')).not.toThrow();
    rejects(() => checkJson(shape, { name: 'a', 'size-in-mm': -1 }, 'v'), 'v.size-in-mm: expected u32, got -1');
  });
});

describe('params and results', () => {
  const fn: WitFunction = { name: 'fibo', params: [{ name: 'n', type: u8 }, { name: 'iterations', type: u32 }], result: { kind: 'result', ok: u64, err: null } };

  it('checks arity and converts positionally', () => {
    expect(paramsToJs(fn, [10, 2])).toStrictEqual([10, 2]);
    rejects(() => paramsToJs(fn, [1, 2, 3]), 'params: expected 2 values, got 3 (fibo: func(n: u8, iterations: u32) -> result<u64>)');
    rejects(() => paramsToJs(fn, [1, 'x']), 'params[1]: expected u32');
  });

  it('converts a result and a missing result', () => {
    expect(resultToJson(fn, { tag: 'ok', val: 55n })).toStrictEqual({ ok: 55 });
    expect(resultToJson({ name: 'f', params: [], result: null }, undefined)).toBeNull();
    rejects(() => resultToJson(fn, 55n), "result: expected result<u64> as { tag: 'ok' | 'err', val }, got 55n (bigint)");
  });

  it('parseParams says where bad JSON is and requires an array', () => {
    rejects(() => parseParams('[1, 2 x]'), 'params: invalid JSON at line 1 column 7: ');
    rejects(() => parseParams('[1, 2, }'), 'params: invalid JSON at line 1 column 8: ');
    rejects(() => parseParams('[1,\n 22222222222222222222 x]'), 'params: invalid JSON at line 2 column 23: ');
    rejects(() => parseParams('[1, 2'), 'params: invalid JSON at line 1 column 6: ');
    rejects(() => parseParams('{"a": 1}'), 'params: expected a JSON array of values, e.g. [40, 10], got {"a":1}');
    expect(parseParams(' [40, 10] ')).toStrictEqual([40, 10]);
  });
});
