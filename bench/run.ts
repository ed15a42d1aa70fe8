/**
 * `npm run bench`: the engine's throughput, latency of an idle tick, replay speed and memory, each
 * beside the floor (the raw file operations of bench/floor.ts) measured in the same run. Prints a
 * table and writes the same figures as JSON to bench/results/<timestamp>.json.
 *
 *   npm run bench                 everything, within a budget of 8 minutes (slow figures get fewer rounds)
 *   npm run bench -- --quick      minimal components only, small workloads (about 1.5 minutes)
 *   npm run bench -- --rounds 5   more rounds of the engine workloads (each figure is a median over rounds)
 *   npm run bench -- --fresh      rewrite the cached state folder of 100,000 finished executions
 *   npm run bench -- --clean      remove that cached folder and exit
 *
 * Every engine run is a fresh process (bench/engine-workload.ts) preceded by a floor run, and the
 * ratio engine/floor is taken per pair, so a machine whose load changes during the run (others run
 * tests here) moves both sides of each ratio together. Rounds go over all figures in turn.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runFloor, type FloorResult } from './floor.js';
import { runStoreOnly } from './store-only.js';
import { idleTick, replayState, tickMemory, verify } from './cli-workloads.js';
import type { WorkloadResult } from './engine-workload.js';
import { finishedState, removeFinishedStates } from './support/finished-state.js';
import { lastJson, runNode } from './support/proc.js';
import { benchDir, BUILT, distBench, ROOT, snapshotCode, type BenchDir, type Components, type Durability, type Shape } from './support/setup.js';
import { machine, median, type Machine } from './support/stats.js';

interface Options {
  quick: boolean;
  rounds: number;
  fresh: boolean;
  /** Stop starting new rounds once this much time has passed (ms). */
  budgetMs: number;
  /** Cap on one engine run (see engine-workload.ts capMs). */
  capMs: number;
}

