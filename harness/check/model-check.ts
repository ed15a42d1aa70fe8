/**
 * Compares what the engine recorded for a program with what the model (harness/model) says: the
 * result of the root and of every nested workflow, their history events (times and unknowable
 * values left out), the outcome of every child, and the scheduled executions.
 */
import { isHistoryEvent, type LogEvent } from '../../lib/model/events.js';
import { canonical, matches, runModel, type ModelOptions, type ModelRun, type Outcome, type Program } from '../model/script-model.js';
import { finishedOf, logOracle, type StateView } from '../state/read-state.js';

export interface RootCase {
  id: string;
  program: Program;
}

/** History events as the model writes them: no `at`, no `backtrace`. */
export function historyOf(events: readonly LogEvent[]): Record<string, unknown>[] {
  return events.filter(isHistoryEvent).map((e) => {
    const { at: _at, backtrace: _bt, ...rest } = e as LogEvent & { backtrace?: unknown };
    return rest;
  });
}

function describe(outcome: Outcome): string {
  return 'failed' in outcome ? `an execution failure (${outcome.failed})` : canonical(outcome);
}

type FinishedLine = { result?: unknown; failure?: { kind: string } };

/** Whether a finished line ends as the model's outcome says. */
function sameOutcome(expected: Outcome, fin: FinishedLine): boolean {
  if ('failed' in expected) return fin.failure?.kind === expected.failed;
  const result = fin.result as Record<string, unknown> | undefined;
  if (!result) return false;
  if ('err' in expected) return 'err' in result && matches(expected.err, result.err);
  return 'ok' in result && matches(expected.ok, result.ok);
}

function ending(fin: FinishedLine): string {
  return canonical(fin.result ?? fin.failure);
}

export function checkAgainstModel(root: RootCase, state: StateView, opts: ModelOptions): { problems: string[]; model: ModelRun } {
  const model = runModel(root.program, root.id, logOracle(state), opts);
  const problems = [...model.problems];
  const visit = (run: ModelRun) => {
    const x = state.get(run.id);
    const fin = finishedOf(x);
    if (!x || !fin) {
      problems.push(`${run.id}: not finished, the model expects ${describe(run.outcome)}`);
      return;
    }
    if ('ok' in run.outcome) {
      const result = (fin as { result?: { ok?: unknown } }).result;
      let actual: unknown;
      try {
        actual = typeof result?.ok === 'string' ? JSON.parse(result.ok) : undefined;
      } catch {
        actual = undefined;
      }
      if (!matches(run.values, actual)) {
        problems.push(`${run.id}: result differs from the model:\n  model:  ${canonical(run.values)}\n  engine: ${ending(fin as FinishedLine)}`);
      }
    } else if (!sameOutcome(run.outcome, fin as FinishedLine)) {
      problems.push(`${run.id}: the model expects ${describe(run.outcome)}, the engine finished ${ending(fin as FinishedLine)}`);
    }
    const actual = historyOf(x.events);
    const n = Math.max(actual.length, run.history.length);
    for (let i = 0; i < n; i++) {
      if (!matches(run.history[i], actual[i])) {
        problems.push(`${run.id}: history event ${i + 1} differs from the model:\n  model:  ${run.history[i] ? canonical(run.history[i]) : '(none)'}\n  engine: ${actual[i] ? canonical(actual[i]) : '(none)'}`);
        break;
      }
    }
    for (const c of run.children) {
      const cf = finishedOf(state.get(c.id)) as FinishedLine | undefined;
      if (!cf) continue; // invariant 8 reports unfinished children
      if (c.run) visit(c.run);
      else if (!sameOutcome(c.outcome, cf) && !(c.cancellable && cf.failure?.kind === 'cancelled')) {
        problems.push(`${c.id}: the model expects ${describe(c.outcome)}, the engine finished ${ending(cf)}`);
      }
    }
    const scheduled = x.events.filter((e) => e.type === 'scheduled');
    run.scheduled.forEach((s, i) => {
      const e = scheduled[i];
      if (!e || e.type !== 'scheduled') return; // the history comparison reports it
      const sf = finishedOf(state.get(e.execution_id)) as FinishedLine | undefined;
      if (sf && !sameOutcome(s.outcome, sf)) problems.push(`${e.execution_id} (scheduled): the model expects ${describe(s.outcome)}, the engine finished ${ending(sf)}`);
    });
  };
  visit(model);
  return { problems, model };
}

/** Ids of the scheduled executions a root's tree made (to include them in the checks). */
export function scheduledIds(state: StateView, rootId: string): string[] {
  const out: string[] = [];
  for (const x of state.values()) {
    if (x.id !== rootId && !x.id.startsWith(`${rootId}.`)) continue;
    for (const e of x.events) if (e.type === 'scheduled') out.push(e.execution_id);
  }
  return out;
}
