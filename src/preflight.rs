//! Fetch §cors-preflight-fetch-0: the CORS-preflight request, and the checks on its response
//! that decide whether the actual request may be sent and what the preflight cache keeps.

use std::collections::HashSet;
use std::time::Duration;

use http::header::{
    HeaderValue, ACCEPT, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD,
    LOCATION, ORIGIN,
};
use http::{HeaderMap, Method, Request, StatusCode};

use crate::check::cors_check_all;
use crate::error::{NetworkError, Stage, WildcardIgnored};
use crate::header;
use crate::method::is_cors_safelisted_method;
use crate::policy::{InvalidMaxAge, MaxAgeSyntax, Policy};
use crate::request::CredentialsMode;
use crate::safelist::is_cors_non_wildcard_request_header_name;
use crate::wire::{WireHeaders, WireRequest};

/// Fetch §cors-preflight-fetch-0 steps 1–5: why [`build_preflight_request`] could not build
/// the request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PreflightBuildError {
    /// The origin is not a valid header value.
    #[error("the origin `{0}` is not a valid header value")]
    Origin(String),
    /// A CORS-unsafe request-header name is not a header name (RFC 9110 token).
    #[error("`{0}` is not a header name")]
    HeaderName(String),
}

/// Fetch §cors-preflight-fetch-0 steps 1–5: the preflight request for a request with this origin
/// (byte-serialized), URL, method and CORS-unsafe request-header names (as returned by
/// [`crate::safelist::cors_unsafe_request_header_names`]: lowercase, sorted, unique).
///
/// `Access-Control-Request-Headers` joins the names with `,` and no space, and is omitted when
/// there are none. The `Origin` header (appended by Fetch §http-network-or-cache-fetch for a CORS
/// request) is included.
///
/// ```
/// use corsgate::preflight::build_preflight_request;
/// let url = url::Url::parse("https://api.example/v1").unwrap();
/// let names = vec!["content-type".to_string(), "x-token".to_string()];
/// let req = build_preflight_request("https://app.example", &url, &http::Method::PUT, &names).unwrap();
/// assert_eq!(req.method(), http::Method::OPTIONS);
/// assert_eq!(req.headers()["access-control-request-method"], "PUT");
/// assert_eq!(req.headers()["access-control-request-headers"], "content-type,x-token");
/// assert_eq!(req.headers()["accept"], "*/*");
/// ```
pub fn build_preflight_request<N: AsRef<str>>(
    origin: &str,
    url: &url::Url,
    method: &Method,
    unsafe_names: &[N],
) -> Result<Request<()>, PreflightBuildError> {
    // Step 4's names must be header names (RFC 9110 tokens).
    if let Some(bad) = unsafe_names
        .iter()
        .find(|n| !header::is_token(n.as_ref().as_bytes()))
    {
        return Err(PreflightBuildError::HeaderName(bad.as_ref().to_owned()));
    }
    preflight_request_to(
        crate::request::request_target(url),
        origin,
        method,
        unsafe_names,
        None,
    )
    .map(WireRequest::into_http)
}

