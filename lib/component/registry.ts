/**
 * Every configured component, loaded, with its exported functions indexed by FFQN.
 *
 * Invariants:
 *   1. A function (FFQN) is exported by at most one component; a second one is a ConfigError naming
 *      both components and the function.
 *   2. `find` returns only functions usable as workflow or activity functions (see
 *      types-reader.ts); `unusable` explains why any other exported function is not.
 *   3. An `activity_stub` is never run: only its types are read, it is not transpiled.
 */
import { ConfigError, UserError } from '../model/errors.js';
import { type Ffqn, formatFfqn } from '../model/ffqn.js';
import type { WitFunction } from '../model/wit-types.js';
import { type LoadedComponent, loadComponent, loadComponentTypes } from './loader.js';
import type { ComponentTypes, UnusableFunction } from './types-reader.js';

export type ComponentKind = 'activity_wasm' | 'activity_stub' | 'workflow';

/** What the registry needs from a configured component (lib/config's entries satisfy it). */
export interface ComponentSpec {
  readonly name: string;
  readonly kind: ComponentKind;
  /** The .wasm file. */
  readonly location: string;
  /** `sha256:<hex>`, checked against the file when given. */
  readonly contentDigest?: string;
  /** Set when `location` is a `.js`/`.ts` source: it is built into a component first (./source-build.ts). */
  readonly build?: { readonly wit: string; readonly world?: string };
}

export interface RegisteredComponent {
  readonly name: string;
  readonly kind: ComponentKind;
  readonly location: string;
  readonly digest: string;
  readonly types: ComponentTypes;
  /** Ready to instantiate; undefined for an `activity_stub`. */
  readonly loaded?: LoadedComponent;
}

export interface FunctionEntry {
  readonly component: RegisteredComponent;
  readonly fn: WitFunction;
  /** `ns:pkg/ifc@ver` */
  readonly ifc: string;
  readonly ffqn: string;
}

export class ComponentRegistry {
  private readonly byFfqn = new Map<string, FunctionEntry>();
  private readonly unusableByFfqn = new Map<string, UnusableFunction & { component: RegisteredComponent }>();
  private readonly byName = new Map<string, RegisteredComponent>();

  /** Indexes already loaded components (tests may build them from types alone). */
  constructor(private readonly list: readonly RegisteredComponent[]) {
    const owner = new Map<string, RegisteredComponent>();
    for (const c of list) {
      const prev = this.byName.get(c.name);
      if (prev) throw new ConfigError(`two components are named ${c.name} (${prev.location} and ${c.location}): expected unique names`);
      this.byName.set(c.name, c);
      const unusable = new Map(c.types.unusable.filter((u) => u.direction === 'export').map((u) => [u.ffqn, u]));
      for (const ifc of c.types.exports) {
        for (const fn of ifc.functions) {
          const ffqn = formatFfqn(ifc.name, fn.name);
          const other = owner.get(ffqn);
          if (other) {
            throw new ConfigError(
              `function ${ffqn} is exported by two components, ${other.name} (${other.kind}, ${other.location}) and ${c.name} (${c.kind}, ${c.location}): expected each function to come from one component; remove or change one of them`,
            );
          }
          owner.set(ffqn, c);
          const problem = unusable.get(ffqn);
          if (problem) this.unusableByFfqn.set(ffqn, { ...problem, component: c });
          else this.byFfqn.set(ffqn, { component: c, fn, ifc: ifc.name, ffqn });
        }
      }
      for (const u of unusable.values()) if (!owner.has(u.ffqn)) this.unusableByFfqn.set(u.ffqn, { ...u, component: c });
    }
  }

  /** Loads every component (activity stubs: types only), then indexes them. */
  static async load(specs: readonly ComponentSpec[], options: { cacheDir: string }): Promise<ComponentRegistry> {
    const loaded = await Promise.all(specs.map((spec) => loadOne(spec, options.cacheDir)));
    return new ComponentRegistry(loaded);
  }

  /** The usable exported function named `ffqn`, or undefined. */
  find(ffqn: string | Ffqn): FunctionEntry | undefined {
    return this.byFfqn.get(typeof ffqn === 'string' ? ffqn : formatFfqn(ffqn.ifc, ffqn.fn));
  }

  /** Why the exported function `ffqn` cannot be called, when it is exported but unusable. */
  unusable(ffqn: string | Ffqn): (UnusableFunction & { component: RegisteredComponent }) | undefined {
    return this.unusableByFfqn.get(typeof ffqn === 'string' ? ffqn : formatFfqn(ffqn.ifc, ffqn.fn));
  }

  components(): readonly RegisteredComponent[] {
    return this.list;
  }

  component(name: string): RegisteredComponent | undefined {
    return this.byName.get(name);
  }

  /** Every usable exported function, in component and export order. */
  functions(): FunctionEntry[] {
    return [...this.byFfqn.values()];
  }

  /** Up to `max` known FFQNs close to `ffqn`, best first, for "did you mean" messages. */
  closest(ffqn: string, max = 3): string[] {
    const wantedFn = ffqn.slice(ffqn.lastIndexOf('.') + 1);
    const scored = [...this.byFfqn.keys()].map((k) => {
      const fn = k.slice(k.lastIndexOf('.') + 1);
      // The function name weighs double: `…/fibo-workflow-ifc.fibo` should suggest `….fiboa`.
      return { k, d: editDistance(ffqn, k) + editDistance(wantedFn, fn) };
    });
    const limit = Math.max(3, Math.floor(ffqn.length / 2));
    return scored
      .filter((s) => s.d <= limit)
      .sort((a, b) => a.d - b.d || (a.k < b.k ? -1 : 1))
      .slice(0, max)
      .map((s) => s.k);
  }
}

async function loadOne(spec: ComponentSpec, cacheDir: string): Promise<RegisteredComponent> {
  try {
    // A source location is built first (cached); content_digest, checked by loadConfig, is the source's.
    // The toolchain (esbuild, componentize-js) is imported only for a source location: opening the
    // engine for built components (every tick, verify) does not pay for loading it.
    const file = spec.build
      ? await (await import('./source-build.js')).componentFile(spec, { cacheDir })
      : { path: spec.location, fromSource: false };
    const expectedDigest = file.fromSource ? undefined : spec.contentDigest;
    if (spec.kind === 'activity_stub') {
      const { location, digest, types } = await loadComponentTypes(file.path, expectedDigest);
      return { name: spec.name, kind: spec.kind, location, digest, types };
    }
    const loaded = await loadComponent(file.path, { cacheDir, expectedDigest });
    return { name: spec.name, kind: spec.kind, location: loaded.location, digest: loaded.digest, types: loaded.types, loaded };
  } catch (err) {
    if (err instanceof UserError) throw new ConfigError(`component ${spec.name} (${spec.kind}): ${err.message}`, { cause: err });
    throw err;
  }
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

