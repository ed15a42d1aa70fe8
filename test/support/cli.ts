/** Runs the `obelisk` command line in this process (the same code as bin/obelisk), against a test folder. */
import path from 'node:path';
import { run } from '../../lib/cli/main.js';
import type { ExecutionId } from '../../lib/model/ids.js';

const id = (s: string) => s;
const plain = { enabled: false, bold: id, dim: id, red: id, green: id, yellow: id, cyan: id };

export async function obelisk(dir: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run([...argv, '--config', path.join(dir, 'obelisk.toml')], {
    io: { out: (s) => out.push(s), err: (s) => err.push(s), style: plain, errStyle: plain }, env: process.env, cwd: dir,
  });
  return { code, out: out.join(''), err: err.join('') };
}

/** `obelisk execution submit`, then `obelisk tick --json`: the new id and the tick's summary. */
export async function submitAndTick(dir: string, ffqn: string, params: unknown[]) {
  const submitted = await obelisk(dir, 'execution', 'submit', ffqn, JSON.stringify(params));
  if (submitted.code !== 0) throw new Error(`submit failed: ${submitted.err}`);
  const executionId = submitted.out.trim().split('\n')[0] as ExecutionId;
  const ticked = await obelisk(dir, 'tick', '--json', '--max-duration', '30');
  if (ticked.code !== 0) throw new Error(`tick failed: ${ticked.err}`);
  return { id: executionId, summary: JSON.parse(ticked.out.trim().split('\n').at(-1)!) as Record<string, unknown> };
}
