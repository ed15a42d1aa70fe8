/**
 * WASI for activities, deny-by-default: no preopened directories, no sockets, no process API; the
 * environment holds only the declared `env_vars`; outbound HTTP (wasi:http) only to the allowed
 * hosts and methods, a denied request failing in the guest with `HTTP-request-denied`.
 *
 * Secrets: the guest's environment holds a placeholder for each secret of an allowed host, never
 * the value. A request to a host the secret is scoped to gets the placeholder replaced by the value
 * in its headers and query (`replace_in`), after the request was traced; requests to any other host
 * carry only the placeholder. So the value reaches only its host and no log or trace. Built on
 * @bytecodealliance/preview2-shim, whose module state is per worker: a sandbox worker runs one
 * attempt at a time, so setting it per attempt is safe.
 */
import * as shim from '@bytecodealliance/preview2-shim';
import type { AllowedHost, EnvVar } from '../../config/types.js';
import type { HttpTrace } from '../../model/events.js';
import { hostAllows } from '../../config/host-pattern.js';
import { parseHostPattern } from '../../config/host-pattern.js';

type Module = Record<string, object>;
const { cli, clocks, filesystem, http, io, random, sockets } = shim as unknown as Record<'cli' | 'clocks' | 'filesystem' | 'http' | 'io' | 'random' | 'sockets', Module>;
const fsShim = filesystem as unknown as { _setPreopens(p: Record<string, string>): void; preopens: object; types: object };
const socketShim = sockets as unknown as { _denyTcp(): void; _denyUdp(): void; _denyDnsLookup(): void };
fsShim._setPreopens({});
socketShim._denyTcp();
socketShim._denyUdp();
socketShim._denyDnsLookup();

type Variant = { tag: string; val?: string };
interface OutgoingRequestLike {
  method(): Variant;
  scheme(): Variant | undefined;
  authority(): string | undefined;
  pathWithQuery(): string | undefined;
}

function denied(message: string): never {
  // result<future-incoming-response, error-code>: thrown payload is lowered as err
  throw Object.assign(new Error(message), { payload: { tag: 'HTTP-request-denied' } });
}

/** Whether a request may go out: scheme, host, port and method against the allow-list. */
export function requestAllowed(allowed: readonly AllowedHost[], req: OutgoingRequestLike): boolean {
  const scheme = req.scheme();
  const s = !scheme ? 'https' : scheme.tag === 'HTTP' ? 'http' : scheme.tag === 'HTTPS' ? 'https' : String(scheme.val).toLowerCase();
  let url: URL;
  try {
    url = new URL(`${s}://${req.authority() ?? ''}${req.pathWithQuery() ?? '/'}`);
  } catch {
    return false;
  }
  const m = req.method();
  const method = (m.tag === 'other' ? String(m.val) : m.tag).toUpperCase();
  return allowed.some((h) => {
    const p = parseHostPattern(h.pattern);
    if ('problem' in p) return false;
    return hostAllows(p, url) && (h.methods.length === 0 || h.methods.includes(method));
  });
}

/** Records each request's outcome when the guest first sees it (the future's `get`). */
function traced(future: unknown, trace: HttpTrace): unknown {
  const f = future as { get(): unknown };
  const get = f.get.bind(f);
  f.get = () => {
    const r = get() as { tag: string; val?: { tag: string; val?: unknown } } | undefined;
    if (r !== undefined && trace.finished_at === undefined) {
      trace.finished_at = new Date().toISOString();
      const inner = r.tag === 'ok' ? r.val : undefined;
      if (inner?.tag === 'ok') trace.status = (inner.val as { status(): number }).status();
      else trace.error = JSON.stringify(inner?.val ?? r.val ?? 'no response');
    }
    return r;
  };
  return future;
}

function describeRequest(req: OutgoingRequestLike): { method: string; url: string } {
  const scheme = req.scheme();
  const s = !scheme ? 'https' : scheme.tag === 'HTTP' ? 'http' : scheme.tag === 'HTTPS' ? 'https' : String(scheme.val).toLowerCase();
  const m = req.method();
  return { method: (m.tag === 'other' ? String(m.val) : m.tag).toUpperCase(), url: `${s}://${req.authority() ?? ''}${req.pathWithQuery() ?? '/'}` };
}

/** What the guest sees in place of a secret's value. */
export function secretPlaceholder(name: string): string {
  return `obelisk-secret:${name}`;
}

