/**
 * WIT generation: the host packages a workflow imports (`obelisk:types@4.2.0`, `obelisk:workflow@5.1.0`,
 * `obelisk:log@1.0.0`) and the extension packages derived from a component's exports. The host
 * definitions in ./wit/host-*.ts are the single source: the WIT text and `hostInterfaces()` (what the
 * runtime checks a component's imports against) are both printed from them.
 *
 * Files follow the wit/deps convention: one folder per package, `<ns>_<pkg>[@ver]/<ns>_<pkg>[@ver].wit`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WitFunction } from '../model/wit-types.js';
import { extensionInterfaces, type ComponentKind, type ExportedInterface } from './extensions.js';
import type { WitInterfaceDef } from './wit/build.js';
import { exportedInterfaceDefs } from './wit/exported.js';
import { LOG_INTERFACES, WORKFLOW_INTERFACES } from './wit/host-workflow.js';
import { TYPES_INTERFACES } from './wit/host-types.js';
import { packageOf, printPackage } from './wit/print.js';

export interface WitFile {
  /** Relative to the output folder, `/`-separated. */
  path: string;
  text: string;
}

const HOST_PACKAGES: WitInterfaceDef[][] = [TYPES_INTERFACES, WORKFLOW_INTERFACES, LOG_INTERFACES];

/** `template-fibo:activity-obelisk-ext@1.0.0` → `template-fibo_activity-obelisk-ext@1.0.0/…wit`. */
function packagePath(pkg: string): string {
  const base = pkg.replaceAll(':', '_');
  return `${base}/${base}.wit`;
}

function packageFile(defs: WitInterfaceDef[]): WitFile {
  return { path: packagePath(packageOf(defs[0]!.name)), text: printPackage(defs) };
}

export function hostWitPackages(): WitFile[] {
  return HOST_PACKAGES.map(packageFile);
}

/**
 * Every host interface with its functions as the component model names them: free functions by
 * name, resource methods as `[method]<resource>.<name>` with a leading `self: borrow<resource>`.
 * Interfaces that only define types are listed with no functions.
 */
export function hostInterfaces(): { name: string; functions: WitFunction[] }[] {
  return HOST_PACKAGES.flat().map((def) => ({
    name: def.name,
    functions: [
      ...def.types.flatMap((t) => (t.kind !== 'resource' ? [] : t.methods.map((m) => ({
        name: `[method]${t.name}.${m.name}`,
        params: [{ name: 'self', type: { kind: 'borrow' as const, resource: t.name, owner: t.owner } }, ...m.params],
        result: m.result,
      })))),
      ...def.functions,
    ],
  }));
}

/**
 * The `-obelisk-ext`, `-obelisk-schedule` (and for stubs `-obelisk-stub`) packages for a component's
 * exported interfaces; interfaces of one package share a file. Named types of the original
 * interfaces are brought in with `use`, so the original packages must sit next to these in wit/deps.
 */
export function extensionWitPackages(exported: ExportedInterface[], kind: ComponentKind): WitFile[] {
  const defs = exported.flatMap((e) => extensionInterfaces(e, kind))
    .map((ifc): WitInterfaceDef => ({ name: ifc.name, types: [], functions: ifc.functions }));
  return packageFiles(defs);
}

/**
 * The exported interfaces themselves, rebuilt from their types (see ./wit/exported.ts): what the
 * extension packages `use` when the author's original WIT is not at hand.
 */
export function exportedWitPackages(exported: ExportedInterface[]): WitFile[] {
  return packageFiles(exportedInterfaceDefs(exported));
}

function packageFiles(defs: WitInterfaceDef[]): WitFile[] {
  const byPackage = new Map<string, WitInterfaceDef[]>();
  for (const def of defs) {
    const pkg = packageOf(def.name);
    const group = byPackage.get(pkg);
    if (group) group.push(def);
    else byPackage.set(pkg, [def]);
  }
  return [...byPackage.values()].map(packageFile);
}

async function writeFiles(dir: string, files: WitFile[]): Promise<string[]> {
  const written: string[] = [];
  for (const f of files) {
    const path = join(dir, ...f.path.split('/'));
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, f.text);
    written.push(path);
  }
  return written;
}

/** Writes the host packages under `dir` (typically `wit/deps`); returns the paths written. */
export function writeHostWit(dir: string): Promise<string[]> {
  return writeFiles(dir, hostWitPackages());
}

/** Writes the rebuilt exported packages under `dir`; returns the paths written. */
export function writeExportedWit(exported: ExportedInterface[], dir: string): Promise<string[]> {
  return writeFiles(dir, exportedWitPackages(exported));
}

/** Writes the extension packages for `exported` under `dir`; returns the paths written. */
export function writeExtensionWit(exported: ExportedInterface[], kind: ComponentKind, dir: string): Promise<string[]> {
  return writeFiles(dir, extensionWitPackages(exported, kind));
}
