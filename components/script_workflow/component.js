// script_workflow: interprets a program of steps given as JSON (see README.md) and returns the JSON
// list of the values the steps produced. Built with componentize-js; every import below is answered
// by the obelisk host (workflow support, log, the fixture components' functions and extensions).
import * as ws from 'obelisk:workflow/workflow-support@5.1.0';
import * as log from 'obelisk:log/log@1.0.0';
import * as ops from 'testing:activity/ops';
import * as opsExt from 'testing:activity-obelisk-ext/ops';
import * as opsSchedule from 'testing:activity-obelisk-schedule/ops';
import * as stub from 'testing:stub/stub';
import * as stubExt from 'testing:stub-obelisk-ext/stub';
import * as stubSchedule from 'testing:stub-obelisk-schedule/stub';
import * as stubStub from 'testing:stub-obelisk-stub/stub';
import * as scriptExt from 'testing:script-obelisk-ext/workflow';
import * as scriptSchedule from 'testing:script-obelisk-schedule/workflow';

// ------------------------------------------------------------------ values

/** A guest value in the JSON form of README.md: results and variants as {case: payload} or "case". */
function j(v) {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v, j);
  if (typeof v !== 'object') return v;
  if ('tag' in v) {
    if (v.tag === 'ok' || v.tag === 'err' || v.val !== undefined) return { [v.tag]: j(v.val) };
    return v.tag;
  }
  const keys = Object.keys(v);
  // execution-id and delay-id records print as the id itself.
  if (keys.length === 1 && keys[0] === 'id' && typeof v.id === 'string') return v.id;
  // datetime prints as milliseconds since the epoch.
  if (keys.length === 2 && typeof v.seconds === 'bigint' && typeof v.nanoseconds === 'number') {
    return Number(v.seconds) * 1000 + Math.floor(v.nanoseconds / 1e6);
  }
  const out = {};
  for (const k of keys) out[k] = j(v[k]);
  return out;
}

/** Calls an import returning `result`: {ok: value} or {err: payload} (jco throws err as an error with .payload). */
function res(f) {
  try {
    return { ok: j(f()) };
  } catch (e) {
    if (e && typeof e === 'object' && 'payload' in e) return { err: j(e.payload) };
    throw e;
  }
}

/** The JSON form of a result -> the guest value ({tag, val}). */
function resultValue(json, convert = (x) => x) {
  if (json && typeof json === 'object' && 'ok' in json) return json.ok === null ? { tag: 'ok' } : { tag: 'ok', val: convert(json.ok) };
  if (json && typeof json === 'object' && 'err' in json) return json.err === null ? { tag: 'err' } : { tag: 'err', val: convert(json.err) };
  throw new Error(`expected {"ok": …} or {"err": …}, got ${JSON.stringify(json)}`);
}

/** schedule-at from a step: `in` (milliseconds from now), `at` (milliseconds since the epoch), or now. */
function scheduleAt(step) {
  if (step.in !== undefined) return { tag: 'in', val: { tag: 'milliseconds', val: BigInt(step.in) } };
  if (step.at !== undefined) {
    const ms = BigInt(step.at);
    return { tag: 'at', val: { seconds: ms / 1000n, nanoseconds: Number(ms % 1000n) * 1_000_000 } };
  }
  return { tag: 'now' };
}

function fnRef(ffqn) {
  const dot = ffqn.lastIndexOf('.');
  return { interfaceName: ffqn.slice(0, dot), functionName: ffqn.slice(dot + 1) };
}

// ------------------------------------------------------------------ targets of the extension steps

const camel = (name) => name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

// Each target: its modules, and how its JSON args become guest arguments.
const TARGETS = {
  'activity.echo': { args: (a) => [String(a[0])] },
  'activity.fail': { args: (a) => [String(a[0])] },
  'activity.fail-permanent': { args: (a) => [String(a[0])] },
  'activity.trap': { args: () => [] },
  'activity.spin': { args: (a) => [Number(a[0])] },
  'activity.add': { args: (a) => [BigInt(a[0]), BigInt(a[1])] },
  'stub.get': { args: (a) => [String(a[0])], result: (v) => String(v) },
  'script.run': { args: (a) => [typeof a[0] === 'string' ? a[0] : JSON.stringify(a[0])] },
};
const MODULES = {
  activity: { call: ops, ext: opsExt, schedule: opsSchedule },
  stub: { call: stub, ext: stubExt, schedule: stubSchedule, stub: stubStub },
  script: { ext: scriptExt, schedule: scriptSchedule },
};