/** Puts the secrets scoped to the request's host into its headers and query. */
function putSecrets(allowed: readonly AllowedHost[], req: OutgoingRequestLike & { headers(): unknown; setPathWithQuery?(p: string): unknown }): void {
  const url = new URL(describeRequest(req).url);
  const scoped = allowed.filter((h) => {
    const p = parseHostPattern(h.pattern);
    return !('problem' in p) && hostAllows(p, url) && h.secrets.length > 0;
  });
  if (scoped.length === 0) return;
  const swap = (text: string, where: 'headers' | 'params') => {
    for (const h of scoped) {
      if (!h.secretsReplaceIn.includes(where)) continue;
      for (const secret of h.secrets) text = text.split(secretPlaceholder(secret.name)).join(secret.value);
    }
    return text;
  };
  const fields = req.headers() as { entries(): [string, Uint8Array][] };
  const entries = fields.entries.bind(fields);
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  fields.entries = () => entries().map(([k, v]) => [k, enc.encode(swap(dec.decode(v), 'headers'))]);
  const path = req.pathWithQuery();
  if (path && req.setPathWithQuery) {
    const swapped = swap(path, 'params');
    if (swapped !== path) req.setPathWithQuery(swapped);
  }
}

/** The imports of one attempt; `traces` collects its outbound requests. */
/** The environment the guest reads (global in the shim: set again before each attempt). */
export function setActivityEnv(env: readonly EnvVar[], allowedHosts: readonly AllowedHost[]): void {
  const secrets = allowedHosts.flatMap((h) => h.secrets.map((s) => [s.name, secretPlaceholder(s.name)] as const));
  (cli as unknown as { _setEnv(e: Record<string, string>): void })._setEnv(Object.fromEntries([...env.map((e) => [e.name, e.value] as const), ...secrets]));
}

export function activityWasi(env: readonly EnvVar[], allowedHosts: readonly AllowedHost[], traces: HttpTrace[] = []): Record<string, object> {
  setActivityEnv(env, allowedHosts);
  const handler = http.outgoingHandler as { handle(req: OutgoingRequestLike, opts: unknown): unknown };
  const denyAll = new Proxy({}, { get: () => () => { throw new Error('this sandbox gives activities no process API'); } });
  return {
    'wasi:cli/environment': cli.environment!, 'wasi:cli/exit': cli.exit!, 'wasi:cli/stdin': cli.stdin!,
    'wasi:cli/stdout': cli.stdout!, 'wasi:cli/stderr': cli.stderr!,
    'wasi:cli/terminal-input': cli.terminalInput!, 'wasi:cli/terminal-output': cli.terminalOutput!,
    'wasi:cli/terminal-stdin': cli.terminalStdin!, 'wasi:cli/terminal-stdout': cli.terminalStdout!, 'wasi:cli/terminal-stderr': cli.terminalStderr!,
    'wasi:clocks/monotonic-clock': clocks.monotonicClock!, 'wasi:clocks/wall-clock': clocks.wallClock!,
    'wasi:filesystem/preopens': fsShim.preopens, 'wasi:filesystem/types': fsShim.types,
    'wasi:io/error': io.error!, 'wasi:io/poll': io.poll!, 'wasi:io/streams': io.streams!,
    'wasi:random/random': random.random!, 'wasi:random/insecure': random.insecure!, 'wasi:random/insecure-seed': random.insecureSeed!,
    'wasi:sockets/instance-network': sockets.instanceNetwork!, 'wasi:sockets/network': sockets.network!,
    'wasi:sockets/ip-name-lookup': sockets.ipNameLookup!, 'wasi:sockets/tcp': sockets.tcp!, 'wasi:sockets/tcp-create-socket': sockets.tcpCreateSocket!,
    'wasi:sockets/udp': sockets.udp!, 'wasi:sockets/udp-create-socket': sockets.udpCreateSocket!,
    'wasi:http/types': http.types!,
    'wasi:http/outgoing-handler': {
      handle(req: OutgoingRequestLike, opts: unknown) {
        const trace: HttpTrace = { ...describeRequest(req), started_at: new Date().toISOString() };
        traces.push(trace);
        if (!requestAllowed(allowedHosts, req)) {
          trace.finished_at = trace.started_at;
          trace.error = 'HTTP-request-denied';
          denied(`outbound HTTP to ${req.authority() ?? '?'} is not allowed: expected a host listed in [[activity_wasm.allowed_host]]`);
        }
        putSecrets(allowedHosts, req as never);
        return traced(handler.handle(req, opts), trace);
      },
    },
    'obelisk:process/process': denyAll,
  };
}
