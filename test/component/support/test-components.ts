/**
 * The repository's test components (components/<name>/), built once per test process into
 * .cache/components/ by the same library the build script uses (unchanged ones are skipped).
 * Other test folders may import this to get a component's path.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from '../../../lib/component/build.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const COMPONENTS_SRC = path.join(ROOT, 'components');
export const COMPONENTS_OUT = path.join(ROOT, '.cache', 'components');

let built: Promise<Record<string, string>> | undefined;

/** Component name -> absolute path of its built .wasm. */
export function testComponents(): Promise<Record<string, string>> {
  built ??= buildAll(COMPONENTS_SRC, COMPONENTS_OUT).then((rs) => Object.fromEntries(rs.map((r) => [r.name, r.path])));
  return built;
}

export async function testComponent(name: string): Promise<string> {
  const all = await testComponents();
  const p = all[name];
  if (!p) throw new Error(`no test component ${name}; have ${Object.keys(all).join(', ')}`);
  return p;
}
