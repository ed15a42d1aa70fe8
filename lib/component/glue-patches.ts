/**
 * Patches applied once to jco's generated glue when it is cached (./transpile-cache.ts).
 *
 * 1. Debug flag: the glue reads `process.env.JCO_DEBUG` on every crossing; it is read once instead.
 * 2. No stderr print when an import is missing (the glue still throws, and the loader names it).
 * 3. Renew: jco's `instantiate` first builds its helpers (about 90 µs for a tiny component, and the
 *    new classes make a fresh instance's first call another 100 µs slower), then runs an init
 *    generator that instantiates the core modules and wraps their exports. The patch makes that
 *    generator re-runnable: an instance carries, under RENEW, a function that resets the helpers'
 *    per-store bookkeeping and runs the generator again. What it returns is a new component
 *    instance: new core instances (fresh linear memory, globals and tables), new resource handle
 *    tables, the same import object. Callers renew only an instance whose last call ended cleanly;
 *    the instance also carries a function that drops the helpers' references to it (its memory), so
 *    that only the renew function need be kept between runs.
 * 4. No JSPI: for every export the init generator tries `WebAssembly.promising(...)` and catches the
 *    TypeError Node 20 throws. V8 words that error by re-parsing the enclosing function, the whole
 *    generator: about 0.3 ms per instantiation of a small workflow. The patch calls a helper that
 *    throws one prepared error instead; with JSPI present it calls `WebAssembly.promising` as before.
 *
 * Invariants:
 *   1. Each patch is applied only where its pattern is found; the counts are recorded, and a glue
 *      without the renew patch still works (instantiated whole every time).
 *   2. A renewed instance shares no guest state with the one it came from: everything the guest can
 *      reach (core instances, handle tables, resource finalizers) is made by the generator; a glue
 *      that declares any of it before the generator is not made renewable.
 */

/** The properties of a (patched) instance that make the next one and let go of it; see takeRenewer. */
const RENEW = Symbol.for('obelisk.renew');
const RELEASE = Symbol.for('obelisk.release');

const DEBUG_READ = 'if (!globalThis?.process?.env?.JCO_DEBUG) { return; }';
const DEBUG_PRINT = /console\.error\("ERROR:", err\.toString\(\)\);/g;

const GEN_START = 'let gen= (function* _initGenerator () {';
const GEN_END = /\}\)\(\);\n(\s*)let promise, resolve, reject;/;
const RETURN = /const maybeSyncReturn = runNext\(null\);\n\s*return promise \|\| maybeSyncReturn;/;
/** Guest-reachable state jco declares per instance; renewable only if all of it is inside the generator. */
const PER_INSTANCE = /\b(handleTable|captureTable|captureCnt|finalizationRegistry)\d+\s*=/;

/**
 * The helpers' state that one instance's calls leave behind (jco 1.35 names): cleared before a
 * renew, each only if this glue declares it. A call that ended cleanly leaves these empty anyway;
 * clearing them makes the renewed instance start exactly as a fresh one does.
 */
const RESET = `
  function _obeliskReset() {
    for (const m of [
      typeof ASYNC_STATE === 'undefined' ? undefined : ASYNC_STATE,
      typeof ASYNC_TASKS_BY_COMPONENT_IDX === 'undefined' ? undefined : ASYNC_TASKS_BY_COMPONENT_IDX,
      typeof RESOURCE_SCOPE_TASKS === 'undefined' ? undefined : RESOURCE_SCOPE_TASKS,
      typeof INSTANCE_FLAGS === 'undefined' ? undefined : INSTANCE_FLAGS,
      typeof GLOBAL_COMPONENT_MEMORY_MAP === 'undefined' ? undefined : GLOBAL_COMPONENT_MEMORY_MAP,
    ]) m?.clear();
    for (const a of [
      typeof ASYNC_CURRENT_TASK_IDS === 'undefined' ? undefined : ASYNC_CURRENT_TASK_IDS,
      typeof ASYNC_CURRENT_COMPONENT_IDXS === 'undefined' ? undefined : ASYNC_CURRENT_COMPONENT_IDXS,
      typeof HANDLE_TABLES === 'undefined' ? undefined : HANDLE_TABLES,
    ]) if (a) a.length = 0;
    if (typeof curResourceBorrows !== 'undefined') curResourceBorrows.length = 0;
    if (typeof CURRENT_TASK_META !== 'undefined') for (const k of Object.keys(CURRENT_TASK_META)) delete CURRENT_TASK_META[k];
    if (typeof STORE_TRAP !== 'undefined') STORE_TRAP.error = null;
    if (typeof STORE_ASYNC_STATE !== 'undefined') {
      if (STORE_ASYNC_STATE.deadlockCheck !== null) clearTimeout(STORE_ASYNC_STATE.deadlockCheck);
      STORE_ASYNC_STATE.deadlockCheck = null;
      STORE_ASYNC_STATE.pendingHostOperations = 0;
    }
    if (typeof CURRENT_TASK_MAY_BLOCK === 'object' && CURRENT_TASK_MAY_BLOCK) CURRENT_TASK_MAY_BLOCK.value = 0;
    if (typeof dv !== 'undefined') dv = new DataView(new ArrayBuffer(0));
  }
  function _obeliskMark(instance) {
    Object.defineProperty(instance, Symbol.for('obelisk.renew'), { value: _obeliskRenew });
    Object.defineProperty(instance, Symbol.for('obelisk.release'), { value: _obeliskReset });
    return instance;
  }
  function _obeliskRenew() {
    _obeliskReset();
    const g = _obeliskInit();
    let value = null, done = false;
    while (!done) {
      ({ value, done } = g.next(value));
      if (value instanceof Promise) throw new Error('renewing a jco instance went asynchronous; instantiate it whole');
    }
    return _obeliskMark(value);
  }`;

