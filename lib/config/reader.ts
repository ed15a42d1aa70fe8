/**
 * Typed reads from one TOML table, recording a ConfigIssue (never throwing) for each bad value, so
 * parsing goes on and reports every problem at once.
 *
 * Invariants:
 *  1. Every getter names the key it reads; `finish()` reports any key in the table that no getter named
 *     as unknown, suggesting the closest named key. So the valid keys are exactly those the parser reads.
 *  2. A bad or missing value records one issue and yields the default (or undefined), never a half value.
 *  3. Integers come from smol-toml as bigint (floats as number), so `5.0` is not taken for an integer.
 *  4. Strings read through `string`/`path` are interpolated (`${OBELISK_TOML_DIR}`, `${ENV}`); `path`
 *     also resolves a relative path against the config file's folder.
 */
import { isAbsolute, resolve } from 'node:path';
import { describeValue, type IssueList } from './issues.js';
import { interpolate } from './interpolate.js';
import { joinPath } from './locate.js';
import { closest } from './suggest.js';

export type Table = Record<string, unknown>;

export interface ReadContext {
  readonly issues: IssueList;
  /** The config file's folder, absolute. */
  readonly dir: string;
  /** `${NAME}` lookup: OBELISK_TOML_DIR, then the environment. */
  readonly vars: (name: string) => string | undefined;
  readonly warnings: string[];
}

