/**
 * Test helpers: build a tiny component from a WIT folder and a core module that imports every given
 * function, lowered by the canonical ABI. If a signature in our data disagrees with the WIT that
 * jco parsed (name, parameter count or core types), `componentNew` rejects the module.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { componentEmbed, componentNew, componentWit, parse } from '@bytecodealliance/jco';
import * as shimFs from '@bytecodealliance/preview2-shim/filesystem';
import type { WitFunction, WitType } from '../../lib/model/wit-types.js';

type Core = 'i32' | 'i64' | 'f32' | 'f64';

function joinCore(a: Core, b: Core): Core {
  if (a === b) return a;
  return (a === 'i32' || a === 'f32') && (b === 'i32' || b === 'f32') ? 'i32' : 'i64';
}

function flatCases(cases: (WitType | null)[]): Core[] {
  const joined: Core[] = [];
  for (const c of cases) {
    if (!c) continue;
    flat(c).forEach((t, i) => {
      joined[i] = i < joined.length ? joinCore(joined[i]!, t) : t;
    });
  }
  return ['i32', ...joined];
}

/** Canonical ABI flattening of one value type. */
export function flat(t: WitType): Core[] {
  switch (t.kind) {
    case 'u64': case 's64': return ['i64'];
    case 'f32': return ['f32'];
    case 'f64': return ['f64'];
    case 'string': case 'list': return ['i32', 'i32'];
    case 'record': return t.fields.flatMap((f) => flat(f.type));
    case 'tuple': return t.elements.flatMap(flat);
    case 'option': return flatCases([null, t.some]);
    case 'result': return flatCases([t.ok, t.err]);
    case 'variant': return flatCases(t.cases.map((c) => c.type));
    case 'flags': return Array.from({ length: Math.ceil(t.flags.length / 32) }, () => 'i32' as const);
    default: return ['i32']; // bool, small integers, char, enum, own, borrow
  }
}

/** The core signature of an imported (lowered) function. */
function lowered(f: WitFunction): { params: Core[]; results: Core[] } {
  let params = f.params.flatMap((p) => flat(p.type));
  if (params.length > 16) params = ['i32'];
  const results = f.result ? flat(f.result) : [];
  return results.length > 1 ? { params: [...params, 'i32'], results: [] } : { params, results };
}

export function importingModuleWat(interfaces: { name: string; functions: WitFunction[] }[]): string {
  const imports = interfaces.flatMap((ifc) => ifc.functions.map((f) => {
    const { params, results } = lowered(f);
    const sig = `${params.length ? ` (param ${params.join(' ')})` : ''}${results.length ? ` (result ${results.join(' ')})` : ''}`;
    return `  (import ${JSON.stringify(ifc.name)} ${JSON.stringify(f.name)} (func${sig}))`;
  }));
  return [
    '(module',
    ...imports,
    '  (memory (export "memory") 1)',
    '  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) unreachable)',
    ')',
  ].join('\n');
}

// jco's wasm-tools runs as a WASI guest that sees only preopened folders, and it reads the preopens
// once, at its first call: so one base folder is preopened up front and every test folder lives in it.
let base: Promise<string> | undefined;

export async function tempDir(): Promise<string> {
  base ??= mkdtemp(join(tmpdir(), 'obelisk-wit-')).then((dir) => {
    // TypeScript resolves this subpath to the browser typings; on Node it takes a host path.
    (shimFs._addPreopen as (guestPath: string, hostPath: string) => void)(dir, dir);
    return dir;
  });
  return mkdtemp(join(await base, 'case-'));
}

export async function removeTempDirs(): Promise<void> {
  if (base) await rm(await base, { recursive: true, force: true });
}

/**
 * Writes `world.wit` importing `interfaces` into `root` (made by tempDir; its `deps/` holds the packages), embeds it
 * into a core module importing every function, creates the component and returns its printed WIT.
 */
export async function buildImportingComponent(
  root: string,
  interfaces: { name: string; functions: WitFunction[] }[],
): Promise<string> {
  const world = `package test:importer;\n\nworld importer {\n${interfaces.map((i) => `    import ${i.name};\n`).join('')}}\n`;
  await writeFile(join(root, 'world.wit'), world);
  const core = await parse(importingModuleWat(interfaces));
  const embedded = await componentEmbed({ binary: core, witPath: root, world: 'importer' });
  return componentWit(await componentNew(embedded));
}
