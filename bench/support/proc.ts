/** Running measured processes: node scripts and the obelisk command, with a time limit. */
import { spawn } from 'node:child_process';
import { bin } from './setup.js';

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
}

export function runNode(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** `obelisk <args>` as a user runs it (bin/obelisk, compiled dist/). */
export function obelisk(args: string[], opts: { timeoutMs?: number; nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  return runNode([...(opts.nodeArgs ?? []), bin(), ...args], opts);
}

/** The last line of stdout as JSON, or an error carrying what the process printed. */
export function lastJson<T>(r: Ran, what: string): T {
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  try {
    if (r.code !== 0) throw new Error(`exit code ${r.code}`);
    return JSON.parse(line) as T;
  } catch (e) {
    throw new Error(`${what} failed (${(e as Error).message}):\n${r.stderr.slice(-2000)}${r.stdout.slice(-500)}`);
  }
}