export function isTable(v: unknown): v is Table {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

const DURATION_UNITS = { milliseconds: 1, seconds: 1_000, minutes: 60_000, hours: 3_600_000 } as const;

export class TableReader {
  private readonly named = new Set<string>();
  private readonly ignored = new Set<string>();

  constructor(readonly ctx: ReadContext, readonly path: string, private readonly values: Table) {}

  keyPath(key: string): string {
    return joinPath(this.path, key);
  }

  /** A key that is accepted but means nothing here: not reported as unknown, not offered as a valid key. */
  ignore(key: string): boolean {
    this.ignored.add(key);
    return Object.hasOwn(this.values, key);
  }

  has(key: string): boolean {
    this.named.add(key);
    return Object.hasOwn(this.values, key);
  }

  /** The raw value; marks the key as known. */
  raw(key: string): unknown {
    this.named.add(key);
    return Object.hasOwn(this.values, key) ? this.values[key] : undefined;
  }

  issue(key: string, message: string): void {
    this.ctx.issues.add(key === '' ? this.path : this.keyPath(key), message);
  }

  private wrong(key: string, expected: string, example: string, value: unknown): void {
    this.issue(key, `expected ${expected}, for example \`${example}\`; got ${describeValue(value)}`);
  }

  missing(key: string, example: string): void {
    this.issue(key, `missing; this key is required, for example \`${example}\``);
  }

  /** A string, interpolated. */
  string(key: string, example: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      this.wrong(key, 'a string', example, v);
      return undefined;
    }
    return this.interpolated(this.keyPath(key), v);
  }

  requiredString(key: string, example: string): string | undefined {
    if (!this.has(key)) {
      this.missing(key, example);
      return undefined;
    }
    return this.string(key, example);
  }

  /** A path, interpolated and made absolute against the config file's folder. */
  filePath(key: string, example: string): string | undefined {
    const v = this.string(key, example);
    return v === undefined ? undefined : this.resolvePath(v);
  }

  resolvePath(p: string): string {
    return isAbsolute(p) ? resolve(p) : resolve(this.ctx.dir, p);
  }

  /** Interpolates `${…}` in a value found at `keyPath`; records an issue and yields undefined on failure. */
  interpolated(keyPath: string, text: string): string | undefined {
    const r = interpolate(text, this.ctx.vars);
    if (r.ok) return r.value;
    this.ctx.issues.add(keyPath, r.problem);
    return undefined;
  }

  integer(key: string, dflt: number, example: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.raw(key);
    if (v === undefined) return dflt;
    const range = max === Number.MAX_SAFE_INTEGER ? (min === 0 ? 'a non-negative integer' : `an integer of at least ${min}`) : `an integer from ${min} to ${max}`;
    if (typeof v !== 'bigint' || v < BigInt(min) || v > BigInt(max)) {
      this.wrong(key, range, example, v);
      return dflt;
    }
    return Number(v);
  }

  boolean(key: string, dflt: boolean, example: string): boolean {
    const v = this.raw(key);
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') {
      this.wrong(key, 'true or false', example, v);
      return dflt;
    }
    return v;
  }

  choice<T extends string>(key: string, values: readonly T[], dflt: T): T {
    const v = this.raw(key);
    if (v === undefined) return dflt;
    if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
    const hint = typeof v === 'string' ? closest(v, values) : undefined;
    const example = `${key} = ${JSON.stringify(values[0])}`;
    this.wrong(key, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}`, example, v);
    return dflt;
  }

  /** An array of strings, not interpolated (the caller knows which part of each entry is a value). */
  stringArray(key: string, example: string): string[] {
    const v = this.raw(key);
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      this.wrong(key, 'an array of strings', example, Array.isArray(v) ? v.find((x) => typeof x !== 'string') : v);
      return [];
    }
    return v as string[];
  }

  /**
   * A duration table with exactly one unit, as Obelisk writes them: `lock_expiry.seconds = 1`,
   * `retry_exp_backoff.milliseconds = 100`. Returns milliseconds.
   */
  duration(key: string, dfltMs: number, example: string): number {
    const v = this.raw(key);
    if (v === undefined) return dfltMs;
    if (!isTable(v)) {
      this.wrong(key, 'a duration table with one of milliseconds, seconds, minutes, hours', example, v);
      return dfltMs;
    }
    const sub = new TableReader(this.ctx, this.keyPath(key), v);
    const present = Object.keys(DURATION_UNITS).filter((u) => sub.has(u)) as (keyof typeof DURATION_UNITS)[];
    let ms = dfltMs;
    if (present.length === 1) {
      const unit = present[0]!;
      ms = sub.integer(unit, -1, example) * DURATION_UNITS[unit];
      if (ms < 0) ms = dfltMs;
    } else if (present.length > 1) {
      this.issue(key, `expected exactly one unit, for example \`${example}\`; got ${present.join(' and ')}`);
    }
    const unknown = sub.finish();
    if (present.length === 0 && unknown === 0) this.issue(key, `expected one of milliseconds, seconds, minutes, hours, for example \`${example}\`; got an empty table`);
    return ms;
  }

  /** A sub-table (`exec`, `[tick]`); undefined when absent or not a table. */
  table(key: string, example: string): TableReader | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (!isTable(v)) {
      this.wrong(key, 'a table', example, v);
      return undefined;
    }
    return new TableReader(this.ctx, this.keyPath(key), v);
  }

  /** An array of tables (`[[activity_wasm]]`), one reader per element. */
  tableArray(key: string, example: string): TableReader[] {
    const v = this.raw(key);
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every(isTable)) {
      this.wrong(key, 'an array of tables', example, v);
      return [];
    }
    return (v as Table[]).map((t, i) => new TableReader(this.ctx, `${this.keyPath(key)}[${i}]`, t));
  }

  /** The entries of a table used as a map (`backtrace.sources`); all its keys are valid. */
  entries(): [string, unknown][] {
    for (const k of Object.keys(this.values)) this.named.add(k);
    return Object.entries(this.values);
  }

  /** Reports keys no getter named. Returns how many. */
  finish(): number {
    const known = [...this.named];
    let count = 0;
    for (const key of Object.keys(this.values)) {
      if (this.named.has(key) || this.ignored.has(key)) continue;
      count++;
      const hint = closest(key, known);
      const valid = known.length > 0 ? `valid keys here: ${known.join(', ')}` : 'no keys are valid here';
      this.issue(key, `unknown key${hint ? `; did you mean \`${hint}\`?` : ''} (${valid})`);
    }
    return count;
  }
}
