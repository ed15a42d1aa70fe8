#!/usr/bin/env node
// Builds every component under components/ into .cache/components/<name>.wasm, skipping those whose
// sources are unchanged (see lib/component/build.ts). Run by `npm install` (the `prepare` script)
// after tsc, so it imports the compiled library from dist/.
//   node scripts/build-components.mjs [--out <dir>]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from '../dist/lib/component/build.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outFlag = process.argv.indexOf('--out');
const outDir = outFlag > 0 ? path.resolve(process.argv[outFlag + 1] ?? '') : path.join(root, '.cache', 'components');

try {
  for (const r of await buildAll(path.join(root, 'components'), outDir)) {
    const where = path.relative(process.cwd(), r.path) || r.path;
    console.log(r.built ? `built ${r.name} -> ${where} (${Math.round(r.ms)} ms)` : `up to date: ${r.name}`);
  }
} catch (err) {
  console.error(`build-components: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
