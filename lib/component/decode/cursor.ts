/** A forward reader over WebAssembly binary data: bytes, LEB128 integers, length-prefixed strings. */
import { InputError } from '../../model/errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class Cursor {
  pos: number;

  constructor(readonly bytes: Uint8Array, start = 0, readonly end = bytes.length) {
    this.pos = start;
  }

  get eof(): boolean {
    return this.pos >= this.end;
  }

  fail(what: string): never {
    throw new InputError(`not a valid WebAssembly component: ${what} at byte offset ${this.pos}`);
  }

  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected end of data');
    return this.bytes[this.pos++]!;
  }

  peek(): number {
    if (this.pos >= this.end) this.fail('unexpected end of data');
    return this.bytes[this.pos]!;
  }

  /** Unsigned LEB128, at most 32 bits. */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) this.fail('integer longer than 32 bits');
    }
    if (result > 0xffffffff) this.fail('integer larger than 32 bits');
    return result;
  }

  /** A sub-cursor over the next `n` bytes; this cursor moves past them. */
  take(n: number): Cursor {
    if (this.pos + n > this.end) this.fail(`section of ${n} bytes runs past the end`);
    const sub = new Cursor(this.bytes, this.pos, this.pos + n);
    this.pos += n;
    return sub;
  }

  string(): string {
    const n = this.u32();
    const sub = this.take(n);
    try {
      return utf8.decode(this.bytes.subarray(sub.pos, sub.end));
    } catch {
      return this.fail('name is not UTF-8');
    }
  }

  vec<T>(item: () => T): T[] {
    const n = this.u32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item());
    return out;
  }

  /** `T?` in the binary grammar: 0x00 absent, 0x01 present. */
  optional<T>(item: () => T): T | undefined {
    const flag = this.u8();
    if (flag === 0) return undefined;
    if (flag !== 1) this.fail(`expected 0x00 or 0x01 for an optional value, got 0x${flag.toString(16)}`);
    return item();
  }
}