function options(argv: string[]): Options | 'clean' {
  if (argv.includes('--clean')) return 'clean';
  const quick = argv.includes('--quick');
  const i = argv.indexOf('--rounds');
  const rounds = i >= 0 ? Number(argv[i + 1]) : 3;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds: expected a whole number ≥ 1 like 3, got ${argv[i + 1]}`);
  return { quick, rounds, fresh: argv.includes('--fresh'), budgetMs: (quick ? 1.5 : 8) * 60_000, capMs: (quick ? 15 : 30) * 1000 };
}

/** One figure: what was measured, each run's value, the median, and (engine figures) the ratio to the floor. */
export interface Figure {
  id: string;
  group: 'engine' | 'floor' | 'idle-tick' | 'replay' | 'memory';
  label: string;
  unit: string;
  components?: Components;
  durability?: Durability;
  runs: number[];
  median: number;
  /** Engine figures: floor rate / engine rate per paired run, median (how many times slower than the floor). */
  timesFloor?: number;
  timesFloorRuns?: number[];
  /** Other numbers of each run (peak RSS, events replayed, ...), one entry per run. */
  perRun?: Record<string, number[]>;
  /** What does not change between runs (the floor's calls per child), or the last run's breakdown. */
  detail?: Record<string, unknown>;
}

interface EngineSpec {
  shape: Shape;
  n: number;
  components: Components;
  durability: Durability;
}

const fmt = (x: number, digits = 0): string => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-');
const label = (s: EngineSpec): string => (s.shape === 'roots' ? `many roots (${fmt(s.n)})` : `${s.shape}(${fmt(s.n)})`);
const log = (text: string): void => void process.stderr.write(`${text}\n`);

class Bench {
  readonly figures = new Map<string, Figure>();
  readonly started = performance.now();
  readonly machine: Machine = machine();

  constructor(readonly opts: Options) {}

  elapsedS(): string {
    return `${((performance.now() - this.started) / 1000).toFixed(0)} s`;
  }

  add(f: Omit<Figure, 'runs' | 'median'>, value: number, more: { timesFloor?: number; perRun?: Record<string, number>; detail?: Record<string, unknown> } = {}): Figure {
    let fig = this.figures.get(f.id);
    if (!fig) this.figures.set(f.id, (fig = { ...f, runs: [], median: Number.NaN }));
    fig.runs.push(value);
    fig.median = median(fig.runs);
    if (more.timesFloor !== undefined) {
      fig.timesFloorRuns = [...(fig.timesFloorRuns ?? []), more.timesFloor];
      fig.timesFloor = median(fig.timesFloorRuns);
    }
    for (const [k, v] of Object.entries(more.perRun ?? {})) (fig.perRun ??= {})[k] = [...(fig.perRun?.[k] ?? []), v];
    if (more.detail) fig.detail = { ...fig.detail, ...more.detail };
    return fig;
  }

  floor(durability: Durability): FloorResult {
    const r = runFloor({ children: durability === 'fsync' ? 200 : 2000, roots: durability === 'fsync' ? 30 : 100, durability });
    this.add({ id: `floor/${durability}/children`, group: 'floor', label: 'floor: raw file operations of one (inline) child', unit: 'children/s', durability }, r.childrenPerS,
      { detail: { opsPerChild: r.opsPerChild, syncsPerChild: r.syncsPerChild, microsecondsPerChildByCall: r.breakdown } });
    this.add({ id: `floor/${durability}/folder-children`, group: 'floor', label: 'floor: raw file operations of one child with a folder of its own', unit: 'children/s', durability }, r.folderChildrenPerS,
      { detail: { opsPerChild: r.folderOpsPerChild, syncsPerChild: r.folderSyncsPerChild } });
    this.add({ id: `floor/${durability}/roots`, group: 'floor', label: 'floor: raw file operations of one root and its child', unit: 'roots/s', durability }, r.rootsPerS);
    return r;
  }

  async engine(s: EngineSpec, keep = false): Promise<WorkloadResult> {
    const fl = this.floor(s.durability);
    const r = await runNode([path.join(distBench(), 'engine-workload.js'), JSON.stringify({ ...s, keep, capMs: this.opts.capMs })], { timeoutMs: 600_000 });
    const w = lastJson<WorkloadResult>(r, `engine workload ${JSON.stringify(s)}`);
    const roots = s.shape === 'roots';
    const rate = ((roots ? w.roots : w.children) * 1000) / w.ms;
    const floorRate = roots ? fl.rootsPerS : fl.childrenPerS;
    this.add({ id: `engine/${s.shape}${s.n}/${s.components}/${s.durability}`, group: 'engine', label: label(s), unit: roots ? 'roots/s' : 'children/s', components: s.components, durability: s.durability },
      rate, { timesFloor: floorRate / rate, perRun: { maxRssMiB: Math.round(w.maxRssKb / 1024), ms: Math.round(w.ms), floorRate: Math.round(floorRate), capped: w.capped ? 1 : 0 } });
    const capped = w.capped ? ` (capped at ${this.opts.capMs / 1000} s: ${fmt(roots ? w.roots : w.children)} of ${fmt(s.n)} done)` : '';
    log(`  ${this.elapsedS().padStart(5)}  ${label(s).padEnd(18)} ${s.components.padEnd(3)} ${s.durability.padEnd(7)} ${fmt(rate).padStart(7)} ${roots ? 'roots' : 'children'}/s (floor ${fmt(floorRate)}/s, ${fmt(floorRate / rate, 1)}×)${capped}`);
    return w;
  }
}

function engineSpecs(opts: Options): EngineSpec[] {
  const kinds: Components[] = opts.quick ? ['wat'] : ['wat', 'js'];
  const shapes: [Shape, number][] = opts.quick ? [['S', 100], ['F', 100], ['roots', 100]] : [['S', 100], ['S', 1000], ['F', 1000], ['roots', 1000]];
  const out: EngineSpec[] = [];
  for (const [shape, n] of shapes) {
    for (const components of kinds) {
      // Every root of the JS workload is a fresh 13.5 MB componentize-js instance (and the tick runs
      // all roots before their children, see docs/benchmarks.md): 1,000 of them take minutes today.
      const count = shape === 'roots' && components === 'js' && !opts.quick ? n / 10 : n;
      for (const durability of ['default', 'fsync'] as Durability[]) out.push({ shape, n: count, components, durability });
    }
  }
  return out;
}

async function idleTicks(bench: Bench, opts: Options): Promise<void> {
  const count = opts.quick ? 10_000 : 100_000;
  const finished = finishedState(count, { fresh: opts.fresh });
  log(`  ${bench.elapsedS().padStart(5)}  ${fmt(count)} finished executions ${finished.writtenS ? `written in ${finished.writtenS.toFixed(0)} s` : 'reused from an earlier run (--fresh rewrites them)'}`);
  const kinds: Components[] = opts.quick ? ['wat'] : ['wat', 'js'];
  for (const components of kinds) {
    for (const durability of ['default', 'fsync'] as Durability[]) {
      const empty = benchDir(components, durability);
      const full = benchDir(components, durability, finished.state);
      try {
        await idleTick(empty.toml); // creates the empty state folder; loads nothing into any cache
        await idleTick(full.toml);
        const base = { group: 'idle-tick' as const, unit: 'ms', components, durability };
        // The 150 ms target is for the minimal components in the default mode: more pairs there.
        const pairs = !opts.quick && components === 'wat' && durability === 'default' ? 5 : 3;
        for (let i = 0; i < pairs; i++) {
          if (components === kinds[0] && durability === 'default') {
            // What any node process costs here right now: the part of an idle tick no code of ours can remove.
            const r = await runNode(['-e', '0']);
            bench.add({ ...base, components: undefined, durability: undefined, id: 'idle-tick/node', label: 'for reference: `node -e 0`' }, r.ms);
          }
          // Alternate which goes first, so that order favours neither side of the ratio.
          let a: number;
          let b: number;
          if (i % 2 === 0) {
            a = await idleTick(empty.toml);
            b = await idleTick(full.toml);
          } else {
            b = await idleTick(full.toml);
            a = await idleTick(empty.toml);
          }
          bench.add({ ...base, id: `idle-tick/empty/${components}/${durability}`, label: 'idle tick, empty state' }, a);
          bench.add({ ...base, id: `idle-tick/${count}/${components}/${durability}`, label: `idle tick, ${fmt(count)} finished` }, b);
          bench.add({ ...base, id: `idle-tick/ratio/${components}/${durability}`, label: `idle tick, ${fmt(count)} finished / empty (paired runs)`, unit: '×' }, b / a);
        }
        log(`  ${bench.elapsedS().padStart(5)}  idle tick ${components} ${durability}: ${fmt(bench.figures.get(`idle-tick/empty/${components}/${durability}`)!.median)} ms empty, ${fmt(bench.figures.get(`idle-tick/${count}/${components}/${durability}`)!.median)} ms with ${fmt(count)} finished`);
      } finally {
        empty.remove();
        full.remove();
      }
    }
  }
}

async function replays(bench: Bench, opts: Options, long: Map<Components, BenchDir>): Promise<void> {
  const kinds: Components[] = opts.quick ? ['wat'] : ['wat', 'js'];
  for (const components of kinds) {
    // Also 1,000 WAT workflows: verify is a short process, and its first few hundred replays run
    // before V8 has optimized the code; the larger state shows the rate once it has.
    const counts = components === 'wat' ? (opts.quick ? [100] : [300, 1000]) : [opts.quick ? 10 : 30];
    const made: BenchDir[] = [];
    const states: [string, BenchDir, string][] = [];
    for (const copies of counts) {
      const dir = await replayState(components, copies, 10);
      made.push(dir);
      states.push([`${fmt(copies)} workflows of S(10)`, dir, copies === counts[0] ? 'many' : `many${copies}`]);
    }
    const longDir = long.get(components);
    if (longDir) states.push(['1 workflow of S(1,000)', longDir, 'long']);
    try {
      for (const [what, dir, key] of states) {
        for (let i = 0; i < 3; i++) {
          const v = await verify(dir.toml);
          const base = { group: 'replay' as const, components, durability: 'default' as const };
          bench.add({ ...base, id: `replay/${key}/${components}/events`, label: `verify ${what}: events (loading included)`, unit: 'events/s' }, v.events / v.seconds, { detail: { events: v.events, workflows: v.executions } });
          bench.add({ ...base, id: `replay/${key}/${components}/replay-events`, label: `verify ${what}: events (replay alone)`, unit: 'events/s' }, v.events / v.replaySeconds);
          bench.add({ ...base, id: `replay/${key}/${components}/executions`, label: `verify ${what}: workflows`, unit: 'workflows/s' }, v.executions / v.seconds);
          bench.add({ ...base, id: `replay/${key}/${components}/process`, label: `verify ${what}: process start to exit`, unit: 'ms' }, v.processMs);
        }
        log(`  ${bench.elapsedS().padStart(5)}  replay ${components} ${what}: ${fmt(bench.figures.get(`replay/${key}/${components}/events`)!.median)} events/s, replay alone ${fmt(bench.figures.get(`replay/${key}/${components}/replay-events`)!.median)}`);
      }
    } finally {
      for (const dir of made) dir.remove();
    }
  }
}

async function memory(bench: Bench, opts: Options): Promise<void> {
  const n = opts.quick ? 100 : 1000;
  for (const components of (opts.quick ? ['wat'] : ['wat', 'js']) as Components[]) {
    const m = await tickMemory(components, 'default', n);
    const base = { group: 'memory' as const, components, durability: 'default' as const };
    bench.add({ ...base, id: `memory/F${n}/${components}/rss`, label: `obelisk tick running F(${fmt(n)}): peak RSS`, unit: 'MiB' }, m.maxRssMiB);
    bench.add({ ...base, id: `memory/F${n}/${components}/rate`, label: `obelisk tick running F(${fmt(n)}): start to exit`, unit: 'children/s' }, m.childrenPerS, { perRun: { tickMs: Math.round(m.tickMs) } });
    log(`  ${bench.elapsedS().padStart(5)}  tick F(${fmt(n)}) ${components}: peak RSS ${fmt(m.maxRssMiB)} MiB, ${fmt(m.childrenPerS)} children/s start to exit`);
  }
}

// ------------------------------------------------------------------------------------------ report

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r, i) => {
    const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
    return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
  }).join('\n');
}

export function report(figures: Figure[], m: Machine): string {
  const by = new Map(figures.map((f) => [f.id, f]));
  const cols: [Components, Durability][] = [['wat', 'default'], ['wat', 'fsync'], ['js', 'default'], ['js', 'fsync']];
  const present = cols.filter(([c, d]) => figures.some((f) => f.components === c && f.durability === d && f.group === 'engine'));
  const head = ['', ...present.map(([c, d]) => `${c === 'wat' ? 'WAT' : 'JS'} ${d}`)];
  const out: string[] = [];
  out.push(`obelisk bench: node ${m.node}, ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ${m.tmpFileSystem}; load ${m.loadStart.toFixed(1)} → ${m.loadEnd?.toFixed(1) ?? '?'}`);
  out.push('');
  out.push('Engine, in process (one tick from submit to done): median rate [runs], and × = how many times slower than the floor (paired runs)');
  const shapes = [...new Set(figures.filter((f) => f.group === 'engine').map((f) => f.id.split('/')[1]!))];
  const rows: string[][] = [head];
  for (const shape of shapes) {
    const any = figures.find((f) => f.id.startsWith(`engine/${shape}/`))!;
    rows.push([`${any.label} ${any.unit}`, ...present.map(([c, d]) => {
      const f = by.get(`engine/${shape}/${c}/${d}`);
      const capped = f?.perRun?.['capped']?.some((c) => c === 1) ? '*' : '';
      return f ? `${fmt(f.median)}${capped} [${f.runs.length}] (${fmt(f.timesFloor ?? Number.NaN, 1)}×)` : '';
    })]);
  }
  for (const what of ['children', 'roots', 'folder-children']) {
    rows.push([`floor ${what}/s`, ...present.map(([, d]) => fmt(by.get(`floor/${d}/${what}`)?.median ?? Number.NaN))]);
  }
  rows.push(['store only, children/s', ...present.map(([, d]) => fmt(by.get(`store-only/${d}`)?.median ?? Number.NaN))]);
  out.push(table(rows));
  const fl = by.get('floor/default/children');
  const fs = by.get('floor/fsync/children');
  if (figures.some((f) => f.perRun?.['capped']?.some((c) => c === 1))) out.push('* capped: a run hit the time cap; the rate counts the work finished by then');
  if (fl) out.push(`floor: ${fl.detail?.['opsPerChild']} file-system calls per inline child${fs ? `, ${fs.detail?.['syncsPerChild']} of them fsync/fdatasync in fsync mode` : ''}`);
  const ff = by.get('floor/default/folder-children');
  if (ff) out.push(`floor folder-children: a child with a folder of its own (interrupt strategy, retried children), ${ff.detail?.['opsPerChild']} calls`);
  const rest = (group: Figure['group'], title: string): void => {
    const fs2 = figures.filter((f) => f.group === group);
    if (!fs2.length) return;
    out.push('');
    out.push(title);
    out.push(table([['', 'median', 'runs', 'unit'], ...fs2.map((f) => [
      f.components ? `${f.label} (${f.components === 'js' ? 'JS' : 'WAT'}${f.durability === 'fsync' ? ', fsync' : ''})` : f.label,
      fmt(f.median, f.median < 10 ? 1 : 0), f.runs.map((r) => fmt(r, r < 10 ? 1 : 0)).join(' '), f.unit,
    ])]));
  };
  rest('idle-tick', 'Idle tick: `obelisk tick` with nothing due, process start to exit');
  rest('replay', 'Replay: `obelisk verify` (replay time as verify reports it; process = start to exit)');
  rest('memory', 'Memory: `obelisk tick` running F(N) to the end (submitted with `obelisk execution submit`)');
  return out.join('\n');
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  if (opts === 'clean') {
    removeFinishedStates();
    return;
  }
  for (const c of ['fibo_activity', 'fibo_workflow', 'script_workflow', 'test_activity', 'stub_activity']) {
    if (!existsSync(path.join(BUILT, `${c}.wasm`))) throw new Error(`component ${c} is not built: run \`node scripts/build-components.mjs\` (npm install does it)`);
  }
  const code = snapshotCode();
  try {
    await measure(opts);
  } finally {
    code.remove();
  }
}

