/**
 * A FileLayer that injects faults at numbered write points: a crash (the operation may take
 * partial effect, then this "process" is dead: every later call throws) or ENOSPC (a write is
 * cut short or refused; later calls work). It can also call a hook before each write point, so a
 * test can interleave another actor at every step of an operation.
 */
import type { AppendFile, FileLayer, FileStat } from '../../../lib/store/file-layer.js';
import { nodeFileLayer } from '../../../lib/store/file-layer.js';

export class CrashError extends Error {
  constructor(op: string) {
    super(`simulated crash at ${op}`);
  }
}

function noSpace(op: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOSPC: no space left on device, ${op}`), { code: 'ENOSPC' });
}

export type Fault = { at: number; kind: 'crash' | 'enospc' };
/** A fault at the next write point of operation `op` whose path contains `path`. */
export type TargetedFault = { op: string; path: string; kind: 'crash' | 'enospc' };

export class FaultLayer implements FileLayer {
  /** Write points passed so far (1-based numbering: the first write point is 1). */
  writes = 0;
  dead = false;
  fault: Fault | undefined;
  targeted: TargetedFault | undefined;
  /** Added to the wall clock (make every lock and marker look old after a simulated restart). */
  nowOffsetMs = 0;
  hook: ((op: string, path: string, n: number) => void) | undefined;
  /** Every write point passed, for debugging a failing seed. */
  readonly trace: string[] = [];

  constructor(
    private readonly rand: () => number = Math.random,
    private readonly inner: FileLayer = nodeFileLayer,
  ) {}

  private alive(op: string): void {
    if (this.dead) throw new CrashError(`${op} (already dead)`);
  }

  /** Counts a write point; returns the fault to apply there, if any. */
  private point(op: string, path: string): Fault['kind'] | undefined {
    this.alive(op);
    this.writes += 1;
    this.trace.push(`${this.writes} ${op} ${path}`);
    this.hook?.(op, path, this.writes);
    if (this.fault && this.fault.at === this.writes) {
      const kind = this.fault.kind;
      this.fault = undefined;
      return kind;
    }
    if (this.targeted && this.targeted.op === op && path.includes(this.targeted.path)) {
      const kind = this.targeted.kind;
      this.targeted = undefined;
      return kind;
    }
    return undefined;
  }

  private die(op: string): never {
    this.dead = true;
    throw new CrashError(op);
  }

  /** A crash may or may not have applied a one-step operation. */
  private maybe<T>(op: string, fn: () => T): never {
    if (this.rand() < 0.5) fn();
    return this.die(op);
  }

  now(): number {
    return this.inner.now() + this.nowOffsetMs;
  }
  readFile(path: string): Buffer | null {
    this.alive('readFile');
    return this.inner.readFile(path);
  }
  readFrom(path: string, offset: number): { bytes: Buffer; size: number; identity: string } | null {
    this.alive('readFrom');
    return this.inner.readFrom(path, offset);
  }
  readdir(path: string): string[] | null {
    this.alive('readdir');
    return this.inner.readdir(path);
  }
  stat(path: string): FileStat | null {
    this.alive('stat');
    return this.inner.stat(path);
  }
  mkdir(path: string): boolean {
    const f = this.point('mkdir', path);
    if (f === 'crash') this.maybe('mkdir', () => this.inner.mkdir(path));
    if (f === 'enospc') throw noSpace(`mkdir '${path}'`);
    return this.inner.mkdir(path);
  }
  mkdirp(path: string): void {
    const f = this.point('mkdirp', path);
    if (f === 'crash') this.maybe('mkdirp', () => this.inner.mkdirp(path));
    if (f === 'enospc') throw noSpace(`mkdir '${path}'`);
    this.inner.mkdirp(path);
  }
  rmdir(path: string): boolean {
    if (this.point('rmdir', path) === 'crash') this.maybe('rmdir', () => this.inner.rmdir(path));
    return this.inner.rmdir(path);
  }
  unlink(path: string): boolean {
    if (this.point('unlink', path) === 'crash') this.maybe('unlink', () => this.inner.unlink(path));
    return this.inner.unlink(path);
  }
  link(existing: string, newPath: string): boolean {
    const f = this.point('link', newPath);
    if (f === 'crash') this.maybe('link', () => this.inner.link(existing, newPath));
    if (f === 'enospc') throw noSpace(`link '${newPath}'`);
    return this.inner.link(existing, newPath);
  }
  rename(from: string, to: string): void {
    if (this.point('rename', to) === 'crash') this.maybe('rename', () => this.inner.rename(from, to));
    this.inner.rename(from, to);
  }
  writeExclusive(path: string, data: Uint8Array): boolean {
    const f = this.point('writeExclusive', path);
    if (f === 'crash') {
      // Dies after creating the file with a prefix of its content (or before creating it).
      const cut = Math.floor(this.rand() * (data.length + 2)) - 1;
      if (cut >= 0) this.inner.writeExclusive(path, data.subarray(0, cut));
      this.die('writeExclusive');
    }
    if (f === 'enospc') throw noSpace(`write '${path}'`);
    return this.inner.writeExclusive(path, data);
  }
  openAppend(path: string, create?: boolean): AppendFile | null {
    this.alive('openAppend');
    const file = this.inner.openAppend(path, create);
    return file === null ? null : new FaultAppendFile(this, file, path);
  }
  async syncFile(path: string): Promise<void> {
    if (this.point('syncFile', path) === 'crash') this.die('syncFile');
    await this.inner.syncFile(path);
  }
  async syncDir(path: string): Promise<void> {
    if (this.point('syncDir', path) === 'crash') this.die('syncDir');
    await this.inner.syncDir(path);
  }

  /** For FaultAppendFile. */
  writePoint(op: string, path: string): Fault['kind'] | undefined {
    return this.point(op, path);
  }
  checkAlive(op: string): void {
    this.alive(op);
  }
  random(): number {
    return this.rand();
  }
  kill(op: string): never {
    return this.die(op);
  }
}

class FaultAppendFile implements AppendFile {
  constructor(private readonly layer: FaultLayer, private readonly inner: AppendFile, private readonly path: string) {}
  size(): number {
    this.layer.checkAlive('fstat');
    return this.inner.size();
  }
  readFrom(offset: number): Buffer {
    this.layer.checkAlive('read');
    return this.inner.readFrom(offset);
  }
  identity(): string {
    this.layer.checkAlive('fstat');
    return this.inner.identity();
  }
  append(data: Uint8Array): number {
    const f = this.layer.writePoint('append', this.path);
    if (f === undefined) return this.inner.append(data);
    // A crash lets 0..length bytes reach the file; a full disk 0..length-1 (write(2) reports it first).
    const cut = Math.floor(this.layer.random() * (f === 'crash' ? data.length + 1 : data.length));
    if (cut > 0) this.inner.append(data.subarray(0, cut));
    if (f === 'crash') this.layer.kill('append');
    if (cut > 0) return cut;
    throw noSpace(`write '${this.path}'`);
  }
  truncate(length: number): void {
    const f = this.layer.writePoint('truncate', this.path);
    if (f === 'crash') {
      if (this.layer.random() < 0.5) this.inner.truncate(length);
      this.layer.kill('truncate');
    }
    this.inner.truncate(length);
  }
  async datasync(): Promise<void> {
    if (this.layer.writePoint('datasync', this.path) === 'crash') this.layer.kill('datasync');
    await this.inner.datasync();
  }
  close(): void {
    this.inner.close(); // closing is not a write point; a dead process's descriptors close too
  }
}
