/** The `component list` text and JSON: each component's kind, digest and functions with WIT signatures. */
import type { RegisteredComponent } from '../../component/registry.js';
import type { InterfaceTypes } from '../../component/types-reader.js';
import { extensionInterfaces } from '../../component/extensions.js';
import { formatFfqn } from '../../model/ffqn.js';
import { formatWitFunction } from '../../model/wit-types.js';
import type { Style } from '../io.js';

export interface ComponentView {
  name: string;
  kind: string;
  digest: string;
  location: string;
  exports: FunctionView[];
  unusable: { ffqn: string; reason: string }[];
  imports?: FunctionView[];
  wasi_imports?: string[];
  extensions?: FunctionView[];
}

export interface FunctionView {
  ffqn: string;
  signature: string;
}

export function componentView(c: RegisteredComponent, usable: InterfaceTypes[], opts: { imports: boolean; extensions: boolean }): ComponentView {
  const fns = (ifcs: readonly InterfaceTypes[]): FunctionView[] =>
    ifcs.flatMap((ifc) => ifc.functions.map((f) => ({ ffqn: formatFfqn(ifc.name, f.name), signature: formatWitFunction(f) })));
  return {
    name: c.name, kind: c.kind, digest: c.digest, location: c.location,
    exports: fns(usable),
    unusable: c.types.unusable.filter((u) => u.direction === 'export').map((u) => ({ ffqn: u.ffqn, reason: u.reason })),
    ...(opts.imports ? {
      imports: fns(c.types.imports),
      wasi_imports: c.types.wasiImports,
    } : {}),
    ...(opts.extensions ? { extensions: fns(usable.flatMap((ifc) => extensionInterfaces(ifc, c.kind))) } : {}),
  };
}

export function componentText(v: ComponentView, s: Style): string {
  const lines = [`${s.bold(v.name)}  ${v.kind}  ${s.dim(v.digest)}`];
  const section = (title: string, rows: string[]) => {
    if (rows.length) lines.push(`  ${title}:`, ...rows.map((r) => `    ${r}`));
  };
  const fn = (f: FunctionView) => `${s.cyan(f.ffqn)}: ${f.signature}`;
  section('exports', v.exports.map(fn));
  if (!v.exports.length) lines.push('  exports: none usable');
  section('unusable exports', v.unusable.map((u) => `${u.ffqn}: ${s.yellow(u.reason)}`));
  if (v.imports) {
    section('imports', v.imports.map(fn));
    section('wasi imports', v.wasi_imports ?? []);
  }
  if (v.extensions) section('extensions', v.extensions.map(fn));
  return `${lines.join('\n')}\n`;
}
