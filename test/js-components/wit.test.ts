import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { witFiles } from '../../lib/component/build-wit.js';
import { SCRIPT_WIT_DEPS, scriptWorkflowDeps } from './script-wit.js';

// Set OBELISK_WRITE_FIXTURE_WIT=1 to rewrite the committed files after a deliberate change.
const write = process.env.OBELISK_WRITE_FIXTURE_WIT === '1';

describe('script_workflow WIT deps', () => {
  it('are exactly what wit-gen produces for the host and the fixture components', () => {
    const expected = scriptWorkflowDeps();
    if (write) {
      for (const f of expected) {
        const file = path.join(SCRIPT_WIT_DEPS, ...f.path.split('/'));
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, f.text);
      }
    }
    const committed = witFiles(SCRIPT_WIT_DEPS).map((f) => path.relative(SCRIPT_WIT_DEPS, f).split(path.sep).join('/')).sort();
    expect(committed).toEqual(expected.map((f) => f.path).sort());
    for (const f of expected) {
      expect(readFileSync(path.join(SCRIPT_WIT_DEPS, ...f.path.split('/')), 'utf8'), f.path).toBe(f.text);
    }
  });
});
