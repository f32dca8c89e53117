//! Fetch §concept-network-error: why a fetch became a network error, as one enum a caller can
//! match, with the spec rule broken ([`NetworkError::spec`]), what the server must change
//! ([`NetworkError::fix`]) and a one-line explanation (`Display`).
//!
//! Every variant carries the offending value(s) and what was expected. Response values are kept
//! as bytes (a header value may hold any byte but CR, LF and NUL); `Display` escapes bytes outside
//! printable ASCII and shortens very long values, so an error message stays one readable line.

use std::fmt;

use crate::fetch::RequestKind;
use crate::request::RedirectMode;

/// Fetch §concept-cors-check: where a CORS check ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// On the response to a CORS-preflight request (Fetch §cors-preflight-fetch-0 step 7).
    Preflight,
    /// On the final response (Fetch §concept-http-fetch step 4.4).
    Response,
    /// On a redirect response before it is followed (Fetch §concept-http-fetch step 4.4).
    Redirect,
}

impl Stage {
    /// Fetch §concept-cors-check: the response this stage names, as used in messages
    /// ("the preflight response").
    pub fn response_phrase(self) -> &'static str {
        match self {
            Stage::Preflight => "the preflight response",
            Stage::Response => "the response",
            Stage::Redirect => "the redirect response",
        }
    }
}

/// Fetch §cors-preflight-fetch-0 steps 7.5–7.7: why an `*` in `Access-Control-Allow-Methods` or
/// `Access-Control-Allow-Headers` did not allow the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WildcardIgnored {
    /// `*` is only a wildcard when the request's credentials mode is not "include".
    CredentialsInclude,
    /// `*` never covers a CORS non-wildcard request-header name (`Authorization`).
    NonWildcardName,
}

/// Fetch §concept-network-error: what the server must change so the rule passes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Fix {
    /// The exact header lines the server must send, e.g. `Access-Control-Allow-Headers: x-token`.
    /// Each line is the header's whole value: it replaces every line of that name the response
    /// had (what was already allowed is kept in it), never one to add beside them.
    Send(Vec<String>),
    /// A short instruction, where no response header fixes it.
    Do(String),
}

impl fmt::Display for Fix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fix::Send(lines) => {
                f.write_str("the server must send: ")?;
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    // A line built from a hostile list can be huge; `fix()` has it whole.
                    write!(f, "{}", Shown(line.as_bytes()))?;
                }
                Ok(())
            }
            Fix::Do(what) => write!(f, "fix: {what}"),
        }
    }
}

