/**
 * The line table of a bundled component source: for each line of the bundle, where its pieces came
 * from in the author's files. Built from the bundler's source map (version 3) at build time, then
 * appended to the bundle, where the guest helper (guest/workflow.js) reads it to turn stack frames
 * into `src/workflow.ts:42`; the build uses it too, to point its own errors at source lines.
 *
 * Invariants:
 *   1. Lines and columns are 1-based on both sides, as a JavaScript stack trace prints them.
 *   2. Appending the table after the bundle's last line changes no position the table describes.
 */

export interface LineTable {
  /** The bundle's file name, as stack frames show it. */
  file: string;
  /** Source files, relative to the build's root, `/`-separated. */
  sources: string[];
  /** Index in `sources` of the guest helper (its frames are not the author's), or -1. */
  helper: number;
  /** Per bundle line: `[column, sourceIndex, line, column, …]`, four numbers per mapped piece, by column. */
  lines: number[][];
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** Decodes one segment's base64 VLQ numbers. */
function decodeSegment(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of text) {
    const d = DIGIT.get(c);
    if (d === undefined) throw new Error(`invalid source map: unexpected character ${JSON.stringify(c)} in mappings`);
    value += (d & 31) << shift;
    if (d & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

export interface SourceMapV3 {
  sources: string[];
  mappings: string;
}

/** The table of a bundle named `file`, from its source map; `helperSource` is the helper's entry in `map.sources`. */
export function lineTable(file: string, map: SourceMapV3, helperSource?: string): LineTable {
  const lines: number[][] = [];
  let source = 0;
  let line = 0;
  let col = 0;
  for (const text of map.mappings.split(';')) {
    const segs: number[] = [];
    let genCol = 0;
    for (const segText of text.split(',')) {
      if (!segText) continue;
      const s = decodeSegment(segText);
      genCol += s[0]!;
      if (s.length < 4) continue;
      source += s[1]!;
      line += s[2]!;
      col += s[3]!;
      segs.push(genCol + 1, source, line + 1, col + 1);
    }
    lines.push(segs);
  }
  return { file, sources: map.sources, helper: helperSource === undefined ? -1 : map.sources.indexOf(helperSource), lines };
}

/** Where 1-based `line:col` of the bundle came from, or undefined for generated code. */
export function locate(table: LineTable, line: number, col: number): { file: string; line: number; col: number } | undefined {
  const segs = table.lines[line - 1];
  if (!segs || segs.length === 0) return undefined;
  let at = 0;
  for (let i = 0; i < segs.length; i += 4) {
    if (segs[i]! <= col) at = i;
    else break;
  }
  const file = table.sources[segs[at + 1]!];
  return file === undefined ? undefined : { file, line: segs[at + 2]!, col: segs[at + 3]! };
}

/** The statement that defines the table as a global, to append to the bundle (invariant 2). */
export function lineTableFooter(table: LineTable): string {
  return `\nglobalThis[Symbol.for('obelisk.sourceLines')] = ${JSON.stringify(table)};\n`;
}
