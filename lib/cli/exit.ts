/**
 * Errors → exit codes, in one place (documented in docs/cli.md):
 *   0   ok
 *   1   a result: the execution ended in `err` or in an execution failure (submit --follow, verify)
 *   2   the user's mistake (UserError: usage, config, input, not found): the message, no stack
 *   70  anything else is a bug in obelisk: the stack and a request to report it (EX_SOFTWARE)
 */
import { UserError } from '../model/errors.js';
import type { Io } from './io.js';

export const EXIT_OK = 0;
export const EXIT_RESULT_ERR = 1;
export const EXIT_USAGE = 2;
export const EXIT_BUG = 70;

export function exitCodeOf(error: unknown): number {
  return error instanceof UserError ? EXIT_USAGE : EXIT_BUG;
}

/** Prints an error the way its exit code calls for, and returns that code. */
export function reportError(error: unknown, io: Io): number {
  const code = exitCodeOf(error);
  const s = io.errStyle;
  if (code === EXIT_USAGE) {
    io.err(`${s.red('error:')} ${(error as Error).message}\n`);
  } else {
    const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : `thrown value: ${String(error)}`;
    io.err(`${s.red('internal error:')} ${text}\n\n`
      + 'This is a bug in obelisk, not in your workflow or configuration. Please report it with the command you ran and the output above.\n');
  }
  return code;
}
