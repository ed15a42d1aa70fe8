/**
 * An execution's log output: `obelisk:log` lines and captured stdout/stderr, kept outside the
 * history in `executions/<dir>/output.jsonl`, one JSON object per line:
 *   {"at":"2026-11-21T19:40:00.000Z","level":"info","message":"…"}
 * Written by whoever runs the execution; replay writes nothing here, so log lines never affect it.
 * It is audit material too (committed with the log). Appends are whole lines; a torn last line is
 * skipped when read.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionId } from '../model/ids.js';
import { executionPaths } from './layout.js';
import { isoTime } from '../model/time.js';

export const OUTPUT = 'output.jsonl';

export interface OutputLine {
  at: string;
  level: string;
  message: string;
}

export function outputPath(root: string, id: ExecutionId): string {
  return join(executionPaths(root, id).dir, OUTPUT);
}

export function appendOutput(root: string, id: ExecutionId, level: string, message: string, atMs: number): void {
  const line: OutputLine = { at: isoTime(atMs), level, message };
  appendFileSync(outputPath(root, id), `${JSON.stringify(line)}\n`);
}

export function readOutput(root: string, id: ExecutionId): OutputLine[] {
  let text: string;
  try {
    text = readFileSync(outputPath(root, id), 'utf8');
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
