import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandName } from '../../lib/cli/command.js';
import { COMMANDS } from '../../lib/cli/commands.js';
import { EXIT_BUG, EXIT_USAGE, exitCodeOf, reportError } from '../../lib/cli/exit.js';
import { bufferIo, colorEnabled } from '../../lib/cli/io.js';
import { run, version } from '../../lib/cli/main.js';
import { ConfigError, CorruptLogError, InputError, NotFoundError } from '../../lib/model/errors.js';
import { removeTestDirs, testDir } from '../config/testdir.js';

afterAll(removeTestDirs);

async function cli(argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const io = bufferIo();
  const code = await run(argv, { io, env: opts.env ?? {}, cwd: opts.cwd ?? join('/', 'nowhere') });
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('help', () => {
  it('obelisk --help lists every command, marks the ones not implemented, and exits 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const c of COMMANDS) {
      const line = r.stdout.split('\n').find((l) => l.trimStart().startsWith(`${commandName(c)} `) || l.trim() === commandName(c));
      expect(line, commandName(c)).toBeDefined();
      expect(line!.includes('(not implemented yet)')).toBe(c.handler === undefined);
    }
    expect(r.stdout).toContain('--config <path>');
    expect(r.stdout).toContain('Exit codes: 0 ok; 1 the execution ended in err or failure; 2 usage, config or input error; 70 internal bug.');
  });

  it('no arguments prints the same help', async () => {
    expect((await cli([])).stdout).toBe((await cli(['--help'])).stdout);
  });

  it('obelisk <noun> --help lists its subcommands', async () => {
    const r = await cli(['execution', '--help']);
    expect(r.code).toBe(0);
    for (const verb of ['submit', 'get', 'list', 'events', 'logs', 'cancel', 'stub', 'replay']) expect(r.stdout).toMatch(new RegExp(`^  ${verb}\\b`, 'm'));
    expect(r.stdout).not.toContain('component');
  });

  it('obelisk <noun> <verb> --help shows usage, arguments, options and examples', async () => {
    const r = await cli(['execution', 'submit', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: obelisk execution submit <ffqn> <params> [options]');
    expect(r.stdout).toMatch(/^ {2}params +Its parameters as a JSON array/m);
    expect(r.stdout).toMatch(/^ {2}-f, --follow +Wait until the execution finishes/m);
    expect(r.stdout).toMatch(/^ {2}--config <path> +The config file \(default: \.\/obelisk\.toml\)/m);
    expect(r.stdout).toContain("obelisk execution submit --follow template-fibo:workflow/fibo-workflow-ifc.fiboa '[10,2]'");
  });

  it('--help works after the arguments too, and for single-word commands', async () => {
    expect((await cli(['execution', 'get', 'E_1', '--help'])).stdout).toContain('Usage: obelisk execution get <execution-id>');
    expect((await cli(['tick', '-h'])).stdout).toContain('Usage: obelisk tick [options]');
  });

  it('--version prints the package version', async () => {
    const r = await cli(['--version']);
    expect(r.stdout).toBe(`obelisk ${version()}\n`);
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('colour only on a TTY with NO_COLOR unset or empty', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({}, {})).toBe(false);
  });
});

describe('usage mistakes exit 2 with a helpful message and no stack', () => {
  const cases: [string[], RegExp][] = [
    [['exectuion', 'submit'], /^error: unknown command "exectuion"; did you mean "execution"\?; run `obelisk --help` for the list of commands\n$/],
    [['execution', 'sumbit'], /^error: unknown command `obelisk execution sumbit`; did you mean "submit"\?; `obelisk execution` takes one of: submit, get, /],
    [['execution'], /^error: `obelisk execution` needs a subcommand, one of: submit, get, .*; for example `obelisk execution submit --help`\n$/],
    [['config', 'check', '--jsn'], /^error: unknown option --jsn for `obelisk config check`; did you mean "--json"\?; run `obelisk config check --help` for its options\n$/],
    [['config', 'check', '--config'], /^error: option --config needs a value, for example `--config \.\/obelisk\.toml`\n$/],
    [['config', 'check', 'extra'], /^error: unexpected argument "extra"; usage: obelisk config check \[options\]\n$/],
    [['execution', 'submit', 'a:b/c.d'], /^error: missing argument <params> \(Its parameters as a JSON array, for example \[10,2\]\); usage: obelisk execution submit <ffqn> <params> \[options\]\n$/],
    [['config', 'check', '--json', '--json'], /^error: option --json given more than once/],
  ];
  for (const [argv, message] of cases) {
    it(argv.join(' '), async () => {
      const r = await cli(argv);
      expect(r.code).toBe(EXIT_USAGE);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('every command without a handler says it is not implemented yet (exit 2), so --help is true', async () => {
    for (const c of COMMANDS.filter((x) => !x.handler)) {
      const argv = [c.noun, ...(c.verb ? [c.verb] : []), ...c.args.filter((a) => a.required !== false).map(() => 'x')];
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(EXIT_USAGE);
      expect(r.stderr).toBe(`error: \`obelisk ${commandName(c)}\` is not implemented yet; \`obelisk --help\` lists the commands that are\n`);
    }
  });
});

describe('exit codes', () => {
  it('user errors are 2, everything else is a bug (70) printed with its stack and a request to report', () => {
    expect(exitCodeOf(new ConfigError('x'))).toBe(2);
    expect(exitCodeOf(new InputError('x'))).toBe(2);
    expect(exitCodeOf(new NotFoundError('x'))).toBe(2);
    expect(exitCodeOf(new CorruptLogError('f', 1, 'x'))).toBe(70);
    const io = bufferIo();
    expect(reportError(new TypeError('cannot read x of undefined'), io)).toBe(EXIT_BUG);
    expect(io.stderr).toMatch(/^internal error: TypeError: cannot read x of undefined\n\s+at /);
    expect(io.stderr).toContain('This is a bug in obelisk');
  });
});

describe('obelisk config check', () => {
  const toml = '[[activity_wasm]]\nname = "fibo_activity"\nlocation = "fibo.wasm"\nenv_vars = ["TOKEN"]\n'
    + '[[workflow]]\nname = "fibo_workflow"\nlocation = "w.wasm"\n';

  it('prints the resolved config and exits 0', async () => {
    const dir = await testDir({ 'obelisk.toml': toml, 'fibo.wasm': '', 'w.wasm': '' });
    const r = await cli(['config', 'check'], { cwd: dir, env: { TOKEN: 'secret-value' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`ok ${join(dir, 'obelisk.toml')}`);
    expect(r.stdout).toMatch(new RegExp(`fibo_activity +activity_wasm +${join(dir, 'fibo.wasm').replace(/[\\]/g, '\\\\')}`));
    expect(r.stdout).toContain('components  2');
  });

  it('--json prints the Config with env var values hidden', async () => {
    const dir = await testDir({ 'obelisk.toml': toml, 'fibo.wasm': '', 'w.wasm': '' });
    const r = await cli(['config', 'check', '--json', '--config', join(dir, 'obelisk.toml')], { env: { TOKEN: 'secret-value' } });
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as { components: { name: string; envVars?: unknown }[]; stateDir: string };
    expect(printed.stateDir).toBe(join(dir, 'state'));
    expect(printed.components.map((c) => c.name)).toEqual(['fibo_activity', 'fibo_workflow']);
    expect(printed.components[0]!.envVars).toEqual([{ name: 'TOKEN', value: '(hidden)' }]);
    expect(r.stdout).not.toContain('secret-value');
  });

  it('an invalid config exits 2 naming each problem; config warnings go to stderr', async () => {
    // Key problems are reported first (all of them), file problems once the keys are right.
    const dir = await testDir({ 'obelisk.toml': `${toml}max_retries = "x"\nexec.batch_size = 0\n`, 'w.wasm': '' });
    const r = await cli(['config', 'check'], { cwd: dir, env: { TOKEN: 't' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: invalid configuration: 2 problems\n');
    expect(r.stderr).toContain(`  ${join(dir, 'obelisk.toml')}:8: workflow[0].max_retries: unknown key`);
    expect(r.stderr).toContain(`  ${join(dir, 'obelisk.toml')}:9: workflow[0].exec.batch_size: expected an integer from 1 to 10000`);
    const fixed = await testDir({ 'obelisk.toml': toml, 'w.wasm': '' });
    const f = await cli(['config', 'check'], { cwd: fixed, env: { TOKEN: 't' } });
    expect(f.code).toBe(2);
    expect(f.stderr).toBe(`error: invalid configuration: ${join(fixed, 'obelisk.toml')}:3: activity_wasm[0].location: component file not found: ${join(fixed, 'fibo.wasm')}; expected the .wasm file of "fibo_activity" there (build it first, or fix the path)\n`);

    const warned = await testDir({ 'obelisk.toml': 'api.listening_addr = "127.0.0.1:5005"\n' });
    const w = await cli(['config', 'check'], { cwd: warned });
    expect(w.code).toBe(0);
    expect(w.stderr).toBe('warning: api: ignored (an Obelisk server setting with no meaning for this engine)\n');
  });

  it('options may come before the command; --config resolves against the current folder', async () => {
    const dir = await testDir({ 'conf/obelisk.toml': '' });
    const r = await cli(['--config', 'conf/obelisk.toml', 'config', '--json', 'check'], { cwd: dir });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { path: string }).path).toBe(join(dir, 'conf', 'obelisk.toml'));
  });

  it('a missing config file exits 2', async () => {
    const r = await cli(['config', 'check', '--config', 'missing.toml'], { cwd: join('/', 'nowhere') });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: config file not found: ${join('/', 'nowhere', 'missing.toml')}; expected an obelisk.toml there (docs/configuration.md shows one), or give another path\n`);
  });
});
