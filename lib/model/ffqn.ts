/**
 * Fully qualified function names: `namespace:package/interface[@semver].function`, split at the last
 * `.` (a function name never contains one). Parsed once, at the boundary.
 */
import { InputError } from './errors.js';

export interface Ffqn {
  /** `namespace:package/interface@version`, as WIT writes it. */
  readonly ifc: string;
  readonly fn: string;
  readonly namespace: string;
  readonly pkg: string;
  readonly ifcName: string;
  readonly version: string | undefined;
}

const WORD = '[a-z][a-z0-9]*(?:-[a-z0-9]+)*';
const IFC = new RegExp(`^(${WORD}):(${WORD}(?::${WORD})*)/(${WORD})(?:@([0-9A-Za-z.+-]+))?$`);
const FN = new RegExp(`^\\[?[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:\\]${WORD}(?:\\.${WORD})?)?$`);
const FN_PLAIN = new RegExp(`^${WORD}$`);

export function parseInterfaceName(text: string): Omit<Ffqn, 'fn'> {
  const m = IFC.exec(text);
  if (!m) throw new InputError(`invalid interface name: expected namespace:package/interface[@version], for example template-fibo:activity/fibo-activity-ifc, got ${JSON.stringify(text)}`);
  return { ifc: text, namespace: m[1]!, pkg: m[2]!, ifcName: m[3]!, version: m[4] };
}

export function parseFfqn(text: string): Ffqn {
  const dot = typeof text === 'string' ? text.lastIndexOf('.') : -1;
  const example = 'for example template-fibo:workflow/fibo-workflow-ifc.fiboa';
  if (dot <= 0) throw new InputError(`invalid function name: expected namespace:package/interface[@version].function, ${example}, got ${JSON.stringify(text)}`);
  const ifc = text.slice(0, dot);
  const fn = text.slice(dot + 1);
  // A version may contain dots (`@1.2.3`), so a dot inside the version is not the split point.
  if (!FN_PLAIN.test(fn) && !FN.test(fn)) {
    throw new InputError(`invalid function name ${JSON.stringify(fn)} in ${JSON.stringify(text)}: expected kebab-case, ${example}`);
  }
  return { ...parseInterfaceName(ifc), fn };
}

export function formatFfqn(ifc: string, fn: string): string {
  return `${ifc}.${fn}`;
}
