// Runs first in every activity built from a `.js`/`.ts` source (lib/component/source-build.ts).
// The host refuses a request to a host missing from the activity's [[activity_wasm.allowed_host]]
// list before it leaves the machine; the JS engine reports that only as "An error occurred while
// using the host API". This wraps `fetch` so such a failure says which request was refused and why,
// and every other failure says which request failed.
const hostFetch = globalThis.fetch;

if (typeof hostFetch === 'function') {
  const REFUSED = /error occurred while using the host API/i;
  globalThis.fetch = async function fetch(input, init) {
    const request = input instanceof Request ? input : undefined;
    const url = String(request ? request.url : input);
    const method = String(init?.method ?? request?.method ?? 'GET').toUpperCase();
    try {
      return await hostFetch(input, init);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      if (REFUSED.test(reason)) {
        let host = url;
        try {
          host = new URL(url).host;
        } catch {
          // keep the text as given
        }
        throw new Error(`fetch ${method} ${url}: request denied by the host: ${method} to ${host} is not allowed for this activity (expected the host, and the method if methods are listed, in its [[activity_wasm.allowed_host]] entries in obelisk.toml)`, { cause: e });
      }
      throw new Error(`fetch ${method} ${url} failed: ${reason}`, { cause: e });
    }
  };
}
