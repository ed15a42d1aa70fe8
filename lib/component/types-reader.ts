/**
 * The WIT types of a component's imported and exported functions, read from the binary itself
 * (./decode/), in the model of lib/model/wit-types.ts.
 *
 * Invariants:
 *   1. Named types carry the name and owning interface of their definition; `use`d types keep the
 *      interface that defines them; aliases are resolved to what they name.
 *   2. Nothing is rejected here. An exported function that cannot serve as a workflow or activity
 *      function (its return type is not one of the shapes in obelisk-compat.md §2, it sits outside an
 *      interface, or its type uses something this reader does not model) is listed in `unusable` with
 *      the reason, so `component list` can show it and the registry can explain a failed lookup,
 *      while the component's other functions stay usable. An imported function whose type cannot be
 *      read is listed there too; whoever links the component decides whether that matters.
 *   3. WASI interfaces are named in `wasiImports`, not typed: the host provides them whole.
 */
import { formatFfqn } from '../model/ffqn.js';
import { formatWitType, type WitFunction, type WitType } from '../model/wit-types.js';
import { decodeComponent } from './decode/decoder.js';
import type { Entity, FuncNode, TypeNode } from './decode/nodes.js';

export interface InterfaceTypes {
  /** `ns:pkg/ifc@ver` */
  name: string;
  functions: WitFunction[];
}

export interface UnusableFunction {
  /** `ns:pkg/ifc.fn`, or the bare name of a function exported outside any interface. */
  ffqn: string;
  direction: 'export' | 'import';
  reason: string;
}

export interface ComponentTypes {
  exports: InterfaceTypes[];
  /** Imported interfaces other than WASI, with the functions the component actually imports. */
  imports: InterfaceTypes[];
  /** Imported WASI interfaces, e.g. `wasi:random/random@0.2.3`. */
  wasiImports: string[];
  unusable: UnusableFunction[];
}

class Unsupported extends Error {}

function toWit(n: TypeNode): WitType {
  const named = (x: { name?: string; owner?: string }): { name?: string; owner?: string } => ({
    ...(x.name !== undefined ? { name: x.name } : {}),
    ...(x.owner !== undefined ? { owner: x.owner } : {}),
  });
  switch (n.t) {
    case 'prim':
      return { kind: n.kind };
    case 'list':
      return { kind: 'list', element: toWit(n.element) };
    case 'option':
      return { kind: 'option', some: toWit(n.some) };
    case 'result':
      return { kind: 'result', ok: n.ok ? toWit(n.ok) : null, err: n.err ? toWit(n.err) : null };
    case 'tuple':
      return { kind: 'tuple', elements: n.elements.map(toWit) };
    case 'record':
      return { kind: 'record', ...named(n), fields: n.fields.map((f) => ({ name: f.name, type: toWit(f.type) })) };
    case 'variant':
      return { kind: 'variant', ...named(n), cases: n.cases.map((c) => ({ name: c.name, type: c.type ? toWit(c.type) : null })) };
    case 'enum':
      return { kind: 'enum', ...named(n), cases: [...n.cases] };
    case 'flags':
      return { kind: 'flags', ...named(n), flags: [...n.flags] };
    case 'own':
    case 'borrow': {
      const r = n.resource;
      if (r.t !== 'resource') throw new Unsupported(`a handle to a non-resource type (${r.t})`);
      return { kind: n.t, resource: r.name ?? 'resource', ...(r.owner !== undefined ? { owner: r.owner } : {}) };
    }
    case 'unsupported':
      throw new Unsupported(`the type ${n.what}, which this engine does not support`);
    default:
      throw new Unsupported(`a ${n.t} type in value position`);
  }
}

function toWitFunction(name: string, fn: FuncNode | undefined): WitFunction {
  if (!fn) throw new Unsupported('its type could not be read (the component uses canonical built-ins this reader does not know)');
  if (fn.unsupported) throw new Unsupported(fn.unsupported);
  return {
    name,
    params: fn.params.map((p) => ({ name: p.name, type: toWit(p.type) })),
    result: fn.result ? toWit(fn.result) : null,
  };
}

/**
 * Why `fn` cannot be exported as a workflow or activity function, or undefined when it can: it must
 * return `result`, `result<T>`, `result<T, string>` or `result<T, E>` with E a variant that has an
 * `execution-failed` case (obelisk-compat.md §2).
 */
export function returnShapeProblem(fn: WitFunction): string | undefined {
  const r = fn.result;
  const expected = 'expected result, result<T>, result<T, string> or result<T, E> where E is a variant with an execution-failed case';
  if (!r) return `it returns nothing: ${expected}`;
  if (r.kind !== 'result') return `it returns ${formatWitType(r)}: ${expected}`;
  const err = r.err;
  if (!err || err.kind === 'string') return undefined;
  if (err.kind === 'variant' && err.cases.some((c) => c.name === 'execution-failed')) return undefined;
  return `its error type is ${formatWitType(err)}: ${expected}`;
}

function interfaceOf(
  ifc: string,
  exports: Map<string, Entity>,
  direction: 'export' | 'import',
  unusable: UnusableFunction[],
): InterfaceTypes {
  const functions: WitFunction[] = [];
  for (const [name, e] of exports) {
    if (e.sort !== 'func') continue;
    try {
      const fn = toWitFunction(name, e.type);
      functions.push(fn);
      const problem = direction === 'export' ? returnShapeProblem(fn) : undefined;
      if (problem) unusable.push({ ffqn: formatFfqn(ifc, name), direction, reason: problem });
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
      unusable.push({ ffqn: formatFfqn(ifc, name), direction, reason: `its type uses ${err.message}` });
    }
  }
  return { name: ifc, functions };
}

/** Reads the types of every imported and exported function of the component in `bytes`. */
export function readComponentTypes(bytes: Uint8Array): ComponentTypes {
  const decoded = decodeComponent(bytes);
  const out: ComponentTypes = { exports: [], imports: [], wasiImports: [], unusable: [] };
  for (const { name, entity } of decoded.imports) {
    if (entity.sort !== 'instance') continue;
    if (name.startsWith('wasi:')) out.wasiImports.push(name);
    else out.imports.push(interfaceOf(name, entity.exports, 'import', out.unusable));
  }
  for (const { name, entity } of decoded.exports) {
    if (entity.sort === 'instance') out.exports.push(interfaceOf(name, entity.exports, 'export', out.unusable));
    else if (entity.sort === 'func') {
      out.unusable.push({ ffqn: name, direction: 'export', reason: 'it is exported outside an interface: Obelisk calls only functions of exported interfaces' });
    }
  }
  return out;
}
