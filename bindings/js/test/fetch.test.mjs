// createFetch against real local servers (Node `http` on 127.0.0.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createFetch, explain } from '../index.mjs';

const APP = 'https://app.example';

/** A server on 127.0.0.1 answering with `handler`; records every request it receives. */
async function serve(handler) {
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    req.resume();
    req.on('end', () => handler(req, res, server));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, seen, close: () => new Promise((r) => server.close(r)) };
}

function answer(res, status, headers, body = '') {
  res.writeHead(status, headers);
  res.end(body);
}

/** A server that allows PUT with X-Token from APP, preflight cached for `maxAge` seconds. */
function corsServer(maxAge = 600) {
  return serve((req, res) => {
    if (req.method === 'OPTIONS') {
      return answer(res, 204, {
        'access-control-allow-origin': APP,
        'access-control-allow-methods': 'PUT',
        'access-control-allow-headers': 'x-token',
        'access-control-max-age': String(maxAge),
      });
    }
    answer(res, 200, {
      'access-control-allow-origin': APP,
      'content-type': 'application/json',
      'x-request-id': '42',
    }, '{"ok":true}');
  });
}

test('an allowed preflighted PUT: OPTIONS first, then the PUT; script sees a cors response', async () => {
  const s = await corsServer();
  try {
    const fetch = createFetch({ origin: APP, engine: 'chromium' });
    const res = await fetch(`${s.base}/v1/items`, { method: 'PUT', headers: { 'X-Token': '1' }, body: '{}' });
    assert.equal(res.type, 'cors');
    assert.equal(res.status, 200);
    assert.equal(res.url, `${s.base}/v1/items`);
    assert.equal(res.redirected, false);
    assert.deepEqual(await res.json(), { ok: true });
    // Only the safelisted response header: x-request-id is not exposed.
    assert.deepEqual([...res.headers.keys()], ['content-type']);
    assert.deepEqual(s.seen.map((r) => r.method), ['OPTIONS', 'PUT']);
    const [preflight, put] = s.seen;
    assert.equal(preflight.headers['access-control-request-method'], 'PUT');
    // A string body is text/plain;charset=UTF-8: safelisted, so only x-token is announced.
    assert.equal(preflight.headers['access-control-request-headers'], 'x-token');
    assert.equal(put.headers['content-type'], 'text/plain;charset=UTF-8');
    assert.equal(preflight.headers.origin, APP);
    assert.equal(put.headers['x-token'], '1');
    assert.equal(put.headers.origin, APP);
  } finally {
    await s.close();
  }
});

