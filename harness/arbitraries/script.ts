/**
 * fast-check generators of script-workflow programs (components/script_workflow/README.md):
 *   callArb        one activity call with a behaviour: ok, err, permanent err, trap, slow, timeout
 *   programArb     a program mixing direct calls, batches of children in join sets, await-next and
 *                  join-next in any mix, `-get` before and after processing, short sleeps, hidden
 *                  random values, nested child script workflows, `schedule`, stubs, fail and trap
 *
 * A program is generated as a list of abstract actions, then compiled by a small state machine
 * into steps that are always valid: every join set is created before use, every stub child is
 * stubbed before it is awaited, and the values a model cannot know are hidden.
 *
 * Invariants:
 *  1. Without `unawaited`, before the program ends (its end or a `fail` step) every join set holding
 *     an activity, a stub or a delay is drained (join-next until none is left): only child
 *     workflows stay unawaited, for the implicit close to await. With it, some sets are left as
 *     they are: the close cancels their activities and drops their delays.
 *  2. Steps whose value depends on timing or randomness carry `hide: true`.
 */
import fc from 'fast-check';
import type { Fn, Json, Program, Step } from '../model/script-model.js';

export interface ProgramOptions {
  /** How deep child script workflows nest (the root is depth 0). */
  maxDepth: number;
  /** Abstract actions per program (nested programs get half). */
  maxActions: number;
  /** `join-next-try` (its answer depends on timing; the model reads it from the log). */
  tries: boolean;
  /** `submit-delay` into join sets next to children. */
  delays: boolean;
  /** `spin` beyond the activity's timeout. */
  timeouts: boolean;
  /** Children of the stub activity, stubbed by the workflow. */
  stubs: boolean;
  /** `-schedule` of top-level executions. */
  schedules: boolean;
  /** random-u64 / random-string steps (hidden: their values are the workflow's own). */
  randoms: boolean;
  /**
   * Leave some join sets unawaited at the end: their activities are cancelled unless they finished
   * first, which depends on timing (so not where two runs must record the same history).
   */
  unawaited: boolean;
  /** End some programs with `fail` or `trap`. */
  terminal: boolean;
  /** The `spin` argument of a timeout; must be at least the model's spinTimeoutMs. */
  spinTimeoutArg: number;
  /** Longest `sleep`/delay, in milliseconds. */
  maxSleepMs: number;
  /**
   * Each child workflow in a join set of its own: two workflows in one set (or a workflow next to
   * activities) finish in an order that depends on timing even one step at a time (the await
   * strategy runs parked workflows' children alongside).
   */
  soloWorkflows: boolean;
}

export const DEFAULT_PROGRAM_OPTIONS: ProgramOptions = {
  maxDepth: 2, maxActions: 8, tries: true, delays: true, timeouts: true, stubs: true, schedules: true, randoms: true,
  unawaited: true, terminal: true, spinTimeoutArg: 60_000, maxSleepMs: 20, soloWorkflows: false,
};

export interface Call {
  fn: Fn;
  args: Json[];
}

const TEXT_UNITS = ['a', 'b', 'z', 'Q', '0', '7', ' ', '-', '"', '\\', '/', 'é', 'ß', '✓', '😀', '\n', '[', '{'];
const textArb = fc.array(fc.constantFrom(...TEXT_UNITS), { maxLength: 6 }).map((cs) => cs.join(''));

const u64Arb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 1000 }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }).map((v) => v.toString()) },
);

/** One activity call with a behaviour: ok (echo, add), err, permanent err, trap, slow, timeout. */
export function callArb(opts: Pick<ProgramOptions, 'timeouts' | 'spinTimeoutArg'>): fc.Arbitrary<Call> {
  return fc.oneof(
    { weight: 4, arbitrary: textArb.map((s): Call => ({ fn: 'activity.echo', args: [s] })) },
    { weight: 3, arbitrary: fc.tuple(u64Arb, u64Arb).map(([a, b]): Call => ({ fn: 'activity.add', args: [a, b] })) },
    { weight: 2, arbitrary: textArb.map((s): Call => ({ fn: 'activity.fail', args: [s] })) },
    { weight: 1, arbitrary: textArb.map((s): Call => ({ fn: 'activity.fail-permanent', args: [s] })) },
    { weight: 1, arbitrary: fc.constant<Call>({ fn: 'activity.trap', args: [] }) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 40 }).map((ms): Call => ({ fn: 'activity.spin', args: [ms] })) },
    { weight: opts.timeouts ? 1 : 0, arbitrary: fc.constant<Call>({ fn: 'activity.spin', args: [opts.spinTimeoutArg] }) },
  );
}

