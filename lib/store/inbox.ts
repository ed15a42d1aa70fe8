/**
 * Inbox files: one single-line JSON file per message from outside the lease.
 *
 * Invariants:
 *  1. A message is written to a temporary file and published with link(2), which fails if the
 *     name exists: a name is written at most once, and a reader never sees a half-written file.
 *  2. Readers order messages by `at`, then by file name.
 *  3. A published file is never changed or removed by the engine (readers may cache it).
 */
import { join } from 'node:path';
import type { FileLayer } from './file-layer.js';
import type { InboxMessage } from '../model/events.js';
import type { ExecutionId } from '../model/ids.js';
import { inboxName, tmpPath, TMP_SUFFIX, type ExecutionPaths } from './layout.js';
import { encodeLines, parseInboxFile } from './log-file.js';

const JSON_SUFFIX = '.json';

/**
 * Reads inboxes. Inbox files never change once published, so each is parsed once and kept:
 * a workflow with a thousand children reads a thousand names per step, not a thousand files.
 */
export class InboxReader {
  private readonly parsed = new Map<string, InboxMessage>();

  constructor(private readonly fs: FileLayer, private readonly maxCached = 200_000) {}

  read(paths: ExecutionPaths): InboxMessage[] {
    const names = this.fs.readdir(paths.inbox);
    if (names === null) return [];
    const found: { name: string; msg: InboxMessage }[] = [];
    for (const name of names) {
      if (!name.endsWith(JSON_SUFFIX) || name.endsWith(TMP_SUFFIX)) continue;
      const file = join(paths.inbox, name);
      let msg = this.parsed.get(file);
      if (msg === undefined) {
        const buf = this.fs.readFile(file);
        if (buf === null) continue;
        msg = parseInboxFile(buf, file);
        if (this.parsed.size >= this.maxCached) this.parsed.clear();
        this.parsed.set(file, msg);
      }
      found.push({ name, msg });
    }
    found.sort((a, b) => (a.msg.at < b.msg.at ? -1 : a.msg.at > b.msg.at ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return found.map((f) => f.msg);
  }
}

/** Writes the message unless a message with its name exists; `wrote` is true when this call wrote it. */
export async function writeInbox(
  fs: FileLayer, paths: ExecutionPaths, to: ExecutionId, msg: InboxMessage, durable: boolean,
): Promise<{ wrote: boolean; file: string }> {
  const target = join(paths.inbox, inboxName(to, msg) + JSON_SUFFIX);
  const line = encodeLines([msg]);
  const createdFolder = fs.mkdir(paths.inbox);
  if (fs.stat(target) !== null) return { wrote: false, file: target };
  let tmp = tmpPath(target);
  while (!fs.writeExclusive(tmp, line)) tmp = tmpPath(target);
  let linked: boolean;
  try {
    if (durable) await fs.syncFile(tmp);
    linked = fs.link(tmp, target);
  } finally {
    fs.unlink(tmp);
  }
  if (durable && linked) {
    await fs.syncDir(paths.inbox);
    if (createdFolder) await fs.syncDir(paths.dir);
  }
  return { wrote: linked, file: target };
}