/// Fetch §concept-network-error: one variant per rule that turns a fetch into a network error.
///
/// ```
/// use corsgate::error::{NetworkError, Stage};
/// let e = NetworkError::MissingAllowOrigin { stage: Stage::Response, origin: "https://app.example".into() };
/// assert_eq!(e.spec(), "fetch#concept-cors-check step 2");
/// assert!(e.to_string().ends_with("the server must send: Access-Control-Allow-Origin: https://app.example"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NetworkError {
    /// Fetch §concept-cors-check step 2: there is no `Access-Control-Allow-Origin` header.
    MissingAllowOrigin {
        /// Which response was checked.
        stage: Stage,
        /// The byte-serialized request origin (what the header must say).
        origin: String,
    },
    /// Fetch §concept-cors-check step 4: `Access-Control-Allow-Origin` holds several values (two
    /// header lines combine as `a, b`; a comma or space inside one line is the same mistake).
    MultipleAllowOrigin {
        /// Which response was checked.
        stage: Stage,
        /// The combined, normalized value received.
        value: Vec<u8>,
        /// The byte-serialized request origin.
        origin: String,
    },
    /// Fetch §concept-cors-check step 4: `Access-Control-Allow-Origin` is not, byte for byte, the
    /// request's origin.
    AllowOriginMismatch {
        /// Which response was checked.
        stage: Stage,
        /// The normalized value received.
        got: Vec<u8>,
        /// The byte-serialized request origin.
        expected: String,
    },
    /// Fetch §concept-cors-check steps 3–4: `Access-Control-Allow-Origin: *` with credentials mode
    /// "include".
    WildcardOriginWithCredentials {
        /// Which response was checked.
        stage: Stage,
        /// The byte-serialized request origin.
        origin: String,
    },
    /// Fetch §concept-cors-check steps 6–8: credentials mode is "include" and
    /// `Access-Control-Allow-Credentials` is missing or not exactly `true`.
    AllowCredentialsNotTrue {
        /// Which response was checked.
        stage: Stage,
        /// The combined, normalized value received; `None` when the header is absent.
        got: Option<Vec<u8>>,
    },
    /// Fetch §cors-preflight-fetch-0 steps 7–8: the preflight's status is not an ok status.
    PreflightStatusNotOk {
        /// The status received.
        status: u16,
    },
    /// Fetch §cors-preflight-fetch-0 steps 7–8: the preflight was answered with a redirect, which is
    /// never followed (not an ok status; engines say "Redirect is not allowed for a preflight").
    PreflightRedirect {
        /// The redirect status received (301, 302, 303, 307 or 308).
        status: u16,
        /// The `Location` value, if any.
        location: Option<Vec<u8>>,
    },
    /// Fetch §cors-preflight-fetch-0 step 7.3: an `Access-Control-Allow-Methods` item is not a token.
    InvalidAllowMethods {
        /// The first invalid item.
        item: Vec<u8>,
        /// The request's method (what the list must at least contain).
        method: String,
    },
    /// Fetch §cors-preflight-fetch-0 step 7.3: an `Access-Control-Allow-Headers` item is not a token.
    InvalidAllowHeaders {
        /// The first invalid item.
        item: Vec<u8>,
        /// The request's CORS-unsafe request-header names (what the list must contain).
        needed: Vec<String>,
    },
    /// Fetch §cors-preflight-fetch-0 step 7.5: the request's method is not allowed.
    MethodNotAllowed {
        /// The request's method.
        method: String,
        /// The methods the preflight response allowed (empty when none or absent).
        allowed: Vec<String>,
        /// Set when `*` was listed but did not count as a wildcard.
        wildcard: Option<WildcardIgnored>,
    },
    /// Fetch §cors-preflight-fetch-0 steps 7.6–7.7: a request header is not allowed.
    HeaderNotAllowed {
        /// The first header name not allowed (lowercase).
        name: String,
        /// Every request header name not allowed (lowercase, sorted); the fix lists them all.
        missing: Vec<String>,
        /// The header names the preflight response allowed (lowercase).
        allowed: Vec<String>,
        /// Set when `*` was listed but did not cover `name`.
        wildcard: Option<WildcardIgnored>,
        /// `name` is a CORS non-wildcard request-header name (step 7.6) rather than step 7.7.
        non_wildcard_name: bool,
    },
    /// Fetch §http-redirect-fetch step 7: the request's redirect count is already 20.
    RedirectLimit,
    /// Fetch §http-redirect-fetch step 5: the `Location` value does not parse as a URL.
    RedirectLocationInvalid {
        /// The `Location` value received.
        location: Vec<u8>,
    },
    /// Fetch §http-redirect-fetch step 5 (failure), where a request target is stricter than the
    /// URL parser: the location URL parses but cannot be sent as an `http::Uri` (longer than
    /// 65 534 bytes, where Chromium's URL parser fails beyond 2 MiB and Firefox's beyond 1 MiB;
    /// or a host holding `"`, `` ` ``, `{`, `}`).
    RedirectUrlNotSendable {
        /// Why.
        reason: crate::request::TargetError,
    },
    /// Fetch §http-redirect-fetch step 6: the redirect target's scheme is not `http` or `https`.
    RedirectToNonHttpScheme {
        /// The redirect target.
        url: String,
    },
    /// Fetch §http-redirect-fetch steps 9–10: the redirect target includes credentials
    /// (userinfo) in a CORS request.
    RedirectUrlHasCredentials {
        /// The redirect target.
        url: String,
    },
    /// Fetch §http-redirect-fetch step 11: a redirect other than 303 would resend a request body
    /// that cannot be replayed (its source is null).
    RedirectBodyNotReplayable {
        /// The redirect status.
        status: u16,
    },
    /// Not a Fetch rule (WebKit, `Policy::recheck_redirects_after_credentials_drop`): with
    /// credentials mode `same-origin`, a redirect after the one that took the fetch away from the
    /// page's origin fails the CORS check made as if credentials were included.
    RedirectAfterCredentialsDropped,
    /// Fetch §concept-http-fetch step 5 (§cross-origin-resource-policy-check): the response (a
    /// redirect too) of a request whose response tainting is "opaque" did not let the request's
    /// origin embed it (`Cross-Origin-Resource-Policy`, or the embedder policy's default).
    CrossOriginResourcePolicy {
        /// The response that was blocked: [`Stage::Response`] or [`Stage::Redirect`].
        stage: Stage,
        /// What the check saw and what would allow it.
        blocked: crate::corp::CorpBlocked,
    },
    /// Fetch §concept-http-fetch step 6.3: a redirect status while the redirect mode is "error".
    RedirectModeError {
        /// The redirect status.
        status: u16,
    },
    /// Fetch §concept-main-fetch step 12: a "no-cors" request whose redirect mode is not "follow".
    NoCorsRedirectModeNotFollow {
        /// The request's redirect mode.
        redirect_mode: RedirectMode,
    },
    /// Fetch §concept-main-fetch step 12: a "same-origin" request to a cross-origin URL.
    SameOriginModeCrossOrigin {
        /// The request's current URL.
        url: String,
    },
    /// Fetch §concept-main-fetch step 12: a "cors" request to a URL whose scheme is not HTTP(S).
    CorsModeNonHttpScheme {
        /// The request's current URL.
        url: String,
    },
    /// Fetch §concept-main-fetch step 7 (§block-bad-port): the URL's port is a bad port.
    BadPort {
        /// The port.
        port: u16,
    },
    /// Fetch §concept-http-network-fetch steps 6 and 8 (a connection that is failure, or no
    /// response): the embedder reported that a request failed at the network level (refused,
    /// reset, timed out, TLS…) through `Fetch::handle_network_failure`. On a preflight, Fetch
    /// §cors-preflight-fetch-0 step 8 then returns a network error.
    RequestFailed {
        /// The request that failed: preflight or actual, at which redirect hop, to which URL.
        exchange: Box<Exchange>,
        /// What the embedder's transport reported.
        failure: NetworkFailure,
    },
    /// Fetch §concept-http-network-fetch step 8.5: the answer is 101 (Switching Protocols).
    /// A 1xx is an interim response (the fetch waits for the final one, see
    /// `Fetch::handle_response`), and only a WebSocket handshake's 101 ends the wait; fetch()
    /// never asks to switch protocols, and a server that switched has left HTTP: no final
    /// response follows, and fetch() rejects (a network error). No CORS check runs on it.
    SwitchedProtocols {
        /// The request the 101 answered: preflight or actual, which hop, which URL.
        exchange: Box<Exchange>,
    },
    /// The preflight request could not be built from the request's parts (Fetch
    /// §cors-preflight-fetch-0 steps 1–5). Requests started through `UserAgent::start` always
    /// have valid parts; this exists so that no input can make the machine panic.
    InvalidPreflightRequest {
        /// What was wrong.
        reason: String,
    },
}

