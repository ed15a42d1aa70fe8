/**
 * Builds a tiny component that passes values of given WIT types through jco's real bindings:
 * for each type T it exports `passN: func(p: T) -> T`, whose core code calls the imported host
 * function `host.passN: func(p: T) -> T` with the same flat arguments and returns its result.
 * So a value goes JS → (jco lowers) → wasm → (jco lifts) → host JS → (lowers) → wasm → (lifts) → JS.
 *
 * Invariants:
 *  1. The core signatures follow the canonical ABI's flattening (at most 16 flat params, else one
 *     pointer; at most 1 flat result, else through memory: a return pointer the import writes to,
 *     which the export then returns).
 *  2. cabi_realloc is a bump allocator over growing memory; nothing is freed (a test runs few calls).
 */
import { componentEmbed, componentNew, parse, transpile } from '@bytecodealliance/jco';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WitType } from '../../lib/model/wit-types.js';

type Flat = 'i32' | 'i64' | 'f32' | 'f64';

function join2(a: Flat, b: Flat): Flat {
  if (a === b) return a;
  if ((a === 'i32' && b === 'f32') || (a === 'f32' && b === 'i32')) return 'i32';
  return 'i64';
}

function flatVariant(cases: (WitType | null)[]): Flat[] {
  const joined: Flat[] = [];
  for (const c of cases) {
    (c ? flatten(c) : []).forEach((f, i) => (joined[i] = i < joined.length ? join2(joined[i]!, f) : f));
  }
  return ['i32', ...joined];
}

export function flatten(t: WitType): Flat[] {
  switch (t.kind) {
    case 'u64': case 's64': return ['i64'];
    case 'f32': return ['f32'];
    case 'f64': return ['f64'];
    case 'string': case 'list': return ['i32', 'i32'];
    case 'record': return t.fields.flatMap((f) => flatten(f.type));
    case 'tuple': return t.elements.flatMap(flatten);
    case 'option': return flatVariant([null, t.some]);
    case 'result': return flatVariant([t.ok, t.err]);
    case 'variant': return flatVariant(t.cases.map((c) => c.type));
    case 'flags': return t.flags.length === 0 ? [] : ['i32'];
    default: return ['i32']; // bool, u8..s32, char, enum, own, borrow
  }
}

/** WIT source for the types: named kinds are declared in `types` as t0, t1, …; names are %-escaped. */
class WitWriter {
  readonly decls: string[] = [];
  readonly names: string[] = [];

  ref(t: WitType): string {
    switch (t.kind) {
      case 'list': return `list<${this.ref(t.element)}>`;
      case 'option': return `option<${this.ref(t.some)}>`;
      case 'tuple': return `tuple<${t.elements.map((e) => this.ref(e)).join(', ')}>`;
      case 'result':
        if (!t.ok && !t.err) return 'result';
        if (!t.err) return `result<${this.ref(t.ok!)}>`;
        return `result<${t.ok ? this.ref(t.ok) : '_'}, ${this.ref(t.err)}>`;
      case 'record': return this.declare('record', t.fields.map((f) => `%${f.name}: ${this.ref(f.type)}`));
      case 'variant': return this.declare('variant', t.cases.map((c) => (c.type ? `%${c.name}(${this.ref(c.type)})` : `%${c.name}`)));
      case 'enum': return this.declare('enum', t.cases.map((c) => `%${c}`));
      case 'flags': return this.declare('flags', t.flags.map((f) => `%${f}`));
      case 'own': case 'borrow': throw new Error('resources are not supported by this fixture');
      default: return t.kind;
    }
  }

  private declare(kind: string, body: string[]): string {
    const name = `t${this.names.length}`;
    this.names.push(name);
    this.decls.push(`  ${kind} ${name} { ${body.join(', ')} }`);
    return name;
  }
}

// The repo's tsconfig has no DOM lib, so the WebAssembly global is typed here as far as used.
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } }).WebAssembly;

const RET_AREA = 16;
const HEAP_START = 65536;

