/**
 * What the component decoder builds: type nodes (a graph, since one type can be referenced from many
 * places) and the entities that fill a component's index spaces. A node's identity is its type's
 * identity: an `eq` bound, an alias or an export reuses the node, so naming a node once (when the
 * interface that defines it is imported or exported) names every use of it.
 */
import type { PrimitiveKind } from '../../model/wit-types.js';

/** Set on record, variant, enum, flags and resource nodes by the first interface that exports them. */
export interface Naming {
  name?: string;
  owner?: string;
}

export type TypeNode =
  | { t: 'prim'; kind: PrimitiveKind }
  | { t: 'list'; element: TypeNode }
  | { t: 'option'; some: TypeNode }
  | { t: 'result'; ok: TypeNode | null; err: TypeNode | null }
  | { t: 'tuple'; elements: TypeNode[] }
  | ({ t: 'record'; fields: { name: string; type: TypeNode }[] } & Naming)
  | ({ t: 'variant'; cases: { name: string; type: TypeNode | null }[] } & Naming)
  | ({ t: 'enum'; cases: string[] } & Naming)
  | ({ t: 'flags'; flags: string[] } & Naming)
  | ({ t: 'resource' } & Naming)
  | { t: 'own' | 'borrow'; resource: TypeNode }
  | FuncNode
  | InstanceTypeNode
  | ComponentTypeNode
  /** A type this reader does not model (stream, future, error-context, fixed-size list, …). */
  | { t: 'unsupported'; what: string };

export interface FuncNode {
  t: 'func';
  params: { name: string; type: TypeNode }[];
  result: TypeNode | null;
  /** Set when the function type itself cannot be modelled (several named results). */
  unsupported?: string;
}

export interface InstanceTypeNode {
  t: 'instance';
  exports: Map<string, Entity>;
}

export interface ComponentTypeNode {
  t: 'component';
  imports: Map<string, Entity>;
  exports: Map<string, Entity>;
}

export type NamedNode = Extract<TypeNode, Naming>;

export function isNameable(n: TypeNode): n is NamedNode {
  return n.t === 'record' || n.t === 'variant' || n.t === 'enum' || n.t === 'flags' || n.t === 'resource';
}

/** A component nested in the binary: decoded when instantiated, so its imports bind to the arguments. */
export interface NestedComponent {
  kind: 'nested';
  start: number;
  end: number;
  parent: Scope;
}

export type ComponentDef = NestedComponent | { kind: 'type'; type: ComponentTypeNode };

export type Entity =
  | { sort: 'type'; type: TypeNode }
  /** `type` undefined: the function's type could not be determined (see Scope.funcsUnknown). */
  | { sort: 'func'; type: FuncNode | undefined }
  | { sort: 'instance'; exports: Map<string, Entity> }
  | { sort: 'component'; def: ComponentDef }
  | { sort: 'value' }
  | { sort: 'module' };

/** The index spaces of one component, component type or instance type (core spaces are not tracked). */
export class Scope {
  readonly types: TypeNode[] = [];
  readonly funcs: (FuncNode | undefined)[] = [];
  readonly instances: Map<string, Entity>[] = [];
  readonly components: ComponentDef[] = [];
  values = 0;
  /** Set when a canon definition could not be decoded: later function indices are not known. */
  funcsUnknown = false;

  constructor(readonly parent?: Scope) {}

  /** `alias outer ct …`: 0 is this scope, 1 its parent, … */
  outer(count: number): Scope | undefined {
    let s: Scope | undefined = this;
    for (let i = 0; i < count && s; i++) s = s.parent;
    return s;
  }
}