/// The whole value of an `Access-Control-Allow-Methods` or `-Headers` line that allows what
/// `needed` names and keeps what `allowed` did: `allowed` in order, less a `*` that did not count
/// as a wildcard because credentials mode is "include" (Fetch §cors-preflight-fetch-0 steps
/// 7.5–7.7; a `*` that is not a wildcard only names a method or header called `*`), then each
/// needed item not yet there (compared as the list compares it: methods byte for byte, header
/// names lowercased by the caller).
fn whole_list(allowed: &[String], wildcard: Option<WildcardIgnored>, needed: &[String]) -> String {
    let drop_star = wildcard == Some(WildcardIgnored::CredentialsInclude);
    let mut items: Vec<&str> = allowed
        .iter()
        .map(String::as_str)
        .filter(|item| !(drop_star && *item == "*"))
        .collect();
    // One set of what the line holds, so a long list and many needed items cost linear time.
    let mut present: std::collections::HashSet<&str> = items.iter().copied().collect();
    for item in needed {
        if present.insert(item) {
            items.push(item);
        }
    }
    items.join(", ")
}

/// Shows bytes as escaped ASCII, shortened to 200 bytes.
struct Shown<'a>(&'a [u8]);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX: usize = 200;
        let head = self.0.get(..MAX).unwrap_or(self.0);
        write!(f, "{}", head.escape_ascii())?;
        if self.0.len() > MAX {
            write!(f, "… ({} bytes)", self.0.len())?;
        }
        Ok(())
    }
}

/// Shows a list as `a, b, c`, at most 16 items.
struct ShownList<'a>(&'a [String]);

impl fmt::Display for ShownList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX: usize = 16;
        if self.0.is_empty() {
            return f.write_str("none");
        }
        for (i, item) in self.0.iter().take(MAX).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", Shown(item.as_bytes()))?;
        }
        if self.0.len() > MAX {
            write!(f, ", … ({} in all)", self.0.len())?;
        }
        Ok(())
    }
}

