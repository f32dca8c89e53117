//! The whole state machine (Fetch §fetching): `UserAgent::start`, `poll`, `handle_response`,
//! with arbitrary response heads (redirects, preflights, every preset, small cache bounds,
//! repeated fetches sharing the preflight cache). Invariants: the machine terminates within the
//! redirect limit's number of round trips; preflights are credential-less `OPTIONS` with a sorted
//! lowercase `Access-Control-Request-Headers`; the cache stays within its bounds and a cache hit
//! implies an unexpired cached preflight for that URL; a CORS response passed the CORS check and
//! exposes only what may be exposed; a finished fetch stays finished.
//!
//! Input: `arbitrary` bytes, or the text form (`corsgate_fuzz::TEXT_MAGIC`, then lines: `policy`,
//! `bounds ENTRIES:BYTES`, `fetch` to start a script, the request's lines as in `classify`,
//! `repeat N`, `after MS`, `response STATUS`, `rheader Name: value`, `permissive`, `wait MS`)
//! that `fuzz/seeds.py` writes from each recorded scenario: its fetch, and the routes' answers in
//! the order its first recorded run made its requests.
#![no_main]

use std::time::{Duration, Instant};

use arbitrary::{Arbitrary, Unstructured};
use corsgate::cache::CacheConfig;
use corsgate::expose::{exposed_header_names, is_cors_safelisted_response_header_name_given};
use corsgate::fetch::REDIRECT_LIMIT;
use corsgate::forbidden::{is_forbidden_request_header, is_forbidden_response_header_name};
use corsgate::request::{CredentialsMode, ResponseTainting};
use corsgate::{Action, Event, RequestKind, ResponseType, StateKind, UserAgent};
use corsgate_fuzz::{
    is_sorted_lowercase_token_list, preset, split_pair, text_lines, text_number, text_preset,
    FuzzRequest, UrlChoice, TEXT_MAGIC,
};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use libfuzzer_sys::fuzz_target;
use url::Url;

const RESPONSE_NAMES: [&str; 14] = [
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "access-control-expose-headers",
    "location",
    "content-type",
    "set-cookie",
    "x-custom",
    "cache-control",
    "x-request-id",
    "Access-Control-Allow-Origin",
    "content-length",
];

const RESPONSE_VALUES: [&str; 12] = [
    "*",
    "true",
    "TRUE",
    "null",
    "",
    "600",
    "-1",
    "x-a, X-B",
    "x-request-id",
    "PUT, *",
    "https://a.example",
    "5, 6",
];

#[derive(Debug, Arbitrary)]
enum RespName {
    Known(u8),
    Raw(Vec<u8>),
}

#[derive(Debug, Arbitrary)]
enum RespValue {
    /// The `Origin` the request carried (`null` when none).
    EchoOrigin,
    /// The `Access-Control-Request-Method` (or the method) of the request.
    EchoMethod,
    /// The `Access-Control-Request-Headers` of the request.
    EchoHeaders,
    /// A URL (for `Location`).
    Location(UrlChoice),
    /// A number (for `Access-Control-Max-Age`).
    Number(u32),
    /// A common value.
    Known(u8),
    /// Any bytes (invalid values are skipped).
    Raw(Vec<u8>),
}

#[derive(Debug, Arbitrary)]
struct Head {
    status: u16,
    /// A status used as is (100–999), instead of `status`'s choice among common ones.
    exact_status: Option<u16>,
    /// A redirect: one of the five redirect statuses (by index) and a `Location`.
    redirect: Option<(u8, UrlChoice)>,
    /// Whether to add what a permissive server sends (echoed `Origin`, `true`, the requested
    /// method and headers) before the scripted headers, so that deep states are common.
    permissive: bool,
    headers: Vec<(RespName, RespValue)>,
    after_ms: u16,
}

#[derive(Debug, Arbitrary)]
struct Script {
    request: FuzzRequest,
    start_after_ms: u32,
    repeat: u8,
    responses: Vec<Head>,
}

#[derive(Debug, Arbitrary)]
struct Input {
    policy: u8,
    bounds: Option<(u8, u16)>,
    fetches: Vec<Script>,
}

fn status(raw: u16) -> u16 {
    const COMMON: [u16; 15] = [
        200, 204, 200, 206, 301, 302, 303, 307, 308, 404, 500, 300, 304, 199, 299,
    ];
    match COMMON.get(usize::from(raw % 20)) {
        Some(&s) => s,
        None => 100 + raw % 900,
    }
}

