import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/parse.js';
import type { ActivityWasmConfig, Config, WorkflowConfig } from '../../lib/config/types.js';

const DIR = join('/', 'projects', 'demo');
const PATH = join(DIR, 'obelisk.toml');
const parse = (text: string, env: NodeJS.ProcessEnv = {}): Config => parseConfig(text, { path: PATH, env });

describe('defaults (as Obelisk)', () => {
  const config = parse(`
[[activity_wasm]]
name = "fibo_activity"
location = "fibo_activity.wasm"

[[activity_stub]]
name = "stubbed"
location = "stub.wasm"

[[workflow]]
name = "fibo_workflow"
location = "fibo_workflow.wasm"
`);

  it('fills top-level settings', () => {
    expect(config.path).toBe(PATH);
    expect(config.dir).toBe(DIR);
    expect(config.stateDir).toBe(join(DIR, 'state'));
    expect(config.cacheDir).toBe(join(DIR, '.cache'));
    expect(config.durability).toBe('default');
    expect(config.tick).toEqual({ maxDurationMs: 50_000 });
    expect(config.warnings).toEqual([]);
  });

  it('fills activity settings: 5 retries, 100 ms backoff, retry on err, 1 s lock expiry, output to db, 512 MiB, may run in a workflow\'s thread', () => {
    const a = config.components[0] as ActivityWasmConfig;
    expect(a).toEqual({
      kind: 'activity_wasm', name: 'fibo_activity', location: join(DIR, 'fibo_activity.wasm'), keyPath: 'activity_wasm[0]',
      exec: { lockExpiryMs: 1_000, batchSize: 5, tickSleepMs: 200 },
      maxRetries: 5, retryExpBackoffMs: 100, retryOnErr: true, forwardStdout: 'db', forwardStderr: 'db',
      envVars: [], allowedHosts: [], directories: { enabled: false, reuseOnRetry: false, processProvider: 'none' },
      memoryLimitBytes: 512 * 1024 * 1024, inWorkflowThread: true,
    });
  });

  it('fills workflow settings: await strategy, 100 ms backoff, no backtrace sources', () => {
    const w = config.components[2] as WorkflowConfig;
    expect(w).toEqual({
      kind: 'workflow', name: 'fibo_workflow', location: join(DIR, 'fibo_workflow.wasm'), keyPath: 'workflow[0]',
      exec: { lockExpiryMs: 1_000, batchSize: 5, tickSleepMs: 200 },
      retryExpBackoffMs: 100, joinNextBlockingStrategy: 'await', backtraceSources: [],
    });
    expect(config.components[1]).toEqual({ kind: 'activity_stub', name: 'stubbed', location: join(DIR, 'stub.wasm'), keyPath: 'activity_stub[0]' });
  });

  it('is frozen all the way down', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.components)).toBe(true);
    expect(Object.isFrozen((config.components[0] as ActivityWasmConfig).exec)).toBe(true);
    expect(() => { (config as { durability: string }).durability = 'fsync'; }).toThrow(TypeError);
  });

  it('an empty file is a valid config with no components', () => {
    expect(parse('').components).toEqual([]);
  });
});

