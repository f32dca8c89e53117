//! What an attacker's page could do with the answers the server gave, as the machine decides it
//! under each engine preset, and the findings that follow. Header values are read only to name a
//! finding's evidence and its class (`*` or a reflected origin), never to decide what is possible.

use std::time::Instant;

use corsgate::{CredentialsMode, Mode, NetworkError, Origin, Policy, RedirectMode, ResponseType};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use url::Url;

use super::hosts::{self, Page};
use super::probes::{Derivation, ProbeOrigin};
use crate::model::{self, Missing, Setup, Verdict, WireRequest};

/// The custom header every non-simple probe carries (no server lists it on purpose).
pub const PROBE_HEADER: &str = "x-corsgate-audit";
/// The method of the echo probe: a token no API allows on purpose.
pub const ECHO_METHOD: &str = "CORSGATE";

/// Which request a probe sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The simple request: the user's `-X`/`-H` when they need no preflight, else a `GET`. Sent.
    Simple,
    /// The preflight of the user's `-X`/`-H` (when they need one). Only the preflight is sent.
    UserPreflight,
    /// The preflight of a `PUT` with the custom header `X-Corsgate-Audit`. Only the preflight.
    NonSimple,
    /// The preflight of a made-up method with a made-up header, from `APP`: an answer that
    /// approves it echoes the request. Only the preflight.
    Echo,
}

impl Shape {
    /// In words, for the report.
    pub fn describe(self) -> &'static str {
        match self {
            Shape::Simple => "simple request",
            Shape::UserPreflight => "preflight of the -X/-H request",
            Shape::NonSimple => "preflight of a PUT with X-Corsgate-Audit",
            Shape::Echo => "preflight of a made-up method and header",
        }
    }
}

/// What is audited.
#[derive(Debug, Clone)]
pub struct Target {
    /// The URL.
    pub url: Url,
    /// The method the front end uses (`-X`).
    pub method: Method,
    /// The headers the front end sets (`-H`).
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Whether the `-X`/`-H` request needs no preflight (it is then the simple probe).
    pub user_simple: bool,
    /// Whether credentialed capabilities count (`--credentials include`).
    pub credentials: bool,
}

impl Target {
    /// The machine's setup for `shape` from `origin` under `policy`.
    pub fn setup(
        &self,
        origin: &Origin,
        shape: Shape,
        policy: &Policy,
        credentials: CredentialsMode,
    ) -> Setup {
        let custom =
            |name: &'static str| (HeaderName::from_static(name), HeaderValue::from_static("1"));
        let (method, headers) = match shape {
            Shape::Simple if self.user_simple => (self.method.clone(), self.headers.clone()),
            Shape::Simple => (Method::GET, Vec::new()),
            Shape::UserPreflight => (self.method.clone(), self.headers.clone()),
            Shape::NonSimple => (Method::PUT, vec![custom(PROBE_HEADER)]),
            Shape::Echo => (
                Method::from_bytes(ECHO_METHOD.as_bytes()).unwrap_or(Method::PATCH),
                vec![custom("x-corsgate-echo")],
            ),
        };
        Setup {
            origin: origin.clone(),
            url: self.url.clone(),
            method,
            headers,
            credentials,
            mode: Mode::Cors,
            redirect: RedirectMode::Follow,
            policy: policy.clone(),
        }
    }
}

/// A response head as received.
#[derive(Debug, Clone)]
pub struct Head {
    /// The status.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
}

impl Head {
    fn response(&self) -> http::Response<()> {
        let mut r = http::Response::new(());
        *r.status_mut() = http::StatusCode::from_u16(self.status).unwrap_or(http::StatusCode::OK);
        *r.headers_mut() = self.headers.clone();
        r
    }

    /// The CORS and `Vary` lines, shown as evidence.
    pub fn cors_lines(&self) -> Vec<(String, String)> {
        model::pairs(&self.headers)
            .into_iter()
            .filter(|(n, _)| n.starts_with("access-control-") || n == "vary")
            .collect()
    }

    /// Whether `Vary` names `Origin` (or is `*`): a shared cache then keys the answer on it.
    pub fn varies_on_origin(&self) -> bool {
        corsgate::header::get(&self.headers, "vary").is_some_and(|v| {
            corsgate::header::split_list(&v)
                .iter()
                .any(|item| item.eq_ignore_ascii_case(b"origin") || *item == b"*")
        })
    }

