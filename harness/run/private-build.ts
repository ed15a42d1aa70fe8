/**
 * A private, read-only snapshot of the command for child processes: lib/ transpiled to
 * <tmp>/dist/lib (no type check, as fast as it gets) with bin/obelisk, package.json, wit/ and
 * node_modules beside it. Other engineers rebuild the shared dist/ while tests run; a tick process
 * that starts half-way through such a rebuild fails to import. The snapshot is the code under
 * test as it is when the test file starts.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from './config.js';

export interface PrivateBuild {
  /** The snapshot's bin/obelisk. */
  bin: string;
  dir: string;
  cleanup(): void;
}

function transpileTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    if (entry.isDirectory()) {
      transpileTree(src, path.join(to, entry.name));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      const out = ts.transpileModule(readFileSync(src, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
        fileName: src,
      });
      writeFileSync(path.join(to, entry.name.replace(/\.ts$/, '.js')), out.outputText);
    } else if (!entry.name.endsWith('.ts')) {
      copyFileSync(src, path.join(to, entry.name));
    }
  }
}

export function privateBuild(): PrivateBuild {
  const dir = mkdtempSync(path.join(tmpdir(), 'obelisk-harness-build-'));
  transpileTree(path.join(ROOT, 'lib'), path.join(dir, 'dist', 'lib'));
  mkdirSync(path.join(dir, 'bin'));
  copyFileSync(path.join(ROOT, 'bin', 'obelisk'), path.join(dir, 'bin', 'obelisk'));
  copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  for (const shared of ['node_modules', 'wit', 'lib']) symlinkSync(path.join(ROOT, shared), path.join(dir, shared), 'dir');
  return { bin: path.join(dir, 'bin', 'obelisk'), dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
