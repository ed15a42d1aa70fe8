/**
 * `obelisk execution stub <id> <result>`: finish an execution of a stub activity with the given
 * return value (`{"ok": …}` or `{"err": …}`), checked against the function's return type. Giving the
 * same result again is accepted; a different one is a conflict.
 */
import { checkJson } from '../../component/codec.js';
import { InputError, NotFoundError } from '../../model/errors.js';
import type { Created, ReturnValue } from '../../model/events.js';
import { parseJson, type JsonValue } from '../../model/json.js';
import type { CommandContext } from '../command.js';
import { formatOutcome, formatResult } from '../render/format.js';
import { executionIdArg, readExecution, withEngine } from './shared/open.js';

const EXAMPLE = 'expected {"ok": value} or {"err": value}, e.g. {"ok": 42}';

export async function run(ctx: CommandContext): Promise<number> {
  const id = executionIdArg(ctx);
  const result = parseResult(String(ctx.args['result']));
  const config = await ctx.loadConfig();
  return withEngine(ctx, config, async (engine) => {
    const { events } = await readExecution(engine.deps.store, id);
    const created = events[0] as Created;
    const entry = engine.deps.catalog.resolve(created.ffqn);
    if (!entry) throw new NotFoundError(`${id} runs ${created.ffqn}, which no configured component exports now; cannot check the result`);
    if (entry.kind !== 'stub') {
      throw new InputError(`${id} runs ${created.ffqn} of component ${entry.component.name} (${entry.component.config.kind}); only executions of an activity_stub component take a result from \`execution stub\``);
    }
    if (entry.fn.result) checkJson(entry.fn.result, result as JsonValue, 'result');
    const answer = await engine.stub(id, result);
    if (answer === 'conflict') {
      const { events: now } = await engine.deps.store.read(id);
      const last = now.at(-1);
      if (last?.type === 'finished') {
        const had = 'failure' in last ? formatOutcome({ failure: last.failure }) : formatResult(last.result);
        throw new InputError(`conflict: ${id} finished already with ${had}, not ${formatResult(result)}; a stub execution gets one result`);
      }
      throw new InputError(`conflict: another process holds ${id} right now; try again`);
    }
    ctx.io.out(`${id} finished with ${formatResult(result)}\n`);
    return 0;
  }, { hotWorkers: 0 });
}

function parseResult(text: string): ReturnValue {
  let value: JsonValue;
  try {
    value = parseJson(text);
  } catch (e) {
    throw new InputError(`result: invalid JSON (${(e as Error).message}); ${EXAMPLE}`, { cause: e });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length !== 1 || !('ok' in value || 'err' in value)) {
    throw new InputError(`result: ${EXAMPLE}, got ${text}`);
  }
  return value as ReturnValue;
}