/// [`build_preflight_request`] for the request target of the request's URL
/// ([`crate::request::request_target`]), already made.
pub(crate) fn preflight_request_to<N: AsRef<str>>(
    target: http::Uri,
    origin: &str,
    method: &Method,
    unsafe_names: &[N],
    metadata: Option<&crate::metadata::FetchMetadata>,
) -> Result<WireRequest, PreflightBuildError> {
    // Step 1: a new request whose method is `OPTIONS` and URL is the request's URL.
    // Sized once for what a preflight carries: these four lines and the Fetch metadata
    // (`Sec-Fetch-Dest`, `-Mode`, `-Site`, `-User`).
    let mut h = WireHeaders::with_capacity(PREFLIGHT_HEADERS);
    // Step 2: (`Accept`, `*/*`).
    static ANY: HeaderValue = HeaderValue::from_static("*/*");
    h.append(ACCEPT, ANY.clone());
    // Step 3: (`Access-Control-Request-Method`, request's method).
    let m = method_value(method)
        .map_err(|_| PreflightBuildError::HeaderName(method.as_str().to_owned()))?;
    h.append(ACCESS_CONTROL_REQUEST_METHOD, m);
    // Step 4: headers = the CORS-unsafe request-header names.
    // Step 5: if not empty, append them separated by `,` (no space: not "combine").
    if !unsafe_names.is_empty() {
        // (Names are tokens: `HeaderName`s from the machine, checked by
        // `build_preflight_request` otherwise.)
        debug_assert!(unsafe_names
            .iter()
            .all(|n| header::is_token(n.as_ref().as_bytes())));
        // (The names joined into one string sized once, which moves into the value: no copy.)
        let len = unsafe_names
            .iter()
            .map(|n| n.as_ref().len() + 1)
            .sum::<usize>()
            - 1;
        let mut joined = String::with_capacity(len);
        for (i, name) in unsafe_names.iter().enumerate() {
            if i > 0 {
                joined.push(',');
            }
            joined.push_str(name.as_ref());
        }
        let value = HeaderValue::try_from(joined).map_err(|_| {
            let names: Vec<&str> = unsafe_names.iter().map(AsRef::as_ref).collect();
            PreflightBuildError::HeaderName(names.join(","))
        })?;
        h.append(ACCESS_CONTROL_REQUEST_HEADERS, value);
    }
    // Fetch §http-network-or-cache-fetch: a CORS request carries `Origin`.
    let o = HeaderValue::from_str(origin)
        .map_err(|_| PreflightBuildError::Origin(origin.to_owned()))?;
    h.append(ORIGIN, o);
    // HTTP-network-or-cache fetch step 8.13 for the preflight: the Fetch metadata, when the
    // caller has it.
    if let Some(metadata) = metadata {
        metadata.set_in_wire(&mut h);
    }
    Ok(WireRequest::new(Method::OPTIONS, target, h))
}

/// The most headers [`preflight_request_to`] and the Fetch metadata put on a preflight.
const PREFLIGHT_HEADERS: usize = 8;

/// A method as a header value: made at compile time for the methods `http` names (no copy, no
/// check), else from its bytes.
fn method_value(method: &Method) -> Result<HeaderValue, http::header::InvalidHeaderValue> {
    static VALUES: [HeaderValue; 9] = [
        HeaderValue::from_static("GET"),
        HeaderValue::from_static("POST"),
        HeaderValue::from_static("PUT"),
        HeaderValue::from_static("DELETE"),
        HeaderValue::from_static("HEAD"),
        HeaderValue::from_static("OPTIONS"),
        HeaderValue::from_static("CONNECT"),
        HeaderValue::from_static("PATCH"),
        HeaderValue::from_static("TRACE"),
    ];
    let i = match *method {
        Method::GET => 0,
        Method::POST => 1,
        Method::PUT => 2,
        Method::DELETE => 3,
        Method::HEAD => 4,
        Method::OPTIONS => 5,
        Method::CONNECT => 6,
        Method::PATCH => 7,
        Method::TRACE => 8,
        _ => return HeaderValue::from_str(method.as_str()),
    };
    match VALUES.get(i) {
        Some(v) => Ok(v.clone()),
        None => HeaderValue::from_str(method.as_str()),
    }
}

/// Fetch §cors-preflight-fetch-0 step 7: the request a preflight response is checked against.
///
/// The unsafe names are `String`s by default; the fetch passes its request's `HeaderName`s.
#[derive(Debug, Clone, Copy)]
pub struct PreflightFor<'a, N = String> {
    /// The byte-serialized request origin (`null` for an opaque origin).
    pub origin: &'a [u8],
    /// The request's method, already normalized (Fetch §concept-method-normalize).
    pub method: &'a [u8],
    /// The names of every header in the request's header list (step 7.6).
    pub header_names: &'a [&'a [u8]],
    /// The CORS-unsafe request-header names of the request's header list (step 7.7).
    pub unsafe_names: &'a [N],
    /// The request's credentials mode.
    pub credentials: CredentialsMode,
    /// The request's use-CORS-preflight flag (step 7.4).
    pub use_cors_preflight: bool,
    /// Whether the CORS check applies (it always does in Fetch; `false` models Firefox, which
    /// skips it for a preflight to a URL same-origin with the page, see
    /// `Policy::preflight_ignores_taint`).
    pub cors_check: bool,
}

/// Fetch §cors-preflight-fetch-0 steps 7.12–7.15: what a successful preflight lets the
/// preflight cache keep (one method entry per method, one header-name entry per header name).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PreflightResult {
    /// The allowed methods as received (compared byte for byte), unique, in order; after step 7.4
    /// this holds the request's method when the header was absent and the use-CORS-preflight flag
    /// was set. May hold `*`.
    pub methods: Vec<String>,
    /// The allowed header names, lowercased (they match byte-case-insensitively), unique, in
    /// order. May hold `*`.
    pub header_names: Vec<String>,
    /// How long the entries may be cached (steps 7.8–7.10, clamped to the policy's cap); `None`
    /// means do not cache (policy [`InvalidMaxAge::DoNotCache`] and an invalid value).
    pub max_age: Option<Duration>,
    /// The cache entries' credentials: whether the request's credentials mode was "include".
    pub credentials: bool,
}