impl NetworkError {
    /// Fetch §concept-network-error: the Fetch Standard anchor and step of the rule broken, e.g.
    /// `fetch#concept-cors-check step 2`.
    pub fn spec(&self) -> &'static str {
        use NetworkError::*;
        match self {
            MissingAllowOrigin { .. } => "fetch#concept-cors-check step 2",
            MultipleAllowOrigin { .. } | AllowOriginMismatch { .. } => {
                "fetch#concept-cors-check step 4"
            }
            WildcardOriginWithCredentials { .. } => "fetch#concept-cors-check steps 3-4",
            AllowCredentialsNotTrue { .. } => "fetch#concept-cors-check steps 6-8",
            PreflightStatusNotOk { .. } | PreflightRedirect { .. } => {
                "fetch#cors-preflight-fetch-0 steps 7-8"
            }
            InvalidAllowMethods { .. } | InvalidAllowHeaders { .. } => {
                "fetch#cors-preflight-fetch-0 step 7.3"
            }
            MethodNotAllowed { .. } => "fetch#cors-preflight-fetch-0 step 7.5",
            HeaderNotAllowed {
                non_wildcard_name: true,
                ..
            } => "fetch#cors-preflight-fetch-0 step 7.6",
            HeaderNotAllowed { .. } => "fetch#cors-preflight-fetch-0 step 7.7",
            RedirectLimit => "fetch#http-redirect-fetch step 7",
            RedirectLocationInvalid { .. } | RedirectUrlNotSendable { .. } => {
                "fetch#http-redirect-fetch step 5"
            }
            RedirectToNonHttpScheme { .. } => "fetch#http-redirect-fetch step 6",
            RedirectUrlHasCredentials { .. } => "fetch#http-redirect-fetch steps 9-10",
            RedirectBodyNotReplayable { .. } => "fetch#http-redirect-fetch step 11",
            RedirectAfterCredentialsDropped => "not in Fetch: WebKit (NetworkLoadChecker)",
            RedirectModeError { .. } => "fetch#concept-http-fetch step 6.3",
            CrossOriginResourcePolicy { blocked, .. } => blocked.spec(),
            NoCorsRedirectModeNotFollow { .. }
            | SameOriginModeCrossOrigin { .. }
            | CorsModeNonHttpScheme { .. } => "fetch#concept-main-fetch step 12",
            BadPort { .. } => "fetch#block-bad-port",
            RequestFailed { exchange, .. } if exchange.kind == RequestKind::Preflight => {
                "fetch#cors-preflight-fetch-0 step 8"
            }
            RequestFailed { .. } => "fetch#concept-http-network-fetch steps 8.1, 8.5",
            SwitchedProtocols { .. } => "fetch#concept-http-network-fetch step 8.5",
            InvalidPreflightRequest { .. } => "fetch#cors-preflight-fetch-0 steps 1-5",
        }
    }

    /// Which response (or request) broke the rule: [`Stage::Preflight`] for every failure of a
    /// preflight's response (status, CORS check, methods, headers) or of the preflight request
    /// itself; [`Stage::Redirect`] for a redirect response's rules (CORS check, `Location`,
    /// limit, redirect mode); [`Stage::Response`] for the final response and a failed actual
    /// request; `None` when main fetch refused the request before sending it (a bad port, mode
    /// `same-origin` to another origin, a non-HTTP(S) URL in mode `cors`). Which redirect hop
    /// is `Blocked::exchange`.
    pub fn stage(&self) -> Option<Stage> {
        use NetworkError::*;
        match self {
            MissingAllowOrigin { stage, .. }
            | MultipleAllowOrigin { stage, .. }
            | AllowOriginMismatch { stage, .. }
            | WildcardOriginWithCredentials { stage, .. }
            | AllowCredentialsNotTrue { stage, .. } => Some(*stage),
            PreflightStatusNotOk { .. }
            | PreflightRedirect { .. }
            | InvalidAllowMethods { .. }
            | InvalidAllowHeaders { .. }
            | MethodNotAllowed { .. }
            | HeaderNotAllowed { .. }
            | InvalidPreflightRequest { .. } => Some(Stage::Preflight),
            RedirectLimit
            | RedirectLocationInvalid { .. }
            | RedirectUrlNotSendable { .. }
            | RedirectToNonHttpScheme { .. }
            | RedirectUrlHasCredentials { .. }
            | RedirectBodyNotReplayable { .. }
            | RedirectAfterCredentialsDropped
            | RedirectModeError { .. } => Some(Stage::Redirect),
            CrossOriginResourcePolicy { stage, .. } => Some(*stage),
            RequestFailed { exchange, .. } | SwitchedProtocols { exchange } => {
                Some(match exchange.kind {
                    RequestKind::Preflight => Stage::Preflight,
                    RequestKind::Actual => Stage::Response,
                })
            }
            NoCorsRedirectModeNotFollow { .. }
            | SameOriginModeCrossOrigin { .. }
            | CorsModeNonHttpScheme { .. }
            | BadPort { .. } => None,
        }
    }

    /// Whether this is a failure of Fetch §concept-cors-check itself (steps 2–8), on any stage.
    pub fn is_cors_check(&self) -> bool {
        use NetworkError::*;
        matches!(
            self,
            MissingAllowOrigin { .. }
                | MultipleAllowOrigin { .. }
                | AllowOriginMismatch { .. }
                | WildcardOriginWithCredentials { .. }
                | AllowCredentialsNotTrue { .. }
        )
    }

    /// Fetch §concept-cors-check: the same error with its stage replaced (other variants are
    /// returned as is).
    pub fn at(mut self, new: Stage) -> Self {
        use NetworkError::*;
        match &mut self {
            MissingAllowOrigin { stage, .. }
            | MultipleAllowOrigin { stage, .. }
            | AllowOriginMismatch { stage, .. }
            | WildcardOriginWithCredentials { stage, .. }
            | AllowCredentialsNotTrue { stage, .. } => *stage = new,
            _ => {}
        }
        self
    }

    /// Fetch §concept-network-error: what must change for the rule to pass: the exact header
    /// lines the server must send, or a short instruction; `None` when the request itself (not
    /// the server) is at fault.
    pub fn fix(&self) -> Option<Fix> {
        use NetworkError::*;
        let acao = |origin: &str| format!("Access-Control-Allow-Origin: {origin}");
        Some(match self {
            MissingAllowOrigin { origin, .. }
            | MultipleAllowOrigin { origin, .. }
            | AllowOriginMismatch {
                expected: origin, ..
            } => Fix::Send(vec![acao(origin)]),
            WildcardOriginWithCredentials { origin, .. } => Fix::Send(vec![
                acao(origin),
                "Access-Control-Allow-Credentials: true".to_owned(),
            ]),
            AllowCredentialsNotTrue { .. } => {
                Fix::Send(vec!["Access-Control-Allow-Credentials: true".to_owned()])
            }
            PreflightStatusNotOk { status } => Fix::Do(format!(
                "answer the preflight (OPTIONS) request with a 2xx status, not {status}"
            )),
            PreflightRedirect { .. } => Fix::Do(
                "answer the preflight (OPTIONS) request at this URL with a 2xx status \
                 instead of redirecting"
                    .to_owned(),
            ),
            InvalidAllowMethods { item, method } => Fix::Do(format!(
                "make every item of Access-Control-Allow-Methods a method token, e.g. \
                 Access-Control-Allow-Methods: {method} (`{}` is not a token)",
                Shown(item)
            )),
            InvalidAllowHeaders { item, needed } => {
                let example = if needed.is_empty() {
                    String::new()
                } else {
                    format!(", e.g. Access-Control-Allow-Headers: {}", needed.join(", "))
                };
                Fix::Do(format!(
                    "make every item of Access-Control-Allow-Headers a header name{example} \
                     (`{}` is not a token)",
                    Shown(item)
                ))
            }
            MethodNotAllowed {
                method,
                allowed,
                wildcard,
            } => Fix::Send(vec![format!(
                "Access-Control-Allow-Methods: {}",
                whole_list(allowed, *wildcard, std::slice::from_ref(method))
            )]),
            HeaderNotAllowed {
                missing,
                allowed,
                wildcard,
                ..
            } => Fix::Send(vec![format!(
                "Access-Control-Allow-Headers: {}",
                whole_list(allowed, *wildcard, missing)
            )]),
            RedirectLimit => Fix::Do("redirect at most 20 times".to_owned()),
            RedirectLocationInvalid { .. } => {
                Fix::Do("send a Location header whose value parses as a URL".to_owned())
            }
            RedirectUrlNotSendable { reason } => Fix::Do(
                match reason {
                    crate::request::TargetError::TooLong(_) => {
                        "redirect to a URL of at most 65 534 bytes"
                    }
                    _ => {
                        "redirect to an http: or https: URL whose host is a DNS name or IP address"
                    }
                }
                .to_owned(),
            ),
            RedirectToNonHttpScheme { .. } => {
                Fix::Do("redirect to an http: or https: URL".to_owned())
            }
            RedirectUrlHasCredentials { .. } => {
                Fix::Do("redirect to a URL without a username or password (userinfo)".to_owned())
            }
            RedirectBodyNotReplayable { .. } => Fix::Do(
                "answer with 303 (or do not redirect): the request body cannot be sent again"
                    .to_owned(),
            ),
            RedirectAfterCredentialsDropped => Fix::Do(
                "answer this redirect with Access-Control-Allow-Origin set to the request's origin (not *) and Access-Control-Allow-Credentials: true, or redirect at most once after leaving the page's origin"
                    .to_owned(),
            ),
            RedirectModeError { .. } => Fix::Do(
                "serve the resource without a redirect (the request's redirect mode is \"error\")"
                    .to_owned(),
            ),
            CrossOriginResourcePolicy { blocked, .. } => Fix::Send(vec![format!(
                "Cross-Origin-Resource-Policy: {}",
                blocked.allowed_by()
            )]),
            RequestFailed { failure, .. } => Fix::Do(failure.kind.fix().to_owned()),
            SwitchedProtocols { exchange } => Fix::Do(format!(
                "answer the {} with a final response (status 200-599), not 101",
                exchange.method
            )),
            NoCorsRedirectModeNotFollow { .. }
            | SameOriginModeCrossOrigin { .. }
            | CorsModeNonHttpScheme { .. }
            | BadPort { .. }
            | InvalidPreflightRequest { .. } => return None,
        })
    }

    /// The rule that failed, in words, without the spec reference or the fix (which
    /// [`NetworkError::spec`] and [`NetworkError::fix`] give): what `Display` shows between
    /// `blocked: ` and ` (Fetch §…)`.
    ///
    /// ```
    /// use corsgate::error::{NetworkError, Stage};
    /// let e = NetworkError::MissingAllowOrigin { stage: Stage::Preflight, origin: "null".into() };
    /// assert_eq!(e.rule(), "the preflight response has no Access-Control-Allow-Origin header");
    /// ```
    pub fn rule(&self) -> String {
        struct Rule<'a>(&'a NetworkError);
        impl fmt::Display for Rule<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.describe(f)
            }
        }
        Rule(self).to_string()
    }

    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use NetworkError::*;
        match self {
            MissingAllowOrigin { stage, .. } => write!(
                f,
                "{} has no Access-Control-Allow-Origin header",
                stage.response_phrase()
            ),
            MultipleAllowOrigin { stage, value, .. } => write!(
                f,
                "{} has several Access-Control-Allow-Origin values (`{}`), but exactly one \
                 origin or `*` is allowed",
                stage.response_phrase(),
                Shown(value)
            ),
            AllowOriginMismatch {
                stage,
                got,
                expected,
            } => write!(
                f,
                "{}'s Access-Control-Allow-Origin `{}` is not the request's origin `{}` \
                 (compared byte for byte)",
                stage.response_phrase(),
                Shown(got),
                Shown(expected.as_bytes())
            ),
            WildcardOriginWithCredentials { stage, .. } => write!(
                f,
                "{} has Access-Control-Allow-Origin `*`, which does not allow a request whose \
                 credentials mode is \"include\"",
                stage.response_phrase()
            ),
            AllowCredentialsNotTrue { stage, got: None } => write!(
                f,
                "{} has no Access-Control-Allow-Credentials header, which a request whose \
                 credentials mode is \"include\" needs",
                stage.response_phrase()
            ),
            AllowCredentialsNotTrue {
                stage,
                got: Some(v),
            } => write!(
                f,
                "{}'s Access-Control-Allow-Credentials is `{}`, not exactly `true`",
                stage.response_phrase(),
                Shown(v)
            ),
            PreflightStatusNotOk { status } => write!(
                f,
                "the preflight response has status {status}, not an ok status (200-299)"
            ),
            PreflightRedirect { status, location } => {
                write!(f, "the preflight response is a redirect ({status}")?;
                if let Some(l) = location {
                    write!(f, " to `{}`", Shown(l))?;
                }
                f.write_str("), and redirects are not followed for a preflight")
            }
            InvalidAllowMethods { item, .. } => write!(
                f,
                "the preflight response's Access-Control-Allow-Methods item `{}` is not a method \
                 token",
                Shown(item)
            ),
            InvalidAllowHeaders { item, .. } => write!(
                f,
                "the preflight response's Access-Control-Allow-Headers item `{}` is not a header \
                 name",
                Shown(item)
            ),
            MethodNotAllowed {
                method,
                allowed,
                wildcard,
            } => {
                write!(
                    f,
                    "the preflight response does not allow method `{}` \
                     (Access-Control-Allow-Methods: {})",
                    Shown(method.as_bytes()),
                    ShownList(allowed)
                )?;
                if allowed.iter().any(|m| m.eq_ignore_ascii_case(method)) {
                    f.write_str("; methods are compared case-sensitively")?;
                }
                if wildcard.is_some() {
                    f.write_str(
                        "; `*` is not a wildcard when the request's credentials mode is \
                         \"include\"",
                    )?;
                }
                Ok(())
            }
            HeaderNotAllowed {
                name,
                allowed,
                wildcard,
                ..
            } => {
                write!(
                    f,
                    "the preflight response does not allow request header `{}` \
                     (Access-Control-Allow-Headers: {})",
                    Shown(name.as_bytes()),
                    ShownList(allowed)
                )?;
                match wildcard {
                    Some(WildcardIgnored::CredentialsInclude) => f.write_str(
                        "; `*` is not a wildcard when the request's credentials mode is \
                         \"include\"",
                    ),
                    Some(WildcardIgnored::NonWildcardName) => f.write_str(
                        "; `*` does not cover Authorization, which must be listed by name",
                    ),
                    None => Ok(()),
                }
            }
            RedirectLimit => f.write_str("the redirect limit (20) was reached"),
            RedirectLocationInvalid { location } => write!(
                f,
                "the redirect's Location `{}` is not a valid URL",
                Shown(location)
            ),
            RedirectUrlNotSendable { reason } => write!(
                f,
                "the redirect's Location gives a URL that cannot be requested: {reason}"
            ),
            RedirectToNonHttpScheme { url } => write!(
                f,
                "the redirect goes to `{}`, whose scheme is not http or https",
                Shown(url.as_bytes())
            ),
            RedirectUrlHasCredentials { url } => write!(
                f,
                "the redirect goes to `{}`, which includes a username or password",
                Shown(url.as_bytes())
            ),
            RedirectBodyNotReplayable { status } => write!(
                f,
                "a {status} redirect would send the request body again, but it cannot be replayed"
            ),
            RedirectAfterCredentialsDropped => write!(
                f,
                "after the fetch left the page's origin with credentials \"same-origin\", a redirect must pass the credentialed CORS check (WebKit)"
            ),
            RedirectModeError { status } => write!(
                f,
                "the response is a redirect ({status}) and the request's redirect mode is \"error\""
            ),
            CrossOriginResourcePolicy { stage, blocked } => {
                let what = stage.response_phrase();
                match (&blocked.received, blocked.imposed_by) {
                    (received, Some(coep)) => write!(
                        f,
                        "{what} ({}) has {}, and the page's embedder policy `{coep}` then requires Cross-Origin-Resource-Policy that lets origin `{}` embed it",
                        Shown(blocked.url.as_bytes()),
                        match received {
                            None => "no Cross-Origin-Resource-Policy".to_owned(),
                            Some(v) => format!("an invalid Cross-Origin-Resource-Policy `{}`", Shown(v)),
                        },
                        Shown(blocked.origin.as_bytes()),
                    ),
                    (_, None) => write!(
                        f,
                        "{what} ({}) has Cross-Origin-Resource-Policy: {}, which does not let origin `{}` embed it in a no-cors fetch",
                        Shown(blocked.url.as_bytes()),
                        blocked.policy,
                        Shown(blocked.origin.as_bytes()),
                    ),
                }
            }
            NoCorsRedirectModeNotFollow { redirect_mode } => write!(
                f,
                "a \"no-cors\" request must use redirect mode \"follow\", not \"{redirect_mode}\""
            ),
            SameOriginModeCrossOrigin { url } => write!(
                f,
                "the request's mode is \"same-origin\" but `{}` is cross-origin",
                Shown(url.as_bytes())
            ),
            CorsModeNonHttpScheme { url } => write!(
                f,
                "a \"cors\" request cannot fetch `{}`: its scheme is not http or https",
                Shown(url.as_bytes())
            ),
            BadPort { port } => write!(f, "port {port} is a bad port"),
            RequestFailed { exchange, failure } => {
                write!(f, "{exchange} failed: {}", failure.kind.as_str())?;
                if !failure.detail.is_empty() {
                    write!(f, " ({})", Shown(failure.detail.as_bytes()))?;
                }
                Ok(())
            }
            SwitchedProtocols { exchange } => write!(
                f,
                "{exchange} was answered with status 101 (Switching Protocols), not a final \
                 response: fetch() never asks to switch protocols, so none follows"
            ),
            InvalidPreflightRequest { reason } => {
                write!(f, "the preflight request cannot be built: {reason}")
            }
        }
    }
}

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("blocked: ")?;
        self.describe(f)?;
        let spec = self.spec();
        let section = spec.strip_prefix("fetch#").unwrap_or(spec);
        write!(f, " (Fetch §{section})")?;
        if let Some(fix) = self.fix() {
            write!(f, "; {fix}")?;
        }
        Ok(())
    }
}

