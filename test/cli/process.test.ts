/**
 * Every command as a user runs it: a real child process of bin/obelisk (the compiled dist/, so
 * `npx tsc -p .` first; run from a copy taken at the start, see snapshotBin), in text and JSON output, against a temporary folder holding an obelisk.toml
 * (the built components, cache_dir = the repository's .cache) and its state folder. The tests below
 * share that folder and run in order: later ones read what earlier ones wrote. Independent spawns run
 * in parallel. What this covers: exit codes, stdout/stderr, and each class of user mistake with its
 * message. The in-process details of each command are in execution.test.ts and components.test.ts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandName } from '../../lib/cli/command.js';
import { COMMANDS } from '../../lib/cli/commands.js';
import { BUILT, ROOT } from '../support/engine.js';

/** bin/obelisk, run from a copy made for this file (see snapshotBin). */
let BIN: string;
const FIBOA = 'template-fibo:workflow/fibo-workflow-ifc.fiboa';
const SCRIPT = 'testing:script/workflow.run';
const ID = /^E_[0-9A-HJKMNP-TV-Z]{26}$/;
const UNKNOWN_ID = 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F';
const NO_STACK = /\n\s+at /;

const COMPONENTS = `
[[activity_wasm]]
name = "fibo_activity"
location = "${path.join(BUILT, 'fibo_activity.wasm')}"

[[workflow]]
name = "fibo_workflow"
location = "${path.join(BUILT, 'fibo_workflow.wasm')}"
`;

const MORE_COMPONENTS = `
[[activity_wasm]]
name = "test_activity"
location = "${path.join(BUILT, 'test_activity.wasm')}"
max_retries = 0

[[workflow]]
name = "script_workflow"
location = "${path.join(BUILT, 'script_workflow.wasm')}"
join_next_blocking_strategy = "interrupt"

[[activity_stub]]
name = "stub_activity"
location = "${path.join(BUILT, 'stub_activity.wasm')}"
`;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A running `obelisk …`; `exited` resolves once it ends and its pipes are drained. */
interface Running {
  proc: ChildProcess;
  exited: Promise<Exit>;
  stdout(): string;
  stderr(): string;
}

/** Processes still running: a test that times out leaves none behind (afterAll kills them). */
const children = new Set<ChildProcess>();

/** Runs `obelisk <args>` in `cwd`. A process still running after `killAfterMs` is killed (SIGKILL), so
 * a hang fails its test with the output so far rather than with a test timeout. */
function start(cwd: string, args: readonly string[], killAfterMs = 45_000): Running {
  const started = performance.now();
  const proc = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const killer = setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
  children.add(proc);
  const exited = new Promise<Exit>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      children.delete(proc);
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
  return { proc, exited, stdout: () => stdout, stderr: () => stderr };
}

let dir: string; // the project folder: obelisk.toml, state/, params files, generated WIT
const temps: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

/** `obelisk <args>` run from the project folder (so the default ./obelisk.toml is the one read). */
function obelisk(...args: string[]): Promise<Exit> {
  return start(dir, args).exited;
}

/** `s` matched literally in a RegExp (paths, ids, function names). */
function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function lines(text: string): string[] {
  return text.trimEnd().split('\n');
}

function jsonLines(text: string): Record<string, unknown>[] {
  return lines(text).map((l) => JSON.parse(l) as Record<string, unknown>);
}

