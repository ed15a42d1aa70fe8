/**
 * `obelisk init` writes a project that works straight away: `execution submit --follow` builds the
 * TypeScript components on first use and gives the expected results, the sources type-check against
 * the generated declarations, and `verify` replays what ran. The CLI runs in-process through run().
 *
 * The project's obelisk.toml gets `cache_dir` pointing at the repository's .cache, so the two builds
 * happen once per machine rather than once per test run (the cache is keyed by the sources' hash, so
 * a first run here takes exactly the path a fresh project takes).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../../lib/cli/io.js';
import { run } from '../../lib/cli/main.js';
import { ROOT } from '../support/engine.js';

let parent: string;
let dir: string;

async function cli(cwd: string, ...argv: string[]) {
  const io = bufferIo();
  const code = await run(argv, { io, env: process.env, cwd });
  return { code, stdout: io.stdout, stderr: io.stderr };
}

beforeAll(() => {
  parent = mkdtempSync(path.join(tmpdir(), 'obelisk-init-'));
  dir = path.join(parent, 'flows');
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('obelisk init', () => {
  it('writes the starter project into a new folder, and refuses to overwrite it', async () => {
    const r = await cli(parent, 'init', 'flows');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("obelisk execution submit --follow template-fibo:workflow/fibo-workflow-ifc.fiboa '[10,2]'");
    for (const f of [
      'obelisk.toml', 'README.md', 'tsconfig.json', '.gitignore', 'src/activity.ts', 'src/workflow.ts',
      'wit/activity/world.wit', 'wit/workflow/world.wit',
      'wit/workflow/deps/obelisk_workflow@5.1.0/obelisk_workflow@5.1.0.wit',
      'wit/workflow/deps/template-fibo_activity/world.wit',
      'wit/workflow/deps/template-fibo_activity-obelisk-ext/template-fibo_activity-obelisk-ext.wit',
      'types/workflow/obelisk-workflow.d.ts',
      'types/workflow/interfaces/template-fibo-activity-obelisk-ext-fibo-activity-ifc.d.ts',
      'types/activity/interfaces/template-fibo-activity-fibo-activity-ifc.d.ts',
    ]) expect(existsSync(path.join(dir, f)), f).toBe(true);
    expect(readFileSync(path.join(dir, 'wit/workflow/deps/template-fibo_activity-obelisk-ext/template-fibo_activity-obelisk-ext.wit'), 'utf8'))
      .toContain('fibo-submit: func(join-set: borrow<join-set>, n: u8) -> execution-id;');

    const again = await cli(parent, 'init', 'flows');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already has .*obelisk\.toml.*; expected a new or empty folder \(init never overwrites\)/);
  });

  it('runs: execution submit --follow builds the components on first use and prints the results', async () => {
    const toml = path.join(dir, 'obelisk.toml');
    writeFileSync(toml, `cache_dir = ${JSON.stringify(path.join(ROOT, '.cache'))}\n${readFileSync(toml, 'utf8')}`);
    const a = await cli(dir, 'execution', 'submit', '--follow', 'template-fibo:workflow/fibo-workflow-ifc.fiboa', '[10,2]');
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout.trimEnd().split('\n').at(-1)).toBe('{"ok":55}');
    const b = await cli(dir, 'execution', 'submit', '--follow', 'template-fibo:workflow/fibo-workflow-ifc.fiboa-concurrent', '[20,3]');
    expect(b.code).toBe(0);
    expect(b.stdout.trimEnd().split('\n').at(-1)).toBe('{"ok":6765}');
    const c = await cli(dir, 'execution', 'submit', '--follow', 'template-fibo:activity/fibo-activity-ifc.fibo', '[93]');
    expect(c.stdout.trimEnd().split('\n').at(-1)).toBe('{"ok":12200160415121876738}');
    // Everything that ran replays against the components as built.
    const v = await cli(dir, 'verify');
    expect(v.code).toBe(0);
  }, 240_000);

  it('writes sources that type-check against the generated declarations', async () => {
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await promisify(execFile)(process.execPath, [tsc, '-p', dir], { cwd: dir }).catch((e: { stdout: string; code: number }) => e);
    expect('stdout' in r ? r.stdout : '').toBe('');
  }, 60_000);

  it('generate types writes the declarations of a WIT folder, with obelisk/workflow for a workflow', async () => {
    const out = path.join(parent, 'types-out');
    const r = await cli(parent, 'generate', 'types', path.join(dir, 'wit', 'workflow'), out);
    expect(r.code).toBe(0);
    const helper = readFileSync(path.join(out, 'obelisk-workflow.d.ts'), 'utf8');
    expect(helper).toContain("declare module 'obelisk/workflow'");
    expect(helper).toContain("readonly handle: import('obelisk:types/join-set@4.2.0').JoinSet;");
    expect(readFileSync(path.join(out, 'interfaces', 'obelisk-workflow-workflow-support.d.ts'), 'utf8')).toContain('export function submitJsonBt(');
    const act = await cli(parent, 'generate', 'types', path.join(dir, 'wit', 'activity'), path.join(parent, 'types-act'));
    expect(act.code).toBe(0);
    expect(existsSync(path.join(parent, 'types-act', 'obelisk-workflow.d.ts'))).toBe(false);
  });
});
