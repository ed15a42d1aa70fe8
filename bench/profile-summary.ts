/**
 * Summarises V8 CPU profiles (`node --cpu-prof`): self time by function and by file, and inclusive
 * time of the functions on the most stacks, so a profile can be read without a browser.
 *   node dist/bench/profile-summary.js <file.cpuprofile | folder> [--top 25]
 * A folder is summarised profile by profile (the main thread and each worker thread write their own).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './support/setup.js';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface Row { name: string; ms: number; share: number }
export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Time in samples that are not (idle), (program) or (garbage collector). */
  busyMs: number;
  idleMs: number;
  gcMs: number;
  selfByFunction: Row[];
  selfByFile: Row[];
  inclusiveByFunction: Row[];
}

/** Where a frame comes from, relative to the repository (node: internals and wasm as they are). */
function place(url: string): string {
  if (!url) return '(native)';
  let p = url.startsWith('file://') ? decodeURIComponent(url.slice(7)) : url;
  if (p.startsWith(ROOT)) p = p.slice(ROOT.length + 1);
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) p = p.slice(nm);
  // Code run from the runner's private copy (.cache/bench-code-<pid>/dist/...) is named as in dist/.
  return p.replace(/^\.cache\/bench-code-\d+\//, '').replace(/^dist\//, '');
}

function frameName(f: CallFrame): string {
  const fn = f.functionName || '(anonymous)';
  return f.url ? `${fn} ${place(f.url)}:${f.lineNumber + 1}` : fn;
}

function top(map: Map<string, number>, total: number, n: number): Row[] {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, us]) => ({ name, ms: us / 1000, share: us / total }));
}

export function summarise(file: string, n = 25): ProfileSummary {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of prof.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  const total = prof.endTime - prof.startTime;
  let idle = 0;
  let gc = 0;
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    if (name === '(idle)' || name === '(program)') { idle += us; continue; }
    if (name === '(garbage collector)') gc += us;
    const label = frameName(node.callFrame);
    byFn.set(label, (byFn.get(label) ?? 0) + us);
    const where = node.callFrame.url ? place(node.callFrame.url) : name.startsWith('(') ? name : '(native)';
    byFile.set(where, (byFile.get(where) ?? 0) + us);
    // Inclusive: every distinct function on the stack of this node gets the sample's time once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (f.functionName === '(root)') continue;
      const l = frameName(f);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + us);
    }
  }
  const busy = total - idle;
  return {
    file: path.basename(file), totalMs: total / 1000, busyMs: busy / 1000, idleMs: idle / 1000, gcMs: gc / 1000,
    selfByFunction: top(byFn, busy, n), selfByFile: top(byFile, busy, n), inclusiveByFunction: top(inclusive, busy, n),
  };
}

export function formatSummary(s: ProfileSummary): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1).padStart(5)}%`;
  const rows = (title: string, rs: Row[]): string => `  ${title}\n${rs.map((r) => `    ${pct(r.share)} ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`).join('\n')}\n`;
  return `${s.file}: ${s.totalMs.toFixed(0)} ms profiled, ${s.busyMs.toFixed(0)} ms busy (${s.gcMs.toFixed(0)} ms GC), ${s.idleMs.toFixed(0)} ms idle\n`
    + rows('self time by file (share of busy time)', s.selfByFile)
    + rows('self time by function', s.selfByFunction)
    + rows('inclusive time by function', s.inclusiveByFunction);
}

function main(): void {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: node dist/bench/profile-summary.js <file.cpuprofile | folder> [--top 25]');
    process.exit(2);
  }
  const i = process.argv.indexOf('--top');
  const n = i > 0 ? Number(process.argv[i + 1]) : 25;
  const files = statSync(target).isDirectory()
    ? readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).sort().map((f) => path.join(target, f))
    : [target];
  for (const f of files) console.log(formatSummary(summarise(f, n)));
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) main();