function coreModule(types: WitType[]): string {
  const parts: string[] = [];
  types.forEach((t, n) => {
    const flat = flatten(t);
    const params: Flat[] = flat.length > 16 ? ['i32'] : flat;
    const indirect = flat.length > 1;
    const importParams = indirect ? [...params, 'i32'] : params;
    const sig = (ps: string[], rs: string[]) => `${ps.length ? `(param ${ps.join(' ')})` : ''} ${rs.length ? `(result ${rs.join(' ')})` : ''}`;
    parts.push(`(import "test:codec/host" "pass${n}" (func $h${n} ${sig(importParams, indirect ? [] : flat)}))`);
    const body = [...params.map((_p, i) => `local.get ${i}`), ...(indirect ? [`i32.const ${RET_AREA}`] : []), `call $h${n}`, ...(indirect ? [`i32.const ${RET_AREA}`] : [])];
    parts.push(`(func (export "pass${n}") ${sig(params, indirect ? ['i32'] : flat)} ${body.join(' ')})`);
  });
  return `(module
  ${parts.filter((p) => p.startsWith('(import')).join('\n  ')}
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const ${HEAP_START}))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (local $ptr i32)
    (local.set $ptr (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
    (global.set $heap (i32.add (local.get $ptr) (local.get 3)))
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow (i32.sub (i32.add (i32.div_u (global.get $heap) (i32.const 65536)) (i32.const 1)) (memory.size))))))
    (local.get $ptr))
  ${parts.filter((p) => p.startsWith('(func')).join('\n  ')}
)`;
}

function witSource(types: WitType[]): string {
  const w = new WitWriter();
  const refs = types.map((t) => w.ref(t));
  const uses = w.names.length ? `  use types.{${w.names.join(', ')}};\n` : '';
  const funcs = refs.map((r, n) => `pass${n}: func(p: ${r}) -> ${r};`);
  return `package test:codec;
interface types {
${w.decls.join('\n')}
}
interface host {
${uses}${funcs.map((f) => `  ${f}`).join('\n')}
}
world passthrough {
${uses}  import host;
${funcs.map((f) => `  export ${f}`).join('\n')}
}
`;
}

export interface Passthrough {
  /** Calls export passN with a JS value; a top-level result comes back as { tag, val } as the runtime will re-wrap it. */
  call(n: number, js: unknown): unknown;
  /** The value the host import passN last received (as jco lifted it). */
  received(n: number): unknown;
}

/** Builds, transpiles and instantiates the pass-through component for `types`. */
export async function buildPassthrough(types: WitType[]): Promise<Passthrough> {
  const core = await parse(coreModule(types));
  const embedded = await componentEmbed({ binary: core, witSource: witSource(types), world: 'passthrough' });
  const component = await componentNew(embedded);
  const { files } = await transpile(component, { name: 'passthrough', instantiation: 'async' });
  const dir = await mkdtemp(join(tmpdir(), 'obelisk-codec-'));
  for (const [name, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), bytes);
  }
  const mod = (await import(pathToFileURL(join(dir, 'passthrough.js')).href)) as {
    instantiate(get: (p: string) => Promise<object>, imports: object): Promise<Record<string, (x: unknown) => unknown>>;
  };
  const received: unknown[] = [];
  const host = Object.fromEntries(types.map((t, n) => [`pass${n}`, (p: unknown) => {
    received[n] = p;
    if (t.kind !== 'result') return p;
    // jco passes a returned { tag, val } through only when the ok type cannot look like one
    // (not for result<result<…>>, result<option<result<…>>>, …); returning the ok value or
    // throwing an Error with .payload always works.
    const r = p as { tag: 'ok' | 'err'; val: unknown };
    if (r.tag === 'ok') return r.val;
    throw Object.assign(new Error('err'), { payload: r.val });
  }]));
  const exports = await mod.instantiate(
    async (p) => wasm.compile(await readFile(join(dir, p))),
    { 'test:codec/host': host, 'test:codec/types': {} },
  );
  // Everything is loaded by now; OBELISK_KEEP_JCO_OUTPUT=1 keeps the generated JS to read jco's code.
  if (!process.env.OBELISK_KEEP_JCO_OUTPUT) await rm(dir, { recursive: true, force: true });
  return {
    call(n, js) {
      const fn = exports[`pass${n}`]!;
      if (types[n]!.kind !== 'result') return fn(js);
      try {
        return { tag: 'ok', val: fn(js) };
      } catch (err) {
        if (err instanceof Error && 'payload' in err) return { tag: 'err', val: err.payload };
        throw err;
      }
    },
    received: (n) => received[n],
  };
}