describe('interpolation', () => {
  it('replaces ${OBELISK_TOML_DIR} and ${ENV} in paths and values; relative paths resolve against the config folder', () => {
    const config = parse(`
state_dir = "\${DATA}/state"
cache_dir = "cache"

[[activity_wasm]]
name = "a"
location = "\${OBELISK_TOML_DIR}/build/\${FLAVOUR}/a.wasm"
env_vars = ["TOKEN", "URL=https://\${HOST}/api", "PLAIN=x"]

[[workflow]]
name = "w"
location = "../shared/w.wasm"
backtrace.sources = { ".../src/lib.rs" = "\${OBELISK_TOML_DIR}/src/lib.rs", "/abs/main.rs" = "main.rs" }
`, { DATA: join('/', 'var', 'data'), FLAVOUR: 'release', TOKEN: 't0k', HOST: 'example.com' });
    expect(config.stateDir).toBe(join('/', 'var', 'data', 'state'));
    expect(config.cacheDir).toBe(join(DIR, 'cache'));
    const a = config.components[0] as ActivityWasmConfig;
    expect(a.location).toBe(join(DIR, 'build', 'release', 'a.wasm'));
    expect(a.envVars).toEqual([
      { name: 'TOKEN', value: 't0k' }, { name: 'URL', value: 'https://example.com/api' }, { name: 'PLAIN', value: 'x' },
    ]);
    const w = config.components[1] as WorkflowConfig;
    expect(w.location).toBe(join('/', 'projects', 'shared', 'w.wasm'));
    expect(w.backtraceSources).toEqual([
      { frameFile: '/src/lib.rs', suffixMatch: true, sourcePath: join(DIR, 'src', 'lib.rs') },
      { frameFile: '/abs/main.rs', suffixMatch: false, sourcePath: join(DIR, 'main.rs') },
    ]);
  });

  it('leaves a lone $ alone', () => {
    const a = parse('[[activity_wasm]]\nname = "a"\nlocation = "a.wasm"\nenv_vars = ["PRICE=$5"]').components[0] as ActivityWasmConfig;
    expect(a.envVars).toEqual([{ name: 'PRICE', value: '$5' }]);
  });
});

describe('a full example', () => {
  it('parses every key into the expected Config', () => {
    const text = `
state_dir = "\${OBELISK_TOML_DIR}/var/state"
cache_dir = "\${OBELISK_TOML_DIR}/var/cache"
durability = "fsync"

[tick]
max_duration.seconds = 40

[[activity_wasm]]
name = "http_get"
location = "components/http_get.wasm"
content_digest = "sha256:${'AB'.repeat(32)}"
max_retries = 2
retry_exp_backoff.seconds = 1
retry_on_err = false
exec.lock_expiry.seconds = 10
exec.batch_size = 3
exec.tick_sleep.milliseconds = 50
forward_stdout = "stderr"
forward_stderr = "none"
env_vars = ["MODE=test"]
directories.enabled = true
directories.reuse_on_retry = true
directories.process_provider = "native"
memory_limit.megabytes = 64
in_workflow_thread = false

[[activity_wasm.allowed_host]]
pattern = "http://127.0.0.1:*"

[[activity_wasm.allowed_host]]
pattern = "https://*.example.com"
methods = ["get", "POST"]
secrets.env_vars = ["API_KEY"]
secrets.replace_in = ["headers", "body"]

[[activity_external]]
name = "approval"
location = "components/approval.wasm"

[[workflow]]
name = "flow"
location = "src/flow.js"
wit = "wit"
world = "flow-world"
exec.lock_expiry.minutes = 1
retry_exp_backoff.milliseconds = 250
join_next_blocking_strategy = "interrupt"
`;
    const config = parse(text, { API_KEY: 'k3y' });
    const expected: Config = {
      path: PATH, dir: DIR,
      stateDir: join(DIR, 'var', 'state'), cacheDir: join(DIR, 'var', 'cache'),
      durability: 'fsync', tick: { maxDurationMs: 40_000 }, warnings: [],
      components: [
        {
          kind: 'activity_wasm', name: 'http_get', location: join(DIR, 'components', 'http_get.wasm'), keyPath: 'activity_wasm[0]',
          contentDigest: `sha256:${'ab'.repeat(32)}`,
          exec: { lockExpiryMs: 10_000, batchSize: 3, tickSleepMs: 50 },
          maxRetries: 2, retryExpBackoffMs: 1_000, retryOnErr: false, forwardStdout: 'stderr', forwardStderr: 'none',
          envVars: [{ name: 'MODE', value: 'test' }],
          allowedHosts: [
            { pattern: 'http://127.0.0.1:*', scheme: 'http', host: '127.0.0.1', port: '*', methods: [], secrets: [], secretsReplaceIn: [] },
            {
              pattern: 'https://*.example.com', scheme: 'https', host: '*.example.com', port: 'default', methods: ['GET', 'POST'],
              secrets: [{ name: 'API_KEY', value: 'k3y' }], secretsReplaceIn: ['headers', 'body'],
            },
          ],
          directories: { enabled: true, reuseOnRetry: true, processProvider: 'native' },
          memoryLimitBytes: 64 * 1024 * 1024, inWorkflowThread: false,
        },
        { kind: 'activity_stub', name: 'approval', location: join(DIR, 'components', 'approval.wasm'), keyPath: 'activity_external[0]' },
        {
          kind: 'workflow', name: 'flow', location: join(DIR, 'src', 'flow.js'), keyPath: 'workflow[0]',
          build: { wit: join(DIR, 'wit'), world: 'flow-world' },
          exec: { lockExpiryMs: 60_000, batchSize: 5, tickSleepMs: 200 },
          retryExpBackoffMs: 250, joinNextBlockingStrategy: 'interrupt', backtraceSources: [],
        },
      ],
    };
    expect(config).toEqual(expected);
  });

  it("accepts Obelisk's older `location.path` form", () => {
    const c = parse('[[workflow]]\nname = "w"\nlocation.path = "w.wasm"').components[0]!;
    expect(c.location).toBe(join(DIR, 'w.wasm'));
  });

  it("ignores Obelisk's server keys with a warning instead of failing", () => {
    const config = parse('api.listening_addr = "127.0.0.1:5005"\n[webui]\nlistening_addr = "127.0.0.1:8080"\n');
    expect(config.warnings).toEqual([
      'api: ignored (an Obelisk server setting with no meaning for this engine)',
      'webui: ignored (an Obelisk server setting with no meaning for this engine)',
    ]);
  });

  it('warns when secrets may travel over plain http', () => {
    const config = parse('[[activity_wasm]]\nname = "a"\nlocation = "a.wasm"\n[[activity_wasm.allowed_host]]\npattern = "http://api.local"\nsecrets.env_vars = ["K=v"]');
    expect(config.warnings).toEqual(['activity_wasm[0].allowed_host[0]: secrets are allowed for "http://api.local", which permits unencrypted http']);
  });
});

