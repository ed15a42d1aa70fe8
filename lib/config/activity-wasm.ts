/** `[[activity_wasm]]`: retries, output forwarding, environment, outbound HTTP, directories, memory. */
import { readCommon, readExec } from './component-common.js';
import { readEnvVars } from './env-vars.js';
import { parseHostPattern } from './host-pattern.js';
import type { TableReader } from './reader.js';
import type { ActivityWasmConfig, AllowedHost, DirectoriesSettings, EnvVar, StdOutputTarget } from './types.js';

const OUTPUTS: readonly StdOutputTarget[] = ['db', 'none', 'stdout', 'stderr'];
const REPLACE_IN = ['headers', 'body', 'params'] as const;
export const DEFAULT_MEMORY_LIMIT_MB = 512;

export function readActivityWasm(r: TableReader, env: NodeJS.ProcessEnv): ActivityWasmConfig | undefined {
  const common = readCommon(r, 'activity_wasm');
  const exec = readExec(r);
  const maxRetries = r.integer('max_retries', 5, 'max_retries = 5');
  const retryExpBackoffMs = r.duration('retry_exp_backoff', 100, 'retry_exp_backoff.milliseconds = 100');
  const retryOnErr = r.boolean('retry_on_err', true, 'retry_on_err = true');
  const forwardStdout = r.choice('forward_stdout', OUTPUTS, 'db');
  const forwardStderr = r.choice('forward_stderr', OUTPUTS, 'db');
  const envVars = readEnvVars(r, 'env_vars', env);
  const allowedHosts = r.tableArray('allowed_host', '[[activity_wasm.allowed_host]] pattern = "https://api.example.com"')
    .map((h) => readAllowedHost(h, env, envVars))
    .filter((h): h is AllowedHost => h !== undefined);
  const directories = readDirectories(r);
  const memoryLimitBytes = readMemoryLimit(r);
  const inWorkflowThread = r.boolean('in_workflow_thread', true, 'in_workflow_thread = false');
  r.finish();
  if (!common) return undefined;
  return {
    ...common, kind: 'activity_wasm', exec, maxRetries, retryExpBackoffMs, retryOnErr, forwardStdout, forwardStderr,
    envVars, allowedHosts, directories, memoryLimitBytes, inWorkflowThread,
  };
}

function readAllowedHost(r: TableReader, env: NodeJS.ProcessEnv, envVars: readonly EnvVar[]): AllowedHost | undefined {
  const patternText = r.requiredString('pattern', 'pattern = "https://*.example.com"');
  const methods = r.stringArray('methods', 'methods = ["GET", "POST"]').map((m, i) => {
    if (!/^[A-Za-z]+$/.test(m)) r.ctx.issues.add(`${r.keyPath('methods')}[${i}]`, `invalid HTTP method ${JSON.stringify(m)}: expected a method name, for example "GET"`);
    return m.toUpperCase();
  });
  let secrets: EnvVar[] = [];
  let secretsReplaceIn: AllowedHost['secretsReplaceIn'] = [];
  const s = r.table('secrets', 'secrets.env_vars = ["API_TOKEN"]');
  if (s) {
    secrets = readEnvVars(s, 'env_vars', env);
    const given = s.has('replace_in');
    secretsReplaceIn = (given ? s.stringArray('replace_in', 'replace_in = ["headers"]') : ['headers']).filter((x, i) => {
      if ((REPLACE_IN as readonly string[]).includes(x)) return true;
      r.ctx.issues.add(`${s.keyPath('replace_in')}[${i}]`, `expected one of "headers", "body", "params", for example \`replace_in = ["headers"]\`; got ${JSON.stringify(x)}`);
      return false;
    }) as AllowedHost['secretsReplaceIn'];
    s.finish();
    for (const secret of secrets) {
      if (envVars.some((e) => e.name === secret.name)) s.issue('env_vars', `secret ${secret.name} is also in the activity's env_vars; a secret must be visible only for requests to its host, so list it in one place`);
    }
  }
  r.finish();
  if (patternText === undefined) return undefined;
  const parsed = parseHostPattern(patternText);
  if ('problem' in parsed) {
    r.issue('pattern', parsed.problem);
    return undefined;
  }
  if (secrets.length > 0 && parsed.scheme !== 'https') {
    r.ctx.warnings.push(`${r.path}: secrets are allowed for ${JSON.stringify(patternText)}, which permits unencrypted http`);
  }
  return { pattern: patternText, ...parsed, methods: [...new Set(methods)], secrets, secretsReplaceIn };
}

function readDirectories(r: TableReader): DirectoriesSettings {
  const t = r.table('directories', 'directories.enabled = true');
  const defaults: DirectoriesSettings = { enabled: false, reuseOnRetry: false, processProvider: 'none' };
  if (!t) return defaults;
  const enabled = t.boolean('enabled', false, 'directories.enabled = true');
  const reuseOnRetry = t.boolean('reuse_on_retry', false, 'directories.reuse_on_retry = true');
  const processProvider = t.choice('process_provider', ['none', 'native'] as const, 'none');
  t.finish();
  if (processProvider !== 'none' && !enabled) t.issue('process_provider', 'the process API needs a working folder: set `directories.enabled = true` too');
  return { enabled, reuseOnRetry, processProvider };
}

/** A 32-bit guest addresses at most 4 GiB, so larger caps mean nothing. */
function readMemoryLimit(r: TableReader): number {
  const t = r.table('memory_limit', `memory_limit.megabytes = ${DEFAULT_MEMORY_LIMIT_MB}`);
  const mb = t ? t.integer('megabytes', DEFAULT_MEMORY_LIMIT_MB, `memory_limit.megabytes = ${DEFAULT_MEMORY_LIMIT_MB}`, 1, 4096) : DEFAULT_MEMORY_LIMIT_MB;
  t?.finish();
  return mb * 1024 * 1024;
}