impl PreflightResult {
    /// Fetch §concept-cache-match, the credentials part: an entry made with credentials serves
    /// every request; one made without serves only requests whose credentials mode is not
    /// "include".
    pub fn serves_credentials(&self, credentials: CredentialsMode) -> bool {
        self.credentials || credentials != CredentialsMode::Include
    }
}

/// Fetch §redirect-status: 301, 302, 303, 307 or 308.
fn is_redirect_status(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Isomorphic decode of a token (ASCII only), optionally lowercased.
fn token_string(bytes: &[u8], lower: bool) -> String {
    bytes
        .iter()
        .map(|&b| if lower { b.to_ascii_lowercase() } else { b } as char)
        .collect()
}

/// Items, unique (byte-exact, or byte-case-insensitive when `lower`), in order, as strings.
fn unique_strings(items: &[&[u8]], lower: bool) -> Vec<String> {
    let mut seen = HashSet::with_capacity(items.len());
    let mut out = Vec::new();
    for item in items {
        let s = token_string(item, lower);
        if seen.insert(s.clone()) {
            out.push(s);
        }
    }
    out
}

/// Fetch §cors-preflight-fetch-0 step 7: validates a preflight response (its status and header
/// list) for `request`, and returns what to cache.
///
/// The checks run in this order and the first failure is returned
/// ([`validate_preflight_response_all`] returns them all): a redirect status
/// ([`NetworkError::PreflightRedirect`]), a status that is not ok, the CORS check (errors carry
/// [`Stage::Preflight`]), then steps 7.1–7.7. Knobs come from `policy`: `default_max_age`,
/// `max_age_cap`, `invalid_max_age`, and `wildcard_covers_authorization` (what every engine does
/// today, whatwg/fetch#1919, instead of step 7.6).
///
/// ```
/// use corsgate::policy::Policy;
/// use corsgate::preflight::{validate_preflight_response, PreflightFor};
/// use corsgate::request::CredentialsMode;
/// use http::{HeaderMap, HeaderValue, StatusCode};
/// let mut h = HeaderMap::new();
/// h.insert("access-control-allow-origin", HeaderValue::from_static("https://app.example"));
/// h.insert("access-control-allow-methods", HeaderValue::from_static("PUT"));
/// h.insert("access-control-allow-headers", HeaderValue::from_static("X-Token"));
/// h.insert("access-control-max-age", HeaderValue::from_static("600"));
/// let unsafe_names = vec!["x-token".to_string()];
/// let req = PreflightFor {
///     origin: b"https://app.example",
///     method: b"PUT",
///     header_names: &[b"x-token"],
///     unsafe_names: &unsafe_names,
///     credentials: CredentialsMode::SameOrigin,
///     use_cors_preflight: false,
///     cors_check: true,
/// };
/// let r = validate_preflight_response(StatusCode::NO_CONTENT, &h, &req, &Policy::spec()).unwrap();
/// assert_eq!(r.methods, ["PUT"]);
/// assert_eq!(r.header_names, ["x-token"]);
/// assert_eq!(r.max_age, Some(std::time::Duration::from_secs(600)));
/// ```
pub fn validate_preflight_response<N: AsRef<str>>(
    status: StatusCode,
    headers: &HeaderMap,
    request: &PreflightFor<'_, N>,
    policy: &Policy,
) -> Result<PreflightResult, NetworkError> {
    validate_preflight_response_all(status, headers, request, policy)
        .map_err(|mut failures| failures.swap_remove(0))
}

/// [`validate_preflight_response`], judging every rule: the failure Fetch returns first, then
/// every other rule of step 7 the response breaks (the status, the CORS check, the method, the
/// headers), so that one fix covers them all (`error::Blocked::fix`). The error is never empty.
///
/// ```
/// use corsgate::error::NetworkError;
/// use corsgate::policy::Policy;
/// use corsgate::preflight::{validate_preflight_response_all, PreflightFor};
/// use corsgate::request::CredentialsMode;
/// use http::{HeaderMap, StatusCode};
/// let unsafe_names = vec!["x-a".to_string(), "x-b".to_string()];
/// let req = PreflightFor {
///     origin: b"https://app.example",
///     method: b"PUT",
///     header_names: &[b"x-a", b"x-b"],
///     unsafe_names: &unsafe_names,
///     credentials: CredentialsMode::SameOrigin,
///     use_cors_preflight: false,
///     cors_check: true,
/// };
/// let e = validate_preflight_response_all(StatusCode::NOT_FOUND, &HeaderMap::new(), &req, &Policy::spec()).unwrap_err();
/// assert!(matches!(e[..], [
///     NetworkError::PreflightStatusNotOk { status: 404 },
///     NetworkError::MissingAllowOrigin { .. },
///     NetworkError::MethodNotAllowed { .. },
///     NetworkError::HeaderNotAllowed { .. },
/// ]));
/// ```
pub fn validate_preflight_response_all<N: AsRef<str>>(
    status: StatusCode,
    headers: &HeaderMap,
    request: &PreflightFor<'_, N>,
    policy: &Policy,
) -> Result<PreflightResult, Vec<NetworkError>> {
    let status = status.as_u16();
    let include = request.credentials == CredentialsMode::Include;
    let mut failures = Vec::new();

    // Step 7 (condition) / step 8: a redirect is not an ok status; report it as such.
    if is_redirect_status(status) {
        let location = header::get(headers, LOCATION);
        failures.push(NetworkError::PreflightRedirect { status, location });
    } else if !(200..=299).contains(&status) {
        // Step 7 (condition): response's status is an ok status (200–299).
        failures.push(NetworkError::PreflightStatusNotOk { status });
    }
    // Step 7 (condition): a CORS check for request (not the preflight: its credentials mode).
    if request.cors_check {
        failures.extend(cors_check_all(
            Stage::Preflight,
            headers,
            request.origin,
            request.credentials,
        ));
    }

    // Step 7.1: methods = extract header list values of `Access-Control-Allow-Methods`.
    // Step 7.3: failure → network error.
    let methods = match header::extract_list(headers, ACCESS_CONTROL_ALLOW_METHODS) {
        Ok(methods) => Some(methods),
        Err(e) => {
            failures.push(NetworkError::InvalidAllowMethods {
                item: e.item,
                method: token_string(request.method, false),
            });
            None
        }
    };
    // Step 7.2: headerNames = extract header list values of `Access-Control-Allow-Headers`.
    // Step 7.3: failure → network error.
    let header_names = match header::extract_list(headers, ACCESS_CONTROL_ALLOW_HEADERS) {
        Ok(names) => Some(names.unwrap_or_default()),
        Err(e) => {
            failures.push(NetworkError::InvalidAllowHeaders {
                item: e.item,
                needed: (request.unsafe_names.iter())
                    .map(|n| n.as_ref().to_owned())
                    .collect(),
            });
            None
        }
    };

    // Step 7.4: methods null and use-CORS-preflight flag set → « request's method ».
    let methods: Option<Vec<&[u8]>> = methods.map(|methods| match methods {
        Some(m) => m,
        None if request.use_cors_preflight => vec![request.method],
        None => Vec::new(),
    });

    // Step 7.5: the method must be listed (byte for byte), be CORS-safelisted, or be covered by
    // `*` when credentials mode is not "include".
    if let Some(methods) = &methods {
        let method_star = methods.iter().any(|m| *m == b"*");
        if !methods.contains(&request.method)
            && !is_cors_safelisted_method(request.method)
            && (include || !method_star)
        {
            failures.push(NetworkError::MethodNotAllowed {
                method: token_string(request.method, false),
                allowed: unique_strings(methods, false),
                wildcard: (method_star && include).then_some(WildcardIgnored::CredentialsInclude),
            });
        }
    }

    // Byte-case-insensitive membership through one lowercased set (lists may be long).
    let allowed_headers = unique_strings(header_names.as_deref().unwrap_or_default(), true);
    if header_names.is_some() {
        let allowed_set: HashSet<&str> = allowed_headers.iter().map(String::as_str).collect();
        let listed = |name: &[u8]| allowed_set.contains(token_string(name, true).as_str());
        let header_star = allowed_set.contains("*");
        let mut missing: Vec<String> = Vec::new();
        let mut first: Option<(String, bool)> = None;

        // Step 7.6: a CORS non-wildcard request-header name in the request's header list must
        // be listed by name (`*` never covers it). Policy: engines let `*` cover it
        // (whatwg/fetch#1919), which step 7.7 then decides.
        if !policy.wildcard_covers_authorization {
            for name in request.header_names {
                if is_cors_non_wildcard_request_header_name(name) && !listed(name) {
                    let n = token_string(name, true);
                    first.get_or_insert((n.clone(), true));
                    missing.push(n);
                }
            }
        }
        // Step 7.7: every CORS-unsafe request-header name must be listed (byte-case-insensitive)
        // or covered by `*` when credentials mode is not "include".
        for name in request.unsafe_names {
            let name = name.as_ref();
            if !listed(name.as_bytes()) && (include || !header_star) {
                let n = name.to_ascii_lowercase();
                first.get_or_insert((n.clone(), false));
                missing.push(n);
            }
        }
        if let Some((name, non_wildcard_name)) = first {
            missing.sort();
            missing.dedup();
            let wildcard = if !header_star {
                None
            } else if include {
                Some(WildcardIgnored::CredentialsInclude)
            } else {
                Some(WildcardIgnored::NonWildcardName)
            };
            failures.push(NetworkError::HeaderNotAllowed {
                name,
                missing,
                allowed: allowed_headers.clone(),
                wildcard,
                non_wildcard_name,
            });
        }
    }
    if !failures.is_empty() {
        return Err(failures);
    }

    // Steps 7.8–7.10: max-age.
    let max_age = max_age(headers, policy);

    // Steps 7.11–7.15 belong to the cache: hand it the lists.
    Ok(PreflightResult {
        methods: unique_strings(methods.as_deref().unwrap_or_default(), false),
        header_names: allowed_headers,
        max_age,
        credentials: include,
    })
}

/// Fetch §cors-preflight-fetch-0 step 7.8: what an `Access-Control-Max-Age` header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxAge {
    /// No such header (null).
    Absent,
    /// Delta-seconds (`1*DIGIT`), saturated at `u64::MAX` on overflow.
    Seconds(u64),
    /// Present but empty (failure in Fetch; Firefox reads it as absent).
    Empty,
    /// Not delta-seconds, or several header lines (failure).
    Invalid,
}

