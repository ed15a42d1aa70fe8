/**
 * `npm run bench` keeps its contract: a table on stdout and the same figures as JSON (the machine,
 * the Node version, each figure's runs and median, engine figures paired with the floor). Run
 * here as `--quick --rounds 1`: the minimal components, small workloads, one round. The values
 * themselves are not asserted (a shared machine's speed is not a test's business), only that
 * every workload the benchmark promises is measured and sane.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../harness/run/config.js';

interface Figure {
  id: string;
  unit: string;
  runs: number[];
  median: number;
  timesFloor?: number;
}

describe('npm run bench -- --quick', () => {
  it('prints the table and writes every promised figure as JSON', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'dist', 'bench', 'run.js'), '--quick', '--rounds', '1'], {
      cwd: ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 240_000,
    });
    const written = /figures written to (\S+\.json)/.exec(stdout)?.[1];
    expect(written, stdout.slice(-2000)).toBeDefined();
    const file = path.resolve(ROOT, written!);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { machine: Record<string, unknown>; options: Record<string, unknown>; figures: Figure[] };
    rmSync(file);

    expect(json.machine).toMatchObject({ node: process.version, cores: expect.any(Number), loadStart: expect.any(Number), loadEnd: expect.any(Number) });
    expect(json.options).toMatchObject({ quick: true, rounds: 1 });
    const byId = new Map(json.figures.map((f) => [f.id, f]));
    for (const f of json.figures) {
      expect(f.runs.length, f.id).toBeGreaterThan(0);
      expect(f.median, f.id).toBeGreaterThan(0);
    }
    // Engine workloads in both durability modes, each paired with the floor.
    for (const durability of ['default', 'fsync']) {
      for (const w of ['S100', 'F100', 'roots100']) {
        const f = byId.get(`engine/${w}/wat/${durability}`);
        expect(f, `engine/${w}/wat/${durability}`).toBeDefined();
        expect(f!.timesFloor).toBeGreaterThan(0);
      }
      for (const floor of ['children', 'roots', 'folder-children']) expect(byId.has(`floor/${durability}/${floor}`), `floor/${durability}/${floor}`).toBe(true);
      // Idle tick on an empty state and on many finished executions, and their paired ratio.
      for (const idle of ['empty', '10000', 'ratio']) expect(byId.has(`idle-tick/${idle}/wat/${durability}`), `idle-tick/${idle}/wat/${durability}`).toBe(true);
    }
    for (const id of ['replay/many/wat/events', 'replay/many/wat/replay-events', 'replay/many/wat/executions', 'memory/F100/wat/rss']) expect(byId.has(id), id).toBe(true);
    // The table shows the same figures.
    expect(stdout).toMatch(/Engine, in process/);
    expect(stdout).toMatch(/floor children\/s/);
    expect(stdout).toMatch(/Replay: `obelisk verify`/);
  }, 300_000);
});
