/**
 * The configured components' types, read from their binaries without transpiling anything (what
 * `component list` and `generate wit-extensions` need), indexed by the same registry the engine
 * uses, so a function exported twice is the same error here.
 */
import { ComponentRegistry, type RegisteredComponent } from '../../../component/registry.js';
import { loadComponentTypes } from '../../../component/loader.js';
import { componentFile } from '../../../component/source-build.js';
import type { InterfaceTypes } from '../../../component/types-reader.js';
import type { Config } from '../../../config/types.js';
import { ConfigError, UserError } from '../../../model/errors.js';
import { formatFfqn } from '../../../model/ffqn.js';
import type { CommandContext } from '../../command.js';
import { withProgress } from '../../render/progress.js';

export async function readComponentTypes(ctx: CommandContext, config: Config): Promise<ComponentRegistry> {
  const n = config.components.length;
  const list = await withProgress(ctx.io, `reading ${n} component${n === 1 ? '' : 's'}`, () => Promise.all(config.components.map(async (c): Promise<RegisteredComponent> => {
    try {
      const { location, digest, types } = await loadComponentTypes((await componentFile(c, { cacheDir: config.cacheDir })).path, c.build ? undefined : c.contentDigest);
      return { name: c.name, kind: c.kind, location, digest, types };
    } catch (err) {
      if (err instanceof UserError) throw new ConfigError(`component ${c.name} (${c.kind}): ${err.message}`, { cause: err });
      throw err;
    }
  })));
  return new ComponentRegistry(list);
}

/** The exported interfaces with only the functions a workflow or activity may serve (the rest are in types.unusable). */
export function usableExports(c: RegisteredComponent): InterfaceTypes[] {
  const unusable = new Set(c.types.unusable.filter((u) => u.direction === 'export').map((u) => u.ffqn));
  return c.types.exports
    .map((ifc) => ({ name: ifc.name, functions: ifc.functions.filter((f) => !unusable.has(formatFfqn(ifc.name, f.name))) }))
    .filter((ifc) => ifc.functions.length > 0);
}
