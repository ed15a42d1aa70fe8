/**
 * The executor's view of the configured components: what runs a function, and how. Built from the
 * configuration and the component registry (lib/executor/load.ts); tests may build one by hand.
 */
import type { ComponentConfig } from '../config/types.js';
import type { ImportedInterface } from '../runtime/host/imports.js';
import type { TargetInfo, Targets } from '../runtime/host/values.js';

export interface ExecutableComponent {
  readonly name: string;
  readonly digest: string;
  /** The component file and the transpile cache (a hot worker loads it from there). */
  readonly location: string;
  readonly cacheDir: string;
  readonly config: ComponentConfig;
  readonly imports: readonly ImportedInterface[];
  instantiate(imports: Record<string, object>): Promise<Record<string, unknown>>;
}

export interface CatalogEntry extends TargetInfo {
  component: ExecutableComponent;
  /** The exported interface, `ns:pkg/ifc@ver`. */
  ifc: string;
}

export interface Catalog extends Targets {
  resolve(ffqn: string): CatalogEntry | undefined;
  /** Configured function names closest to a misspelt one, best first. */
  closest(ffqn: string): string[];
  /** Every function as plain data (sent to workflow workers). */
  targetsRecord(): Record<string, TargetInfo>;
}
