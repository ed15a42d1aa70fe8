/**
 * CPU profiles of the hot path: S(1,000) and F(1,000) with the minimal (WAT) components in the
 * default durability mode, each run once under `node --cpu-prof` (every thread writes its own
 * profile: the main thread, the workflow workers, the activity workers), then summarised by
 * bench/profile-summary.ts. Also an idle `obelisk tick` and `obelisk verify` over finished
 * workflows, whose targets are latency and replay speed.
 *   npm run build && node dist/bench/profile.js [--n 1000] [--only S|F|tick|verify] [--verify-n 1000]
 * Writes bench/results/profile-<timestamp>/<workload>/*.cpuprofile and summary.txt, prints the summaries.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatSummary, summarise } from './profile-summary.js';
import { lastJson, obelisk, runNode } from './support/proc.js';
import { benchDir, distBench, ROOT, snapshotCode } from './support/setup.js';
import type { WorkloadResult } from './engine-workload.js';
import { replayState } from './cli-workloads.js';

function summariseFolder(dir: string, title: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  // The main thread's profile is the one with the lowest thread number (…<pid>.0.<seq>.cpuprofile).
  const text = `# ${title}\n\n${files.map((f) => formatSummary(summarise(path.join(dir, f), 25))).join('\n')}`;
  writeFileSync(path.join(dir, 'summary.txt'), text);
  return text;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const n = argv.includes('--n') ? Number(argv[argv.indexOf('--n') + 1]) : 1000;
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
  const verifyN = argv.includes('--verify-n') ? Number(argv[argv.indexOf('--verify-n') + 1]) : 1000;
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const out = path.join(ROOT, 'bench', 'results', `profile-${stamp}`);
  const code = snapshotCode();
  try {
    for (const shape of ['S', 'F'] as const) {
      if (only && only !== shape) continue;
      const dir = path.join(out, `${shape}${n}`);
      mkdirSync(dir, { recursive: true });
      const r = await runNode(['--cpu-prof', '--cpu-prof-dir', dir, path.join(distBench(), 'engine-workload.js'), JSON.stringify({ shape, n, components: 'wat', durability: 'default', keep: true })]);
      const w = lastJson<WorkloadResult>(r, `${shape}(${n})`);
      rmSync(w.dir!, { recursive: true, force: true });
      console.log(summariseFolder(dir, `${shape}(${n}), WAT, default durability: ${Math.round((w.children * 1000) / w.ms)} children/s under the profiler (${Math.round(w.ms)} ms)`));
    }
    if (!only || only === 'tick') {
      const dir = path.join(out, 'idle-tick');
      mkdirSync(dir, { recursive: true });
      const where = benchDir('wat', 'default');
      try {
        await obelisk(['tick', '--config', where.toml]);
        const r = await obelisk(['tick', '--config', where.toml], { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
        console.log(summariseFolder(dir, `idle obelisk tick (WAT config, empty state): ${Math.round(r.ms)} ms start to exit under the profiler`));
      } finally {
        where.remove();
      }
    }
    if (!only || only === 'verify') {
      const dir = path.join(out, 'verify');
      mkdirSync(dir, { recursive: true });
      const state = await replayState('wat', verifyN, 10);
      try {
        const r = await obelisk(['verify', '--config', state.toml], { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
        console.log(summariseFolder(dir, `obelisk verify, ${verifyN} WAT workflows of S(10): ${r.stdout.trim().split('\n').at(-1)} (${Math.round(r.ms)} ms start to exit under the profiler)`));
      } finally {
        state.remove();
      }
    }
  } finally {
    code.remove();
  }
  console.log(`profiles and summaries in ${path.relative(process.cwd(), out)}`);
}

await main();
