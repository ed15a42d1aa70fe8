/**
 * Identifiers. Each carries its kind as a prefix and is parsed at the boundary, so a folder name
 * says what it is and where it comes from.
 *
 *   E_<ULID>                       top-level execution
 *   E_<ULID>.g:1_1                 child: parent id, `.`, join set id, `_`, 1-based submission index
 *   E_<ULID>.g:1_1.n:batch_3       nested child
 *   Delay_<ULID>.o:2-sleep_1       delay: the execution id without `E_`, then join set and index
 *   Run_<ULID>                     one lease of one execution
 *
 * Join set ids: `g:<n>` generated, `n:<name>` named (alphanumerics, `-`, `/`),
 * `o:<n>-<function, sleep or label>` one-off.
 *
 * Invariant: a string becomes an id only through a parse function here; an id never contains `..`,
 * and `executionDirName` turns the `/` a named join set may contain into `%2F`, so no id escapes
 * the folder it names.
 */
import { ulid } from 'ulid';
import type { Random } from './random.js';
import { InputError } from './errors.js';

declare const brand: unique symbol;
export type ExecutionId = string & { readonly [brand]: 'ExecutionId' };
export type DelayId = string & { readonly [brand]: 'DelayId' };
export type JoinSetId = string & { readonly [brand]: 'JoinSetId' };
export type RunId = string & { readonly [brand]: 'RunId' };

const ULID = '[0-9A-HJKMNP-TV-Z]{26}';
const JOIN_SET = '(?:g:[1-9][0-9]*|n:[A-Za-z0-9][A-Za-z0-9/-]*|o:[1-9][0-9]*-[A-Za-z0-9][A-Za-z0-9/-]*)';
const STEP = `\\.${JOIN_SET}_[1-9][0-9]*`;
const EXECUTION_ID = new RegExp(`^E_${ULID}(?:${STEP})*$`);
const DELAY_ID = new RegExp(`^Delay_${ULID}(?:${STEP})+$`);
const JOIN_SET_ID = new RegExp(`^${JOIN_SET}$`);
const RUN_ID = new RegExp(`^Run_${ULID}$`);
const JOIN_SET_NAME = /^[A-Za-z0-9][A-Za-z0-9/-]*$/;
const MAX_ID_LENGTH = 1024;

function check(text: string, re: RegExp, what: string, example: string): void {
  if (typeof text !== 'string' || text.length > MAX_ID_LENGTH || !re.test(text) || text.includes('..')) {
    throw new InputError(`invalid ${what}: expected something like ${example}, got ${JSON.stringify(text)}`);
  }
}

export function parseExecutionId(text: string): ExecutionId {
  check(text, EXECUTION_ID, 'execution id', 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F or E_01JD0Z3T6W7Y8X9A0B1C2D3E4F.g:1_2');
  return text as ExecutionId;
}
export function parseDelayId(text: string): DelayId {
  check(text, DELAY_ID, 'delay id', 'Delay_01JD0Z3T6W7Y8X9A0B1C2D3E4F.o:1-sleep_1');
  return text as DelayId;
}
export function parseJoinSetId(text: string): JoinSetId {
  check(text, JOIN_SET_ID, 'join set id', 'g:1, n:batch or o:2-fibo');
  return text as JoinSetId;
}
export function parseRunId(text: string): RunId {
  check(text, RUN_ID, 'run id', 'Run_01JD0Z3T6W7Y8X9A0B1C2D3E4F');
  return text as RunId;
}
export function isExecutionId(text: string): boolean {
  return typeof text === 'string' && text.length <= MAX_ID_LENGTH && EXECUTION_ID.test(text);
}

/** True when `name` may name a join set (alphanumerics, `-`, `/`). */
export function isValidJoinSetName(name: string): boolean {
  return JOIN_SET_NAME.test(name) && !name.includes('..') && name.length <= 128;
}

/** Numbers in [0, 1) from 4 bytes each; a ULID takes 16, drawn in one call (the same bytes as 16 calls of 4). */
function prng(random: Random): () => number {
  let b: Uint8Array = new Uint8Array(0);
  let i = 0;
  return () => {
    if (i >= b.length) {
      b = random.bytes(64);
      i = 0;
    }
    const v = ((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!;
    i += 4;
    return v / 2 ** 32;
  };
}

/** A ULID from the given time and randomness (both passed in, so tests and replay are reproducible). */
export function newUlid(nowMs: number, random: Random): string {
  return ulid(nowMs, prng(random));
}

export function newExecutionId(nowMs: number, random: Random): ExecutionId {
  return `E_${newUlid(nowMs, random)}` as ExecutionId;
}
export function newRunId(nowMs: number, random: Random): RunId {
  return `Run_${newUlid(nowMs, random)}` as RunId;
}

export function generatedJoinSetId(n: number): JoinSetId {
  return `g:${n}` as JoinSetId;
}
export function namedJoinSetId(name: string): JoinSetId {
  return `n:${name}` as JoinSetId;
}
export function oneOffJoinSetId(n: number, label: string): JoinSetId {
  return `o:${n}-${label}` as JoinSetId;
}

/** The id of the `index`-th (1-based) child submitted into `joinSet` by `parent`. */
export function childExecutionId(parent: ExecutionId, joinSet: JoinSetId, index: number): ExecutionId {
  return `${parent}.${joinSet}_${index}` as ExecutionId;
}
/** The id of the `index`-th (1-based) delay submitted into `joinSet` by `parent`. */
export function delayId(parent: ExecutionId, joinSet: JoinSetId, index: number): DelayId {
  return `Delay_${parent.slice(2)}.${joinSet}_${index}` as DelayId;
}

/** The parent of a child execution id, or undefined for a top-level one. */
export function parentOf(id: ExecutionId): { parent: ExecutionId; joinSetId: JoinSetId; index: number } | undefined {
  // Join set names hold neither `.` nor `_`: the last `_` starts the index, the last `.` before it the step.
  const underscore = id.lastIndexOf('_');
  const head = id.slice(0, underscore);
  const dot = head.lastIndexOf('.');
  if (dot < 0) return undefined;
  return {
    parent: head.slice(0, dot) as ExecutionId,
    joinSetId: head.slice(dot + 1) as JoinSetId,
    index: Number(id.slice(underscore + 1)),
  };
}

/** The execution that submitted a delay, and the join set it is in. */
export function delayOwner(id: DelayId): { execution: ExecutionId; joinSetId: JoinSetId } {
  const underscore = id.lastIndexOf('_');
  const head = id.slice('Delay_'.length, underscore);
  const dot = head.lastIndexOf('.');
  return { execution: `E_${head.slice(0, dot)}` as ExecutionId, joinSetId: head.slice(dot + 1) as JoinSetId };
}

/** The top-level execution an id descends from. */
export function rootOf(id: ExecutionId): ExecutionId {
  const dot = id.indexOf('.');
  return (dot < 0 ? id : id.slice(0, dot)) as ExecutionId;
}

/** The folder name of an execution: the id, with `/` (allowed in join set names) written `%2F`. */
export function executionDirName(id: ExecutionId): string {
  return id.replaceAll('/', '%2F');
}
/** Inverse of executionDirName; returns undefined for a name that is not an execution folder. */
export function executionIdFromDirName(name: string): ExecutionId | undefined {
  const id = name.replaceAll('%2F', '/');
  return isExecutionId(id) ? (id as ExecutionId) : undefined;
}
