/**
 * Names and descriptions the codec shares: jco's camelCase spelling of WIT names, lookup of a WIT
 * name by its kebab or snake_case spelling, and short renderings of values for error messages.
 */
import { InputError } from '../../model/errors.js';
import { stringifyJson, type JsonValue } from '../../model/json.js';

const camelCache = new Map<string, string>();

/**
 * The key jco uses for a record field or flag: lower camelCase, each kebab segment one word
 * (`field-one` → `fieldOne`, `get-HTTP-response` → `getHttpResponse`, `a1-b2` → `a1B2`), as heck's
 * `to_lower_camel_case` gives for valid WIT identifiers. Reserved words are kept (`class`).
 */
export function jsName(witName: string): string {
  let out = camelCache.get(witName);
  if (out === undefined) {
    out = witName
      .split('-')
      .filter((s) => s.length > 0)
      .map((s, i) => (i === 0 ? s.toLowerCase() : s.charAt(0).toUpperCase() + s.slice(1).toLowerCase()))
      .join('');
    camelCache.set(witName, out);
  }
  return out;
}

/** Index of each name by its WIT spelling and its snake_case spelling. */
export type NameIndex = Map<string, number>;

const indexCache = new WeakMap<object, NameIndex>();

/** Builds (once per type object) the lookup for `names`; `owner` is the type the names belong to. */
export function nameIndex(owner: object, names: readonly string[]): NameIndex {
  let index = indexCache.get(owner);
  if (!index) {
    index = new Map();
    names.forEach((n, i) => index!.set(n, i));
    names.forEach((n, i) => {
      const snake = n.replaceAll('-', '_');
      if (!index!.has(snake)) index!.set(snake, i);
    });
    indexCache.set(owner, index);
  }
  return index;
}

export function fail(path: string, message: string): never {
  throw new InputError(`${path}: ${message}`);
}

const MAX_SHOWN = 80;

function clip(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/** A JSON value as the user wrote it, shortened. */
export function showJson(json: JsonValue | undefined): string {
  if (json === undefined) return 'nothing';
  return clip(stringifyJson(json));
}

/** A JS value with its kind, shortened: `"5" (string)`, `5n (bigint)`, `Uint8Array(3)`. */
export function showJs(js: unknown): string {
  if (js === undefined) return 'undefined';
  if (js === null) return 'null';
  switch (typeof js) {
    case 'string':
      return `${clip(JSON.stringify(js))} (string)`;
    case 'bigint':
      return `${js}n (bigint)`;
    case 'number':
    case 'boolean':
      return `${String(js)} (${typeof js})`;
    case 'object':
      if (ArrayBuffer.isView(js)) return `${js.constructor.name}(${(js as unknown as ArrayLike<unknown>).length})`;
      try {
        return `${clip(JSON.stringify(js, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)))} (${Array.isArray(js) ? 'array' : 'object'})`;
      } catch {
        return Array.isArray(js) ? 'array' : 'object';
      }
    default:
      return typeof js;
  }
}

/** `"red", "green"` */
export function quotedList(names: readonly string[]): string {
  return names.map((n) => JSON.stringify(n)).join(', ');
}
