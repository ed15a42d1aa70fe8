/** Spawns test/fixtures/store/worker.mjs and collects the JSON lines it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { WORKER, type Build } from './build.js';

export type Said = Record<string, unknown>;

export class Worker {
  readonly said: Said[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly proc: ChildProcess;
  private buffer = '';
  private readonly waiters: { pred: (s: Said) => boolean; resolve: (s: Said) => void }[] = [];

  constructor(build: Build, config: Record<string, unknown>) {
    this.proc = spawn(process.execPath, [WORKER, JSON.stringify({ build: build.dir, ...config })], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => this.onData(chunk));
    this.proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** Resolves with the first line (already printed or still to come) matching `pred`. */
  waitFor(pred: (s: Said) => boolean, timeoutMs = 10_000): Promise<Said> {
    const found = this.said.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${this.pid}: no matching line within ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (s) => (clearTimeout(timer), resolve(s)) });
    });
  }

  signal(sig: NodeJS.Signals): void {
    this.proc.kill(sig);
  }

  /** Acknowledged (or attempted) tags of appends, per execution. */
  tags(kind: 'ack' | 'attempt'): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const s of this.said) {
      if (s[kind] !== 'append') continue;
      const list = out.get(s.id as string) ?? [];
      list.push(...(s.tags as string[]));
      out.set(s.id as string, list);
    }
    return out;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const s = JSON.parse(line) as Said;
      this.said.push(s);
      for (const w of [...this.waiters]) {
        if (w.pred(s)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(s);
        }
      }
    }
  }
}
