//! What `explain` and `check` report, computed with the corsgate machine: the decision for the
//! request and why, the first request to send, what the server must send, and the verdict once
//! responses are handed in.

use std::time::Duration;

use corsgate::time::Instant;

use corsgate::error::Stage;
use corsgate::fetch::{Action, DropReason, DroppedHeader, Event, Fetch, Outgoing, RequestKind};
use corsgate::policy::HeaderJudging;
use corsgate::preflight::PreflightFor;
use corsgate::{
    requirements, safelist, CredentialsMode, FetchRequest, FilteredResponse, Mode, NetworkError,
    PreflightReasons, RedirectMode, ResponseTainting, UserAgent,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use url::Url;

/// The request as the user described it.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The page's origin.
    pub origin: corsgate::Origin,
    /// The URL fetched.
    pub url: Url,
    /// The method as script passes it.
    pub method: Method,
    /// The headers as script sets them, in order.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The credentials mode.
    pub credentials: CredentialsMode,
    /// The mode.
    pub mode: Mode,
    /// The redirect mode.
    pub redirect: RedirectMode,
    /// The engine's policy.
    pub policy: corsgate::Policy,
}

impl Setup {
    /// The corsgate request.
    pub fn request(&self) -> FetchRequest {
        let mut request = FetchRequest::new(self.origin.clone(), self.url.clone())
            .method(self.method.clone())
            .mode(self.mode)
            .credentials(self.credentials)
            .redirect(self.redirect);
        for (name, value) in &self.headers {
            request = request.header(name.clone(), value.clone());
        }
        request
    }
}

/// The branch main fetch takes for the first URL (Fetch §concept-main-fetch step 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Same origin: a basic response, no CORS protocol.
    SameOrigin,
    /// `no-cors` mode, cross-origin: an opaque response.
    NoCors,
    /// A CORS request without preflight.
    Simple,
    /// A CORS request preceded by a preflight.
    Preflight,
    /// A network error before anything is sent (a bad port, a mode that forbids the URL, …).
    NetworkError,
    /// fetch() refuses the request itself (a TypeError): a forbidden method, credentials in the URL.
    Refused,
}

impl Decision {
    /// The keyword used in the output.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::SameOrigin => "same-origin",
            Decision::NoCors => "no-cors",
            Decision::Simple => "simple",
            Decision::Preflight => "preflight",
            Decision::NetworkError => "network-error",
            Decision::Refused => "refused",
        }
    }
}

/// One reason for the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// `method`, `header` or `url`.
    pub subject: &'static str,
    /// The method, header name (lowercase) or URL.
    pub name: String,
    /// The header's value (for `header`).
    pub value: Option<String>,
    /// Whether this item calls for a preflight.
    pub preflight: bool,
    /// The rule, in words.
    pub rule: String,
    /// The Fetch Standard anchor (and step), e.g. `fetch#cors-safelisted-method`.
    pub spec: String,
}

/// A request as it goes on the wire (what corsgate decides; the HTTP client adds `Host` and its
/// own `User-Agent`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireRequest {
    /// Preflight or actual request.
    pub kind: RequestKind,
    /// The method.
    pub method: String,
    /// The URL (without credentials or fragment).
    pub url: String,
    /// The headers in order, lowercase names.
    pub headers: Vec<(String, String)>,
    /// Whether the request includes credentials (cookies are not sent by corsgate).
    pub credentials: bool,
}

impl WireRequest {
    /// From the machine's outgoing request.
    pub fn of(out: &Outgoing) -> WireRequest {
        WireRequest {
            kind: out.kind,
            method: out.request.method().as_str().to_owned(),
            url: out.request.uri().to_string(),
            headers: pairs(out.request.headers()),
            credentials: out.credentials,
        }
    }
}

/// A header map or wire lines as (lowercase name, value) pairs in order; values decoded
/// lossily.
pub fn pairs<'a>(
    headers: impl IntoIterator<Item = (&'a http::HeaderName, &'a http::HeaderValue)>,
) -> Vec<(String, String)> {
    headers
        .into_iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// The offline analysis of a request.
#[derive(Debug)]
pub struct Analysis {
    /// The decision.
    pub decision: Decision,
    /// Why.
    pub reasons: Vec<Reason>,
    /// Headers script set that fetch() does not send.
    pub dropped: Vec<DroppedHeader>,
    /// The first request to send, when there is one.
    pub first: Option<WireRequest>,
    /// The header lines the preflight response must carry (with a 2xx status); `None` without a
    /// preflight.
    pub required_preflight: Option<Vec<String>>,
    /// The header lines the actual response must carry; `None` when nothing makes it readable
    /// (no-cors) or nothing is sent.
    pub required_response: Option<Vec<String>>,
    /// The byte-serialized origin the request carries.
    pub origin: String,
}

/// Why nothing more can be judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// The preflight's response was not given.
    PreflightResponse,
    /// The (next) actual response was not given.
    Response,
}