/// Fetch §cors-preflight-fetch-0 step 7.8: extract header list values of `Access-Control-Max-Age`,
/// whose ABNF is `delta-seconds` (RFC 9111 §1.2.2: `1*DIGIT`). A value too large for `u64`
/// saturates (RFC 9111 says to treat an overflowing value as a large positive number); the caller
/// clamps it to its cap.
///
/// ```
/// use corsgate::preflight::{parse_max_age, MaxAge};
/// assert_eq!(parse_max_age(b"600"), MaxAge::Seconds(600));
/// assert_eq!(parse_max_age(b"99999999999999999999"), MaxAge::Seconds(u64::MAX));
/// assert_eq!(parse_max_age(b"-1"), MaxAge::Invalid);
/// assert_eq!(parse_max_age(b""), MaxAge::Empty);
/// ```
pub fn parse_max_age(value: &[u8]) -> MaxAge {
    let value = header::normalize(value);
    if value.is_empty() {
        return MaxAge::Empty;
    }
    if !value.iter().all(u8::is_ascii_digit) {
        return MaxAge::Invalid;
    }
    let n = value.iter().fold(0u64, |n, &d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    });
    MaxAge::Seconds(n)
}

/// [`parse_max_age`] under a policy's [`MaxAgeSyntax`]: `SignedInteger` (Chromium, WebKit) also
/// takes a leading sign, reads a negative value as 0 (not cached) and a value out of `i64`
/// range as invalid.
///
/// ```
/// use corsgate::policy::MaxAgeSyntax::*;
/// use corsgate::preflight::{parse_max_age_with, MaxAge};
/// assert_eq!(parse_max_age_with(b"-765", SignedInteger), MaxAge::Seconds(0));
/// assert_eq!(parse_max_age_with(b"+10", SignedInteger), MaxAge::Seconds(10));
/// assert_eq!(parse_max_age_with(b"99999999999999999999", SignedInteger), MaxAge::Invalid);
/// assert_eq!(parse_max_age_with(b"-765", DeltaSeconds), MaxAge::Invalid);
/// ```
pub fn parse_max_age_with(value: &[u8], syntax: MaxAgeSyntax) -> MaxAge {
    match syntax {
        MaxAgeSyntax::DeltaSeconds => parse_max_age(value),
        MaxAgeSyntax::SignedInteger => {
            let value = header::normalize(value);
            if value.is_empty() {
                return MaxAge::Empty;
            }
            let (negative, digits) = match value.split_first() {
                Some((b'-', rest)) => (true, rest),
                Some((b'+', rest)) => (false, rest),
                _ => (false, value),
            };
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return MaxAge::Invalid;
            }
            let magnitude = digits.iter().try_fold(0u64, |n, &d| {
                n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
            });
            match magnitude {
                Some(m) if negative && m <= 1 << 63 => MaxAge::Seconds(0),
                Some(m) if !negative && m <= i64::MAX as u64 => MaxAge::Seconds(m),
                _ => MaxAge::Invalid,
            }
        }
    }
}

