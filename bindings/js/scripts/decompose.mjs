// Where the per-request overhead of createFetch goes (printed, not a timed test): one simple
// CORS GET against a local server, timed in interleaved rounds (medians of each round's ratio to
// the plain round just before it), five ways:
//   plain         fetch() with an Origin header
//   same-request  fetch() with the very init createFetch hands the underlying fetch
//   js-layer      createFetch whose WebAssembly answers are replaced by the fixed strings the
//                 real one gives for this request (the JavaScript layer and undici alone)
//   start-only    as js-layer, but `start` is the real WebAssembly call
//   createFetch   the real thing
// The differences split the overhead into the request's own extra headers, the JavaScript
// layer, and the WebAssembly's work (inside its calls and, through the caches it evicts, in
// everything around them).
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkgPath = require.resolve('../pkg/corsgate_js.js');
const indexPath = require.resolve('../index.cjs');
const real = require(pkgPath);

/** index.cjs loaded again over `wasm` instead of the package's WebAssembly. */
function layerOver(wasm) {
  const saved = require.cache[pkgPath];
  delete require.cache[indexPath];
  require.cache[pkgPath] = { id: pkgPath, filename: pkgPath, loaded: true, exports: wasm };
  try {
    return require(indexPath);
  } finally {
    require.cache[pkgPath] = saved;
    delete require.cache[indexPath];
  }
}

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'access-control-allow-origin': 'https://app.example', 'content-type': 'text/plain', 'x-id': '1' });
  res.end('ok');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/item`;
const ORIGIN = 'https://app.example';

// The real answers for this request, recorded once, then replayed as fixed strings.
const probe = new real.Agent('chromium');
const first = probe.start(0, [ORIGIN, url, 'GET', 'cors', 'same-origin', 'follow'].join('\0'), false, false);
const firstId = Number(first.slice(0, first.indexOf('\0')));
const plainResponse = await fetch(url);
let head = '';
plainResponse.headers.forEach((v, n) => { head = head === '' ? `${n}\0${v}` : `${head}\0${n}\0${v}`; });
await plainResponse.text();
const okAction = probe.respond(firstId, 1, 200, head);
if (!okAction.startsWith('ok\0')) throw new Error(`unexpected action ${okAction}`);
const sent = first.slice(first.indexOf('\0') + 1).split('\0');
const sentHeaders = [];
for (let i = 5; i + 1 < sent.length; i += 2) sentHeaders.push([sent[i], sent[i + 1]]);

class FixedAgent {
  start() { return first; }
  respond() { return okAction; }
  fail() { return okAction; }
  abandon() {}
}
class StartOnlyAgent extends real.Agent {
  respond(id) { this.abandon(id); return okAction; }
}
const corsFetch = require(indexPath).createFetch({ origin: ORIGIN, engine: 'chromium' });
const jsLayer = layerOver({ ...real, Agent: FixedAgent }).createFetch({ origin: ORIGIN, engine: 'chromium' });
const startOnly = layerOver({ ...real, Agent: StartOnlyAgent }).createFetch({ origin: ORIGIN, engine: 'chromium' });

const variants = {
  plain: () => fetch(url, { headers: { origin: ORIGIN }, redirect: 'manual' }),
  'same-request': () => fetch(url, { method: 'GET', headers: sentHeaders, redirect: 'manual', credentials: 'omit' }),
  'js-layer': () => jsLayer(url, {}),
  'start-only': () => startOnly(url, {}),
  createFetch: () => corsFetch(url, {}),
};
const ROUNDS = Number(process.env.ROUNDS ?? 30);
const PER_ROUND = 200;
async function round(f) {
  const t0 = performance.now();
  for (let i = 0; i < PER_ROUND; i++) await (await f()).text();
  return ((performance.now() - t0) / PER_ROUND) * 1000;
}
for (const f of Object.values(variants)) await round(f); // warm up
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) for (const [k, f] of Object.entries(variants)) times[k].push(await round(f));
server.close();
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`${ROUNDS} x ${PER_ROUND} requests each, interleaved; ratio: median of each round's ratio to its plain round`);
for (const [k, xs] of Object.entries(times)) {
  const ratio = median(xs.map((x, i) => x / times.plain[i]));
  console.log(`${k.padEnd(13)} ${median(xs).toFixed(0).padStart(4)} µs/request  ratio ${ratio.toFixed(3)} (${((ratio - 1) * 100).toFixed(1)} %)`);
}
