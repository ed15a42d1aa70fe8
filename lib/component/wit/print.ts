/**
 * Prints WIT source from the type model: packages of interfaces with their type definitions, `use`
 * statements and functions.
 *
 * Invariants:
 * 1. A named type used in an interface but owned by another is brought in by one `use`: by the short
 *    interface name when the owner is in the same package, fully qualified otherwise.
 * 2. Local names never clash: a used type whose name is already taken (by a local definition or an
 *    earlier `use`) is renamed with `as`, and every signature prints the local name.
 * 3. What WIT cannot express is refused with an InputError, never printed wrong: an anonymous
 *    record/variant/enum/flags, a named type whose owning interface is unknown.
 * 4. Identifiers that are WIT keywords are written with a `%` prefix.
 * 5. Output is deterministic: uses in first-seen order, definitions and functions in input order.
 */
import { InputError } from '../../model/errors.js';
import { parseInterfaceName } from '../../model/ffqn.js';
import type { WitFunction, WitType } from '../../model/wit-types.js';
import type { WitInterfaceDef, WitTypeDef } from './build.js';

// The keywords of the WIT grammar that jco's parser rejects as plain identifiers.
const KEYWORDS = new Set([
  'use', 'type', 'func', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'f32', 'f64', 'char', 'bool',
  'string', 'option', 'result', 'list', 'tuple', 'map', 'record', 'variant', 'enum', 'flags', 'resource', 'own',
  'borrow', 'future', 'stream', 'error-context', 'as', 'from', 'static', 'constructor', 'interface', 'world',
  'package', 'import', 'export', 'include', 'with', 'async',
]);

export function ident(name: string): string {
  return KEYWORDS.has(name) ? `%${name}` : name;
}

/** `ns:pkg@ver` (or `ns:pkg`) of the interface `ns:pkg/ifc@ver`. */
export function packageOf(ifc: string): string {
  const p = parseInterfaceName(ifc);
  return `${p.namespace}:${p.pkg}${p.version ? `@${p.version}` : ''}`;
}

/** The names an interface body refers to types by, and the `use` statements that bring them in. */
class Scope {
  private readonly local = new Map<string, string>();
  private readonly taken = new Set<string>();
  private readonly uses = new Map<string, string[]>();

  constructor(private readonly ifc: string, defs: WitTypeDef[]) {
    for (const d of defs) {
      if (!d.name) throw new InputError(`cannot write WIT for an anonymous ${d.kind} defined in ${ifc}: WIT names every ${d.kind}`);
      this.local.set(`${ifc}#${d.name}`, d.name);
      this.taken.add(d.name);
    }
  }

  nameOf(owner: string | undefined, name: string): string {
    if (!owner) {
      throw new InputError(`cannot write WIT for type ${JSON.stringify(name)}: the interface that defines it is unknown; expected an owner such as "obelisk:types/execution@4.2.0"`);
    }
    const key = `${owner}#${name}`;
    const known = this.local.get(key);
    if (known !== undefined) return known;
    if (owner === this.ifc) {
      throw new InputError(`cannot write WIT for type ${JSON.stringify(name)}: it claims to be defined in ${this.ifc}, which does not define it`);
    }
    let alias = name;
    for (let n = 1; this.taken.has(alias); n++) {
      alias = `${parseInterfaceName(owner).ifcName}-${name}${n > 1 ? `-${n}` : ''}`;
    }
    this.local.set(key, alias);
    this.taken.add(alias);
    const item = alias === name ? ident(name) : `${ident(name)} as ${ident(alias)}`;
    const items = this.uses.get(owner);
    if (items) items.push(item);
    else this.uses.set(owner, [item]);
    return alias;
  }

  useLines(): string[] {
    const pkg = packageOf(this.ifc);
    return [...this.uses].map(([owner, items]) => {
      const from = packageOf(owner) === pkg ? ident(parseInterfaceName(owner).ifcName) : owner;
      return `use ${from}.{${items.join(', ')}};`;
    });
  }
}

