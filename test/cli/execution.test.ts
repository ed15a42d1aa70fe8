/**
 * The execution commands, in-process through run(), on a temporary state folder with the built fibo,
 * test and stub components. testEngine's close() replays every execution the commands finished.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../../lib/cli/io.js';
import { run } from '../../lib/cli/main.js';
import { acquireServerLock } from '../../lib/executor/server-lock.js';
import { tick } from '../../lib/executor/tick.js';
import { appendOutput } from '../../lib/store/output.js';
import { parseExecutionId, type ExecutionId } from '../../lib/model/ids.js';
import { fiboToml, ROOT, testEngine, type TestEngine } from '../support/engine.js';

const FIBOA = 'template-fibo:workflow/fibo-workflow-ifc.fiboa';
const ID = /^E_[0-9A-HJKMNP-TV-Z]{26}$/;

let t: TestEngine;
let config: string;

beforeAll(async () => {
  // The test engine runs without worker threads; the commands open their own engine (with them).
  t = await testEngine(`${fiboToml('await')}
[[activity_wasm]]
name = "test_activity"
location = "\${BUILT}/test_activity.wasm"
max_retries = 1
retry_exp_backoff.milliseconds = 200

[[workflow]]
name = "script_workflow"
location = "\${BUILT}/script_workflow.wasm"

[[activity_stub]]
name = "stub_activity"
location = "\${BUILT}/stub_activity.wasm"
`, { hotWorkers: 0 });
  config = path.join(t.dir, 'obelisk.toml');
});
afterAll(async () => t?.close());

async function cli(...argv: string[]) {
  const io = bufferIo();
  const code = await run([...argv, '--config', config], { io, env: {}, cwd: t.dir });
  return { code, stdout: io.stdout, stderr: io.stderr, lines: io.stdout.trimEnd().split('\n') };
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function submitted(ffqn: string, params: string): Promise<ExecutionId> {
  const r = await cli('execution', 'submit', ffqn, params);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return parseExecutionId(r.stdout.trim());
}

describe('execution submit', () => {
  it('the seed example with --follow prints the id, each status, the time taken and {"ok": 102334155}; exit 0', async () => {
    const r = await cli('execution', 'submit', '--follow', FIBOA, '[40,10]');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatch(ID);
    expect(r.lines[1]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}pending$/);
    expect(r.lines).toContainEqual(expect.stringMatching(/ {2}locked by Run_\w+ until /));
    expect(r.lines.at(-3)).toMatch(/ {2}finished ok$/);
    expect(r.lines.at(-2)).toMatch(/^took \d+ ms$|^took \d+\.\d{3} s$/);
    expect(r.lines.at(-1)).toBe('{"ok":102334155}');
  });

  it('--follow --json prints one object per status change, the last with the result and duration', async () => {
    const r = await cli('execution', 'submit', '--follow', '--json', FIBOA, '[10,2]');
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    const id = lines[0]!['execution_id'] as string;
    expect(id).toMatch(ID);
    expect(lines.every((l) => l['execution_id'] === id)).toBe(true);
    expect(lines[0]).toMatchObject({ status: 'pending' });
    expect(lines.map((l) => l['status'])).toContain('locked');
    const last = lines.at(-1)!;
    expect(last).toMatchObject({ status: 'finished', result: { ok: 55 } });
    expect(typeof last['duration_ms']).toBe('number');
    expect(lines.filter((l) => l['status'] === 'finished')).toHaveLength(1);
  });

  it('without --follow prints the new id only (JSON: {"execution_id"}) and leaves the execution pending', async () => {
    const id = await submitted(FIBOA, '[1,1]');
    const j = await cli('execution', 'submit', '--json', FIBOA, '[1,1]');
    expect(JSON.parse(j.stdout)).toEqual({ execution_id: expect.stringMatching(ID) });
    const { events } = await t.engine.deps.store.read(id);
    expect(events.map((e) => e.type)).toEqual(['created']);
  });

  it('params may come from @file (relative to the current folder)', async () => {
    await writeFile(path.join(t.dir, 'params.json'), '[\n  10,\n  1\n]\n');
    const r = await cli('execution', 'submit', '-f', FIBOA, '@params.json');
    expect(r.code).toBe(0);
    expect(r.lines.at(-1)).toBe('{"ok":55}');
  });

  it('an execution that ends in err exits 1 and prints {"err": …}; a retry shows as pending until its backoff ends', async () => {
    const started = Date.now();
    const r = await cli('execution', 'submit', '--follow', 'testing:activity/ops.fail', '["boom"]');
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(r.lines).toContainEqual(expect.stringMatching(/ {2}pending until \S+Z: returned err: "boom"$/));
    expect(r.lines.at(-3)).toMatch(/finished err$/);
    expect(r.lines.at(-1)).toBe('{"err":"boom"}');
    const get = await cli('execution', 'get', r.lines[0]!);
    expect(get.stdout).toMatch(/\n {2}retries {3}1 \(last at \S+Z: returned err: "boom"\)\n/);
    const j = await cli('execution', 'submit', '--follow', '--json', 'testing:activity/ops.fail', '["boom"]');
    expect(j.code).toBe(1);
    expect(jsonLines(j.stdout).at(-1)).toMatchObject({ status: 'finished', result: { err: 'boom' } });
  });

  it('an execution failure exits 1 with its kind and reason: a cancelled one (cancel before following)', async () => {
    // An activity: lib/verify does not yet accept a workflow cancelled before it ran (it replays it further).
    const id = await submitted('testing:activity/ops.echo', '["hi"]');
    const c = await cli('execution', 'cancel', id);
    expect(c.code).toBe(0);
    expect(c.stdout).toBe(`cancel requested for ${id}; it finishes as cancelled when it next runs\n`);
    expect((await cli('execution', 'get', id)).stdout).toContain('cancel    requested');

    const r = await cli('execution', 'get', '--follow', id);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('finished failed');
    expect(r.stdout).toContain('result    execution failure: cancelled: cancel requested');

    const j = await cli('execution', 'get', '--follow', '--json', id);
    expect(j.code).toBe(1);
    expect(jsonLines(j.stdout).at(-1)).toMatchObject({ execution_id: id, status: 'finished', failure: { kind: 'cancelled', reason: 'cancel requested' } });

    const again = await cli('execution', 'cancel', id);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(new RegExp(`^error: cannot cancel ${id}: it finished already at \\S+ with execution failure: cancelled: cancel requested; only an execution that has not finished can be cancelled\\n$`));
  });

  it('--follow sleeps until a delay expires, then finishes the workflow', async () => {
    const started = Date.now();
    const r = await cli('execution', 'submit', '--follow', 'testing:script/workflow.run', JSON.stringify([JSON.stringify([{ op: 'sleep', in: 1000 }])]));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(r.lines).toContainEqual(expect.stringMatching(/ {2}blocked on join set o:1-sleep until \S+Z$/));
    expect(r.lines.at(-1)).toMatch(/^\{"ok":"\[\{\\"ok\\":\d+\}\]"\}$/);
  });

  it('a stub function: --follow says how it finishes, and waits for the stub', async () => {
    const following = cli('execution', 'submit', '--follow', 'testing:stub/stub.get', '["k"]');
    let id: string | undefined;
    for (let i = 0; i < 100 && !id; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const listed = await cli('execution', 'list', '--json', '--ffqn', 'testing:stub/', '--status', 'pending');
      id = listed.stdout ? (jsonLines(listed.stdout)[0]!['execution_id'] as string) : undefined;
    }
    expect(id).toBeDefined();
    expect((await cli('execution', 'stub', id!, '{"ok":"answer"}')).code).toBe(0);
    const r = await following;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`testing:stub/stub.get is a stub activity: it finishes when given a result with \`obelisk execution stub ${id} <result>\`\n`);
    expect(r.lines.at(-1)).toBe('{"ok":"answer"}');
  });

  it('with a server running, --follow only watches the log; the result comes from whoever advances it', async () => {
    const release = await acquireServerLock(path.join(t.dir, 'state'), () => undefined);
    try {
      const following = cli('execution', 'submit', '--follow', FIBOA, '[10,1]');
      let id: ExecutionId | undefined;
      for (let i = 0; i < 100 && !id; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const ids: ExecutionId[] = [];
        for await (const x of t.engine.deps.store.list()) ids.push(x);
        for (const x of ids) {
          const { events } = await t.engine.deps.store.read(x);
          if (events[0]?.type === 'created' && JSON.stringify(events[0].params) === '[10,1]' && events.length === 1) id = x;
        }
      }
      expect(id).toBeDefined();
      await new Promise((r) => setTimeout(r, 400));
      // Nobody advanced it: the follower did not.
      expect((await t.engine.deps.store.read(id!)).events).toHaveLength(1);
      const stop = new AbortController();
      const ticking = tick(t.engine, { maxDurationMs: 20_000, concurrency: 2, signal: stop.signal });
      const r = await following;
      stop.abort();
      await ticking;
      expect(r.code).toBe(0);
      expect(r.lines[0]).toBe(id);
      expect(r.lines.at(-1)).toBe('{"ok":55}');
    } finally {
      await release();
    }
  });
});

describe('reading a finished fibo execution', () => {
  let id: ExecutionId;
  beforeAll(async () => {
    const r = await cli('execution', 'submit', '--follow', FIBOA, '[10,2]');
    expect(r.code).toBe(0);
    id = parseExecutionId(r.lines[0]!);
  });

  it('get: status and when, result, timings, retries', async () => {
    const r = await cli('execution', 'get', id);
    expect(r.code).toBe(0);
    expect(r.lines[0]).toBe(id);
    expect(r.stdout).toContain(`  function  ${FIBOA}(10, 2)\n`);
    expect(r.stdout).toMatch(/ {2}status {4}finished ok at \S+Z\n/);
    expect(r.stdout).toContain('  result    {"ok":55}\n');
    expect(r.stdout).toMatch(/ {2}duration {2}\d+ ms\n/);
    expect(r.stdout).toContain('  retries   0\n');
    expect(r.stdout).toContain(`  children  2 (obelisk execution tree ${id})\n`);

    const j = JSON.parse((await cli('execution', 'get', '--json', id)).stdout) as Record<string, unknown>;
    const { events } = await t.engine.deps.store.read(id);
    expect(j).toMatchObject({
      execution_id: id, ffqn: FIBOA, params: [10, 2], status: 'finished', result: { ok: 55 }, retries: 0,
      created_at: events[0]!.at, finished_at: events.at(-1)!.at, status_since: events.at(-1)!.at,
    });
    expect(j['duration_ms']).toBe(Date.parse(events.at(-1)!.at) - Date.parse(events[0]!.at));
  });

  it('get --follow of a finished execution prints it at once and exits by its result', async () => {
    const r = await cli('execution', 'get', '--follow', id);
    expect(r.code).toBe(0);
    expect(r.lines[0]).toBe(id);
  });

  it('events: one line per log line (numbered as in log.jsonl), then the inbox; --json: the stored lines', async () => {
    const { events, inbox } = await t.engine.deps.store.read(id);
    const r = await cli('execution', 'events', id);
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(events.length + inbox.length);
    expect(r.lines[0]).toMatch(new RegExp(`^1 +\\S+Z  created +${FIBOA.replace(/[.]/g, '\\.')}\\(10, 2\\)$`));
    const child = `${id}.o:1-fibo_1`;
    const requested = events.findIndex((e) => e.type === 'child-requested') + 1;
    expect(r.lines[requested - 1]).toMatch(new RegExp(`^${requested} +\\S+  child-requested +o:1-fibo ${child.replace(/[.]/g, '\\.')} template-fibo:activity/fibo-activity-ifc\\.fibo\\(10\\)$`));
    expect(r.stdout).toMatch(new RegExp(`join-next +o:1-fibo <- ${child.replace(/[.]/g, '\\.')} \\{"ok":55\\}`));
    expect(r.lines[events.length - 1]).toMatch(new RegExp(`^${events.length} +\\S+  finished +\\{"ok":55\\}$`));
    expect(r.lines.slice(events.length).every((l) => /^inbox +\S+  child-finished +o:\d-fibo /.test(l))).toBe(true);

    const j = await cli('execution', 'events', '--json', id);
    const log = readFileSync(path.join(t.dir, 'state', 'executions', id, 'log.jsonl'), 'utf8');
    expect(j.stdout.startsWith(log)).toBe(true);
    expect(jsonLines(j.stdout.slice(log.length)).map((m) => m['type'])).toEqual(inbox.map(() => 'child-finished'));
  });

  it('list: newest first, children after their parent; --ffqn, --status, --limit, --json', async () => {
    const later = await submitted(FIBOA, '[2,0]');
    const r = await cli('execution', 'list');
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatch(/^ID +STATUS +CREATED +FUNCTION$/);
    const ids = r.lines.slice(1).map((l) => l.split(/\s+/)[0]);
    expect(ids.indexOf(later)).toBeLessThan(ids.indexOf(id));
    expect(ids.indexOf(`${id}.o:1-fibo_1`)).toBe(ids.indexOf(id) + 1);
    expect(ids.indexOf(`${id}.o:2-fibo_1`)).toBe(ids.indexOf(id) + 2);
    expect(r.lines.find((l) => l.startsWith(`${id} `))).toMatch(/ finished ok +\S+Z +template-fibo:workflow\/fibo-workflow-ifc\.fiboa\(10, 2\)$/);
    expect(r.lines.find((l) => l.startsWith(`${later} `))).toMatch(/ pending /);

    const activities = jsonLines((await cli('execution', 'list', '--json', '--ffqn', 'template-fibo:activity/')).stdout);
    expect(activities.length).toBeGreaterThan(0);
    expect(activities.every((x) => x['ffqn'] === 'template-fibo:activity/fibo-activity-ifc.fibo')).toBe(true);

    const errs = jsonLines((await cli('execution', 'list', '--json', '--status', 'err')).stdout);
    expect(errs.length).toBeGreaterThan(0);
    expect(errs.every((x) => (x['result'] as Record<string, unknown>)['err'] !== undefined)).toBe(true);
    const pending = jsonLines((await cli('execution', 'list', '--json', '--status', 'pending')).stdout);
    expect(pending.map((x) => x['execution_id'])).toContain(later);
    expect(pending.every((x) => x['status'] === 'pending')).toBe(true);

    const one = await cli('execution', 'list', '--limit', '1');
    expect(one.lines).toHaveLength(2);
    expect(one.lines[1]!.startsWith(`${later} `)).toBe(true);
    expect(one.stderr).toBe('showing the newest 1; more match: use --limit to see more\n');
  });

  it('tree: the execution and its children with status, duration and function', async () => {
    const r = await cli('execution', 'tree', id);
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(3);
    expect(r.lines[0]).toMatch(new RegExp(`^${id} +finished ok +\\d+ ms +${FIBOA.replace(/[.]/g, '\\.')}\\(10, 2\\)$`));
    expect(r.lines[1]).toMatch(new RegExp(`^├─ ${id}\\.o:1-fibo_1 +finished ok +\\d+ ms +template-fibo:activity/fibo-activity-ifc\\.fibo\\(10\\)$`));
    expect(r.lines[2]).toMatch(new RegExp(`^└─ ${id}\\.o:2-fibo_1 +finished ok `));
    const j = JSON.parse((await cli('execution', 'tree', '--json', id)).stdout) as { children: { execution_id: string; result: unknown; children: unknown[] }[]; failed_path?: unknown };
    expect(j.children.map((c) => c.execution_id)).toEqual([`${id}.o:1-fibo_1`, `${id}.o:2-fibo_1`]);
    expect(j.children.map((c) => c.result)).toEqual([{ ok: 55 }, { ok: 55 }]);
    expect(j.failed_path).toBeUndefined();
  });

  it('logs: the output lines (none for fibo, said on stderr); written lines as text and JSON', async () => {
    const none = await cli('execution', 'logs', id);
    expect(none).toMatchObject({ code: 0, stdout: '', stderr: `${id} has logged nothing\n` });
    appendOutput(path.join(t.dir, 'state'), id, 'info', 'computing fibo', Date.UTC(2026, 0, 1));
    appendOutput(path.join(t.dir, 'state'), id, 'error', 'oops', Date.UTC(2026, 0, 1, 0, 0, 1));
    const r = await cli('execution', 'logs', id);
    expect(r.stdout).toBe('2026-01-01T00:00:00.000Z  info   computing fibo\n2026-01-01T00:00:01.000Z  error  oops\n');
    expect(jsonLines((await cli('execution', 'logs', '--json', id)).stdout)).toEqual([
      { at: '2026-01-01T00:00:00.000Z', level: 'info', message: 'computing fibo' },
      { at: '2026-01-01T00:00:01.000Z', level: 'error', message: 'oops' },
    ]);
  });
});

describe('tree drills down to the failed child', () => {
  it('a workflow whose child was cancelled ends in err; tree names the child and its failure', async () => {
    const id = await submitted(FIBOA, '[10,2]');
    // One step of the workflow (no worker threads in the test engine: it runs until it blocks on its first child).
    expect(await t.engine.advance(id)).toMatchObject({ status: 'blocked' });
    const child = `${id}.o:1-fibo_1`;
    expect((await cli('execution', 'cancel', child)).code).toBe(0);
    const r = await cli('execution', 'get', '--follow', id);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('result    {"err":null}');

    const tree = await cli('execution', 'tree', id);
    expect(tree.code).toBe(0);
    expect(tree.lines[0]).toMatch(new RegExp(`^${id} +finished err `));
    expect(tree.lines[1]).toMatch(/^└─ \S+ +finished failed /);
    expect(tree.stdout).toContain(`\nfailed in: ${id} > ${child}\n  template-fibo:activity/fibo-activity-ifc.fibo(10)\n  execution failure: cancelled: cancel requested\n`);
    const j = JSON.parse((await cli('execution', 'tree', '--json', id)).stdout) as { failed_path: string[] };
    expect(j.failed_path).toEqual([id, child]);
  });
});

describe('execution stub', () => {
  it('finishes a stub activity execution with a type-checked result; the same again is fine, another is a conflict', async () => {
    const id = await submitted('testing:stub/stub.get', '["key"]');
    const mismatch = await cli('execution', 'stub', id, '{"ok": 5}');
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/^error: result\.ok: expected string, e\.g\. "text", got 5\n$/);
    const bad = await cli('execution', 'stub', id, '{"ok": "v"');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: result: invalid JSON/);

    const r = await cli('execution', 'stub', id, '{"ok": "value"}');
    expect(r).toMatchObject({ code: 0, stdout: `${id} finished with {"ok":"value"}\n` });
    expect((await cli('execution', 'get', id)).stdout).toContain('result    {"ok":"value"}');
    expect((await cli('execution', 'stub', id, '{"ok":"value"}')).code).toBe(0);
    const conflict = await cli('execution', 'stub', id, '{"ok":"other"}');
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toBe(`error: conflict: ${id} finished already with {"ok":"value"}, not {"ok":"other"}; a stub execution gets one result\n`);
  });

  it('refuses an execution that is not of a stub activity', async () => {
    const id = await submitted(FIBOA, '[1,0]');
    const r = await cli('execution', 'stub', id, '{"ok": 1}');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${id} runs ${FIBOA} of component fibo_workflow (workflow); only executions of an activity_stub component take a result`);
  });
});

describe('mistakes exit 2 with the message, no stack', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown function: the closest ones', ['execution', 'submit', 'template-fibo:workflow/fibo-workflow-ifc.fibo', '[1,1]'],
      /^error: function template-fibo:workflow\/fibo-workflow-ifc\.fibo is not exported by any configured component; did you mean template-fibo:workflow\/fibo-workflow-ifc\.fiboa or /],
    ['malformed function name', ['execution', 'submit', 'fiboa', '[1,1]'], /^error: invalid function name: expected namespace:package\/interface\[@version\]\.function/],
    ['bad JSON: where', ['execution', 'submit', FIBOA, '[10, {"a":1}'], /^error: params: invalid JSON at line 1 column 13: /],
    ['not an array', ['execution', 'submit', FIBOA, '{"n":1}'], /^error: params: expected a JSON array of values, e.g. \[40, 10\], got /],
    ['type mismatch: the path', ['execution', 'submit', FIBOA, '[300, 1]'], /^error: params\[0\]: expected u8, got 300/],
    ['wrong count', ['execution', 'submit', FIBOA, '[1]'], /^error: params: expected 2 values, got 1 \(fiboa: func\(n: u8, iterations: u32\) -> result<u64>\)\n$/],
    ['missing params file', ['execution', 'submit', FIBOA, '@missing.json'], /^error: params file \S+missing\.json: not found; expected a file holding a JSON array/],
    ['invalid id', ['execution', 'get', 'E_123'], /^error: invalid execution id: expected something like E_01JD0Z3T6W7Y8X9A0B1C2D3E4F .*, got "E_123"\n$/],
    ['invalid id (path)', ['execution', 'events', '../../etc'], /^error: invalid execution id: /],
    ['unknown id', ['execution', 'get', 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F'], /^error: no execution E_01JD0Z3T6W7Y8X9A0B1C2D3E4F in \S+; `obelisk execution list` shows the executions there\n$/],
    ['unknown id (tree)', ['execution', 'tree', 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F'], /^error: no execution E_01JD0Z3T6W7Y8X9A0B1C2D3E4F in /],
    ['unknown id (cancel)', ['execution', 'cancel', 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F'], /^error: no execution E_01JD0Z3T6W7Y8X9A0B1C2D3E4F in /],
    ['unknown id (logs)', ['execution', 'logs', 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F'], /^error: no execution /],
    ['unknown id (stub)', ['execution', 'stub', 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F', '{"ok":"x"}'], /^error: no execution /],
    ['stub result not a result', ['execution', 'stub', 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F', '"x"'], /^error: result: expected \{"ok": value\} or \{"err": value\}, e\.g\. \{"ok": 42\}, got "x"\n$/],
    ['bad --status', ['execution', 'list', '--status', 'fnished'], /^error: --status: expected one of pending, locked, blocked, finished, ok, err, failed, got "fnished"; did you mean finished\?\n$/],
    ['bad --limit', ['execution', 'list', '--limit', 'ten'], /^error: --limit: expected a whole number of executions from 1, e\.g\. --limit 20, got "ten"\n$/],
  ];
  for (const [name, argv, message] of cases) {
    it(name, async () => {
      const r = await cli(...argv);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

describe('as a real process', () => {
  it('bin/obelisk runs the seed example exactly as written, from the config folder', async () => {
    const bin = path.join(ROOT, 'bin', 'obelisk');
    const { stdout, stderr } = await promisify(execFile)(process.execPath,
      [bin, 'execution', 'submit', '--follow', FIBOA, '[40,10]'], { cwd: t.dir, env: { ...process.env, NO_COLOR: '1' } });
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(ID);
    expect(lines.at(-1)).toBe('{"ok":102334155}');
  });

  it('a failing result exits 1 from the process too', async () => {
    const bin = path.join(ROOT, 'bin', 'obelisk');
    const err = await promisify(execFile)(process.execPath, [bin, 'execution', 'submit', '-f', 'testing:activity/ops.fail', '["x"]'], { cwd: t.dir })
      .then(() => undefined, (e: { code: number; stdout: string }) => e);
    expect(err?.code).toBe(1);
    expect(err?.stdout.trimEnd().split('\n').at(-1)).toBe('{"err":"x"}');
  });
});
