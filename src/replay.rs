//! Replaying recorded scenarios on a simulated network (the format of the conformance corpus,
//! `tests/data/conformance/FORMAT.md`), with plain types: no JSON here (the CLI converts).
//!
//! A scenario is one `fetch()` by a page, run `repeat` times on one [`UserAgent`] (so the
//! preflight cache is shared), against servers that answer from a route table. The replay records
//! what reached the servers and what script saw, exactly as the recorder did with real engines.

use std::time::Duration;

use crate::time::Instant;

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use url::Url;

use crate::fetch::{Action, UserAgent};
use crate::origin::Origin;
use crate::policy::Policy;
use crate::request::{CredentialsMode, FetchRequest, Mode, RedirectMode};

/// The arguments of `fetch(url, init)` as script passed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchInit {
    /// The URL.
    pub url: String,
    /// The method as script wrote it (not yet normalized).
    pub method: String,
    /// Header name/value pairs in order, forbidden ones included.
    pub headers: Vec<(String, String)>,
    /// The mode.
    pub mode: Mode,
    /// The credentials mode.
    pub credentials: CredentialsMode,
    /// The redirect mode.
    pub redirect: RedirectMode,
    /// A string body, if any.
    pub body: Option<String>,
}

/// One server answer: the first route whose method (or `*`) and URL match a request answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The method, or `*` for any.
    pub method: String,
    /// The URL (scheme, host, port, path and query), compared exactly.
    pub url: String,
    /// The status.
    pub status: u16,
    /// The headers, in order, exactly as sent.
    pub headers: Vec<(String, String)>,
    /// The body; only its length matters (`Content-Length`).
    pub body: Option<String>,
}

/// A scenario: a page, one `fetch()`, how often it runs, and what the servers answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// The scenario's id.
    pub id: String,
    /// The serialized origin of the page.
    pub document: String,
    /// The `fetch()` arguments.
    pub fetch: FetchInit,
    /// How many times the page runs the fetch, one after the other.
    pub repeat: u32,
    /// The servers' answers.
    pub routes: Vec<Route>,
    /// Whether the recorded requests carry the Fetch Metadata fields (`sec_fetch_*`,
    /// FORMAT.md): the replay then records them too, and they take part in agreement.
    pub fetch_metadata: bool,
}

/// A request that reached the servers, as the recorder logs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRequest {
    /// The method.
    pub method: String,
    /// The full URL (without credentials or fragment: what the server sees).
    pub url: String,
    /// The `Origin` header, if sent.
    pub origin: Option<String>,
    /// The `Access-Control-Request-Method` header, if sent.
    pub acrm: Option<String>,
    /// The `Access-Control-Request-Headers` header, if sent.
    pub acrh: Option<String>,
    /// The Fetch Metadata headers, when the scenario records them (`None`: not recorded).
    pub sec_fetch: Option<SecFetch>,
}

/// The Fetch Metadata request headers a request carried (FORMAT.md `sec_fetch_site`,
/// `sec_fetch_mode`, `sec_fetch_dest`; `None` where the header was absent).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecFetch {
    /// `Sec-Fetch-Site`.
    pub site: Option<String>,
    /// `Sec-Fetch-Mode`.
    pub mode: Option<String>,
    /// `Sec-Fetch-Dest`.
    pub dest: Option<String>,
}

/// What script saw: a rejected promise, or a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunResult {
    /// The `fetch()` promise was rejected (a network error or a `TypeError`).
    Failed,
    /// A response.
    Response {
        /// `Response.type`.
        kind: String,
        /// `Response.status`.
        status: u16,
        /// `Response.redirected`.
        redirected: bool,
        /// `Response.url` (empty for opaque responses).
        url: String,
        /// The header names script can read: lowercase, sorted, deduplicated.
        headers: Vec<String>,
    },
}

/// One run of a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Every request that reached the servers, in order.
    pub requests: Vec<SeenRequest>,
    /// What script saw.
    pub result: RunResult,
}

