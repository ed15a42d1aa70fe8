/** How a failing case is reported: enough to understand it without re-running, and how to re-run it. */
import type { TickSummary } from '../../lib/executor/tick.js';
import type { Program } from '../model/script-model.js';

export interface CaseReport {
  title: string;
  roots: { id: string; program: Program }[];
  stateDir: string;
  problems: string[];
  extra?: string[];
}

/** Errors ticks reported for executions of these roots (a step that threw). */
export function tickErrors(summaries: readonly TickSummary[], rootIds: readonly string[]): string[] {
  return summaries.flatMap((s) => s.errors)
    .filter((e) => rootIds.some((r) => e.id === r || e.id.startsWith(`${r}.`)))
    .map((e) => `${e.id}: a tick could not advance it: ${e.message}`);
}

export function formatReport(r: CaseReport): string {
  return [
    `${r.title}: ${r.problems.length} problem(s)`,
    ...r.problems.map((p) => `  - ${p.replaceAll('\n', '\n    ')}`),
    ...(r.extra ?? []),
    `  state folder (kept): ${r.stateDir}`,
    ...r.roots.map((root) => `  root ${root.id}, program:\n    ${JSON.stringify(root.program)}`),
    '  re-run: the seed printed above, OBELISK_SEED=<seed> (and OBELISK_RUNS as printed)',
  ].join('\n');
}
