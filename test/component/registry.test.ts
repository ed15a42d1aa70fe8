// The component registry: loads configured components, indexes their exported functions by FFQN,
// rejects a function exported twice, explains unusable exports, suggests close names.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComponentRegistry, type ComponentSpec, editDistance } from '../../lib/component/registry.js';
import { ConfigError } from '../../lib/model/errors.js';
import { parseFfqn } from '../../lib/model/ffqn.js';
import { testComponents } from './support/test-components.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'obelisk-registry-'));
const cacheDir = path.join(tmp, 'cache');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let specs: ComponentSpec[];
let registry: ComponentRegistry;

beforeAll(async () => {
  const p = await testComponents();
  specs = [
    { name: 'fibo_activity', kind: 'activity_wasm', location: p.fibo_activity! },
    { name: 'fibo_workflow', kind: 'workflow', location: p.fibo_workflow! },
    { name: 'all_types', kind: 'activity_stub', location: p.all_types! },
  ];
  registry = await ComponentRegistry.load(specs, { cacheDir });
});

const FIBO = 'template-fibo:activity/fibo-activity-ifc.fibo';
const FIBOA = 'template-fibo:workflow/fibo-workflow-ifc.fiboa';

describe('a registry of the test components', () => {
  it('finds each exported function with its component, interface and type', () => {
    const fibo = registry.find(FIBO)!;
    expect(fibo.component.name).toBe('fibo_activity');
    expect(fibo.component.kind).toBe('activity_wasm');
    expect(fibo.ifc).toBe('template-fibo:activity/fibo-activity-ifc');
    expect(fibo.fn).toEqual({ name: 'fibo', params: [{ name: 'n', type: { kind: 'u8' } }], result: { kind: 'result', ok: { kind: 'u64' }, err: null } });
    expect(registry.find(parseFfqn(FIBOA))?.component.name).toBe('fibo_workflow');
    expect(registry.find('template-fibo:workflow/fibo-workflow-ifc.nope')).toBeUndefined();
    expect(registry.functions().map((f) => f.ffqn)).toContain('obelisk-test:all-types/api@1.0.0.compound');
  });

  it('loads activity stubs for their types only, without transpiling', () => {
    const stub = registry.component('all_types')!;
    expect(stub.loaded).toBeUndefined();
    expect(stub.types.exports.length).toBe(2);
    expect(existsSync(path.join(cacheDir, 'transpiled', stub.digest.slice('sha256:'.length)))).toBe(false);
    expect(registry.component('fibo_workflow')!.loaded).toBeDefined();
    expect(registry.components().map((c) => c.name)).toEqual(['fibo_activity', 'fibo_workflow', 'all_types']);
  });

  it('does not find unusable exports, and says why they are unusable', () => {
    const ffqn = 'obelisk-test:all-types/api@1.0.0.plain-return';
    expect(registry.find(ffqn)).toBeUndefined();
    expect(registry.unusable(ffqn)).toMatchObject({ component: { name: 'all_types' }, reason: expect.stringMatching(/returns string/) });
    expect(registry.unusable(FIBO)).toBeUndefined();
  });

  it('suggests close names', () => {
    expect(registry.closest('template-fibo:workflow/fibo-workflow-ifc.fibo')[0]).toBe(FIBOA);
    expect(registry.closest('template-fibo:activity/fibo-activity-ifc.fib')[0]).toBe(FIBO);
    expect(registry.closest('zzz:zzz/zzz.zzz')).toEqual([]);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('configuration errors', () => {
  it('rejects two components exporting the same function, naming both and the function', async () => {
    const twice: ComponentSpec[] = [specs[0]!, { ...specs[0]!, name: 'fibo_again' }];
    const err = await ComponentRegistry.load(twice, { cacheDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(
      new RegExp(`function ${FIBO.replace(/[.]/g, '\\.')} is exported by two components, fibo_activity \\(activity_wasm, .*\\) and fibo_again \\(activity_wasm, .*\\)`),
    );
  });

  it('rejects a digest mismatch, naming the component and both digests', async () => {
    const wrong = `sha256:${'a'.repeat(64)}`;
    const err = await ComponentRegistry.load([{ ...specs[1]!, contentDigest: wrong }], { cacheDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^component fibo_workflow \(workflow\): component .*fibo_workflow\.wasm does not match its content_digest/);
    expect(msg).toContain(wrong);
    expect(msg).toContain(registry.component('fibo_workflow')!.digest);
  });

  it('rejects two components with the same name', async () => {
    await expect(ComponentRegistry.load([specs[0]!, { ...specs[1]!, name: 'fibo_activity' }], { cacheDir })).rejects.toThrow(
      /two components are named fibo_activity/,
    );
  });
});
