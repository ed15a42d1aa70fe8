/** `[[workflow]]` and `[[activity_stub]]` entries. */
import { readCommon, readExec } from './component-common.js';
import { describeValue } from './issues.js';
import type { TableReader } from './reader.js';
import type { ActivityStubConfig, BacktraceSource, WorkflowConfig } from './types.js';

export function readWorkflow(r: TableReader): WorkflowConfig | undefined {
  const common = readCommon(r, 'workflow');
  const exec = readExec(r);
  const retryExpBackoffMs = r.duration('retry_exp_backoff', 100, 'retry_exp_backoff.milliseconds = 100');
  // Workflows retry without limit, so a zero backoff would spin (Obelisk rejects it too).
  if (retryExpBackoffMs === 0) r.issue('retry_exp_backoff', 'expected a duration above zero for a workflow (workflows retry without limit), for example `retry_exp_backoff.milliseconds = 100`; got 0');
  const joinNextBlockingStrategy = r.choice('join_next_blocking_strategy', ['await', 'interrupt'] as const, 'await');
  const backtraceSources = readBacktrace(r);
  r.finish();
  if (!common) return undefined;
  return { ...common, kind: 'workflow', exec, retryExpBackoffMs: retryExpBackoffMs || 100, joinNextBlockingStrategy, backtraceSources };
}

/** `backtrace.sources = {".../src/lib.rs" = "${OBELISK_TOML_DIR}/src/lib.rs"}`; a leading `...` means "ends with". */
function readBacktrace(r: TableReader): BacktraceSource[] {
  const example = 'backtrace.sources = {".../src/lib.rs" = "${OBELISK_TOML_DIR}/src/lib.rs"}';
  const t = r.table('backtrace', example);
  if (!t) return [];
  const sources = t.table('sources', example);
  t.finish();
  if (!sources) return [];
  const out: BacktraceSource[] = [];
  for (const [key, value] of sources.entries()) {
    const at = sources.keyPath(key);
    if (typeof value !== 'string') {
      r.ctx.issues.add(at, `expected a source file path, for example \`${example}\`; got ${describeValue(value)}`);
      continue;
    }
    const frame = r.interpolated(at, key);
    const path = r.interpolated(at, value);
    if (frame === undefined || path === undefined) continue;
    const suffixMatch = frame.startsWith('...');
    out.push({ frameFile: suffixMatch ? frame.slice(3) : frame, suffixMatch, sourcePath: r.resolvePath(path) });
  }
  return out;
}

/** `[[activity_stub]]` (alias `[[activity_external]]`): only the WIT schema is loaded; results come from `stub`. */
export function readActivityStub(r: TableReader): ActivityStubConfig | undefined {
  const common = readCommon(r, 'activity_stub');
  r.finish();
  return common ? { ...common, kind: 'activity_stub' } : undefined;
}