impl std::error::Error for NetworkError {}

/// One request of a fetch and where it stands in it: the preflight or the actual request, after
/// how many redirects, to which URL. [`Blocked::exchange`] and [`NetworkError::RequestFailed`]
/// name the exchange that ended a fetch with it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Exchange {
    /// Preflight or actual request.
    pub kind: RequestKind,
    /// Redirects followed before this request (0: the request's first URL).
    pub hop: u32,
    /// The request's method (`OPTIONS` for a preflight).
    pub method: http::Method,
    /// The request's URL.
    pub url: url::Url,
}

impl fmt::Display for Exchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            RequestKind::Preflight => "the preflight request",
            RequestKind::Actual => "the request",
        };
        write!(
            f,
            "{what} {} {}",
            self.method,
            Shown(self.url.as_str().as_bytes())
        )?;
        match self.hop {
            0 => Ok(()),
            1 => f.write_str(" (after 1 redirect)"),
            n => write!(f, " (after {n} redirects)"),
        }
    }
}

/// What went wrong below HTTP, as the embedder's transport reports it to
/// `Fetch::handle_network_failure` (Fetch §concept-http-network-fetch step 8: "If connection
/// is failure", or the HTTP request over it fails).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureKind {
    /// The host name did not resolve.
    Dns,
    /// The connection was refused (nothing listens on the port).
    Refused,
    /// The connection (or its TLS handshake, or the response) did not come in time.
    TimedOut,
    /// TLS failed (handshake, certificate).
    Tls,
    /// A connection that was used before closed (or was reset) before any byte of the response
    /// arrived: the server closed an idle keep-alive connection as the request went out. HTTP
    /// lets a client send the request again on a new connection (RFC 9110 §9.2.2), and browsers
    /// do: the fetch hands the same request out once more (see `Fetch::handle_network_failure`).
    ClosedBeforeResponse,
    /// The connection was reset or closed during the response, or on a new connection.
    Reset,
    /// The response could not be parsed as HTTP.
    Protocol,
    /// Anything else.
    Other,
}

