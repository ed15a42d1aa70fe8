import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ExecutionStore, nodeFileLayer, parseMarkerName, type FileLayer } from '../../lib/store/index.js';
import { ManualClock, isoTime } from '../../lib/model/time.js';
import { markerTime } from '../../lib/store/layout.js';
import type { ExecutionId } from '../../lib/model/ids.js';
import { Ids, T0, created, tempRoot } from './helpers/setup.js';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = tempRoot('due')));
afterEach(() => cleanup());
const ids = new Ids('due-index');

/** The real file system, except that a template takes only `limit` links (as ext4 stops at 65,000). */
function linkLimited(limit: number): FileLayer {
  const links = new Map<string, number>();
  return {
    ...nodeFileLayer,
    link(existing, newPath) {
      const n = links.get(existing) ?? 0;
      if (existing.includes('.marker-') && n >= limit) throw Object.assign(new Error(`EMLINK: too many links, link '${existing}'`), { code: 'EMLINK' });
      const ok = nodeFileLayer.link(existing, newPath);
      if (ok) links.set(existing, n + 1);
      return ok;
    },
  };
}

describe('due markers', () => {
  it('are hard links to a template, and move on to a new template at the link limit', async () => {
    const clock = new ManualClock(T0);
    const store = await ExecutionStore.open({ root, clock, fs: linkLimited(3) });
    const made: ExecutionId[] = [];
    for (let i = 0; i < 8; i++) {
      const id = ids.execution();
      made.push(id);
      await store.create(id, created(T0, { scheduledMs: T0 + i }));
    }
    const names = readdirSync(join(root, 'due'));
    expect(names.filter((n) => n.startsWith('.')).sort()).toEqual(['.marker-0', '.marker-1', '.marker-2']);
    expect(statSync(join(root, 'due', '.marker-0')).nlink).toBe(4); // the template and three markers
    expect(await store.due(T0 + 100)).toEqual(made); // earliest first; templates are not markers
  });

  it('keeps the exact time when many messages arrive in one millisecond (sequence-numbered names)', async () => {
    const clock = new ManualClock(T0);
    const store = await ExecutionStore.open({ root, clock });
    const id = ids.execution();
    await store.create(id, created(T0, { scheduledMs: T0 + 60_000 }));
    for (let k = 1; k <= 30; k++) {
      await store.deliver(id, { type: 'delay-finished', at: isoTime(T0), join_set_id: 'g:1', delay_id: `Delay_${id.slice(2)}.g:1_${k}`, cancelled: false });
    }
    const names = readdirSync(join(root, 'due')).filter((n) => !n.startsWith('.') && n.startsWith(markerTime(T0)));
    expect(names).toHaveLength(30);
    expect(new Set(names.map((n) => parseMarkerName(n)?.ms))).toEqual(new Set([T0]));
    expect(names).toContain(`${markerTime(T0)}~${id}~29`);
    expect(await store.due(T0)).toEqual([id]);
  });

  it('recreates due/ when it disappears while the store is open, and rebuilds it at the next scan', async () => {
    const clock = new ManualClock(T0);
    const store = await ExecutionStore.open({ root, clock });
    const a = ids.execution();
    await store.create(a, created(T0));
    rmSync(join(root, 'due'), { recursive: true });
    const b = ids.execution();
    await store.create(b, created(T0, { scheduledMs: T0 + 5 }));
    expect(await store.due(T0 + 5)).toEqual([a, b]);
  });
});
