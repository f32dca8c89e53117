// Size and overhead, printed (not a timed test): the .wasm's gzip size, and the per-request
// time of createFetch(...) over plain fetch against a local server, as a ratio measured in the
// same run (interleaved rounds, the median of each).
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { createFetch } from '../index.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const wasm = readFileSync(join(here, '..', 'pkg', 'corsgate_js_bg.wasm'));
const gz = gzipSync(wasm, { level: 9 }).length;
console.log(`wasm: ${(wasm.length / 1024).toFixed(0)} KB, gzip -9: ${(gz / 1024).toFixed(0)} KB (goal < 200 KB)`);

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'access-control-allow-origin': 'https://app.example', 'content-type': 'text/plain', 'x-id': '1' });
  res.end('ok');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/item`;
const cors = createFetch({ origin: 'https://app.example', engine: 'chromium' });
const plainInit = { headers: { origin: 'https://app.example' }, redirect: 'manual' };

const ROUNDS = 15;
const PER_ROUND = 200;
async function round(f, init) {
  const t0 = performance.now();
  for (let i = 0; i < PER_ROUND; i++) await (await f(url, init)).text();
  return (performance.now() - t0) / PER_ROUND;
}
await round(fetch, plainInit); await round(cors, {}); // warm up
const plain = [];
const ours = [];
for (let r = 0; r < ROUNDS; r++) {
  plain.push(await round(fetch, plainInit));
  ours.push(await round(cors, {}));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
// Also each round's ratio to the plain round just before it (the machine's load drifts less
// within a pair than across the run), and their median.
const paired = median(ours.map((c, r) => c / plain[r]));
const p = median(plain);
const c = median(ours);
console.log(`plain fetch: ${(p * 1000).toFixed(0)} µs/request; createFetch: ${(c * 1000).toFixed(0)} µs/request`);
console.log(`overhead: ${(((c - p) / p) * 100).toFixed(1)} % (ratio ${(c / p).toFixed(3)}; goal < 5 %), ${ROUNDS} x ${PER_ROUND} requests each`);
console.log(`median of the ${ROUNDS} paired rounds' ratios: ${paired.toFixed(3)} (${((paired - 1) * 100).toFixed(1)} %)`);
server.close();

// The WebAssembly's own share: the two calls a simple CORS GET makes (start, which gives the
// fetch's id and first action, and respond with this server's head; the agent drops the ended
// fetch itself) in a tight loop, against the plain round trip above (this part does not move
// with the network stack's noise; caches are warm here).
const wasmPkg = createRequire(import.meta.url)('../pkg/corsgate_js.js');
const agent = new wasmPkg.Agent('chromium');
const fields = ['https://app.example', url, 'GET', 'cors', 'same-origin', 'follow'].join('\0');
const head = 'access-control-allow-origin\0https://app.example\0content-type\0text/plain\0x-id\x001\0'
  + 'date\0Sun, 06 Dec 2026 00:00:00 GMT\0connection\0keep-alive\0content-length\x002';
function calls(n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const first = agent.start(1000 + i, fields, false, false);
    agent.respond(Number(first.slice(0, first.indexOf('\0'))), 1000 + i, 200, head);
  }
  return Number(process.hrtime.bigint() - t0) / n / 1000;
}
calls(2000); // warm up
const core = median(Array.from({ length: 7 }, () => calls(10000)));
if (agent.inFlight !== 0) throw new Error(`${agent.inFlight} fetches left in flight`);
console.log(`WebAssembly calls per simple request (tight loop, median of 7 x 10 000): ${core.toFixed(1)} µs, `
  + `${((core / (p * 1000)) * 100).toFixed(1)} % of the plain round trip`);