// ---------------------------------------------------------------- abstract actions

type Member = { kind: 'call'; call: Call } | { kind: 'stub'; value: string; again: 'none' | 'same' | 'other' } | { kind: 'workflow'; program: Program };

type Action =
  | { k: 'call'; call: Call; label?: string }
  | { k: 'invoke-workflow'; program: Program; label: string }
  | { k: 'batch'; fresh: boolean; pick: number; members: Member[]; delayMs?: number }
  | { k: 'await'; pick: number; how: 'await-next' | 'join-next' | 'try'; fnPick: number }
  | { k: 'get'; pick: number; fnPick: number }
  | { k: 'sleep'; ms: number }
  | { k: 'random'; kind: 'u64' | 'string' }
  | { k: 'schedule'; call: Call; ms?: number }
  | { k: 'log'; message: string }
  | { k: 'current' }
  | { k: 'stub-wrong'; pick: number };

const labelArb = fc.constantFrom('sum', 'lab-1', 'x/y', 'Q7');

function memberArb(opts: ProgramOptions, depth: number): fc.Arbitrary<Member> {
  const call = callArb(opts).map((c): Member => ({ kind: 'call', call: c }));
  const stub = fc.record({ value: textArb, again: fc.constantFrom<'none' | 'same' | 'other'>('none', 'none', 'same', 'other') })
    .map(({ value, again }): Member => ({ kind: 'stub', value, again }));
  const child = depth < opts.maxDepth ? programArb(opts, depth + 1).map((program): Member => ({ kind: 'workflow', program })) : undefined;
  return fc.oneof(
    { weight: 6, arbitrary: call },
    { weight: opts.stubs ? 1 : 0, arbitrary: stub },
    ...(child ? [{ weight: 2, arbitrary: child }] : []),
  );
}

function actionArb(opts: ProgramOptions, depth: number): fc.Arbitrary<Action> {
  const nested = depth < opts.maxDepth ? programArb(opts, depth + 1) : undefined;
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ call: callArb(opts), label: fc.option(labelArb, { nil: undefined }) })
      .map(({ call, label }): Action => (label === undefined ? { k: 'call', call } : { k: 'call', call, label })) },
    ...(nested ? [{ weight: 1, arbitrary: fc.record({ program: nested, label: labelArb }).map((r): Action => ({ k: 'invoke-workflow', ...r })) }] : []),
    { weight: 5, arbitrary: fc.record({
      fresh: fc.boolean(), pick: fc.nat(), members: fc.array(memberArb(opts, depth), { minLength: 1, maxLength: 4 }),
      delayMs: opts.delays ? fc.option(fc.integer({ min: 1, max: opts.maxSleepMs }), { nil: undefined, freq: 4 }) : fc.constant(undefined),
    }).map((r): Action => {
      const { delayMs, ...rest } = r;
      return delayMs === undefined ? { k: 'batch', ...rest } : { k: 'batch', ...rest, delayMs };
    }) },
    { weight: 6, arbitrary: fc.record({
      pick: fc.nat(), fnPick: fc.nat(),
      how: fc.constantFrom<'await-next' | 'join-next' | 'try'>('await-next', 'await-next', 'join-next', ...(opts.tries ? ['try' as const] : [])),
    }).map((r): Action => ({ k: 'await', ...r })) },
    { weight: 2, arbitrary: fc.record({ pick: fc.nat(), fnPick: fc.nat() }).map((r): Action => ({ k: 'get', ...r })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: opts.maxSleepMs }).map((ms): Action => ({ k: 'sleep', ms })) },
    { weight: opts.randoms ? 1 : 0, arbitrary: fc.constantFrom<'u64' | 'string'>('u64', 'string').map((kind): Action => ({ k: 'random', kind })) },
    { weight: opts.schedules ? 1 : 0, arbitrary: fc.record({ call: callArb({ ...opts, timeouts: false }), ms: fc.option(fc.integer({ min: 0, max: opts.maxSleepMs }), { nil: undefined }) })
      .map(({ call, ms }): Action => (ms === undefined ? { k: 'schedule', call } : { k: 'schedule', call, ms })) },
    { weight: 1, arbitrary: textArb.map((message): Action => ({ k: 'log', message })) },
    { weight: 1, arbitrary: fc.constant<Action>({ k: 'current' }) },
    { weight: opts.stubs ? 1 : 0, arbitrary: fc.nat().map((pick): Action => ({ k: 'stub-wrong', pick })) },
  );
}