fn echo(req: &corsgate::WireRequest, name: &str) -> Option<HeaderValue> {
    req.headers().get(name).cloned()
}

/// The response head for `req`: the script's next head, or a fully permissive one when the
/// script has run out (so every fetch reaches its end).
fn head(
    req: &corsgate::WireRequest,
    kind: RequestKind,
    next: Option<&Head>,
) -> (StatusCode, HeaderMap) {
    let origin = echo(req, "origin").unwrap_or(HeaderValue::from_static("null"));
    let method = echo(req, "access-control-request-method")
        .or_else(|| HeaderValue::from_str(req.method().as_str()).ok())
        .unwrap_or(HeaderValue::from_static("GET"));
    let requested =
        echo(req, "access-control-request-headers").unwrap_or(HeaderValue::from_static("x-a"));
    let mut h = HeaderMap::new();
    let permissive = |h: &mut HeaderMap| {
        h.append("access-control-allow-origin", origin.clone());
        h.append(
            "access-control-allow-credentials",
            HeaderValue::from_static("true"),
        );
        h.append("content-type", HeaderValue::from_static("text/plain"));
        h.append("x-request-id", HeaderValue::from_static("1"));
        if kind == RequestKind::Preflight {
            h.append("access-control-allow-methods", method.clone());
            h.append("access-control-allow-headers", requested.clone());
            h.append("access-control-max-age", HeaderValue::from_static("60"));
        }
    };
    let Some(next) = next else {
        permissive(&mut h);
        let status = if kind == RequestKind::Preflight {
            StatusCode::NO_CONTENT
        } else {
            StatusCode::OK
        };
        return (status, h);
    };
    if next.permissive {
        permissive(&mut h);
    }
    for (name, value) in &next.headers {
        let name = match name {
            RespName::Known(i) => HeaderName::from_bytes(
                RESPONSE_NAMES[*i as usize % RESPONSE_NAMES.len()].as_bytes(),
            ),
            RespName::Raw(b) => HeaderName::from_bytes(b),
        };
        let value = match value {
            RespValue::EchoOrigin => Some(origin.clone()),
            RespValue::EchoMethod => Some(method.clone()),
            RespValue::EchoHeaders => Some(requested.clone()),
            RespValue::Location(u) => u.url().and_then(|u| HeaderValue::from_str(u.as_str()).ok()),
            RespValue::Number(n) => Some(HeaderValue::from(*n)),
            RespValue::Known(i) => Some(HeaderValue::from_static(
                RESPONSE_VALUES[*i as usize % RESPONSE_VALUES.len()],
            )),
            RespValue::Raw(b) => HeaderValue::from_bytes(b).ok(),
        };
        if let (Ok(n), Some(v)) = (name, value) {
            h.append(n, v);
        }
    }
    let chosen = next.exact_status.unwrap_or_else(|| status(next.status));
    let mut s = StatusCode::from_u16(chosen).unwrap_or(StatusCode::OK);
    if let Some((which, to)) = &next.redirect {
        const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];
        s = StatusCode::from_u16(REDIRECTS[usize::from(*which) % 5]).unwrap_or(StatusCode::FOUND);
        if let Some(v) = to
            .url()
            .and_then(|u| HeaderValue::from_str(u.as_str()).ok())
        {
            h.append("location", v);
        }
    }
    (s, h)
}

/// Cached preflights seen so far: (URL, when, for how long).
type Cached = Vec<(Url, Instant, Duration)>;

fn check_new_events(events: &[Event], seen: &mut usize, now: Instant, cached: &mut Cached) {
    for e in &events[*seen..] {
        match e {
            Event::PreflightPassed {
                url,
                cached_for: Some(d),
            } => cached.push((url.clone(), now, *d)),
            Event::PreflightCacheHit { url } => assert!(
                cached.iter().any(|(u, t, d)| u == url && *t + *d > now),
                "cache hit for {url} without an unexpired cached preflight"
            ),
            _ => {}
        }
    }
    *seen = events.len();
}

