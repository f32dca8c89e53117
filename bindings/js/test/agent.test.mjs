// The agent's fetches in flight (bindings/js/src/lib.rs, `Agent`): a fetch that ends is dropped
// by the agent, one left early is dropped by `abandon`, and an id never names a later fetch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const wasm = createRequire(import.meta.url)('../pkg/corsgate_js.js');
const ORIGIN = 'https://app.example';
const fields = (url, method = 'GET', ...headers) =>
  [ORIGIN, url, method, 'cors', 'same-origin', 'follow', ...headers].join('\0');
const split = (first) => {
  const cut = first.indexOf('\0');
  return [Number(first.slice(0, cut)), first.slice(cut + 1).split('\0')];
};

test('a fetch that ends is dropped by the agent; one left early by abandon', () => {
  const agent = new wasm.Agent('chromium');
  assert.equal(agent.inFlight, 0);
  const [a, actionA] = split(agent.start(0, fields('https://api.example/a'), false, false));
  const [b, actionB] = split(agent.start(0, fields('https://api.example/b', 'PUT', 'x-token', '1'), false, false));
  assert.deepEqual([actionA[0], actionA[1]], ['send', 'actual']);
  assert.deepEqual([actionB[0], actionB[1]], ['send', 'preflight']);
  assert.equal(agent.inFlight, 2);
  assert.notEqual(a, b);
  // A passes: `ok`, and the agent drops it.
  const ok = agent.respond(a, 1, 200, `access-control-allow-origin\0${ORIGIN}`).split('\0');
  assert.equal(ok[0], 'ok');
  assert.equal(agent.inFlight, 1);
  assert.throws(() => agent.respond(a, 2, 200, ''), /no fetch .* in flight/);
  // B's preflight is refused: `blocked`, dropped too.
  const blocked = agent.respond(b, 1, 200, '');
  assert.match(blocked, /^blocked\0/);
  assert.equal(agent.inFlight, 0);
  // A fetch abandoned before its response; abandoning again, or an unknown id, does nothing.
  const [c] = split(agent.start(0, fields('https://api.example/c'), false, false));
  assert.equal(agent.inFlight, 1);
  agent.abandon(c);
  agent.abandon(c);
  agent.abandon(123456);
  assert.equal(agent.inFlight, 0);
  // The slot is reused under a new id: the old id does not reach the new fetch.
  const [d] = split(agent.start(0, fields('https://api.example/d'), false, false));
  assert.notEqual(d, c);
  assert.throws(() => agent.fail(c, 'refused', 'x'), /no fetch .* in flight/);
  assert.match(agent.fail(d, 'refused', 'connection refused'), /^blocked\0/);
  assert.equal(agent.inFlight, 0);
});

test('a refused start leaves nothing in flight', () => {
  const agent = new wasm.Agent('spec');
  assert.throws(() => agent.start(0, fields('not a url'), false, false), /not an absolute URL/);
  assert.throws(() => agent.start(0, 'too\0few', false, false), /fewer than six fields/);
  assert.equal(agent.inFlight, 0);
});

test('many fetches in flight at once, then all ended: none left', () => {
  const agent = new wasm.Agent('firefox');
  const ids = [];
  for (let i = 0; i < 1000; i++) ids.push(split(agent.start(0, fields(`https://api.example/${i}`), false, false))[0]);
  assert.equal(new Set(ids).size, 1000);
  assert.equal(agent.inFlight, 1000);
  ids.forEach((id, i) => (i % 2 ? agent.abandon(id) : agent.respond(id, 1, 200, `access-control-allow-origin\0${ORIGIN}`)));
  assert.equal(agent.inFlight, 0);
});
