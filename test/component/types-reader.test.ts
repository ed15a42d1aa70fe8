// The types read from the built binaries, compared with what the WIT sources in components/*/wit say
// (the expected values below are transcribed by hand from those files).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lib/model/errors.js';
import type { WitFunction, WitType } from '../../lib/model/wit-types.js';
import { readComponentTypes, returnShapeProblem } from '../../lib/component/types-reader.js';
import { testComponents } from './support/test-components.js';

const p = (kind: 'bool' | 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64' | 'f32' | 'f64' | 'char' | 'string'): WitType => ({ kind });
const list = (element: WitType): WitType => ({ kind: 'list', element });
const option = (some: WitType): WitType => ({ kind: 'option', some });
const result = (ok: WitType | null, err: WitType | null): WitType => ({ kind: 'result', ok, err });
const tuple = (...elements: WitType[]): WitType => ({ kind: 'tuple', elements });
const record = (name: string, owner: string, fields: [string, WitType][]): WitType => ({
  kind: 'record', name, owner, fields: fields.map(([n, type]) => ({ name: n, type })),
});
const variant = (name: string, owner: string, cases: [string, WitType | null][]): WitType => ({
  kind: 'variant', name, owner, cases: cases.map(([n, type]) => ({ name: n, type })),
});
const fn = (name: string, params: [string, WitType][], res: WitType | null): WitFunction => ({
  name, params: params.map(([n, type]) => ({ name: n, type })), result: res,
});

let paths: Record<string, string>;
const typesOf = (name: string) => readComponentTypes(readFileSync(paths[name]!));

beforeAll(async () => {
  paths = await testComponents();
});

describe('all_types (components/all_types/wit/world.wit)', () => {
  const IMPORTED = 'obelisk-test:all-types/imported@1.0.0';
  const SHARED = 'obelisk-test:all-types/shared@1.0.0';
  const API = 'obelisk-test:all-types/api@1.0.0';

  const stamp = record('stamp', IMPORTED, [['at', p('u64')], ['zone', option(p('string'))]]);
  const point = record('point', SHARED, [['x', p('s32')], ['y', p('s32')]]);
  const color: WitType = { kind: 'enum', name: 'color', owner: SHARED, cases: ['red', 'green', 'blue'] };
  const permissions: WitType = { kind: 'flags', name: 'permissions', owner: API, flags: ['read', 'write', 'exec'] };
  const shape = variant('shape', API, [
    ['circle', p('f64')], ['rect', tuple(p('f32'), p('f32'))], ['dot', null], ['polygon', list(point)],
  ]);
  const inner = record('inner', API, [['label', p('string')], ['at', stamp]]);
  const nested = record('nested', API, [
    ['id', p('u64')],
    ['origin', point], // declared as point-alias: aliases resolve to what they name
    ['inner', inner],
    ['tags', list(p('string'))],
    ['maybe', option(option(p('u8')))],
    ['color', color],
    ['perms', permissions],
  ]);
  const appError = variant('app-error', API, [
    ['execution-failed', null], ['bad-input', p('string')], ['permanent-failure', tuple(p('u32'), p('string'))],
  ]);
  const own: WitType = { kind: 'own', resource: 'counter', owner: API };
  const borrow: WitType = { kind: 'borrow', resource: 'counter', owner: API };

  const expectedApi: WitFunction[] = [
    fn('[constructor]counter', [['start', p('u64')]], own),
    fn('[method]counter.add', [['self', borrow], ['n', p('u32')]], p('u64')),
    fn('scalars', [
      ['a', p('bool')], ['b', p('u8')], ['c', p('u16')], ['d', p('u32')], ['e', p('u64')], ['f', p('s8')], ['g', p('s16')],
      ['h', p('s32')], ['i', p('s64')], ['j', p('f32')], ['k', p('f64')], ['l', p('char')], ['m', p('string')],
    ], result(p('u64'), null)),
    fn('compound', [['n', nested], ['s', shape], ['data', list(p('u8'))], ['c', p('u32')]],
      result(tuple(point, list(shape)), p('string'))),
    fn('nested-results', [['r', result(result(null, p('string')), result(p('u8'), null))]],
      result(option(result(p('string'), appError)), appError)),
    fn('no-payloads', [], result(null, null)),
    fn('error-only', [['p', permissions]], result(null, p('string'))),
    fn('handles', [['c', borrow], ['stamps', list(stamp)]], result(own, appError)),
    fn('no-result', [['x', p('u8')]], null),
    fn('plain-return', [], p('string')),
    fn('enum-error', [], result(p('u8'), color)),
    fn('variant-without-failure', [], result(p('u8'), shape)),
  ];

  it('reads every exported function with the exact types of the WIT source', () => {
    const t = typesOf('all_types');
    expect(t.exports).toStrictEqual([
      { name: SHARED, functions: [] },
      { name: API, functions: expectedApi },
    ]);
    expect(t.imports).toStrictEqual([{ name: IMPORTED, functions: [] }]);
    expect(t.wasiImports).toStrictEqual([]);
  });

  it('lists the exports that cannot be workflow or activity functions, with a reason', () => {
    const t = typesOf('all_types');
    const reasons = Object.fromEntries(t.unusable.map((u) => [u.ffqn.slice(API.length + 1), u.reason]));
    expect(Object.keys(reasons).sort()).toEqual(
      ['[constructor]counter', '[method]counter.add', 'enum-error', 'no-result', 'plain-return', 'variant-without-failure'].sort(),
    );
    expect(reasons['no-result']).toMatch(/returns nothing: expected result, result<T>/);
    expect(reasons['plain-return']).toMatch(/returns string/);
    expect(reasons['enum-error']).toMatch(/error type is color/);
    expect(reasons['variant-without-failure']).toMatch(/error type is shape: .*execution-failed/);
    expect(t.unusable.every((u) => u.direction === 'export' && u.ffqn.startsWith(`${API}.`))).toBe(true);
  });
});

describe('fibo components', () => {
  it('fibo_activity exports fibo: func(n: u8) -> result<u64> and imports nothing', () => {
    const t = typesOf('fibo_activity');
    expect(t.exports).toStrictEqual([
      { name: 'template-fibo:activity/fibo-activity-ifc', functions: [fn('fibo', [['n', p('u8')]], result(p('u64'), null))] },
    ]);
    expect(t.imports).toStrictEqual([]);
    expect(t.unusable).toStrictEqual([]);
  });

  it('fibo_workflow: the imported functions carry the obelisk:types records, variants and resource', () => {
    const EXEC = 'obelisk:types/execution@4.2.0';
    const JOIN_SET = 'obelisk:types/join-set@4.2.0';
    const executionId = record('execution-id', EXEC, [['id', p('string')]]);
    const fnRecord = record('function', EXEC, [['interface-name', p('string')], ['function-name', p('string')]]);
    const responseId = variant('response-id', EXEC, [
      ['execution-id', executionId], ['delay-id', record('delay-id', EXEC, [['id', p('string')]])],
    ]);
    const awaitNextError = variant('await-next-extension-error', EXEC, [
      ['all-processed', null],
      ['function-mismatch', record('function-mismatch', EXEC, [
        ['specified-function', fnRecord], ['actual-function', option(fnRecord)], ['actual-id', responseId],
      ])],
    ]);
    const joinSet = (kind: 'own' | 'borrow'): WitType => ({ kind, resource: 'join-set', owner: JOIN_SET });
    const u64Result = result(p('u64'), null);

    const t = typesOf('fibo_workflow');
    expect(t.imports).toStrictEqual([
      { name: EXEC, functions: [] },
      { name: JOIN_SET, functions: [] },
      { name: 'obelisk:workflow/workflow-support@5.1.0', functions: [fn('join-set-create', [], joinSet('own'))] },
      { name: 'template-fibo:activity/fibo-activity-ifc', functions: [fn('fibo', [['n', p('u8')]], u64Result)] },
      {
        name: 'template-fibo:activity-obelisk-ext/fibo-activity-ifc',
        functions: [
          fn('fibo-submit', [['join-set', joinSet('borrow')], ['n', p('u8')]], executionId),
          fn('fibo-await-next', [['join-set', joinSet('borrow')]], result(tuple(executionId, u64Result), awaitNextError)),
        ],
      },
    ]);
    expect(t.exports).toStrictEqual([
      {
        name: 'template-fibo:workflow/fibo-workflow-ifc',
        functions: [
          fn('fiboa', [['n', p('u8')], ['iterations', p('u32')]], u64Result),
          fn('fiboa-concurrent', [['n', p('u8')], ['iterations', p('u32')]], u64Result),
        ],
      },
    ]);
    expect(t.unusable).toStrictEqual([]);
  });
});

describe('return shapes (obelisk-compat.md §2)', () => {
  const failing = variant('e', 'x:y/z', [['execution-failed', null], ['other', p('string')]]);
  it.each([
    ['result', result(null, null)],
    ['result<T>', result(p('u64'), null)],
    ['result<T, string>', result(p('u64'), p('string'))],
    ['result<_, E> with execution-failed', result(null, failing)],
  ])('accepts %s', (_, r) => {
    expect(returnShapeProblem(fn('f', [], r))).toBeUndefined();
  });
  it('rejects a result whose error variant lacks execution-failed', () => {
    expect(returnShapeProblem(fn('f', [], result(null, variant('e', 'x:y/z', [['failed', null]]))))).toMatch(/error type is e/);
  });
});

describe('invalid input', () => {
  it('rejects a core module, saying it is not a component', () => {
    const core = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    expect(() => readComponentTypes(core)).toThrow(InputError);
    expect(() => readComponentTypes(core)).toThrow(/core WebAssembly module, not a component/);
  });

  it('rejects a truncated component with the offset', () => {
    const bytes = readFileSync(paths.fibo_workflow!);
    expect(() => readComponentTypes(bytes.subarray(0, 200))).toThrow(/not a valid WebAssembly component: .* at byte offset \d+/);
  });
});
