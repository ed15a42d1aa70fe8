/**
 * Errors, grouped by what the caller should do with them. The CLI maps them to exit codes in one
 * place (lib/cli/exit.ts); nothing below the CLI prints or exits.
 *
 *   UserError        the input or configuration is wrong: say so, exit 2
 *     InputError       a value given on the command line or in a file
 *     ConfigError      obelisk.toml
 *     NotFoundError    an id or function that does not exist
 *   RetryLaterError  a transient condition (a lease held by another process): try again later
 *   LeaseLostError   the lease was taken over: stop working on this execution, write nothing more
 *   CorruptLogError  a stored file cannot be read: affects that execution only
 *   NondeterminismError  replay diverged from the recorded history
 *   BugError         an invariant of the engine itself broke: report it
 */
export class ObeliskError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UserError extends ObeliskError {}
export class InputError extends UserError {}
export class ConfigError extends UserError {}
export class NotFoundError extends UserError {}

export class RetryLaterError extends ObeliskError {}

export class LeaseLostError extends ObeliskError {}

export class CorruptLogError extends ObeliskError {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`);
  }
}

export class NondeterminismError extends ObeliskError {
  constructor(message: string, readonly detail: string) {
    super(message);
  }
}

export class BugError extends ObeliskError {}

/** Exhaustiveness guard for switches over tagged unions. */
export function assertNever(x: never, what = 'value'): never {
  throw new BugError(`unexpected ${what}: ${JSON.stringify(x)}`);
}
