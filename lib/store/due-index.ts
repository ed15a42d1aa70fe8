/**
 * The due index: `due/<time>~<dir>`, one empty marker per (time, execution). Derived data, not
 * audit: rebuildIndex recomputes it from the logs. A marker is a hard link to an empty template
 * file (`due/.marker-<n>`): link(2) creates a name exclusively, like open(O_EXCL), without
 * allocating an inode, which is what costs on some file systems. A template takes up to the file
 * system's link limit (65,000 on ext4), then the next one is used.
 *
 * Invariants (the no-lost-wake-up protocol, see docs/format.md):
 *  1. A marker is created before the state change or message it announces is written, so an
 *     execution with something to do always has a marker at or before that time.
 *  2. A process removes only markers it created itself or observed before it read the inbox, so a
 *     marker written by a deliverer after that read survives and wakes the execution again.
 *  3. A deliverer always creates a marker nobody observed (`createFresh`): on a name clash it
 *     adds a sequence number (`<time>~<dir>~<n>`) instead of reusing a name that someone may be
 *     about to remove. The time stays exact, however many messages arrive in one millisecond.
 */
import { join } from 'node:path';
import type { FileLayer } from './file-layer.js';
import { errnoCode } from './file-layer.js';
import type { ExecutionId } from '../model/ids.js';
import { markerName, markerVariant } from './layout.js';

const EMPTY = new Uint8Array(0);
const TEMPLATE = '.marker-';

export class DueIndex {
  /** Set when due/ vanished while the store was open: the next `due` call rebuilds it. */
  needsRebuild = false;
  private dirty = false;
  private template = 0;
  private readonly lastVariant = new Map<string, number>();

  constructor(
    private readonly fs: FileLayer,
    readonly dir: string,
    private readonly durable: boolean,
  ) {}

  /** Creates the marker unless it exists. Returns its name if this call created it, null if it was there already. */
  ensure(ms: number, id: ExecutionId): string | null {
    const name = markerName(ms, id);
    return this.write(name) ? name : null;
  }

  /** Creates a marker that did not exist before, at `ms`; returns its name. */
  createFresh(ms: number, id: ExecutionId): string {
    const base = markerName(ms, id);
    if (this.write(base)) return base;
    // Several markers in one millisecond: continue after the last sequence number this process used.
    for (let n = (this.lastVariant.get(base) ?? 0) + 1; ; n++) {
      const name = markerVariant(base, n);
      if (this.write(name)) {
        if (this.lastVariant.size >= 10_000) this.lastVariant.clear();
        this.lastVariant.set(base, n);
        return name;
      }
    }
  }

  remove(names: Iterable<string>): void {
    for (const name of names) this.fs.unlink(join(this.dir, name));
  }

  /** Every marker name, earliest first (templates and other dot files are not markers). */
  list(): string[] {
    const names = this.fs.readdir(this.dir);
    if (names === null) {
      this.needsRebuild = true;
      return [];
    }
    return names.filter((n) => !n.startsWith('.')).sort();
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** In fsync mode, makes the markers created so far durable. */
  async sync(): Promise<void> {
    if (!this.durable || !this.dirty) return;
    this.dirty = false;
    await this.fs.syncDir(this.dir);
  }

  private write(name: string): boolean {
    const target = join(this.dir, name);
    for (let attempt = 0; ; attempt++) {
      const template = join(this.dir, `${TEMPLATE}${this.template}`);
      try {
        const created = this.fs.link(template, target);
        if (created) this.dirty = true;
        return created;
      } catch (err) {
        const code = errnoCode(err);
        if (attempt > 100) throw err;
        if (code === 'EMLINK') this.template += 1; // this template is full: use the next one
        else if (code === 'ENOENT') this.createTemplate(template);
        else throw err;
      }
    }
  }

  private createTemplate(template: string): void {
    try {
      this.fs.writeExclusive(template, EMPTY);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
      // Somebody deleted due/: recreate it and rebuild it from the logs at the next scan.
      this.fs.mkdirp(this.dir);
      this.needsRebuild = true;
      this.fs.writeExclusive(template, EMPTY);
    }
  }
}
