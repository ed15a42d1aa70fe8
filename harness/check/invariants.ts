/**
 * Structural invariants of a state folder, checked from the files alone (no model, no replay):
 * nothing submitted twice, nothing finished twice, nothing delivered twice, nothing lost.
 *
 * Always (even while work is in flight):
 *  1. Every log is a valid sequence (lib/verify/sequence.ts): at most one `finished`, and it is last;
 *     a finished log has no torn tail.
 *  2. Child ids in a log are unique and follow the parent/join set/index scheme; each child exists
 *     (a folder, or lines in the parent's children.jsonl) and its `created` names that parent and
 *     join set, with the same ffqn and params.
 *  3. A response is consumed by at most one join-next of its execution; it was submitted into that
 *     join set earlier in the log; exactly one inbox file (or inline child's `finished` line) holds it.
 *  4. A child-finished in an inbox names a child of that parent, in that join set, and says what the
 *     child's `finished` line says (a second, different finish would show here).
 *  5. Every `scheduled` execution exists, scheduled by that execution, with the same ffqn and params.
 *  6. A `stubbed` with outcome ok leaves the stub child finished with that result (once it is finished).
 *  7. A lease is taken over (a `locked` of another run while one is held) only once it has expired.
 * Once quiescent (every root finished, nothing left due):
 *  8. Every requested child has a finished line, and its result is in its parent's inbox (a stub
 *     child that nothing stubbed stays pending: its parent may have ended first).
 *  9. Every child folder of an execution is named by a child-requested line of that execution, and
 *     every execution created as scheduled by one is named by a `scheduled` line of it (no orphan:
 *     effects are written before events, so a crash leaves what the re-run names again).
 */
import type { ChildFinished, LogEvent } from '../../lib/model/events.js';
import { checkSequence } from '../../lib/verify/sequence.js';
import { canonical, TARGETS } from '../model/script-model.js';
import { finishedOf, type ExecutionFiles, type StateView } from './../state/read-state.js';

export interface InvariantOptions {
  /** Check 8 and 9 too: every root has finished and nothing is due any more. */
  quiescent: boolean;
}

function outcomeText(e: { result?: unknown; failure?: { kind: string } }): string {
  return e.failure ? `failure:${e.failure.kind}` : `result:${canonical(e.result)}`;
}

/** Whether an execution is of a stub function that nothing stubbed: it stays pending, rightly (its parent may have ended first). */
export function neverStubbedIn(state: StateView): (x: ExecutionFiles) => boolean {
  const stubTargets = new Set<string>();
  for (const x of state.values()) for (const e of x.events) if (e.type === 'stubbed' && e.outcome === 'ok') stubTargets.add(e.target_execution_id);
  return (x) => {
    const created = x.events[0];
    return created?.type === 'created' && created.ffqn === TARGETS['stub.get'].ffqn && !stubTargets.has(x.id);
  };
}