impl FailureKind {
    /// A short name, as messages show it (`connection refused`).
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Dns => "the host name did not resolve",
            FailureKind::Refused => "connection refused",
            FailureKind::TimedOut => "timed out",
            FailureKind::Tls => "TLS failed",
            FailureKind::ClosedBeforeResponse => "the connection closed before any response",
            FailureKind::Reset => "the connection was reset",
            FailureKind::Protocol => "the response is not valid HTTP",
            FailureKind::Other => "network failure",
        }
    }

    /// What to change, in words ([`Fix::Do`] of [`NetworkError::RequestFailed`]).
    pub fn fix(self) -> &'static str {
        match self {
            FailureKind::Dns => "check the host name: it must resolve",
            FailureKind::Refused => "check that the server listens at this host and port",
            FailureKind::TimedOut => {
                "make the server answer within the timeout (or raise the timeout)"
            }
            FailureKind::Tls => "check the server's TLS certificate and configuration",
            FailureKind::ClosedBeforeResponse | FailureKind::Reset => {
                "make the server answer the request instead of closing the connection"
            }
            FailureKind::Protocol => "make the server answer with a valid HTTP response",
            FailureKind::Other => "check that the server is reachable",
        }
    }
}

/// A request that failed at the network level: what kind of failure, and the transport's own
/// words (kept for messages; may be empty).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NetworkFailure {
    /// What kind of failure.
    pub kind: FailureKind,
    /// The transport's message (e.g. `Connection refused (os error 111)`).
    pub detail: String,
}

