/**
 * `env_vars = ["ENV1", "ENV2=value"]`: a bare name passes the loader's environment value through (read
 * once, at load time); `NAME=value` sets it, with `${…}` interpolated in the value. A bare name that is
 * not set is an error, so an activity never starts without the credential it was configured with.
 */
import type { TableReader } from './reader.js';
import type { EnvVar } from './types.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function readEnvVars(r: TableReader, key: string, env: NodeJS.ProcessEnv): EnvVar[] {
  const out: EnvVar[] = [];
  r.stringArray(key, `${key} = ["API_TOKEN", "MODE=production"]`).forEach((entry, i) => {
    const at = `${r.keyPath(key)}[${i}]`;
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq);
    if (!NAME.test(name)) {
      r.ctx.issues.add(at, `invalid environment variable name ${JSON.stringify(name)}: expected letters, digits and _, for example "API_TOKEN" or "MODE=production"`);
      return;
    }
    if (out.some((e) => e.name === name)) {
      r.ctx.issues.add(at, `${name} is listed twice; expected each name once`);
      return;
    }
    if (eq < 0) {
      const value = env[name];
      if (value === undefined) {
        r.ctx.issues.add(at, `environment variable ${name} is not set; it is passed through from the environment at load time (set it, or write "${name}=value")`);
        return;
      }
      out.push({ name, value });
      return;
    }
    const value = r.interpolated(at, entry.slice(eq + 1));
    if (value !== undefined) out.push({ name, value });
  });
  return out;
}
