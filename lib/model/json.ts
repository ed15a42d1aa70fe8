/**
 * JSON values as the engine holds them: integers beyond 2^53 are `bigint`, so u64 and s64 survive
 * parsing and printing exactly. Plain JSON.parse is used whenever a text cannot hold such a number
 * (no run of 16 or more digits), which keeps the common case at native speed.
 */
import { parse as losslessParse, stringify as losslessStringify, isSafeNumber } from 'lossless-json';

export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };

const LONG_DIGITS = /\d{16,}/;

function parseNumber(text: string): number | bigint {
  if (isSafeNumber(text)) return Number(text);
  if (/^-?\d+$/.test(text)) return BigInt(text);
  return Number(text); // a float: its nearest double is what JSON means by it
}

/** Parses JSON text, keeping big integers exact. Throws SyntaxError with a position on bad input. */
export function parseJson(text: string): JsonValue {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text) as JsonValue;
  return losslessParse(text, null, parseNumber) as JsonValue;
}

/** Prints a value on one line; bigints print as plain integers. */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return losslessStringify(value as never) as string; // only reached when the value holds a bigint
  }
}