const PROMISING = /WebAssembly\.promising\(/g;
const PROMISING_HELPER = `const _obeliskNoJspi = new TypeError('WebAssembly.promising is not available');
const _obeliskPromising = typeof WebAssembly.promising === 'function' ? (f) => WebAssembly.promising(f) : () => { throw _obeliskNoJspi; };
`;

export interface PatchedGlue {
  js: string;
  /** How many debug-flag reads were replaced (0: the pattern was not found; calls are slower). */
  debugReadsPatched: number;
  /** Whether instances of this glue can be renewed (patch 3). */
  renewable: boolean;
  /** How many `WebAssembly.promising` calls go through the helper (patch 4). */
  promisingPatched: number;
}

/** jco's glue with the patches of the banner applied. */
export function patchGlue(js: string): PatchedGlue {
  const parts = js.split(DEBUG_READ);
  const debugReadsPatched = parts.length - 1;
  let out = parts.join('if (!JCO_DEBUG_ONCE) { return; }');
  if (debugReadsPatched > 0) out = `const JCO_DEBUG_ONCE = Boolean(globalThis?.process?.env?.JCO_DEBUG);\n${out}`;
  out = out.replace(DEBUG_PRINT, '');
  const promisingPatched = out.match(PROMISING)?.length ?? 0;
  if (promisingPatched > 0) out = PROMISING_HELPER + out.replace(PROMISING, '_obeliskPromising(');
  const renew = patchRenew(out);
  return { js: renew ?? out, debugReadsPatched, renewable: renew !== undefined, promisingPatched };
}

function patchRenew(js: string): string | undefined {
  const parts = js.split(GEN_START);
  if (parts.length !== 2 || !GEN_END.test(js) || !RETURN.test(js)) return undefined;
  if (PER_INSTANCE.test(parts[0]!)) return undefined; // invariant 2: it would be shared

  return js
    .replace(GEN_START, 'const _obeliskInit = function* _initGenerator () {')
    .replace(GEN_END, '};\n$1let gen = _obeliskInit();\n$1let promise, resolve, reject;')
    .replace(RETURN, () => `${RESET}
  const maybeSyncReturn = runNext(null);
  if (!promise && maybeSyncReturn && typeof maybeSyncReturn === 'object') _obeliskMark(maybeSyncReturn);
  return promise || maybeSyncReturn;`);
}

/**
 * Makes new instances of `instance`'s component that share its glue helpers and import object
 * (invariant 2 of the banner); undefined when its glue cannot renew. It first lets go of
 * `instance`: the helpers keep no reference to its memory, so keeping the renewer does not keep
 * the instance alive. Call it only when `instance`'s last call returned (a value or a component
 * error), never after a trap, and not while the instance may still be called.
 */
export function takeRenewer<T extends object>(instance: T): (() => T) | undefined {
  const marked = instance as { [RENEW]?: () => T; [RELEASE]?: () => void };
  const renew = marked[RENEW];
  if (!renew) return undefined;
  marked[RELEASE]?.();
  return renew;
}
