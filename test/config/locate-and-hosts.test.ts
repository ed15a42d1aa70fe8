import { describe, expect, it } from 'vitest';
import { hostAllows, parseHostPattern, type HostPattern } from '../../lib/config/host-pattern.js';
import { keyLocator } from '../../lib/config/locate.js';
import { closest } from '../../lib/config/suggest.js';

describe('keyLocator', () => {
  const text = [
    'durability = "fsync"', //                  1
    '[[activity_wasm]]', //                     2
    'name = "a"', //                            3
    'env_vars = [', //                          4
    '  "X=1",', //                              5
    '  "name = 2",', //                         6: inside an array, not a key
    ']', //                                     7
    'description = """', //                     8
    'max_retries = 3', //                       9: inside a string, not a key
    '"""', //                                   10
    '[[activity_wasm.allowed_host]]', //        11
    'pattern = "x"', //                         12
    '[[activity_wasm]]', //                     13
    'exec.lock_expiry.seconds = 1', //          14
    '[[activity_wasm.allowed_host]]', //        15
    'pattern = "y"', //                         16
    '[workflow_settings."a.b"]', //             17
    'x = 1', //                                 18
  ].join('\n');
  const lineOf = keyLocator(text);

  it('finds keys under arrays of tables, numbering each array separately', () => {
    expect(lineOf('durability')).toBe(1);
    expect(lineOf('activity_wasm[0].name')).toBe(3);
    expect(lineOf('activity_wasm[0].allowed_host[0].pattern')).toBe(12);
    expect(lineOf('activity_wasm[1].allowed_host[0].pattern')).toBe(16);
    expect(lineOf('activity_wasm[1].exec.lock_expiry.seconds')).toBe(14);
    expect(lineOf('workflow_settings."a.b".x')).toBe(18);
  });

  it('does not read lines inside multi-line arrays and strings as keys', () => {
    expect(lineOf('activity_wasm[0].max_retries')).toBe(2);
    expect(lineOf('activity_wasm[0].env_vars[1]')).toBe(4);
  });

  it('falls back to the nearest written ancestor', () => {
    expect(lineOf('activity_wasm[1].exec.lock_expiry.millis')).toBe(14);
    expect(lineOf('activity_wasm[1].nothing')).toBe(13);
    expect(lineOf('nothing')).toBeUndefined();
  });
});

describe('host patterns', () => {
  const p = (text: string): HostPattern => {
    const r = parseHostPattern(text);
    if ('problem' in r) throw new Error(r.problem);
    return r;
  };
  const allows = (pattern: string, url: string): boolean => hostAllows(p(pattern), new URL(url));

  it('parses scheme, host and port as Obelisk does', () => {
    expect(p('api.example.com')).toEqual({ scheme: 'https', host: 'api.example.com', port: 'default' });
    expect(p('http://127.0.0.1:*')).toEqual({ scheme: 'http', host: '127.0.0.1', port: '*' });
    expect(p('*://*.Example.com:8443')).toEqual({ scheme: '*', host: '*.example.com', port: 8443 });
    expect(p('http://[::1]:8080')).toEqual({ scheme: 'http', host: '::1', port: 8080 });
  });

  it('rejects paths, inner wildcards and bad ports', () => {
    expect(parseHostPattern('https://a.com/x')).toMatchObject({ problem: expect.stringContaining('must not contain a path') });
    expect(parseHostPattern('api.*.com')).toMatchObject({ problem: expect.stringContaining('first or last character') });
    expect(parseHostPattern('a.com:99999')).toMatchObject({ problem: expect.stringContaining('invalid port') });
  });

  it('matches requests', () => {
    expect(allows('http://127.0.0.1:*', 'http://127.0.0.1:5005/x')).toBe(true);
    expect(allows('http://127.0.0.1:*', 'https://127.0.0.1:5005/x')).toBe(false);
    expect(allows('https://*.example.com', 'https://api.example.com/v1')).toBe(true);
    expect(allows('https://*.example.com', 'https://example.com/')).toBe(false);
    expect(allows('https://*.example.com', 'https://evil-example.com/')).toBe(false);
    expect(allows('https://*.example.com', 'https://api.example.com:8443/')).toBe(false);
    expect(allows('*://*', 'http://x.org/')).toBe(true);
    expect(allows('*://*', 'http://x.org:81/')).toBe(false);
    expect(allows('api.example.com', 'https://API.example.com/')).toBe(true);
  });
});

describe('suggestions', () => {
  it('suggests close keys and nothing for unrelated words', () => {
    expect(closest('max_retry', ['max_retries', 'location'])).toBe('max_retries');
    expect(closest('retry_on_error', ['retry_on_err', 'name'])).toBe('retry_on_err');
    expect(closest('completely_else', ['max_retries', 'name'])).toBeUndefined();
    const units = ['milliseconds', 'seconds', 'minutes', 'hours'];
    expect(closest('secs', units)).toBe('seconds');
    expect(closest('millis', units)).toBe('milliseconds');
    expect(closest('hrs', units)).toBe('hours');
  });
});