impl NetworkFailure {
    /// A failure of this kind with the transport's message.
    pub fn new(kind: FailureKind, detail: impl Into<String>) -> NetworkFailure {
        NetworkFailure {
            kind,
            detail: detail.into(),
        }
    }
}

/// How a fetch ended in a network error (Fetch §concept-network-error): every rule the failing
/// check broke, and the exchange whose response (or failure) broke them.
///
/// Fetch's algorithms stop at the first failed step; [`Blocked::error`] is that one, so what a
/// browser reports is unchanged. The same check's later rules are judged too and listed in
/// [`Blocked::errors`], so that [`Blocked::fix`] gives every header line the exchange needs in
/// one edit: a preflight answered without `Access-Control-Allow-Origin`, without the method and
/// without two headers gets one fix naming all four lines.
///
/// ```
/// use corsgate::error::{Blocked, Fix, NetworkError, Stage};
/// let b = Blocked::from(NetworkError::MissingAllowOrigin { stage: Stage::Response, origin: "https://app.example".into() });
/// assert_eq!(b.stage(), Some(Stage::Response));
/// assert_eq!(b.fix(), Some(Fix::Send(vec!["Access-Control-Allow-Origin: https://app.example".into()])));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Blocked {
    exchange: Option<Exchange>,
    /// Never empty.
    errors: Vec<NetworkError>,
}

