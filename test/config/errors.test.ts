/** One test per class of config mistake: each message names the file, line, key path and what was expected. */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../lib/config/issues.js';
import { loadConfig } from '../../lib/config/load.js';
import { parseConfig } from '../../lib/config/parse.js';
import { sha256Bytes } from '../../lib/config/digest.js';
import { ConfigError, UserError } from '../../lib/model/errors.js';
import { removeTestDirs, testDir } from './testdir.js';

afterAll(removeTestDirs);

const PATH = join('/', 'projects', 'demo', 'obelisk.toml');

/** Parses, expecting failure; returns the error. */
function failure(text: string, env: NodeJS.ProcessEnv = {}): InvalidConfigError {
  try {
    parseConfig(text, { path: PATH, env });
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidConfigError);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e).toBeInstanceOf(UserError);
    return e as InvalidConfigError;
  }
  throw new Error('expected the config to be rejected');
}

const ACTIVITY = '[[activity_wasm]]\nname = "fibo_activity"\nlocation = "fibo.wasm"\n';

describe('config mistakes', () => {
  it('a misspelt key: names it with its line and suggests the closest valid key', () => {
    const e = failure(`${ACTIVITY}retry_exp_backof.milliseconds = 100\n`);
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ keyPath: 'activity_wasm[0].retry_exp_backof', line: 4 });
    expect(e.message).toContain(`${PATH}:4: activity_wasm[0].retry_exp_backof: unknown key; did you mean \`retry_exp_backoff\`?`);
    expect(e.message).toContain('valid keys here: name, location');
  });

  it('a misspelt duration unit: names the full key path and suggests the unit', () => {
    const e = failure(`${ACTIVITY}retry_exp_backoff.milisecond = 100\n`);
    expect(e.issues[0]).toMatchObject({ keyPath: 'activity_wasm[0].retry_exp_backoff.milisecond', line: 4 });
    expect(e.message).toContain('did you mean `milliseconds`?');
  });

  it('a misspelt top-level table; the valid keys listed are this engine\'s, not the ignored Obelisk server keys', () => {
    const e = failure('[[activity_wsam]]\nname = "a"\nlocation = "a.wasm"\n');
    expect(e.message).toBe(`invalid configuration: ${PATH}:1: activity_wsam: unknown key; did you mean \`activity_wasm\`? `
      + '(valid keys here: state_dir, cache_dir, durability, tick, activity_wasm, activity_stub, activity_external, workflow)');
  });

  it("Obelisk's older abbreviated units get a suggestion", () => {
    expect(failure(`${ACTIVITY}exec.lock_expiry.secs = 1\n`).message).toContain('activity_wasm[0].exec.lock_expiry.secs: unknown key; did you mean `seconds`?');
  });

  it('a wrong type: says what was expected with an example, and what was received', () => {
    const e = failure(`${ACTIVITY}\n\nmax_retries = "5"\n`);
    expect(e.message).toBe(
      `invalid configuration: ${PATH}:6: activity_wasm[0].max_retries: expected a non-negative integer, for example \`max_retries = 5\`; got "5" (a string)`,
    );
  });

  it('a float where an integer belongs, and a plain number where a duration table belongs', () => {
    const e = failure(`${ACTIVITY}max_retries = 5.0\nretry_exp_backoff = 100\n`);
    expect(e.issues.map((i) => [i.keyPath, i.line])).toEqual([['activity_wasm[0].max_retries', 4], ['activity_wasm[0].retry_exp_backoff', 5]]);
    expect(e.message).toContain('got 5 (a float)');
    expect(e.message).toContain('expected a duration table with one of milliseconds, seconds, minutes, hours, for example `retry_exp_backoff.milliseconds = 100`; got 100 (an integer)');
  });

  it('a value outside the allowed set', () => {
    const e = failure(`${ACTIVITY}forward_stdout = "stdot"\n`);
    expect(e.message).toContain('activity_wasm[0].forward_stdout: expected one of "db", "none", "stdout", "stderr" (did you mean "stdout"?)');
  });

  it('a bad digest format', () => {
    const e = failure(`${ACTIVITY}content_digest = "sha256:1234"\n`);
    expect(e.issues[0]).toMatchObject({ keyPath: 'activity_wasm[0].content_digest', line: 4 });
    expect(e.message).toContain('invalid digest "sha256:1234": expected "sha256:" and 64 hex digits');
  });

  it('an unset environment variable in interpolation: names the variable and the key', () => {
    const e = failure('[[workflow]]\nname = "w"\nlocation = "${BUILD_DIR}/w.wasm"\n');
    expect(e.issues[0]).toMatchObject({ keyPath: 'workflow[0].location', line: 3 });
    expect(e.message).toContain('environment variable BUILD_DIR is not set (used as ${BUILD_DIR} in "${BUILD_DIR}/w.wasm")');
  });

  it('an unset environment variable passed through by env_vars', () => {
    const e = failure(`${ACTIVITY}env_vars = ["API_TOKEN"]\n`);
    expect(e.issues[0]).toMatchObject({ keyPath: 'activity_wasm[0].env_vars[0]', line: 4 });
    expect(e.message).toContain('environment variable API_TOKEN is not set');
  });

  it('a duplicate component name: points at the second and names the first', () => {
    const e = failure(`${ACTIVITY}\n[[workflow]]\nname = "fibo_activity"\nlocation = "w.wasm"\n`);
    expect(e.issues[0]).toMatchObject({ keyPath: 'workflow[0].name', line: 6 });
    expect(e.message).toContain('duplicate component name "fibo_activity", also used by activity_wasm[0] (line 2)');
  });

  it('a missing required key', () => {
    const e = failure('[[workflow]]\nname = "w"\n');
    expect(e.message).toContain(`${PATH}:1: workflow[0].location: missing; this key is required, for example \`location = `);
  });

  it('invalid TOML: the line and column from smol-toml', () => {
    const e = failure(`${ACTIVITY}max_retries = \n`);
    expect(e.issues[0]).toMatchObject({ keyPath: '', line: 4 });
    expect(e.message).toMatch(new RegExp(`^invalid configuration: ${PATH.replace(/[/\\]/g, '.')}:4: not valid TOML \\(column \\d+\\)`));
  });

  it('a bad host pattern and method in the HTTP allow-list', () => {
    const e = failure(`${ACTIVITY}[[activity_wasm.allowed_host]]\npattern = "https://api.*.com/v1"\nmethods = ["GET", "P0ST"]\n`);
    expect(e.issues.map((i) => i.keyPath)).toEqual(['activity_wasm[0].allowed_host[0].pattern', 'activity_wasm[0].allowed_host[0].methods[1]']);
    expect(e.issues.map((i) => i.line)).toEqual([5, 6]);
    expect(e.message).toContain('must not contain a path');
  });

  it('collects every problem instead of stopping at the first', () => {
    const e = failure(`${ACTIVITY}max_retries = -1\nretry_on_err = "yes"\n[tick]\nmax_duraton.seconds = 5\n`);
    expect(e.issues.map((i) => i.keyPath)).toEqual([
      'activity_wasm[0].max_retries', 'activity_wasm[0].retry_on_err', 'tick.max_duraton',
    ]);
    expect(e.message.split('\n')[0]).toBe('invalid configuration: 3 problems');
  });
});

