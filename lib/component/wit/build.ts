/**
 * Small constructors for WIT type values, so type definitions read close to the WIT they stand for:
 * `variant(TIME, 'schedule-at', { now: null, at: datetime, in: duration })`.
 */
import type { PrimitiveKind, WitFunction, WitType } from '../../model/wit-types.js';

export type RecordType = Extract<WitType, { kind: 'record' }>;
export type VariantType = Extract<WitType, { kind: 'variant' }>;
export type HandleType = Extract<WitType, { kind: 'own' | 'borrow' }>;

/** A resource definition; `methods` are instance methods, written without their implicit `self`. */
export interface WitResourceDef {
  kind: 'resource';
  name: string;
  owner: string;
  methods: WitFunction[];
}

/** A named type as an interface defines it. */
export type WitTypeDef = Extract<WitType, { kind: 'record' | 'variant' | 'enum' | 'flags' }> | WitResourceDef;

/** One interface as WIT source declares it: `name` is the full `ns:pkg/ifc@ver`. */
export interface WitInterfaceDef {
  name: string;
  types: WitTypeDef[];
  functions: WitFunction[];
}

export const prim = (kind: PrimitiveKind): WitType => ({ kind });
export const u16 = prim('u16');
export const u32 = prim('u32');
export const u64 = prim('u64');
export const string = prim('string');

export const option = (some: WitType): WitType => ({ kind: 'option', some });
export const list = (element: WitType): WitType => ({ kind: 'list', element });
export const tuple = (...elements: WitType[]): WitType => ({ kind: 'tuple', elements });
export const result = (ok: WitType | null = null, err: WitType | null = null): WitType => ({ kind: 'result', ok, err });

export function record(owner: string, name: string, fields: Record<string, WitType>): RecordType {
  return { kind: 'record', name, owner, fields: Object.entries(fields).map(([n, type]) => ({ name: n, type })) };
}

/** Cases map to their payload type, or `null` for a case without one. */
export function variant(owner: string, name: string, cases: Record<string, WitType | null>): VariantType {
  return { kind: 'variant', name, owner, cases: Object.entries(cases).map(([n, type]) => ({ name: n, type })) };
}

export function resource(owner: string, name: string, methods: WitFunction[]): WitResourceDef {
  return { kind: 'resource', name, owner, methods };
}

export const own = (owner: string, resource: string): HandleType => ({ kind: 'own', resource, owner });
export const borrow = (owner: string, resource: string): HandleType => ({ kind: 'borrow', resource, owner });

/** Parameters in declaration order (object keys keep insertion order). */
export function func(name: string, params: Record<string, WitType>, res: WitType | null = null): WitFunction {
  return { name, params: Object.entries(params).map(([n, type]) => ({ name: n, type })), result: res };
}
