/** Finding a function in a jco instance: interfaces keyed with or without their version, functions in jco's camelCase. */
import { jsName } from './codec/names.js';

/** `ns:pkg/ifc@1.0.0` -> `ns:pkg/ifc`. */
export function unversioned(ifc: string): string {
  return ifc.replace(/@[^/]*$/, '');
}

/** The exported function `fn` (its WIT name) of interface `ifc`, or undefined. */
export function exportedFunction(instance: Record<string, unknown>, ifc: string, fn: string): ((...args: unknown[]) => unknown) | undefined {
  const exported = (instance[ifc] ?? instance[unversioned(ifc)]) as Record<string, unknown> | undefined;
  const f = exported?.[jsName(fn)];
  return typeof f === 'function' ? (f as (...args: unknown[]) => unknown) : undefined;
}
