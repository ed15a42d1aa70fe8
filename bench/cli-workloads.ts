/**
 * Figures measured through the `obelisk` command as a user runs it, process start to exit:
 * an idle `tick`, `verify` over many finished executions, and the peak RSS of a `tick` that runs
 * F(1,000) to the end.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { newUlid } from '../lib/model/ids.js';
import { SeededRandom } from '../lib/model/random.js';
import { lastJson, obelisk, runNode, type Ran } from './support/proc.js';
import { benchDir, distBench, workflowCall, type BenchDir, type Components, type Durability } from './support/setup.js';
import type { WorkloadResult } from './engine-workload.js';

function check(r: Ran, what: string): Ran {
  if (r.code !== 0) throw new Error(`${what} exited with ${r.code}:\n${r.stderr.slice(-2000)}${r.stdout.slice(-500)}`);
  return r;
}

/** `obelisk tick` with nothing due: process start to exit, in ms. */
export async function idleTick(toml: string): Promise<number> {
  const r = check(await obelisk(['tick', '--config', toml], { timeoutMs: 120_000 }), 'obelisk tick');
  if (r.stdout.trim() !== '') throw new Error(`an idle tick printed something (was work due?): ${r.stdout.slice(0, 300)}`);
  return r.ms;
}

export interface VerifyFigures {
  /** Workflows replayed (verify skips activities). */
  executions: number;
  events: number;
  /** verify's own time (components loaded, then replay), as it prints it. */
  seconds: number;
  /** The replay alone (after the components are loaded), as it prints it. */
  replaySeconds: number;
  /** The whole process, start to exit. */
  processMs: number;
}

export async function verify(toml: string): Promise<VerifyFigures> {
  const r = await obelisk(['verify', '--config', toml], { timeoutMs: 600_000 });
  const m = /verified (\d+) executions? \((\d+) history events\) in ([\d.]+) s \(replay ([\d.]+) s\): (\d+) diverged/.exec(r.stdout);
  if (r.code !== 0 || !m) throw new Error(`obelisk verify failed (exit ${r.code}):\n${r.stderr.slice(-2000)}${r.stdout.slice(-2000)}`);
  if (m[5] !== '0') throw new Error(`obelisk verify: ${m[5]} executions diverged:\n${r.stdout.slice(0, 2000)}`);
  return { executions: Number(m[1]), events: Number(m[2]), seconds: Number(m[3]), replaySeconds: Number(m[4]), processMs: r.ms };
}

/**
 * A state folder of `copies` finished workflows of S(`children`) (each with its children), made by
 * running one with the engine and copying its folders under new ids (plain file writes).
 */
export async function replayState(components: Components, copies: number, children: number): Promise<BenchDir> {
  const r = await runNode([path.join(distBench(), 'engine-workload.js'), JSON.stringify({ shape: 'S', n: children, components, durability: 'default', keep: true })]);
  const { dir } = lastJson<WorkloadResult>(r, 'engine workload for the replay state');
  const src = path.join(dir!, 'state', 'executions');
  const call = workflowCall(components, 'S', children);
  const names = readdirSync(src);
  const rootName = names.find((n) => !n.includes('.') && readFileSync(path.join(src, n, 'log.jsonl'), 'utf8').includes(JSON.stringify(call.params)));
  if (!rootName) throw new Error('replay state: the workflow that was run is not in the state folder');
  const family = names.filter((n) => n === rootName || n.startsWith(`${rootName}.`));
  const ulid = rootName.slice(2);
  const random = new SeededRandom(`replay-${components}-${copies}`);
  const target = benchDir(components, 'default');
  const executions = path.join(target.state, 'executions');
  mkdirSync(path.join(target.state, 'due'), { recursive: true });
  mkdirSync(executions, { recursive: true });
  for (let k = 0; k < copies; k++) {
    const next = newUlid(Date.UTC(2026, 10, 1) + k, random);
    for (const name of family) {
      const from = path.join(src, name);
      const to = path.join(executions, name.replace(ulid, next));
      mkdirSync(to);
      writeFileSync(path.join(to, 'log.jsonl'), readFileSync(path.join(from, 'log.jsonl'), 'utf8').replaceAll(ulid, next));
      let inbox: string[] = [];
      try {
        inbox = readdirSync(path.join(from, 'inbox'));
      } catch {
        // no inbox: an activity
      }
      if (inbox.length) mkdirSync(path.join(to, 'inbox'));
      if (existsSync(path.join(from, 'children.jsonl'))) writeFileSync(path.join(to, 'children.jsonl'), readFileSync(path.join(from, 'children.jsonl'), 'utf8').replaceAll(ulid, next));
      for (const f of inbox) writeFileSync(path.join(to, 'inbox', f.replace(ulid, next)), readFileSync(path.join(from, 'inbox', f), 'utf8').replaceAll(ulid, next));
    }
  }
  rmSync(dir!, { recursive: true, force: true });
  return target;
}

export interface TickMemory {
  maxRssMiB: number;
  tickMs: number;
  childrenPerS: number;
}

/** Submits F(n) with `obelisk execution submit`, then runs `obelisk tick` until it is done: peak RSS of the tick. */
export async function tickMemory(components: Components, durability: Durability, n: number): Promise<TickMemory> {
  const where = benchDir(components, durability);
  try {
    const call = workflowCall(components, 'F', n);
    // The parameters go through a file: a script program of 2,000 steps is longer than one argument may be.
    const params = path.join(where.dir, 'params.json');
    writeFileSync(params, JSON.stringify(call.params));
    const sub = check(await obelisk(['execution', 'submit', '--config', where.toml, call.ffqn, `@${params}`]), 'obelisk execution submit');
    const id = sub.stdout.trim().split('\n').at(-1)!;
    const rssFile = path.join(where.dir, 'rss');
    const hook = pathToFileURL(path.join(distBench(), 'support', 'rss-hook.js')).href;
    const r = check(await obelisk(['tick', '--config', where.toml], { nodeArgs: ['--import', hook], env: { ...process.env, OBELISK_BENCH_RSS_FILE: rssFile }, timeoutMs: 600_000 }), 'obelisk tick');
    const log = readFileSync(path.join(where.state, 'executions', id, 'log.jsonl'), 'utf8').trim().split('\n');
    if (!log.at(-1)!.includes('"type":"finished"') || !log.at(-1)!.includes('"ok"')) throw new Error(`tick did not finish ${id} ok: ${log.at(-1)}`);
    return { maxRssMiB: Number(readFileSync(rssFile, 'utf8')) / 1024, tickMs: r.ms, childrenPerS: (n * 1000) / r.ms };
  } finally {
    where.remove();
  }
}
