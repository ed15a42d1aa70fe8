/**
 * The codec's JS side checked against jco itself: values converted from JSON go through a real
 * component (see codec.jco-fixture.ts) and must (a) arrive at the host import exactly as the codec
 * built them, i.e. jco lifts the same shape, and (b) come back and convert to the same JSON.
 * Generated types use the property seed (OBELISK_SEED) printed at start.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonToJs, jsToJson } from '../../lib/component/codec.js';
import type { JsonValue } from '../../lib/model/json.js';
import { formatWitType, type WitType } from '../../lib/model/wit-types.js';
import { witTypeArb, witValueArb } from '../../harness/arbitraries/wit.js';
import { buildPassthrough, type Passthrough } from './codec.jco-fixture.js';

const u8: WitType = { kind: 'u8' };
const u32: WitType = { kind: 'u32' };
const str: WitType = { kind: 'string' };
const opt = (some: WitType): WitType => ({ kind: 'option', some });
const list = (element: WitType): WitType => ({ kind: 'list', element });

const colour: WitType = { kind: 'enum', name: 'colour', cases: ['red', 'dark-green', 'get-HTTP'] };
const perms: WitType = { kind: 'flags', name: 'perms', flags: ['read', 'write-all', 'get-HTTP', 'class'] };
const shape: WitType = {
  kind: 'variant', name: 'shape',
  cases: [{ name: 'none-yet', type: null }, { name: 'with-name', type: str }, { name: 'big', type: { kind: 'u64' } }, { name: 'pair', type: { kind: 'tuple', elements: [u8, { kind: 'f32' }] } }],
};
const item: WitType = {
  kind: 'record', name: 'item',
  fields: [
    { name: 'item-name', type: str }, { name: 'count', type: { kind: 'u64' } }, { name: 'class', type: { kind: 'char' } },
    { name: 'note', type: opt(str) }, { name: 'bytes', type: list(u8) }, { name: 'colour', type: colour },
    { name: 'perms', type: perms }, { name: 'shape', type: shape }, { name: 'get-HTTP-code', type: { kind: 's16' } },
  ],
};
const wide: WitType = { kind: 'record', name: 'wide', fields: Array.from({ length: 17 }, (_v, i) => ({ name: `f${i}`, type: u32 })) };

/** Fixed types with values that reach the edges of each form. */
const FIXED: [WitType, JsonValue[]][] = [
  [item, [
    { 'item-name': 'a😀', count: 18446744073709551615n, class: '😀', note: null, bytes: [0, 255], colour: 'get-HTTP', perms: ['write-all', 'class'], shape: { pair: [7, 'NaN'] }, 'get-HTTP-code': -32768 },
    { 'item-name': '', count: 0, class: 'x', note: 'n', bytes: [], colour: 'red', perms: [], shape: 'none-yet', 'get-HTTP-code': 1 },
  ]],
  [shape, ['none-yet', { 'with-name': 'x' }, { big: 9007199254740993n }, { pair: [1, -1.5] }]],
  [opt(opt(u8)), [null, { some: null }, { some: 5 }]],
  [opt(opt(opt(u8))), [null, { some: null }, { some: { some: null } }, { some: { some: 255 } }]],
  [list(opt(u8)), [[1, null, 3]]],
  [{ kind: 'tuple', elements: [list({ kind: 'u16' }), list({ kind: 's64' }), list({ kind: 'f32' }), list({ kind: 'f64' })] },
    [[[65535], [-9223372036854775808n, 9223372036854775807n], [1.5, 'Infinity', 'NaN'], [-0, 1e-300, '-Infinity']]]],
  [list(list(u8)), [[[1, 2], []]]],
  [list({ kind: 'bool' }), [[true, false]]],
  [list({ kind: 'char' }), [['a', '😀']]],
  [{ kind: 'result', ok: u32, err: str }, [{ ok: 4294967295 }, { err: 'bad' }]],
  [{ kind: 'tuple', elements: [{ kind: 'result', ok: null, err: null }, { kind: 'result', ok: null, err: u8 }] }, [[{ ok: null }, { err: 3 }], [{ err: null }, { ok: null }]]],
  [wide, [Object.fromEntries(Array.from({ length: 17 }, (_v, i) => [`f${i}`, i * 1000]))]],
];

const seed = process.env.OBELISK_SEED ? Number(process.env.OBELISK_SEED) : Date.now() % 2 ** 31;
const GENERATED = fc.sample(
  witTypeArb(3).chain((t) => fc.tuple(fc.constant(t), fc.array(witValueArb(t), { minLength: 1, maxLength: 4 }))),
  { seed, numRuns: process.env.OBELISK_RUNS ? Math.max(8, Math.ceil(Number(process.env.OBELISK_RUNS) / 25)) : 12 },
);

const CASES = [...FIXED, ...GENERATED];
let component: Passthrough;

beforeAll(async () => {
  console.log(`codec through jco: OBELISK_SEED=${seed}, ${GENERATED.length} generated types`);
  component = await buildPassthrough(CASES.map(([t]) => t));
});

describe('codec through jco bindings', () => {
  it.each(CASES.map(([t, values], n) => [n, formatWitType(t), t, values] as const))(
    'pass%i: %s',
    (n, _name, type, values) => {
      for (const json of values) {
        const js = jsonToJs(type, json, 'v');
        const back = component.call(n, js);
        expect(component.received(n), 'jco lifts the shape the codec builds').toStrictEqual(js);
        expect(back).toStrictEqual(js);
        if (typeof js === 'object' && js !== null) expect(back, 'a copy made by jco, not the same object').not.toBe(js);
        expect(jsToJson(type, back, 'v')).toStrictEqual(json);
      }
    },
  );
});