function ok(r: Exit, what: string): Exit {
  expect(r.code, `${what}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

/** At most `limit` at a time (two cores, and other test files run alongside). */
async function inParallel<T, R>(items: readonly T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  }));
  return results;
}

/** `obelisk …` for each argv, from the project folder, four at a time; the exits in the same order. */
function runAll<const T extends readonly (readonly string[])[]>(argvs: T): Promise<{ -readonly [K in keyof T]: Exit }> {
  return inParallel(argvs, 4, (argv) => obelisk(...argv)) as Promise<{ -readonly [K in keyof T]: Exit }>;
}

/** The newest modification time of any file under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/**
 * bin/obelisk with the compiled dist/lib it runs, copied for this file. Other engineers' `npm test`
 * (tsc) rewrites dist/ at any moment, and a process starting mid-rewrite fails to link its modules
 * ("internal error: … does not provide an export named …"), which has nothing to do with what is
 * tested here. package.json is copied (the version; the package root), node_modules and lib/ (the
 * guest preludes read at run time) are linked. Copied once dist/ has been still for 2 s, and again
 * if it changed during the copy.
 */
async function snapshotBin(): Promise<string> {
  const dist = path.join(ROOT, 'dist', 'lib');
  for (let attempt = 0; ; attempt++) {
    const before = newestMtime(dist);
    const still = Date.now() - before;
    if (still < 2000 && attempt < 20) {
      await new Promise((r) => setTimeout(r, 2000 - still));
      continue;
    }
    const snap = tempDir('obelisk-bin-');
    cpSync(dist, path.join(snap, 'dist', 'lib'), { recursive: true });
    mkdirSync(path.join(snap, 'bin'));
    copyFileSync(path.join(ROOT, 'bin', 'obelisk'), path.join(snap, 'bin', 'obelisk'));
    copyFileSync(path.join(ROOT, 'package.json'), path.join(snap, 'package.json'));
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(snap, 'node_modules'), 'dir');
    symlinkSync(path.join(ROOT, 'lib'), path.join(snap, 'lib'), 'dir');
    if (newestMtime(dist) === before || attempt >= 20) return path.join(snap, 'bin', 'obelisk');
  }
}

beforeAll(async () => {
  BIN = await snapshotBin();
  dir = tempDir('obelisk-process-');
  writeFileSync(path.join(dir, 'obelisk.toml'), `cache_dir = "${path.join(ROOT, '.cache')}"\n${COMPONENTS}${MORE_COMPONENTS}`);
});
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('--help', () => {
  it('on every command, every noun and the top level: exit 0, the usage, the summary and every option', async () => {
    const argvs: string[][] = [['--help'], ['execution', '-h']];
    const perCommand = COMMANDS.map((c) => [c.noun, ...(c.verb ? [c.verb] : []), '--help']);
    const results = await inParallel([...argvs, ...perCommand, ['--version']], 4, (argv) => obelisk(...argv));
    for (const [i, argv] of [...argvs, ...perCommand, ['--version']].entries()) {
      const r = results[i]!;
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.stderr, argv.join(' ')).toBe('');
    }
    const top = results[0]!.stdout;
    for (const c of COMMANDS) expect(top).toMatch(new RegExp(`^ {2}${commandName(c)}\\b`, 'm'));
    for (const c of COMMANDS.filter((x) => x.noun === 'execution')) expect(results[1]!.stdout).toMatch(new RegExp(`^ {2}${c.verb}\\b`, 'm'));
    for (const [i, c] of COMMANDS.entries()) {
      const help = results[argvs.length + i]!.stdout;
      expect(help.startsWith(`Usage: obelisk ${commandName(c)}`), help).toBe(true);
      expect(help).toContain(c.summary);
      for (const o of c.options) expect(help).toContain(o.flags);
      expect(help).toContain('--config <path>');
    }
    expect(results.at(-1)!.stdout).toMatch(/^obelisk \d+\.\d+\.\d+/);
  });
});

describe('user mistakes: exit 2, the message on stderr, nothing on stdout, no stack trace', () => {
  it('each class of mistake says what was wrong and what was expected', async () => {
    const empty = tempDir('obelisk-noconfig-');
    const bad = tempDir('obelisk-badconfig-');
    writeFileSync(path.join(bad, 'obelisk.toml'), `cache_dir = "${path.join(ROOT, '.cache')}"\n${COMPONENTS}max_retries = "5"\n`);
    const badToml = path.join(bad, 'obelisk.toml');
    const cases: [string, string, string[], RegExp][] = [
      ['unknown command', dir, ['exectuion', 'list'], /^error: unknown command "exectuion"; did you mean "execution"\?; run `obelisk --help` for the list of commands\n$/],
      ['bad flag', dir, ['execution', 'list', '--limt', '5'], /^error: unknown option --limt for `obelisk execution list`; did you mean "--limit"\?; run `obelisk execution list --help` for its options\n$/],
      ['unknown function, with a suggestion', dir, ['execution', 'submit', 'template-fibo:workflow/fibo-workflow-ifc.fibo', '[1,1]'],
        /^error: function template-fibo:workflow\/fibo-workflow-ifc\.fibo is not exported by any configured component; did you mean template-fibo:workflow\/fibo-workflow-ifc\.fiboa /],
      ['bad JSON, with its position', dir, ['execution', 'submit', FIBOA, '[10, {"a":1}'], /^error: params: invalid JSON at line 1 column 13: /],
      ['bad JSON on a later line (--json changes nothing)', dir, ['execution', 'submit', '--json', FIBOA, '[\n10,\n2 3]'], /^error: params: invalid JSON at line 3 column 3: /],
      ['type mismatch, with its path', dir, ['execution', 'submit', FIBOA, '[300, 1]'], /^error: params\[0\]: expected u8, got 300/],
      ['invalid id', dir, ['execution', 'get', 'E_123'], /^error: invalid execution id: expected something like E_01JD0Z3T6W7Y8X9A0B1C2D3E4F .*, got "E_123"\n$/],
      ['invalid delay id', dir, ['execution', 'cancel', 'Delay_x'], /^error: invalid delay id: expected something like Delay_01JD0Z3T6W7Y8X9A0B1C2D3E4F\.o:1-sleep_1, got "Delay_x"\n$/],
      ['unknown id', dir, ['execution', 'get', '--json', UNKNOWN_ID], new RegExp(`^error: no execution ${UNKNOWN_ID} in ${esc(path.join(dir, 'state'))}; \`obelisk execution list\` shows the executions there\\n$`)],
      ['unknown component', dir, ['generate', 'wit-extensions', 'fibo_activty', 'out'], /^error: no component named "fibo_activty" in \S+obelisk\.toml; did you mean "fibo_activity"\?/],
      ['missing config', empty, ['execution', 'list'], new RegExp(`^error: config file not found: ${esc(path.join(empty, 'obelisk.toml'))}; expected an obelisk.toml there`)],
      ['config error naming the key', dir, ['config', 'check', '--config', badToml],
        new RegExp(`^error: invalid configuration: ${esc(badToml)}:\\d+: workflow\\[0\\]\\.max_retries: unknown key`)],
      ['config error, from any command', bad, ['tick', '--json'], /^error: invalid configuration: \S+:\d+: workflow\[0\]\.max_retries: /],
      ['bad option value', dir, ['tick', '--max-duration', 'soon'], /^error: --max-duration: expected a positive number, for example 50; got "soon"\n$/],
    ];
    const results = await inParallel(cases, 4, ([, cwd, argv]) => start(cwd, argv).exited);
    for (const [i, [name, , , message]] of cases.entries()) {
      const r = results[i]!;
      expect(r.stderr, name).toMatch(message);
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stdout, name).toBe('');
      expect(r.stderr, name).not.toMatch(NO_STACK);
    }
    // Nothing was written by a refused submission.
    expect(existsSync(path.join(dir, 'state', 'executions')) ? readdirSync(path.join(dir, 'state', 'executions')) : []).toEqual([]);
  });
  // Was a bug: an id matching nothing printed "verified 0 executions … 0 diverged" and exited 0, so a
  // CI step checking a mistyped id always passed.
  it('verify with an id that matches no execution: exit 2 naming it', async () => {
    const r = await obelisk('verify', UNKNOWN_ID);
    expect(r.stderr).toMatch(new RegExp(`^error: .*${UNKNOWN_ID}`));
    expect(r.code).toBe(2);
  });
});

