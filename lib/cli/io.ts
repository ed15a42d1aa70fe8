/**
 * The CLI's only door to the terminal. Handlers write through an Io, so tests capture output and
 * nothing below lib/cli ever prints. Colour only when the stream is a TTY and NO_COLOR is unset
 * (or empty, as no-color.org defines it).
 */

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly style: Style;
  readonly errStyle: Style;
}

export interface Style {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env['NO_COLOR'] === undefined || env['NO_COLOR'] === '');
}

export function makeStyle(enabled: boolean): Style {
  const sgr = (open: number, close: number) => (s: string): string => (enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { enabled, bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
}

export function processIo(env: NodeJS.ProcessEnv): Io {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    style: makeStyle(colorEnabled(process.stdout, env)),
    errStyle: makeStyle(colorEnabled(process.stderr, env)),
  };
}

/** An Io that records what was written (tests, and handlers that build output before printing). */
export function bufferIo(color = false): Io & { readonly stdout: string; readonly stderr: string } {
  let stdout = '';
  let stderr = '';
  return {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    style: makeStyle(color),
    errStyle: makeStyle(color),
    get stdout() { return stdout; },
    get stderr() { return stderr; },
  };
}