    fn allow_credentials_true(&self) -> bool {
        corsgate::header::get(&self.headers, "access-control-allow-credentials").as_deref()
            == Some(b"true")
    }
}

/// One request audit sent, and what came back.
#[derive(Debug, Clone)]
pub struct Sent {
    /// The index of its probe origin.
    pub probe: usize,
    /// Which request.
    pub shape: Shape,
    /// The request as it went on the wire.
    pub request: WireRequest,
    /// The response head, or the network failure.
    pub result: Result<Head, String>,
}

/// What the machine says about one response for one engine and credentials mode.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Script reads the response (a CORS or basic response) with this status.
    Readable(u16),
    /// The preflight passed: the actual (non-simple) request would be sent.
    PreflightPassed,
    /// A network error.
    Blocked(NetworkError),
    /// Nothing to judge (a redirect the audit does not follow, no response).
    NotJudged,
    /// No page of this engine sends the probe's `Origin`: its URL parser refuses the host, or
    /// rewrites it into another origin (`hosts::page`).
    NoSuchPage,
}

impl Outcome {
    fn passes(&self) -> bool {
        matches!(self, Outcome::Readable(_) | Outcome::PreflightPassed)
    }
}

/// Runs `setup` through the machine with `head` as the answer to its first request, which must be
/// of `kind`; any further request (a redirect's next hop, the actual request after a preflight)
/// gets no answer.
pub fn outcome(setup: &Setup, head: &Head, kind: corsgate::fetch::RequestKind) -> Outcome {
    let started = model::start(setup, Instant::now());
    let (Some(mut fetch), Some(first)) = (started.fetch, started.first) else {
        return match started.early {
            Some(Verdict::Blocked { error, .. }) => Outcome::Blocked(error.into_error()),
            _ => Outcome::NotJudged,
        };
    };
    let mut ua = started.ua;
    let mut answered = false;
    let mut respond = |out: &corsgate::fetch::Outgoing| -> model::Answer<std::convert::Infallible> {
        if answered || out.kind != kind {
            return Ok(None);
        }
        answered = true;
        Ok(Some(head.response()))
    };
    let result = model::drive(&mut ua, &mut fetch, first, &mut Instant::now, &mut respond);
    let Ok((_, verdict)) = result;
    match verdict {
        Verdict::Allowed { response, .. }
            if matches!(
                response.response_type,
                ResponseType::Cors | ResponseType::Basic
            ) =>
        {
            Outcome::Readable(response.status)
        }
        Verdict::Incomplete {
            missing: Missing::Response,
            next,
        } if next.kind == corsgate::fetch::RequestKind::Actual
            && kind == corsgate::fetch::RequestKind::Preflight
            && !fetch
                .events()
                .iter()
                .any(|e| matches!(e, corsgate::fetch::Event::Redirected { .. })) =>
        {
            Outcome::PreflightPassed
        }
        Verdict::Blocked { error, .. } => Outcome::Blocked(error.into_error()),
        _ => Outcome::NotJudged,
    }
}

/// The machine's outcomes for one sent request: per engine, without and with credentials.
#[derive(Debug, Clone)]
pub struct Judged {
    /// Index into the sent requests.
    pub sent: usize,
    /// (engine, credentials included, outcome).
    pub outcomes: Vec<(&'static str, bool, Outcome)>,
}

impl Judged {
    fn engines(&self, include: bool, pred: impl Fn(&Outcome) -> bool) -> Vec<&'static str> {
        self.outcomes
            .iter()
            .filter(|(_, i, o)| *i == include && pred(o))
            .map(|(e, _, _)| *e)
            .collect()
    }

    fn first(&self, include: bool) -> Option<&Outcome> {
        self.outcomes
            .iter()
            .find(|(_, i, _)| *i == include)
            .map(|(_, _, o)| o)
    }
}

