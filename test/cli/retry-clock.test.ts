import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from '../../lib/cli/main.js';
import { ManualClock } from '../../lib/model/time.js';
import { BUILT, ROOT } from '../support/engine.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const id = (s: string) => s;
const plain = { enabled: false, bold: id, dim: id, red: id, green: id, yellow: id, cyan: id };

function project(settings: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'obelisk-retry-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'obelisk.toml'), `cache_dir = "${path.join(ROOT, '.cache')}"
[[activity_wasm]]
name = "ops"
location = "${BUILT}/test_activity.wasm"
${settings}
`);
  return dir;
}

async function obelisk(dir: string, clock: ManualClock, ...argv: string[]) {
  const out: string[] = [];
  const code = await run([...argv, '--config', path.join(dir, 'obelisk.toml')], {
    io: { out: (s) => out.push(s), err: (s) => out.push(s), style: plain, errStyle: plain }, env: process.env, cwd: dir, clock,
  });
  return { code, out: out.join('') };
}

describe('retries through the command line, under a simulated clock', () => {
  it('waits retry_exp_backoff × 2^(n−1) between attempts, and nothing is retried early', async () => {
    const dir = project('max_retries = 2\nretry_exp_backoff.milliseconds = 100');
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const t0 = clock.now();
    const submitted = await obelisk(dir, clock, 'execution', 'submit', 'testing:activity/ops.fail', '["no"]');
    const execId = submitted.out.trim().split('\n')[0]!;
    const tick = () => obelisk(dir, clock, 'tick', '--max-duration', '0.3', '--json');
    expect((await tick()).out).toContain('"retried":1');
    clock.advance(99);
    expect((await tick()).out).toContain('"advanced":0'); // 1 ms before the backoff ends: not yet
    clock.advance(1);
    expect((await tick()).out).toContain('"retried":1');
    clock.advance(199);
    expect((await tick()).out).toContain('"advanced":0');
    clock.advance(1);
    expect((await tick()).out).toContain('"finishedErr":1');
    const events = await obelisk(dir, clock, 'execution', 'events', execId, '--json');
    const lines = events.out.trim().split('\n').map((l) => JSON.parse(l));
    const attempts = lines.filter((e) => e.type === 'locked').map((e) => Date.parse(e.at) - t0);
    expect(attempts).toEqual([0, 100, 300]);
    expect(lines.at(-1)).toMatchObject({ type: 'finished', result: { err: 'no' } });
  });
});
