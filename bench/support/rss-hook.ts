/**
 * Preloaded into a measured `obelisk` process (`node --import <this file> bin/obelisk ...`): at exit,
 * writes the process's peak resident set size (KiB; worker threads included, they share the process)
 * to the file named by OBELISK_BENCH_RSS_FILE. Worker threads inherit the flag and do nothing.
 */
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const target = process.env['OBELISK_BENCH_RSS_FILE'];
if (isMainThread && target) {
  process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS)));
}