/// Judges each answered request under every engine preset, without and with credentials. An
/// engine whose URL parser gives no page the probe's origin (`hosts::page`) gets `NoSuchPage`.
pub fn judge_all(target: &Target, probes: &[ProbeOrigin], sent: &[Sent]) -> Vec<Judged> {
    let mut out = Vec::new();
    for (i, s) in sent.iter().enumerate() {
        let Ok(head) = &s.result else { continue };
        let mut outcomes = Vec::new();
        for name in Policy::NAMES {
            let Some(policy) = Policy::by_name(name) else {
                continue;
            };
            let has_page = hosts::page(name, &probes[s.probe].origin) == Page::Same;
            for include in [false, true] {
                if !has_page {
                    outcomes.push((name, include, Outcome::NoSuchPage));
                    continue;
                }
                let credentials = if include {
                    CredentialsMode::Include
                } else {
                    CredentialsMode::Omit
                };
                let setup = target.setup(&probes[s.probe].origin, s.shape, &policy, credentials);
                outcomes.push((name, include, outcome(&setup, head, s.request.kind)));
            }
        }
        out.push(Judged { sent: i, outcomes });
    }
    out
}

/// How bad a finding is, by what a browser lets the attacker's page do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Nothing an attacker gains (or the server's own intent fails).
    Info,
    /// Reading what an anonymous request gets, or an error page with credentials.
    Low,
    /// A credentialed non-simple request gets through its preflight (state can change).
    Medium,
    /// Reading a credentialed success response.
    High,
}

impl Severity {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    fn lowered(self) -> Severity {
        match self {
            Severity::High => Severity::Medium,
            Severity::Medium | Severity::Low => Severity::Low,
            Severity::Info => Severity::Info,
        }
    }
}

/// What one origin's page can do at most, by the machine.
#[derive(Debug, Clone)]
pub struct Capability {
    /// How bad.
    pub severity: Severity,
    /// Whether it needs credentials included.
    pub credentials: bool,
    /// The engines where it holds.
    pub engines: Vec<&'static str>,
    /// The sent request that shows it.
    pub sent: usize,
    /// What the page can do, in words.
    pub what: String,
}

fn ok_status(s: u16) -> bool {
    (200..=299).contains(&s)
}

/// The most an attacker's page at probe `probe` can do, or `None` when nothing passes.
pub fn capability(
    probe: usize,
    sent: &[Sent],
    judged: &[Judged],
    credentials: bool,
) -> Option<Capability> {
    let of = |shape: Shape| {
        judged
            .iter()
            .filter(move |j| sent[j.sent].probe == probe && sent[j.sent].shape == shape)
    };
    let status = |j: &Judged, include: bool| match j.first(include) {
        Some(Outcome::Readable(s)) => *s,
        _ => j
            .outcomes
            .iter()
            .find_map(|(_, i, o)| match o {
                Outcome::Readable(s) if *i == include => Some(*s),
                _ => None,
            })
            .unwrap_or(0),
    };
    let mut candidates: Vec<Capability> = Vec::new();
    for j in of(Shape::Simple) {
        let read_ok = |o: &Outcome| matches!(o, Outcome::Readable(s) if ok_status(*s));
        let read_err = |o: &Outcome| matches!(o, Outcome::Readable(s) if !ok_status(*s));
        if credentials {
            let e = j.engines(true, read_ok);
            if !e.is_empty() {
                candidates.push(Capability {
                    severity: Severity::High,
                    credentials: true,
                    engines: e,
                    sent: j.sent,
                    what: format!(
                        "read the response (status {}) with the user's cookies",
                        status(j, true)
                    ),
                });
            }
        }
        let e = j.engines(false, read_ok);
        if !e.is_empty() {
            candidates.push(Capability {
                severity: Severity::Low,
                credentials: false,
                engines: e,
                sent: j.sent,
                what: format!(
                    "read the response (status {}) as an anonymous request gets it",
                    status(j, false)
                ),
            });
        }
        if credentials {
            let e = j.engines(true, read_err);
            if !e.is_empty() {
                candidates.push(Capability {
                    severity: Severity::Low,
                    credentials: true,
                    engines: e,
                    sent: j.sent,
                    what: format!(
                        "read the response with the user's cookies, but it is an error (status \
                         {}): the same policy on a success path would be high",
                        status(j, true)
                    ),
                });
            }
        }
        let e = j.engines(false, read_err);
        if !e.is_empty() {
            candidates.push(Capability {
                severity: Severity::Info,
                credentials: false,
                engines: e,
                sent: j.sent,
                what: format!(
                    "read an error response (status {}) without credentials",
                    status(j, false)
                ),
            });
        }
    }
    if credentials {
        for shape in [Shape::UserPreflight, Shape::NonSimple] {
            for j in of(shape) {
                let e = j.engines(true, |o| matches!(o, Outcome::PreflightPassed));
                if !e.is_empty() {
                    let m = &sent[j.sent].request;
                    let method = m
                        .headers
                        .iter()
                        .find(|(n, _)| n == "access-control-request-method")
                        .map_or("the request", |(_, v)| v.as_str())
                        .to_owned();
                    candidates.push(Capability {
                        severity: Severity::Medium,
                        credentials: true,
                        engines: e,
                        sent: j.sent,
                        what: format!(
                            "send a credentialed {method} with a custom header: the preflight \
                             approves it (the request changes state even when its response \
                             stays unreadable)"
                        ),
                    });
                }
            }
        }
    }
    candidates
        .into_iter()
        .max_by(|a, b| a.severity.cmp(&b.severity).then(b.sent.cmp(&a.sent)))
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The class (`reflected-origin`, …).
    pub class: &'static str,
    /// How bad.
    pub severity: Severity,
    /// The origin whose page can do it.
    pub origin: String,
    /// Whether it holds with credentials included.
    pub credentials: bool,
    /// The engines where it holds.
    pub engines: Vec<&'static str>,
    /// The request that showed it.
    pub sent: usize,
    /// What happens, in words.
    pub summary: String,
    /// The header lines or the rule the server should use.
    pub fix: Vec<String>,
}

