/**
 * Real `obelisk tick` processes (bin/obelisk, which runs the compiled dist/) on a state folder,
 * for faults only a process can have: SIGKILL at any moment, two ticks at once, a tick stopped
 * (SIGSTOP) past its leases and continued (SIGCONT) after another took over.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './config.js';

export interface TickExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Every tick started and not yet exited: killed by killAll() when a test ends early. */
const running = new Set<TickProcess>();

export class TickProcess {
  readonly proc: ChildProcess;
  readonly maxDurationMs: number;
  /** Set when the process ran past its --max-duration plus grace and was killed (see waitExit). */
  hung = false;
  readonly exited: Promise<TickExit>;
  private stdout = '';
  private stderr = '';
  private ended = false;

  /** `bin`: the command to run (default: this repository's bin/obelisk; see private-build.ts). */
  constructor(configPath: string, opts: { maxDurationS?: number; concurrency?: number; bin?: string } = {}) {
    const started = performance.now();
    this.maxDurationMs = (opts.maxDurationS ?? 30) * 1000;
    this.proc = spawn(process.execPath, [
      opts.bin ?? BIN, 'tick', '--config', configPath, '--json',
      '--max-duration', String(opts.maxDurationS ?? 30), '--concurrency', String(opts.concurrency ?? 2),
    ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    this.proc.stdout!.on('data', (d: Buffer) => { this.stdout += d.toString(); });
    this.proc.stderr!.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    running.add(this);
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.ended = true;
        running.delete(this);
        if (process.env.OBELISK_HARNESS_DEBUG) console.log(`[tick ${this.proc.pid}] ${code ?? signal} after ${Math.round(performance.now() - started)} ms: ${this.stdout.trim()}`);
        // Let the pipes drain before reporting.
        setImmediate(() => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr, ms: performance.now() - started }));
      });
    });
  }

  get running(): boolean {
    return !this.ended;
  }

  /** Sends a signal to this process only (never by name); false when it has already exited. */
  signal(sig: NodeJS.Signals): boolean {
    if (this.ended) return false;
    try {
      return this.proc.kill(sig);
    } catch {
      return false;
    }
  }

  /**
   * Waits for the exit. A tick stops taking work after --max-duration and then finishes what runs;
   * one still running `graceMs` after that (counted from now, so a stopped process's pause does
   * not count) is hung: it is killed and `hung` is set.
   */
  async waitExit(graceMs = 15_000): Promise<TickExit> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((r) => { timer = setTimeout(() => r('late'), this.maxDurationMs + graceMs); });
    const first = await Promise.race([this.exited, deadline]);
    clearTimeout(timer);
    if (first !== 'late') return first;
    this.hung = true;
    return this.kill();
  }

  /** SIGKILL, then waits for the exit. */
  async kill(): Promise<TickExit> {
    this.signal('SIGCONT'); // a stopped process must run to die
    this.signal('SIGKILL');
    return this.exited;
  }
}

/** Kills every tick still running (a test that failed or timed out leaves none behind). */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((t) => t.kill()));
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Fails with the process's output when a tick hung, or exited other than 0 or by the harness's own signal. */
export function unexpectedExit(exit: TickExit, allowed: NodeJS.Signals[] = [], hung = false): string | undefined {
  if (hung) return `obelisk tick did not exit within its --max-duration and grace (hung; killed after ${Math.round(exit.ms)} ms):\n${exit.stdout}\n${exit.stderr}`;
  if (exit.code === 0 || (exit.signal && allowed.includes(exit.signal))) return undefined;
  return `obelisk tick exited with ${exit.code ?? exit.signal}:\n${exit.stdout}\n${exit.stderr}`;
}

/** Warnings a tick printed (executions it could not advance), one per line. */
export function tickWarnings(exit: TickExit): string[] {
  return exit.stderr.split('\n').filter((l) => l.includes('warning:'));
}
