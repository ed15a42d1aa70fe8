import { describe, expect, it } from 'vitest';
import { parseArgv } from '../../lib/cli/argv.js';
import type { CommandSpec, OptionSpec } from '../../lib/cli/command.js';
import { InputError } from '../../lib/model/errors.js';

const GLOBALS: OptionSpec[] = [
  { flags: '--config <path>', description: 'config', default: './obelisk.toml' },
  { flags: '-h, --help', description: 'help' },
];
const COMMANDS: CommandSpec[] = [
  {
    noun: 'execution', verb: 'submit', summary: 's', options: [{ flags: '-f, --follow', description: 'f' }, { flags: '--max-wait <seconds>', description: 'w' }],
    args: [{ name: 'ffqn', description: 'f' }, { name: 'params', description: 'p' }],
  },
  { noun: 'execution', verb: 'cancel', summary: 'c', options: [], args: [{ name: 'ids', description: 'i', variadic: true }] },
  { noun: 'tick', summary: 't', options: [], args: [{ name: 'limit', description: 'l', required: false }] },
];
const parse = (argv: string[]) => parseArgv(argv, COMMANDS, GLOBALS);

describe('parseArgv', () => {
  it('finds noun and verb, maps arguments by name, options by camelCase name', () => {
    const p = parse(['execution', 'submit', '-f', 'a:b/c.d', '[1,2]', '--max-wait', '007']);
    expect(p).toMatchObject({
      kind: 'run', spec: COMMANDS[0],
      args: { ffqn: 'a:b/c.d', params: '[1,2]' },
      options: { follow: true, f: true, maxWait: '007', config: './obelisk.toml' },
    });
  });

  it('finds the command after options that take a value', () => {
    expect(parse(['--config', 'x.toml', 'execution', 'submit', 'a:b/c.d', '[]'])).toMatchObject({
      kind: 'run', spec: COMMANDS[0], options: { config: 'x.toml' },
    });
    expect(parse(['--config=x.toml', 'tick'])).toMatchObject({ kind: 'run', spec: COMMANDS[2], options: { config: 'x.toml' } });
  });

  it('passes arguments after -- as they are, even when they start with -', () => {
    expect(parse(['execution', 'submit', 'a:b/c.d', '--', '-1'])).toMatchObject({ args: { ffqn: 'a:b/c.d', params: '-1' } });
  });

  it('collects variadic arguments and leaves optional ones undefined', () => {
    expect(parse(['execution', 'cancel', 'E_1', 'E_2'])).toMatchObject({ args: { ids: ['E_1', 'E_2'] } });
    expect(parse(['execution', 'cancel'])).toMatchObject({ args: { ids: [] } });
    expect(parse(['tick'])).toMatchObject({ args: {} });
  });

  it('help and version requests', () => {
    expect(parse([])).toEqual({ kind: 'help' });
    expect(parse(['--version'])).toEqual({ kind: 'version' });
    expect(parse(['execution', '-h'])).toEqual({ kind: 'help', noun: 'execution' });
    expect(parse(['execution', 'cancel', '--help'])).toEqual({ kind: 'help', noun: 'execution', spec: COMMANDS[1] });
  });

  it('rejects a flag given a value, with an InputError', () => {
    expect(() => parse(['execution', 'submit', '--follow=yes', 'a', 'b'])).toThrow(new InputError('option --follow takes no value; got "--follow=yes"'));
    expect(() => parse(['execution', 'submit', '--max-wait'])).toThrow(/--max-wait needs a value, for example `--max-wait seconds`/);
  });
});
