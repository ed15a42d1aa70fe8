/**
 * Versions of the tools whose output we cache (built components, transpiled JS, read types). A cache
 * entry records them, so upgrading jco invalidates what the old version produced.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

function packageVersion(req: NodeRequire, name: string): string {
  // The packages' export maps hide package.json: resolve the entry, then walk up to the package root.
  let dir: string;
  try {
    dir = path.dirname(req.resolve(name));
  } catch {
    return 'unknown';
  }
  for (;;) {
    const file = path.join(dir, 'package.json');
    try {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version) return pkg.version;
    } catch {
      // not this folder
    }
    const up = path.dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

let cached: string | undefined;

/** `jco@1.35.0+jco-transpile@0.15.0`: jco itself and the package that holds wasm-tools and the bindgen. */
export function jcoVersion(): string {
  // jco-transpile is jco's dependency, so resolve it from jco's own location.
  const jcoRequire = createRequire(require.resolve('@bytecodealliance/jco'));
  cached ??= [
    `jco@${packageVersion(require, '@bytecodealliance/jco')}`,
    `jco-transpile@${packageVersion(jcoRequire, '@bytecodealliance/jco-transpile')}`,
  ].join('+');
  return cached;
}