test('the preflight cache: one OPTIONS for two requests, per createFetch, expiring by the caller clock', async () => {
  const s = await corsServer(10);
  try {
    let clock = 0;
    const fetch = createFetch({ origin: APP, now: () => clock });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${s.base}/a`, { method: 'PUT', headers: { 'x-token': String(i) } });
      assert.equal(res.status, 200);
    }
    assert.deepEqual(s.seen.map((r) => r.method), ['OPTIONS', 'PUT', 'PUT']);
    // Another instance has its own cache.
    const other = createFetch({ origin: APP, now: () => clock });
    await other(`${s.base}/a`, { method: 'PUT', headers: { 'x-token': '3' } });
    assert.deepEqual(s.seen.map((r) => r.method).slice(3), ['OPTIONS', 'PUT']);
    // Past max-age (10 s) on the caller's clock, the first instance preflights again.
    clock = 11_000;
    await fetch(`${s.base}/a`, { method: 'PUT', headers: { 'x-token': '4' } });
    assert.deepEqual(s.seen.map((r) => r.method).slice(5), ['OPTIONS', 'PUT']);
  } finally {
    await s.close();
  }
});

test('a refusal names every fix at once: TypeError whose cause is { rule, spec, stage, fix }', async () => {
  const s = await serve((req, res) => answer(res, 204, {}));
  try {
    const fetch = createFetch({ origin: APP });
    await assert.rejects(
      fetch(`${s.base}/v1/items`, { method: 'PUT', headers: { 'X-Token': '1', Authorization: 'x' } }),
      (error) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, /^Failed to fetch: /);
        assert.ok(!error.message.includes('\n'));
        assert.equal(error.cause.stage, 'preflight');
        assert.match(error.cause.spec, /^fetch#/);
        assert.deepEqual(error.cause.fix, [
          `Access-Control-Allow-Origin: ${APP}`,
          'Access-Control-Allow-Methods: PUT',
          'Access-Control-Allow-Headers: authorization, x-token',
        ]);
        assert.match(error.cause.rule, /Access-Control-Allow-Origin/);
        return true;
      },
    );
    // The PUT itself was never sent.
    assert.deepEqual(s.seen.map((r) => r.method), ['OPTIONS']);
  } finally {
    await s.close();
  }
});

test('a cross-origin redirect: the next request carries Origin: null', async () => {
  const target = await serve((req, res) =>
    answer(res, 200, { 'access-control-allow-origin': '*' }, 'here'),
  );
  const first = await serve((req, res) =>
    answer(res, 302, { location: `${target.base.replace('127.0.0.1', 'localhost')}/next`, 'access-control-allow-origin': APP }),
  );
  try {
    const fetch = createFetch({ origin: APP, engine: 'spec' });
    const res = await fetch(`${first.base}/start`);
    assert.equal(res.type, 'cors');
    assert.equal(res.redirected, true);
    assert.equal(res.url, `${target.base.replace('127.0.0.1', 'localhost')}/next`);
    assert.equal(await res.text(), 'here');
    assert.equal(first.seen[0].headers.origin, APP);
    assert.equal(target.seen.length, 1);
    assert.equal(target.seen[0].headers.origin, 'null');
  } finally {
    await first.close();
    await target.close();
  }
});

test('credentials with `*`: blocked, the fix names the origin and Allow-Credentials', async () => {
  const s = await serve((req, res) =>
    answer(res, 200, { 'access-control-allow-origin': '*' }, 'secret'),
  );
  try {
    const fetch = createFetch({ origin: APP, engine: 'firefox' });
    // Without credentials `*` is fine.
    assert.equal(await (await fetch(`${s.base}/x`)).text(), 'secret');
    await assert.rejects(fetch(`${s.base}/x`, { credentials: 'include' }), (error) => {
      assert.equal(error.cause.stage, 'response');
      assert.ok(error.cause.fix.includes(`Access-Control-Allow-Origin: ${APP}`), error.cause.fix);
      assert.ok(error.cause.fix.includes('Access-Control-Allow-Credentials: true'), error.cause.fix);
      return true;
    });
  } finally {
    await s.close();
  }
});

test('a network failure: TypeError naming the failed request, no fix header', async () => {
  const s = await serve(() => {});
  const base = s.base;
  await s.close();
  const fetch = createFetch({ origin: APP });
  await assert.rejects(fetch(`${base}/gone`), (error) => {
    assert.ok(error instanceof TypeError);
    assert.match(error.cause.rule, /connection refused/);
    assert.deepEqual(error.cause.fix, []);
    assert.match(error.cause.do, /listens/);
    return true;
  });
});

test('AbortSignal: an aborted fetch rejects with the signal reason, before or while waiting', async () => {
  const s = await serve((req, res) => setTimeout(() => answer(res, 200, { 'access-control-allow-origin': APP }), 2000));
  try {
    const fetch = createFetch({ origin: APP });
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(fetch(`${s.base}/x`, { signal: controller.signal }), { name: 'AbortError' });
    assert.equal(s.seen.length, 0);
    const late = new AbortController();
    const pending = fetch(`${s.base}/x`, { signal: late.signal });
    setTimeout(() => late.abort(), 50);
    assert.equal(fetch.inFlight, 1);
    await assert.rejects(pending, { name: 'AbortError' });
    // The aborted fetch left nothing in the agent.
    assert.equal(fetch.inFlight, 0);
  } finally {
    s.close();
  }
});

test('forbidden headers are dropped; no-cors gives an opaque response; manual redirect opaqueredirect', async () => {
  const s = await serve((req, res) => {
    if (req.url === '/r') return answer(res, 302, { location: '/x', 'access-control-allow-origin': '*' });
    answer(res, 200, { 'x-secret': '1' }, 'body');
  });
  try {
    const fetch = createFetch({ origin: APP });
    const opaque = await fetch(`${s.base}/x`, { mode: 'no-cors', headers: { 'Proxy-Authorization': 'x', 'Accept': 'a/b' } });
    assert.equal(opaque.type, 'opaque');
    assert.equal(opaque.status, 0);
    assert.equal(opaque.url, '');
    assert.equal(await opaque.text(), '');
    assert.equal([...opaque.headers].length, 0);
    assert.equal(s.seen[0].headers['proxy-authorization'], undefined);
    assert.equal(s.seen[0].headers.accept, 'a/b');
    const manual = await fetch(`${s.base}/r`, { redirect: 'manual' });
    assert.equal(manual.type, 'opaqueredirect');
    assert.equal(manual.status, 0);
  } finally {
    await s.close();
  }
});

test('a same-origin page gets a basic response with every header but Set-Cookie', async () => {
  const s = await serve((req, res) => answer(res, 200, { 'x-secret': '1', 'set-cookie': 'a=b' }, 'ok'));
  try {
    const fetch = createFetch({ origin: s.base });
    const res = await fetch('/same');
    assert.equal(res.type, 'basic');
    assert.equal(res.headers.get('x-secret'), '1');
    assert.equal(res.headers.get('set-cookie'), null);
    assert.equal(s.seen[0].headers.origin, undefined);
  } finally {
    await s.close();
  }
});

test('fetch() refuses a forbidden method before sending anything', async () => {
  const fetch = createFetch({ origin: APP, fetch: () => assert.fail('nothing is sent') });
  await assert.rejects(fetch('https://api.example/', { method: 'CONNECT' }), (error) => {
    assert.ok(error instanceof TypeError);
    assert.equal(error.cause.stage, 'request');
    return true;
  });
});

test('explain gives the fields of corsgate explain --json, offline', () => {
  const e = explain({
    origin: APP,
    url: 'https://api.example/v1/items',
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', 'X-Token': '1' },
    engine: 'chromium',
  });
  assert.equal(e.command, 'explain');
  assert.equal(e.engine, 'chromium');
  assert.equal(e.decision, 'preflight');
  assert.deepEqual(e.reasons.map((r) => [r.subject, r.name]), [
    ['method', 'PUT'],
    ['header', 'content-type'],
    ['header', 'x-token'],
  ]);
  assert.equal(e.first_request.kind, 'preflight');
  assert.equal(e.first_request.method, 'OPTIONS');
  assert.deepEqual(e.required.preflight, [
    `Access-Control-Allow-Origin: ${APP}`,
    'Access-Control-Allow-Methods: PUT',
    'Access-Control-Allow-Headers: content-type, x-token',
  ]);
  assert.deepEqual(e.required.response, [`Access-Control-Allow-Origin: ${APP}`]);
  assert.equal(e.verdict, null);
  assert.throws(() => explain({ origin: APP, url: 'x', engine: 'edge' }), /unknown engine/);
});

test('the Response script gets is a Response: filtered headers on it and on its clone, the body a stream', async () => {
  const s = await corsServer();
  try {
    const fetch = createFetch({ origin: APP });
    const res = await fetch(`${s.base}/v1/items?x=1`);
    assert.ok(res instanceof Response);
    assert.equal(res.type, 'cors');
    assert.equal(res.ok, true);
    assert.equal(res.url, `${s.base}/v1/items?x=1`);
    assert.equal(res.headers.get('x-request-id'), null);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const copy = res.clone();
    assert.ok(copy instanceof Response);
    assert.equal(copy.type, 'cors');
    assert.equal(copy.url, res.url);
    assert.deepEqual([...copy.headers.keys()], ['content-type']);
    assert.ok(res.body instanceof ReadableStream);
    const chunks = [];
    for await (const chunk of res.body) chunks.push(Buffer.from(chunk));
    assert.equal(Buffer.concat(chunks).toString(), '{"ok":true}');
    assert.deepEqual(await copy.json(), { ok: true });
  } finally {
    await s.close();
  }
});

test('a NUL in a header or the method is refused before anything is sent (TypeError)', async () => {
  const fetch = createFetch({ origin: APP, fetch: () => assert.fail('nothing is sent') });
  await assert.rejects(fetch('http://127.0.0.1:9/x', { headers: { 'x-a': 'a\0b' } }), TypeError);
  await assert.rejects(fetch('http://127.0.0.1:9/x', { headers: [['x-a\0x-b', 'v']] }), TypeError);
  await assert.rejects(fetch('http://127.0.0.1:9/x', { method: 'P\0T' }), TypeError);
});

test('307 resends a body that has a source; a stream body fails by Fetch §http-redirect-fetch step 11', async () => {
  const bodies = [];
  // A server that records the body each request carried.
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      bodies.push(`${req.url} ${data}`);
      if (req.url === '/a') return answer(res, 307, { location: '/b', 'access-control-allow-origin': APP });
      answer(res, 200, { 'access-control-allow-origin': APP }, 'done');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const corsFetch = createFetch({ origin: APP });
    // A string (text/plain: a simple POST) is sent again after the 307.
    const res = await corsFetch(`${base}/a`, { method: 'POST', body: 'x' });
    assert.equal(await res.text(), 'done');
    assert.equal(res.redirected, true);
    // So is the body of a Request built from a string.
    const res2 = await corsFetch(new Request(`${base}/a`, { method: 'POST', body: 'y' }));
    assert.equal(await res2.text(), 'done');
    assert.deepEqual(bodies, ['/a x', '/b x', '/a y', '/b y']);
    // A stream has no source: the 307 fails before anything more is sent.
    bodies.length = 0;
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('z'));
        c.close();
      },
    });
    await assert.rejects(
      corsFetch(`${base}/a`, {
        method: 'POST',
        body: stream,
        duplex: 'half',
        headers: { 'content-type': 'text/plain' },
      }),
      (error) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.cause.spec, /http-redirect-fetch step 11/);
        assert.equal(error.cause.stage, 'redirect');
        return true;
      },
    );
    assert.deepEqual(bodies, ['/a z']);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('every way a fetch settles leaves nothing in flight: passed, blocked, refused, a failed transport, a bad response', async () => {
  const s = await serve((req, res) => answer(res, 200, req.url === '/ok' ? { 'access-control-allow-origin': APP } : {}));
  try {
    const fetch = createFetch({ origin: APP });
    assert.equal(fetch.inFlight, 0);
    const ok = fetch(`${s.base}/ok`);
    assert.equal(fetch.inFlight, 1);
    await (await ok).text();
    await assert.rejects(fetch(`${s.base}/no-acao`), TypeError);
    await assert.rejects(fetch('not a url at all', { method: 'B AD' }), TypeError);
    assert.equal(fetch.inFlight, 0);
    // An underlying fetch that hands back what no HTTP response is: the agent refuses it, and
    // the fetch is abandoned on the way out.
    const odd = createFetch({ origin: APP, fetch: async () => ({ status: 1000, headers: new Headers(), body: null }) });
    await assert.rejects(odd(`${s.base}/ok`));
    assert.equal(odd.inFlight, 0);
    const throwing = createFetch({ origin: APP, fetch: async () => { throw new Error('boom'); } });
    await assert.rejects(throwing(`${s.base}/ok`), TypeError);
    assert.equal(throwing.inFlight, 0);
  } finally {
    s.close();
  }
});