/// A request sent and the response head that came back.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The request.
    pub request: WireRequest,
    /// The response's status.
    pub status: u16,
    /// The response's headers, in order.
    pub headers: Vec<(String, String)>,
}

/// What script gets.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// A response script can read (maybe opaque).
    Allowed {
        /// The filtered response.
        response: FilteredResponse,
        /// The visible headers with their values.
        visible: Vec<(String, String)>,
        /// Headers the server sent that script cannot read (a CORS response only), less the
        /// forbidden response-header names no `Access-Control-Expose-Headers` can expose and
        /// the CORS protocol's own `Access-Control-*` headers.
        hidden: Vec<String>,
    },
    /// The preflight passed; the actual response was not asked about.
    PreflightPassed {
        /// How long the preflight result is cached.
        cached_for: Option<Duration>,
    },
    /// A network error.
    Blocked {
        /// The error: every rule the failing check broke (`Blocked::error` is the one Fetch
        /// returns).
        error: corsgate::Blocked,
        /// Which response (or `request`: none) caused it.
        stage: &'static str,
    },
    /// fetch() refuses the request before sending it.
    Refused {
        /// Why.
        message: String,
    },
    /// The answer to a request has a 1xx status: an interim response, not a final one (Fetch
    /// §concept-http-network-fetch step 8.5: a browser skips every 1xx but a WebSocket
    /// handshake's 101 and waits for the final response). A 101 answers an upgrade fetch() never
    /// asks for: the server has left HTTP, no final response follows, and fetch() rejects (a
    /// network error); any other 1xx is followed by the final response, which was not given.
    Interim {
        /// The 1xx status.
        status: u16,
        /// `preflight` or `response`: which request it answers.
        stage: &'static str,
        /// The request it answers.
        request: WireRequest,
    },
    /// A response needed for a verdict was not given.
    Incomplete {
        /// Which.
        missing: Missing,
        /// The request it answers.
        next: WireRequest,
    },
}

impl Verdict {
    /// The keyword used in the output.
    pub fn result(&self) -> &'static str {
        match self {
            Verdict::Allowed { .. } => "allowed",
            Verdict::PreflightPassed { .. } => "preflight-passed",
            Verdict::Blocked { .. } => "blocked",
            Verdict::Refused { .. } => "refused",
            Verdict::Incomplete { .. } => "incomplete",
            Verdict::Interim { status: 101, .. } => "blocked",
            Verdict::Interim { .. } => "incomplete",
        }
    }
}

/// A request started on a fresh user agent: the analysis and what to drive next.
pub struct Started {
    /// The user agent (its policy and preflight cache).
    pub ua: UserAgent,
    /// The fetch, if fetch() did not refuse the request.
    pub fetch: Option<Fetch>,
    /// The first action.
    pub first: Option<Action>,
    /// The analysis.
    pub analysis: Analysis,
    /// The verdict already known before anything is sent.
    pub early: Option<Verdict>,
}

