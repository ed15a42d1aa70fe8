/**
 * Every check of one case, over the files of a state folder: the structural invariants
 * (invariants.ts), the model (model-check.ts) and replay of every finished execution (replay.ts).
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { executionIdFromDirName } from '../../lib/model/ids.js';
import type { ModelOptions } from '../model/script-model.js';
import { EXECUTIONS, readState, type ExecutionFiles, type StateView } from '../state/read-state.js';
import { checkInvariants, neverStubbedIn } from './invariants.js';
import { checkAgainstModel, scheduledIds, type RootCase } from './model-check.js';
import { divergences, loadCatalog, replayState } from './replay.js';

export interface CaseCheck {
  problems: string[];
  state: StateView;
}

/** Top-level executions of a state folder and who scheduled them (created lines never change: cached). */
const scheduledBy = new Map<string, Map<string, string | null>>();

function topLevelScheduledBy(stateDir: string): Map<string, string | null> {
  let known = scheduledBy.get(stateDir);
  if (!known) scheduledBy.set(stateDir, (known = new Map()));
  let names: string[] = [];
  try {
    names = readdirSync(path.join(stateDir, EXECUTIONS));
  } catch {
    return known;
  }
  const buf = Buffer.alloc(4096);
  for (const name of names) {
    const id = executionIdFromDirName(name);
    if (id === undefined || id.includes('.') || known.has(id)) continue;
    try {
      const file = path.join(stateDir, EXECUTIONS, name, 'log.jsonl');
      const fd = openSync(file, 'r');
      const n = readSync(fd, buf, 0, buf.length, 0);
      closeSync(fd);
      // A long created line (a program as params) is read whole; none yet: looked at next time.
      const text = buf.subarray(0, n).includes(10) || n < buf.length ? buf.toString('utf8', 0, n) : readFileSync(file, 'utf8');
      if (!text.includes('\n')) continue;
      known.set(id, (JSON.parse(text.slice(0, text.indexOf('\n'))) as { scheduled_by?: string }).scheduled_by ?? null);
    } catch {
      // not readable yet: looked at again next time
    }
  }
  return known;
}

/**
 * The executions of these roots: their trees, what they scheduled (transitively), and any
 * top-level execution that says one of them scheduled it (whether or not its log says so).
 */
export function readCase(stateDir: string, rootIds: readonly string[]): StateView {
  let ids = [...rootIds];
  for (;;) {
    const state = readState(stateDir, ids);
    const inCase = (by: string | null) => by !== null && [...state.keys()].includes(by);
    const claimed = [...topLevelScheduledBy(stateDir)].filter(([, by]) => inCase(by)).map(([id]) => id);
    const more = [...new Set([...ids.flatMap((r) => scheduledIds(state, r)), ...claimed])].filter((id) => !ids.includes(id));
    if (more.length === 0) return state;
    ids = [...ids, ...more];
  }
}

export async function checkCase(stateDir: string, configPath: string, roots: readonly RootCase[], model: ModelOptions): Promise<CaseCheck> {
  const state = readCase(stateDir, roots.map((r) => r.id));
  const problems = checkInvariants(state, { quiescent: true });
  for (const root of roots) problems.push(...checkAgainstModel(root, state, model).problems);
  const { catalog } = await loadCatalog(configPath);
  problems.push(...divergences(await replayState(catalog, state)));
  return { problems, state };
}

/** Whether every execution of the case has finished (the roots, their children, what they scheduled). */
export function allFinished(stateDir: string, rootIds: readonly string[]): boolean {
  const state = readCase(stateDir, rootIds);
  if (rootIds.some((id) => !state.has(id))) return false;
  const neverStubbed = neverStubbedIn(state);
  const done = (x: ExecutionFiles | undefined) => x !== undefined && (x.events.at(-1)?.type === 'finished' || neverStubbed(x));
  for (const x of state.values()) {
    if (!done(x)) return false;
    for (const e of x.events) if (e.type === 'child-requested' && !done(state.get(e.child_execution_id))) return false;
  }
  return true;
}
