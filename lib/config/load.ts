/**
 * loadConfig: read obelisk.toml, parse it, then check what parsing cannot: that each component file
 * exists and matches its `content_digest`, and that each `wit` folder exists. Nothing may start on a
 * config that fails here.
 *
 * Two components exporting the same function can only be seen once the components' types are read:
 * the component loader calls checkDistinctExports (exports.ts) for that.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../model/errors.js';
import { sha256File } from './digest.js';
import { IssueList } from './issues.js';
import { keyLocator } from './locate.js';
import { deepFreeze, parseConfig } from './parse.js';
import type { Config } from './types.js';

export async function loadConfig(path: string, env: NodeJS.ProcessEnv): Promise<Config> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ConfigError(`config file not found: ${file}; expected an obelisk.toml there (docs/configuration.md shows one), or give another path`);
    }
    if (code === 'EISDIR') throw new ConfigError(`config path ${file} is a folder; expected the obelisk.toml file itself`);
    throw new ConfigError(`cannot read config file ${file}: ${(e as Error).message}`, { cause: e });
  }
  const config = parseConfig(text, { path: file, env });
  const issues = new IssueList(keyLocator(text));
  const warnings = [...config.warnings];
  await Promise.all(config.components.map(async (c) => {
    const kind = await fileKind(c.location);
    if (kind !== 'file') {
      issues.add(`${c.keyPath}.location`, kind === 'missing'
        ? `component file not found: ${c.location}; expected the ${c.build ? 'source' : '.wasm'} file of ${JSON.stringify(c.name)} there (build it first, or fix the path)`
        : `${c.location} is a folder; expected a file`);
    } else if (c.contentDigest !== undefined) {
      const actual = await sha256File(c.location);
      if (actual !== c.contentDigest) {
        issues.add(`${c.keyPath}.content_digest`, `does not match the file ${c.location}: configured ${c.contentDigest}, the file has ${actual}; expected them equal (update content_digest if the file changed on purpose)`);
      }
    }
    if (c.build && (await fileKind(c.build.wit)) !== 'dir') {
      issues.add(`${c.keyPath}.wit`, `WIT folder not found: ${c.build.wit}; expected a folder of .wit files`);
    }
    if (c.kind === 'workflow') {
      for (const s of c.backtraceSources) {
        if ((await fileKind(s.sourcePath)) !== 'file') warnings.push(`${c.keyPath}.backtrace.sources: ${s.sourcePath} not found; backtraces will not show that source`);
      }
    }
  }));
  issues.throwIfAny(file);
  return warnings.length === config.warnings.length ? config : deepFreeze({ ...config, warnings });
}

async function fileKind(path: string): Promise<'file' | 'dir' | 'missing'> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}
