/**
 * argv → which command, its arguments and options. cac has no multi-word commands, so the noun and
 * verb are found here first; cac (its mri parser) then parses the rest against that command's options.
 * Every usage mistake becomes an InputError (exit 2) naming the mistake and what to type instead.
 */
import { cac } from 'cac';
import { BugError, InputError } from '../model/errors.js';
import { closest } from '../config/suggest.js';
import { commandName, usageArgs, type CommandSpec, type OptionSpec } from './command.js';

export type Parsed =
  | { readonly kind: 'help'; readonly noun?: string; readonly spec?: CommandSpec }
  | { readonly kind: 'version' }
  | {
    readonly kind: 'run';
    readonly spec: CommandSpec;
    readonly args: Record<string, string | string[] | undefined>;
    readonly options: Record<string, string | boolean | undefined>;
  };

export function parseArgv(argv: readonly string[], commands: readonly CommandSpec[], globals: readonly OptionSpec[]): Parsed {
  const valueOptions = new Set([...globals, ...commands.flatMap((c) => c.options)].filter(takesValue).flatMap(optionNames));
  const positions = positionals(argv, valueOptions);
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  const nouns = [...new Set(commands.map((c) => c.noun))];

  const nounAt = positions[0];
  if (nounAt === undefined) {
    if (argv.includes('--version')) return { kind: 'version' };
    return { kind: 'help' };
  }
  const noun = argv[nounAt]!;
  const ofNoun = commands.filter((c) => c.noun === noun);
  if (ofNoun.length === 0) {
    throw new InputError(`unknown command ${JSON.stringify(noun)}${hint(noun, nouns)}; run \`obelisk --help\` for the list of commands`);
  }
  let spec = ofNoun.find((c) => c.verb === undefined);
  let rest = [...argv];
  if (!spec) {
    const verbs = ofNoun.map((c) => c.verb!);
    const verbAt = positions[1];
    if (verbAt === undefined) {
      if (wantsHelp) return { kind: 'help', noun };
      throw new InputError(`\`obelisk ${noun}\` needs a subcommand, one of: ${verbs.join(', ')}; for example \`obelisk ${noun} ${verbs[0]} --help\``);
    }
    const verb = argv[verbAt]!;
    spec = ofNoun.find((c) => c.verb === verb);
    if (!spec) {
      throw new InputError(`unknown command \`obelisk ${noun} ${verb}\`${hint(verb, verbs)}; \`obelisk ${noun}\` takes one of: ${verbs.join(', ')}`);
    }
    rest = argv.filter((_, i) => i !== verbAt);
  }
  if (wantsHelp) return { kind: 'help', noun, spec };
  return { kind: 'run', spec, ...parseCommand(spec, rest, globals) };
}