function typeText(t: WitType, scope: Scope): string {
  switch (t.kind) {
    case 'list':
      return `list<${typeText(t.element, scope)}>`;
    case 'option':
      return `option<${typeText(t.some, scope)}>`;
    case 'result':
      if (!t.ok && !t.err) return 'result';
      if (!t.err) return `result<${typeText(t.ok!, scope)}>`;
      return `result<${t.ok ? typeText(t.ok, scope) : '_'}, ${typeText(t.err, scope)}>`;
    case 'tuple':
      return `tuple<${t.elements.map((e) => typeText(e, scope)).join(', ')}>`;
    case 'record':
    case 'variant':
    case 'enum':
    case 'flags':
      if (!t.name) throw new InputError(`cannot write WIT for an anonymous ${t.kind}: WIT names every ${t.kind}, for example \`${t.kind} point { ... }\``);
      return ident(scope.nameOf(t.owner, t.name));
    case 'own':
      return ident(scope.nameOf(t.owner, t.resource));
    case 'borrow':
      return `borrow<${ident(scope.nameOf(t.owner, t.resource))}>`;
    default:
      return t.kind;
  }
}

function funcText(f: WitFunction, scope: Scope): string {
  const seen = new Set<string>();
  for (const p of f.params) {
    if (seen.has(p.name)) {
      throw new InputError(`cannot write WIT for ${f.name}: two parameters are named ${JSON.stringify(p.name)}; expected distinct names, for example func(join-set: borrow<join-set>, n: u8)`);
    }
    seen.add(p.name);
  }
  const params = f.params.map((p) => `${ident(p.name)}: ${typeText(p.type, scope)}`).join(', ');
  return `${ident(f.name)}: func(${params})${f.result ? ` -> ${typeText(f.result, scope)}` : ''};`;
}

function block(head: string, lines: string[]): string[] {
  return [`${head} {`, ...lines.map((l) => `    ${l}`), '}'];
}

function defLines(d: WitTypeDef, scope: Scope): string[] {
  const head = `${d.kind} ${ident(d.name!)}`;
  switch (d.kind) {
    case 'record':
      return block(head, d.fields.map((f) => `${ident(f.name)}: ${typeText(f.type, scope)},`));
    case 'variant':
      return block(head, d.cases.map((c) => `${ident(c.name)}${c.type ? `(${typeText(c.type, scope)})` : ''},`));
    case 'enum':
      return block(head, d.cases.map((c) => `${ident(c)},`));
    case 'flags':
      return block(head, d.flags.map((f) => `${ident(f)},`));
    case 'resource':
      return d.methods.length ? block(head, d.methods.map((m) => funcText(m, scope))) : [`${head};`];
  }
}

/** One interface's WIT source: `interface name { uses; types; functions }`. */
export function printInterface(def: WitInterfaceDef): string {
  const scope = new Scope(def.name, def.types);
  const sections = [
    ...def.types.map((d) => defLines(d, scope)),
    def.functions.map((f) => funcText(f, scope)),
  ].filter((s) => s.length > 0);
  const uses = scope.useLines();
  const body = [uses, ...sections].filter((s) => s.length > 0).flatMap((s, i) => (i ? ['', ...s] : s));
  return block(`interface ${ident(parseInterfaceName(def.name).ifcName)}`, body)
    .map((l) => l.trimEnd())
    .join('\n');
}

/** A whole package file. Every interface must belong to the same package. */
export function printPackage(defs: WitInterfaceDef[]): string {
  if (defs.length === 0) throw new InputError('cannot write an empty WIT package: expected at least one interface');
  const pkg = packageOf(defs[0]!.name);
  for (const d of defs) {
    if (packageOf(d.name) !== pkg) {
      throw new InputError(`cannot write interfaces of different packages into one file: expected every interface in ${pkg}, got ${d.name}`);
    }
  }
  return `package ${pkg};\n\n${defs.map(printInterface).join('\n\n')}\n`;
}
