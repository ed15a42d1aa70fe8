/**
 * Setup file of every test project (vitest.config.ts): the shared replay check after every test
 * (verify-state.ts). The test file's process gets a temporary folder of its own (TMPDIR), so every
 * state folder a test creates there is found without the test doing anything; it is removed after
 * the file (kept, and printed, when a test failed). A test cannot opt out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { verifyStateFolders } from './verify-state.js';

const saved = { TMPDIR: process.env.TMPDIR, TMP: process.env.TMP, TEMP: process.env.TEMP };
const root = mkdtempSync(path.join(tmpdir(), 'obelisk-vitest-'));
process.env.TMPDIR = root;
process.env.TMP = root;
process.env.TEMP = root;

async function check(when: string): Promise<void> {
  const problems = await verifyStateFolders(root);
  if (problems.length) {
    throw new Error(`the shared replay check (test/support/verify-state.ts) ${when}: executions left behind do not replay:\n${problems.join('\n')}`);
  }
}

// A failing test's folders are kept for a look (and their place printed).
let keep = false;

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail' && !task.fails) keep = true;
  await check('after this test');
});

afterAll(async () => {
  try {
    await check('after the last test of this file');
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (keep) console.log(`temporary folders of this file kept in ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
});
