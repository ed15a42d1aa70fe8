/**
 * The suite's shared replay check: every finished execution a test leaves in a state folder must
 * replay identically against the components its configuration names (as `obelisk verify` would).
 * verify-state.setup.ts runs it after every test of every file; testEngine().close() runs the same
 * check for its own engine.
 *
 * Where it looks: every state folder (a folder with `executions/`) under `root` (the setup points
 * the temporary folder of the test file's process there, so every mkdtemp lands in it) and every
 * folder test/support/state-registry.ts holds. Which components: a *.toml beside the folder whose
 * state_dir is that folder (or the one registered). A folder without one (the store's own tests
 * write logs of functions no component exports) has nothing to replay against and is left alone.
 * Read-only: logs and inbox files are read, never a store opened. A log replayed once is not
 * replayed again while it stays the same (harness/check/replay.ts, replayedDigests).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { registeredStateFolders } from './state-registry.js';

const SKIP = new Set(['node_modules', '.git', '.cache', 'executions', 'inbox']);

/** Folders under `root` (not following links) that hold an `executions/` folder. */
export function findStateFolders(root: string, depth = 6): string[] {
  const out: string[] = [];
  const walk = (dir: string, left: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isDirectory() && e.name === 'executions')) {
      out.push(dir);
      return;
    }
    if (left === 0) return;
    for (const e of entries) if (e.isDirectory() && !SKIP.has(e.name)) walk(path.join(dir, e.name), left - 1);
  };
  walk(root, depth);
  return out;
}

const configs = new Map<string, string | null>();

/** The config beside a state folder (or in it) whose state_dir is that folder. */
async function configFor(stateDir: string): Promise<string | undefined> {
  const known = configs.get(stateDir);
  if (known !== undefined) return known ?? undefined;
  const { loadConfig } = await import('../../lib/config/load.js');
  let found: string | null = null;
  for (const dir of [path.dirname(stateDir), stateDir]) {
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.toml')).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      try {
        const config = await loadConfig(path.join(dir, name), process.env);
        if (path.resolve(config.stateDir) === path.resolve(stateDir)) {
          found = path.join(dir, name);
          break;
        }
      } catch {
        // not a config of this folder (or not a valid one): look further
      }
    }
    if (found) break;
  }
  if (found) configs.set(stateDir, found);
  return found ?? undefined;
}

/** Replays what changed since the last call; returns one line per execution that does not replay. */
export async function verifyStateFolders(root: string): Promise<string[]> {
  const folders = new Map<string, string | undefined>(findStateFolders(root).map((f) => [f, undefined]));
  for (const [dir, config] of registeredStateFolders()) if (existsSync(dir)) folders.set(dir, config);
  if (folders.size === 0) return [];
  const { readState } = await import('../../harness/state/read-state.js');
  const { divergences, loadCatalog, replayState, replayedDigests } = await import('../../harness/check/replay.js');
  const problems: string[] = [];
  for (const [dir, registered] of folders) {
    let state;
    try {
      state = readState(dir);
    } catch (e) {
      problems.push(`${dir}: unreadable: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    for (const [id, x] of state) if (x.events.at(-1)?.type !== 'finished' || replayedDigests.has(x.digest)) state.delete(id);
    if (state.size === 0) continue;
    const config = registered ?? (await configFor(dir));
    if (!config) continue;
    let catalog;
    try {
      ({ catalog } = await loadCatalog(config));
    } catch (e) {
      problems.push(`${dir}: its config ${config} does not load, so nothing there can be replayed: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    problems.push(...divergences(await replayState(catalog, state, { skipReplayed: true })).map((p) => `${dir}: ${p}`));
  }
  return problems;
}