impl From<NetworkError> for Blocked {
    fn from(error: NetworkError) -> Blocked {
        Blocked {
            exchange: None,
            errors: vec![error],
        }
    }
}

impl Blocked {
    /// The failures of one check, in the standard's order (the first is what Fetch's algorithm
    /// returns), at `exchange` (`None`: the request was refused before it was sent). `None`
    /// when `errors` is empty.
    pub fn new(exchange: Option<Exchange>, errors: Vec<NetworkError>) -> Option<Blocked> {
        if errors.is_empty() {
            return None;
        }
        Some(Blocked { exchange, errors })
    }

    /// The rule whose failure Fetch's algorithm returns (the first one checked).
    pub fn error(&self) -> &NetworkError {
        &self.errors[0]
    }

    /// [`Blocked::error`], by value.
    pub fn into_error(mut self) -> NetworkError {
        self.errors.swap_remove(0)
    }

    /// Every rule the failing check broke, in the order the standard checks them.
    pub fn errors(&self) -> &[NetworkError] {
        &self.errors
    }

    /// The exchange whose response (or network failure) broke the rules: preflight or actual
    /// request, which redirect hop, which URL. `None` when main fetch refused the request before
    /// sending it (e.g. a bad port, even after a redirect: the redirect itself passed).
    pub fn exchange(&self) -> Option<&Exchange> {
        self.exchange.as_ref()
    }

    /// [`NetworkError::stage`] of the first error.
    pub fn stage(&self) -> Option<Stage> {
        self.error().stage()
    }

    /// [`NetworkError::spec`] of the first error.
    pub fn spec(&self) -> &'static str {
        self.error().spec()
    }

    /// Every broken rule in words, joined by `; `.
    pub fn rule(&self) -> String {
        let rules: Vec<String> = self.errors.iter().map(NetworkError::rule).collect();
        rules.join("; ")
    }

    /// What makes the whole exchange pass in one edit: when every broken rule is fixed by
    /// header lines, all their lines ([`Fix::Send`], each header once, in the order of the
    /// errors); otherwise the instructions, then the lines to send as well ([`Fix::Do`]).
    /// `None` when no error has a fix (the request itself must change).
    pub fn fix(&self) -> Option<Fix> {
        let mut lines: Vec<String> = Vec::new();
        let mut todo: Vec<String> = Vec::new();
        for fix in self.errors.iter().filter_map(NetworkError::fix) {
            match fix {
                Fix::Send(send) => {
                    for line in send {
                        let name = line.split(':').next().unwrap_or_default();
                        // Two rules asking for the same header agree (e.g. `true`); keep one.
                        let same = |l: &String| {
                            l.split(':')
                                .next()
                                .unwrap_or_default()
                                .eq_ignore_ascii_case(name)
                        };
                        if !lines.iter().any(same) {
                            lines.push(line);
                        }
                    }
                }
                Fix::Do(what) => {
                    if !todo.contains(&what) {
                        todo.push(what);
                    }
                }
            }
        }
        match (todo.is_empty(), lines.is_empty()) {
            (true, true) => None,
            (true, false) => Some(Fix::Send(lines)),
            (false, true) => Some(Fix::Do(todo.join("; "))),
            (false, false) => Some(Fix::Do(format!(
                "{}; and send: {}",
                todo.join("; "),
                lines.join("; ")
            ))),
        }
    }
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [error] = self.errors.as_slice() {
            return error.fmt(f);
        }
        f.write_str("blocked: ")?;
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            error.describe(f)?;
            let spec = error.spec();
            write!(
                f,
                " (Fetch §{})",
                spec.strip_prefix("fetch#").unwrap_or(spec)
            )?;
        }
        if let Some(fix) = self.fix() {
            write!(f, "; {fix}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Blocked {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.error())
    }
}
