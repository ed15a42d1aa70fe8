/**
 * The long-running executor (`obelisk server run`): the same tick, again and again. New work is
 * noticed at once through file-system notifications on the due index (a submission or a response
 * writes a marker there), with a polling fallback for file systems that do not notify (network
 * mounts) and for timers coming due.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Engine } from './engine.js';
import { tick, type TickSummary } from './tick.js';
import { Signal } from './signal.js';

export interface ServeOptions {
  signal: AbortSignal;
  concurrency: number;
  /** Longest wait between looks at the due index when nothing notifies. */
  pollMs: number;
  onSummary?: (s: TickSummary) => void;
}

export async function serve(engine: Engine, opts: ServeOptions): Promise<void> {
  const wake = new Signal();
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(path.join(engine.deps.store.root, 'due'), () => wake.notify());
    watcher.on('error', () => undefined); // polling still covers it
  } catch {
    // no notifications here: polling only
  }
  const aborted = new Promise<void>((resolve) => opts.signal.addEventListener('abort', () => resolve(), { once: true }));
  try {
    while (!opts.signal.aborted) {
      const summary = await tick(engine, { maxDurationMs: 5_000, concurrency: opts.concurrency, signal: opts.signal });
      opts.onSummary?.(summary);
      if (summary.stoppedEarly) continue;
      await Promise.race([wake.wait(), sleep(opts.pollMs), aborted]);
    }
  } finally {
    watcher?.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
