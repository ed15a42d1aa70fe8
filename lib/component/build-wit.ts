/**
 * Turns a WIT folder (`world.wit` plus `deps/<package>/…`) into one WIT source text, so that jco's
 * `componentEmbed` can take it as `witSource`. (Its `witPath` option reads files through WASI and
 * needs the shim's preopens, which are process-wide state we do not want a build to touch.)
 *
 * Invariants:
 *   1. The root package's files come first, in name order; only the first keeps its `package` line.
 *   2. Each dependency (a folder or a single `.wit` file under `deps/`) becomes one nested
 *      `package name { … }` block, folders and files in name order: the text is deterministic.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../model/errors.js';

const PACKAGE_LINE = /^[ \t]*package[ \t]+([^\s;{]+)[ \t]*;[ \t]*$/m;

/** Every file under `dir` whose name ends in `.wit`, recursively, sorted by relative path. */
export function witFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.wit')) out.push(full);
    }
  };
  walk(dir);
  return out;
}

function packageName(file: string, text: string): string {
  const m = PACKAGE_LINE.exec(text);
  if (!m) {
    throw new InputError(`WIT file ${file} has no package declaration: expected a line like \`package template-fibo:activity;\``);
  }
  return m[1]!;
}

/** One WIT source text for the folder: the root package, then every dependency as a nested package. */
export function collectWitSource(witDir: string): string {
  if (!statSync(witDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InputError(`WIT folder not found: expected a folder with the component's world, for example components/fibo_activity/wit, got ${witDir}`);
  }
  const rootFiles = readdirSync(witDir)
    .filter((n) => n.endsWith('.wit'))
    .sort()
    .map((n) => path.join(witDir, n));
  if (rootFiles.length === 0) throw new InputError(`WIT folder ${witDir} has no .wit file at its top level: expected one with the world`);

  const parts: string[] = [];
  rootFiles.forEach((file, i) => {
    const text = readFileSync(file, 'utf8');
    packageName(file, text);
    parts.push(`// ${path.basename(file)}\n${i === 0 ? text : text.replace(PACKAGE_LINE, '')}`);
  });

  const depsDir = path.join(witDir, 'deps');
  if (statSync(depsDir, { throwIfNoEntry: false })?.isDirectory()) {
    for (const entry of readdirSync(depsDir).sort()) {
      const full = path.join(depsDir, entry);
      const files = statSync(full).isDirectory() ? witFiles(full) : entry.endsWith('.wit') ? [full] : [];
      if (files.length === 0) continue;
      const texts = files.map((f) => readFileSync(f, 'utf8'));
      const name = packageName(files[0]!, texts[0]!);
      const body = texts.map((t) => t.replace(PACKAGE_LINE, '')).join('\n');
      parts.push(`// deps/${entry}\npackage ${name} {\n${body}\n}`);
    }
  }
  return parts.join('\n');
}
