// A smoke test of the package under another runtime (Deno, Bun; `npm run test:deno`,
// `npm run test:bun`): createFetch against a real server on 127.0.0.1 (node:http, which both
// provide) and explain(). A plain script (each runtime has its own test runner): it exits
// non-zero on the first failed assertion.
import assert from 'node:assert/strict';
import http from 'node:http';
import { createFetch, explain } from '../index.mjs';

const APP = 'https://app.example';
const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.version}`;
const seen = [];
const server = http.createServer((req, res) => {
  seen.push(`${req.method} ${req.url}`);
  req.resume();
  req.on('end', () => {
    if (req.url.startsWith('/refuse')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('no CORS here');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': APP,
        'access-control-allow-methods': 'PUT',
        'access-control-allow-headers': 'x-token',
      });
      return res.end();
    }
    res.writeHead(200, { 'access-control-allow-origin': APP, 'content-type': 'application/json', 'x-request-id': '42' });
    res.end('{"ok":true}');
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
try {
  const fetch = createFetch({ origin: APP, engine: 'chromium' });
  // A preflighted PUT, then the same again: the preflight is cached.
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${base}/items`, { method: 'PUT', headers: { 'X-Token': String(i) }, body: '{}' });
    assert.ok(res instanceof Response);
    assert.equal(res.type, 'cors');
    assert.equal(res.status, 200);
    assert.equal(res.url, `${base}/items`);
    assert.equal(res.headers.get('x-request-id'), null);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), { ok: true });
  }
  assert.deepEqual(seen, ['OPTIONS /items', 'PUT /items', 'PUT /items']);
  // A refusal: TypeError whose cause names the header to send.
  await assert.rejects(fetch(`${base}/refuse`), (e) => {
    assert.ok(e instanceof TypeError);
    assert.equal(e.cause.stage, 'response');
    assert.deepEqual(e.cause.fix, [`Access-Control-Allow-Origin: ${APP}`]);
    return true;
  });
  const e = explain({ origin: APP, url: `${base}/items`, method: 'PUT', headers: [['X-Token', '1']], engine: 'firefox' });
  assert.equal(e.decision, 'preflight');
  assert.equal(e.first_request.method, 'OPTIONS');
  console.log(`smoke test passed under ${runtime}`);
} finally {
  server.close();
}
