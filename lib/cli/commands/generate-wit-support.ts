/**
 * `obelisk generate wit-support <output-dir>`: write the WIT packages of the host interfaces a
 * workflow may import (obelisk:types@4.2.0, obelisk:workflow@5.1.0, obelisk:log@1.0.0), one folder
 * per package as wit/deps expects. Needs no config.
 */
import { resolve } from 'node:path';
import { writeHostWit } from '../../component/wit-gen.js';
import type { CommandContext } from '../command.js';
import { writtenFiles, writtenText } from './shared/written.js';

export async function run(ctx: CommandContext): Promise<number> {
  const dir = resolve(ctx.cwd, String(ctx.args['output-dir']));
  const written = await writtenFiles(dir, () => writeHostWit(dir));
  ctx.io.out(writtenText(written));
  return 0;
}

