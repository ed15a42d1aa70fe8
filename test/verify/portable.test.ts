/**
 * verify's verdict depends on the logs alone: the same on a state folder copied to another path,
 * and on one committed to git and cloned (where the due index and locks, left out by the state
 * folder's .gitignore, are missing).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../lib/cli/main.js';
import { tick } from '../../lib/executor/tick.js';
import { fiboToml, testEngine, type TestEngine } from '../support/engine.js';

const id = (s: string) => s;
const plain = { enabled: false, bold: id, dim: id, red: id, green: id, yellow: id, cyan: id };
let t: TestEngine;
const dirs: string[] = [];
let hasGit = true;
try {
  execFileSync('git', ['--version'], { stdio: 'ignore' });
} catch {
  hasGit = false;
}

beforeAll(async () => {
  t = await testEngine(fiboToml('interrupt'));
  await t.engine.submit('template-fibo:workflow/fibo-workflow-ifc.fiboa', [10, 2]);
  await t.engine.submit('template-fibo:workflow/fibo-workflow-ifc.fiboa-concurrent', [10, 3]);
  await tick(t.engine, { maxDurationMs: 60_000, concurrency: 2 });
}, 120_000);
afterAll(async () => {
  await t.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function verify(dir: string) {
  const out: string[] = [];
  const code = await run(['verify', '--json', '--config', path.join(dir, 'obelisk.toml')], {
    io: { out: (s) => out.push(s), err: () => undefined, style: plain, errStyle: plain }, env: process.env, cwd: dir,
  });
  const reports = out.join('').trim().split('\n').map((l) => JSON.parse(l) as { id: string; status: string; index?: number });
  return { code, verdict: reports.map((r) => `${r.id} ${r.status}${r.index ? ` @${r.index}` : ''}`).sort() };
}

/** Tampered copies live outside the test's watched temporary folder: the shared replay check would (rightly) reject them. */
const outside = () => path.dirname(tmpdir());

function copy(from: string, base = tmpdir()): string {
  const to = mkdtempSync(path.join(base, 'obelisk-copy-'));
  dirs.push(to);
  cpSync(from, to, { recursive: true });
  return to;
}

function clone(from: string, base = tmpdir()): string {
  const repo = mkdtempSync(path.join(base, 'obelisk-repo-'));
  const to = mkdtempSync(path.join(base, 'obelisk-clone-'));
  dirs.push(repo, to);
  cpSync(from, repo, { recursive: true });
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' });
  git(repo, 'init', '-q');
  git(repo, 'add', 'obelisk.toml', 'state');
  git(repo, '-c', 'user.email=t@example.org', '-c', 'user.name=t', 'commit', '-qm', 'audit');
  git(to, 'clone', '-q', repo, '.');
  return to;
}

/** Changes the params of the first child request of the fiboa execution's log. */
function tamper(dir: string): void {
  const root = path.join(dir, 'state', 'executions');
  const fiboa = readdirSync(root).find((n) => !n.includes('.') && readFileSync(path.join(root, n, 'log.jsonl'), 'utf8').includes('fiboa"'))!;
  const log = path.join(root, fiboa, 'log.jsonl');
  writeFileSync(log, readFileSync(log, 'utf8').replace('"params":[10]', '"params":[11]'));
}

describe('verify is portable', () => {
  it('gives the same verdict on a copy at another path', async () => {
    const here = await verify(t.dir);
    expect(here.code).toBe(0);
    expect(here.verdict.filter((v) => v.endsWith('replayed'))).toHaveLength(2);
    expect(await verify(copy(t.dir))).toEqual(here);
  });

  it.skipIf(!hasGit)('gives the same verdict on a git clone (no due index, no locks)', async () => {
    const here = await verify(t.dir);
    const cloned = clone(t.dir);
    expect(readdirSync(path.join(cloned, 'state'))).not.toContain('due');
    expect(await verify(cloned)).toEqual(here);
  });

  it.skipIf(!hasGit)('and the same divergence, at the same event, when a log was tampered with', async () => {
    const tampered = copy(t.dir, outside());
    tamper(tampered);
    const moved = await verify(tampered);
    expect(moved.code).toBe(1);
    expect(moved.verdict.some((v) => / diverged @\d+$/.test(v))).toBe(true);
    expect(await verify(clone(tampered, outside()))).toEqual(moved);
    expect(await verify(copy(tampered, outside()))).toEqual(moved);
  });
});
