/**
 * Every check of one case, over the files of a state folder: the structural invariants
 * (invariants.ts), the model (model-check.ts) and replay of every finished execution (replay.ts).
 */
import type { ModelOptions } from '../model/script-model.js';
import { readState, type StateView } from '../state/read-state.js';
import { checkInvariants } from './invariants.js';
import { checkAgainstModel, scheduledIds, type RootCase } from './model-check.js';
import { divergences, loadCatalog, replayState } from './replay.js';

export interface CaseCheck {
  problems: string[];
  state: StateView;
}

/** The executions of these roots: their trees and what they scheduled (transitively). */
export function readCase(stateDir: string, rootIds: readonly string[]): StateView {
  let ids = [...rootIds];
  for (;;) {
    const state = readState(stateDir, ids);
    const more = [...new Set(ids.flatMap((r) => scheduledIds(state, r)))].filter((id) => !ids.includes(id));
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
  for (const x of state.values()) {
    if (x.events.at(-1)?.type !== 'finished') return false;
    for (const e of x.events) if (e.type === 'child-requested' && state.get(e.child_execution_id)?.events.at(-1)?.type !== 'finished') return false;
  }
  return true;
}