describe('config mistakes found on disk (loadConfig)', () => {
  it('a missing config file', async () => {
    const dir = await testDir({});
    const err = await loadConfig(join(dir, 'obelisk.toml'), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(`config file not found: ${join(dir, 'obelisk.toml')}; expected an obelisk.toml there (docs/configuration.md shows one), or give another path`);
  });

  it('a missing component file: names the key, the line and the resolved path', async () => {
    const dir = await testDir({ 'obelisk.toml': `${ACTIVITY}` });
    const err = await loadConfig(join(dir, 'obelisk.toml'), {}).catch((e: unknown) => e) as InvalidConfigError;
    expect(err).toBeInstanceOf(InvalidConfigError);
    expect(err.message).toBe(`invalid configuration: ${join(dir, 'obelisk.toml')}:3: activity_wasm[0].location: component file not found: ${join(dir, 'fibo.wasm')}; expected the .wasm file of "fibo_activity" there (build it first, or fix the path)`);
  });

  it('a content_digest that does not match the file', async () => {
    const bytes = new TextEncoder().encode('\0asm not really');
    const wrong = `sha256:${'0'.repeat(64)}`;
    const dir = await testDir({ 'fibo.wasm': bytes, 'obelisk.toml': `${ACTIVITY}content_digest = "${wrong}"\n` });
    const err = await loadConfig(join(dir, 'obelisk.toml'), {}).catch((e: unknown) => e) as InvalidConfigError;
    expect(err.issues[0]).toMatchObject({ keyPath: 'activity_wasm[0].content_digest', line: 4 });
    expect(err.message).toContain(`configured ${wrong}, the file has ${sha256Bytes(bytes)}; expected them equal`);
  });

  it('a matching content_digest loads', async () => {
    const bytes = new TextEncoder().encode('\0asm');
    const dir = await testDir({ 'fibo.wasm': bytes, 'obelisk.toml': `${ACTIVITY}content_digest = "${sha256Bytes(bytes)}"\n` });
    const config = await loadConfig(join(dir, 'obelisk.toml'), {});
    expect(config.components[0]!.contentDigest).toBe(sha256Bytes(bytes));
  });

  it('a source component whose WIT folder is missing', async () => {
    const dir = await testDir({ 'flow.js': 'export {}', 'obelisk.toml': '[[workflow]]\nname = "flow"\nlocation = "flow.js"\nwit = "wit"\n' });
    const err = await loadConfig(join(dir, 'obelisk.toml'), {}).catch((e: unknown) => e) as InvalidConfigError;
    expect(err.issues).toEqual([{ keyPath: 'workflow[0].wit', line: 4, message: `WIT folder not found: ${join(dir, 'wit')}; expected a folder of .wit files` }]);
  });

  it('a missing backtrace source file is only a warning', async () => {
    const dir = await testDir({ 'w.wasm': '', 'obelisk.toml': '[[workflow]]\nname = "w"\nlocation = "w.wasm"\nbacktrace.sources = { "a.rs" = "src/a.rs" }\n' });
    const config = await loadConfig(join(dir, 'obelisk.toml'), {});
    expect(config.warnings).toEqual([`workflow[0].backtrace.sources: ${join(dir, 'src', 'a.rs')} not found; backtraces will not show that source`]);
    expect(Object.isFrozen(config.warnings)).toBe(true);
  });
});
