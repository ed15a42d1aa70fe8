/**
 * The resolved configuration: what `loadConfig` returns. Every value is typed, defaulted and frozen;
 * paths are absolute; durations are milliseconds. docs/configuration.md documents each key.
 */

export type Durability = 'default' | 'fsync';
/** Where a guest's stdout or stderr goes: dropped, the host's own stream, or the execution's log. */
export type StdOutputTarget = 'none' | 'stdout' | 'stderr' | 'db';
export type JoinNextBlockingStrategy = 'await' | 'interrupt';
export type ComponentKind = 'activity_wasm' | 'activity_stub' | 'workflow';

export interface Config {
  /** The config file, absolute. */
  readonly path: string;
  /** Its folder: `${OBELISK_TOML_DIR}`. */
  readonly dir: string;
  readonly stateDir: string;
  readonly cacheDir: string;
  readonly durability: Durability;
  readonly tick: TickSettings;
  readonly components: readonly ComponentConfig[];
  /** Things worth telling the user that do not stop anything (ignored Obelisk keys, missing backtrace sources). */
  readonly warnings: readonly string[];
}

export interface TickSettings {
  /** How long one `obelisk tick` may run before it stops taking new work. Default 50 s (below a cron minute). */
  readonly maxDurationMs: number;
}

export type ComponentConfig = ActivityWasmConfig | ActivityStubConfig | WorkflowConfig;

export interface ComponentCommon {
  readonly kind: ComponentKind;
  /** Unique across all components; `[A-Za-z0-9_]+`. */
  readonly name: string;
  /** The file, absolute: a `.wasm` component, or a `.js`/`.ts` source to build (then `build` is set). */
  readonly location: string;
  /** `sha256:<64 hex>` as configured; `loadConfig` has checked that the file matches. */
  readonly contentDigest?: string;
  /** Set when `location` is a `.js`/`.ts` source to build into a component. */
  readonly build?: BuildSettings;
  /** The config key path of this entry, for messages: `activity_wasm[0]`. */
  readonly keyPath: string;
}

export interface BuildSettings {
  /** The WIT folder, absolute. */
  readonly wit: string;
  /** The world to build; undefined when the WIT folder has one world. */
  readonly world?: string;
}

export interface ExecSettings {
  /** Lease length; for an activity also the per-attempt timeout. Default 1000. */
  readonly lockExpiryMs: number;
  /** How many pending executions one poll takes. Default 5. */
  readonly batchSize: number;
  /** Pause between polls when there is nothing to do (server mode). Default 200. */
  readonly tickSleepMs: number;
}

export interface ActivityWasmConfig extends ComponentCommon {
  readonly kind: 'activity_wasm';
  readonly exec: ExecSettings;
  /** Retries after the first attempt: 5 means up to 6 attempts. */
  readonly maxRetries: number;
  /** Attempt n waits retryExpBackoffMs × 2^(n−1). Default 100. */
  readonly retryExpBackoffMs: number;
  /** Also retry when the activity returns `err`. Default true. */
  readonly retryOnErr: boolean;
  readonly forwardStdout: StdOutputTarget;
  readonly forwardStderr: StdOutputTarget;
  /** Environment the guest sees, resolved at load time. */
  readonly envVars: readonly EnvVar[];
  /** Outbound HTTP allow-list; empty means no outbound HTTP. */
  readonly allowedHosts: readonly AllowedHost[];
  readonly directories: DirectoriesSettings;
  /** Cap on the guest's linear memory. Default 512 MiB. */
  readonly memoryLimitBytes: number;
  /** May run in a hot workflow's own worker thread when eligible (docs/configuration.md). Default true. */
  readonly inWorkflowThread: boolean;
}

export interface ActivityStubConfig extends ComponentCommon {
  readonly kind: 'activity_stub';
}

export interface WorkflowConfig extends ComponentCommon {
  readonly kind: 'workflow';
  readonly exec: ExecSettings;
  /** Workflows are retried without limit (as in Obelisk); attempt n waits this × 2^(n−1). Default 100, never 0. */
  readonly retryExpBackoffMs: number;
  readonly joinNextBlockingStrategy: JoinNextBlockingStrategy;
  /** Where to find the source files named in a guest's backtrace frames. */
  readonly backtraceSources: readonly BacktraceSource[];
}

export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

export interface AllowedHost {
  /** As written in the config, for messages. */
  readonly pattern: string;
  readonly scheme: 'http' | 'https' | '*';
  /** Lower-case; may start with `*.` or be `*` (any host), or end with `*`. */
  readonly host: string;
  /** A port number, '*' for any port, or 'default' for the request scheme's default (80, 443). */
  readonly port: number | '*' | 'default';
  /** Upper-case method names; empty means every method. */
  readonly methods: readonly string[];
  /** Secret env vars the guest may use only in requests to this host. */
  readonly secrets: readonly EnvVar[];
  /** Where placeholders for secrets are replaced in a request; empty means nowhere. */
  readonly secretsReplaceIn: readonly ('headers' | 'body' | 'params')[];
}

export interface DirectoriesSettings {
  /** A scratch folder preopened for the guest. Off by default. */
  readonly enabled: boolean;
  /** Keep the same folder across retries of one execution. */
  readonly reuseOnRetry: boolean;
  /** Lets the guest start processes (`native`). Off (`none`) by default. */
  readonly processProvider: 'none' | 'native';
}

export interface BacktraceSource {
  /** The file name as it appears in the guest's frames, without a leading `...`. */
  readonly frameFile: string;
  /** The config key started with `...`: match any frame file that ends with frameFile. */
  readonly suffixMatch: boolean;
  /** The local source file, absolute. */
  readonly sourcePath: string;
}
