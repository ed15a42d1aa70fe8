/**
 * Problems found in a config are collected, not thrown one by one, so a user fixes them all in one go.
 * Each names the file and line, the key path (`activity_wasm[0].retry_exp_backoff.milliseconds`), what was
 * expected (with an example) and what was received.
 */
import { ConfigError } from '../model/errors.js';

export interface ConfigIssue {
  /** Key path; empty for the file as a whole. */
  readonly keyPath: string;
  /** 1-based line in the config file, when known. */
  readonly line: number | undefined;
  /** What is wrong, without the location prefix. */
  readonly message: string;
}

/** A config that cannot be used. `issues` lists every problem; the message lists them too. */
export class InvalidConfigError extends ConfigError {
  readonly issues: readonly ConfigIssue[];
  constructor(readonly file: string, issues: readonly ConfigIssue[]) {
    // In file order, so the user can walk down the file; issues without a line (file-wide) last.
    const sorted = [...issues].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
    super(formatIssues(file, sorted));
    this.issues = sorted;
  }
}

export function formatIssue(file: string, issue: ConfigIssue): string {
  const where = issue.line === undefined ? file : `${file}:${issue.line}`;
  return issue.keyPath === '' ? `${where}: ${issue.message}` : `${where}: ${issue.keyPath}: ${issue.message}`;
}

function formatIssues(file: string, issues: readonly ConfigIssue[]): string {
  if (issues.length === 1) return `invalid configuration: ${formatIssue(file, issues[0]!)}`;
  return [`invalid configuration: ${issues.length} problems`, ...issues.map((i) => `  ${formatIssue(file, i)}`)].join('\n');
}

/** Collects issues and looks up their lines. */
export class IssueList {
  readonly issues: ConfigIssue[] = [];
  constructor(readonly lineOf: (keyPath: string) => number | undefined) {}

  add(keyPath: string, message: string): void {
    this.issues.push({ keyPath, line: this.lineOf(keyPath), message });
  }

  throwIfAny(file: string): void {
    if (this.issues.length > 0) throw new InvalidConfigError(file, this.issues);
  }
}

/** How a received TOML value reads in a message: `"100" (a string)`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `${JSON.stringify(value)} (a string)`;
  if (typeof value === 'bigint') return `${value} (an integer)`;
  if (typeof value === 'number') return `${value} (a float)`;
  if (typeof value === 'boolean') return `${value} (a boolean)`;
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return `${value.toString()} (a date)`;
  if (value !== null && typeof value === 'object') return 'a table';
  return String(value);
}
