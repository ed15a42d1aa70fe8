/**
 * Child processes in the store tests run plain JavaScript: lib/model and lib/store are
 * transpiled once per test file into a temporary folder (with node_modules linked), so the
 * fixtures import the code under test as it is now, whatever state dist/ is in.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const PROJECT = fileURLToPath(new URL('../../..', import.meta.url));

export interface Build {
  /** Folder holding lib/model/*.js and lib/store/*.js. */
  dir: string;
  cleanup(): void;
}

export function buildStoreForChildren(): Build {
  const dir = mkdtempSync(join(tmpdir(), 'obelisk-store-build-'));
  for (const sub of ['lib/model', 'lib/store']) {
    mkdirSync(join(dir, sub), { recursive: true });
    for (const name of readdirSync(join(PROJECT, sub))) {
      if (!name.endsWith('.ts')) continue;
      const out = ts.transpileModule(readFileSync(join(PROJECT, sub, name), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
        fileName: name,
      });
      writeFileSync(join(dir, sub, name.replace(/\.ts$/, '.js')), out.outputText);
    }
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(PROJECT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const WORKER = join(PROJECT, 'test', 'fixtures', 'store', 'worker.mjs');
