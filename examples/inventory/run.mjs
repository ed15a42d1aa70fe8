// Runs the example end to end: starts the inventory API on 127.0.0.1, values the inventory with
// `obelisk execution submit --follow`, prints the execution tree, stops the API.
//   node examples/inventory/run.mjs        (from the repository; the first run builds both components)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Runs the CLI in a child process, without blocking this one: the API must keep answering meanwhile. */
const obelisk = (...args) => new Promise((resolve) => {
  const child = spawn(process.execPath, [path.join(here, '..', '..', 'bin', 'obelisk'), ...args, '--config', path.join(here, 'obelisk.toml')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += d;
    process.stdout.write(d);
  });
  child.on('close', (code) => resolve({ code: code ?? 1, stdout }));
});

const server = await startServer();
console.log(`inventory API on ${server.url}`);
try {
  const run = await obelisk('execution', 'submit', '--follow', 'example-inventory:workflow/valuation.value-inventory', JSON.stringify([server.url]));
  const id = run.stdout.split('\n')[0].trim();
  if (id.startsWith('E_')) await obelisk('execution', 'tree', id);
  process.exitCode = run.code;
} finally {
  await server.close();
}
