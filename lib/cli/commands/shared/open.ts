/**
 * What several commands open: the store alone (reading commands: fast, no component is loaded), or
 * the whole engine (submitting, advancing, stubbing), always closed again; and the execution id
 * argument, parsed at the boundary.
 */
import type { Config } from '../../../config/types.js';
import { openEngine } from '../../../executor/open.js';
import type { Engine } from '../../../executor/engine.js';
import { ExecutionStore, type ExecutionRecord } from '../../../store/index.js';
import { NotFoundError } from '../../../model/errors.js';
import { parseExecutionId, type ExecutionId } from '../../../model/ids.js';
import type { CommandContext } from '../../command.js';
import { withProgress } from '../../render/progress.js';

export function executionIdArg(ctx: CommandContext, name = 'execution-id'): ExecutionId {
  return parseExecutionId(String(ctx.args[name]));
}

export function openStore(ctx: CommandContext, config: Config): Promise<ExecutionStore> {
  return ExecutionStore.open({ root: config.stateDir, durability: config.durability, clock: ctx.clock });
}

/** The execution's log and inbox; an unknown id is a NotFoundError that says where it looked. */
export async function readExecution(store: ExecutionStore, id: ExecutionId): Promise<ExecutionRecord> {
  try {
    return await store.read(id);
  } catch (e) {
    if (e instanceof NotFoundError) {
      throw new NotFoundError(`no execution ${id} in ${store.root}; \`obelisk execution list\` shows the executions there`, { cause: e });
    }
    throw e;
  }
}

export interface EngineOptions {
  /** Workers for await-strategy workflows (started only when one runs). Default: the engine's. */
  hotWorkers?: number;
}

export interface LazyEngine {
  /** Opens the engine on first call (loading every component, with progress on a terminal). */
  get(): Promise<Engine>;
  /** Stops its worker threads, if it was opened. */
  close(): Promise<void>;
}

export function lazyEngine(ctx: CommandContext, config: Config, opts: EngineOptions = {}): LazyEngine {
  let opened: Promise<Engine> | undefined;
  const n = config.components.length;
  return {
    get: () => (opened ??= withProgress(ctx.io, `loading ${n} component${n === 1 ? '' : 's'}`,
      () => openEngine(config, {
        clock: ctx.clock, ...(opts.hotWorkers === undefined ? {} : { hotWorkers: opts.hotWorkers }),
        // forward_stdout / forward_stderr = "stdout" | "stderr": the guest's output on this process's streams
        hostOutput: (stream, text) => (stream === 'stdout' ? ctx.io.out(text) : ctx.io.err(text)),
      }))),
    async close() {
      const engine = await opened?.catch(() => undefined);
      await engine?.deps.hot?.close();
      await engine?.deps.activities.close();
    },
  };
}

/** Opens the engine, runs `fn`, closes it. */
export async function withEngine<T>(ctx: CommandContext, config: Config, fn: (engine: Engine) => Promise<T>, opts: EngineOptions = {}): Promise<T> {
  const lazy = lazyEngine(ctx, config, opts);
  try {
    return await fn(await lazy.get());
  } finally {
    await lazy.close();
  }
}
