/**
 * The activity sandbox (lib/executor/sandbox/wasi.ts), seen from inside a JavaScript activity
 * (components/js_activity, built from its .js source on first use): fetch to an allowed host works
 * and to any other host fails in the guest with a clear error, the guest sees only its declared
 * env_vars, no directories are preopened, and its stdout/stderr are stored with the execution.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../../lib/cli/io.js';
import { run } from '../../lib/cli/main.js';
import { tick } from '../../lib/executor/tick.js';
import type { ExecutionId } from '../../lib/model/ids.js';
import type { JsonValue } from '../../lib/model/json.js';
import { readOutput } from '../../lib/store/output.js';
import { buildSourceComponent } from '../../lib/component/source-build.js';
import { JS_ACTIVITY_TOML, ROOT, testEngine, type TestEngine } from '../support/engine.js';

const SANDBOX = 'testing:js-activity/sandbox';

let t: TestEngine;
let server: http.Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'text/plain');
      res.end(req.url === '/hello' ? 'hello from the host' : `echo ${body}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Set in the host process: one passed through by name, one not declared at all.
  process.env['OBELISK_TEST_PASSED'] = 'from the host';
  process.env['OBELISK_TEST_UNDECLARED'] = 'must not reach the guest';
  t = await testEngine(`${JS_ACTIVITY_TOML}env_vars = ["DECLARED=declared value", "OBELISK_TEST_PASSED"]

[[activity_wasm.allowed_host]]
pattern = "http://127.0.0.1:*"
methods = ["GET"]
`);
});

afterAll(async () => {
  await t?.close();
  server?.close();
  delete process.env['OBELISK_TEST_PASSED'];
  delete process.env['OBELISK_TEST_UNDECLARED'];
});

async function call(fn: string, params: JsonValue[]) {
  const id = (await t.engine.submit(`${SANDBOX}.${fn}`, params)) as ExecutionId;
  await tick(t.engine, { maxDurationMs: 60_000, concurrency: 2 });
  const { events } = await t.engine.deps.store.read(id);
  const last = events.at(-1);
  if (last?.type !== 'finished') throw new Error(`${fn} did not finish: ${JSON.stringify(events)}`);
  return { id, finished: last };
}

describe('a JavaScript activity in the sandbox', () => {
  it('was built once: loading it again takes it from the cache', async () => {
    const again = await buildSourceComponent({
      name: 'js_activity', kind: 'activity_wasm', source: path.join(ROOT, 'components', 'js_activity', 'activity.js'), wit: path.join(ROOT, 'components', 'js_activity', 'wit'),
    }, { cacheDir: path.join(ROOT, '.cache') });
    expect(again.built).toBe(false);
    expect(again.ms).toBeLessThan(2000);
    expect(again.inputs).toEqual(['<obelisk>/activity-prelude.js', 'activity.js']);
  });

  it('fetches from an allowed host (the local HTTP server)', async () => {
    const { finished } = await call('get', [`${base}/hello`]);
    expect(finished).toMatchObject({ result: { ok: '200 hello from the host' } });
    expect(requests).toContain('GET /hello');
  });

  it('fails in the guest with a clear error for a host, or a method, that is not allowed; nothing is sent', async () => {
    const before = requests.length;
    const port = (server.address() as AddressInfo).port;
    // `localhost` is not `127.0.0.1` to the allow-list, though it reaches the same server.
    for (const url of [`http://localhost:${port}/hello`, 'https://example.com/']) {
      const { finished } = await call('get', [url]);
      const err = 'result' in finished ? (finished.result as { err?: string }).err : undefined;
      expect(err).toMatch(/^fetch GET .*: request denied by the host: GET to (localhost:\d+|example\.com) is not allowed for this activity/);
      expect(err).toContain('[[activity_wasm.allowed_host]]');
    }
    const { finished } = await call('send', ['POST', `${base}/echo`, 'data']);
    expect((finished as { result?: { err?: string } }).result?.err).toMatch(/^fetch POST http:\/\/127\.0\.0\.1:\d+\/echo: request denied by the host: POST to 127\.0\.0\.1:\d+ is not allowed/);
    expect(requests.length).toBe(before);
  });

  it('sees only the declared env_vars', async () => {
    const { finished } = await call('env', []);
    expect(finished).toMatchObject({ result: { ok: ['DECLARED=declared value', 'OBELISK_TEST_PASSED=from the host'] } });
  });

  it('has no preopened directories: reading a file fails', async () => {
    expect((await call('preopens', [])).finished).toMatchObject({ result: { ok: [] } });
    const file = path.join(t.dir, 'obelisk.toml');
    const { finished } = await call('read-file', [file]);
    expect(finished).toMatchObject({ result: { err: `cannot read ${file}: no preopened directory holds it (preopened: none)` } });
  });

  it('has its stdout and stderr stored with the execution (forward_stdout = "db", the default)', async () => {
    const { id, finished } = await call('print', ['hello from the guest']);
    expect(finished).toMatchObject({ result: { ok: 'hello from the guest' } });
    const lines = readOutput(t.engine.deps.store.root, id).map(({ level, message }) => ({ level, message: message.trimEnd() }));
    expect(lines).toEqual(expect.arrayContaining([
      { level: 'stdout', message: 'hello from the guest' },
      { level: 'stderr', message: 'stderr: hello from the guest' },
    ]));
    const io = bufferIo();
    const code = await run(['execution', 'logs', id, '--config', path.join(t.dir, 'obelisk.toml')], { io, env: process.env, cwd: t.dir });
    expect(code).toBe(0);
    expect(io.stdout).toContain('hello from the guest');
    expect(io.stdout).toContain('stderr: hello from the guest');
  });
});