describe('executions', () => {
  let fibo: string; // E_… of fiboa(10, 2), finished ok
  let logged: string; // E_… of a script that logged and printed

  it('submit --follow: the id, each status change, the time taken, the result; exit 0, or 1 for err (text and JSON)', async () => {
    const program = JSON.stringify([{ op: 'log', level: 'info', message: 'hello' }, { op: 'print', message: 'printed' }]);
    writeFileSync(path.join(dir, 'params.json'), `[\n  ${JSON.stringify(program)}\n]\n`);
    // One at a time, so that each output is the plain story of one process (two at once: below).
    const text = await obelisk('execution', 'submit', '--follow', FIBOA, '[10,2]');
    const json = await obelisk('execution', 'submit', '--follow', '--json', FIBOA, '[10,1]');
    const script = await obelisk('execution', 'submit', '-f', SCRIPT, '@params.json');
    const failing = await obelisk('execution', 'submit', '--follow', '--json', 'testing:activity/ops.fail', '["boom"]');
    ok(text, 'submit --follow');
    expect(text.stderr).toBe('');
    const out = lines(text.stdout);
    expect(out[0]).toMatch(ID);
    expect(out[1]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}pending$/);
    expect(out).toContainEqual(expect.stringMatching(/Z {2}locked by Run_\w+ until \S+Z$/));
    expect(out.at(-3)).toMatch(/Z {2}finished ok$/);
    expect(out.at(-2)).toMatch(/^took \d+ ms$|^took \d+\.\d{3} s$/);
    expect(out.at(-1)).toBe('{"ok":55}');
    fibo = out[0]!;

    ok(json, 'submit --follow --json');
    const changes = jsonLines(json.stdout);
    expect(changes[0]).toMatchObject({ execution_id: expect.stringMatching(ID), status: 'pending' });
    expect(changes.at(-1)).toMatchObject({ status: 'finished', result: { ok: 55 }, duration_ms: expect.any(Number) });

    ok(script, 'submit -f @params.json');
    expect(lines(script.stdout).at(-1)).toBe('{"ok":"[null,null]"}');
    logged = lines(script.stdout)[0]!;

    expect(failing.code).toBe(1);
    expect(jsonLines(failing.stdout).at(-1)).toMatchObject({ status: 'finished', result: { err: 'boom' } });

    // Without --follow: the id alone (JSON: {"execution_id"}), the execution left pending.
    const [plain, plainJson] = await Promise.all([
      obelisk('execution', 'submit', FIBOA, '[1,1]'),
      obelisk('execution', 'submit', '--json', FIBOA, '[2,1]'),
    ]);
    expect(ok(plain, 'submit').stdout).toMatch(/^E_\w{26}\n$/);
    expect(plain.stderr).toBe('');
    expect(JSON.parse(ok(plainJson, 'submit --json').stdout)).toEqual({ execution_id: expect.stringMatching(ID) });
    const pending = jsonLines(ok(await obelisk('execution', 'list', '--json', '--status', 'pending'), 'list').stdout);
    expect(pending.map((p) => p['execution_id']).sort()).toEqual([plain.stdout.trim(), JSON.parse(plainJson.stdout).execution_id].sort());
    // Advance those two, so that what the tests below find due is only what they submit.
    expect(JSON.parse(ok(await obelisk('tick', '--json'), 'tick').stdout)).toMatchObject({ advanced: expect.any(Number), finishedOk: expect.any(Number), errors: [] });
    expect(ok(await obelisk('execution', 'list', '--json', '--status', 'pending'), 'list').stdout).toBe('');
  });

  it('get, list, events, logs, tree: text and JSON', async () => {
    const [get, getJson, list, listJson, events, eventsJson, tree, treeJson, logs, logsJson, silent, getFollow] = await runAll([
      ['execution', 'get', fibo], ['execution', 'get', '--json', fibo],
      ['execution', 'list', '--ffqn', 'template-fibo:workflow/'], ['execution', 'list', '--json', '--limit', '2'],
      ['execution', 'events', fibo], ['execution', 'events', '--json', fibo],
      ['execution', 'tree', fibo], ['execution', 'tree', '--json', fibo],
      ['execution', 'logs', logged], ['execution', 'logs', '--json', logged], ['execution', 'logs', fibo],
      ['execution', 'get', '--follow', fibo],
    ]);

    expect(lines(ok(get, 'get').stdout)[0]).toBe(fibo);
    expect(get.stdout).toContain(`  function  ${FIBOA}(10, 2)\n`);
    expect(get.stdout).toMatch(/ {2}status {4}finished ok at \S+Z\n/);
    expect(get.stdout).toContain('  result    {"ok":55}\n');
    expect(get.stdout).toContain(`  children  2 (obelisk execution tree ${fibo})\n`);
    expect(JSON.parse(ok(getJson, 'get --json').stdout)).toMatchObject({ execution_id: fibo, ffqn: FIBOA, params: [10, 2], status: 'finished', result: { ok: 55 }, retries: 0 });
    expect(lines(ok(getFollow, 'get --follow').stdout)).toContain('  result    {"ok":55}');

    const rows = lines(ok(list, 'list').stdout);
    expect(rows[0]).toMatch(/^ID +STATUS +CREATED +FUNCTION$/);
    expect(rows.find((l) => l.startsWith(`${fibo} `))).toMatch(/ finished ok +\S+Z +template-fibo:workflow\/fibo-workflow-ifc\.fiboa\(10, 2\)$/);
    expect(rows.every((l, i) => i === 0 || l.includes('template-fibo:workflow/'))).toBe(true);
    expect(jsonLines(ok(listJson, 'list --json').stdout)).toHaveLength(2);
    expect(listJson.stderr).toBe('showing the newest 2; more match: use --limit to see more\n');

    const log = readFileSync(path.join(dir, 'state', 'executions', fibo, 'log.jsonl'), 'utf8');
    const eventLines = lines(ok(events, 'events').stdout);
    expect(eventLines[0]).toMatch(new RegExp(`^1 +\\S+Z {2}created +${esc(FIBOA)}\\(10, 2\\)$`));
    expect(eventLines.filter((l) => !l.startsWith('inbox'))).toHaveLength(lines(log).length);
    expect(eventLines.at(-1)).toMatch(/^inbox +\S+Z {2}child-finished /);
    expect(ok(eventsJson, 'events --json').stdout.startsWith(log)).toBe(true);
    expect(jsonLines(eventsJson.stdout).at(-1)).toMatchObject({ type: 'child-finished' });

    const treeLines = lines(ok(tree, 'tree').stdout);
    expect(treeLines).toHaveLength(3);
    expect(treeLines[1]).toMatch(new RegExp(`^├─ ${esc(fibo)}\\.o:1-fibo_1 +finished ok +\\d+ ms +template-fibo:activity/fibo-activity-ifc\\.fibo\\(10\\)$`));
    const treeObj = JSON.parse(ok(treeJson, 'tree --json').stdout) as { execution_id: string; children: { execution_id: string }[] };
    expect(treeObj.execution_id).toBe(fibo);
    expect(treeObj.children.map((c) => c.execution_id)).toEqual([`${fibo}.o:1-fibo_1`, `${fibo}.o:2-fibo_1`]);

    expect(lines(ok(logs, 'logs').stdout)).toEqual([expect.stringMatching(/Z {2}info +hello$/), expect.stringMatching(/Z {2}stdout +printed$/)]);
    expect(jsonLines(ok(logsJson, 'logs --json').stdout)).toMatchObject([{ level: 'info', message: 'hello' }, { level: 'stdout', message: 'printed' }]);
    expect(ok(silent, 'logs (nothing logged)').stdout).toBe('');
    expect(silent.stderr).toBe(`${fibo} has logged nothing\n`);
  });

  it('cancel an execution: it finishes as cancelled when it next runs; a finished one cannot be cancelled', async () => {
    const id = ok(await obelisk('execution', 'submit', 'testing:activity/ops.echo', '["hi"]'), 'submit').stdout.trim();
    const cancel = ok(await obelisk('execution', 'cancel', id), 'cancel');
    expect(cancel.stdout).toBe(`cancel requested for ${id}; it finishes as cancelled when it next runs\n`);
    expect(ok(await obelisk('execution', 'cancel', id), 'cancel again').stdout).toBe(`cancel was already requested for ${id}\n`);
    const followed = await obelisk('execution', 'get', '--follow', '--json', id);
    expect(followed.code).toBe(1);
    expect(jsonLines(followed.stdout).at(-1)).toMatchObject({ execution_id: id, status: 'finished', failure: { kind: 'cancelled', reason: 'cancel requested' } });
    const [again, get] = await Promise.all([obelisk('execution', 'cancel', id), obelisk('execution', 'get', id)]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(new RegExp(`^error: cannot cancel ${esc(id)}: it finished already at \\S+ with execution failure: cancelled: cancel requested; `));
    expect(get.code).toBe(0); // get reports; only --follow exits by the result
    expect(get.stdout).toContain('  result    execution failure: cancelled: cancel requested\n');
  });

  let sleeper: string; // a workflow asleep for ten minutes, woken by cancelling its delay

  it('tick: one summary line when it advanced something (--json: the summary object); quiet when nothing is due', async () => {
    // Ten minutes: far beyond the tick's budget (50 s), so no tick here waits for it.
    sleeper = ok(await obelisk('execution', 'submit', SCRIPT, JSON.stringify([JSON.stringify([{ op: 'sleep', in: 600_000 }])])), 'submit').stdout.trim();
    const first = ok(await obelisk('tick'), 'tick');
    expect(first.stdout).toMatch(/^tick: advanced [1-9]\d* \(finished ok \d+, err \d+, failed \d+; retried \d+; still blocked 1\)\n$/);
    expect(first.stderr).toBe('');
    const [quiet, quietJson] = await Promise.all([obelisk('tick'), obelisk('tick', '--json', '--max-duration', '5')]);
    expect(ok(quiet, 'tick (idle)').stdout).toBe('');
    expect(quiet.stderr).toBe('');
    expect(JSON.parse(ok(quietJson, 'tick --json (idle)').stdout)).toMatchObject({ advanced: 0, errors: [], stoppedEarly: false });
    expect(quiet.ms).toBeLessThan(20_000);
  });

  it('cancel a delay (Delay_…): the sleep returns err when the workflow next runs', async () => {
    const delays = jsonLines(ok(await obelisk('execution', 'events', '--json', sleeper), 'events').stdout).filter((e) => e['type'] === 'delay-requested');
    expect(delays).toHaveLength(1);
    const delay = delays[0]!['delay_id'] as string;
    expect(delay).toBe(`Delay_${sleeper.slice(2)}.o:1-sleep_1`);
    const unknown = await obelisk('execution', 'cancel', `${delay.slice(0, -1)}9`);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`error: no delay ${delay.slice(0, -1)}9 in the log of ${sleeper}: expected the id of a delay the workflow submitted (\`obelisk execution events ${sleeper}\` lists them)\n`);
    expect(ok(await obelisk('execution', 'cancel', delay), 'cancel delay').stdout).toBe(`cancelled ${delay}; ${sleeper} sees it as cancelled when it next runs\n`);
    expect(ok(await obelisk('execution', 'cancel', delay), 'cancel delay again').stdout).toBe(`${delay} had already expired or been cancelled; nothing changed\n`);
    const tick = JSON.parse(ok(await obelisk('tick', '--json'), 'tick --json').stdout) as Record<string, unknown>;
    expect(tick).toMatchObject({ advanced: 1, finishedOk: 1, blocked: 0, errors: [] });
    const get = JSON.parse(ok(await obelisk('execution', 'get', '--json', sleeper), 'get').stdout) as Record<string, unknown>;
    expect(get).toMatchObject({ status: 'finished', result: { ok: '[{"err":null}]' } });
  });

  it('stub: a type-checked result finishes a stub execution; the same again is fine, another is a conflict', async () => {
    const id = ok(await obelisk('execution', 'submit', 'testing:stub/stub.get', '["key"]'), 'submit').stdout.trim();
    const [mismatch, notResult] = await Promise.all([obelisk('execution', 'stub', id, '{"ok": 5}'), obelisk('execution', 'stub', id, '"v"')]);
    expect([mismatch.code, notResult.code]).toEqual([2, 2]);
    expect(mismatch.stderr).toBe('error: result.ok: expected string, e.g. "text", got 5\n');
    expect(notResult.stderr).toMatch(/^error: result: expected \{"ok": value\} or \{"err": value\}/);
    expect(ok(await obelisk('execution', 'stub', id, '{"ok": "value"}'), 'stub').stdout).toBe(`${id} finished with {"ok":"value"}\n`);
    const [same, other, get] = await Promise.all([
      obelisk('execution', 'stub', id, '{"ok":"value"}'), obelisk('execution', 'stub', id, '{"ok":"other"}'), obelisk('execution', 'get', '--json', id),
    ]);
    expect(same.code).toBe(0);
    expect(other.code).toBe(2);
    expect(other.stderr).toBe(`error: conflict: ${id} finished already with {"ok":"value"}, not {"ok":"other"}; a stub execution gets one result\n`);
    expect(JSON.parse(get.stdout)).toMatchObject({ status: 'finished', result: { ok: 'value' } });
  });

  it('verify: exit 0 when every finished log replays; exit 1 naming the event after a log is edited to diverge', async () => {
    const [text, json] = await Promise.all([obelisk('verify'), obelisk('verify', '--json')]);
    expect(ok(text, 'verify').stdout).toMatch(/^verified [1-9]\d* executions? \(\d+ history events\) in \d+\.\d\d s \(replay \d+\.\d\d s\): 0 diverged, \d+ skipped \(activities, or not finished\)\n$/);
    const reports = jsonLines(ok(json, 'verify --json').stdout);
    expect(reports.find((r) => r['id'] === fibo)).toEqual({ id: fibo, status: 'replayed', events: expect.any(Number) });
    expect(reports.filter((r) => r['status'] === 'diverged')).toEqual([]);

    // Change the params of the first child the workflow asked for: the workflow now asks for fibo(10).
    const logPath = path.join(dir, 'state', 'executions', fibo, 'log.jsonl');
    const original = readFileSync(logPath, 'utf8');
    const edited = original.replace(/("type":"child-requested".*?"params":)\[10\]/, '$1[11]');
    expect(edited).not.toBe(original);
    const index = lines(original).findIndex((l) => l.includes('"child-requested"')) + 1;
    writeFileSync(logPath, edited);
    try {
      const [bad, badJson, others] = await Promise.all([obelisk('verify'), obelisk('verify', '--json', fibo), obelisk('verify', '--ffqn', SCRIPT)]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain(`diverged ${fibo} at event ${index}: event ${index}: recorded child-requested template-fibo:activity/fibo-activity-ifc.fibo(11) in join set o:1-fibo, `
        + 'but the workflow now makes child-requested template-fibo:activity/fibo-activity-ifc.fibo(10) in join set o:1-fibo (params differs)\n');
      expect(bad.stdout).toMatch(/ {4}recorded: \{.*"params":\[11\]\}\n {4}new code: \{.*"params":\[10\]\}\n/);
      expect(lines(bad.stdout).at(-1)).toMatch(/: 1 diverged/);
      expect(badJson.code).toBe(1);
      expect(jsonLines(badJson.stdout)).toContainEqual(expect.objectContaining({ id: fibo, status: 'diverged', index }));
      expect(ok(others, 'verify --ffqn (the other executions)').stdout).toMatch(/: 0 diverged/);
    } finally {
      writeFileSync(logPath, original);
    }
  });

  it('component list, generate, config check, index rebuild: text and JSON', async () => {
    const [list, listJson, imports, extensions, support, ext, check, checkJson, rebuild, rebuildJson] = await runAll([
      ['component', 'list'], ['component', 'list', '--json'], ['component', 'list', '--imports'], ['component', 'list', '--extensions', '--json'],
      ['generate', 'wit-support', 'wit/deps'], ['generate', 'wit-extensions', 'fibo_activity', 'wit/ext'],
      ['config', 'check'], ['config', 'check', '--json'], ['index', 'rebuild'], ['index', 'rebuild', '--json'],
    ]);

    expect(ok(list, 'component list').stdout).toMatch(/^fibo_activity {2}activity_wasm {2}sha256:[0-9a-f]{64}\n {2}exports:\n {4}template-fibo:activity\/fibo-activity-ifc\.fibo: func\(n: u8\) -> result<u64>\n/);
    expect(list.stdout).toContain('    testing:script/workflow.run: func(program: string) -> result<string, string>\n');
    expect(list.stdout).not.toContain('imports:');
    const views = jsonLines(ok(listJson, 'component list --json').stdout);
    expect(views.map((v) => v['name']).sort()).toEqual(['fibo_activity', 'fibo_workflow', 'script_workflow', 'stub_activity', 'test_activity']);
    expect(views[0]).toMatchObject({ kind: 'activity_wasm', exports: [{ ffqn: 'template-fibo:activity/fibo-activity-ifc.fibo', signature: 'func(n: u8) -> result<u64>' }] });
    expect(ok(imports, 'component list --imports').stdout).toContain('    template-fibo:activity/fibo-activity-ifc.fibo: func(n: u8) -> result<u64>\n');
    expect(imports.stdout).toContain('  imports:\n');
    const withExt = jsonLines(ok(extensions, 'component list --extensions --json').stdout);
    const stubExt = (withExt.find((v) => v['name'] === 'stub_activity')!['extensions'] as { ffqn: string }[]).map((e) => e.ffqn);
    expect(stubExt).toContain('testing:stub-obelisk-stub/stub.get-stub');
    expect(stubExt).toContain('testing:stub-obelisk-ext/stub.get-submit');

    const deps = path.join(dir, 'wit', 'deps');
    expect(ok(support, 'generate wit-support').stdout).toBe(['obelisk_types@4.2.0', 'obelisk_workflow@5.1.0', 'obelisk_log@1.0.0']
      .map((p) => `wrote ${path.join(deps, p, `${p}.wit`)}\n`).join(''));
    expect(readFileSync(path.join(deps, 'obelisk_workflow@5.1.0', 'obelisk_workflow@5.1.0.wit'), 'utf8')).toContain('package obelisk:workflow@5.1.0;');
    expect(lines(ok(ext, 'generate wit-extensions').stdout)).toHaveLength(3);
    expect(readdirSync(path.join(dir, 'wit', 'ext')).sort()).toEqual(['template-fibo_activity', 'template-fibo_activity-obelisk-ext', 'template-fibo_activity-obelisk-schedule']);

    expect(ok(check, 'config check').stdout).toContain(`ok ${path.join(dir, 'obelisk.toml')}\n`);
    expect(check.stdout).toMatch(/^ {4}script_workflow +workflow +\S+script_workflow\.wasm$/m);
    const config = JSON.parse(ok(checkJson, 'config check --json').stdout) as { stateDir: string; components: { name: string }[] };
    expect(config.stateDir).toBe(path.join(dir, 'state'));
    expect(config.components).toHaveLength(5);

    expect(ok(rebuild, 'index rebuild').stdout).toMatch(new RegExp(`^rebuilt the due index of ${esc(path.join(dir, 'state'))}: read \\d+ executions, \\d+ of them due now or at a later time `));
    expect(JSON.parse(ok(rebuildJson, 'index rebuild --json').stdout)).toMatchObject({ state_dir: path.join(dir, 'state'), executions: expect.any(Number), corrupt: [] });
  });

  it('the state folder\'s .gitignore: `git add state` stages logs, inbox and output, never locks, due markers or temp files', async (ctx) => {
    if (spawnSync('git', ['--version']).status !== 0) ctx.skip('git is not installed');
    const state = path.join(dir, 'state');
    // What a crash or a running process can leave behind.
    mkdirSync(path.join(state, 'server.lock'));
    writeFileSync(path.join(state, 'executions', fibo, 'log.jsonl.x1.tmp'), '');
    mkdirSync(path.join(state, 'executions', fibo, 'append.lock'));
    writeFileSync(path.join(state, 'executions', fibo, 'append.lock', 'held'), '');
    const repo = tempDir('obelisk-git-');
    cpSync(state, path.join(repo, 'state'), { recursive: true });
    const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
    expect(git('init', '-q').status).toBe(0);
    expect(git('add', 'state').status).toBe(0);
    const staged = lines(git('ls-files').stdout);
    expect(staged).toContain('state/.gitignore');
    expect(staged).toContain(`state/executions/${fibo}/log.jsonl`);
    expect(staged).toContain(`state/executions/${logged}/output.jsonl`);
    expect(staged.some((f) => /^state\/executions\/[^/]+\/inbox\/[^/]+\.json$/.test(f))).toBe(true);
    for (const f of staged) expect(f).toMatch(/^state\/(\.gitignore|executions\/[^/]+\/(log\.jsonl|children\.jsonl|output\.jsonl|inbox\/[^/]+\.json))$/);
    expect(readdirSync(path.join(state, 'due')).length).toBeGreaterThan(0); // there were markers to leave out
    rmSync(path.join(state, 'server.lock'), { recursive: true });
    rmSync(path.join(state, 'executions', fibo, 'append.lock'), { recursive: true });
  });
});

