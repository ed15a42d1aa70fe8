/**
 * `obelisk generate wit-extensions <component> <output-dir>`: for a component named in obelisk.toml,
 * write the WIT packages a workflow imports to call its functions: `-obelisk-ext` (submit,
 * await-next, get, invoke), `-obelisk-schedule`, and for a stub activity `-obelisk-stub`; plus its
 * exported packages rebuilt from its types, which those `use`.
 */
import { resolve } from 'node:path';
import { loadComponentTypes } from '../../component/loader.js';
import { componentFile } from '../../component/source-build.js';
import { writeExportedWit, writeExtensionWit } from '../../component/wit-gen.js';
import { closest } from '../../config/suggest.js';
import { ConfigError, InputError, NotFoundError, UserError } from '../../model/errors.js';
import type { CommandContext } from '../command.js';
import { usableExports } from './shared/components.js';
import { writtenFiles, writtenText } from './shared/written.js';

export async function run(ctx: CommandContext): Promise<number> {
  const name = String(ctx.args['component']);
  const dir = resolve(ctx.cwd, String(ctx.args['output-dir']));
  const config = await ctx.loadConfig();
  const c = config.components.find((x) => x.name === name);
  if (!c) {
    const names = config.components.map((x) => x.name);
    const near = closest(name, names);
    throw new NotFoundError(`no component named ${JSON.stringify(name)} in ${config.path}${near ? `; did you mean ${JSON.stringify(near)}?` : ''}`
      + `${names.length ? ` (configured: ${names.join(', ')})` : ' (it configures none)'}`);
  }
  let loaded;
  try {
    loaded = await loadComponentTypes((await componentFile(c, { cacheDir: config.cacheDir })).path, c.build ? undefined : c.contentDigest);
  } catch (err) {
    if (err instanceof UserError) throw new ConfigError(`component ${c.name} (${c.kind}): ${err.message}`, { cause: err });
    throw err;
  }
  const exported = usableExports({ name: c.name, kind: c.kind, ...loaded });
  if (exported.length === 0) throw new InputError(`component ${c.name} exports no function a workflow can call (\`obelisk component list\` shows why); nothing to generate`);
  const written = await writtenFiles(dir, async () => [
    ...(await writeExportedWit(exported, dir)),
    ...(await writeExtensionWit(exported, c.kind, dir)),
  ]);
  ctx.io.out(writtenText(written));
  return 0;
}
