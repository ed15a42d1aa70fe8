/** A short example of a type's JSON form, for "expected …, e.g. …" in error messages. */
import type { WitType } from '../../model/wit-types.js';

const MAX_DEPTH = 3;

export function exampleJson(type: WitType): string {
  return example(type, 0);
}

function example(t: WitType, depth: number): string {
  if (depth > MAX_DEPTH) return '…';
  const d = depth + 1;
  switch (t.kind) {
    case 'bool':
      return 'true';
    case 'u8': case 'u16': case 'u32': case 'u64':
    case 's8': case 's16': case 's32': case 's64':
      return '42';
    case 'f32': case 'f64':
      return '1.5';
    case 'char':
      return '"a"';
    case 'string':
      return '"text"';
    case 'list':
      return `[${example(t.element, d)}]`;
    case 'option':
      return t.some.kind === 'option' ? `{"some": ${example(t.some, d)}}` : example(t.some, depth);
    case 'result':
      return `{"ok": ${t.ok ? example(t.ok, d) : 'null'}}`;
    case 'tuple':
      return `[${t.elements.map((e) => example(e, d)).join(', ')}]`;
    case 'record':
      return `{${t.fields.map((f) => `"${f.name}": ${example(f.type, d)}`).join(', ')}}`;
    case 'variant': {
      const c = t.cases[0];
      if (!c) return '…';
      return c.type ? `{"${c.name}": ${example(c.type, d)}}` : `"${c.name}"`;
    }
    case 'enum':
      return `"${t.cases[0] ?? ''}"`;
    case 'flags':
      return `[${t.flags.slice(0, 2).map((f) => `"${f}"`).join(', ')}]`;
    case 'own':
    case 'borrow':
      return '…';
  }
}