/// Starts the request on a fresh user agent and analyses its first hop.
pub fn start(setup: &Setup, now: Instant) -> Started {
    let mut ua = UserAgent::new(setup.policy.clone());
    let mut fetch = match ua.start(now, setup.request()) {
        Ok(fetch) => fetch,
        Err(error) => {
            let message = error.to_string();
            return Started {
                ua,
                fetch: None,
                first: None,
                analysis: Analysis {
                    decision: Decision::Refused,
                    reasons: vec![Reason {
                        subject: "request",
                        name: setup.url.to_string(),
                        value: None,
                        preflight: false,
                        rule: message.clone(),
                        spec: "fetch#dom-request".to_owned(),
                    }],
                    dropped: Vec::new(),
                    first: None,
                    required_preflight: None,
                    required_response: None,
                    origin: setup.origin.serialize(),
                },
                early: Some(Verdict::Refused { message }),
            };
        }
    };
    let action = fetch.poll();
    let origin = fetch.serialized_origin();
    let classified = fetch.events().iter().find_map(|e| match e {
        Event::Classified {
            tainting,
            preflight,
            ..
        } => Some((*tainting, preflight.clone())),
        _ => None,
    });
    let mut analysis = Analysis {
        decision: Decision::NetworkError,
        reasons: Vec::new(),
        dropped: fetch.dropped_headers().to_vec(),
        first: None,
        required_preflight: None,
        required_response: None,
        origin: origin.clone(),
    };
    let mut early = None;
    match (&action, classified) {
        (Action::Done(Err(error)), _) => {
            analysis.reasons.push(Reason {
                subject: "url",
                name: setup.url.to_string(),
                value: None,
                preflight: false,
                rule: error.rule(),
                spec: error.spec().to_owned(),
            });
            early = Some(Verdict::Blocked {
                error: error.clone(),
                stage: "request",
            });
        }
        (Action::Send(out), Some((tainting, reasons))) => {
            analysis.first = Some(WireRequest::of(out));
            match (tainting, reasons) {
                (ResponseTainting::Basic, _) => {
                    analysis.decision = Decision::SameOrigin;
                    analysis.reasons.push(Reason {
                        subject: "url",
                        name: setup.url.to_string(),
                        value: None,
                        preflight: false,
                        rule: format!(
                            "the URL's origin is the page's origin `{}`: no CORS protocol, \
                             script reads the response (a basic filtered response)",
                            setup.origin.serialize()
                        ),
                        spec: "fetch#concept-main-fetch step 12".to_owned(),
                    });
                    analysis.required_response = Some(Vec::new());
                }
                (ResponseTainting::Opaque, _) => {
                    analysis.decision = Decision::NoCors;
                    analysis.reasons.push(Reason {
                        subject: "url",
                        name: setup.url.to_string(),
                        value: None,
                        preflight: false,
                        rule: "mode no-cors to a cross-origin URL: no preflight, and the \
                               response is opaque (status 0, no headers, no body for script) \
                               whatever the server sends"
                            .to_owned(),
                        spec: "fetch#concept-main-fetch step 12".to_owned(),
                    });
                }
                (ResponseTainting::Cors, None) => {
                    analysis.decision = Decision::Simple;
                    analysis.reasons = simple_reasons(&fetch);
                    analysis.required_response =
                        requirements::actual_response(origin.as_bytes(), setup.credentials).ok();
                }
                (ResponseTainting::Cors, Some(reasons)) => {
                    analysis.decision = Decision::Preflight;
                    analysis.reasons = preflight_reasons(&fetch, &reasons, &setup.policy);
                    let names: Vec<&[u8]> = fetch
                        .headers()
                        .keys()
                        .map(|n| n.as_str().as_bytes())
                        .collect();
                    let preflight_origin = out
                        .request
                        .headers()
                        .get(http::header::ORIGIN)
                        .map_or(origin.as_bytes(), HeaderValue::as_bytes);
                    let request = PreflightFor {
                        origin: preflight_origin,
                        method: fetch.method().as_str().as_bytes(),
                        header_names: &names,
                        unsafe_names: &reasons.unsafe_headers,
                        credentials: setup.credentials,
                        use_cors_preflight: false,
                        cors_check: true,
                    };
                    analysis.required_preflight =
                        requirements::preflight_response(&request, &setup.policy).ok();
                    analysis.required_response =
                        requirements::actual_response(origin.as_bytes(), setup.credentials).ok();
                }
            }
        }
        _ => {}
    }
    Started {
        ua,
        fetch: Some(fetch),
        first: Some(action),
        analysis,
        early,
    }
}

/// Splits a trailing ` (Fetch §anchor)` off a message: (message, `fetch#anchor`).
fn split_spec(message: &str, default: &str) -> (String, String) {
    const MARK: &str = " (Fetch §";
    if let Some(start) = message.rfind(MARK) {
        if let Some(anchor) = message[start + MARK.len()..].strip_suffix(')') {
            return (message[..start].to_owned(), format!("fetch#{anchor}"));
        }
    }
    (message.to_owned(), default.to_owned())
}

