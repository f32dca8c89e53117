//! corsgate for JavaScript: the WebAssembly side of the npm package `corsgate`.
//!
//! This crate holds no CORS rule. It maps JavaScript values to the corsgate crate's types and
//! back: an [`Agent`] is a `corsgate::UserAgent` (a policy and its preflight cache) with the
//! `corsgate::Fetch`es in flight, each driven by the JavaScript layer (which does the I/O)
//! through its id. `explain` is the
//! CLI's report model (`corsgate explain --json`), `replayLine` the corpus replay of
//! `corsgate replay`. On the per-request path values cross the boundary as strings of
//! NUL-separated fields (see [`Agent`]); `explain` takes and gives JSON text.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use bytes::Bytes;
use corsgate::error::{FailureKind, NetworkFailure, Stage};
use corsgate::fetch::{Action, RequestKind};
use corsgate::time::Timestamp;
use corsgate::{Blocked, Fix, Policy, UserAgent};
use corsgate_cli::model::{self, Setup};
use corsgate_cli::render::{self, Report};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde_json::{json, Value};
use std::borrow::Cow;
use url::Url;
use wasm_bindgen::prelude::*;

/// The caller's clock reading (`performance.now()` milliseconds) as the core's `now`.
fn instant(now_ms: f64) -> corsgate::time::Instant {
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    {
        Timestamp::from_millis(now_ms)
    }
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    {
        // Native builds (the workspace's tests and lints) use std's clock with the reading as
        // an offset from a fixed base, so the same arithmetic holds.
        use std::sync::OnceLock;
        static BASE: OnceLock<std::time::Instant> = OnceLock::new();
        let base = *BASE.get_or_init(std::time::Instant::now);
        base + Timestamp::from_millis(now_ms).elapsed_since_origin()
    }
}

fn policy(engine: &str) -> Result<Policy, String> {
    Policy::by_name(engine).ok_or_else(|| {
        format!(
            "unknown engine `{engine}`; expected one of: {}",
            Policy::NAMES.join(", ")
        )
    })
}

/// The page's origin: a serialized origin (`https://app.example`, `null`) or a page URL whose
/// origin is taken.
fn origin(s: &str) -> Result<corsgate::Origin, String> {
    if let Ok(origin) = corsgate::Origin::parse_header(s.as_bytes()) {
        return Ok(origin);
    }
    Url::parse(s)
        .map(|url| corsgate::Origin::of_url(&url))
        .map_err(|e| format!("origin `{s}` is not an origin or URL ({e})"))
}

/// A JavaScript string as a header value: a ByteString (isomorphic encoding; a code point above
/// U+00FF cannot be one). ASCII text is its own bytes, borrowed.
fn byte_string(s: &str) -> Option<Cow<'_, [u8]>> {
    if s.is_ascii() {
        return Some(Cow::Borrowed(s.as_bytes()));
    }
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect::<Option<Vec<u8>>>()
        .map(Cow::Owned)
}

/// `[name, value, name, value, …]` (as `Headers` iterates: names lowercase, values normalized)
/// into a header list. The error names the first pair that is not a header.
fn header_list<S: AsRef<str>>(flat: &[S]) -> Result<Vec<(HeaderName, HeaderValue)>, String> {
    let mut list = Vec::with_capacity(flat.len() / 2);
    for pair in flat.chunks(2) {
        list.push(header(pair, HeaderValue::from_bytes)?);
    }
    Ok(list)
}

