/**
 * `obelisk generate wit-extensions <component-or-wit> <output-dir>`: for a component named in
 * obelisk.toml, a .wasm component file, or a WIT folder (built into a types-only component first),
 * write the WIT packages a workflow imports to call its functions: `-obelisk-ext` (submit,
 * await-next, get, invoke), `-obelisk-schedule`, and for a stub activity `-obelisk-stub`; plus its
 * exported packages rebuilt from its types, which those `use`.
 */
import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildComponent } from '../../component/build.js';
import type { ComponentTypes } from '../../component/types-reader.js';
import type { ComponentKind } from '../../config/types.js';
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
  const given = resolve(ctx.cwd, name);
  if (name.endsWith('.wasm') || (existsSync(given) && statSync(given).isDirectory())) {
    return write(ctx, dir, await typesOf(given), name, ctx.options['stub'] === true ? 'activity_stub' : 'activity_wasm');
  }
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
  return write(ctx, dir, loaded, c.name, c.kind);
}

async function write(ctx: CommandContext, dir: string, loaded: { location: string; digest: string; types: ComponentTypes }, name: string, kind: ComponentKind): Promise<number> {
  const exported = usableExports({ name, kind, ...loaded });
  if (exported.length === 0) throw new InputError(`component ${name} exports no function a workflow can call (\`obelisk component list\` shows why); nothing to generate`);
  const written = await writtenFiles(dir, async () => [
    ...(await writeExportedWit(exported, dir)),
    ...(await writeExtensionWit(exported, kind, dir)),
  ]);
  ctx.io.out(writtenText(written));
  return 0;
}

/** The types of a .wasm file, or of a WIT folder's world (built into a component whose functions trap). */
async function typesOf(given: string) {
  if (given.endsWith('.wasm')) return loadComponentTypes(given);
  const scratch = mkdtempSync(join(tmpdir(), 'obelisk-wit-'));
  try {
    symlinkSync(given, join(scratch, 'wit'));
    const built = await buildComponent(scratch, join(scratch, 'out'));
    return await loadComponentTypes(built.path);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
