/** Where jco's JS form of a type is not the obvious one: nested options and numeric lists. */
import type { WitType } from '../../model/wit-types.js';

/**
 * jco writes `option<T>` as `T | undefined` when no value of T can itself be undefined; otherwise
 * (T is such an option) as `{ tag: 'none' } | { tag: 'some', val }`. So `option<option<u32>>` is
 * tagged outside and nullable inside, and `option<option<option<u32>>>` is nullable, tagged,
 * nullable (jco's `as_nullable`).
 */
export function isNullableOption(t: WitType): boolean {
  return t.kind === 'option' && !isNullableOption(t.some);
}

type TypedArrayCtor =
  | Uint8ArrayConstructor | Int8ArrayConstructor | Uint16ArrayConstructor | Int16ArrayConstructor
  | Uint32ArrayConstructor | Int32ArrayConstructor | BigUint64ArrayConstructor | BigInt64ArrayConstructor
  | Float32ArrayConstructor | Float64ArrayConstructor;

/** jco lifts a list of these element kinds into a typed array (and lowers from one or an Array). */
const TYPED_ARRAYS: Partial<Record<WitType['kind'], TypedArrayCtor>> = {
  u8: Uint8Array, s8: Int8Array, u16: Uint16Array, s16: Int16Array, u32: Uint32Array, s32: Int32Array,
  u64: BigUint64Array, s64: BigInt64Array, f32: Float32Array, f64: Float64Array,
};

export function typedArrayFor(element: WitType): TypedArrayCtor | undefined {
  return TYPED_ARRAYS[element.kind];
}
