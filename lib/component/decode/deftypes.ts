/**
 * Decodes type definitions of the component binary format (component-model Binary.md, "Type
 * Definitions"): value types, function types, resource types, and instance and component types with
 * their declarations. Each definition becomes a node of ./nodes.ts, built in the given scope.
 *
 * Invariants:
 *   1. Every byte of a definition is consumed, also for the kinds not modelled (they become
 *      `unsupported` nodes), so decoding stays aligned with the binary.
 *   2. Instance and component types are evaluated when defined; an import of one uses that result.
 *      (Two imports of the same instance type would share their abstract resources; wit-component
 *      never emits that.)
 */
import type { PrimitiveKind } from '../../model/wit-types.js';
import type { Cursor } from './cursor.js';
import { type Entity, type FuncNode, Scope, type TypeNode } from './nodes.js';

const PRIMITIVES: Record<number, PrimitiveKind> = {
  0x7f: 'bool', 0x7e: 's8', 0x7d: 'u8', 0x7c: 's16', 0x7b: 'u16', 0x7a: 's32', 0x79: 'u32',
  0x78: 's64', 0x77: 'u64', 0x76: 'f32', 0x75: 'f64', 0x74: 'char', 0x73: 'string',
};

export type Sort = 'core' | 'func' | 'value' | 'type' | 'component' | 'instance';
const SORTS: Record<number, Sort> = { 0x01: 'func', 0x02: 'value', 0x03: 'type', 0x04: 'component', 0x05: 'instance' };

/** `sort`: 0x00 is followed by a core sort byte, which we skip: core index spaces are not tracked. */
export function readSort(c: Cursor): Sort {
  const b = c.u8();
  if (b === 0x00) {
    c.u8();
    return 'core';
  }
  return SORTS[b] ?? c.fail(`unknown sort 0x${b.toString(16)}`);
}

/** `importname'` / `exportname'`: 0x00 name, or 0x01 name + version suffix. */
export function readExternName(c: Cursor): string {
  const kind = c.u8();
  if (kind !== 0x00 && kind !== 0x01) c.fail(`unknown import/export name form 0x${kind.toString(16)}`);
  const name = c.string();
  if (kind === 0x01) c.string();
  return name;
}

export function typeAt(c: Cursor, scope: Scope, index: number): TypeNode {
  return scope.types[index] ?? c.fail(`type index ${index} out of range (${scope.types.length} types defined)`);
}

export function readValType(c: Cursor, scope: Scope): TypeNode {
  const b = c.peek();
  if (b >= 0x40 && b <= 0x7f) {
    c.u8();
    const kind = PRIMITIVES[b];
    if (kind) return { t: 'prim', kind };
    if (b === 0x64) return { t: 'unsupported', what: 'error-context' };
    return c.fail(`unknown value type 0x${b.toString(16)}`);
  }
  return typeAt(c, scope, c.u32());
}

function readDefValType(c: Cursor, scope: Scope): TypeNode {
  const b = c.peek();
  if (PRIMITIVES[b] || b === 0x64) return readValType(c, scope);
  c.u8();
  const val = (): TypeNode => readValType(c, scope);
  switch (b) {
    case 0x72:
      return { t: 'record', fields: c.vec(() => ({ name: c.string(), type: val() })) };
    case 0x71:
      return {
        t: 'variant',
        cases: c.vec(() => {
          const name = c.string();
          const type = c.optional(val) ?? null;
          c.optional(() => c.u32()); // the retired `refines` clause; always 0x00 today
          return { name, type };
        }),
      };
    case 0x70:
      return { t: 'list', element: val() };
    case 0x67:
      val();
      c.u32();
      return { t: 'unsupported', what: 'fixed-size list' };
    case 0x6f:
      return { t: 'tuple', elements: c.vec(val) };
    case 0x6e:
      return { t: 'flags', flags: c.vec(() => c.string()) };
    case 0x6d:
      return { t: 'enum', cases: c.vec(() => c.string()) };
    case 0x6b:
      return { t: 'option', some: val() };
    case 0x6a:
      return { t: 'result', ok: c.optional(val) ?? null, err: c.optional(val) ?? null };
    case 0x69:
    case 0x68:
      return { t: b === 0x69 ? 'own' : 'borrow', resource: typeAt(c, scope, c.u32()) };
    case 0x66:
    case 0x65:
      c.optional(val);
      return { t: 'unsupported', what: b === 0x66 ? 'stream' : 'future' };
    default:
      return c.fail(`unknown type definition 0x${b.toString(16)}`);
  }
}

function readFuncType(c: Cursor, scope: Scope): FuncNode {
  const params = c.vec(() => ({ name: c.string(), type: readValType(c, scope) }));
  const form = c.u8();
  if (form === 0x00) return { t: 'func', params, result: readValType(c, scope) };
  if (form !== 0x01) c.fail(`unknown function result form 0x${form.toString(16)}`);
  const named = c.vec(() => ({ name: c.string(), type: readValType(c, scope) }));
  const fn: FuncNode = { t: 'func', params, result: null };
  if (named.length > 0) fn.unsupported = `${named.length} named results (WIT functions have at most one result)`;
  return fn;
}

