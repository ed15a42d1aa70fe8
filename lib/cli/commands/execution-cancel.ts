/**
 * `obelisk execution cancel <id>`: put a cancel request in the execution's inbox. It takes effect the
 * next time the execution runs (a tick, the server, a --follow): it finishes as `cancelled`, and its
 * parent, if any, sees an err. A finished execution cannot be cancelled.
 *
 * Given a delay id (`Delay_…`), it cancels that timer: the workflow that submitted it receives the
 * delay's response now, marked cancelled (a `sleep` on it returns err), unless it already expired.
 */
import { InputError } from '../../model/errors.js';
import type { Finished } from '../../model/events.js';
import { isoTime } from '../../model/time.js';
import { delayOwner, parseDelayId, type DelayId } from '../../model/ids.js';
import type { CommandContext } from '../command.js';
import { formatOutcome } from '../render/format.js';
import { executionIdArg, openStore, readExecution } from './shared/open.js';

export async function run(ctx: CommandContext): Promise<number> {
  const raw = String(ctx.args['execution-id']);
  if (raw.startsWith('Delay_')) return cancelDelay(ctx, parseDelayId(raw));
  const id = executionIdArg(ctx);
  const config = await ctx.loadConfig();
  const store = await openStore(ctx, config);
  const { events } = await readExecution(store, id);
  const last = events.at(-1);
  if (last?.type === 'finished') {
    const f = last as Finished;
    const outcome = 'failure' in f ? { failure: f.failure } : { result: f.result };
    throw new InputError(`cannot cancel ${id}: it finished already at ${f.at} with ${formatOutcome(outcome)}; only an execution that has not finished can be cancelled`);
  }
  const delivered = await store.deliver(id, { type: 'cancel-requested', at: isoTime(ctx.clock.now()), by: 'cli' });
  ctx.io.out(delivered === 'delivered'
    ? `cancel requested for ${id}; it finishes as cancelled when it next runs\n`
    : `cancel was already requested for ${id}\n`);
  return 0;
}

async function cancelDelay(ctx: CommandContext, delay: DelayId): Promise<number> {
  const config = await ctx.loadConfig();
  const store = await openStore(ctx, config);
  const { execution, joinSetId } = delayOwner(delay);
  const { events } = await readExecution(store, execution);
  if (!events.some((e) => e.type === 'delay-requested' && e.delay_id === delay)) {
    throw new InputError(`no delay ${delay} in the log of ${execution}: expected the id of a delay the workflow submitted (\`obelisk execution events ${execution}\` lists them)`);
  }
  const delivered = await store.deliver(execution, { type: 'delay-finished', at: isoTime(ctx.clock.now()), join_set_id: joinSetId, delay_id: delay, cancelled: true });
  ctx.io.out(delivered === 'delivered'
    ? `cancelled ${delay}; ${execution} sees it as cancelled when it next runs\n`
    : `${delay} had already expired or been cancelled; nothing changed\n`);
  return 0;
}
