/**
 * Reads the imports and exports of a component binary, with full types, by evaluating its type-level
 * structure: sections are walked in order, building the component-level index spaces (types,
 * functions, instances, components); nested components are decoded when instantiated, with their
 * imports bound to the instantiation arguments. Core modules and core definitions are skipped by size,
 * so a 12 MB component decodes as fast as a tiny one.
 *
 * Invariants:
 *   1. An exported instance's types come from the entities its definition exports, which (for the
 *      shim components wit-component emits) are the outer definitions passed in as arguments: so a
 *      type used from another interface is the same node as in that interface.
 *   2. Naming is first-come: when the root imports or exports an instance under an interface name,
 *      each record/variant/enum/flags/resource it exports that has no name yet gets the export name
 *      and that interface as owner. Interfaces define a type before `use`-ing it elsewhere, and an
 *      alias (`type a = b`) re-exports an already named node, so aliases resolve to the original.
 */
import { Cursor } from './cursor.js';
import {
  entityAt, pushEntity, readAlias, readDefType, readExternDesc, readExternName, readSort,
} from './deftypes.js';
import { type Entity, isNameable, type NestedComponent, Scope } from './nodes.js';

export interface DecodedComponent {
  imports: { name: string; entity: Entity }[];
  exports: { name: string; entity: Entity }[];
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

function readPreamble(c: Cursor): void {
  for (const b of MAGIC) if (c.u8() !== b) c.fail('missing the \\0asm magic number');
  c.u8();
  c.u8(); // version: not checked, the section grammar decides
  const layer = c.u8() | (c.u8() << 8);
  if (layer === 0) c.fail('this is a core WebAssembly module, not a component (expected layer 1)');
  if (layer !== 1) c.fail(`unknown layer ${layer}`);
}

/** Names the nameable types an interface instance exports that are still anonymous. */
function nameTypes(ifc: string, exports: Map<string, Entity>): void {
  for (const [name, e] of exports) {
    if (e.sort === 'type' && isNameable(e.type) && e.type.name === undefined) {
      e.type.name = name;
      e.type.owner = ifc;
    }
  }
}

function readCanon(c: Cursor, scope: Scope): void {
  // canonopts: some codes carry an index. False when a code is unknown (its size is then unknown).
  const readOpts = (): boolean => {
    const n = c.u32();
    for (let i = 0; i < n; i++) {
      const o = c.u8();
      if (o <= 0x02 || o === 0x06) continue;
      if (o === 0x03 || o === 0x04 || o === 0x05 || o === 0x07) c.u32();
      else return false;
    }
    return true;
  };
  const op = c.u8();
  switch (op) {
    case 0x00: {
      c.u8(); // func sort
      c.u32(); // core function
      if (!readOpts()) break;
      const type = scope.types[c.u32()];
      if (type?.t !== 'func') c.fail('canon lift with a type that is not a function type');
      scope.funcs.push(type);
      return;
    }
    case 0x01:
      c.u8();
      c.u32();
      if (!readOpts()) break;
      return; // lower: defines a core function
    case 0x02:
    case 0x03:
    case 0x04:
    case 0x07:
      c.u32(); // resource.new/drop/rep: core functions
      return;
    default:
      break;
  }
  // An async or threading built-in this reader does not know: the rest of the section cannot be
  // decoded, and any lift in it would shift function indices.
  scope.funcsUnknown = true;
  c.pos = c.end;
}

/** `instance`: 0x00 instantiates a component with arguments; 0x01 bundles existing definitions. */
function readInstance(c: Cursor, scope: Scope): Map<string, Entity> {
  const kind = c.u8();
  if (kind === 0x01) return readInlineExports(c, scope);
  if (kind !== 0x00) c.fail(`unknown instance definition 0x${kind.toString(16)}`);
  const def = scope.components[c.u32()] ?? c.fail('instantiation of an unknown component');
  const args = new Map<string, Entity>();
  const n = c.u32();
  for (let i = 0; i < n; i++) {
    const name = c.string();
    const sort = readSort(c);
    args.set(name, entityAt(c, scope, sort, c.u32()));
  }
  if (def.kind === 'type') return def.type.exports;
  return decodeNested(c.bytes, def, args).exports;
}

function readInlineExports(c: Cursor, scope: Scope): Map<string, Entity> {
  const exports = new Map<string, Entity>();
  const n = c.u32();
  for (let i = 0; i < n; i++) {
    const name = readExternName(c);
    const sort = readSort(c);
    exports.set(name, entityAt(c, scope, sort, c.u32()));
  }
  return exports;
}

function decodeSections(c: Cursor, scope: Scope, args: Map<string, Entity> | undefined, root: boolean): {
  imports: { name: string; entity: Entity }[];
  exports: Map<string, Entity>;
  exportList: { name: string; entity: Entity }[];
} {
  readPreamble(c);
  const imports: { name: string; entity: Entity }[] = [];
  const exportList: { name: string; entity: Entity }[] = [];
  const exports = new Map<string, Entity>();
  while (!c.eof) {
    const id = c.u8();
    const body = c.take(c.u32());
    switch (id) {
      case 4:
        scope.components.push({ kind: 'nested', start: body.pos, end: body.end, parent: scope });
        break;
      case 5:
        for (let n = body.u32(), i = 0; i < n; i++) scope.instances.push(readInstance(body, scope));
        break;
      case 6:
        for (let n = body.u32(), i = 0; i < n; i++) readAlias(body, scope);
        break;
      case 7:
        for (let n = body.u32(), i = 0; i < n; i++) scope.types.push(readDefType(body, scope));
        break;
      case 8:
        for (let n = body.u32(), i = 0; i < n && !body.eof; i++) readCanon(body, scope);
        break;
      case 10:
        for (let n = body.u32(), i = 0; i < n; i++) {
          const name = readExternName(body);
          const declared = readExternDesc(body, scope);
          const bound = args?.get(name);
          // Types, instances and components take the argument's identity; functions keep their
          // declared type, which refers to the (bound) type imports.
          const entity = bound && declared.sort !== 'func' ? bound : declared;
          if (root && entity.sort === 'instance') nameTypes(name, entity.exports);
          imports.push({ name, entity });
          pushEntity(scope, entity);
        }
        break;
      case 11:
        for (let n = body.u32(), i = 0; i < n; i++) {
          const name = readExternName(body);
          const sort = readSort(body);
          let entity = entityAt(body, scope, sort, body.u32());
          const ascribed = body.optional(() => readExternDesc(body, scope));
          if (ascribed?.sort === 'func' && entity.sort === 'func') entity = ascribed;
          if (root && entity.sort === 'instance') nameTypes(name, entity.exports);
          exports.set(name, entity);
          exportList.push({ name, entity });
          pushEntity(scope, entity);
        }
        break;
      default:
        // 0 custom, 1 core module, 2 core instance, 3 core type, 9 start, 12 value: nothing typed here.
        break;
    }
  }
  return { imports, exports, exportList };
}

function decodeNested(bytes: Uint8Array, def: NestedComponent, args: Map<string, Entity>): { exports: Map<string, Entity> } {
  return decodeSections(new Cursor(bytes, def.start, def.end), new Scope(def.parent), args, false);
}

/** The root component's imports and exports, in binary order, with their types. */
export function decodeComponent(bytes: Uint8Array): DecodedComponent {
  const { imports, exportList } = decodeSections(new Cursor(bytes), new Scope(), undefined, true);
  return { imports, exports: exportList };
}