type Ending = { kind: 'none' } | { kind: 'fail'; message: string } | { kind: 'trap'; message: string; at: number };

function endingArb(opts: ProgramOptions): fc.Arbitrary<Ending> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant<Ending>({ kind: 'none' }) },
    { weight: opts.terminal ? 1 : 0, arbitrary: textArb.map((message): Ending => ({ kind: 'fail', message })) },
    { weight: opts.terminal ? 1 : 0, arbitrary: fc.record({ message: textArb, at: fc.nat() }).map((r): Ending => ({ kind: 'trap', ...r })) },
  );
}

/** A program for a workflow at `depth` (0: the root). */
export function programArb(opts: ProgramOptions = DEFAULT_PROGRAM_OPTIONS, depth = 0): fc.Arbitrary<Program> {
  const max = depth === 0 ? opts.maxActions : Math.max(1, Math.floor(opts.maxActions / (2 * depth)));
  return fc.record({
    actions: fc.array(actionArb(opts, depth), { minLength: 1, maxLength: max }),
    ending: endingArb(opts),
    leave: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  }).map(({ actions, ending, leave }) => compile(actions, ending, leave, opts));
}

// ---------------------------------------------------------------- compiling actions into steps

interface SetState {
  name: string;
  /** Every submission: its function (children), or 'delay'. */
  members: (Fn | 'delay')[];
  /** At most this many responses are still unconsumed (a try may or may not consume one). */
  maxLeft: number;
  /** A set made for one child workflow (soloWorkflows): nothing else is submitted into it. */
  solo?: boolean;
}

