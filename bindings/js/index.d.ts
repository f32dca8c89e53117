/** Whose rules: the Fetch Standard, or an engine's preset where engines differ. */
export type Engine = 'spec' | 'chromium' | 'firefox' | 'webkit';

export interface CreateFetchOptions {
  /** The page's origin (`https://app.example`), a page URL, or `'null'`. */
  origin: string;
  /** Default `'spec'`. */
  engine?: Engine;
  /** The underlying fetch (default `globalThis.fetch`); called with `redirect: 'manual'`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** The clock for the preflight cache, in milliseconds (default `performance.now()`). */
  now?: () => number;
}

/** The `cause` of the `TypeError` a blocked request rejects with. */
export interface BlockedCause {
  /** Every rule that failed, in words. */
  rule: string;
  /** The Fetch Standard's section and step, e.g. `fetch#concept-cors-check step 2`; null when `fetch()` refused the request itself. */
  spec: string | null;
  /** Which response failed: `preflight`, `response`, `redirect`, or `request` (nothing was sent). */
  stage: 'preflight' | 'response' | 'redirect' | 'request';
  /** The header lines the server must send (each the header's whole value). */
  fix: string[];
  /** What to change where no header fixes it (e.g. a network failure). */
  do?: string;
}

/** What createFetch returns: `fetch`'s signature, and how many of its fetches are under way. */
export interface CorsFetch {
  (input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** Fetches started and not yet settled (a settled fetch, however it settled, leaves none). */
  readonly inFlight: number;
}

/** A `fetch` that behaves as a browser page at `origin` would; one preflight cache per call. */
export function createFetch(options: CreateFetchOptions): CorsFetch;

export interface ExplainRequest {
  origin: string;
  url: string | URL;
  method?: string;
  headers?: HeadersInit;
  credentials?: RequestCredentials;
  mode?: 'cors' | 'no-cors' | 'same-origin';
  redirect?: RequestRedirect;
  engine?: Engine;
}

export type HeaderPair = [name: string, value: string];

export interface WireRequest {
  kind: 'preflight' | 'actual';
  method: string;
  url: string;
  headers: HeaderPair[];
  credentials: boolean;
}

/** The same fields as `corsgate explain --json` (the top-level README lists their meaning). */
export interface Explanation {
  version: number;
  command: 'explain';
  engine: Engine;
  request: {
    origin: string;
    url: string;
    method: string;
    headers: HeaderPair[];
    mode: string;
    credentials: string;
    redirect: string;
  };
  dropped_headers: { name: string; value: string; rule: string; spec: string }[];
  decision: 'same-origin' | 'no-cors' | 'simple' | 'preflight' | 'network-error' | 'refused';
  reasons: {
    subject: 'method' | 'header' | 'url' | 'request';
    name: string | null;
    value: string | null;
    preflight: boolean;
    rule: string;
    spec: string;
  }[];
  first_request: WireRequest | null;
  required: { preflight: string[] | null; response: string[] | null };
  exchanges: unknown[];
  notes: string[];
  /** null unless the request fails before anything is sent. */
  verdict: null | { result: string; [field: string]: unknown };
}

/** The decision for a request, offline. */
export function explain(request: ExplainRequest): Explanation;

/** One line of the conformance corpus replayed under `engine`, as `corsgate replay` writes it. */
export function replayLine(line: string, engine?: Engine): string;

declare const corsgate: {
  createFetch: typeof createFetch;
  explain: typeof explain;
  replayLine: typeof replayLine;
};
export default corsgate;