function parseCommand(spec: CommandSpec, argv: string[], globals: readonly OptionSpec[]) {
  // mri would read `--follow=yes` as the flag plus a positional "yes"; say what is wrong instead.
  const flags = [...globals, ...spec.options].filter((o) => !takesValue(o)).flatMap(optionNames);
  for (const t of argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length)) {
    const name = t.split('=')[0]!;
    if (t.includes('=') && flags.includes(name)) throw new InputError(`option ${name} takes no value; got ${JSON.stringify(t)}`);
  }
  const cli = cac('obelisk');
  for (const o of globals) cli.option(o.flags, o.description, o.default === undefined ? undefined : { default: o.default });
  const cmd = cli.command(spec.noun, spec.summary);
  for (const o of spec.options) cmd.option(o.flags, o.description, o.default === undefined ? undefined : { default: o.default });
  cli.parse(['node', 'obelisk', ...argv], { run: false });
  if (cli.matchedCommand !== cmd) throw new BugError(`argv parser did not match ${JSON.stringify(spec.noun)} in ${JSON.stringify(argv)}`);

  // cac's own Option objects carry the camelCase names (and aliases) mri produces; they are in declaration order.
  const declared = [...globals, ...spec.options];
  const known = new Map<string, OptionSpec>();
  [...cli.globalCommand.options, ...cmd.options].forEach((opt, i) => {
    for (const n of opt.names) known.set(n, declared[i]!);
  });
  const options: Record<string, string | boolean | undefined> = {};
  for (const [name, value] of Object.entries(cli.options)) {
    if (name === '--') continue;
    const o = known.get(name);
    if (!o) {
      const flag = name.length === 1 ? `-${name}` : `--${kebab(name)}`;
      const flags = declared.flatMap(optionNames);
      throw new InputError(`unknown option ${flag} for \`obelisk ${commandName(spec)}\`${hint(flag, flags)}; run \`obelisk ${commandName(spec)} --help\` for its options`);
    }
    options[name] = coerce(spec, o, value);
    // mri turns numeric-looking values into numbers (`007` → 7); a value option keeps the text as typed.
    if (typeof options[name] === 'string') options[name] = rawValue(argv, optionNames(o)) ?? options[name];
  }

  const positional = [...cli.args.map(String), ...((cli.options['--'] as string[] | undefined) ?? [])];
  const args: Record<string, string | string[] | undefined> = {};
  const usage = `usage: obelisk ${commandName(spec)}${spec.args.length ? ` ${usageArgs(spec)}` : ''} [options]`;
  spec.args.forEach((a, i) => {
    if (a.variadic) {
      args[a.name] = positional.slice(i);
    } else if (positional[i] !== undefined) {
      args[a.name] = positional[i];
    } else if (a.required !== false) {
      throw new InputError(`missing argument <${a.name}> (${a.description}); ${usage}`);
    }
  });
  if (!spec.args.some((a) => a.variadic) && positional.length > spec.args.length) {
    throw new InputError(`unexpected argument ${JSON.stringify(positional[spec.args.length])}; ${usage}`);
  }
  return { args, options };
}

function coerce(spec: CommandSpec, o: OptionSpec, value: unknown): string | boolean {
  const flag = longest(o);
  if (Array.isArray(value)) throw new InputError(`option ${flag} given more than once for \`obelisk ${commandName(spec)}\`; give it once`);
  if (takesValue(o)) {
    if (typeof value === 'boolean') {
      const example = o.default !== undefined ? `${flag} ${String(o.default)}` : `${flag} ${/<([^>]+)>/.exec(o.flags)?.[1] ?? 'value'}`;
      throw new InputError(`option ${flag} needs a value, for example \`${example}\``);
    }
    return String(value);
  }
  if (typeof value !== 'boolean') throw new InputError(`option ${flag} takes no value; got ${JSON.stringify(String(value))}`);
  return value;
}

/** Indexes of positional tokens, skipping options and the values of options that take one. */
function positionals(argv: readonly string[], valueOptions: Set<string>): number[] {
  const out: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i]!;
    if (t === '--') break;
    if (t.startsWith('-') && t.length > 1) {
      if (!t.includes('=') && valueOptions.has(t)) i++;
      continue;
    }
    out.push(i);
  }
  return out;
}

/** The text given for an option (`--x v` or `--x=v`), before any `--`. */
function rawValue(argv: readonly string[], names: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i]!;
    if (t === '--') break;
    for (const n of names) {
      if (t === n && i + 1 < argv.length) found = argv[i + 1];
      else if (t.startsWith(`${n}=`)) found = t.slice(n.length + 1);
    }
  }
  return found;
}

function takesValue(o: OptionSpec): boolean {
  return /[<[]/.test(o.flags);
}

function optionNames(o: OptionSpec): string[] {
  return o.flags.replace(/[<[].*$/, '').split(',').map((s) => s.trim()).filter(Boolean);
}

function longest(o: OptionSpec): string {
  return optionNames(o).sort((a, b) => b.length - a.length)[0]!;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function hint(word: string, candidates: readonly string[]): string {
  const c = closest(word, candidates);
  return c ? `; did you mean ${JSON.stringify(c)}?` : '';
}
