/**
 * `obelisk generate types <wit-dir> <out-dir> [--world <name>]`: TypeScript declarations for a
 * component written in JavaScript or TypeScript, from its WIT folder. Needs no config.
 */
import { resolve } from 'node:path';
import { generateTypes } from '../../component/types-gen.js';
import type { CommandContext } from '../command.js';
import { writtenFiles, writtenText } from './shared/written.js';

export async function run(ctx: CommandContext): Promise<number> {
  const witDir = resolve(ctx.cwd, String(ctx.args['wit-dir']));
  const outDir = resolve(ctx.cwd, String(ctx.args['out-dir']));
  const world = typeof ctx.options['world'] === 'string' ? ctx.options['world'] : undefined;
  const files = await writtenFiles(outDir, async () => (await generateTypes(witDir, outDir, world ? { world } : {})).files);
  ctx.io.out(writtenText(files));
  return 0;
}
