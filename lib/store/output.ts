/**
 * An execution's log output: `obelisk:log` lines and captured stdout/stderr, kept outside the
 * history in `executions/<dir>/output.jsonl`, one JSON object per line:
 *   {"at":"2026-11-21T19:40:00.000Z","level":"info","message":"…"}
 * Written by whoever runs the execution; replay writes nothing here, so log lines never affect it.
 * It is audit material too (committed with the log). Appends are whole lines; a torn last line is
 * skipped when read. An inline child (children.ts) has no folder: its lines go to its parent's
 * output.jsonl, marked with `"execution_id"`, and are read back as the child's.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentOf, type ExecutionId } from '../model/ids.js';
import { executionPaths } from './layout.js';
import { isoTime } from '../model/time.js';

export const OUTPUT = 'output.jsonl';

export interface OutputLine {
  at: string;
  level: string;
  message: string;
  /** Where a workflow's line stands in its run (WorkflowContext.logPosition); absent for activities. */
  pos?: [number, number];
  /** On a parent's line: the inline child it belongs to. */
  execution_id?: string;
}

export function outputPath(root: string, id: ExecutionId): string {
  return join(executionPaths(root, id).dir, OUTPUT);
}

export function appendOutput(root: string, id: ExecutionId, level: string, message: string, atMs: number, pos?: [number, number]): void {
  const line: OutputLine = { at: isoTime(atMs), level, message, ...(pos ? { pos } : {}) };
  const parent = parentOf(id)?.parent;
  if (parent !== undefined && !existsSync(executionPaths(root, id).dir)) {
    appendFileSync(outputPath(root, parent), `${JSON.stringify({ ...line, execution_id: id })}\n`);
    return;
  }
  appendFileSync(outputPath(root, id), `${JSON.stringify(line)}\n`);
}

const after = (a: [number, number], b: [number, number]) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/**
 * A sink for one execution's workflow lines that writes a positioned line only when it stands past
 * the last positioned line written (a re-run from the same history writes nothing twice).
 */
export function outputSink(root: string, id: ExecutionId): (level: string, message: string, atMs: number, pos?: [number, number]) => void {
  let last: [number, number] | undefined | null = null;
  return (level, message, atMs, pos) => {
    if (pos) {
      if (last === null) last = readOutput(root, id).reduce<[number, number] | undefined>((m, l) => (l.pos && (!m || after(l.pos, m)) ? l.pos : m), undefined);
      if (last && !after(pos, last)) return;
      last = pos;
    }
    appendOutput(root, id, level, message, atMs, pos);
  };
}

/** The execution's own lines, after the lines it wrote as an inline child into its parent's file (if any). */
export function readOutput(root: string, id: ExecutionId): OutputLine[] {
  const parent = parentOf(id)?.parent;
  const inherited = parent === undefined ? [] : readFile(outputPath(root, parent)).filter((l) => l.execution_id === id);
  for (const l of inherited) delete l.execution_id;
  return [...inherited, ...readFile(outputPath(root, id)).filter((l) => l.execution_id === undefined)];
}

function readFile(path: string): OutputLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: OutputLine[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as OutputLine);
    } catch {
      // a torn last line from a crash mid-write: not written
    }
  }
  return out;
}