/// Fetch §cors-preflight-fetch-0 steps 7.8–7.10 for a header list: `Some(seconds)` clamped to
/// `policy.max_age_cap`; absent → `policy.default_max_age`; invalid (or several lines) → per
/// `policy.invalid_max_age` (the default, or `None`: do not cache).
pub fn max_age(headers: &HeaderMap, policy: &Policy) -> Option<Duration> {
    let mut lines = headers.get_all(ACCESS_CONTROL_MAX_AGE).iter();
    let parsed = match (lines.next(), lines.next()) {
        (None, _) => MaxAge::Absent,
        (Some(v), None) => parse_max_age_with(v.as_bytes(), policy.max_age_syntax),
        // The ABNF allows a single value: several lines are failure.
        (Some(_), Some(_)) => MaxAge::Invalid,
    };
    max_age_for(parsed, policy)
}

/// Fetch §cors-preflight-fetch-0 steps 7.9–7.10 for a parsed value.
pub fn max_age_for(parsed: MaxAge, policy: &Policy) -> Option<Duration> {
    // Step 7.9: failure or null → the default (5 in the standard).
    let secs = match parsed {
        MaxAge::Seconds(s) => s,
        MaxAge::Absent => policy.default_max_age,
        // An empty value fails delta-seconds; every engine then uses the default.
        MaxAge::Empty => policy.default_max_age,
        MaxAge::Invalid => match policy.invalid_max_age {
            InvalidMaxAge::UseDefault => policy.default_max_age,
            InvalidMaxAge::DoNotCache => return None,
        },
    };
    // Step 7.10: clamp to the imposed limit.
    Some(Duration::from_secs(secs.min(policy.max_age_cap)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_method_value_spells_its_method() {
        let methods = [
            "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "CONNECT", "PATCH",
        ];
        let extension = ["TRACE", "PROPFIND", "patch", "Put", "M-SEARCH"];
        let mut n = 0;
        for m in methods.iter().chain(&extension) {
            let method = Method::from_bytes(m.as_bytes()).expect("a token");
            let value = method_value(&method).expect("a token is a value");
            assert_eq!(value.as_bytes(), m.as_bytes(), "{m}");
            n += 1;
        }
        assert_eq!(n, 13);
        let url = url::Url::parse("https://a.example/x").expect("parses");
        let names = ["x-a".to_owned(), "x-b".to_owned()];
        let r = build_preflight_request("https://b.example", &url, &Method::PUT, &names)
            .expect("builds");
        assert_eq!(r.headers()[ACCESS_CONTROL_REQUEST_METHOD], "PUT");
        // Sized for the Fetch metadata too: no growth when a caller adds four more.
        assert!(r.headers().capacity() >= PREFLIGHT_HEADERS);
    }

    #[test]
    fn max_age_parsing() {
        assert_eq!(parse_max_age(b" 7 "), MaxAge::Seconds(7));
        assert_eq!(parse_max_age(b"+7"), MaxAge::Invalid);
        assert_eq!(parse_max_age(b"7.0"), MaxAge::Invalid);
        assert_eq!(parse_max_age(b"\xff"), MaxAge::Invalid);
        let p = Policy::spec();
        assert_eq!(
            max_age_for(MaxAge::Seconds(u64::MAX), &p),
            Some(Duration::from_secs(7200))
        );
        assert_eq!(
            max_age_for(MaxAge::Absent, &p),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            max_age_for(MaxAge::Invalid, &p),
            Some(Duration::from_secs(5))
        );
        let mut q = Policy::spec();
        q.invalid_max_age = InvalidMaxAge::DoNotCache;
        assert_eq!(max_age_for(MaxAge::Invalid, &q), None);
    }

    #[test]
    fn redirect_statuses() {
        assert!(is_redirect_status(307));
        assert!(!is_redirect_status(304));
        assert!(!is_redirect_status(300));
    }
}
