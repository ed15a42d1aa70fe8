/**
 * What a command is: a declaration (in commands.ts) and a handler module (in commands/). A handler
 * only parses its arguments further, calls the layers below, and prints through ctx.io.
 */
import type { Config } from '../config/types.js';
import type { Clock } from '../model/time.js';
import type { Io } from './io.js';

export interface ArgSpec {
  /** kebab-case; the handler reads it as ctx.args[name]. */
  readonly name: string;
  readonly description: string;
  /** Default true. */
  readonly required?: boolean;
  /** Takes the rest of the arguments (last argument only); ctx.args[name] is then a string[]. */
  readonly variadic?: boolean;
}

export interface OptionSpec {
  /** As cac writes them: `--json`, `-f, --follow`, `--limit <n>`. */
  readonly flags: string;
  readonly description: string;
  readonly default?: string | boolean;
}

export interface CommandSpec {
  readonly noun: string;
  /** Absent for a command that is a single word (`tick`). */
  readonly verb?: string;
  /** One line, for lists. */
  readonly summary: string;
  /** More detail for the command's own --help. */
  readonly description?: string;
  readonly args: readonly ArgSpec[];
  /** Besides the global --config and --help. */
  readonly options: readonly OptionSpec[];
  readonly examples?: readonly string[];
  /** Absent: registered but not implemented yet (it says so in --help and when run). */
  readonly handler?: () => Promise<HandlerModule>;
}

export interface CommandContext {
  readonly spec: CommandSpec;
  /** Positional arguments by ArgSpec name; variadic ones as string[]. */
  readonly args: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Options by camelCase name (`--max-retries` → maxRetries): strings for `<value>` options, booleans for flags. */
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
  /** --json was given (false when the command has no --json). */
  readonly json: boolean;
  /** --config, absolute. */
  readonly configPath: string;
  readonly io: Io;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly clock: Clock;
  /** Loads --config with ctx.env; prints the config's warnings to stderr. */
  loadConfig(): Promise<Config>;
}

/** Returns the exit code (default 0); EXIT_RESULT_ERR when the execution ended in err or failure. */
export type Handler = (ctx: CommandContext) => Promise<number | void>;

export interface HandlerModule {
  readonly run: Handler;
}

export function commandName(spec: CommandSpec): string {
  return spec.verb === undefined ? spec.noun : `${spec.noun} ${spec.verb}`;
}

export function usageArgs(spec: CommandSpec): string {
  return spec.args.map((a) => {
    const inner = a.variadic ? `...${a.name}` : a.name;
    return a.required === false ? `[${inner}]` : `<${inner}>`;
  }).join(' ');
}
