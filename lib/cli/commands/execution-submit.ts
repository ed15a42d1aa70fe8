/**
 * `obelisk execution submit [--follow] [--json] <ffqn> <params>`: create a top-level execution and
 * print its id; with --follow, wait for its result (see shared/follow.ts), exit 1 unless it is ok.
 * The parameters are read and parsed before the components load, and checked against the function's
 * type (engine.submit) before anything is written.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseParams } from '../../component/codec.js';
import type { Finished } from '../../model/events.js';
import { InputError } from '../../model/errors.js';
import { parseFfqn } from '../../model/ffqn.js';
import type { JsonValue } from '../../model/json.js';
import type { Engine } from '../../executor/engine.js';
import type { CommandContext } from '../command.js';
import { EXIT_OK, EXIT_RESULT_ERR } from '../exit.js';
import { jsonLine, outcomeWord } from '../render/format.js';
import { finalLines } from '../render/status.js';
import { statusAfter } from '../render/summary.js';
import { followPrinting } from './shared/follow.js';
import { lazyEngine } from './shared/open.js';

export async function run(ctx: CommandContext): Promise<number> {
  const ffqn = String(ctx.args['ffqn']);
  const params = await readParams(ctx, String(ctx.args['params']));
  const config = await ctx.loadConfig();
  const engine = lazyEngine(ctx, config);
  try {
    const e = await engine.get();
    checkFunctionName(e, ffqn);
    const id = await e.submit(ffqn, params);
    if (!ctx.options['follow']) {
      ctx.io.out(ctx.json ? jsonLine({ execution_id: id }) : `${id}\n`);
      return EXIT_OK;
    }
    if (!ctx.json) ctx.io.out(`${ctx.io.style.bold(id)}\n`);
    if (e.deps.catalog.resolve(ffqn)?.kind === 'stub') {
      ctx.io.err(`${ffqn} is a stub activity: it finishes when given a result with \`obelisk execution stub ${id} <result>\`\n`);
    }
    const { events } = await followPrinting(ctx, config, e.deps.store, id, engine, 'all');
    const finished = events.at(-1) as Finished;
    const outcome = 'failure' in finished ? { failure: finished.failure } : { result: finished.result };
    if (!ctx.json) ctx.io.out(finalLines(statusAfter(finished, events.length), events[0]!.at, ctx.io.style));
    return outcomeWord(outcome) === 'ok' ? EXIT_OK : EXIT_RESULT_ERR;
  } finally {
    await engine.close();
  }
}

/** `[40, 10]`, or `@file.json` (relative to the current folder): a JSON array, with line and column on a syntax error. */
async function readParams(ctx: CommandContext, arg: string): Promise<JsonValue[]> {
  if (!arg.startsWith('@')) return parseParams(arg);
  const file = resolve(ctx.cwd, arg.slice(1));
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a folder' : (e as Error).message;
    throw new InputError(`params file ${file}: ${why}; expected a file holding a JSON array, e.g. [40, 10]`, { cause: e });
  }
  try {
    return parseParams(text);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${file}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** A malformed name says what the form is; like an unknown one (engine.submit), it gets the closest names. */
function checkFunctionName(engine: Engine, ffqn: string): void {
  const { catalog } = engine.deps;
  if (catalog.resolve(ffqn)) return;
  try {
    parseFfqn(ffqn);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const near = catalog.closest(ffqn);
    throw new InputError(`${e.message}${near.length ? `; did you mean ${near.slice(0, 3).join(' or ')}?` : ''}`);
  }
}