/// One `[name, value]` pair as a header, its value (a ByteString, normalized) made by `value`.
fn header<S: AsRef<str>>(
    pair: &[S],
    value: impl FnOnce(&[u8]) -> Result<HeaderValue, http::header::InvalidHeaderValue>,
) -> Result<(HeaderName, HeaderValue), String> {
    let [name, v] = pair else {
        return Err("headers: an odd-length list".to_owned());
    };
    let (name, v) = (name.as_ref(), v.as_ref());
    let n = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{name}` is not a valid header name"))?;
    let bytes = byte_string(v).ok_or_else(|| {
        format!("the value of `{name}` is not a ByteString (a code point above U+00FF)")
    })?;
    let v = value(corsgate::header::normalize(&bytes))
        .map_err(|_| format!("the value of `{name}` is not a valid header value"))?;
    Ok((n, v))
}

/// A response head's `name\0value\0…` as a header map, with [`header`]'s checks and errors.
/// The values of an ASCII head share one copy of its bytes (each value a slice of it: two
/// allocations for all, not one per value); a value that is not a slice of the head (a
/// Latin-1 one, decoded) is copied.
fn header_map(joined: &str) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    if joined.is_empty() {
        return Ok(map);
    }
    let shared = joined
        .is_ascii()
        .then(|| Bytes::copy_from_slice(joined.as_bytes()));
    // Where `bytes` lie in `joined`, if they do: the same range of `shared`.
    let base = joined.as_ptr() as usize;
    let value = |bytes: &[u8]| {
        let at = (bytes.as_ptr() as usize).wrapping_sub(base);
        match &shared {
            Some(shared) if !bytes.is_empty() && at.saturating_add(bytes.len()) <= shared.len() => {
                HeaderValue::from_maybe_shared(shared.slice(at..at + bytes.len()))
            }
            _ => HeaderValue::from_bytes(bytes),
        }
    };
    for pair in split_fields(joined).chunks(2) {
        let (n, v) = header(pair, value)?;
        map.append(n, v);
    }
    Ok(map)
}

/// The separator of the fields of a hot-path message across the boundary. No header name or
/// value, serialized URL, method or keyword can hold it (`HeaderValue` refuses NUL, the URL
/// parser percent-encodes it, and the JavaScript layer refuses it in what the caller gives).
const SEP: char = '\0';

/// `name\0value\0name\0value…` (what the JavaScript layer joins) as the strings of a list.
fn split_fields(joined: &str) -> Vec<&str> {
    if joined.is_empty() {
        return Vec::new();
    }
    // A byte loop: the fields are short, where `str::split`'s memchr costs more than it saves.
    let mut fields = Vec::with_capacity(16);
    let mut from = 0;
    for (i, &b) in joined.as_bytes().iter().enumerate() {
        if b == 0 {
            // NUL is ASCII: `from` and `i` are character boundaries.
            fields.push(joined.get(from..i).unwrap_or_default());
            from = i + 1;
        }
    }
    fields.push(joined.get(from..).unwrap_or_default());
    fields
}

/// Appends `\0name\0value` for each header, a value's bytes as Latin-1 code points (as
/// JavaScript reads a ByteString).
fn push_headers<'a>(
    out: &mut String,
    headers: impl IntoIterator<Item = (&'a http::HeaderName, &'a http::HeaderValue)>,
) {
    for (name, value) in headers {
        out.push(SEP);
        out.push_str(name.as_str());
        out.push(SEP);
        match value.to_str() {
            Ok(ascii) => out.push_str(ascii),
            Err(_) => out.extend(value.as_bytes().iter().map(|&b| char::from(b))),
        }
    }
}

/// Appends `n` in decimal (no formatting machinery on the per-request path).
fn push_decimal(s: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    s.extend(digits[at..].iter().map(|&d| char::from(d)));
}

fn keyword<T: std::str::FromStr>(s: &str, what: &str, expected: &str) -> Result<T, String> {
    s.parse()
        .map_err(|_| format!("{what} `{s}` is not one of {expected}"))
}

/// What the request is, as the JavaScript layer gathered it from `fetch`'s arguments.
struct Init<'a> {
    origin: &'a str,
    url: &'a str,
    method: &'a str,
    headers: Vec<&'a str>,
    mode: &'a str,
    credentials: &'a str,
    redirect: &'a str,
}

impl Init<'_> {
    fn url(&self) -> Result<Url, String> {
        Url::parse(self.url).map_err(|e| format!("`{}` is not an absolute URL ({e})", self.url))
    }

    fn method(&self) -> Result<Method, String> {
        if !corsgate::header::is_token(self.method.as_bytes()) {
            return Err(format!("`{}` is not a valid HTTP method", self.method));
        }
        Method::from_bytes(self.method.as_bytes()).map_err(|e| e.to_string())
    }

    /// The corsgate request, built as `Setup::request` builds it (what `explain` reads), from
    /// the page's origin parsed once per agent.
    fn request(&self, origin: corsgate::Origin) -> Result<corsgate::FetchRequest, String> {
        // The same checks in the same order as `setup`, so the same first error.
        let (url, method) = (self.url()?, self.method()?);
        let headers = header_list(&self.headers)?;
        let credentials = keyword(
            self.credentials,
            "credentials",
            "omit, same-origin, include",
        )?;
        let mode = keyword(self.mode, "mode", "cors, no-cors, same-origin")?;
        let redirect = keyword(self.redirect, "redirect", "follow, error, manual")?;
        let mut request = corsgate::FetchRequest::new(origin, url)
            .method(method)
            .mode(mode)
            .credentials(credentials)
            .redirect(redirect);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        Ok(request)
    }

    fn setup(&self, policy: Policy) -> Result<Setup, String> {
        let url = self.url()?;
        let method = self.method()?;
        Ok(Setup {
            origin: origin(self.origin)?,
            url,
            method,
            headers: header_list(&self.headers)?,
            credentials: keyword(
                self.credentials,
                "credentials",
                "omit, same-origin, include",
            )?,
            mode: keyword(self.mode, "mode", "cors, no-cors, same-origin")?,
            redirect: keyword(self.redirect, "redirect", "follow, error, manual")?,
            policy,
        })
    }
}

/// Which response failed, as `corsgate explain --json` names it (`request`: nothing was sent).
fn stage(b: &Blocked) -> &'static str {
    match (b.stage(), b.exchange().map(|e| e.kind)) {
        (Some(Stage::Preflight), _) | (None, Some(RequestKind::Preflight)) => "preflight",
        (Some(Stage::Redirect), _) => "redirect",
        (Some(Stage::Response), _) | (None, Some(RequestKind::Actual)) => "response",
        (None, None) => "request",
    }
}

fn blocked_json(b: &Blocked) -> Value {
    json!({
        "rule": b.rule(),
        "spec": b.spec(),
        "stage": stage(b),
        // The header lines the server must send; `do`: what to change where no header fixes it.
        "fix": match b.fix() { Some(Fix::Send(lines)) => lines, _ => Vec::new() },
        "do": match b.fix() { Some(Fix::Do(what)) => Some(what), _ => None },
        "message": b.to_string(),
    })
}

/// A user agent: one engine's policy, the preflight cache its fetches share, and the fetches in
/// flight, each driven by the JavaScript layer through its id.
///
/// A fetch takes two calls across the boundary when it needs one request: [`Agent::start`]
/// (its id and first action) and [`Agent::respond`] (the next action). An action is one string
/// of fields separated by [`SEP`] (one decode and one `split` in JavaScript, where JSON text
/// cost more than the rest of the crossing):
/// - `send\0KIND\0METHOD\0URL\0CREDENTIALS(1|0)[\0NAME\0VALUE]…`
/// - `ok\0TYPE\0STATUS\0URL\0REDIRECTED(1|0)[\0NAME\0VALUE]…` (the filtered response)
/// - `blocked\0JSON` (`{rule, spec, stage, fix, do, message}`: off the hot path)
/// - `await`
///
/// A fetch that ends (`ok`, `blocked`) is dropped by the agent itself; one the JavaScript layer
/// leaves before that (an abort, a thrown error) is dropped by [`Agent::abandon`]. So no
/// JavaScript object owns a fetch, and none needs finalizing.
#[wasm_bindgen]
pub struct Agent {
    ua: UserAgent,
    /// The page's origin as last given to [`Agent::start`] and as parsed (one per
    /// `createFetch`, so parsed once).
    page: Option<(String, corsgate::Origin)>,
    flights: Flights,
}

/// The fetches in flight: slots reused through a free list, each with a generation so that an
/// id outlives its fetch without naming the next one in its slot.
#[derive(Default)]
struct Flights {
    slots: Vec<Slot>,
    vacant: Vec<u32>,
}

#[derive(Default)]
struct Slot {
    generation: u16,
    fetch: Option<corsgate::Fetch>,
}

/// At most this many fetches in flight per agent (ids are a 16-bit slot and a 16-bit
/// generation).
const MAX_FLIGHTS: usize = 1 << 16;

impl Flights {
    fn insert(&mut self, fetch: corsgate::Fetch) -> Result<u32, String> {
        let index = match self.vacant.pop() {
            Some(index) => index,
            None if self.slots.len() < MAX_FLIGHTS => {
                self.slots.push(Slot::default());
                u32::try_from(self.slots.len() - 1).map_err(|e| e.to_string())?
            }
            None => return Err(format!("more than {MAX_FLIGHTS} fetches in flight")),
        };
        let slot = &mut self.slots[index as usize];
        slot.fetch = Some(fetch);
        Ok((u32::from(slot.generation) << 16) | index)
    }

    fn get(&mut self, id: u32) -> Result<&mut corsgate::Fetch, String> {
        self.slots
            .get_mut((id & 0xffff) as usize)
            .filter(|slot| u32::from(slot.generation) == id >> 16)
            .and_then(|slot| slot.fetch.as_mut())
            .ok_or_else(|| format!("no fetch {id} in flight"))
    }

    /// Drops fetch `id` (nothing if it is gone already).
    fn remove(&mut self, id: u32) {
        let index = id & 0xffff;
        if let Some(slot) = self.slots.get_mut(index as usize) {
            if u32::from(slot.generation) == id >> 16 && slot.fetch.take().is_some() {
                slot.generation = slot.generation.wrapping_add(1);
                self.vacant.push(index);
            }
        }
    }

    fn len(&self) -> usize {
        self.slots.len() - self.vacant.len()
    }
}

#[wasm_bindgen]
impl Agent {
    /// A user agent with `engine`'s preset (`spec`, `chromium`, `firefox`, `webkit`).
    #[wasm_bindgen(constructor)]
    pub fn new(engine: &str) -> Result<Agent, JsError> {
        Ok(Agent {
            ua: UserAgent::new(policy(engine).map_err(|e| JsError::new(&e))?),
            page: None,
            flights: Flights::default(),
        })
    }

    /// The preset's name.
    #[wasm_bindgen(getter)]
    pub fn engine(&self) -> String {
        self.ua.policy().name.to_owned()
    }

    /// How many fetches are in flight (started, neither ended nor abandoned).
    #[wasm_bindgen(getter, js_name = inFlight)]
    pub fn in_flight(&self) -> usize {
        self.flights.len()
    }

    /// Starts a fetch at `now_ms` and returns `ID\0ACTION`: its id and its first action (see
    /// [`Agent`]). `request` is one string of fields separated by [`SEP`]:
    /// `ORIGIN\0URL\0METHOD\0MODE\0CREDENTIALS\0REDIRECT[\0NAME\0VALUE]…` (one string to
    /// pass instead of seven). Throws (a `TypeError` in the JavaScript layer) when `fetch()`
    /// refuses the request before anything is sent. `body`: the request has a body; `stream`:
    /// that body is a stream (its source is null: it cannot be sent again on a 307/308).
    pub fn start(
        &mut self,
        now_ms: f64,
        request: &str,
        body: bool,
        stream: bool,
    ) -> Result<String, JsError> {
        self.start_fetch(now_ms, request, body, stream)
            .map_err(|e| JsError::new(&e))
    }

    /// Hands in the response head (`headers`: `name\0value\0…`) of the request fetch `id`
    /// last handed out, at `now_ms`, and returns its next action.
    pub fn respond(
        &mut self,
        id: u32,
        now_ms: f64,
        status: u16,
        headers: &str,
    ) -> Result<String, JsError> {
        self.respond_fetch(id, now_ms, status, headers)
            .map_err(|e| JsError::new(&e))
    }

    /// Hands in that the request fetch `id` last handed out failed below HTTP: `kind` is `dns`,
    /// `refused`, `timeout`, `tls`, `closed` (before any response byte), `reset`, `protocol` or
    /// `other`; `detail` the transport's words. Returns the next action.
    pub fn fail(&mut self, id: u32, kind: &str, detail: &str) -> Result<String, JsError> {
        self.fail_fetch(id, kind, detail)
            .map_err(|e| JsError::new(&e))
    }

    /// Drops fetch `id` before it ended (an abort, an error in the JavaScript layer); nothing if
    /// it is gone already.
    pub fn abandon(&mut self, id: u32) {
        self.flights.remove(id);
    }
}

impl Agent {
    fn start_fetch(
        &mut self,
        now_ms: f64,
        request: &str,
        body: bool,
        stream: bool,
    ) -> Result<String, String> {
        let fields = split_fields(request);
        let [origin, url, method, mode, credentials, redirect, headers @ ..] = fields.as_slice()
        else {
            return Err("start: fewer than six fields".to_owned());
        };
        let origin = *origin;
        let init = Init {
            origin,
            url,
            method,
            headers: headers.to_vec(),
            mode,
            credentials,
            redirect,
        };
        let page = match &self.page {
            Some((text, parsed)) if text == origin => parsed.clone(),
            _ => {
                let parsed = self::origin(origin)?;
                self.page = Some((origin.to_owned(), parsed.clone()));
                parsed
            }
        };
        let request = init.request(page)?;
        let request = if body && stream {
            request.stream_body()
        } else {
            request.body(body)
        };
        let fetch = self
            .ua
            .start(instant(now_ms), request)
            .map_err(|e| e.to_string())?;
        let id = self.flights.insert(fetch)?;
        let mut out = String::with_capacity(256);
        push_decimal(&mut out, id);
        out.push(SEP);
        self.next_action(id, &mut out)?;
        Ok(out)
    }

    fn respond_fetch(
        &mut self,
        id: u32,
        now_ms: f64,
        status: u16,
        headers: &str,
    ) -> Result<String, String> {
        let mut response = http::Response::new(());
        *response.status_mut() = http::StatusCode::from_u16(status).map_err(|e| e.to_string())?;
        *response.headers_mut() = header_map(headers)?;
        self.flights
            .get(id)?
            .handle_response(&mut self.ua, instant(now_ms), response)
            .map_err(|e| e.to_string())?;
        let mut out = String::new();
        self.next_action(id, &mut out)?;
        Ok(out)
    }

    fn fail_fetch(&mut self, id: u32, kind: &str, detail: &str) -> Result<String, String> {
        let kind = match kind {
            "dns" => FailureKind::Dns,
            "refused" => FailureKind::Refused,
            "timeout" => FailureKind::TimedOut,
            "tls" => FailureKind::Tls,
            "closed" => FailureKind::ClosedBeforeResponse,
            "reset" => FailureKind::Reset,
            "protocol" => FailureKind::Protocol,
            _ => FailureKind::Other,
        };
        self.flights
            .get(id)?
            .handle_network_failure(&mut self.ua, NetworkFailure::new(kind, detail))
            .map_err(|e| e.to_string())?;
        let mut out = String::new();
        self.next_action(id, &mut out)?;
        Ok(out)
    }

    /// Appends fetch `id`'s next action (see [`Agent`]) to `s`; a fetch that ended is dropped.
    fn next_action(&mut self, id: u32, s: &mut String) -> Result<(), String> {
        let fetch = self.flights.get(id)?;
        // An ended fetch is read in place (`poll` would hand out a copy of its outcome).
        if let Some(outcome) = fetch.outcome() {
            push_outcome(s, outcome);
            self.flights.remove(id);
            return Ok(());
        }
        match fetch.poll() {
            Action::Send(out) => {
                s.reserve(256);
                s.push_str("send");
                s.push(SEP);
                s.push_str(match out.kind {
                    RequestKind::Preflight => "preflight",
                    RequestKind::Actual => "actual",
                });
                s.push(SEP);
                s.push_str(out.request.method().as_str());
                s.push(SEP);
                s.push_str(fetch.current_url().as_str());
                s.push(SEP);
                s.push(if out.credentials { '1' } else { '0' });
                push_headers(s, out.request.headers());
            }
            Action::AwaitResponse => s.push_str("await"),
            Action::Done(outcome) => {
                push_outcome(s, &outcome);
                self.flights.remove(id);
            }
        }
        Ok(())
    }
}

/// The `ok` or `blocked` action of an ended fetch (see [`Agent`]).
fn push_outcome(s: &mut String, outcome: &Result<corsgate::fetch::Response, Blocked>) {
    match outcome {
        Ok(r) => {
            s.reserve(256);
            s.push_str("ok");
            s.push(SEP);
            s.push_str(r.response_type.as_str());
            s.push(SEP);
            push_decimal(s, u32::from(r.status));
            s.push(SEP);
            s.push_str(r.url_list.last().map(Url::as_str).unwrap_or(""));
            s.push(SEP);
            s.push(if r.redirected() { '1' } else { '0' });
            push_headers(s, &r.headers);
        }
        Err(b) => {
            s.push_str("blocked");
            s.push(SEP);
            s.push_str(&blocked_json(b).to_string());
        }
    }
}

/// `corsgate explain --json`, offline, for a request given as JSON text: `{origin, url, method,
/// headers: [[name, value]…], credentials, mode, redirect, engine}`. Returns the report's JSON.
#[wasm_bindgen]
pub fn explain(now_ms: f64, request: &str) -> Result<String, JsError> {
    explain_json(now_ms, request).map_err(|e| JsError::new(&e))
}

fn explain_json(now_ms: f64, request: &str) -> Result<String, String> {
    let v: Value = serde_json::from_str(request).map_err(|e| format!("not JSON: {e}"))?;
    let text = |key: &str, default: &'static str| -> Result<String, String> {
        match v.get(key) {
            None | Some(Value::Null) => Ok(default.to_owned()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(format!("`{key}` must be a string")),
        }
    };
    let mut headers = Vec::new();
    if let Some(list) = v.get("headers").and_then(Value::as_array) {
        for pair in list {
            match pair.as_array().map(Vec::as_slice) {
                Some([Value::String(n), Value::String(v)]) => {
                    headers.push(n.as_str());
                    headers.push(v.as_str());
                }
                _ => return Err("`headers` must be [name, value] pairs of strings".to_owned()),
            }
        }
    }
    let (o, u, m) = (
        text("origin", "")?,
        text("url", "")?,
        text("method", "GET")?,
    );
    let (mode, cred, redir) = (
        text("mode", "cors")?,
        text("credentials", "same-origin")?,
        text("redirect", "follow")?,
    );
    let init = Init {
        origin: &o,
        url: &u,
        method: &m,
        headers,
        mode: &mode,
        credentials: &cred,
        redirect: &redir,
    };
    let setup = init.setup(policy(&text("engine", "spec")?)?)?;
    let started = model::start(&setup, instant(now_ms));
    // No response is given: the verdict is the one known before anything is sent, if any
    // (`corsgate explain` without --preflight-response or --response).
    let report = Report {
        command: "explain",
        setup: &setup,
        analysis: &started.analysis,
        exchanges: &[],
        verdict: started.early.as_ref(),
        cached_for: None,
        notes: &[],
    };
    Ok(render::json(&report).to_string())
}

/// One line of the conformance corpus replayed under `engine`, exactly as `corsgate replay
/// --engine ENGINE` writes it (the same function, `corsgate_scenario::replay_line`).
#[wasm_bindgen(js_name = replayLine)]
pub fn replay_line(line: &str, engine: &str) -> Result<String, JsError> {
    let policy = policy(engine).map_err(|e| JsError::new(&e))?;
    corsgate_scenario::replay_line(line.as_bytes(), &policy, engine, instant(0.0))
        .map_err(|e| JsError::new(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte loop splits as `str::split` on the separator does (the empty string being no
    /// fields at all).
    #[test]
    fn split_fields_is_str_split() {
        let cases = [
            "a",
            "a\0b",
            "a\0",
            "\0",
            "\0\0",
            "\0a",
            "ü\0x\0ÿ\0",
            "name\0value\0n2\0v2",
            "a b\0 c ",
        ];
        for joined in cases {
            let want: Vec<&str> = joined.split(SEP).collect();
            assert_eq!(split_fields(joined), want, "{joined:?}");
        }
        assert!(split_fields("").is_empty());
        for n in [0, 7, 10, 200, 999, 65_537, u32::MAX] {
            let mut s = String::from("x");
            push_decimal(&mut s, n);
            assert_eq!(s, format!("x{n}"));
        }
    }

    /// ASCII values are borrowed; Latin-1 code points become their bytes; others are refused,
    /// and the error names the header.
    #[test]
    fn header_values_are_byte_strings() {
        assert!(matches!(
            byte_string("text/plain"),
            Some(Cow::Borrowed(b"text/plain"))
        ));
        assert_eq!(byte_string("caf\u{e9}").as_deref(), Some(&b"caf\xe9"[..]));
        assert_eq!(byte_string("\u{100}"), None);
        let list = header_list(&["x-a", " 1 ", "x-b", "caf\u{e9}"]).unwrap();
        assert_eq!(list[0].1.as_bytes(), b"1");
        assert_eq!(list[1].1.as_bytes(), b"caf\xe9");
        assert_eq!(
            header_list(&["x-a", "\u{263a}"]).unwrap_err(),
            "the value of `x-a` is not a ByteString (a code point above U+00FF)"
        );
        assert_eq!(
            header_list(&["x-a"]).unwrap_err(),
            "headers: an odd-length list"
        );
        assert_eq!(
            header_list(&["bad name", "1"]).unwrap_err(),
            "`bad name` is not a valid header name"
        );
        // A response head: ASCII values share one copy; the Latin-1 path gives the same map.
        for joined in [
            "x-a\0 1 \0x-b\0caf\u{e9}",
            "x-a\0 1 \0x-b\0cafe\0x-a\0\0set-cookie\0a",
        ] {
            let map = header_map(joined).unwrap();
            let want: Vec<(String, Vec<u8>)> = header_list(&split_fields(joined))
                .unwrap()
                .into_iter()
                .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
                .collect();
            let mut got: Vec<(String, Vec<u8>)> = map
                .iter()
                .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
                .collect();
            let mut want_sorted = want.clone();
            got.sort();
            want_sorted.sort();
            assert_eq!(got, want_sorted, "{joined:?}");
            assert_eq!(map.len(), want.len());
        }
        assert!(header_map("").unwrap().is_empty());
        for bad in ["x-a", "x-a\0 1\0x-b", "bad name\u{0}1", "x-a\0\u{7f}"] {
            assert_eq!(
                header_map(bad).unwrap_err(),
                header_list(&split_fields(bad)).unwrap_err(),
                "{bad:?}"
            );
        }
        let mut out = String::new();
        push_headers(&mut out, list.iter().map(|(n, v)| (n, v)));
        assert_eq!(out, "\0x-a\x001\0x-b\0caf\u{e9}");
    }
}
