/**
 * The file operations the store uses, behind one small interface so tests can inject faults
 * (ENOSPC, a crash at any write point) and count operations.
 *
 * Calls are synchronous except the ones that wait for the disk (datasync, syncFile, syncDir):
 * a critical section of the store (check the log's length, write, unlock) then runs without
 * yielding to other code in the process and costs microseconds, not thread-pool round trips.
 * A missing file or folder is a null/false result, never an exception; every other error is thrown.
 */
import * as fs from 'node:fs';

export interface FileStat {
  size: number;
  mtimeMs: number;
  /** Last status change (also set by link(2) and unlink(2) of any name of the file). */
  ctimeMs: number;
  isDirectory: boolean;
}

/** A log file opened for appending (O_APPEND) and reading. */
export interface AppendFile {
  /** Current length in bytes (fstat). */
  size(): number;
  /** The content from byte `offset` to the end, read through this descriptor. */
  readFrom(offset: number): Buffer;
  /** Which file this is (device and inode): a log replaced by another file has another identity. */
  identity(): string;
  /** One write(2) at the end of the file; returns the bytes written (short on ENOSPC). */
  append(data: Uint8Array): number;
  /** Cuts the file to `length` bytes. */
  truncate(length: number): void;
  datasync(): Promise<void>;
  close(): void;
}

export interface FileLayer {
  /** The wall clock that file modification times are compared with (lock staleness, grace periods). */
  now(): number;
  readFile(path: string): Buffer | null;
  /** The content from byte `offset` on, with the file's size and identity (see AppendFile); null when missing. */
  readFrom(path: string, offset: number): { bytes: Buffer; size: number; identity: string } | null;
  readdir(path: string): string[] | null;
  stat(path: string): FileStat | null;
  /** Creates one folder (not its parents); false when it exists already. */
  mkdir(path: string): boolean;
  /** Creates a folder and its parents. */
  mkdirp(path: string): void;
  /** false when missing. */
  rmdir(path: string): boolean;
  /** false when missing. */
  unlink(path: string): boolean;
  /** Hard link; false when `newPath` exists already (nothing changed). Throws ENOENT when `existing` is missing. */
  link(existing: string, newPath: string): boolean;
  rename(from: string, to: string): void;
  /** Creates `path` with O_EXCL and writes `data`; false when it exists already. */
  writeExclusive(path: string, data: Uint8Array): boolean;
  /** null when the file is missing (with `create`, an empty file is created instead). */
  openAppend(path: string, create?: boolean): AppendFile | null;
  syncFile(path: string): Promise<void>;
  syncDir(path: string): Promise<void>;
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

function missingAs<T>(value: T, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (code(err) === 'ENOENT') return value;
    throw err;
  }
}

function fsyncFd(fd: number, data: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err: NodeJS.ErrnoException | null): void => (err ? reject(err) : resolve());
    if (data) fs.fdatasync(fd, done);
    else fs.fsync(fd, done);
  });
}

async function syncPath(path: string, data: boolean): Promise<void> {
  const fd = fs.openSync(path, 'r');
  try {
    await fsyncFd(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}

function readFromFd(fd: number, offset: number): Buffer {
  const size = fs.fstatSync(fd).size;
  const length = Math.max(0, size - offset);
  const buf = Buffer.allocUnsafe(length);
  let off = 0;
  while (off < length) {
    const n = fs.readSync(fd, buf, off, length - off, offset + off);
    if (n === 0) break;
    off += n;
  }
  return off === length ? buf : buf.subarray(0, off);
}

function identityOf(fd: number): string {
  const st = fs.fstatSync(fd);
  return `${st.dev}:${st.ino}`;
}

class NodeAppendFile implements AppendFile {
  constructor(private readonly fd: number) {}
  size(): number {
    return fs.fstatSync(this.fd).size;
  }
  readFrom(offset: number): Buffer {
    return readFromFd(this.fd, offset);
  }
  identity(): string {
    return identityOf(this.fd);
  }
  append(data: Uint8Array): number {
    return fs.writeSync(this.fd, data);
  }
  truncate(length: number): void {
    fs.ftruncateSync(this.fd, length);
  }
  datasync(): Promise<void> {
    return fsyncFd(this.fd, true);
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}

/** The real file system. */
export const nodeFileLayer: FileLayer = {
  now: () => Date.now(),
  readFile: (path) => missingAs(null, () => fs.readFileSync(path)),
  readFrom: (path, offset) =>
    missingAs(null, () => {
      const fd = fs.openSync(path, 'r');
      try {
        const st = fs.fstatSync(fd);
        return { bytes: readFromFd(fd, offset), size: st.size, identity: `${st.dev}:${st.ino}` };
      } finally {
        fs.closeSync(fd);
      }
    }),
  readdir: (path) => missingAs(null, () => fs.readdirSync(path)),
  stat: (path) =>
    missingAs(null, () => {
      const s = fs.statSync(path, { throwIfNoEntry: false });
      return s === undefined ? null : { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, isDirectory: s.isDirectory() };
    }),
  mkdir(path) {
    try {
      fs.mkdirSync(path);
      return true;
    } catch (err) {
      if (code(err) === 'EEXIST') return false;
      throw err;
    }
  },
  mkdirp: (path) => void fs.mkdirSync(path, { recursive: true }),
  rmdir: (path) => missingAs(false, () => (fs.rmdirSync(path), true)),
  unlink: (path) => missingAs(false, () => (fs.unlinkSync(path), true)),
  link(existing, newPath) {
    try {
      fs.linkSync(existing, newPath);
      return true;
    } catch (err) {
      if (code(err) === 'EEXIST') return false;
      throw err;
    }
  },
  rename: (from, to) => fs.renameSync(from, to),
  writeExclusive(path, data) {
    let fd: number;
    try {
      fd = fs.openSync(path, 'wx');
    } catch (err) {
      if (code(err) === 'EEXIST') return false;
      throw err;
    }
    try {
      let off = 0;
      while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
    } catch (err) {
      fs.closeSync(fd);
      fs.rmSync(path, { force: true }); // a half-written new file is nobody's: do not leave it behind
      throw err;
    }
    fs.closeSync(fd);
    return true;
  },
  openAppend: (path, create) => missingAs(null, () => new NodeAppendFile(fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_APPEND | (create ? fs.constants.O_CREAT : 0), 0o644))),
  syncFile: (path) => syncPath(path, true),
  syncDir: (path) => syncPath(path, false),
};

/** True for the errors that mean the disk or quota is full. */
export function isNoSpace(err: unknown): boolean {
  const c = code(err);
  return c === 'ENOSPC' || c === 'EDQUOT' || c === 'EFBIG';
}

export function errnoCode(err: unknown): string | undefined {
  return code(err);
}