fn fix_for(class: &str, app: &str) -> Vec<String> {
    let exact = format!(
        "answer `Access-Control-Allow-Origin: {app}` only when `Origin` is exactly `{app}` (an \
         allow-list compared whole, scheme, host and port), with `Vary: Origin`; send no \
         Access-Control-Allow-Origin for any other origin"
    );
    let mut v = match class {
        "null-origin" => vec![
            "never allow the origin `null`: sandboxed iframes and data: documents any site can \
             create send it"
                .to_owned(),
        ],
        "prefix-match" => vec![
            "compare the whole origin, not its beginning: a check like `startsWith(APP)` or a regex \
             without `$` accepts APP followed by more labels"
                .to_owned(),
        ],
        "suffix-match" => vec![
            "compare the host exactly; to trust subdomains, require the dot (`.example.com`) and \
             the scheme, never a bare `endsWith(\"example.com\")`"
                .to_owned(),
        ],
        "unescaped-dot" => vec![
            "escape the dots in an origin regex (`^https://app\\.example\\.com$`), or compare \
             strings"
                .to_owned(),
        ],
        "any-subdomain" => vec![
            "list the subdomains that need access instead of trusting any subdomain (one taken \
             over, or with an XSS, then reads the API)"
                .to_owned(),
        ],
        "insecure-origin-trusted" => vec![
            "allow only the https: origin: a network attacker can run script on the http: page"
                .to_owned(),
        ],
        "special-char-bypass" => vec![
            "parse Origin as a URL and compare its host exactly; a pattern such as `[^.]*` or `\\W` \
             after the host lets `_`, `!`, `` ` `` … through"
                .to_owned(),
        ],
        "third-party-trusted" => vec![
            "do not trust hosts where anyone can publish pages (github.io, CodePen, …)".to_owned(),
        ],
        "wildcard" => vec![
            "nothing, if the data is public; for anything private, use an exact allow-list"
                .to_owned(),
        ],
        "wildcard-with-credentials" => vec![
            "`*` never works with credentials: either drop `Access-Control-Allow-Credentials` \
             (public data), or answer the exact origin from an allow-list:"
                .to_owned(),
            format!("Access-Control-Allow-Origin: {app}"),
            "Access-Control-Allow-Credentials: true".to_owned(),
            "Vary: Origin".to_owned(),
        ],
        "missing-vary-origin" => vec![
            "Vary: Origin".to_owned(),
            "on every response of this URL, including the ones without CORS headers".to_owned(),
        ],
        "preflight-reflects-request" => vec![
            "list the methods and headers the API takes instead of echoing the request's:".to_owned(),
            "Access-Control-Allow-Methods: GET, POST, … (the ones used)".to_owned(),
            "Access-Control-Allow-Headers: … (the ones used)".to_owned(),
        ],
        _ => Vec::new(),
    };
    if matches!(
        class,
        "reflected-origin"
            | "reflected-origin-credentials"
            | "null-origin"
            | "prefix-match"
            | "suffix-match"
            | "unescaped-dot"
            | "any-subdomain"
            | "insecure-origin-trusted"
            | "special-char-bypass"
            | "third-party-trusted"
    ) {
        v.push(exact);
    }
    v
}

