import { describe, expect, it } from 'vitest';
import { parse } from '@bytecodealliance/jco';
import { capMemory } from '../../lib/component/memory-cap.js';

const WAT = `(module
  (memory (export "memory") 1)
  (global (mut i32) (i32.const 0))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;

async function instance(bytes: Uint8Array) {
  const { instance } = await WebAssembly.instantiate(bytes);
  return instance.exports as { grow(n: number): number; memory: WebAssembly.Memory };
}

describe('memory cap', () => {
  it('lets growth under the cap succeed and refuses growth past it', async () => {
    const core = await parse(WAT);
    const uncapped = await instance(core);
    expect(uncapped.grow(100)).toBe(1); // 1 page before, 101 after: nothing stops it

    const capped = await instance(capMemory(core, 4 * 65536));
    expect(capped.grow(2)).toBe(1); // 3 pages: under the cap of 4
    expect(capped.grow(2)).toBe(-1); // 5 pages: refused
    expect(capped.grow(1)).toBe(3); // exactly 4: allowed
    expect(capped.memory.buffer.byteLength).toBe(4 * 65536);
  });

  it('never lowers a maximum that is already smaller, nor the minimum', async () => {
    const core = await parse(WAT.replace('(memory (export "memory") 1)', '(memory (export "memory") 3 5)'));
    const capped = await instance(capMemory(core, 64 * 65536));
    expect(capped.memory.buffer.byteLength).toBe(3 * 65536);
    expect(capped.grow(3)).toBe(-1); // the module's own maximum of 5 stays
    const tight = await instance(capMemory(core, 65536));
    expect(tight.memory.buffer.byteLength).toBe(3 * 65536); // a cap below the minimum keeps the minimum
  });
});