/// Why a scenario cannot be replayed at all (its own data is malformed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// `document` is not a serialized origin.
    #[error("document `{0}` is not an origin")]
    Document(String),
    /// A route's header cannot be sent.
    #[error("route {route}: header `{name}` cannot be sent: {reason}")]
    RouteHeader {
        /// The route's index.
        route: usize,
        /// The header's name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// The most requests one run may make before the replay calls it a loop (a hostile route table
/// cannot make the replay run forever; the redirect limit normally ends a loop first).
pub const MAX_REQUESTS_PER_RUN: usize = 64;

/// How far the simulated clock moves for each request and between repeats.
const REQUEST_TIME: Duration = Duration::from_millis(5);
const REPEAT_GAP: Duration = Duration::from_millis(50);

/// Replays `scenario` under `policy`: `repeat` runs sharing one user agent's cache.
///
/// `start` is the simulated clock's first reading.
pub fn replay(
    scenario: &Scenario,
    policy: &Policy,
    start: Instant,
) -> Result<Vec<Run>, ScenarioError> {
    let document = Url::parse(&scenario.document)
        .map_err(|_| ScenarioError::Document(scenario.document.clone()))?;
    let page = Origin::of_url(&document);
    let server = Server::new(&scenario.routes)?;
    let mut ua = UserAgent::new(policy.clone());
    let mut now = start;
    let mut runs = Vec::new();
    for _ in 0..scenario.repeat.max(1) {
        runs.push(run_once(
            &mut ua,
            &mut now,
            &page,
            &scenario.fetch,
            &server,
            scenario.fetch_metadata,
        ));
        now += REPEAT_GAP;
    }
    Ok(runs)
}

/// The `Request` constructor's parsing of script input, as far as a replay needs it: `None`
/// means a `TypeError` (nothing is sent).
fn build_request(page: &Origin, init: &FetchInit) -> Option<FetchRequest> {
    let url = Url::parse(&init.url).ok()?;
    let method = Method::from_bytes(init.method.as_bytes()).ok()?;
    let mut headers = HeaderMap::new();
    for (name, value) in &init.headers {
        let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
        // A header value is a ByteString: script's string is isomorphic-encoded (a code point
        // above U+00FF is a TypeError), so `é` is the one byte 0xE9, not UTF-8.
        let value = isomorphic_encode(value)?;
        // Headers normalize values (strip leading/trailing HTTP whitespace) before storing them.
        let value = HeaderValue::from_bytes(crate::header::normalize(&value)).ok()?;
        headers.append(name, value);
    }
    // §dom-request step 36.4: a body with no Content-Type gets the body's type; for a string that
    // is `text/plain;charset=UTF-8`.
    if init.body.is_some() && !headers.contains_key(http::header::CONTENT_TYPE) {
        headers.append(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain;charset=UTF-8"),
        );
    }
    let mut request = FetchRequest::new(page.clone(), url)
        .method(method)
        .mode(init.mode)
        .credentials(init.credentials)
        .redirect(init.redirect)
        .body(init.body.is_some());
    request.headers = headers;
    Some(request)
}

fn run_once(
    ua: &mut UserAgent,
    now: &mut Instant,
    page: &Origin,
    init: &FetchInit,
    server: &Server,
    fetch_metadata: bool,
) -> Run {
    let mut requests = Vec::new();
    let failed = |requests| Run {
        requests,
        result: RunResult::Failed,
    };
    let Some(request) = build_request(page, init) else {
        return failed(requests);
    };
    let Ok(mut fetch) = ua.start(*now, request) else {
        return failed(requests);
    };
    loop {
        match fetch.poll() {
            Action::Send(out) => {
                if requests.len() >= MAX_REQUESTS_PER_RUN {
                    return failed(requests);
                }
                *now += REQUEST_TIME;
                let url = fetch.current_url().clone();
                requests.push(seen(&out.request, &url, fetch_metadata));
                let response = server.answer(out.request.method(), &url);
                if fetch.handle_response(ua, *now, response).is_err() {
                    return failed(requests);
                }
            }
            Action::AwaitResponse => return failed(requests),
            Action::Done(Err(_)) => return failed(requests),
            Action::Done(Ok(response)) => {
                let url = response.url().map(String::from).unwrap_or_default();
                return Run {
                    requests,
                    result: RunResult::Response {
                        kind: response.response_type.as_str().to_owned(),
                        status: response.status,
                        redirected: response.redirected(),
                        url,
                        headers: response.header_names,
                    },
                };
            }
        }
    }
}

/// Infra §isomorphic-encode: each code point to the byte of the same value; `None` (a
/// `TypeError` for a ByteString) when one is above U+00FF.
fn isomorphic_encode(s: &str) -> Option<Vec<u8>> {
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

/// What the recorder logs of a request: the URL as the server sees it (no credentials, no
/// fragment) and three headers.
fn seen(request: &crate::wire::WireRequest, url: &Url, fetch_metadata: bool) -> SeenRequest {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    SeenRequest {
        method: request.method().as_str().to_owned(),
        url: server_url(url),
        origin: header("origin"),
        acrm: header("access-control-request-method"),
        acrh: header("access-control-request-headers"),
        sec_fetch: fetch_metadata.then(|| SecFetch {
            site: header(crate::metadata::SEC_FETCH_SITE),
            mode: header(crate::metadata::SEC_FETCH_MODE),
            dest: header(crate::metadata::SEC_FETCH_DEST),
        }),
    }
}

fn server_url(url: &Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_fragment(None);
    url.into()
}

/// The simulated servers: a route table, parsed once.
struct Server {
    routes: Vec<(Option<Method>, String, http::StatusCode, HeaderMap)>,
}

impl Server {
    fn new(routes: &[Route]) -> Result<Server, ScenarioError> {
        let mut parsed = Vec::with_capacity(routes.len());
        for (i, route) in routes.iter().enumerate() {
            let bad = |name: &str, reason: &str| ScenarioError::RouteHeader {
                route: i,
                name: name.to_owned(),
                reason: reason.to_owned(),
            };
            let mut headers = HeaderMap::new();
            for (name, value) in &route.headers {
                let n = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| bad(name, "invalid header name"))?;
                // The servers write header lines in ISO-8859-1, one byte per code point.
                let v = isomorphic_encode(value)
                    .and_then(|b| HeaderValue::from_bytes(&b).ok())
                    .ok_or_else(|| bad(name, "invalid header value"))?;
                headers.append(n, v);
            }
            let len = route.body.as_deref().map_or(0, str::len);
            headers.append(http::header::CONTENT_LENGTH, HeaderValue::from(len));
            let method = match route.method.as_str() {
                "*" => None,
                m => Some(
                    Method::from_bytes(m.as_bytes())
                        .map_err(|_| bad("(method)", "invalid method"))?,
                ),
            };
            let status = http::StatusCode::from_u16(route.status)
                .map_err(|_| bad("(status)", "invalid status"))?;
            let url = Url::parse(&route.url).map_or_else(|_| route.url.clone(), String::from);
            parsed.push((method, url, status, headers));
        }
        Ok(Server { routes: parsed })
    }

    fn answer(&self, method: &Method, url: &Url) -> http::Response<()> {
        let target = server_url(url);
        let route = self
            .routes
            .iter()
            .find(|(m, u, _, _)| m.as_ref().is_none_or(|m| m == method) && *u == target);
        let mut response = http::Response::new(());
        match route {
            Some((_, _, status, headers)) => {
                *response.status_mut() = *status;
                *response.headers_mut() = headers.clone();
            }
            None => *response.status_mut() = http::StatusCode::NOT_FOUND,
        }
        response
    }
}
