// js_activity: a JavaScript activity for the sandbox tests. Built on first use from this file (a
// `.js` location in obelisk.toml, lib/component/source-build.ts), with `fetch` through wasi:http.
import { getEnvironment } from 'wasi:cli/environment@0.2.12';
import { getDirectories } from 'wasi:filesystem/preopens@0.2.12';

const message = (e) => (e instanceof Error ? e.message : String(e));

async function request(method, url, body) {
  try {
    const response = await fetch(url, body === undefined ? { method } : { method, body });
    return `${response.status} ${await response.text()}`;
  } catch (e) {
    throw message(e);
  }
}

export const sandbox = {
  get(url) {
    return request('GET', url);
  },

  send(method, url, body) {
    return request(method, url, body);
  },

  env() {
    return getEnvironment().map(([name, value]) => `${name}=${value}`).sort();
  },

  preopens() {
    return getDirectories().map(([, path]) => path);
  },

  readFile(path) {
    const dirs = getDirectories();
    const dir = dirs.find(([, p]) => path === p || path.startsWith(`${p.replace(/\/$/, '')}/`));
    if (!dir) {
      throw `cannot read ${path}: no preopened directory holds it (preopened: ${dirs.map(([, p]) => p).join(', ') || 'none'})`;
    }
    const [descriptor, prefix] = dir;
    try {
      const file = descriptor.openAt({}, path.slice(prefix.length).replace(/^\//, ''), {}, { read: true });
      const [bytes] = file.read(1n << 20n, 0n);
      return new TextDecoder().decode(bytes);
    } catch (e) {
      throw `cannot read ${path}: ${message(e)}`;
    }
  },

  print(text) {
    console.log(text);
    console.error(`stderr: ${text}`);
    return text;
  },
};
