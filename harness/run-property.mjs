#!/usr/bin/env node
// `npm run test:property [-- --runs <n>] [--seed <n>] [--shrink] [vitest arguments…]`: the property
// tests (vitest project "property") with OBELISK_RUNS / OBELISK_SEED / OBELISK_SHRINK set from the
// options (harness/run/property.ts reads them; each property prints the seed it used).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const USAGE = `usage: npm run test:property -- [--runs <n>] [--seed <n>] [--shrink] [vitest arguments, e.g. a file filter]
  --runs <n>   runs per property (default: each property's own small count)
  --seed <n>   the seed of every property (default: a fresh one, printed)
  --shrink     shrink a failing case to a smaller one (slow)`;

const env = { ...process.env };
const rest = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
  const value = () => {
    const v = inline ?? args[++i];
    if (v === undefined || !/^\d+$/.test(v)) {
      console.error(`${flag}: expected a whole number, for example ${flag} 100; got ${JSON.stringify(v ?? '')}\n${USAGE}`);
      process.exit(2);
    }
    return v;
  };
  if (flag === '--runs') env.OBELISK_RUNS = value();
  else if (flag === '--seed') env.OBELISK_SEED = value();
  else if (flag === '--shrink') env.OBELISK_SHRINK = '1';
  else if (flag === '--help' || flag === '-h') {
    console.log(USAGE);
    process.exit(0);
  } else rest.push(a);
}

const require = createRequire(import.meta.url);
const vitest = path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const child = spawn(process.execPath, [vitest, 'run', '--project', 'property', ...rest], { stdio: 'inherit', env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