describe('server run', () => {
  let project: string;
  beforeAll(() => {
    project = tempDir('obelisk-server-');
    writeFileSync(path.join(project, 'obelisk.toml'), `cache_dir = "${path.join(ROOT, '.cache')}"\n${COMPONENTS}`);
  });

  /** Starts a server and waits until it says it runs. */
  async function serve(...args: string[]): Promise<Running> {
    const server = start(project, ['server', 'run', ...args]);
    for (let i = 0; i < 200 && !server.stderr().includes('obelisk server: running'); i++) {
      if (server.proc.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(server.stderr()).toContain(`obelisk server: running on ${path.join(project, 'state')}`);
    return server;
  }

  async function stop(server: Running): Promise<Exit> {
    expect(server.proc.kill('SIGTERM')).toBe(true);
    return server.exited;
  }

  it('advances what is submitted while it runs; SIGTERM: exit 0, server.lock released', async () => {
    const server = await serve();
    const lock = path.join(project, 'state', 'server.lock');
    try {
      expect(existsSync(lock)).toBe(true);
      const id = ok(await start(project, ['execution', 'submit', FIBOA, '[10,2]']).exited, 'submit').stdout.trim();
      // With a server holding server.lock, --follow only watches: the server finishes it.
      const followed = ok(await start(project, ['execution', 'get', '--follow', '--json', id]).exited, 'get --follow');
      expect(jsonLines(followed.stdout).at(-1)).toMatchObject({ execution_id: id, status: 'finished', result: { ok: 55 } });
      for (let i = 0; i < 100 && !server.stdout().includes('tick: advanced'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(server.stdout()).toMatch(/^\S+Z tick: advanced \d+ \(finished ok \d+, /m);
    } finally {
      const exit = await stop(server);
      expect(exit.code, exit.stderr).toBe(0);
      expect(exit.signal).toBeNull();
      expect(exit.stderr.endsWith('obelisk server: stopped\n')).toBe(true);
      expect(exit.stderr).not.toMatch(NO_STACK);
    }
    expect(existsSync(lock)).toBe(false);
  });

  it('--json: one summary object per pass that did something; a new server starts once the last one stopped', async () => {
    const server = await serve('--json');
    let exit: Exit | undefined;
    try {
      ok(await start(project, ['execution', 'submit', '--follow', FIBOA, '[5,1]']).exited, 'submit --follow');
      for (let i = 0; i < 100 && !server.stdout().includes('"advanced"'); i++) await new Promise((r) => setTimeout(r, 50));
    } finally {
      exit = await stop(server);
    }
    expect(exit.code, exit.stderr).toBe(0);
    const summaries = jsonLines(exit.stdout);
    expect(summaries.length).toBeGreaterThan(0);
    expect(summaries[0]).toMatchObject({ at: expect.stringMatching(/Z$/), advanced: expect.any(Number), finishedOk: expect.any(Number) });
    expect(summaries.reduce((n, s) => n + (s['finishedOk'] as number), 0)).toBeGreaterThanOrEqual(2);
  });

  // Was a bug: the refusal was not a UserError, so it exited 70 ("internal error … This is a bug in
  // obelisk") with a stack trace.
  it('a second server on the same state folder is refused: exit 2, the message, no stack', async () => {
    const server = await serve();
    try {
      const second = await start(project, ['server', 'run']).exited;
      expect(second.stderr).toMatch(/^error: another obelisk server is already running on \S+ \(it holds server\.lock\)/);
      expect(second.stderr).not.toMatch(NO_STACK);
      expect(second.code).toBe(2);
    } finally {
      expect((await stop(server)).code).toBe(0);
    }
  });
});

describe('two processes advancing one state folder', () => {
  // Was a bug (lib/executor/engine.ts, advanceHot): with the "await" strategy, a process slow
  // between taking a workflow's lease and the workflow's first block (loading the worker under load)
  // lost the lease to another process; its append then failed before the wait was parked, nothing
  // ended the worker, and `submit --follow` hung for good. A 100 ms lease makes the takeover
  // near-certain with three processes; a hang is killed after 8 s and fails here with the output.
  it('concurrent `submit --follow`s all finish, also when one loses a workflow\'s lease to another', async () => {
    const project = tempDir('obelisk-concurrent-');
    writeFileSync(path.join(project, 'obelisk.toml'), `cache_dir = "${path.join(ROOT, '.cache')}"\n${COMPONENTS}exec.lock_expiry.milliseconds = 100\n`);
    const exits = await Promise.all([1, 2, 3].map(() => start(project, ['execution', 'submit', '--follow', FIBOA, '[10,2]'], 8_000).exited));
    for (const e of exits) {
      expect(e.signal, `hung, killed after 8 s:\n${e.stdout}${e.stderr}`).toBeNull();
      expect(e.code).toBe(0);
      expect(lines(e.stdout).at(-1)).toBe('{"ok":55}');
    }
  });
});

describe('a component configured by its JavaScript source (location = "….js", wit = the folder)', () => {
  // Was a bug: `component list` and `generate wit-extensions` read the types from `location` as a
  // .wasm file ("not a valid WebAssembly component: missing the \0asm magic number") instead of
  // building the source first, as `execution submit` does. The first run builds the component into
  // the repository's .cache (about 20 s); later runs find it there, cached by its sources.
  it('component list shows its functions, as execution submit can run them', async () => {
    const project = tempDir('obelisk-js-source-');
    writeFileSync(path.join(project, 'obelisk.toml'), `cache_dir = "${path.join(ROOT, '.cache')}"\n${MORE_COMPONENTS.replace(
      `location = "${path.join(BUILT, 'script_workflow.wasm')}"`,
      `location = "${path.join(ROOT, 'components', 'script_workflow', 'component.js')}"\nwit = "${path.join(ROOT, 'components', 'script_workflow', 'wit')}"`,
    )}`);
    const r = await start(project, ['component', 'list', '--json'], 120_000).exited;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const script = jsonLines(r.stdout).find((v) => v['name'] === 'script_workflow');
    expect(script).toMatchObject({ kind: 'workflow', exports: [{ ffqn: SCRIPT }] });
  }, 150_000);
});