function target(step) {
  const t = TARGETS[step.fn];
  if (!t) throw new Error(`step ${JSON.stringify(step)}: unknown fn; expected one of ${Object.keys(TARGETS).join(', ')}`);
  const [component, name] = step.fn.split('.');
  const m = MODULES[component];
  const lookup = (kind, suffix) => {
    const f = m[kind]?.[camel(suffix ? `${name}-${suffix}` : name)];
    if (typeof f !== 'function') throw new Error(`step ${JSON.stringify(step)}: ${step.fn} has no ${suffix ?? 'direct call'} import`);
    return f;
  };
  return { lookup, args: () => t.args(step.args ?? []), result: t.result ?? ((v) => v) };
}

// ------------------------------------------------------------------ the interpreter

function backtrace(index, op) {
  return { frames: [{ module: 'script_workflow', funcName: `step ${index}: ${op}`, symbols: [{ funcName: op, file: 'component.js', line: index + 1, col: undefined }] }] };
}

class Program {
  constructor() {
    this.joinSets = new Map(); // name -> join-set handle, kept for the whole run (never collected)
    this.vars = new Map(); // name -> a value a step produced
  }

  joinSet(step) {
    const h = this.joinSets.get(step.js);
    if (!h) throw new Error(`step ${JSON.stringify(step)}: no join set named ${JSON.stringify(step.js)}; create one with "as"`);
    return h;
  }

  /** An execution id: "$name" reads a variable, anything else is the id itself. */
  id(step, field = 'id') {
    const v = step[field];
    if (typeof v === 'string' && v.startsWith('$')) {
      if (!this.vars.has(v.slice(1))) throw new Error(`step ${JSON.stringify(step)}: no variable ${v}`);
      const got = this.vars.get(v.slice(1));
      return typeof got === 'object' && got && 'ok' in got ? got.ok : got;
    }
    return v;
  }

  keep(step, handle) {
    if (!step.as) throw new Error(`step ${JSON.stringify(step)}: a join set needs a name: add "as"`);
    this.joinSets.set(step.as, handle);
    return handle.id();
  }