export function checkInvariants(state: StateView, opts: InvariantOptions): string[] {
  const neverStubbed = neverStubbedIn(state);
  const problems: string[] = [];
  const bad = (id: string, message: string) => problems.push(`${id}: ${message}`);

  for (const x of state.values()) {
    const { id, events } = x;
    // 1
    const seq = checkSequence(events);
    if (seq) bad(id, `malformed log at line ${seq.index}: ${seq.message}`);
    const finishedLines = events.filter((e) => e.type === 'finished').length;
    if (finishedLines > 1) bad(id, `finished ${finishedLines} times`);
    if (finishedOf(x) && x.torn) bad(id, 'bytes after the finished line');

    // 7
    let holder: { run: string; expires: string } | undefined;
    for (const [i, e] of events.entries()) {
      if (e.type === 'locked') {
        if (holder && holder.run !== e.run_id && e.at < holder.expires) bad(id, `line ${i + 1}: run ${e.run_id} took the lease at ${e.at}, but ${holder.run} held it until ${holder.expires}`);
        holder = { run: e.run_id, expires: e.lease_expires_at };
      } else if (e.type === 'unlocked' || e.type === 'blocked' || e.type === 'temporarily-failed' || e.type === 'temporarily-timed-out' || e.type === 'finished') {
        holder = undefined;
      }
    }

    // 2
    const requested = new Map<string, Extract<LogEvent, { type: 'child-requested' }>>();
    const delays = new Map<string, string>();
    for (const e of events) {
      if (e.type === 'child-requested') {
        if (requested.has(e.child_execution_id)) bad(id, `child ${e.child_execution_id} requested twice`);
        requested.set(e.child_execution_id, e);
        if (!e.child_execution_id.startsWith(`${id}.${e.join_set_id}_`)) bad(id, `child id ${e.child_execution_id} does not name parent ${id} and join set ${e.join_set_id}`);
        const child = state.get(e.child_execution_id);
        const created = child?.events[0];
        if (!child || created?.type !== 'created') {
          bad(id, `child ${e.child_execution_id} is named in the log but has no folder with a created line`);
        } else {
          if (created.parent?.execution_id !== id || created.parent.join_set_id !== e.join_set_id) bad(id, `child ${e.child_execution_id} was created with parent ${JSON.stringify(created.parent)}`);
          if (created.ffqn !== e.ffqn || canonical(created.params) !== canonical(e.params)) {
            bad(id, `child ${e.child_execution_id} was created as ${created.ffqn}${canonical(created.params)}, the log requests ${e.ffqn}${canonical(e.params)}`);
          }
        }
      } else if (e.type === 'delay-requested') {
        if (delays.has(e.delay_id)) bad(id, `delay ${e.delay_id} requested twice`);
        delays.set(e.delay_id, e.join_set_id);
      }
    }

    // 3
    const inboxById = new Map<string, ExecutionFiles['inbox']>();
    for (const f of x.inbox) {
      const rid = f.msg.type === 'child-finished' ? f.msg.child_execution_id : f.msg.type === 'delay-finished' ? f.msg.delay_id : `cancel:${f.name}`;
      inboxById.set(rid, [...(inboxById.get(rid) ?? []), f]);
    }
    const consumed = new Set<string>();
    const submittedSoFar = new Map<string, string>(); // response id -> join set
    for (const e of events) {
      if (e.type === 'child-requested') submittedSoFar.set(e.child_execution_id, e.join_set_id);
      if (e.type === 'delay-requested') submittedSoFar.set(e.delay_id, e.join_set_id);
      if (e.type !== 'join-next' || !e.response) continue;
      const rid = 'execution_id' in e.response ? e.response.execution_id : e.response.delay_id;
      if (consumed.has(rid)) bad(id, `response ${rid} consumed twice`);
      consumed.add(rid);
      if (submittedSoFar.get(rid) !== e.join_set_id) bad(id, `join-next on ${e.join_set_id} consumed ${rid}, which was not submitted into it before`);
      const files = inboxById.get(rid) ?? [];
      if (files.length !== 1) bad(id, `join-next consumed ${rid}, which ${files.length === 0 ? 'no inbox file holds (lost)' : `${files.length} inbox files hold`}`);
    }

    // 4
    for (const f of x.inbox) {
      if (f.msg.type === 'child-finished') {
        const msg: ChildFinished = f.msg;
        const req = requested.get(msg.child_execution_id);
        const child = state.get(msg.child_execution_id);
        if (!child) bad(id, `inbox holds the result of ${msg.child_execution_id}, which does not exist`);
        if (req && req.join_set_id !== msg.join_set_id) bad(id, `inbox puts ${msg.child_execution_id} in join set ${msg.join_set_id}, the log in ${req.join_set_id}`);
        const fin = finishedOf(child);
        if (child && !fin) bad(id, `inbox holds a result of ${msg.child_execution_id}, which has not finished`);
        if (fin && outcomeText(fin) !== outcomeText(msg)) bad(id, `inbox says ${msg.child_execution_id} ended ${outcomeText(msg)}, its log ${outcomeText(fin)}`);
      } else if (f.msg.type === 'delay-finished') {
        if (delays.size > 0 && !delays.has(f.msg.delay_id)) bad(id, `inbox holds delay ${f.msg.delay_id}, which the log never requested`);
      }
    }

    // 5, 6
    for (const e of events) {
      if (e.type === 'scheduled') {
        const s = state.get(e.execution_id);
        const created = s?.events[0];
        if (!s || created?.type !== 'created') bad(id, `scheduled ${e.execution_id} does not exist`);
        else if (created.scheduled_by !== id || created.ffqn !== e.ffqn || canonical(created.params) !== canonical(e.params)) {
          bad(id, `scheduled ${e.execution_id} was created as ${created.ffqn}${canonical(created.params)} by ${created.scheduled_by}`);
        }
      } else if (e.type === 'stubbed' && e.outcome === 'ok') {
        const fin = finishedOf(state.get(e.target_execution_id));
        if (fin && outcomeText(fin) !== outcomeText({ result: e.result })) bad(id, `stubbed ${e.target_execution_id} with ${canonical(e.result)}, it finished ${outcomeText(fin)}`);
      }
    }

    if (!opts.quiescent) continue;
    // 8
    for (const childId of requested.keys()) {
      const child = state.get(childId);
      if (!child) continue; // reported by 2
      const fin = finishedOf(child);
      if (!fin && neverStubbed(child)) continue; // a stub child finishes only when stubbed (its parent may have trapped first)
      if (!fin) bad(id, `child ${childId} never finished`);
      else if (!x.inbox.some((f) => f.msg.type === 'child-finished' && f.msg.child_execution_id === childId)) bad(id, `the result of child ${childId} never reached the inbox (lost)`);
    }
    if (!finishedOf(x) && !neverStubbed(x)) bad(id, 'never finished');
  }

  // 9
  if (opts.quiescent) {
    for (const x of state.values()) {
      const created = x.events[0];
      if (created?.type === 'created' && created.scheduled_by) {
        const by = state.get(created.scheduled_by);
        if (by && !by.events.some((e) => e.type === 'scheduled' && e.execution_id === x.id)) {
          bad(created.scheduled_by, `${x.id} was created as scheduled by it, but its log never scheduled it (orphan: it runs anyway)`);
        }
      }
      if (created?.type !== 'created' || !created.parent) continue;
      const parent = state.get(created.parent.execution_id);
      if (parent && !parent.events.some((e) => e.type === 'child-requested' && e.child_execution_id === x.id)) {
        bad(created.parent.execution_id, `child ${x.id} exists but the parent's log never requested it (orphan)`);
      }
    }
  }
  return problems;
}
