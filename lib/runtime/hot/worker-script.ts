/**
 * The path of a compiled worker entry. Workers need JavaScript: when this module runs from its
 * TypeScript source (under the test runner), the compiled file in dist/ is used instead, so
 * `npm test` builds first.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** `relative` names the entry's source file (`./workflow-entry.ts`) beside the module at `fromUrl`. */
export function workerScript(fromUrl: string, relative: string): string {
  const here = fileURLToPath(fromUrl);
  const target = path.resolve(path.dirname(here), relative).replace(/\.ts$/, '.js');
  if (!here.endsWith('.ts')) return target;
  const lib = target.lastIndexOf(`${path.sep}lib${path.sep}`);
  return path.join(target.slice(0, lib), 'dist', target.slice(lib + 1));
}