  /** Runs one step; returns its value, or {fail: message} for a `fail` step. */
  step(step, index) {
    const bt = step.bt ? backtrace(index, step.op) : undefined;
    switch (step.op) {
      // ---------------------------------------------------------- workflow-support
      case 'execution-id-current':
        return j(ws.executionIdCurrent());
      case 'random-u64':
        return j(bt ? ws.randomU64Bt(BigInt(step.min), BigInt(step.max), bt) : ws.randomU64(BigInt(step.min), BigInt(step.max)));
      case 'random-u64-inclusive':
        return j(bt ? ws.randomU64InclusiveBt(BigInt(step.min), BigInt(step.max), bt) : ws.randomU64Inclusive(BigInt(step.min), BigInt(step.max)));
      case 'random-string':
        return bt ? ws.randomStringBt(step.min, step.max, bt) : ws.randomString(step.min, step.max);
      case 'sleep':
        if (step.name !== undefined) return res(() => ws.sleepNamedBt(scheduleAt(step), step.name ?? undefined, bt));
        return res(() => (bt ? ws.sleepBt(scheduleAt(step), bt) : ws.sleep(scheduleAt(step))));
      case 'join-set-create':
        return this.keep(step, bt ? ws.joinSetCreateBt(bt) : ws.joinSetCreate());
      case 'join-set-create-named': {
        const r = res(() => {
          const h = bt ? ws.joinSetCreateNamedBt(step.name, bt) : ws.joinSetCreateNamed(step.name);
          return this.keep(step, h);
        });
        return r;
      }
      case 'join-set-close': {
        const h = this.joinSet(step);
        this.joinSets.delete(step.js);
        if (bt) ws.joinSetCloseBt(h, bt);
        else ws.joinSetClose(h);
        return null;
      }
      case 'submit-json':
        return res(() => (bt
          ? ws.submitJsonBt(this.joinSet(step), fnRef(step.ffqn), JSON.stringify(step.params ?? []), undefined, bt)
          : ws.submitJson(this.joinSet(step), fnRef(step.ffqn), JSON.stringify(step.params ?? []), undefined)));
      case 'get-result-json':
        return res(() => (bt ? ws.getResultJsonBt({ id: this.id(step) }, bt) : ws.getResultJson({ id: this.id(step) })));
      case 'submit-delay':
        return j(bt ? ws.submitDelayBt(this.joinSet(step), scheduleAt(step), bt) : ws.submitDelay(this.joinSet(step), scheduleAt(step)));
      case 'join-next':
        return res(() => (bt ? ws.joinNextBt(this.joinSet(step), bt) : ws.joinNext(this.joinSet(step))));
      case 'join-next-try':
        return res(() => (bt ? ws.joinNextTryBt(this.joinSet(step), bt) : ws.joinNextTry(this.joinSet(step))));
      case 'execution-id-generate':
        return j(ws.executionIdGenerate(bt));
      case 'schedule-json':
        return res(() => ws.scheduleJson({ id: this.id(step) }, scheduleAt(step), fnRef(step.ffqn), JSON.stringify(step.params ?? []), undefined, bt));
      case 'call-json':
        return res(() => ws.callJson(fnRef(step.ffqn), JSON.stringify(step.params ?? []), undefined, bt));
      case 'stub-json':
        return res(() => ws.stubJson({ id: this.id(step) }, typeof step.result === 'string' ? step.result : JSON.stringify(step.result), bt));

      // ---------------------------------------------------------- the deprecated join-set methods
      case 'join-set-id':
        return this.joinSet(step).id();
      case 'join-set-submit-delay':
        return j(this.joinSet(step).submitDelay(scheduleAt(step)));
      case 'join-set-join-next':
        return res(() => this.joinSet(step).joinNext());

      // ---------------------------------------------------------- other components' functions
      case 'call': {
        const t = target(step);
        return res(() => t.lookup('call')(...t.args()));
      }
      case 'submit': {
        const t = target(step);
        return j(t.lookup('ext', 'submit')(this.joinSet(step), ...t.args()));
      }
      case 'await-next': {
        const t = target(step);
        return res(() => t.lookup('ext', 'await-next')(this.joinSet(step)));
      }
      case 'get': {
        const t = target(step);
        return res(() => t.lookup('ext', 'get')({ id: this.id(step) }));
      }
      case 'invoke': {
        const t = target(step);
        return res(() => t.lookup('ext', 'invoke')(step.label, ...t.args()));
      }
      case 'schedule': {
        const t = target(step);
        return j(t.lookup('schedule', 'schedule')(scheduleAt(step), ...t.args()));
      }
      case 'stub': {
        const t = target(step);
        return res(() => t.lookup('stub', 'stub')({ id: this.id(step) }, resultValue(step.result, t.result)));
      }

      // ---------------------------------------------------------- log, output, the JS environment
      case 'log': {
        const level = step.level ?? 'info';
        if (!['trace', 'debug', 'info', 'warn', 'error'].includes(level)) throw new Error(`step ${JSON.stringify(step)}: unknown log level`);
        log[level](String(step.message));
        return null;
      }
      case 'print':
        if (step.stream === 'stderr') console.error(String(step.message));
        else console.log(String(step.message));
        return null;
      case 'date-now':
        return Date.now();
      case 'math-random':
        return Math.random();
      case 'fail':
        return { fail: String(step.message ?? 'failed') };
      case 'trap':
        throw new Error(String(step.message ?? 'trapped'));
      default:
        throw new Error(`step ${index}: unknown op ${JSON.stringify(step.op)}; see components/script_workflow/README.md`);
    }
  }

  run(steps) {
    const out = [];
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      const value = this.step(step, i);
      if (step.op === 'fail') return { tag: 'err', val: value.fail };
      if (step.as && !this.joinSets.has(step.as)) this.vars.set(step.as, value);
      if (!step.quiet) out.push(step.hide ? null : value);
    }
    return { tag: 'ok', val: JSON.stringify(out) };
  }
}

export const workflow = {
  run(program) {
    try {
      const steps = JSON.parse(program);
      if (!Array.isArray(steps)) throw new Error(`the program must be a JSON list of steps, got ${program}`);
      return new Program().run(steps);
    } catch (e) {
      // A trap: say why on stderr (the execution's log output) before the instance traps.
      if (e instanceof Error) console.error(`script_workflow: ${e.message}\n${e.stack ?? ''}`);
      throw e;
    }
  },
};
