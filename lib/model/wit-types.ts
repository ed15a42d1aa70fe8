/**
 * The WIT type of a value, as the engine reads it from a component binary. Named types (records,
 * variants, enums, flags, resources) keep their WIT name and, where known, the interface that defines
 * them (`owner`, e.g. `obelisk:types/execution@4.2.0`), so messages and `component list` can show the
 * name and generated WIT can `use` it; aliases are resolved away. The JSON codec, the runtime and the
 * CLI all work from this model.
 */
export type PrimitiveKind =
  | 'bool' | 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64' | 'f32' | 'f64' | 'char' | 'string';

export const PRIMITIVE_KINDS: readonly PrimitiveKind[] = [
  'bool', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'f32', 'f64', 'char', 'string',
];

export type WitType =
  | { kind: PrimitiveKind }
  | { kind: 'list'; element: WitType }
  | { kind: 'option'; some: WitType }
  | { kind: 'result'; ok: WitType | null; err: WitType | null }
  | { kind: 'tuple'; elements: WitType[] }
  | { kind: 'record'; name?: string; owner?: string; fields: { name: string; type: WitType }[] }
  | { kind: 'variant'; name?: string; owner?: string; cases: { name: string; type: WitType | null }[] }
  | { kind: 'enum'; name?: string; owner?: string; cases: string[] }
  | { kind: 'flags'; name?: string; owner?: string; flags: string[] }
  | { kind: 'own' | 'borrow'; resource: string; owner?: string };

export interface WitParam {
  name: string;
  type: WitType;
}

export interface WitFunction {
  name: string;
  params: WitParam[];
  result: WitType | null;
}

/** The type as WIT source writes it; named types print their name. */
export function formatWitType(t: WitType): string {
  switch (t.kind) {
    case 'list':
      return `list<${formatWitType(t.element)}>`;
    case 'option':
      return `option<${formatWitType(t.some)}>`;
    case 'result':
      if (!t.ok && !t.err) return 'result';
      if (!t.err) return `result<${formatWitType(t.ok!)}>`;
      return `result<${t.ok ? formatWitType(t.ok) : '_'}, ${formatWitType(t.err)}>`;
    case 'tuple':
      return `tuple<${t.elements.map(formatWitType).join(', ')}>`;
    case 'record':
      return t.name ?? `record { ${t.fields.map((f) => `${f.name}: ${formatWitType(f.type)}`).join(', ')} }`;
    case 'variant':
      return t.name ?? `variant { ${t.cases.map((c) => (c.type ? `${c.name}(${formatWitType(c.type)})` : c.name)).join(', ')} }`;
    case 'enum':
      return t.name ?? `enum { ${t.cases.join(', ')} }`;
    case 'flags':
      return t.name ?? `flags { ${t.flags.join(', ')} }`;
    case 'own':
      return t.resource;
    case 'borrow':
      return `borrow<${t.resource}>`;
    default:
      return t.kind;
  }
}

/** `func(n: u8) -> result<u64>` */
export function formatWitFunction(f: WitFunction): string {
  const params = f.params.map((p) => `${p.name}: ${formatWitType(p.type)}`).join(', ');
  return `func(${params})${f.result ? ` -> ${formatWitType(f.result)}` : ''}`;
}
