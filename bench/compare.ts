/**
 * A/B comparison of one engine workload between two builds (for checking a change to lib/ before
 * and after): runs bench/engine-workload.js from each build in turn, `--rounds` times, and prints
 * each side's median and the ratio. A build is a folder holding a compiled dist/ (a copy of the
 * repository with `npm run build` done, or a `git worktree`); environment settings may follow it.
 *   node dist/bench/compare.js --a <folder>[,VAR=value...] --b <folder>[,VAR=value...] \
 *        [--workload S:1000 | F:1000 | roots:1000] [--components wat|js] [--durability default|fsync] [--rounds 5]
 */
import path from 'node:path';
import { lastJson, runNode } from './support/proc.js';
import { median } from './support/stats.js';
import type { WorkloadResult } from './engine-workload.js';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`--${name} is required: see the usage at the top of bench/compare.ts`);
  return v;
}

function side(spec: string): { dir: string; env: NodeJS.ProcessEnv; name: string } {
  const [dir, ...vars] = spec.split(',');
  const env = { ...process.env };
  for (const v of vars) {
    const eq = v.indexOf('=');
    env[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return { dir: path.resolve(dir!), env, name: spec };
}

async function main(): Promise<void> {
  const a = side(arg('a'));
  const b = side(arg('b'));
  const [shape, n] = arg('workload', 'S:1000').split(':');
  const spec = { shape, n: Number(n), components: arg('components', 'wat'), durability: arg('durability', 'default') };
  const rounds = Number(arg('rounds', '5'));
  const rates: Record<'a' | 'b', number[]> = { a: [], b: [] };
  for (let r = 0; r < rounds; r++) {
    // Alternate which side goes first, so a drifting machine load favours neither.
    for (const key of (r % 2 ? ['b', 'a'] : ['a', 'b']) as ('a' | 'b')[]) {
      const s = key === 'a' ? a : b;
      const run = await runNode([path.join(s.dir, 'dist', 'bench', 'engine-workload.js'), JSON.stringify(spec)], { env: s.env });
      const w = lastJson<WorkloadResult>(run, `${key}: ${s.name}`);
      const rate = ((shape === 'roots' ? w.roots : w.children) * 1000) / w.ms;
      rates[key].push(rate);
      console.error(`round ${r + 1} ${key}: ${rate.toFixed(0)}/s`);
    }
  }
  const ma = median(rates.a);
  const mb = median(rates.b);
  console.log(`${shape}(${n}) ${spec.components} ${spec.durability}: a ${ma.toFixed(0)}/s, b ${mb.toFixed(0)}/s, b/a ${(mb / ma).toFixed(2)}× (medians of ${rounds}; a = ${a.name}, b = ${b.name})`);
}

await main();