describe("the project's obelisk.toml", () => {
  it('configures fibo_activity and fibo_workflow from .cache/components', async () => {
    const { readFile } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    const path = fileURLToPath(new URL('../../obelisk.toml', import.meta.url));
    const config = parseConfig(await readFile(path, 'utf8'), { path, env: {} });
    expect(config.components.map((c) => [c.kind, c.name, c.location])).toEqual([
      ['activity_wasm', 'fibo_activity', join(config.dir, '.cache', 'components', 'fibo_activity.wasm')],
      ['workflow', 'fibo_workflow', join(config.dir, '.cache', 'components', 'fibo_workflow.wasm')],
    ]);
    expect(config.stateDir).toBe(join(config.dir, 'state'));
  });
});

describe('checkDistinctExports', () => {
  it('rejects a function exported by two components, naming both', async () => {
    const { checkDistinctExports } = await import('../../lib/config/exports.js');
    const config = parse('[[activity_wasm]]\nname = "a"\nlocation = "a.wasm"\n[[activity_stub]]\nname = "b"\nlocation = "b.wasm"\n');
    const [a, b] = config.components as [ActivityWasmConfig, Config['components'][number]];
    expect(() => checkDistinctExports(PATH, [{ component: a, ffqns: ['t:p/i.f', 't:p/i.g'] }, { component: b, ffqns: ['t:p/i.h'] }])).not.toThrow();
    expect(() => checkDistinctExports(PATH, [{ component: a, ffqns: ['t:p/i.f'] }, { component: b, ffqns: ['t:p/i.f'] }]))
      .toThrow(`invalid configuration ${PATH}: t:p/i.f is exported by both activity_wasm[0] ("a") and activity_stub[0] ("b"); expected each function to be exported by one component`);
  });
});
