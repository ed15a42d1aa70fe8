/**
 * Property tests of the codec over generated WIT types and values. The seed is printed at start;
 * re-run one with OBELISK_SEED=<n>, run longer with OBELISK_RUNS=<n>.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJson, jsonToJs, jsToJson } from '../../lib/component/codec.js';
import { InputError } from '../../lib/model/errors.js';
import { formatWitType } from '../../lib/model/wit-types.js';
import { invalidJsonArb, snakeSpelling, witTypeArb, witValueArb } from '../../harness/arbitraries/wit.js';

const seed = process.env.OBELISK_SEED ? Number(process.env.OBELISK_SEED) : Date.now() % 2 ** 31;
const numRuns = process.env.OBELISK_RUNS ? Number(process.env.OBELISK_RUNS) : 300;
console.log(`codec properties: OBELISK_SEED=${seed} OBELISK_RUNS=${numRuns}`);
const params = { seed, numRuns };

const typeAndValue = witTypeArb(3).chain((type) => fc.tuple(fc.constant(type), witValueArb(type)));
const typeAndBad = witTypeArb(3).chain((type) => fc.tuple(fc.constant(type), invalidJsonArb(type)));

function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('codec properties', () => {
  it('JSON -> JS -> JSON is the identity on canonical values', () => {
    fc.assert(
      fc.property(typeAndValue, ([type, json]) => {
        checkJson(type, json, 'v');
        expect(jsToJson(type, jsonToJs(type, json, 'v'), 'v')).toStrictEqual(json);
      }),
      params,
    );
  });

  it('snake_case spellings read as the same value', () => {
    fc.assert(
      fc.property(typeAndValue, ([type, json]) => {
        expect(jsonToJs(type, snakeSpelling(type, json), 'v')).toStrictEqual(jsonToJs(type, json, 'v'));
      }),
      params,
    );
  });

  it('a value outside the type is rejected with the path of its one bad place', () => {
    fc.assert(
      fc.property(typeAndBad, ([type, bad]) => {
        for (const convert of [jsonToJs, checkJson]) {
          const err = errorOf(() => convert(type, bad.json, 'v'));
          if (!(err instanceof InputError)) {
            throw new Error(`${formatWitType(type)}: ${JSON.stringify(bad, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))} was accepted or threw ${String(err)}`);
          }
          expect(err.message.startsWith(`v${bad.path}: `), `${err.message} (expected path v${bad.path})`).toBe(true);
        }
      }),
      params,
    );
  });

  it('generated values of one type are rejected by an unrelated type or accepted consistently', () => {
    // Differential: when jsonToJs accepts a value for another type, the result must round-trip too.
    fc.assert(
      fc.property(typeAndValue, witTypeArb(2), ([, json], other) => {
        const err = errorOf(() => jsonToJs(other, json, 'v'));
        if (err === undefined) {
          const js = jsonToJs(other, json, 'v');
          expect(jsonToJs(other, jsToJson(other, js, 'v'), 'v')).toStrictEqual(js);
        } else {
          expect(err).toBeInstanceOf(InputError);
          expect((err as Error).message).toMatch(/^v[^:]*: /);
        }
      }),
      params,
    );
  });
});
