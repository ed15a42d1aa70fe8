import { afterEach, describe, expect, it } from 'vitest';
import { testEngine, type TestEngine } from '../support/engine.js';
import { tick } from '../../lib/executor/tick.js';
import { readOutput } from '../../lib/store/output.js';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function print(forward: string) {
  const host = { stdout: '', stderr: '' };
  t = await testEngine(`
[[activity_wasm]]
name = "js_activity"
location = "\${ROOT}/components/js_activity/activity.js"
wit = "\${ROOT}/components/js_activity/wit"
exec.lock_expiry.seconds = 20
${forward}
`, { hostOutput: (stream, text) => { host[stream] += text; } });
  const id = await t.engine.submit('testing:js-activity/sandbox.print', ['hello']);
  await tick(t.engine, { maxDurationMs: 60_000, concurrency: 2 });
  return { host, stored: readOutput(t.engine.deps.store.root, id).map((l) => `${l.level}:${l.message}`) };
}

describe('forward_stdout / forward_stderr', () => {
  it('default "db": stored with the execution, not on the host', async () => {
    const r = await print('');
    expect([...r.stored].sort()).toEqual(['stderr:stderr: hello', 'stdout:hello']); // two pipes: no order between them
    expect(r.host).toEqual({ stdout: '', stderr: '' });
  }, 180_000);

  it('"stderr" / "none": the host\'s stream, or nowhere', async () => {
    const r = await print('forward_stdout = "stderr"\nforward_stderr = "none"');
    expect(r.host).toEqual({ stdout: '', stderr: 'hello\n' }); // stdout forwarded to the host's stderr; stderr dropped
    expect(r.stored).toEqual([]);
  }, 180_000);
});
