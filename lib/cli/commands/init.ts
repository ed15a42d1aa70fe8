/**
 * `obelisk init [dir]`: write a starter project (templates/fibo): obelisk.toml, the WIT of a fibo
 * activity and a workflow calling it, both in TypeScript, a README and a tsconfig.json; then the
 * workflow's WIT dependencies (host packages, the activity's package and its extension packages) and
 * the TypeScript declarations of both components (`generate types`). Nothing is built here: the
 * components are built from src/ the first time a command loads them.
 *
 * It never overwrites: when any file it would write exists, it names them and writes nothing.
 */
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { obeliskRoot } from '../../component/source-build.js';
import { generateTypes, witWorldExports } from '../../component/types-gen.js';
import { writeExtensionWit, writeHostWit } from '../../component/wit-gen.js';
import { InputError } from '../../model/errors.js';
import type { CommandContext } from '../command.js';
import { writtenFiles } from './shared/written.js';

/** npm leaves `.gitignore` out of published packages, so the template keeps it under another name. */
const RENAMED: Record<string, string> = { 'gitignore': '.gitignore' };

export function templateDir(name = 'fibo'): string {
  return path.join(obeliskRoot(), 'templates', name);
}

/** Template files relative to the template folder, `/`-separated, in name order. */
function templateFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dir, r)).isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out;
}

function target(rel: string): string {
  const parts = rel.split('/');
  parts[parts.length - 1] = RENAMED[parts.at(-1)!] ?? parts.at(-1)!;
  return parts.join('/');
}

export async function run(ctx: CommandContext): Promise<number> {
  const dir = path.resolve(ctx.cwd, typeof ctx.args['dir'] === 'string' ? ctx.args['dir'] : '.');
  const template = templateDir();
  const files = templateFiles(template);
  const existing = files.map(target).filter((f) => statSync(path.join(dir, f), { throwIfNoEntry: false }));
  if (existing.length > 0) {
    throw new InputError(`${dir} already has ${existing.join(', ')}; expected a new or empty folder (init never overwrites): \`obelisk init <new-folder>\``);
  }
  const written = await writtenFiles(dir, async () => {
    const out: string[] = [];
    for (const f of files) {
      const to = path.join(dir, target(f));
      mkdirSync(path.dirname(to), { recursive: true });
      copyFileSync(path.join(template, f), to);
      out.push(to);
    }
    // The workflow's WIT dependencies: what it imports from the host and from the activity.
    const activityWit = path.join(dir, 'wit', 'activity');
    const deps = path.join(dir, 'wit', 'workflow', 'deps');
    out.push(...await writeHostWit(deps));
    const activityPackage = path.join(deps, 'template-fibo_activity', 'world.wit');
    mkdirSync(path.dirname(activityPackage), { recursive: true });
    copyFileSync(path.join(activityWit, 'world.wit'), activityPackage);
    out.push(activityPackage);
    out.push(...await writeExtensionWit(await witWorldExports(activityWit), 'activity_wasm', deps));
    // Declarations for the editor and `tsc --noEmit`.
    for (const c of ['activity', 'workflow']) {
      out.push(...(await generateTypes(path.join(dir, 'wit', c), path.join(dir, 'types', c))).files);
    }
    return out;
  });
  const shown = (p: string) => path.relative(ctx.cwd, p) || '.';
  ctx.io.out(`Wrote a starter project to ${shown(dir)} (${written.length} files): a TypeScript activity and workflow, their WIT and types.\n`);
  const cd = dir === path.resolve(ctx.cwd) ? '' : `  cd ${shown(dir)}\n`;
  ctx.io.out(`\nTry it (the components are built on first use, which takes a few seconds each):\n${cd}`
    + "  obelisk execution submit --follow template-fibo:workflow/fibo-workflow-ifc.fiboa '[10,2]'\n"
    + `\nThen edit src/activity.ts and src/workflow.ts; README.md explains the layout.\n`);
  return 0;
}