/** `deftype`: a value type, function, component, instance or resource type. */
export function readDefType(c: Cursor, scope: Scope): TypeNode {
  const b = c.peek();
  switch (b) {
    case 0x40:
    case 0x43: // async function: same shape
      c.u8();
      return readFuncType(c, scope);
    case 0x41:
      c.u8();
      return readDeclarations(c, scope, true);
    case 0x42:
      c.u8();
      return readDeclarations(c, scope, false);
    case 0x3f:
    case 0x3e: {
      c.u8();
      if (c.u8() !== 0x7f) c.fail('resource representation other than i32');
      c.optional(() => c.u32()); // destructor (a core function)
      if (b === 0x3e) c.optional(() => c.u32()); // async destructor callback
      return { t: 'resource' };
    }
    default:
      return readDefValType(c, scope);
  }
}

/** `externdesc`: what an import or export declaration says about the entity. */
export function readExternDesc(c: Cursor, scope: Scope): Entity {
  const kind = c.u8();
  switch (kind) {
    case 0x00:
      c.u8(); // 0x11: core module
      c.u32();
      return { sort: 'module' };
    case 0x01: {
      const type = typeAt(c, scope, c.u32());
      if (type.t !== 'func') c.fail('function import/export whose type is not a function type');
      return { sort: 'func', type };
    }
    case 0x02:
      return c.fail('value imports/exports are not supported');
    case 0x03: {
      const bound = c.u8();
      if (bound === 0x00) return { sort: 'type', type: typeAt(c, scope, c.u32()) };
      if (bound === 0x01) return { sort: 'type', type: { t: 'resource' } };
      return c.fail(`unknown type bound 0x${bound.toString(16)}`);
    }
    case 0x04: {
      const type = typeAt(c, scope, c.u32());
      if (type.t !== 'component') c.fail('component import/export whose type is not a component type');
      return { sort: 'component', def: { kind: 'type', type } };
    }
    case 0x05: {
      const type = typeAt(c, scope, c.u32());
      if (type.t !== 'instance') c.fail('instance import/export whose type is not an instance type');
      return { sort: 'instance', exports: type.exports };
    }
    default:
      return c.fail(`unknown extern description 0x${kind.toString(16)}`);
  }
}

/** Adds an entity to the index space of its sort (imports, exports and aliases all do this). */
export function pushEntity(scope: Scope, e: Entity): void {
  switch (e.sort) {
    case 'type':
      scope.types.push(e.type);
      break;
    case 'func':
      scope.funcs.push(e.type);
      break;
    case 'instance':
      scope.instances.push(e.exports);
      break;
    case 'component':
      scope.components.push(e.def);
      break;
    case 'value':
      scope.values++;
      break;
    case 'module':
      break;
  }
}

/** The entity `sort index` names in `scope`. */
export function entityAt(c: Cursor, scope: Scope, sort: Sort, index: number): Entity {
  switch (sort) {
    case 'type':
      return { sort, type: typeAt(c, scope, index) };
    case 'func':
      if (index >= scope.funcs.length && !scope.funcsUnknown) c.fail(`function index ${index} out of range`);
      return { sort, type: scope.funcs[index] };
    case 'instance':
      return { sort, exports: scope.instances[index] ?? c.fail(`instance index ${index} out of range`) };
    case 'component':
      return { sort, def: scope.components[index] ?? c.fail(`component index ${index} out of range`) };
    case 'value':
      return { sort };
    case 'core':
      return { sort: 'module' };
  }
}

/** `alias`: an export of an instance, or a definition of an enclosing scope. Core aliases are skipped. */
export function readAlias(c: Cursor, scope: Scope): void {
  const sort = readSort(c);
  const target = c.u8();
  if (target === 0x00) {
    const instance = c.u32();
    const name = c.string();
    if (sort === 'core') return;
    const exports = scope.instances[instance] ?? c.fail(`instance index ${instance} out of range`);
    const e = exports.get(name) ?? c.fail(`instance ${instance} has no export named ${JSON.stringify(name)}`);
    pushEntity(scope, sort === 'func' && e.sort !== 'func' ? c.fail(`export ${name} is not a function`) : e);
  } else if (target === 0x01) {
    c.u32();
    c.string();
    if (sort !== 'core') c.fail('core export alias of a non-core sort');
  } else if (target === 0x02) {
    const count = c.u32();
    const index = c.u32();
    if (sort === 'core') return;
    const outer = scope.outer(count) ?? c.fail(`outer alias ${count} levels up, past the outermost component`);
    pushEntity(scope, entityAt(c, outer, sort, index));
  } else {
    c.fail(`unknown alias target 0x${target.toString(16)}`);
  }
}

/** The body of an instance type (`0x42`) or component type (`0x41`), in a fresh scope. */
function readDeclarations(c: Cursor, parent: Scope, isComponent: boolean): TypeNode {
  const scope = new Scope(parent);
  const imports = new Map<string, Entity>();
  const exports = new Map<string, Entity>();
  const n = c.u32();
  for (let i = 0; i < n; i++) {
    const kind = c.u8();
    if (kind === 0x00) c.fail('core type declarations inside instance or component types are not supported');
    else if (kind === 0x01) scope.types.push(readDefType(c, scope));
    else if (kind === 0x02) readAlias(c, scope);
    else if (kind === 0x03 || kind === 0x04) {
      if (kind === 0x03 && !isComponent) c.fail('import declaration inside an instance type');
      const name = readExternName(c);
      const entity = readExternDesc(c, scope);
      (kind === 0x03 ? imports : exports).set(name, entity);
      pushEntity(scope, entity);
    } else c.fail(`unknown declaration 0x${kind.toString(16)}`);
  }
  return isComponent ? { t: 'component', imports, exports } : { t: 'instance', exports };
}
