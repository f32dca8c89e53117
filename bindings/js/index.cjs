'use strict';
// The JavaScript layer of corsgate: I/O and type mapping only. Every CORS decision (what to
// send, whether a preflight is needed or cached, which headers are dropped, whether a response
// passes, what script may read, the error and its fix) is made by the corsgate crate compiled to
// WebAssembly (pkg/, built from bindings/js/src/lib.rs).

const wasm = require('./pkg/corsgate_js.js');

/** The most actions one fetch may take: a preflight and a request per hop, 20 redirects. */
const MAX_STEPS = 64;

/** Header lists as `[name, value, …]`, in the order given (Headers, pairs or a record). */
function flatHeaders(init) {
  const out = [];
  if (init == null) return out;
  const entries =
    typeof init[Symbol.iterator] === 'function' ? init : Object.entries(init);
  for (const pair of entries) {
    const [name, value] = pair;
    if (pair.length !== 2) {
      throw new TypeError('corsgate: a header is a [name, value] pair');
    }
    const n = String(name);
    const v = String(value);
    // NUL is the field separator across the WebAssembly boundary; no header holds it (a
    // browser's Headers throws on it too).
    if (n.includes('\0') || v.includes('\0')) {
      throw new TypeError('corsgate: a header name or value holds NUL');
    }
    out.push(n, v);
  }
  return out;
}

/** Headers from fields `[…, name, value, name, value]` starting at `from`. */
function fieldsToHeaders(fields, from) {
  const headers = new Headers();
  for (let i = from; i + 1 < fields.length; i += 2) headers.append(fields[i], fields[i + 1]);
  return headers;
}

/**
 * A URL or origin with a non-ASCII host in its ASCII form, by the platform's own URL parser (URL
 * Standard §concept-domain-to-ascii). The WebAssembly is built without Unicode data for IDNA
 * (README.md, "Size"), so it takes hosts in their ASCII (punycode) form; ASCII text is passed
 * as given.
 */
function asciiHost(text, origin) {
  // eslint-disable-next-line no-control-regex
  if (typeof text !== 'string' || !/[^\x00-\x7f]/.test(text)) return text;
  let url;
  try {
    url = new URL(text);
  } catch {
    return text; // the core says why it is not a URL
  }
  return origin && url.origin !== 'null' && url.href === `${url.origin}/` ? url.origin : url.href;
}

function hasHeader(flat, name) {
  for (let i = 0; i < flat.length; i += 2) {
    if (flat[i].toLowerCase() === name) return true;
  }
  return false;
}

/** The Content-Type a body gets from the platform's own body extraction (Fetch §body-with-type). */
function bodyType(body) {
  const probe = new Request('http://localhost/', { method: 'POST', body, duplex: 'half' });
  const type = probe.headers.get('content-type');
  probe.body?.cancel().catch(() => {});
  return type;
}

/**
 * Whether a body is a stream, whose source is null (Fetch §bodyinit-safely-extract): a
 * `ReadableStream` or an async iterable (undici's own extension). Such a body cannot be sent
 * again, so the core fails a 307/308 redirect of it by Fetch §http-redirect-fetch step 11.
 */
function isStream(body) {
  if (body == null || typeof body !== 'object') return false;
  return body instanceof ReadableStream || typeof body[Symbol.asyncIterator] === 'function';
}

/** What the transport says went wrong, as the core's failure kinds. */
function failureKind(error) {
  const code = error?.cause?.code ?? error?.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (/TIMEOUT|ETIMEDOUT/.test(code)) return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return 'reset';
  if (/CERT|TLS|SSL/.test(code)) return 'tls';
  return 'other';
}

