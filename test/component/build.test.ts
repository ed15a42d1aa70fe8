// The component build (lib/component/build.ts, run by scripts/build-components.mjs): every source
// folder becomes a component; unchanged sources are skipped by their stamp; a changed one is rebuilt.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAll, buildComponent, buildComponentIfChanged, sha256Digest, sourceKind } from '../../lib/component/build.js';
import { collectWitSource } from '../../lib/component/build-wit.js';
import { InputError } from '../../lib/model/errors.js';
import { COMPONENTS_SRC } from './support/test-components.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'obelisk-build-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const NAMES = ['all_types', 'fibo_activity', 'fibo_workflow'];

describe('buildAll', () => {
  it('builds every component, then skips them all while their sources are unchanged', async () => {
    // A copy of this folder's own components (others' may be work in progress).
    const src = path.join(tmp, 'src-all');
    for (const n of NAMES) cpSync(path.join(COMPONENTS_SRC, n), path.join(src, n), { recursive: true });
    const out = path.join(tmp, 'out');
    const first = await buildAll(src, out);
    expect(first.map((r) => r.name)).toEqual(NAMES);
    expect(first.every((r) => r.built)).toBe(true);
    for (const r of first) {
      const bytes = readFileSync(r.path);
      expect([...bytes.subarray(0, 8)]).toEqual([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]); // a component
      expect(sha256Digest(bytes)).toBe(r.digest);
    }

    const second = await buildAll(src, out);
    expect(second.map((r) => [r.name, r.built, r.digest])).toEqual(first.map((r) => [r.name, false, r.digest]));
  });

  it('is deterministic: the same sources give the same bytes in another folder', async () => {
    const a = await buildComponentIfChanged(path.join(COMPONENTS_SRC, 'fibo_workflow'), path.join(tmp, 'a'));
    const b = await buildComponentIfChanged(path.join(COMPONENTS_SRC, 'fibo_workflow'), path.join(tmp, 'b'));
    expect(a.built && b.built).toBe(true);
    expect(b.digest).toBe(a.digest);
  });

  it('rebuilds a component when a source file changes, and when its output was tampered with', async () => {
    const src = path.join(tmp, 'src', 'fibo_activity');
    cpSync(path.join(COMPONENTS_SRC, 'fibo_activity'), src, { recursive: true });
    const out = path.join(tmp, 'out-changed');
    const first = await buildComponentIfChanged(src, out);
    expect((await buildComponentIfChanged(src, out)).built).toBe(false);

    const wat = path.join(src, 'component.wat');
    writeFileSync(wat, `${readFileSync(wat, 'utf8')}\n;; a comment changes the source hash\n`);
    const afterEdit = await buildComponentIfChanged(src, out);
    expect(afterEdit.built).toBe(true);
    expect(afterEdit.digest).toBe(first.digest); // a comment does not change the binary

    writeFileSync(first.path, 'not a component');
    const afterTamper = await buildComponentIfChanged(src, out);
    expect(afterTamper.built).toBe(true);
    expect(sha256Digest(readFileSync(first.path))).toBe(first.digest);
  });

  it('reports a WAT error naming the component and its files', async () => {
    const src = path.join(tmp, 'src', 'broken');
    cpSync(path.join(COMPONENTS_SRC, 'fibo_activity'), src, { recursive: true });
    writeFileSync(path.join(src, 'component.wat'), '(module (func (export "x") (result i32)))');
    const err = await buildComponentIfChanged(src, path.join(tmp, 'out-broken')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/cannot build component broken from .*component\.wat, .*world\.wit: /);
  });
});

describe('collectWitSource', () => {
  it('nests each dependency package after the root package', () => {
    const text = collectWitSource(path.join(COMPONENTS_SRC, 'fibo_workflow', 'wit'));
    expect(text.match(/^package template-fibo:workflow;/m)).not.toBeNull();
    for (const dep of ['obelisk:types@4.2.0', 'obelisk:workflow@5.1.0', 'template-fibo:activity', 'template-fibo:activity-obelisk-ext']) {
      expect(text).toContain(`package ${dep} {`);
    }
  });

  it('says what is missing when a folder has no WIT', () => {
    expect(() => collectWitSource(path.join(tmp, 'nowhere'))).toThrow(/WIT folder not found: expected a folder/);
  });
});

describe('componentize-js sources', () => {
  // Building one takes seconds (npm install builds the fixtures; test/js-components runs them), so
  // here only the dispatch is checked.
  it('a folder with component.js is a JS source; one with only component.ts is refused with a hint', async () => {
    const src = path.join(tmp, 'src-js');
    cpSync(path.join(COMPONENTS_SRC, 'fibo_activity', 'wit'), path.join(src, 'js_thing', 'wit'), { recursive: true });
    writeFileSync(path.join(src, 'js_thing', 'component.js'), 'export const fiboActivityIfc = { fibo: (n) => 0n };\n');
    expect(sourceKind(path.join(src, 'js_thing'))).toBe('js');
    cpSync(path.join(COMPONENTS_SRC, 'fibo_activity', 'wit'), path.join(src, 'ts_thing', 'wit'), { recursive: true });
    writeFileSync(path.join(src, 'ts_thing', 'component.ts'), 'export const fiboActivityIfc = { fibo: (n: number) => 0n };\n');
    await expect(buildComponent(path.join(src, 'ts_thing'), path.join(tmp, 'out-js'))).rejects.toThrow(/component.ts, and componentize-js takes JavaScript; expected component.js \(compile the TypeScript first\)/);
  });
});
