import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { obelisk } from '../support/cli.js';
import { ROOT, testEngine } from '../support/engine.js';

describe('obelisk tick and SIGTERM', () => {
  it('stops taking work, finishes what it runs, releases, and exits 0', async () => {
    const t = await testEngine(`[[activity_wasm]]\nname = "ops"\nlocation = "\${BUILT}/test_activity.wasm"\nexec.lock_expiry.seconds = 20\nmax_retries = 0\n`);
    try {
      const first = (await obelisk(t.dir, 'execution', 'submit', 'testing:activity/ops.spin', '[1500]')).out.trim();
      const second = (await obelisk(t.dir, 'execution', 'submit', 'testing:activity/ops.spin', '[1500]')).out.trim();
      const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'obelisk'), 'tick', '--concurrency', '1', '--config', path.join(t.dir, 'obelisk.toml')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      // Once the first attempt is running (its lease is on disk), ask the tick to stop.
      for (let i = 0; i < 200; i++) {
        const events = (await t.engine.deps.store.read(first as never)).events;
        if (events.some((e) => e.type === 'locked')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
      expect(stdout).toMatch(/^tick: advanced 1 \(finished ok 1/);
      expect((await t.engine.deps.store.read(first as never)).events.at(-1)).toMatchObject({ type: 'finished', result: { ok: 1500 } });
      expect((await t.engine.deps.store.read(second as never)).events.map((e) => e.type)).toEqual(['created']);
      await obelisk(t.dir, 'tick'); // leave nothing unfinished behind
    } finally {
      await t.close();
    }
  }, 60_000);
});