/// The findings.
pub fn findings(
    target: &Target,
    probes: &[ProbeOrigin],
    sent: &[Sent],
    judged: &[Judged],
) -> Vec<Finding> {
    let app = probes[0].serialized();
    let index = |d: Derivation| probes.iter().position(|p| p.derivation == d);
    let caps: Vec<Option<Capability>> = (0..probes.len())
        .map(|i| capability(i, sent, judged, target.credentials))
        .collect();
    let rank = |i: Option<usize>| -> Option<Severity> {
        i.and_then(|i| caps[i].as_ref().map(|c| c.severity))
    };
    let mut out = Vec::new();
    let mut push = |class: &'static str, probe: usize, cap: &Capability, severity: Severity| {
        out.push(Finding {
            class,
            severity,
            origin: probes[probe].serialized(),
            credentials: cap.credentials,
            engines: cap.engines.clone(),
            sent: cap.sent,
            summary: format!("a page at {} can {}", probes[probe].serialized(), cap.what),
            fix: fix_for(class, &app),
        });
    };

    // The unrelated origin: reflection, or `*`.
    let unrelated = index(Derivation::Unrelated);
    let simple_of = |probe: usize| {
        judged
            .iter()
            .find(|j| sent[j.sent].probe == probe && sent[j.sent].shape == Shape::Simple)
    };
    if let (Some(u), Some(cap)) = (unrelated, unrelated.and_then(|u| caps[u].clone())) {
        let wildcard = simple_of(u).filter(|j| {
            !j.engines(false, Outcome::passes).is_empty()
                && j.outcomes.iter().any(|(_, i, o)| {
                    *i && matches!(
                        o,
                        Outcome::Blocked(NetworkError::WildcardOriginWithCredentials { .. })
                    )
                })
        });
        match wildcard {
            Some(j) if cap.severity <= Severity::Low && !cap.credentials => {
                let head = sent[j.sent].result.as_ref().ok();
                let with_credentials = head.is_some_and(Head::allow_credentials_true);
                let class = if with_credentials {
                    "wildcard-with-credentials"
                } else {
                    "wildcard"
                };
                let mut c = cap.clone();
                if with_credentials {
                    c.what = format!(
                        "{}; the server also sends `Access-Control-Allow-Credentials: true`, \
                         which no browser honours with `*`: a credentialed request from any page, \
                         the real front end included, is blocked",
                        cap.what
                    );
                }
                push(class, u, &c, Severity::Info);
            }
            _ => {
                let class = if cap.credentials {
                    "reflected-origin-credentials"
                } else {
                    "reflected-origin"
                };
                push(class, u, &cap, cap.severity);
            }
        }
    }

    // Each bypass: reported when its page can do more than the unrelated origin's (and more than
    // the probes whose rule it would also pass).
    let best = |ds: &[Derivation]| ds.iter().filter_map(|d| rank(index(*d))).max();
    for (i, p) in probes.iter().enumerate() {
        let (class, baseline): (&'static str, Vec<Derivation>) = match p.derivation {
            Derivation::Null => ("null-origin", vec![Derivation::Unrelated]),
            Derivation::Prefix => ("prefix-match", vec![Derivation::Unrelated]),
            Derivation::SuffixHost | Derivation::SuffixDomain => {
                ("suffix-match", vec![Derivation::Unrelated])
            }
            Derivation::UnescapedDot => (
                "unescaped-dot",
                vec![
                    Derivation::Unrelated,
                    Derivation::SuffixHost,
                    Derivation::SuffixDomain,
                ],
            ),
            Derivation::Subdomain => ("any-subdomain", vec![Derivation::Unrelated]),
            Derivation::Insecure => ("insecure-origin-trusted", vec![Derivation::Unrelated]),
            Derivation::SpecialChar(..) => (
                "special-char-bypass",
                vec![Derivation::Unrelated, Derivation::Prefix],
            ),
            Derivation::ThirdParty => ("third-party-trusted", vec![Derivation::Unrelated]),
            Derivation::App | Derivation::Unrelated => continue,
        };
        let Some(cap) = &caps[i] else { continue };
        if best(&baseline).is_some_and(|b| b >= cap.severity) {
            continue;
        }
        // One suffix finding: the domain suffix if it passes, else the host suffix.
        if p.derivation == Derivation::SuffixHost
            && index(Derivation::SuffixDomain)
                .is_some_and(|d| caps[d].as_ref().is_some_and(|c| c.severity >= cap.severity))
        {
            continue;
        }
        // A subdomain or the http: twin needs a foothold first (a taken-over subdomain, a
        // network attacker): one step lower.
        let severity = match p.derivation {
            Derivation::Subdomain | Derivation::Insecure => cap.severity.lowered(),
            _ => cap.severity,
        };
        let mut c = cap.clone();
        if let Derivation::SpecialChar(class, ch) = p.derivation {
            let alike: Vec<String> = class
                .probes()
                .into_iter()
                .find(|(first, _)| *first == ch)
                .map(|(_, group)| {
                    group
                        .into_iter()
                        .filter(|g| *g != ch)
                        .map(hosts::code)
                        .collect()
                })
                .unwrap_or_default();
            let alike = if alike.is_empty() {
                String::new()
            } else {
                format!("; each treats {} the same way", alike.join(", "))
            };
            c.what = format!(
                "{} (a host with {} after APP's host, {}: {}{alike})",
                c.what,
                hosts::code(ch),
                class.describe(),
                hosts::explain(ch, &p.origin)
            );
        }
        push(class, i, &c, severity);
    }

    // missing-vary-origin: the answer to one origin, served from a shared cache to another,
    // changes what the machine decides for the other, and the answer does not vary on Origin.
    if let Some(u) = unrelated {
        'pairs: for (x, y) in [(0, u), (u, 0)] {
            let (Some(jx), Some(jy)) = (simple_of(x), simple_of(y)) else {
                continue;
            };
            let Ok(head_y) = &sent[jy.sent].result else {
                continue;
            };
            if head_y.varies_on_origin() {
                continue;
            }
            for include in [false, true] {
                if include && !target.credentials {
                    continue;
                }
                let mode = if include {
                    CredentialsMode::Include
                } else {
                    CredentialsMode::Omit
                };
                let mut engines = Vec::new();
                let mut own_passes = false;
                for name in Policy::NAMES {
                    let Some(policy) = Policy::by_name(name) else {
                        continue;
                    };
                    // Only engines with a page at x (the stored answer may come from any
                    // client).
                    if hosts::page(name, &probes[x].origin) != Page::Same {
                        continue;
                    }
                    let own = jx
                        .outcomes
                        .iter()
                        .find(|(e, i, _)| *e == name && *i == include)
                        .is_some_and(|(_, _, o)| o.passes());
                    let setup = target.setup(&probes[x].origin, Shape::Simple, &policy, mode);
                    let cached = outcome(&setup, head_y, sent[jy.sent].request.kind).passes();
                    if own != cached {
                        engines.push(name);
                        own_passes = own;
                    }
                }
                if engines.is_empty() {
                    continue;
                }
                let effect = if own_passes {
                    "is blocked although the server allows it"
                } else {
                    "can read it although the server refuses it"
                };
                out.push(Finding {
                    class: "missing-vary-origin",
                    severity: Severity::Low,
                    origin: probes[x].serialized(),
                    credentials: include,
                    engines,
                    sent: jy.sent,
                    summary: format!(
                        "the answer depends on Origin but has no `Vary: Origin`: a shared cache \
                         that stored the answer to Origin {} serves it to {}, which then {effect}",
                        probes[y].serialized(),
                        probes[x].serialized()
                    ),
                    fix: fix_for("missing-vary-origin", &app),
                });
                break 'pairs;
            }
        }
    }

    // preflight-reflects-request: APP's preflight for a made-up method and header passes with
    // credentials (where `*` does not count), so the answer echoes what is asked.
    if let Some(j) = judged.iter().find(|j| sent[j.sent].shape == Shape::Echo) {
        let engines = j.engines(true, |o| matches!(o, Outcome::PreflightPassed));
        if !engines.is_empty() {
            out.push(Finding {
                class: "preflight-reflects-request",
                severity: Severity::Low,
                origin: app.clone(),
                credentials: true,
                engines,
                sent: j.sent,
                summary: format!(
                    "the preflight approves a credentialed `{ECHO_METHOD}` with `X-Corsgate-Echo`, \
                     a method and a header no API lists: it echoes what is asked, so any method \
                     and header from an allowed origin gets through"
                ),
                fix: fix_for("preflight-reflects-request", &app),
            });
        }
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}
