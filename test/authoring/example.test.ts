/**
 * examples/inventory, run as its README says against its own API server on 127.0.0.1: the workflow
 * lists the items, fetches each one concurrently through the HTTP activity, obelisk retries the
 * fetches that fail (a 503 once: retried and ok; a 500 always: err after every retry), and the report
 * comes out as expected. testEngine's close() replays everything. Also: its generated files are
 * current and its sources type-check.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTypes } from '../../lib/component/types-gen.js';
import { hostWitPackages } from '../../lib/component/wit-gen.js';
import { tick } from '../../lib/executor/tick.js';
import type { ExecutionId } from '../../lib/model/ids.js';
import { ROOT, testEngine, type TestEngine } from '../support/engine.js';
// @ts-expect-error: a plain ES module without declarations
import { expectedReport, startServer } from '../../examples/inventory/server.mjs';

const EXAMPLE = path.join(ROOT, 'examples', 'inventory');

interface Server { url: string; requests: string[]; close(): Promise<void> }

let t: TestEngine;
let server: Server;

beforeAll(async () => {
  server = await startServer() as Server;
  const toml = readFileSync(path.join(EXAMPLE, 'obelisk.toml'), 'utf8').replaceAll('${OBELISK_TOML_DIR}', '${ROOT}/examples/inventory');
  t = await testEngine(toml);
});
afterAll(async () => {
  await t?.close();
  await server?.close();
});

function files(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).sort().flatMap((n) => {
    const r = rel ? `${rel}/${n}` : n;
    return statSync(path.join(dir, r)).isDirectory() ? files(dir, r) : [r];
  });
}

describe('examples/inventory', () => {
  it('values the inventory: concurrent fetches through the HTTP activity, failed ones retried', async () => {
    const id = (await t.engine.submit('example-inventory:workflow/valuation.value-inventory', [server.url])) as ExecutionId;
    await tick(t.engine, { maxDurationMs: 60_000, concurrency: 2 });
    const { store } = t.engine.deps;
    const { events } = await store.read(id);
    const last = events.at(-1);
    const expected = expectedReport() as { items: number; totalCents: number; largest: { id: number; name: string; value: number }; failed: number[] };
    expect(last).toMatchObject({
      type: 'finished',
      result: {
        ok: {
          items: expected.items,
          'total-cents': expected.totalCents,
          largest: { id: expected.largest.id, name: expected.largest.name, 'value-cents': expected.largest.value },
          failed: expected.failed,
        },
      },
    });
    // The list (a direct call: submit and await), then one child per item, all submitted before the first is awaited.
    const kinds = events.filter((e) => e.type === 'child-requested' || e.type === 'join-next').map((e) => e.type);
    expect(kinds.slice(0, 11)).toEqual(['child-requested', 'join-next', ...Array(8).fill('child-requested'), 'join-next']);
    // The retries, as the server saw them: items 3 and 6 twice (503, then 200), item 7 three times (500).
    const count = (item: number) => server.requests.filter((r) => r.startsWith(`GET /items/${item} `)).map((r) => r.split(' ')[2]);
    expect(count(3)).toEqual(['503', '200']);
    expect(count(6)).toEqual(['503', '200']);
    expect(count(7)).toEqual(['500', '500', '500']);
    expect(count(1)).toEqual(['200']);
    const children = events.flatMap((e) => (e.type === 'child-requested' && e.ffqn.endsWith('.get-item') ? [e.child_execution_id] : []));
    const retried = await Promise.all(children.map(async (c) => (await store.read(c as ExecutionId)).events.filter((e) => e.type === 'temporarily-failed').length));
    expect(retried).toEqual([0, 0, 1, 0, 0, 1, 2, 0]);
  }, 240_000);

  it('keeps its generated files current: the workflow WIT deps and the TypeScript declarations', async () => {
    for (const f of hostWitPackages()) {
      expect(readFileSync(path.join(EXAMPLE, 'wit', 'workflow', 'deps', ...f.path.split('/')), 'utf8')).toBe(f.text);
    }
    const out = mkdtempSync(path.join(tmpdir(), 'obelisk-example-types-'));
    try {
      for (const c of ['activity', 'workflow']) {
        await generateTypes(path.join(EXAMPLE, 'wit', c), path.join(out, c));
        const have = files(path.join(EXAMPLE, 'types', c));
        expect(have).toEqual(files(path.join(out, c)));
        for (const f of have) expect(readFileSync(path.join(EXAMPLE, 'types', c, f), 'utf8'), f).toBe(readFileSync(path.join(out, c, f), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('type-checks', async () => {
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await promisify(execFile)(process.execPath, [tsc, '-p', EXAMPLE]).catch((e: { stdout: string }) => e);
    expect(r.stdout).toBe('');
  }, 60_000);
});
