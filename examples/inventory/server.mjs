// A small inventory API on 127.0.0.1 (loopback only) for the example:
//   GET /items      -> {"items": [{"id": 1}, …]}
//   GET /items/<id> -> {"id", "name", "priceCents", "quantity"}
// Some items answer 503 to their first request (obelisk retries them), one always answers 500.
//   node server.mjs [port]      (prints the base URL; Ctrl-C stops it)
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const ITEMS = [
  { id: 1, name: 'hex bolt M6', priceCents: 12, quantity: 5000 },
  { id: 2, name: 'washer M6', priceCents: 3, quantity: 12000 },
  { id: 3, name: 'hinge, steel', priceCents: 240, quantity: 310 },
  { id: 4, name: 'drawer slide', priceCents: 890, quantity: 75 },
  { id: 5, name: 'cabinet handle', priceCents: 450, quantity: 220 },
  { id: 6, name: 'shelf pin', priceCents: 8, quantity: 9000 },
  { id: 7, name: 'door stop', priceCents: 310, quantity: 40 },
  { id: 8, name: 'wood screw 4x30', priceCents: 5, quantity: 20000 },
];

/**
 * Starts the server; resolves with its base URL, the requests it saw ("GET /items/3 503") and close().
 * `flaky`: ids answered 503 on their first request; `broken`: ids always answered 500.
 */
export async function startServer({ port = 0, flaky = [3, 6], broken = [7] } = {}) {
  const requests = [];
  const seen = new Set();
  const server = http.createServer((req, res) => {
    const send = (status, body) => {
      requests.push(`${req.method} ${req.url} ${status}`);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { error: 'GET only' });
    if (req.url === '/items') return send(200, { items: ITEMS.map(({ id }) => ({ id })) });
    const m = /^\/items\/(\d+)$/.exec(req.url ?? '');
    const item = m && ITEMS.find((i) => i.id === Number(m[1]));
    if (!item) return send(404, { error: `no item ${req.url}` });
    if (broken.includes(item.id)) return send(500, { error: 'the database is having a bad day' });
    if (flaky.includes(item.id) && !seen.has(item.id)) {
      seen.add(item.id);
      return send(503, { error: 'busy, try again' });
    }
    return send(200, item);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** What a run over every item gives: the value of all but the broken ones. */
export function expectedReport({ broken = [7] } = {}) {
  const ok = ITEMS.filter((i) => !broken.includes(i.id));
  const lines = ok.map((i) => ({ id: i.id, name: i.name, value: i.priceCents * i.quantity }));
  const largest = lines.reduce((a, b) => (b.value > a.value ? b : a));
  return { items: ok.length, totalCents: lines.reduce((s, l) => s + l.value, 0), largest, failed: broken };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await startServer({ port: Number(process.argv[2] ?? 0) });
  console.log(url);
}
