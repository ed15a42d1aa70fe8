/**
 * Outbound HTTP allow-list patterns, as Obelisk reads them: `[scheme://]host[:port]`.
 *  - no scheme means https; `*://` means http or https;
 *  - no port means the scheme's default (80, 443); `:*` means any port;
 *  - an IPv6 host in brackets: `http://[::1]:8080`;
 *  - `*` in the host only as its first or last character: `*.example.com`, `*` (any host);
 *  - no path.
 * The activity runtime calls `hostAllows` for each request.
 */
import type { AllowedHost } from './types.js';

export type HostPattern = Pick<AllowedHost, 'scheme' | 'host' | 'port'>;

const EXAMPLES = 'for example "https://*.example.com", "http://127.0.0.1:*" or "api.example.com"';

export function parseHostPattern(text: string): HostPattern | { problem: string } {
  const m = /^(?:(https?|\*):\/\/)?(\[[^\]]*\]|[^/:]*)(?::([^/]*))?(\/.*)?$/.exec(text.trim());
  if (!m) return { problem: `invalid host pattern ${JSON.stringify(text)}: expected [scheme://]host[:port], ${EXAMPLES}` };
  const [, scheme = 'https', hostRaw = '', portRaw, path] = m;
  if (path !== undefined) return { problem: `host pattern ${JSON.stringify(text)} must not contain a path: expected [scheme://]host[:port], ${EXAMPLES}` };
  const host = hostRaw.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === '') return { problem: `host pattern ${JSON.stringify(text)} has no host: ${EXAMPLES}` };
  if (host.slice(1, -1).includes('*')) return { problem: `host pattern ${JSON.stringify(text)}: a \`*\` may only be the first or last character of the host, ${EXAMPLES}` };
  let port: HostPattern['port'];
  if (portRaw === undefined) port = 'default';
  else if (portRaw === '*') port = '*';
  else if (/^\d{1,5}$/.test(portRaw) && Number(portRaw) <= 65535) port = Number(portRaw);
  else return { problem: `host pattern ${JSON.stringify(text)} has an invalid port ${JSON.stringify(portRaw)}: expected a number up to 65535 or *` };
  return { scheme: scheme as HostPattern['scheme'], host, port };
}

/** Does the pattern allow a request to this URL? (Method and secrets are checked by the caller.) */
export function hostAllows(pattern: HostPattern, url: URL): boolean {
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') return false;
  if (pattern.scheme !== '*' && pattern.scheme !== scheme) return false;
  const defaultPort = scheme === 'http' ? 80 : 443;
  const port = url.port === '' ? defaultPort : Number(url.port);
  if (pattern.port !== '*' && (pattern.port === 'default' ? defaultPort : pattern.port) !== port) return false;
  return hostMatches(pattern.host, url.hostname.toLowerCase().replace(/^\[|\]$/g, ''));
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  if (pattern.endsWith('*')) return host.startsWith(pattern.slice(0, -1)) && host.length > pattern.length - 1;
  return pattern === host;
}
