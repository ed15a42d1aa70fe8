/** `component list`, `generate wit-support|wit-extensions` and `index rebuild`, in-process on the fibo example. */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../../lib/cli/io.js';
import { run } from '../../lib/cli/main.js';
import { removeTestDirs, testDir } from '../config/testdir.js';
import { BUILT, ROOT } from '../support/engine.js';

const FIBO_TOML = `cache_dir = "${path.join(ROOT, '.cache')}"
[[activity_wasm]]
name = "fibo_activity"
location = "${path.join(BUILT, 'fibo_activity.wasm')}"

[[workflow]]
name = "fibo_workflow"
location = "${path.join(BUILT, 'fibo_workflow.wasm')}"
`;

let dir: string;
beforeAll(async () => {
  dir = await testDir({ 'obelisk.toml': FIBO_TOML });
});
afterAll(removeTestDirs);

async function cli(argv: string[], color = false) {
  const io = bufferIo(color);
  const code = await run(argv, { io, env: {}, cwd: dir });
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('component list', () => {
  it('prints each component with kind, digest and exported functions with WIT signatures', async () => {
    const r = await cli(['component', 'list']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp([
      '^fibo_activity  activity_wasm  sha256:[0-9a-f]{64}',
      '  exports:',
      '    template-fibo:activity/fibo-activity-ifc\\.fibo: func\\(n: u8\\) -> result<u64>',
      '',
      'fibo_workflow  workflow  sha256:[0-9a-f]{64}',
      '  exports:',
      '    template-fibo:workflow/fibo-workflow-ifc\\.fiboa: func\\(n: u8, iterations: u32\\) -> result<u64>',
      '    template-fibo:workflow/fibo-workflow-ifc\\.fiboa-concurrent: func\\(n: u8, iterations: u32\\) -> result<u64>',
      '$',
    ].join('\n')));
  });

  it('--json: one object per component', async () => {
    const r = await cli(['component', 'list', '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      name: 'fibo_activity', kind: 'activity_wasm', digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      location: path.join(BUILT, 'fibo_activity.wasm'),
      exports: [{ ffqn: 'template-fibo:activity/fibo-activity-ifc.fibo', signature: 'func(n: u8) -> result<u64>' }],
      unusable: [],
    });
    expect((lines[1]!['exports'] as { ffqn: string }[]).map((e) => e.ffqn)).toEqual([
      'template-fibo:workflow/fibo-workflow-ifc.fiboa', 'template-fibo:workflow/fibo-workflow-ifc.fiboa-concurrent',
    ]);
    expect(lines[1]).not.toHaveProperty('imports');
  });

  it('--imports and --extensions add what a component imports and the extension functions of its exports', async () => {
    const r = await cli(['component', 'list', '--imports', '--extensions']);
    expect(r.code).toBe(0);
    const workflow = r.stdout.slice(r.stdout.indexOf('fibo_workflow'));
    expect(workflow).toContain('  imports:\n');
    expect(workflow).toContain('    template-fibo:activity/fibo-activity-ifc.fibo: func(n: u8) -> result<u64>\n');
    expect(workflow).toContain('    template-fibo:activity-obelisk-ext/fibo-activity-ifc.fibo-submit: func(join-set: borrow<join-set>, n: u8) -> execution-id\n');
    const activity = r.stdout.slice(0, r.stdout.indexOf('fibo_workflow'));
    expect(activity).toContain('  extensions:\n');
    for (const fn of ['fibo-submit', 'fibo-await-next', 'fibo-get', 'fibo-invoke']) expect(activity).toContain(`template-fibo:activity-obelisk-ext/fibo-activity-ifc.${fn}: func(`);
    expect(activity).toContain('template-fibo:activity-obelisk-schedule/fibo-activity-ifc.fibo-schedule: func(schedule-at: schedule-at, n: u8) -> execution-id');
    expect(activity).not.toContain('-stub');

    const j = (await cli(['component', 'list', '--json', '--imports'])).stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { imports: { ffqn: string }[]; wasi_imports: string[] });
    expect(j[1]!.imports.map((i) => i.ffqn)).toContain('obelisk:workflow/workflow-support@5.1.0.join-set-create');
    expect(Array.isArray(j[0]!.wasi_imports)).toBe(true);
  });

  it('lists an unusable export with the reason, and a stub activity gets -stub extensions', async () => {
    const d = await testDir({
      'obelisk.toml': `cache_dir = "${path.join(ROOT, '.cache')}"\n[[activity_stub]]\nname = "stub_activity"\nlocation = "${path.join(BUILT, 'stub_activity.wasm')}"\n`
        + `[[activity_wasm]]\nname = "all_types"\nlocation = "${path.join(BUILT, 'all_types.wasm')}"\n`,
    });
    const io = bufferIo();
    expect(await run(['component', 'list', '--extensions', '--json'], { io, env: {}, cwd: d })).toBe(0);
    const views = io.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { name: string; extensions: { ffqn: string }[]; unusable: { ffqn: string; reason: string }[] });
    const stub = views.find((v) => v.name === 'stub_activity');
    const all = views.find((v) => v.name === 'all_types');
    expect(stub!.extensions.map((e) => e.ffqn)).toContain('testing:stub-obelisk-stub/stub.get-stub');
    // all_types exports functions that return no result: listed as unusable, with why.
    expect(all!.unusable.length).toBeGreaterThan(0);
    for (const u of all!.unusable) expect(u.reason.length).toBeGreaterThan(10);
  });

  it('shows progress on a terminal (coloured stderr) only, and erases it', async () => {
    expect((await cli(['component', 'list'])).stderr).toBe('');
    const tty = await cli(['component', 'list'], true);
    expect(tty.stderr).toContain('reading 2 components…');
    expect(tty.stderr.endsWith('\r\u001b[2K')).toBe(true);
  });

  it('a missing config is exit 2', async () => {
    const r = await cli(['component', 'list', '--config', 'nope.toml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: config file not found: /);
  });
});

describe('generate', () => {
  it('wit-support writes the host packages, one folder each', async () => {
    const out = path.join(dir, 'wit', 'deps');
    const r = await cli(['generate', 'wit-support', 'wit/deps']);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['obelisk_log@1.0.0', 'obelisk_types@4.2.0', 'obelisk_workflow@5.1.0']);
    expect(r.stdout).toBe(['obelisk_types@4.2.0', 'obelisk_workflow@5.1.0', 'obelisk_log@1.0.0']
      .map((p) => `wrote ${path.join(out, p, `${p}.wit`)}\n`).join(''));
    expect(readFileSync(path.join(out, 'obelisk_workflow@5.1.0', 'obelisk_workflow@5.1.0.wit'), 'utf8')).toContain('package obelisk:workflow@5.1.0;');
  });

  it('wit-extensions writes the -obelisk-ext and -obelisk-schedule packages and the exported package they use', async () => {
    const out = path.join(dir, 'ext');
    const r = await cli(['generate', 'wit-extensions', 'fibo_activity', 'ext']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['template-fibo_activity', 'template-fibo_activity-obelisk-ext', 'template-fibo_activity-obelisk-schedule']);
    const ext = readFileSync(path.join(out, 'template-fibo_activity-obelisk-ext', 'template-fibo_activity-obelisk-ext.wit'), 'utf8');
    expect(ext).toContain('package template-fibo:activity-obelisk-ext;');
    expect(ext).toMatch(/fibo-submit: func\(join-set: borrow<join-set>, n: u8\) -> execution-id;/);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('an unknown component is exit 2 with the closest name and the configured ones', async () => {
    const r = await cli(['generate', 'wit-extensions', 'fibo_activty', 'ext2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: no component named "fibo_activty" in ${path.join(dir, 'obelisk.toml')}; did you mean "fibo_activity"? (configured: fibo_activity, fibo_workflow)\n`);
    expect(existsSync(path.join(dir, 'ext2'))).toBe(false);
  });

  it('a folder that cannot be written is exit 2', async () => {
    const r = await cli(['generate', 'wit-support', 'obelisk.toml/inside']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: cannot write into \S+inside: .*expected a folder that can be created or written to\n$/);
  });
});

describe('index rebuild', () => {
  it('recomputes the due markers from the logs and says what it did', async () => {
    const submitted = await cli(['execution', 'submit', 'template-fibo:workflow/fibo-workflow-ifc.fiboa', '[1,1]']);
    expect(submitted.code).toBe(0);
    const due = path.join(dir, 'state', 'due');
    rmSync(due, { recursive: true, force: true });
    const r = await cli(['index', 'rebuild']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`rebuilt the due index of ${path.join(dir, 'state')}: read 1 execution, 1 of them due now or at a later time (the rest are finished or wait for a response)\n`);
    expect(readdirSync(due).filter((n) => n.endsWith(submitted.stdout.trim()))).toHaveLength(1);
    const j = await cli(['index', 'rebuild', '--json']);
    expect(JSON.parse(j.stdout)).toEqual({ state_dir: path.join(dir, 'state'), executions: 1, due_markers: 1, corrupt: [] });
  });
});
