/**
 * Progress for long work (loading components, rebuilding the index), on stderr and only on a
 * terminal: a line that is rewritten in place and erased when the work ends, so nothing of it stays
 * in the output. The Io does not say whether stderr is a terminal; its style does (colour is only
 * enabled on a TTY), so that is the test: under NO_COLOR progress is not shown either.
 */
import type { Io } from '../io.js';

export interface Progress {
  update(text: string): void;
  done(): void;
}

const ERASE_LINE = '\r\u001b[2K';

export function progress(io: Io, text: string): Progress {
  if (!io.errStyle.enabled) return { update: () => undefined, done: () => undefined };
  let shown = false;
  const update = (t: string) => {
    io.err(`${ERASE_LINE}${io.errStyle.dim(`${t}…`)}`);
    shown = true;
  };
  update(text);
  return {
    update,
    done: () => {
      if (shown) io.err(ERASE_LINE);
      shown = false;
    },
  };
}

/** Runs `work` with a progress line shown while it runs. */
export async function withProgress<T>(io: Io, text: string, work: () => Promise<T>): Promise<T> {
  const p = progress(io, text);
  try {
    return await work();
  } finally {
    p.done();
  }
}
