/**
 * The README, checked against what it describes.
 *
 * The slow test runs the README's first command exactly as written there, in a fresh `git clone` of
 * the committed HEAD (so it sees what a new user gets: no dist/, no .cache/, no node_modules/), and
 * expects `{"ok":102334155}`. It takes a minute or two (npm install from the local npm cache, the
 * TypeScript build, the component builds). It is part of `npm test`, once: this file is the only one
 * doing it, and the clone never runs its own tests (the README's second command is only compared
 * with what .ci/run runs). It is skipped, saying why, without git or outside a git work tree.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GITIGNORE } from '../../lib/store/layout.js';
import { ROOT } from '../support/engine.js';

/** Set in the clone's environment: a README test started from inside the clone skips itself. */
const IN_CLONE = 'OBELISK_README_TEST_CLONE';

/** The lines of the first fenced code block of a Markdown text. */
function firstCodeBlock(markdown: string): string[] {
  const m = /^```[\w-]*\n([\s\S]*?)^```$/m.exec(markdown);
  if (!m) throw new Error('README.md has no code block');
  return m[1]!.trimEnd().split('\n');
}

/** The fenced code blocks of one `## ` section, each as its lines. */
function sectionBlocks(markdown: string, heading: string): { lang: string; lines: string[] }[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "${heading}"`);
  const end = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^```([\w-]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, lines: m[2]!.trimEnd().split('\n') }));
}

const readme = () => readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The commands of a shell script: lines that are not comments, blank, or shell set-up. */
function scriptCommands(script: string): string[] {
  return script.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && !/^(set|cd|if|fi|then|else)\b/.test(l) && !/^(git|command) /.test(l));
}

/** This environment without what an enclosing `npm test` or vitest puts there, plus `extra`. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || /^VITEST/.test(k) || k === 'INIT_CWD' || k === 'NODE_ENV' || k === 'TEST') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function git(args: string[], cwd = ROOT) {
  return spawnSync('git', args, { cwd, encoding: 'utf8' });
}

describe('README.md', () => {
  it('opens with exactly two commands: install and run the example, then the tests', () => {
    const block = firstCodeBlock(readme());
    expect(block).toHaveLength(2);
    expect(block[0]).toMatch(/^npm install && npx obelisk execution submit --follow /);
    expect(readme().indexOf('```')).toBe(readme().indexOf('\n') + 2); // the block comes right after the title
  });

  it('its second command is the test command .ci/run ends with, after the same install', () => {
    const [first, second] = firstCodeBlock(readme());
    const commands = scriptCommands(readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8'));
    expect(commands.at(-1)).toBe(second);
    const install = first!.split(' && ')[0]!;
    expect(commands[0]!.startsWith(install)).toBe(true);
  });

  it('shows the .gitignore the store writes into the state folder', () => {
    const blocks = sectionBlocks(readme(), 'Committing logs to git').filter((b) => b.lang === 'gitignore');
    expect(blocks).toHaveLength(1);
    const patterns = GITIGNORE.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(blocks[0]!.lines).toEqual(patterns);
  });

  it('links the systemd unit files: a oneshot `obelisk tick` in the project folder, a timer every minute', () => {
    const text = readme();
    const dir = path.join(ROOT, 'docs', 'systemd');
    expect(text).toContain('](docs/systemd/obelisk-tick.service)');
    expect(text).toContain('](docs/systemd/obelisk-tick.timer)');
    const service = readFileSync(path.join(dir, 'obelisk-tick.service'), 'utf8');
    const timer = readFileSync(path.join(dir, 'obelisk-tick.timer'), 'utf8');
    expect(service).toMatch(/^Type=oneshot$/m);
    expect(service).toMatch(/^WorkingDirectory=\/\S+$/m);
    expect(service).toMatch(/^ExecStart=\/\S+ \S*obelisk tick$/m);
    expect(timer).toMatch(/^OnCalendar=\*-\*-\* \*:\*:00$/m);
    expect(timer).toMatch(/^Unit=obelisk-tick\.service$/m);
    expect(timer).toMatch(/^WantedBy=timers\.target$/m);
  });

  it('the systemd unit files pass `systemd-analyze verify` (with this machine\'s node)', (ctx) => {
    if (spawnSync('systemd-analyze', ['--version']).status !== 0) ctx.skip('systemd-analyze is not installed: the unit files are only checked by the test above');
    const dir = mkdtempSync(path.join(tmpdir(), 'obelisk-systemd-'));
    try {
      const service = readFileSync(path.join(ROOT, 'docs', 'systemd', 'obelisk-tick.service'), 'utf8')
        .replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`);
      writeFileSync(path.join(dir, 'obelisk-tick.service'), service);
      copyFileSync(path.join(ROOT, 'docs', 'systemd', 'obelisk-tick.timer'), path.join(dir, 'obelisk-tick.timer'));
      const r = spawnSync('systemd-analyze', ['verify', path.join(dir, 'obelisk-tick.service'), path.join(dir, 'obelisk-tick.timer')], { encoding: 'utf8' });
      // It warns on stderr about what it cannot parse (and exits 0), so both must be clean.
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('its first command, run as written in a fresh clone of the committed HEAD, prints {"ok":102334155} and exits 0', async (ctx) => {
    // The reason is printed too: the default reporter shows a skip without its note.
    const skip = (why: string): never => {
      console.warn(`README test skipped: ${why}`);
      return ctx.skip(why);
    };
    if (process.env[IN_CLONE]) skip('running inside the README test\'s own clone');
    if (spawnSync('git', ['--version']).status !== 0) skip('git is not installed: cannot clone the repository to run the README\'s first command from a clean copy');
    if (git(['rev-parse', '--is-inside-work-tree']).stdout.trim() !== 'true') skip('the project folder is not a git work tree: nothing to clone');
    const parent = mkdtempSync(path.join(tmpdir(), 'obelisk-readme-'));
    const clone = path.join(parent, 'obelisk');
    try {
      const cloned = git(['clone', '--quiet', '--no-hardlinks', ROOT, clone], parent);
      expect(cloned.status, cloned.stderr).toBe(0);
      // The command from the clone's README: what the committed HEAD tells a new user to run.
      const command = firstCodeBlock(readFileSync(path.join(clone, 'README.md'), 'utf8'))[0]!;
      const env = cleanEnv({ npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', NO_COLOR: '1', [IN_CLONE]: '1' });
      const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn('sh', ['-c', command], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
        child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      const tail = `${command}\n--- stdout (end)\n${r.stdout.slice(-3000)}\n--- stderr (end)\n${r.stderr.slice(-3000)}`;
      expect(r.code, tail).toBe(0);
      expect(r.stdout.trimEnd().split('\n').at(-1), tail).toBe('{"ok":102334155}');

      // The systemd service's command, run where it would run (the project folder): nothing is due.
      const exec = /^ExecStart=\S+ (.*)$/m.exec(readFileSync(path.join(clone, 'docs', 'systemd', 'obelisk-tick.service'), 'utf8'));
      expect(exec, 'ExecStart= in docs/systemd/obelisk-tick.service').not.toBeNull();
      const tick = spawnSync(process.execPath, exec![1]!.split(' '), { cwd: clone, env, encoding: 'utf8' });
      expect(tick.status, tick.stderr).toBe(0);
      expect(tick.stdout).toBe('');
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  }, 900_000);
});