fn method_reason(method: &Method) -> Reason {
    let safe = corsgate::method::is_cors_safelisted_method(method.as_str().as_bytes());
    Reason {
        subject: "method",
        name: method.as_str().to_owned(),
        value: None,
        preflight: !safe,
        rule: if safe {
            "a CORS-safelisted method".to_owned()
        } else {
            "not a CORS-safelisted method (GET, HEAD, POST)".to_owned()
        },
        spec: "fetch#cors-safelisted-method".to_owned(),
    }
}

fn value_string(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}

/// Why a request needs no preflight: its method and each header are safelisted.
fn simple_reasons(fetch: &Fetch) -> Vec<Reason> {
    let mut reasons = vec![method_reason(fetch.method())];
    for (name, value) in fetch.headers() {
        reasons.push(Reason {
            subject: "header",
            name: name.as_str().to_owned(),
            value: Some(value_string(value.as_bytes())),
            preflight: false,
            rule: "a CORS-safelisted request-header".to_owned(),
            spec: "fetch#cors-safelisted-request-header".to_owned(),
        });
    }
    reasons
}

/// Why a request needs a preflight: its method, and each CORS-unsafe header name with the rule
/// its value broke (judged per entry, or on the combined value, as the policy does).
fn preflight_reasons(
    fetch: &Fetch,
    reasons: &PreflightReasons,
    policy: &corsgate::Policy,
) -> Vec<Reason> {
    let mut out = Vec::new();
    if reasons.method_not_safelisted {
        out.push(method_reason(fetch.method()));
    }
    let mut names: Vec<String> = (reasons.unsafe_headers.iter())
        .map(|n| n.as_str().to_owned())
        .collect();
    names.dedup();
    let headers = fetch.headers();
    for name in names {
        let values: Vec<Vec<u8>> = match policy.header_judging {
            HeaderJudging::Combined => corsgate::header::get(headers, name.as_str())
                .into_iter()
                .collect(),
            _ => headers
                .get_all(name.as_str())
                .iter()
                .map(|v| v.as_bytes().to_vec())
                .collect(),
        };
        let combined = policy.header_judging == HeaderJudging::Combined && values.len() == 1;
        let broken = values.iter().find_map(|v| {
            safelist::check_cors_safelisted_request_header_with(name.as_bytes(), v, policy.safelist)
                .err()
                .map(|e| (v, e))
        });
        let reason = match broken {
            Some((value, error)) => {
                let (mut rule, spec) =
                    split_spec(&error.to_string(), "fetch#cors-safelisted-request-header");
                if combined && headers.get_all(name.as_str()).iter().count() > 1 {
                    rule.push_str(" (this engine judges a repeated header on its combined value)");
                }
                Reason {
                    subject: "header",
                    name: name.clone(),
                    value: Some(value_string(value)),
                    preflight: true,
                    rule,
                    spec,
                }
            }
            None => {
                let total: usize = headers
                    .iter()
                    .filter(|(n, v)| {
                        safelist::is_cors_safelisted_request_header(
                            n.as_str().as_bytes(),
                            v.as_bytes(),
                        )
                    })
                    .map(|(_, v)| v.as_bytes().len())
                    .sum();
                Reason {
                    subject: "header",
                    name: name.clone(),
                    value: values.first().map(|v| value_string(v)),
                    preflight: true,
                    rule: format!(
                        "safelisted on its own, but the safelisted request-headers' values add \
                         up to {total} bytes, more than 1024"
                    ),
                    spec: "fetch#cors-unsafe-request-header-names step 5".to_owned(),
                }
            }
        };
        out.push(reason);
    }
    if reasons.forced {
        out.push(Reason {
            subject: "request",
            name: "use-CORS-preflight flag".to_owned(),
            value: None,
            preflight: true,
            rule: "the use-CORS-preflight flag is set".to_owned(),
            spec: "fetch#concept-main-fetch step 12".to_owned(),
        });
    }
    out
}

/// What a dropped header's reason is, in words, with its spec anchor.
pub fn drop_reason(reason: DropReason) -> (&'static str, &'static str) {
    match reason {
        DropReason::Forbidden => (
            "a forbidden request-header: fetch() never sends it from script",
            "fetch#forbidden-request-header",
        ),
        DropReason::NotNoCorsSafelisted => (
            "not a no-CORS-safelisted request-header: dropped in no-cors mode",
            "fetch#no-cors-safelisted-request-header",
        ),
    }
}

