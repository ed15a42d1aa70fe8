/**
 * `obelisk:log/log@1.0.0`. Log lines go to the execution's log output, outside the history, and only
 * while the run is past its recorded history: replaying a run does not repeat its log lines, and
 * adding a log line to a workflow never breaks replay.
 */
import type { WorkflowContext } from '../context.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'stdout' | 'stderr';
/** `position` (WorkflowContext.logPosition) lets the sink drop a line a previous run already wrote. */
export type LogSink = (level: LogLevel, message: string, atMs: number, position?: [number, number]) => void;

/** `deps` is read at each call (HostDeps in workflow-support.ts: a renewed instance serves a new run). */
export function obeliskLog(deps: { readonly ctx: WorkflowContext; readonly log: LogSink }) {
  const at = (level: LogLevel) => (message: string) => {
    const { ctx } = deps;
    if (!ctx.isReplaying()) deps.log(level, message, ctx.now(), ctx.logPosition());
  };
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