impl Input {
    fn decode(data: &[u8]) -> Option<Input> {
        let Some(text) = data.strip_prefix(TEXT_MAGIC) else {
            return Input::arbitrary_take_rest(Unstructured::new(data)).ok();
        };
        let mut input = Input {
            policy: 0,
            bounds: None,
            fetches: Vec::new(),
        };
        let script = || Script {
            request: FuzzRequest::text_default(),
            start_after_ms: 0,
            repeat: 0,
            responses: Vec::new(),
        };
        for (key, value) in text_lines(text) {
            match key {
                b"policy" => input.policy = text_preset(value),
                b"bounds" => {
                    let (e, b) = split_pair(value);
                    input.bounds = Some((text_number(e) as u8, text_number(b) as u16));
                }
                b"fetch" => input.fetches.push(script()),
                _ => {
                    if input.fetches.is_empty() {
                        input.fetches.push(script());
                    }
                    let Some(s) = input.fetches.last_mut() else {
                        continue;
                    };
                    if s.request.text_line(key, value) {
                        continue;
                    }
                    match key {
                        b"repeat" => s.repeat = text_number(value) as u8,
                        b"after" => s.start_after_ms = text_number(value),
                        b"response" => s.responses.push(Head {
                            status: 0,
                            exact_status: Some(text_number(value).min(999) as u16),
                            redirect: None,
                            permissive: false,
                            headers: Vec::new(),
                            after_ms: 0,
                        }),
                        b"rheader" | b"permissive" | b"wait" => {
                            let Some(h) = s.responses.last_mut() else {
                                continue;
                            };
                            match key {
                                b"rheader" => {
                                    let (n, v) = split_pair(value);
                                    let v = v.strip_prefix(b" ").unwrap_or(v);
                                    h.headers.push((
                                        RespName::Raw(n.to_vec()),
                                        RespValue::Raw(v.to_vec()),
                                    ));
                                }
                                b"permissive" => h.permissive = true,
                                _ => h.after_ms = text_number(value) as u16,
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        Some(input)
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = Input::decode(data) else {
        return;
    };
    let mut policy = preset(input.policy);
    if let Some((entries, bytes)) = input.bounds {
        policy.cache = CacheConfig {
            max_entries: usize::from(entries % 16),
            max_bytes: usize::from(bytes % 4096),
        };
    }
    let config = policy.cache;
    let dups = policy.acrh_lists_duplicates;
    let mut ua = UserAgent::new(policy);
    let mut now = Instant::now();
    let mut cached: Cached = Vec::new();
    let max_sends = 2 * (REDIRECT_LIMIT as usize + 1);

    for script in input.fetches.iter().take(4) {
        for _ in 0..=(script.repeat % 3) {
            now += Duration::from_millis(u64::from(script.start_after_ms));
            let Some(request) = script.request.request() else {
                continue;
            };
            let credentials = request.credentials;
            let Ok(mut fetch) = ua.start(now, request) else {
                continue;
            };
            let mut seen = 0;
            check_new_events(fetch.events(), &mut seen, now, &mut cached);
            let mut responses = script.responses.iter();
            let mut sends = 0;
            let mut last: Option<(StatusCode, HeaderMap)> = None;
            // The request last handed out, kept while its answer was an interim (1xx) one: the
            // machine then awaits a further answer to the same request.
            let mut interim: Option<corsgate::Outgoing> = None;
            let mut answers = 0;
            let outcome = loop {
                let out = match fetch.poll() {
                    Action::Send(out) => {
                        sends += 1;
                        assert!(sends <= max_sends, "more than {max_sends} requests");
                        let req = &out.request;
                        match out.kind {
                            RequestKind::Preflight => {
                                assert_eq!(req.method(), http::Method::OPTIONS);
                                assert!(!out.credentials, "a preflight with credentials");
                                assert_eq!(fetch.state(), StateKind::AwaitingPreflight);
                                let acrm = &req.headers()["access-control-request-method"];
                                assert_eq!(acrm.as_bytes(), fetch.method().as_str().as_bytes());
                                assert_eq!(req.headers()["accept"], "*/*");
                                assert!(req.headers().contains_key("origin"));
                                if let Some(acrh) =
                                    req.headers().get("access-control-request-headers")
                                {
                                    assert!(
                                        is_sorted_lowercase_token_list(acrh.as_bytes(), dups),
                                        "ACRH {acrh:?}"
                                    );
                                }
                            }
                            RequestKind::Actual => {
                                assert_eq!(req.method(), fetch.method());
                                assert_eq!(fetch.state(), StateKind::AwaitingResponse);
                                if credentials == CredentialsMode::Omit {
                                    assert!(!out.credentials);
                                }
                                if fetch.tainting() == ResponseTainting::Cors {
                                    assert!(req.headers().contains_key("origin"));
                                }
                                for (n, v) in req.headers() {
                                    // The user agent itself sets `Origin` and, to a potentially
                                    // trustworthy URL, the Fetch Metadata headers; nothing else
                                    // forbidden to script may leave.
                                    let ua_set = n == "origin"
                                        || matches!(
                                            n.as_str(),
                                            "sec-fetch-site"
                                                | "sec-fetch-mode"
                                                | "sec-fetch-dest"
                                                | "sec-fetch-user"
                                        );
                                    assert!(
                                        ua_set
                                            || !is_forbidden_request_header(
                                                n.as_str().as_bytes(),
                                                v.as_bytes()
                                            ),
                                        "forbidden header {n} sent"
                                    );
                                }
                            }
                        }
                        out
                    }
                    Action::AwaitResponse => interim
                        .take()
                        .expect("every request handed out was answered, or answered 1xx"),
                    Action::Done(outcome) => break outcome,
                };
                let req = &out.request;
                let (status, headers) = head(req, out.kind, responses.next());
                answers += 1;
                let mut response = http::Response::new(());
                *response.status_mut() = status;
                *response.headers_mut() = headers.clone();
                last = Some((status, headers));
                now += Duration::from_millis(
                    script
                        .responses
                        .get(answers - 1)
                        .map_or(0, |h| u64::from(h.after_ms)),
                );
                fetch
                    .handle_response(&mut ua, now, response)
                    .expect("a response was awaited");
                assert!(ua.cache().len() <= config.max_entries);
                assert!(ua.cache().bytes() <= config.max_bytes);
                assert!(fetch.redirect_count() <= REDIRECT_LIMIT);
                // HTTP-redirect fetch increments the redirect count (step 8) before the
                // checks that can fail (steps 9–16) and appends the URL at step 17.
                let (list, count) = (fetch.url_list().len(), fetch.redirect_count() as usize);
                match fetch.outcome() {
                    Some(Err(_)) => assert!(count + 1 == list || count == list),
                    _ => assert_eq!(list, count + 1),
                }
                check_new_events(fetch.events(), &mut seen, now, &mut cached);
                // An interim answer (1xx but 101) is skipped: the same request awaits
                // its final answer. The script is finite, so this ends.
                if (100..200).contains(&status.as_u16()) && status.as_u16() != 101 {
                    assert_eq!(fetch.outcome(), None, "a 1xx ended the fetch");
                    interim = Some(out);
                }
            };
            // Finished stays finished.
            assert_eq!(fetch.state(), StateKind::Done);
            assert_eq!(fetch.outcome(), Some(&outcome));
            match fetch.poll() {
                Action::Done(again) => assert_eq!(again, outcome),
                other => panic!("poll after Done gave {other:?}"),
            }
            assert!(fetch
                .handle_response(&mut ua, now, http::Response::new(()))
                .is_err());
            match outcome {
                Err(e) => {
                    assert!(!e.to_string().is_empty());
                    assert!(!e.spec().is_empty());
                    let _ = e.fix();
                }
                Ok(resp) => {
                    let names = &resp.header_names;
                    assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
                    match resp.response_type {
                        ResponseType::Opaque => {
                            assert_eq!(fetch.tainting(), ResponseTainting::Opaque);
                            assert!(names.is_empty() && resp.status == 0);
                        }
                        ResponseType::OpaqueRedirect => assert!(names.is_empty()),
                        ResponseType::Basic | ResponseType::Cors => {
                            let (status, headers) = last.expect("a response was handed in");
                            assert_eq!(resp.status, status.as_u16());
                            for n in names {
                                assert!(headers.contains_key(n.as_str()), "{n} was not received");
                                assert!(!is_forbidden_response_header_name(n.as_bytes()));
                            }
                            if resp.response_type == ResponseType::Cors {
                                assert_eq!(fetch.tainting(), ResponseTainting::Cors);
                                let origin = fetch.serialized_origin();
                                corsgate::check::cors_check(
                                    &headers,
                                    origin.as_bytes(),
                                    credentials,
                                )
                                .expect("a CORS response passed the CORS check");
                                let aceh = corsgate::header::get(
                                    &headers,
                                    "access-control-expose-headers",
                                );
                                let exposed = exposed_header_names(aceh.as_deref(), credentials);
                                for n in names {
                                    assert!(is_cors_safelisted_response_header_name_given(
                                        n.as_bytes(),
                                        &exposed
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
});
