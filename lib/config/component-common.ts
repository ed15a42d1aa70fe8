/** Keys every component entry has: `name`, `location`, `content_digest`, and `wit`/`world` for sources to build. */
import type { TableReader } from './reader.js';
import { isTable } from './reader.js';
import type { BuildSettings, ComponentCommon, ComponentKind, ExecSettings } from './types.js';

export const NAME_PATTERN = /^[A-Za-z0-9_]+$/;
export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;
const SOURCE_EXTENSIONS = /\.(?:js|mjs|ts)$/;

/** Reads the common keys; undefined when a required one is missing or bad (the issue is recorded). */
export function readCommon(r: TableReader, kind: ComponentKind): ComponentCommon | undefined {
  const name = r.requiredString('name', 'name = "fibo_activity"');
  if (name !== undefined && !NAME_PATTERN.test(name)) {
    r.issue('name', `invalid component name ${JSON.stringify(name)}: expected letters, digits and _, for example "fibo_activity"`);
  }
  const location = readLocation(r);
  const contentDigest = readDigest(r);
  const build = readBuild(r, location);
  if (name === undefined || !NAME_PATTERN.test(name) || location === undefined) return undefined;
  return {
    kind, name, location, keyPath: r.path,
    ...(contentDigest !== undefined ? { contentDigest } : {}),
    ...(build !== undefined ? { build } : {}),
  };
}

/** `location = "path"`, or Obelisk's older `location.path = "path"`. Registries are not reachable here. */
function readLocation(r: TableReader): string | undefined {
  const example = 'location = "${OBELISK_TOML_DIR}/components/fibo_activity.wasm"';
  const raw = r.raw('location');
  if (raw === undefined) {
    r.missing('location', example);
    return undefined;
  }
  if (isTable(raw)) {
    const keys = Object.keys(raw);
    if (keys.length === 1 && keys[0] === 'path' && typeof raw['path'] === 'string') {
      const p = r.interpolated(`${r.keyPath('location')}.path`, raw['path']);
      return p === undefined ? undefined : r.resolvePath(p);
    }
    r.issue('location', `expected a file path, for example \`${example}\`; got a table with ${keys.join(', ')} (OCI and other registry locations are not supported: download the file and give its path)`);
    return undefined;
  }
  const text = r.string('location', example);
  if (text === undefined) return undefined;
  if (/^(?:oci|gh|https?):\/\//.test(text)) {
    r.issue('location', `expected a local file path, for example \`${example}\`; got ${JSON.stringify(text)} (registry and URL locations are not supported: download the file and give its path)`);
    return undefined;
  }
  return r.resolvePath(text);
}

function readDigest(r: TableReader): string | undefined {
  const example = 'content_digest = "sha256:' + '0123456789abcdef'.repeat(4) + '"';
  const text = r.string('content_digest', example);
  if (text === undefined) return undefined;
  const normal = text.toLowerCase();
  if (!DIGEST_PATTERN.test(normal)) {
    r.issue('content_digest', `invalid digest ${JSON.stringify(text)}: expected "sha256:" and 64 hex digits, for example \`${example}\``);
    return undefined;
  }
  return normal;
}

function readBuild(r: TableReader, location: string | undefined): BuildSettings | undefined {
  const wit = r.filePath('wit', 'wit = "${OBELISK_TOML_DIR}/wit"');
  const world = r.string('world', 'world = "any"');
  if (location === undefined) return undefined;
  const isSource = SOURCE_EXTENSIONS.test(location);
  if (!isSource) {
    if (r.has('wit') || r.has('world')) {
      r.issue(r.has('wit') ? 'wit' : 'world', `\`wit\` and \`world\` apply only to a component built from source (a location ending in .js or .ts); got location ${JSON.stringify(location)}`);
    }
    return undefined;
  }
  if (!r.has('wit')) {
    r.missing('wit', 'wit = "${OBELISK_TOML_DIR}/wit" (a component built from a .js/.ts source needs its WIT folder)');
    return undefined;
  }
  if (wit === undefined) return undefined;
  return world === undefined ? { wit } : { wit, world };
}

/** `exec.*`: lease and polling settings, defaults as Obelisk's. */
export function readExec(r: TableReader): ExecSettings {
  const t = r.table('exec', 'exec.lock_expiry.seconds = 1');
  const defaults: ExecSettings = { lockExpiryMs: 1_000, batchSize: 5, tickSleepMs: 200 };
  if (!t) return defaults;
  const lockExpiryMs = t.duration('lock_expiry', defaults.lockExpiryMs, 'exec.lock_expiry.seconds = 1');
  if (lockExpiryMs === 0) t.issue('lock_expiry', 'expected a duration above zero, for example `exec.lock_expiry.seconds = 1`; got 0');
  const batchSize = t.integer('batch_size', defaults.batchSize, 'exec.batch_size = 5', 1, 10_000);
  const tickSleepMs = t.duration('tick_sleep', defaults.tickSleepMs, 'exec.tick_sleep.milliseconds = 200');
  t.finish();
  return { lockExpiryMs: lockExpiryMs || defaults.lockExpiryMs, batchSize, tickSleepMs };
}
