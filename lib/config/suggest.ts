/** "Did you mean …": the closest candidate to a misspelt word, if it is close enough to be a likely typo. */

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // A third of the word (at least 2 edits) still reads as a typo; beyond that the guess is noise.
  const limit = Math.max(2, Math.floor(word.length / 3));
  if (best !== undefined && bestDistance <= limit) return best;
  // A prefix match also counts (`retry_exp` for `retry_exp_backoff`), and so does an abbreviation
  // (`secs` for `seconds`, `millis` for `milliseconds`, as older Obelisk configs wrote them).
  return candidates.find((c) => word.length >= 4 && (c.startsWith(word) || word.startsWith(c)))
    ?? candidates.find((c) => word.length >= 3 && c[0] === word[0] && isSubsequence(word, c));
}

function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
