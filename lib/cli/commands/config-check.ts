/** `obelisk config check`: load the config (every check loadConfig does) and print what it resolved to. */
import type { ComponentConfig, Config, EnvVar } from '../../config/types.js';
import type { CommandContext } from '../command.js';

export async function run(ctx: CommandContext): Promise<number> {
  const config = await ctx.loadConfig();
  if (ctx.json) {
    ctx.io.out(`${JSON.stringify(redacted(config), null, 2)}\n`);
    return 0;
  }
  const s = ctx.io.style;
  const lines = [
    `${s.green('ok')} ${config.path}`,
    `  state dir   ${config.stateDir} (durability: ${config.durability})`,
    `  cache dir   ${config.cacheDir}`,
    `  tick        at most ${config.tick.maxDurationMs / 1000} s`,
    `  components  ${config.components.length}`,
  ];
  const width = Math.max(0, ...config.components.map((c) => c.name.length));
  for (const c of config.components) lines.push(`    ${c.name.padEnd(width)}  ${c.kind.padEnd(13)}  ${c.location}${details(c)}`);
  ctx.io.out(`${lines.join('\n')}\n`);
  return 0;
}

function details(c: ComponentConfig): string {
  const parts: string[] = [];
  if (c.contentDigest) parts.push('digest verified');
  if (c.build) parts.push(`built from source with ${c.build.wit}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** Env var and secret values may be credentials: print their names only. */
function redacted(config: Config): unknown {
  const hide = (vars: readonly EnvVar[]) => vars.map((v) => ({ name: v.name, value: '(hidden)' }));
  return {
    ...config,
    components: config.components.map((c) => c.kind !== 'activity_wasm' ? c : {
      ...c,
      envVars: hide(c.envVars),
      allowedHosts: c.allowedHosts.map((h) => ({ ...h, secrets: hide(h.secrets) })),
    }),
  };
}
