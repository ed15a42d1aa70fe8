/**
 * Bounds a core module's linear memory by rewriting the maximum of every memory it defines, so
 * runaway growth traps in the guest (`memory.grow` fails, the allocator aborts). Worker resource
 * limits do not bound wasm memory; this does. Imported memories are left alone: they are defined,
 * and capped, by the module that exports them.
 *
 * Invariant: only the memory section (id 5) changes; every other byte is copied as is.
 */
const PAGE = 65536;
const MEMORY_SECTION = 5;

function readU32(b: Uint8Array, at: number): [number, number] {
  let result = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const byte = b[i++]!;
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, i];
    shift += 7;
  }
}

function writeU32(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Returns the module with each defined memory's maximum set to at most `limitBytes`. */
export function capMemory(module: Uint8Array, limitBytes: number): Uint8Array {
  const maxPages = Math.max(1, Math.floor(limitBytes / PAGE));
  const parts: Uint8Array[] = [module.subarray(0, 8)];
  let at = 8;
  while (at < module.length) {
    const id = module[at]!;
    const [size, bodyAt] = readU32(module, at + 1);
    const end = bodyAt + size;
    if (id !== MEMORY_SECTION) {
      parts.push(module.subarray(at, end));
    } else {
      const body: number[] = [];
      let [count, p] = readU32(module, bodyAt);
      body.push(...writeU32(count));
      for (; count > 0; count--) {
        const flags = module[p++]!;
        if (flags & 0x04) throw new Error('64-bit memories are not supported by the memory cap');
        let min: number;
        [min, p] = readU32(module, p);
        let max = Number.POSITIVE_INFINITY;
        if (flags & 0x01) [max, p] = readU32(module, p);
        const capped = Math.min(max, Math.max(maxPages, min));
        body.push((flags | 0x01) & 0x03, ...writeU32(min), ...writeU32(capped));
      }
      parts.push(Uint8Array.from([MEMORY_SECTION, ...writeU32(body.length), ...body]));
    }
    at = end;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
