/** Engines over temporary state folders, configured with the components this repository builds. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../lib/config/load.js';
import { openEngine, type OpenOptions } from '../../lib/executor/open.js';
import type { Engine } from '../../lib/executor/engine.js';
import { verifyAll } from '../../lib/verify/verify-all.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BUILT = path.join(ROOT, '.cache', 'components');

export interface TestEngine {
  engine: Engine;
  dir: string;
  close(): Promise<void>;
}

/** `toml` may use ${BUILT} for the built components folder and ${ROOT} for the repository. */
export async function testEngine(toml: string, opts: OpenOptions = {}): Promise<TestEngine> {
  const dir = mkdtempSync(path.join(tmpdir(), 'obelisk-test-'));
  const text = toml.replaceAll('${BUILT}', BUILT).replaceAll('${ROOT}', ROOT);
  writeFileSync(path.join(dir, 'obelisk.toml'), `cache_dir = "${path.join(ROOT, '.cache')}"\n${text}`);
  const config = await loadConfig(path.join(dir, 'obelisk.toml'), process.env);
  const engine = await openEngine(config, opts);
  return {
    engine, dir,
    async close() {
      // The shared check: whatever a test finished must replay identically (no test can skip it).
      const reports = await verifyAll(engine.deps.store, engine.deps.catalog, engine.deps.codec);
      const diverged = reports.filter((r) => r.status === 'diverged');
      await engine.deps.hot?.close();
      await engine.deps.activities.close();
      rmSync(dir, { recursive: true, force: true });
      if (diverged.length) throw new Error(`executions left behind do not replay:\n${diverged.map((d) => JSON.stringify(d)).join('\n')}`);
    },
  };
}

export function fiboToml(strategy: 'await' | 'interrupt'): string {
  return `
[[activity_wasm]]
name = "fibo_activity"
location = "\${BUILT}/fibo_activity.wasm"

[[workflow]]
name = "fibo_workflow"
location = "\${BUILT}/fibo_workflow.wasm"
join_next_blocking_strategy = "${strategy}"
`;
}

/** The script workflow with the test and stub activities. A long lease: a hot wait is interrupted
 * only when the lease would run out, never by a slow machine here. */
/** The componentize-js test activity (components/js_activity), no retries, a 20 s attempt: an `[[activity_wasm]]` table to add keys or tables to. */
export const JS_ACTIVITY_TOML = `
[[activity_wasm]]
name = "js_activity"
location = "\${ROOT}/components/js_activity/activity.js"
wit = "\${ROOT}/components/js_activity/wit"
max_retries = 0
exec.lock_expiry.seconds = 20
`;

export function scriptToml(strategy: 'await' | 'interrupt'): string {
  return `
[[workflow]]
name = "script"
location = "\${BUILT}/script_workflow.wasm"
join_next_blocking_strategy = "${strategy}"
exec.lock_expiry.seconds = 30

[[activity_wasm]]
name = "ops"
location = "\${BUILT}/test_activity.wasm"
max_retries = 0

[[activity_stub]]
name = "stub"
location = "\${BUILT}/stub_activity.wasm"
`;
}
