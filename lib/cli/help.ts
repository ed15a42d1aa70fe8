/** --help text at three levels (obelisk, obelisk <noun>, obelisk <noun> <verb>), generated from the command list. */
import { commandName, usageArgs, type CommandSpec, type OptionSpec } from './command.js';
import type { Style } from './io.js';

const NOT_IMPLEMENTED = '(not implemented yet)';
const EXIT_CODES = 'Exit codes: 0 ok; 1 the execution ended in err or failure; 2 usage, config or input error; 70 internal bug.';

export function topHelp(commands: readonly CommandSpec[], globals: readonly OptionSpec[], version: string, s: Style): string {
  const rows = commands.map((c) => [`${commandName(c)}${c.args.length ? ` ${usageArgs(c)}` : ''}`, summary(c, s)] as const);
  return [
    `obelisk ${version}: a durable workflow engine; WASM components replayed from plain-file logs`,
    '',
    `${s.bold('Usage:')} obelisk <command> [options]`,
    '',
    s.bold('Commands:'),
    table(rows),
    '',
    s.bold('Options:'),
    table([...globals.map(optionRow), ['--version', 'Print the version']]),
    '',
    'Run `obelisk <command> --help` for a command\'s arguments and options.',
    EXIT_CODES,
    '',
  ].join('\n');
}

export function nounHelp(noun: string, commands: readonly CommandSpec[], globals: readonly OptionSpec[], s: Style): string {
  const verbs = commands.filter((c) => c.noun === noun);
  return [
    `${s.bold('Usage:')} obelisk ${noun} <subcommand> [options]`,
    '',
    s.bold('Subcommands:'),
    table(verbs.map((c) => [`${c.verb}${c.args.length ? ` ${usageArgs(c)}` : ''}`, summary(c, s)])),
    '',
    s.bold('Options:'),
    table(globals.map(optionRow)),
    '',
    `Run \`obelisk ${noun} <subcommand> --help\` for a subcommand's arguments and options.`,
    '',
  ].join('\n');
}

export function commandHelp(spec: CommandSpec, globals: readonly OptionSpec[], s: Style): string {
  const lines = [
    `${s.bold('Usage:')} obelisk ${commandName(spec)}${spec.args.length ? ` ${usageArgs(spec)}` : ''} [options]`,
    '',
    summary(spec, s),
  ];
  if (spec.description) lines.push('', spec.description);
  if (spec.args.length) lines.push('', s.bold('Arguments:'), table(spec.args.map((a) => [a.name, a.description])));
  lines.push('', s.bold('Options:'), table([...spec.options, ...globals].map(optionRow)));
  if (spec.examples?.length) lines.push('', s.bold('Examples:'), ...spec.examples.map((e) => `  ${e}`));
  lines.push('');
  return lines.join('\n');
}

function summary(c: CommandSpec, s: Style): string {
  return c.handler ? c.summary : `${c.summary} ${s.dim(NOT_IMPLEMENTED)}`;
}

function optionRow(o: OptionSpec): readonly [string, string] {
  return [o.flags, o.default === undefined ? o.description : `${o.description} (default: ${String(o.default)})`];
}

function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
}
