/**
 * Rebuilds WIT definitions for a component's exported interfaces from their types alone (when the
 * author's WIT is not at hand, only the binary): each exported interface with its functions, and
 * every named type they reach, defined in the interface that owns it. Owners that are not exported
 * become type-only interfaces. Host-owned types (`obelisk:*`) are left to the host packages.
 * Resources are written without methods: a binary's exports do not say what they are.
 */
import type { WitFunction, WitType } from '../../model/wit-types.js';
import type { WitInterfaceDef, WitTypeDef } from './build.js';
import { packageOf } from './print.js';

const HOST_PACKAGES = new Set(['obelisk:types@4.2.0', 'obelisk:workflow@5.1.0', 'obelisk:log@1.0.0']);

export function exportedInterfaceDefs(exported: { name: string; functions: WitFunction[] }[]): WitInterfaceDef[] {
  const defs = new Map<string, WitInterfaceDef>();
  const seen = new Set<string>();
  const defOf = (owner: string): WitInterfaceDef => {
    let d = defs.get(owner);
    if (!d) defs.set(owner, (d = { name: owner, types: [], functions: [] }));
    return d;
  };
  for (const e of exported) defOf(e.name).functions.push(...e.functions);

  // Defines a named type in its owner, once, after the named types it reaches. Anonymous or
  // ownerless types are left for the printer, which refuses them with a message naming the type.
  const define = (owner: string | undefined, name: string | undefined, build: () => WitTypeDef): void => {
    if (!name || !owner || HOST_PACKAGES.has(packageOf(owner))) return;
    const key = `${owner}#${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    const def = build();
    defOf(owner).types.push(def);
  };
  const visit = (t: WitType): void => {
    switch (t.kind) {
      case 'list': return visit(t.element);
      case 'option': return visit(t.some);
      case 'result':
        if (t.ok) visit(t.ok);
        if (t.err) visit(t.err);
        return;
      case 'tuple': return t.elements.forEach(visit);
      case 'own': case 'borrow':
        return define(t.owner, t.resource, () => ({ kind: 'resource', name: t.resource, owner: t.owner!, methods: [] }));
      case 'record': case 'variant': case 'enum': case 'flags':
        return define(t.owner, t.name, () => {
          if (t.kind === 'record') t.fields.forEach((f) => visit(f.type));
          if (t.kind === 'variant') t.cases.forEach((c) => c.type && visit(c.type));
          return t;
        });
      default:
        return;
    }
  };
  for (const e of exported) {
    for (const f of e.functions) {
      f.params.forEach((p) => visit(p.type));
      if (f.result) visit(f.result);
    }
  }
  return [...defs.values()];
}