/// The answer to a request the driver asks for.
pub type Answer<E> = Result<Option<http::Response<()>>, E>;

/// The most requests one drive makes (redirects: at most 20, each with a preflight).
pub const MAX_REQUESTS: usize = 64;

/// Drives the fetch from `first`: each request is handed to `respond`, which returns its response
/// head, `Ok(None)` when none is available (the verdict is then [`Verdict::Incomplete`]), or an
/// error that stops the drive.
pub fn drive<E>(
    ua: &mut UserAgent,
    fetch: &mut Fetch,
    first: Action,
    clock: &mut dyn FnMut() -> Instant,
    respond: &mut dyn FnMut(&Outgoing) -> Answer<E>,
) -> Result<(Vec<Exchange>, Verdict), E> {
    let mut exchanges: Vec<Exchange> = Vec::new();
    let mut action = first;
    loop {
        match action {
            Action::Send(out) => {
                let request = WireRequest::of(&out);
                if exchanges.len() >= MAX_REQUESTS {
                    let error = NetworkError::RedirectLimit.into();
                    return Ok((
                        exchanges,
                        Verdict::Blocked {
                            error,
                            stage: "redirect",
                        },
                    ));
                }
                let Some(head) = respond(&out)? else {
                    let missing = match out.kind {
                        RequestKind::Preflight => Missing::PreflightResponse,
                        RequestKind::Actual => Missing::Response,
                    };
                    let verdict = Verdict::Incomplete {
                        missing,
                        next: request,
                    };
                    return Ok((exchanges, verdict));
                };
                let status = head.status().as_u16();
                exchanges.push(Exchange {
                    request: request.clone(),
                    status,
                    headers: pairs(head.headers()),
                });
                let kept = head.headers().clone();
                // The fetch is awaiting exactly this response, so this cannot be a usage error.
                let _ = fetch.handle_response(ua, clock(), head);
                action = fetch.poll();
                match &action {
                    Action::Done(Ok(response)) => {
                        let verdict = allowed(response.clone(), &kept);
                        return Ok((exchanges, verdict));
                    }
                    Action::AwaitResponse if (100..200).contains(&status) => {
                        // The machine skipped an interim response and awaits the final one,
                        // which was not given (Fetch §concept-http-network-fetch step 8.5).
                        let verdict = Verdict::Interim {
                            status,
                            stage: stage_of(out.kind),
                            request,
                        };
                        return Ok((exchanges, verdict));
                    }
                    _ => {}
                }
            }
            Action::AwaitResponse => {
                // Not reachable: every request handed out was answered above.
                let error = NetworkError::InvalidPreflightRequest {
                    reason: "the fetch awaits a response that was not handed in".to_owned(),
                }
                .into();
                return Ok((
                    exchanges,
                    Verdict::Blocked {
                        error,
                        stage: "request",
                    },
                ));
            }
            Action::Done(Ok(response)) => {
                return Ok((exchanges, allowed(response, &HeaderMap::new())));
            }
            Action::Done(Err(error)) => {
                let verdict = blocked_verdict(error, &exchanges);
                return Ok((exchanges, verdict));
            }
        }
    }
}

fn stage_of(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Preflight => "preflight",
        RequestKind::Actual => "response",
    }
}

/// The verdict for a fetch the machine ended in a network error, after `exchanges`: a 101
/// answer ([`NetworkError::SwitchedProtocols`]) is reported as the interim response it is.
pub fn blocked_verdict(error: corsgate::Blocked, exchanges: &[Exchange]) -> Verdict {
    if let (NetworkError::SwitchedProtocols { exchange }, Some(last)) =
        (error.error(), exchanges.last())
    {
        return Verdict::Interim {
            status: 101,
            stage: stage_of(exchange.kind),
            request: last.request.clone(),
        };
    }
    let stage = match error.stage() {
        Some(Stage::Preflight) => "preflight",
        Some(Stage::Response) => "response",
        Some(Stage::Redirect) => "redirect",
        None => match exchanges.last() {
            Some(e) if e.request.kind == RequestKind::Preflight => "preflight",
            Some(e) if corsgate::redirect::is_redirect_status(e.status) => "redirect",
            Some(_) => "response",
            None => "request",
        },
    };
    Verdict::Blocked { error, stage }
}

