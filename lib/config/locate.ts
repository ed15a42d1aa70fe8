/**
 * Finds the line where a key path is written, so a config error can point at it. smol-toml gives lines
 * only for syntax errors; this scans the (already valid) text once for table headers and keys.
 *
 * Invariants:
 *  1. Paths use the form the errors use: `activity_wasm[0].retry_exp_backoff.milliseconds`.
 *  2. `[[a.b]]` inside `[[a]]` refers to the latest `a` element, as TOML defines.
 *  3. A path not written anywhere (inside an inline table, or absent) resolves to its nearest written
 *     ancestor; the root resolves to no line.
 *  4. Lines inside multi-line strings and multi-line arrays are never read as keys.
 */

export type LineOf = (keyPath: string) => number | undefined;

export function keyLocator(text: string): LineOf {
  const lines = locateKeys(text);
  return (keyPath) => {
    let path = keyPath;
    while (path !== '') {
      const line = lines.get(path);
      if (line !== undefined) return line;
      path = parentPath(path);
    }
    return undefined;
  };
}

export function parentPath(path: string): string {
  if (path.endsWith(']')) return path.slice(0, path.lastIndexOf('['));
  const dot = lastSeparator(path);
  return dot < 0 ? '' : path.slice(0, dot);
}

/** The last `.` that separates segments (not one inside a quoted segment). */
function lastSeparator(path: string): number {
  let inQuote = false;
  let last = -1;
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '"') inQuote = !inQuote;
    else if (c === '.' && !inQuote) last = i;
  }
  return last;
}

/** Renders one key segment as the errors write it: bare when it can be, quoted otherwise. */
export function segment(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

export function joinPath(base: string, key: string): string {
  return base === '' ? segment(key) : `${base}.${segment(key)}`;
}

function locateKeys(text: string): Map<string, number> {
  const found = new Map<string, number>();
  const arrayCounts = new Map<string, number>();
  const record = (path: string, line: number): void => {
    if (!found.has(path)) found.set(path, line);
  };
  /** Resolves header segments: a segment naming an array of tables means its latest element. */
  const resolve = (segments: string[]): string => {
    let path = '';
    for (const s of segments) {
      path = joinPath(path, s);
      const count = arrayCounts.get(path);
      if (count !== undefined) path = `${path}[${count - 1}]`;
    }
    return path;
  };

  let table = '';
  let skipUntil: RegExp | undefined; // closing delimiter of a multi-line string
  let bracketDepth = 0; // open brackets of a multi-line array value
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    if (skipUntil) {
      if (skipUntil.test(raw)) skipUntil = undefined;
      return;
    }
    if (bracketDepth > 0) {
      bracketDepth += bracketBalance(raw);
      return;
    }
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const arrayHeader = /^\[\[(.+?)\]\]/.exec(line);
    if (arrayHeader) {
      const segments = parseDottedKey(arrayHeader[1]!);
      const parent = resolve(segments.slice(0, -1));
      const key = joinPath(parent, segments[segments.length - 1]!);
      const count = (arrayCounts.get(key) ?? 0) + 1;
      arrayCounts.set(key, count);
      table = `${key}[${count - 1}]`;
      record(key, lineNo);
      record(table, lineNo);
      return;
    }
    const header = /^\[(.+?)\]/.exec(line);
    if (header) {
      table = resolve(parseDottedKey(header[1]!));
      record(table, lineNo);
      return;
    }
    const eq = findTopLevelEquals(line);
    if (eq < 0) return;
    let path = table;
    for (const s of parseDottedKey(line.slice(0, eq))) {
      path = joinPath(path, s);
      record(path, lineNo);
    }
    const value = line.slice(eq + 1).trim();
    const opener = /^("""|''')/.exec(value);
    if (opener && !value.slice(3).includes(opener[1]!)) skipUntil = new RegExp(opener[1]!);
    else if (value.startsWith('[') || value.startsWith('{')) bracketDepth = Math.max(0, bracketBalance(value));
  });
  return found;
}

/** Splits `a."b.c".d` into its segments. */
function parseDottedKey(text: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(?:\.|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    out.push(m[1] !== undefined ? unescapeBasic(m[1]) : (m[2] ?? m[3] ?? ''));
  }
  return out;
}

function unescapeBasic(s: string): string {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s;
  }
}

/** Index of the `=` that ends a key, or -1 when the line is not a key/value line. */
function findTopLevelEquals(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '=') return i;
    else if (!/[A-Za-z0-9_.\s-]/.test(c)) return -1;
  }
  return -1;
}

/** Open minus closed brackets and braces, ignoring those in strings and comments. */
function bracketBalance(text: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') break;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
  }
  return depth;
}
