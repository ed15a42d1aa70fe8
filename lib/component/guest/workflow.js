// `obelisk/workflow`: the guest-side helper for workflows written in JavaScript or TypeScript. It is
// bundled into the workflow when the workflow imports it (lib/component/source-build.ts), runs inside
// the component, and calls the host's `-bt` functions with a backtrace of the caller's own source
// lines, so each child submission, await and sleep is stored with `src/workflow.ts:42`-style frames.
//
// Values go to and come from the host in obelisk's JSON form (the one `obelisk execution submit`
// takes): integers beyond 2^53 are BigInts, results are {ok: v} / {err: e}. docs/authoring.md
// documents every function.
import * as ws from 'obelisk:workflow/workflow-support@5.1.0';

// ------------------------------------------------------------------ backtraces

const TABLE = Symbol.for('obelisk.sourceLines');

/**
 * The build appends the line table of the bundle after the last line of code:
 *   { file: 'workflow.js', sources: ['src/workflow.ts', …], helper: <index of this file or -1>,
 *     lines: [[genCol, sourceIndex, line, col, genCol, …] per generated line] }
 * Positions are 1-based lines and columns as a stack trace prints them.
 */
function table() {
  return globalThis[TABLE];
}

function locate(t, line, col) {
  const segs = t.lines[line - 1];
  if (!segs || segs.length === 0) return undefined;
  let at = 0;
  for (let i = 0; i < segs.length; i += 4) {
    if (segs[i] <= col) at = i;
    else break;
  }
  return { source: segs[at + 1], line: segs[at + 2], col: segs[at + 3] };
}

const FRAME = /^(.*)@(.*):(\d+):(\d+)$/;

/**
 * The current JavaScript stack as an `obelisk:types/backtrace.wasm-backtrace`, innermost first, in
 * the author's source files and lines (frames of this helper and of the component's glue are left
 * out). Undefined when no frame maps to a source file.
 */
export function backtrace() {
  const t = table();
  const stack = new Error('backtrace').stack ?? '';
  const frames = [];
  for (const text of stack.split('\n')) {
    const m = FRAME.exec(text.trim());
    if (!m) continue;
    const [, fn, file, line, col] = m;
    let symbol;
    if (t && file === t.file) {
      const at = locate(t, Number(line), Number(col));
      if (!at || at.source === t.helper || at.source < 0) continue;
      symbol = { funcName: fn || undefined, file: t.sources[at.source], line: at.line, col: at.col };
    } else if (!t && !file.includes('initializer.js')) {
      symbol = { funcName: fn || undefined, file, line: Number(line), col: Number(col) };
    } else {
      continue;
    }
    frames.push({ module: symbol.file, funcName: fn || '<anonymous>', symbols: [symbol] });
  }
  return frames.length > 0 ? { frames } : undefined;
}

// ------------------------------------------------------------------ JSON with big integers

/** JSON text → value; integers outside ±(2^53−1) become BigInts so u64 values stay exact. */
export function parseJson(text) {
  let i = 0;
  const fail = (what) => {
    throw new SyntaxError(`invalid JSON at ${i}: ${what} in ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`);
  };
  const ws_ = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const value = () => {
    ws_();
    const c = text[i];
    if (c === '{') {
      i++;
      const out = {};
      ws_();
      if (text[i] === '}') return i++, out;
      for (;;) {
        ws_();
        if (text[i] !== '"') fail('expected a key');
        const k = string();
        ws_();
        if (text[i++] !== ':') fail('expected :');
        out[k] = value();
        ws_();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return i++, out;
        else fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const out = [];
      ws_();
      if (text[i] === ']') return i++, out;
      for (;;) {
        out.push(value());
        ws_();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return i++, out;
        else fail('expected , or ]');
      }
    }
    if (c === '"') return string();
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m) {
      i += m[0].length;
      const n = Number(m[0]);
      return !m[1] && !m[2] && !Number.isSafeInteger(n) ? BigInt(m[0]) : n;
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, i)) return (i += word.length), v;
    }
    return fail('unexpected character');
  };
  const string = () => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const v = value();
  ws_();
  if (i < text.length) fail('trailing characters');
  return v;
}

/** value → JSON text; BigInts are written as plain integers. */
export function stringifyJson(value) {
  const marked = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `\u0000big:${v}` : v));
  return marked === undefined ? 'null' : marked.replace(/"\\u0000big:(-?\d+)"/g, '$1');
}

// ------------------------------------------------------------------ host calls

/** `ns:pkg/ifc.fn` → `{ interfaceName, functionName }`. */
function functionRef(ffqn) {
  const dot = typeof ffqn === 'string' ? ffqn.lastIndexOf('.') : -1;
  if (dot <= 0 || !ffqn.includes('/')) {
    throw new TypeError(`expected a function name such as template-fibo:activity/fibo-activity-ifc.fibo, got ${JSON.stringify(ffqn)}`);
  }
  return { interfaceName: ffqn.slice(0, dot), functionName: ffqn.slice(dot + 1) };
}

const UNITS = ['milliseconds', 'seconds', 'minutes', 'hours', 'days'];

/** A duration (milliseconds, or `{ seconds: 5 }` and the like) → `obelisk:types/time.duration`. */
function duration(d) {
  if (typeof d === 'number' || typeof d === 'bigint') {
    if (d < 0) throw new RangeError(`expected a duration of zero or more milliseconds, got ${d}`);
    return { tag: 'milliseconds', val: BigInt(d) };
  }
  const keys = d && typeof d === 'object' ? Object.keys(d) : [];
  if (keys.length !== 1 || !UNITS.includes(keys[0])) {
    throw new TypeError(`expected a duration in milliseconds or an object with one of ${UNITS.join(', ')}, got ${JSON.stringify(d)}`);
  }
  const unit = keys[0];
  return { tag: unit, val: unit === 'milliseconds' || unit === 'seconds' ? BigInt(d[unit]) : Number(d[unit]) };
}

