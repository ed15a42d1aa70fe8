/**
 * The one config check that needs the components' types: no function may be exported by two
 * components (a call must have one target). Whoever loads the components (lib/executor) calls this
 * with each component's exported function names, before anything starts.
 */
import { ConfigError } from '../model/errors.js';
import type { ComponentConfig } from './types.js';

export interface ComponentExports {
  readonly component: ComponentConfig;
  /** Fully qualified names of the exported functions: `ns:pkg/ifc@ver.fn`. */
  readonly ffqns: readonly string[];
}

export function checkDistinctExports(configPath: string, all: readonly ComponentExports[]): void {
  const owner = new Map<string, ComponentConfig>();
  const clashes: string[] = [];
  for (const { component, ffqns } of all) {
    for (const ffqn of ffqns) {
      const first = owner.get(ffqn);
      if (first && first !== component) {
        clashes.push(`${ffqn} is exported by both ${first.keyPath} (${JSON.stringify(first.name)}) and ${component.keyPath} (${JSON.stringify(component.name)})`);
      } else {
        owner.set(ffqn, component);
      }
    }
  }
  if (clashes.length > 0) {
    throw new ConfigError(`invalid configuration ${configPath}: ${clashes.join('; ')}; expected each function to be exported by one component (remove one of them from the config)`);
  }
}