function compile(actions: Action[], ending: Ending, leave: boolean[], opts: ProgramOptions): Program {
  const steps: Step[] = [];
  const sets: SetState[] = [];
  const vars: { name: string; fn: Fn }[] = [];
  let nextVar = 1;
  const setName = (i: number) => String.fromCharCode(97 + (i % 26)) + (i >= 26 ? String(Math.floor(i / 26)) : '');

  for (const a of actions) {
    switch (a.k) {
      case 'call':
        steps.push(a.label === undefined
          ? { op: 'call', fn: a.call.fn, args: a.call.args }
          : { op: 'invoke', fn: a.call.fn, label: a.label, args: a.call.args });
        break;
      case 'invoke-workflow':
        steps.push({ op: 'invoke', fn: 'script.run', label: a.label, args: [a.program as unknown as Json] });
        break;
      case 'batch': {
        let set: SetState;
        const open = sets.filter((x) => !x.solo);
        if (a.fresh || open.length === 0) {
          set = { name: setName(sets.length), members: [], maxLeft: 0 };
          sets.push(set);
          steps.push({ op: 'join-set-create', as: set.name });
        } else {
          set = open[a.pick % open.length]!;
        }
        for (const m of a.members) {
          const v = `c${nextVar++}`;
          if (m.kind === 'call') {
            steps.push({ op: 'submit', fn: m.call.fn, js: set.name, args: m.call.args, as: v });
            set.members.push(m.call.fn);
            vars.push({ name: v, fn: m.call.fn });
          } else if (m.kind === 'workflow') {
            let into = set;
            if (opts.soloWorkflows) {
              into = { name: setName(sets.length), members: [], maxLeft: 0, solo: true };
              sets.push(into);
              steps.push({ op: 'join-set-create', as: into.name });
            }
            steps.push({ op: 'submit', fn: 'script.run', js: into.name, args: [m.program as unknown as Json], as: v });
            into.members.push('script.run');
            into.maxLeft++;
            vars.push({ name: v, fn: 'script.run' });
            continue;
          } else {
            steps.push({ op: 'submit', fn: 'stub.get', js: set.name, args: [m.value], as: v });
            steps.push({ op: 'stub', fn: 'stub.get', id: `$${v}`, result: { ok: m.value } });
            if (m.again !== 'none') steps.push({ op: 'stub', fn: 'stub.get', id: `$${v}`, result: { ok: m.again === 'same' ? m.value : `${m.value}!` } });
            set.members.push('stub.get');
            vars.push({ name: v, fn: 'stub.get' });
          }
          set.maxLeft++;
        }
        if (a.delayMs !== undefined) {
          steps.push({ op: 'submit-delay', js: set.name, in: a.delayMs });
          set.members.push('delay');
          set.maxLeft++;
        }
        break;
      }
      case 'await': {
        if (sets.length === 0) break;
        const set = sets[a.pick % sets.length]!;
        if (a.how === 'try') {
          steps.push({ op: 'join-next-try', js: set.name });
          break;
        }
        if (a.how === 'join-next' || set.members.every((m) => m === 'delay')) {
          steps.push({ op: 'join-next', js: set.name });
        } else {
          // Usually a function of the set (the right one or, with mixed sets, a mismatch).
          const fns = set.members.filter((m): m is Fn => m !== 'delay');
          steps.push({ op: 'await-next', fn: fns[a.fnPick % fns.length]!, js: set.name });
        }
        set.maxLeft = Math.max(0, set.maxLeft - 1);
        break;
      }
      case 'get': {
        if (vars.length === 0) break;
        const v = vars[a.pick % vars.length]!;
        // Mostly the child's own function; sometimes another one (a function mismatch).
        const fn = a.fnPick % 4 === 0 ? (v.fn === 'activity.echo' ? 'activity.add' : 'activity.echo') : v.fn;
        steps.push({ op: 'get', fn, id: `$${v.name}` });
        break;
      }
      case 'sleep':
        steps.push({ op: 'sleep', in: a.ms, hide: true });
        break;
      case 'random':
        steps.push(a.kind === 'u64'
          ? { op: 'random-u64', min: 0, max: 1000, hide: true }
          : { op: 'random-string', min: 1, max: 8, hide: true });
        break;
      case 'schedule':
        steps.push({ op: 'schedule', fn: a.call.fn, args: a.call.args, hide: true, ...(a.ms === undefined ? {} : { in: a.ms }) });
        break;
      case 'log':
        steps.push({ op: 'log', level: 'info', message: a.message, quiet: true });
        break;
      case 'current':
        steps.push({ op: 'execution-id-current' });
        break;
      case 'stub-wrong': {
        // Stubbing a child that is not a stub activity: execution-not-found.
        const v = vars.filter((x) => x.fn !== 'stub.get')[a.pick % Math.max(1, vars.length)];
        if (v) steps.push({ op: 'stub', fn: 'stub.get', id: `$${v.name}`, result: { ok: 'nope' } });
        break;
      }
    }
  }

  if (ending.kind === 'trap') {
    steps.splice(ending.at % (steps.length + 1), 0, { op: 'trap', message: ending.message });
    return steps;
  }
  // Invariant 1: drain every set that holds anything but child workflows.
  sets.forEach((set, i) => {
    const onlyWorkflows = set.members.every((m) => m === 'script.run');
    if (onlyWorkflows && leave[i % leave.length]) return;
    if (opts.unawaited && leave[(i + 3) % leave.length]) return;
    for (let n = 0; n < set.maxLeft; n++) steps.push({ op: 'join-next', js: set.name });
    set.maxLeft = 0;
  });
  if (ending.kind === 'fail') steps.push({ op: 'fail', message: ending.message });
  return steps;
}

/** Every program nested in a program (child workflows), depth first, with the root first. */
export function nestedPrograms(program: Program): Program[] {
  const out: Program[] = [program];
  for (const s of program) {
    if (s.fn === 'script.run' && Array.isArray(s.args?.[0])) out.push(...nestedPrograms(s.args[0] as unknown as Program));
  }
  return out;
}
