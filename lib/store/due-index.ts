/**
 * The due index: `due/<time>~<dir>`, one empty marker per (time, execution). Derived data, not
 * audit: rebuildIndex recomputes it from the logs.
 *
 * Invariants (the no-lost-wake-up protocol, see docs/format.md):
 *  1. A marker is created before the state change or message it announces is written, so an
 *     execution with something to do always has a marker at or before that time.
 *  2. A process removes only markers it created itself or observed before it read the inbox, so a
 *     marker written by a deliverer after that read survives and wakes the execution again.
 *  3. A deliverer always creates a marker nobody observed (`createFresh`): on a name clash it
 *     takes the next millisecond instead of reusing a name that someone may be about to remove.
 */
import { join } from 'node:path';
import type { FileLayer } from './file-layer.js';
import { errnoCode } from './file-layer.js';
import type { ExecutionId } from '../model/ids.js';
import { markerName } from './layout.js';

const EMPTY = new Uint8Array(0);

export class DueIndex {
  /** Set when due/ vanished while the store was open: the next `due` call rebuilds it. */
  needsRebuild = false;
  private dirty = false;

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

  /** Creates a marker that did not exist before, at `ms` or the first free millisecond after it. */
  createFresh(ms: number, id: ExecutionId): string {
    for (let t = ms; ; t++) {
      const name = markerName(t, id);
      if (this.write(name)) return name;
    }
  }

  remove(names: Iterable<string>): void {
    for (const name of names) this.fs.unlink(join(this.dir, name));
  }

  /** Every marker name, earliest first. */
  list(): string[] {
    const names = this.fs.readdir(this.dir);
    if (names === null) {
      this.needsRebuild = true;
      return [];
    }
    return names.sort();
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
    let created: boolean;
    try {
      created = this.fs.writeExclusive(join(this.dir, name), EMPTY);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
      // Somebody deleted due/: recreate it and rebuild it from the logs at the next scan.
      this.fs.mkdirp(this.dir);
      this.needsRebuild = true;
      created = this.fs.writeExclusive(join(this.dir, name), EMPTY);
    }
    if (created) this.dirty = true;
    return created;
  }
}
