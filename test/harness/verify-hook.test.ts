/**
 * The suite's shared replay check (test/support/verify-state.ts, run after every test by
 * verify-state.setup.ts): it is active in this file too, finds state folders a test made in its
 * temporary folder without being told, replays their finished executions against the config
 * beside them, and reports one that does not replay.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IN_PROCESS, ROOT, writeConfig } from '../../harness/run/config.js';
import { findStateFolders, verifyStateFolders } from '../support/verify-state.js';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'harness', 'recorded-script', 'state');
const ID = 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F';

describe('the shared replay check', () => {
  it('is set up for this file: the temporary folder is a private one it watches', () => {
    expect(path.basename(tmpdir())).toMatch(/^obelisk-vitest-/);
    expect(process.env.TMPDIR).toBe(tmpdir());
  });

  it('finds state folders at any depth, replays what is finished, and names an execution that does not replay', async () => {
    // Outside the watched folder, so the check after this test does not see the edit below.
    const root = mkdtempSync(path.join(path.dirname(tmpdir()), 'obelisk-hook-test-'));
    try {
      const dir = path.join(root, 'a', 'b');
      mkdirSync(dir, { recursive: true });
      writeConfig(dir, IN_PROCESS);
      cpSync(FIXTURE, path.join(dir, 'state'), { recursive: true });
      // A store's folder with no config beside it: nothing to replay against, left alone.
      cpSync(FIXTURE, path.join(root, 'bare'), { recursive: true });
      expect(findStateFolders(root).sort()).toEqual([path.join(dir, 'state'), path.join(root, 'bare')].sort());
      expect(await verifyStateFolders(root)).toEqual([]);

      const log = path.join(dir, 'state', 'executions', ID, 'log.jsonl');
      writeFileSync(log, readFileSync(log, 'utf8').replace('"params":["one"]', '"params":["uno"]'));
      const problems = await verifyStateFolders(root);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`${ID}: does not replay`);
      expect(problems[0]).toContain('params differs');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
