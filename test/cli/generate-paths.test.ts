import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { obelisk } from '../support/cli.js';
import { BUILT, ROOT, testEngine } from '../support/engine.js';

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('generate wit-extensions <component-or-wit> <dir>', () => {
  it('writes the same packages from a configured name, a .wasm file and a WIT folder; --stub adds -obelisk-stub', async () => {
    const t = await testEngine(`[[activity_wasm]]\nname = "fibo_activity"\nlocation = "\${BUILT}/fibo_activity.wasm"\n`);
    try {
      const out = (label: string) => mkdtempSync(path.join(tmpdir(), `obelisk-gen-${label}-`));
      const [byName, byFile, byWit, stub] = [out('name'), out('file'), out('wit'), out('stub')];
      expect((await obelisk(t.dir, 'generate', 'wit-extensions', 'fibo_activity', byName)).code).toBe(0);
      expect((await obelisk(t.dir, 'generate', 'wit-extensions', path.join(BUILT, 'fibo_activity.wasm'), byFile)).code).toBe(0);
      expect((await obelisk(t.dir, 'generate', 'wit-extensions', path.join(ROOT, 'components', 'fibo_activity', 'wit'), byWit)).code).toBe(0);
      expect((await obelisk(t.dir, 'generate', 'wit-extensions', '--stub', path.join(BUILT, 'fibo_activity.wasm'), stub)).code).toBe(0);
      expect(Object.keys(files(byName))).toContain('template-fibo_activity-obelisk-ext/template-fibo_activity-obelisk-ext.wit');
      expect(files(byFile)).toEqual(files(byName));
      expect(files(byWit)).toEqual(files(byName));
      expect(Object.keys(files(stub)).some((f) => f.includes('-obelisk-stub'))).toBe(true);
    } finally {
      await t.close();
    }
  });
});
