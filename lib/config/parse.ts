/**
 * obelisk.toml text → Config, without touching the file system (loadConfig adds the file checks).
 *
 * Invariants:
 *  1. Every problem is collected and thrown together as one InvalidConfigError (a ConfigError); a
 *     Config is returned only when there are none.
 *  2. The returned Config is deeply frozen, defaulted, with absolute paths and durations in ms.
 *  3. Component names are unique across all kinds.
 *  4. Keys of Obelisk's server (api, webui, sqlite, …) have no meaning here: they are ignored with a
 *     warning, so an Obelisk config with them still loads.
 */
import { dirname, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { readActivityWasm } from './activity-wasm.js';
import { InvalidConfigError, IssueList } from './issues.js';
import { keyLocator } from './locate.js';
import { TableReader, type ReadContext } from './reader.js';
import type { ComponentConfig, Config, Durability } from './types.js';
import { readActivityStub, readWorkflow } from './workflow.js';

export interface ParseOptions {
  /** Where the text came from; its folder is `${OBELISK_TOML_DIR}` and the base of relative paths. */
  readonly path: string;
  /** The environment for `${ENV}` and bare `env_vars` names. */
  readonly env: NodeJS.ProcessEnv;
}

/** Top-level keys of Obelisk's own server config: accepted, ignored, reported as a warning. */
const OBELISK_SERVER_KEYS = [
  'api', 'webui', 'external', 'database', 'sqlite', 'sqlite_file', 'wasm', 'wasm_cache_dir', 'codegen_cache', 'oci',
  'activities', 'workflows', 'timers_watcher', 'cancel_watcher', 'otlp', 'log', 'http_server', 'webhook_endpoint',
  'activity_js', 'workflow_js', 'obelisk-version', 'deployment_id',
];

export function parseConfig(text: string, options: ParseOptions): Config {
  const path = resolve(options.path);
  const dir = dirname(path);
  const root = parseTomlText(text, path);
  const issues = new IssueList(keyLocator(text));
  const env = options.env;
  const ctx: ReadContext = {
    issues, dir, warnings: [],
    vars: (name) => (name === 'OBELISK_TOML_DIR' ? dir : env[name]),
  };
  const r = new TableReader(ctx, '', root);

  const stateDir = r.filePath('state_dir', 'state_dir = "${OBELISK_TOML_DIR}/state"') ?? resolve(dir, 'state');
  const cacheDir = r.filePath('cache_dir', 'cache_dir = "${OBELISK_TOML_DIR}/.cache"') ?? resolve(dir, '.cache');
  const durability = r.choice<Durability>('durability', ['default', 'fsync'], 'default');
  const tick = readTick(r);

  const components: ComponentConfig[] = [];
  const add = (c: ComponentConfig | undefined): void => void (c && components.push(c));
  for (const t of r.tableArray('activity_wasm', '[[activity_wasm]]')) add(readActivityWasm(t, env));
  for (const key of ['activity_stub', 'activity_external']) {
    for (const t of r.tableArray(key, `[[${key}]]`)) add(readActivityStub(t));
  }
  for (const t of r.tableArray('workflow', '[[workflow]]')) add(readWorkflow(t));

  for (const key of OBELISK_SERVER_KEYS) {
    if (r.ignore(key)) ctx.warnings.push(`${key}: ignored (an Obelisk server setting with no meaning for this engine)`);
  }
  r.finish();
  checkUniqueNames(components, issues);
  issues.throwIfAny(path);
  return deepFreeze({ path, dir, stateDir, cacheDir, durability, tick, components, warnings: ctx.warnings });
}

function parseTomlText(text: string, path: string): Record<string, unknown> {
  try {
    return parseToml(text, { integersAsBigInt: true });
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    // smol-toml's message is "Invalid TOML document: <what>\n\n<code excerpt>"; keep both, the excerpt indented.
    const [first = '', ...rest] = e.message.split('\n');
    const what = first.replace(/^Invalid TOML document:\s*/, '');
    const excerpt = rest.filter((l) => l.trim() !== '').map((l) => `    ${l}`).join('\n');
    throw new InvalidConfigError(path, [{
      keyPath: '', line: e.line,
      message: `not valid TOML (column ${e.column}): ${what}${excerpt ? `\n${excerpt}` : ''}`,
    }]);
  }
}

function readTick(r: TableReader): Config['tick'] {
  const t = r.table('tick', '[tick] max_duration.seconds = 50');
  const dflt = 50_000;
  if (!t) return { maxDurationMs: dflt };
  const ms = t.duration('max_duration', dflt, 'max_duration.seconds = 50');
  if (ms === 0) t.issue('max_duration', 'expected a duration above zero, for example `max_duration.seconds = 50`; got 0');
  t.finish();
  return { maxDurationMs: ms || dflt };
}

function checkUniqueNames(components: readonly ComponentConfig[], issues: IssueList): void {
  const seen = new Map<string, ComponentConfig>();
  for (const c of components) {
    const first = seen.get(c.name);
    if (first) {
      const line = issues.lineOf(`${first.keyPath}.name`);
      const where = line === undefined ? first.keyPath : `${first.keyPath} (line ${line})`;
      issues.add(`${c.keyPath}.name`, `duplicate component name ${JSON.stringify(c.name)}, also used by ${where}; expected each component to have its own name`);
    } else {
      seen.set(c.name, c);
    }
  }
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