/// The verdict for a response script sees, with the values of its visible headers and the names
/// the server sent that script cannot read.
pub fn allowed(response: FilteredResponse, head: &HeaderMap) -> Verdict {
    let mut visible = Vec::new();
    for name in &response.header_names {
        for value in head.get_all(name.as_str()) {
            visible.push((name.clone(), value_string(value.as_bytes())));
        }
    }
    let mut hidden: Vec<String> = Vec::new();
    if response.response_type == corsgate::ResponseType::Cors {
        for name in head.keys() {
            let n = name.as_str();
            if !response.is_visible(n.as_bytes())
                && !n.starts_with("access-control-")
                && !corsgate::forbidden::is_forbidden_response_header_name(n.as_bytes())
                && !is_connection_header(n, head)
            {
                // `keys()` yields each name once.
                hidden.push(n.to_owned());
            }
        }
        hidden.sort();
    }
    Verdict::Allowed {
        response,
        visible,
        hidden,
    }
}

/// Whether `name` describes the connection rather than the resource: the hop-by-hop headers
/// (RFC 9110 §7.6.1: `Connection` and the names it lists; `Keep-Alive`, `Proxy-Connection`,
/// `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`). A proxy may drop or rewrite them, so
/// exposing them to script is no fix: they are not listed as hidden.
fn is_connection_header(name: &str, head: &HeaderMap) -> bool {
    const HOP_BY_HOP: [&str; 7] = [
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    ];
    HOP_BY_HOP.contains(&name)
        || head.get_all(http::header::CONNECTION).iter().any(|v| {
            corsgate::header::split_list(v.as_bytes())
                .iter()
                .any(|item| item.eq_ignore_ascii_case(name.as_bytes()))
        })
}

/// How long the last preflight's result is cached, if one passed, from a fetch's events.
pub fn cached_for(events: &[Event]) -> Option<Duration> {
    events.iter().rev().find_map(|e| match e {
        Event::PreflightPassed { cached_for, .. } => *cached_for,
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_spec_takes_a_trailing_anchor() {
        assert_eq!(
            split_spec("x is bad (Fetch §cors-unsafe-request-header-byte)", "d"),
            (
                "x is bad".to_owned(),
                "fetch#cors-unsafe-request-header-byte".to_owned()
            )
        );
        assert_eq!(
            split_spec("no anchor here", "fetch#d"),
            ("no anchor here".to_owned(), "fetch#d".to_owned())
        );
    }

    /// The decision and the first request for each branch of main fetch step 12.
    #[test]
    fn decisions_per_branch() {
        let setup = |url: &str, method: Method, mode: Mode| Setup {
            origin: corsgate::Origin::of_url(&Url::parse("https://app.example/").unwrap()),
            url: Url::parse(url).unwrap(),
            method,
            headers: Vec::new(),
            credentials: CredentialsMode::SameOrigin,
            mode,
            redirect: RedirectMode::Follow,
            policy: corsgate::Policy::spec(),
        };
        let cases = [
            (
                "https://app.example/x",
                Method::PUT,
                Mode::Cors,
                Decision::SameOrigin,
            ),
            (
                "https://api.example/x",
                Method::GET,
                Mode::NoCors,
                Decision::NoCors,
            ),
            (
                "https://api.example/x",
                Method::GET,
                Mode::Cors,
                Decision::Simple,
            ),
            (
                "https://api.example/x",
                Method::PUT,
                Mode::Cors,
                Decision::Preflight,
            ),
            (
                "https://api.example/x",
                Method::GET,
                Mode::SameOrigin,
                Decision::NetworkError,
            ),
            (
                "https://api.example/x",
                Method::PUT,
                Mode::NoCors,
                Decision::Refused,
            ),
        ];
        for (url, method, mode, want) in cases {
            let started = start(&setup(url, method.clone(), mode), Instant::now());
            assert_eq!(started.analysis.decision, want, "{url} {method} {mode}");
            let first_kind = started.analysis.first.as_ref().map(|f| f.kind);
            let expected_kind = match want {
                Decision::Preflight => Some(RequestKind::Preflight),
                Decision::NetworkError | Decision::Refused => None,
                _ => Some(RequestKind::Actual),
            };
            assert_eq!(first_kind, expected_kind, "{url} {method} {mode}");
            assert_eq!(
                started.early.is_some(),
                matches!(want, Decision::NetworkError | Decision::Refused)
            );
        }
    }
}