function dateOf(datetime) {
  return new Date(Number(datetime.seconds) * 1000 + Math.floor(datetime.nanoseconds / 1e6));
}

function hostError(e) {
  return e && typeof e === 'object' && 'payload' in e ? e.payload : undefined;
}

function describe(payload) {
  if (!payload || typeof payload !== 'object') return String(payload);
  return payload.val === undefined ? payload.tag : `${payload.tag}: ${typeof payload.val === 'string' ? payload.val : JSON.stringify(payload.val)}`;
}

/** `result<option<string>, option<string>>` as the host gives it → `{ ok: value }` / `{ err: value }`. */
function resultOf(r) {
  const v = r.val === undefined ? null : parseJson(r.val);
  return r.tag === 'ok' ? { ok: v } : { err: v };
}

/** Thrown by `awaitNext` when every submission of the join set has been awaited. */
export class AllProcessedError extends Error {
  constructor(joinSetId) {
    super(`join set ${joinSetId} has nothing left to await: every submission was already awaited`);
    this.name = 'AllProcessedError';
  }
}

class JoinSet {
  constructor(handle) {
    this.handle = handle;
    this.id = handle.id();
  }

  /** Closes the join set: unfinished child workflows are awaited, activities and delays cancelled. */
  close() {
    ws.joinSetCloseBt(this.handle, backtrace());
  }
}

/** A new join set; with `name`, a named one (`n:<name>`, unique within the execution). */
export function createJoinSet(name) {
  const bt = backtrace();
  if (name === undefined) return new JoinSet(ws.joinSetCreateBt(bt));
  try {
    return new JoinSet(ws.joinSetCreateNamedBt(name, bt));
  } catch (e) {
    const p = hostError(e);
    if (p) throw new Error(`cannot create join set ${JSON.stringify(name)}: ${describe(p)}`);
    throw e;
  }
}

function submitConfig(options) {
  return options?.timeout === undefined ? undefined : { timeout: duration(options.timeout) };
}

/** Submits a child execution of `ffqn` with `params` (a JSON array) to `joinSet`; returns its id. */
export function submit(joinSet, ffqn, params, options) {
  const bt = backtrace();
  try {
    return ws.submitJsonBt(joinSet.handle, functionRef(ffqn), stringifyJson(params), submitConfig(options), bt).id;
  } catch (e) {
    const p = hostError(e);
    if (p) throw new Error(`cannot submit ${ffqn}(${stringifyJson(params)}): ${describe(p)}`);
    throw e;
  }
}

/** Adds a delay to `joinSet` that finishes after `after` (milliseconds or `{ seconds: 5 }`…); returns its id. */
export function submitDelay(joinSet, after) {
  return ws.submitDelayBt(joinSet.handle, { tag: 'in', val: duration(after) }, backtrace()).id;
}

/**
 * Waits for the next response in `joinSet`, in completion order: `{ kind: 'execution', id, result }`
 * with the child's result, or `{ kind: 'delay', id, result: { ok: null } }` (`{ err: null }` when the
 * delay was cancelled). A child that failed (trap, timeout…) gives `{ err: … }` as its parent sees it.
 */
export function awaitNext(joinSet) {
  let next;
  try {
    next = ws.joinNextBt(joinSet.handle, backtrace());
  } catch (e) {
    if (hostError(e)?.tag === 'all-processed') throw new AllProcessedError(joinSet.id);
    throw e;
  }
  const [responseId, outcome] = next;
  if (responseId.tag === 'delay-id') return { kind: 'delay', id: responseId.val.id, result: outcome.tag === 'ok' ? { ok: null } : { err: null } };
  const id = responseId.val.id;
  return { kind: 'execution', id, result: getResult(id) };
}

/** The result of a child execution already awaited in this execution: `{ ok: value }` / `{ err: value }`. */
export function getResult(executionId) {
  try {
    return resultOf(ws.getResultJsonBt({ id: executionId }, backtrace()));
  } catch (e) {
    const p = hostError(e);
    if (p) throw new Error(`no result for ${executionId}: ${describe(p)} (await it with awaitNext first)`);
    throw e;
  }
}

/** Calls `ffqn` as a child execution and waits for it (a one-off join set): `{ ok: value }` / `{ err: value }`. */
export function call(ffqn, params, options) {
  try {
    return resultOf(ws.callJson(functionRef(ffqn), stringifyJson(params), submitConfig(options), backtrace()));
  } catch (e) {
    const p = hostError(e);
    if (p) throw new Error(`cannot call ${ffqn}(${stringifyJson(params)}): ${describe(p)}`);
    throw e;
  }
}

/** Sleeps for `after` (milliseconds or `{ seconds: 5 }`…), durably; returns when it expired. */
export function sleep(after) {
  return sleepAt({ tag: 'in', val: duration(after) });
}

/** Sleeps until `when` (a Date or milliseconds since the epoch), durably. */
export function sleepUntil(when) {
  const ms = BigInt(typeof when === 'number' ? Math.floor(when) : when.getTime());
  return sleepAt({ tag: 'at', val: { seconds: ms / 1000n, nanoseconds: Number(ms % 1000n) * 1_000_000 } });
}

function sleepAt(scheduleAt) {
  try {
    return dateOf(ws.sleepBt(scheduleAt, backtrace()));
  } catch (e) {
    if (hostError(e) !== undefined || (e && typeof e === 'object' && 'payload' in e)) throw new Error('the sleep was cancelled');
    throw e;
  }
}

/** This execution's id. */
export function executionId() {
  return ws.executionIdCurrent().id;
}