function abortReason(signal) {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** A browser's "Failed to fetch", carrying the rule, the spec step, the stage and the fix. */
function blockedError(json) {
  const done = JSON.parse(json);
  const cause = {
    rule: done.rule,
    spec: done.spec,
    stage: done.stage,
    fix: done.fix,
  };
  if (done.do != null) cause.do = done.do;
  return new TypeError(`Failed to fetch: ${done.message}`, { cause });
}

function refusedError(error) {
  const message = String(error?.message ?? error);
  return new TypeError(`Failed to fetch: ${message}`, {
    cause: { rule: message, spec: null, stage: 'request', fix: [] },
  });
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** The fields of an `ok` action: `ok, type, status, url, redirected, name, value, …`. */
const HEADERS_FROM = 5;

/**
 * The Response script sees: type, status, URL, redirected and headers as the core filtered
 * them. Where the underlying response can carry that (a status `Response` accepts, a body to
 * pass on), it is that same object with its own `type`, `url`, `redirected`, `headers` and
 * `clone` over the prototype's: no second Response around the body stream. Otherwise (opaque,
 * null-body statuses) a new Response.
 */
function scriptResponse(fields, last) {
  const type = fields[1];
  const status = Number(fields[2]);
  const url = type === 'opaque' ? '' : fields[3];
  const redirected = fields[4] === '1';
  const opaque = type === 'opaque' || type === 'opaqueredirect';
  const constructible = status >= 200 && status <= 599;
  if (last && !opaque && constructible && !NULL_BODY.has(status) && last.status === status) {
    return dress(last, fields, type, url, redirected);
  }
  const body = opaque || NULL_BODY.has(status) || !last ? null : last.body;
  if (opaque || NULL_BODY.has(status)) last?.body?.cancel().catch(() => {});
  const response = new Response(body, {
    status: constructible ? status : 200,
    statusText: opaque ? '' : last?.statusText ?? '',
    headers: fieldsToHeaders(fields, HEADERS_FROM),
  });
  const own = {
    type: { value: type },
    url: { value: url },
    redirected: { value: redirected },
  };
  if (!constructible) {
    own.status = { value: status };
    own.ok = { value: status >= 200 && status <= 299 };
  }
  Object.defineProperties(response, own);
  return response;
}

/**
 * `response` as script sees it: the filtered headers (built on first read), the core's type,
 * URL and redirected; `clone()` gives a response dressed the same way.
 */
function dress(response, fields, type, url, redirected) {
  let headers = null;
  const clone = response.clone;
  Object.defineProperties(response, {
    type: { value: type },
    url: { value: url },
    redirected: { value: redirected },
    headers: {
      get() {
        headers ??= fieldsToHeaders(fields, HEADERS_FROM);
        return headers;
      },
    },
    clone: {
      value() {
        return dress(clone.call(response), fields, type, url, redirected);
      },
    },
  });
  return response;
}

/**
 * A `fetch` that behaves as a browser page at `origin` would: CORS and the same-origin policy
 * of `engine`, one preflight cache per call of createFetch.
 */
function createFetch(options = {}) {
  if (typeof options.origin !== 'string') {
    throw new TypeError("corsgate: createFetch needs { origin } (e.g. 'https://app.example' or 'null')");
  }
  const origin = asciiHost(options.origin, true);
  const underlying = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => performance.now());
  const agent = new wasm.Agent(options.engine ?? 'spec');
  // Relative URLs resolve against the page (its URL, or its origin).
  const base = origin === 'null' ? undefined : origin;

  async function corsFetch(input, init = {}) {
    const request = input instanceof Request ? input : null;
    const url = request ? request.url : new URL(String(input), base).href;
    const method = init.method ?? request?.method ?? 'GET';
    let headers = flatHeaders(init.headers ?? request?.headers);
    // A Request's body is read whole: its source (a string, bytes, a form) is not visible from
    // here, and a browser sends such a body again on a 307/308; only a stream given in `init`
    // is a stream to the core (`isStream`).
    let body = init.body !== undefined ? init.body : null;
    if (init.body === undefined && request?.body != null) body = await request.arrayBuffer();
    const signal = init.signal ?? request?.signal ?? null;
    if (signal?.aborted) throw abortReason(signal);
    if (body != null && !hasHeader(headers, 'content-type')) {
      const type = bodyType(body);
      if (type != null) headers.push('content-type', type);
    }
    let first;
    try {
      // origin, url, method, mode, credentials, redirect, name, value, … (NUL-separated)
      const fields = [
        origin,
        url,
        method,
        init.mode ?? request?.mode ?? 'cors',
        init.credentials ?? request?.credentials ?? 'same-origin',
        init.redirect ?? request?.redirect ?? 'follow',
      ];
      for (const field of fields) {
        if (String(field).includes('\0')) throw new TypeError(`\`${field}\` holds NUL`);
      }
      // `ID\0ACTION`: the fetch's id in the agent and its first action.
      first = agent.start(now(), fields.concat(headers).join('\0'), body != null, isStream(body));
    } catch (error) {
      throw refusedError(error);
    }
    const cut = first.indexOf('\0');
    const id = Number(first.slice(0, cut));
    // Whether the agent dropped the fetch itself (it ended: `ok` or `blocked`).
    let ended = false;
    let last = null;
    try {
      let action = first.slice(cut + 1);
      for (let step = 0; step < MAX_STEPS; step++) {
        const fields = action.split('\0');
        const verb = fields[0];
        if (verb === 'send') {
          // send, kind, method, url, credentials, name, value, …
          const kind = fields[1];
          const method = fields[2];
          if (last) await last.body?.cancel().catch(() => {});
          last = null;
          const sendBody =
            kind === 'actual' && method !== 'GET' && method !== 'HEAD' ? body : undefined;
          const outHeaders = [];
          for (let i = 5; i + 1 < fields.length; i += 2) outHeaders.push([fields[i], fields[i + 1]]);
          let response;
          try {
            response = await underlying(fields[3], {
              method,
              headers: outHeaders,
              body: sendBody ?? undefined,
              duplex: sendBody != null ? 'half' : undefined,
              redirect: 'manual',
              credentials: fields[4] === '1' ? 'include' : 'omit',
              signal: signal ?? undefined,
            });
          } catch (error) {
            if (signal?.aborted) throw abortReason(signal);
            action = agent.fail(id, failureKind(error), String(error?.cause?.message ?? error?.message ?? error));
            continue;
          }
          // The head as `Headers` gives it (names lowercase, sorted, values combined; each
          // `set-cookie` on its own). forEach, not the iterator: no entry arrays to allocate.
          let joined = '';
          response.headers.forEach((value, name) => {
            joined = joined === '' ? `${name}\0${value}` : `${joined}\0${name}\0${value}`;
          });
          last = response;
          action = agent.respond(id, now(), response.status, joined);
          continue;
        }
        if (verb === 'ok') {
          ended = true;
          const response = scriptResponse(fields, last);
          last = null;
          return response;
        }
        if (verb === 'blocked') {
          ended = true;
          throw blockedError(fields[1]);
        }
        throw new Error('corsgate: the fetch awaits a response that was not handed in');
      }
      throw new Error(`corsgate: more than ${MAX_STEPS} steps`);
    } finally {
      if (last) last.body?.cancel().catch(() => {});
      if (!ended) agent.abandon(id);
    }
  }
  // How many of this instance's fetches are under way (started, not yet settled): a fetch that
  // settles, however it settles, leaves none behind.
  Object.defineProperty(corsFetch, 'inFlight', { get: () => agent.inFlight, enumerable: true });
  return corsFetch;
}

/**
 * The decision for a request, offline: the same fields as `corsgate explain --json`.
 */
function explain(request = {}) {
  const text = wasm.explain(
    performance.now(),
    JSON.stringify({
      origin: asciiHost(request.origin, true),
      url: request.url == null ? undefined : asciiHost(String(request.url), false),
      method: request.method,
      headers: (() => {
        const flat = flatHeaders(request.headers);
        const pairs = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
        return pairs;
      })(),
      credentials: request.credentials,
      mode: request.mode,
      redirect: request.redirect,
      engine: request.engine,
    }),
  );
  return JSON.parse(text);
}

/** One line of the conformance corpus replayed under `engine` (what `corsgate replay` writes). */
function replayLine(line, engine = 'spec') {
  return wasm.replayLine(line, engine);
}

module.exports = { createFetch, explain, replayLine };
