/**
 * Secrets scoped to an allowed host (lib/executor/sandbox/wasi.ts): the guest sees a placeholder,
 * the value reaches requests to its host only, and it is written to no file under the state folder
 * (the request traces keep the placeholder).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitAndTick } from '../support/cli.js';
import type { JsonValue } from '../../lib/model/json.js';
import { JS_ACTIVITY_TOML, testEngine, type TestEngine } from '../support/engine.js';

const SECRET = 'sk-the-real-value-4211';
let t: TestEngine;
const seen: Record<'scoped' | 'other', string[]> = { scoped: [], other: [] };
const servers: http.Server[] = [];

async function serve(name: 'scoped' | 'other'): Promise<string> {
  const server = http.createServer((req, res) => {
    seen[name].push(req.url ?? '');
    res.end('ok');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let scoped: string;
let other: string;
beforeAll(async () => {
  scoped = await serve('scoped');
  other = await serve('other');
  process.env['OBELISK_TEST_API_TOKEN'] = SECRET;
  t = await testEngine(`${JS_ACTIVITY_TOML}
[[activity_wasm.allowed_host]]
pattern = "${scoped}"
methods = ["GET"]
secrets.env_vars = ["OBELISK_TEST_API_TOKEN"]
secrets.replace_in = ["params"]

[[activity_wasm.allowed_host]]
pattern = "${other}"
methods = ["GET"]
`);
}, 180_000);

afterAll(async () => {
  await t?.close();
  for (const s of servers) s.close();
  delete process.env['OBELISK_TEST_API_TOKEN'];
});

/** Through the command line: `obelisk execution submit`, then `obelisk tick`. */
async function call(fn: string, params: JsonValue[]) {
  const { id } = await submitAndTick(t.dir, `testing:js-activity/sandbox.${fn}`, params);
  return (await t.engine.deps.store.read(id)).events.at(-1)!;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('a secret scoped to an allowed host', () => {
  it('is a placeholder in the guest, the value in requests to its host only, and in no file', async () => {
    const env = await call('env', []);
    expect(env).toMatchObject({ type: 'finished', result: { ok: ['OBELISK_TEST_API_TOKEN=obelisk-secret:OBELISK_TEST_API_TOKEN'] } });

    const toScoped = await call('get', [`${scoped}/items?token=obelisk-secret:OBELISK_TEST_API_TOKEN`]);
    const toOther = await call('get', [`${other}/items?token=obelisk-secret:OBELISK_TEST_API_TOKEN`]);
    expect(toScoped).toMatchObject({ type: 'finished', result: { ok: '200 ok' } });
    expect(toOther).toMatchObject({ type: 'finished', result: { ok: '200 ok' } });
    expect(seen.scoped).toEqual([`/items?token=${SECRET}`]);
    expect(seen.other).toEqual(['/items?token=obelisk-secret:OBELISK_TEST_API_TOKEN']);

    // The trace of each request is stored with its attempt, without the secret.
    expect(toScoped).toMatchObject({ http_traces: [{ method: 'GET', url: `${scoped}/items?token=obelisk-secret:OBELISK_TEST_API_TOKEN`, status: 200 }] });

    // A host not in the allow-list (localhost is not 127.0.0.1 to it): refused in the guest, nothing sent.
    const denied = await call('get', [`${other.replace('127.0.0.1', 'localhost')}/items?token=obelisk-secret:OBELISK_TEST_API_TOKEN`]);
    expect(denied).toMatchObject({ type: 'finished', result: { err: expect.stringMatching(/not allowed/) } });
    expect(seen.other).toHaveLength(1);

    const leaks = filesUnder(t.engine.deps.store.root).filter((f) => readFileSync(f, 'utf8').includes(SECRET));
    expect(leaks).toEqual([]);
  }, 180_000);
});
