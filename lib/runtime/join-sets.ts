/**
 * Join set bookkeeping for one workflow run: which join sets exist, what was submitted into each,
 * and which responses each has consumed. Pure state, rebuilt identically by replay.
 */
import type { JoinSetId } from '../model/ids.js';

export type Submission =
  | { kind: 'child'; id: string; ffqn: string }
  | { kind: 'delay'; id: string; expiresAt: string };

export class JoinSetState {
  readonly submissions: Submission[] = [];
  readonly consumed = new Set<string>();
  private readonly ids = new Set<string>();
  closed = false;

  constructor(readonly id: JoinSetId) {}

  /** 1-based index of the next submission (child ids and delay ids carry it). */
  nextIndex(): number {
    return this.submissions.length + 1;
  }

  add(s: Submission): void {
    this.submissions.push(s);
    this.ids.add(s.id);
  }

  /** How many submissions have no consumed response yet (a consumed id is always a submission's). */
  get open(): number {
    return this.submissions.length - this.consumed.size;
  }

  /** Submissions whose response has not been consumed yet. */
  unconsumed(): Submission[] {
    return this.submissions.filter((s) => !this.consumed.has(s.id));
  }

  owns(responseId: string): boolean {
    return this.ids.has(responseId);
  }
}
