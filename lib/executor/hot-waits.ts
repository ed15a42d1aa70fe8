/**
 * Hot workflows parked in this process, waiting for responses. Whoever delivers a response in this
 * process offers it here; a timer covers delays; a slow poll of the inbox covers responses written by
 * other processes. A wait that cannot be answered before its deadline is interrupted: the workflow
 * then ends its run as blocked, exactly as the interrupt strategy would have.
 */
import type { InboxMessage } from '../model/events.js';
import type { ExecutionId } from '../model/ids.js';
import type { HotRun } from '../runtime/hot/hot-workflow.js';

export interface HotWait {
  run: HotRun;
  /** Response ids the workflow has been given (so only new ones are offered). */
  seen: Set<string>;
  timers: NodeJS.Timeout[];
  settled: boolean;
}

export function messageKey(m: InboxMessage): string {
  return m.type === 'child-finished' ? m.child_execution_id : m.type === 'delay-finished' ? m.delay_id : 'cancel';
}

export class HotWaits {
  private readonly waits = new Map<ExecutionId, HotWait>();
  /** Set when the tick stops: a wait that parks from then on is interrupted at once. */
  stopping = false;
  /** Workflows running hot here but not parked now: responses offered meanwhile wait in a buffer. */
  private readonly running = new Map<ExecutionId, InboxMessage[]>();

  /** A hot run starts (offers are buffered until it parks) or ends. */
  started(id: ExecutionId): void {
    this.running.set(id, []);
  }
  ended(id: ExecutionId): void {
    this.running.delete(id);
  }

  /** Parked: the workflow's worker waits, and everything it recorded is written. */
  isParked(id: ExecutionId): boolean {
    return this.waits.has(id);
  }

  /** Responses offered while the workflow ran, not yet given to it. */
  hasBuffered(id: ExecutionId): boolean {
    return (this.running.get(id)?.length ?? 0) > 0;
  }

  get size(): number {
    return this.waits.size;
  }

  /** Parks a wait; responses buffered while the workflow ran are offered at once. */
  park(id: ExecutionId, run: HotRun, seen: Set<string>): HotWait {
    const w: HotWait = { run, seen, timers: [], settled: false };
    this.waits.set(id, w);
    const buffered = this.running.get(id);
    if (buffered?.length) this.offer(id, buffered.splice(0));
    if (this.stopping) this.interrupt(id);
    return w;
  }

  /** Offers messages to a parked workflow; returns true when it was resumed. */
  offer(id: ExecutionId, messages: InboxMessage[], nowMs?: number): boolean {
    const w = this.waits.get(id);
    if (!w || w.settled) {
      this.running.get(id)?.push(...messages);
      return false;
    }
    if (messages.some((m) => m.type === 'cancel-requested')) {
      this.interrupt(id);
      return true;
    }
    const fresh = messages.filter((m) => !w.seen.has(messageKey(m)));
    if (fresh.length === 0) return false;
    this.settle(id, w);
    for (const m of fresh) w.seen.add(messageKey(m));
    w.run.resume(fresh, nowMs);
    return true;
  }

  interrupt(id: ExecutionId): void {
    const w = this.waits.get(id);
    if (!w || w.settled) return;
    this.settle(id, w);
    w.run.interrupt();
  }

  interruptAll(): void {
    for (const id of [...this.waits.keys()]) this.interrupt(id);
  }

  private settle(id: ExecutionId, w: HotWait): void {
    w.settled = true;
    for (const t of w.timers) clearTimeout(t);
    this.waits.delete(id);
  }
}
