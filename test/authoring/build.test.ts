/**
 * Building `.js`/`.ts` locations (lib/component/source-build.ts), the parts that need no
 * componentize-js run: what the cache key covers, how errors point at the author's lines, how the
 * line table maps bundle positions back.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load.js';
import { openEngine } from '../../lib/executor/open.js';
import { buildRoot, buildSourceComponent, mapBundlePositions, sourceKey, type SourceComponent } from '../../lib/component/source-build.js';
import { lineTable, locate } from '../../lib/component/source-lines.js';
import { ConfigError, InputError } from '../../lib/model/errors.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A project folder: `files` by relative path. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'obelisk-src-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const WIT = `package testing:src;
interface ifc { go: func(n: u32) -> result<u32>; }
world w { export ifc; }
`;

const FILES = {
  'wit/world.wit': WIT,
  'src/main.ts': `import { double } from './lib/util.js';\nexport const ifc = { go: (n: number): number => double(n) };\n`,
  'src/lib/util.ts': `export function double(n: number): number {\n  return n * 2;\n}\n`,
  'src/notes.md': 'not imported',
};

const spec = (dir: string, kind: SourceComponent['kind'] = 'activity_wasm', main = 'src/main.ts'): SourceComponent =>
  ({ name: 'c', kind, source: path.join(dir, main), wit: path.join(dir, 'wit') });

describe('the cache key of a source component', () => {
  it('covers the entry module and what it imports locally, named relative to the project, wherever it sits', async () => {
    const a = project(FILES);
    const b = project(FILES);
    const ka = await sourceKey(spec(a));
    // An activity also gets obelisk's prelude (a clearer error for a refused fetch).
    expect(ka.inputs).toEqual(['<obelisk>/activity-prelude.js', 'src/lib/util.ts', 'src/main.ts']);
    expect((await sourceKey(spec(b))).key).toBe(ka.key);
    expect(buildRoot(spec(a).source, spec(a).wit)).toBe(a);
  });

  it('changes with an imported file, the WIT, the world kind; not with a file nothing imports', async () => {
    const dir = project(FILES);
    const base = (await sourceKey(spec(dir))).key;
    writeFileSync(path.join(dir, 'src', 'notes.md'), 'edited');
    expect((await sourceKey(spec(dir))).key).toBe(base);
    expect((await sourceKey(spec(dir, 'workflow'))).key).not.toBe(base);
    writeFileSync(path.join(dir, 'src', 'lib', 'util.ts'), FILES['src/lib/util.ts'].replace('n * 2', 'n + n'));
    const edited = (await sourceKey(spec(dir))).key;
    expect(edited).not.toBe(base);
    writeFileSync(path.join(dir, 'wit', 'world.wit'), WIT.replace('result<u32>', 'result<u64>'));
    expect((await sourceKey(spec(dir))).key).not.toBe(edited);
  });

  it('counts obelisk/workflow for a workflow that imports it', async () => {
    const dir = project({ ...FILES, 'src/main.ts': `import { sleep } from 'obelisk/workflow';\nexport const ifc = { go: (n: number) => (sleep(n), n) };\n` });
    expect((await sourceKey(spec(dir, 'workflow'))).inputs).toEqual(['<obelisk>/workflow.js', 'src/main.ts']);
  });
});

describe('build errors', () => {
  it('name the file, line and column of a TypeScript syntax error, with the line', async () => {
    const dir = project({ ...FILES, 'src/lib/util.ts': 'export function double(n: number): number {\n  return n *;\n}\n' });
    const err = await buildSourceComponent(spec(dir), { cacheDir: path.join(dir, '.cache') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^cannot build .*src\/main\.ts:\nsrc\/lib\/util\.ts:2:13: error: Unexpected ";"\n {4}2 \| {3}return n \*;\n {4} +\^$/);
  });

  it('refuse node: modules and, in an activity, obelisk/workflow', async () => {
    const dir = project({ ...FILES, 'src/main.ts': `import { readFileSync } from 'node:fs';\nimport { sleep } from 'obelisk/workflow';\nexport const ifc = { go: (n: number) => (sleep(n), readFileSync('x').length) };\n` });
    const msg = String(await buildSourceComponent(spec(dir), { cacheDir: path.join(dir, '.cache') }).catch((e: Error) => e.message));
    expect(msg).toContain('src/main.ts:1:30: error: node:fs is not available inside a component');
    expect(msg).toContain('src/main.ts:2:23: error: obelisk/workflow is for workflows');
  });

  it('stop the engine from opening, naming the component and the line (obelisk.toml with a .ts location)', async () => {
    const dir = project({ ...FILES, 'src/main.ts': 'export const ifc = {\n  go(n: number) { return n +; },\n};\n' });
    writeFileSync(path.join(dir, 'obelisk.toml'), '[[activity_wasm]]\nname = "broken"\nlocation = "src/main.ts"\nwit = "wit"\n');
    const config = await loadConfig(path.join(dir, 'obelisk.toml'), {});
    const err = await openEngine(config, { hotWorkers: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^component broken \(activity_wasm\): cannot build .*src\/main\.ts:\nsrc\/main\.ts:2:29: error: Unexpected ";"\n/);
  });
});

describe('the line table', () => {
  it('maps bundle positions in a builder message back to source lines', () => {
    // Bundle line 1 is generated; line 2 comes from src/a.ts line 5 (col 3), line 3 from src/b.ts line 1.
    // mappings: ";AAIE;ACJF" = line 2: [0, src 0, line 4, col 2]; line 3: [0, src +1, line -4 (=0), col -2 (=0)]
    const table = lineTable('main.js', { sources: ['src/a.ts', 'src/b.ts'], mappings: ';AAIE;ACJF' });
    expect(locate(table, 2, 1)).toEqual({ file: 'src/a.ts', line: 5, col: 3 });
    expect(locate(table, 3, 7)).toEqual({ file: 'src/b.ts', line: 1, col: 1 });
    expect(locate(table, 1, 1)).toBeUndefined();
    expect(mapBundlePositions('main.js:2:1 Error: boom\n  f@main.js:3:7\n  @initializer.js:9:1', table))
      .toBe('src/a.ts:5:3 Error: boom\n  f@src/b.ts:1:1\n  @initializer.js:9:1');
  });

});
