/** Medians and the machine a run was measured on. */
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Machine {
  node: string;
  platform: string;
  kernel: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  /** File system type of the temporary folder the state folders live in. */
  tmpFileSystem: string;
  /** 1-minute load average at the start and the end of the run (others share this machine). */
  loadStart: number;
  loadEnd?: number;
}

/** The type of the file system `dir` is on: the longest matching mount point in /proc/mounts (Linux), else `stat -f`. */
function fsType(dir: string): string {
  try {
    let best = { mount: '', type: 'unknown' };
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [, mount, type] = line.split(' ');
      if (mount && type && (dir === mount || dir.startsWith(mount.endsWith('/') ? mount : `${mount}/`)) && mount.length > best.mount.length) best = { mount, type };
    }
    if (best.type !== 'unknown') return best.type;
  } catch {
    // not Linux
  }
  try {
    return execFileSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export function machine(): Machine {
  return {
    node: process.version, platform: process.platform, kernel: os.release(),
    cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30), tmpFileSystem: fsType(os.tmpdir()),
    loadStart: os.loadavg()[0]!,
  };
}
