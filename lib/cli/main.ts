/**
 * Entry point of the `obelisk` command: bin/obelisk calls main(argv). `run` does the work with its
 * surroundings passed in (output, environment, folder, clock), so tests drive it in-process.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/load.js';
import { UserError } from '../model/errors.js';
import { systemClock, type Clock } from '../model/time.js';
import { parseArgv } from './argv.js';
import { commandName, type CommandContext, type HandlerModule } from './command.js';
import { COMMANDS, GLOBAL_OPTIONS } from './commands.js';
import { EXIT_OK, reportError } from './exit.js';
import { commandHelp, nounHelp, topHelp } from './help.js';
import { processIo, type Io } from './io.js';

export interface RunEnvironment {
  readonly io: Io;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly clock?: Clock;
}

/** Runs one command line; returns the exit code. Never throws. */
export async function run(argv: readonly string[], surroundings: RunEnvironment): Promise<number> {
  const { io, env, cwd } = surroundings;
  try {
    const parsed = parseArgv(argv, COMMANDS, GLOBAL_OPTIONS);
    if (parsed.kind === 'version') {
      io.out(`obelisk ${version()}\n`);
      return EXIT_OK;
    }
    if (parsed.kind === 'help') {
      io.out(parsed.spec ? commandHelp(parsed.spec, GLOBAL_OPTIONS, io.style)
        : parsed.noun ? nounHelp(parsed.noun, COMMANDS, GLOBAL_OPTIONS, io.style)
          : topHelp(COMMANDS, GLOBAL_OPTIONS, version(), io.style));
      return EXIT_OK;
    }
    const { spec, args, options } = parsed;
    if (!spec.handler) {
      throw new UserError(`\`obelisk ${commandName(spec)}\` is not implemented yet; \`obelisk --help\` lists the commands that are`);
    }
    const configPath = resolve(cwd, String(options['config']));
    const ctx: CommandContext = {
      spec, args, options, configPath, io, env, cwd,
      json: options['json'] === true,
      clock: surroundings.clock ?? systemClock,
      loadConfig: async () => {
        const config = await loadConfig(configPath, env);
        for (const w of config.warnings) io.err(`${io.errStyle.yellow('warning:')} ${w}\n`);
        return config;
      },
    };
    const module: HandlerModule = await spec.handler();
    return (await module.run(ctx)) ?? EXIT_OK;
  } catch (error) {
    return reportError(error, io);
  }
}

/** The contract with bin/obelisk: run, set process.exitCode, return the code. */
export async function main(argv: string[]): Promise<number> {
  const code = await run(argv, { io: processIo(process.env), env: process.env, cwd: process.cwd() });
  process.exitCode = code;
  return code;
}

let cachedVersion: string | undefined;

/** The version in package.json, found by walking up from this file (it runs from lib/ or dist/lib/). */
export function version(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'obelisk' && pkg.version) return (cachedVersion = pkg.version);
    } catch {
      // not here; keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return (cachedVersion = 'unknown');
    dir = parent;
  }
}