async function measure(opts: Options): Promise<void> {
  const bench = new Bench(opts);
  log(`obelisk bench${opts.quick ? ' --quick' : ''}: node ${bench.machine.node}, ${bench.machine.cores} cores, load ${bench.machine.loadStart.toFixed(1)}`);
  await idleTicks(bench, opts);
  const specs = engineSpecs(opts);
  const long = new Map<Components, BenchDir>();
  /** How long each engine figure's last run took (with its floor run), to see whether another fits. */
  const took = new Map<EngineSpec, number>();
  let rounds = 0;
  try {
    for (let round = 1; round <= opts.rounds; round++) {
      const left = (): number => opts.budgetMs - (performance.now() - bench.started);
      if (round > 1 && ![...took.values()].some((ms) => ms < left())) {
        log(`  ${bench.elapsedS().padStart(5)}  stopping after ${rounds} round${rounds === 1 ? '' : 's'}: no figure's run fits in the ${opts.budgetMs / 60_000}-minute budget any more`);
        break;
      }
      log(`round ${round}`);
      for (const durability of ['default', 'fsync'] as Durability[]) {
        const r = await runStoreOnly(durability === 'fsync' ? 60 : 200, durability);
        bench.add({ id: `store-only/${durability}`, group: 'floor', label: 'store only (engine call order, no engine)', unit: 'children/s', durability }, r.childrenPerS, { detail: { fileLayerCallsPerChild: r.calls } });
      }
      // After round 1, the quickest figures go first and a figure gets another run only while it fits
      // in the budget: cheap figures get all their rounds, the slowest may keep one (the table shows
      // the runs behind each median).
      const order = round === 1 ? specs : [...specs].sort((x, y) => took.get(x)! - took.get(y)!);
      for (const s of order) {
        if (round > 1 && took.get(s)! > left()) continue;
        // The S of the largest size in default mode is kept from round 1 for the long-history replay.
        const keep = round === 1 && s.shape === 'S' && s.n === 1000 && s.durability === 'default';
        const t = performance.now();
        const w = await bench.engine(s, keep);
        took.set(s, performance.now() - t);
        if (keep && w.dir) long.set(s.components, { dir: w.dir, toml: path.join(w.dir, 'obelisk.toml'), state: path.join(w.dir, 'state'), remove: () => rmSync(w.dir!, { recursive: true, force: true }) });
      }
      rounds = round;
      if (round === 1) {
        await replays(bench, opts, long);
        for (const d of long.values()) d.remove();
        long.clear();
        await memory(bench, opts);
      }
    }
  } finally {
    for (const d of long.values()) d.remove();
  }
  bench.machine.loadEnd = os.loadavg()[0]!;
  const figures = [...bench.figures.values()];
  // The JSON first: a report that fails to print loses no measurement.
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${stamp}${opts.quick ? '-quick' : ''}.json`);
  const seconds = Math.round((performance.now() - bench.started) / 1000);
  writeFileSync(file, `${JSON.stringify({
    version: 1, startedAt: new Date(Date.now() - seconds * 1000).toISOString(), seconds,
    options: { quick: opts.quick, roundsRequested: opts.rounds, rounds, budgetMinutes: opts.budgetMs / 60_000, capSeconds: opts.capMs / 1000 },
    machine: bench.machine, figures,
  }, null, 2)}\n`);
  console.log(`\n${report(figures, bench.machine)}`);
  console.log(`\n${seconds} s; figures written to ${path.relative(process.cwd(), file)}`);
}

await main();
