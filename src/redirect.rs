//! Redirect rules: redirect statuses, the location URL, credentials in URLs and the method rewrite
//! (Fetch §http-redirect-fetch, §concept-response-location-url). The redirect-taint of a URL list
//! lives with origins ([`crate::origin::redirect_taint`]).
//!
//! Pure functions; the [`crate::fetch`] state machine applies them in the order of
//! HTTP-redirect fetch.

use http::{HeaderMap, Method};
use url::Url;

use crate::origin::ReferrerPolicy;

/// Fetch §redirect-status: 301, 302, 303, 307 or 308.
pub fn is_redirect_status(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Why a `Location` header does not give a URL (Fetch §concept-response-location-url).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LocationError {
    /// More than one `Location` header: its ABNF allows one (extracting header list values fails).
    #[error("the response has {0} Location headers; exactly one is allowed")]
    Multiple(usize),
    /// The value is empty and the rules make that a failure (WebKit).
    #[error("the Location header is empty")]
    Empty,
    /// The value does not parse as a URL relative to the response's URL.
    #[error("the Location value `{value}` is not a valid URL: {reason}")]
    Unparsable {
        /// The value, decoded for display.
        value: String,
        /// The URL parser's reason.
        reason: url::ParseError,
    },
}

/// How a user agent reads `Location` where the engines differ from Fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocationRules {
    /// What an empty `Location` value means.
    pub empty: EmptyLocation,
    /// Whether several `Location` lines are joined with `, ` and parsed as one value (WebKit)
    /// instead of failing (Fetch: the ABNF allows one header).
    pub combine_lines: bool,
    /// Whether a tab inside the value is percent-encoded (`r\t2` → `r%092`, Firefox) instead of
    /// removed by the URL parser (URL Standard §concept-basic-url-parser step 3: remove all ASCII
    /// tab or newline).
    pub encode_tabs: bool,
    /// How the value's bytes become the string the URL parser reads.
    pub bytes: LocationBytes,
}

/// How the bytes of a `Location` value become the string that is parsed as a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationBytes {
    /// UTF-8 when the bytes are UTF-8, isomorphic decoding otherwise.
    Utf8OrIsomorphic,
    /// Each byte 0x80–0xFF is percent-encoded as it is (`\xE9` → `%E9`, `\xC3\xA9` →
    /// `%C3%A9`): the URL keeps the server's bytes (Chromium, Firefox).
    PercentEncodeRaw,
    /// Isomorphic decoding (each byte one code point, so UTF-8 `é` becomes `Ã©` and then
    /// `%C3%83%C2%A9`), after invalid UTF-8 was replaced by U+FFFD's bytes (WebKitGTK: libsoup
    /// repairs header values, WebCore reads them as Latin-1).
    IsomorphicAfterUtf8Repair,
}

impl LocationRules {
    /// Fetch §concept-response-location-url as written.
    pub const SPEC: LocationRules = LocationRules {
        empty: EmptyLocation::Resolve,
        combine_lines: false,
        encode_tabs: false,
        bytes: LocationBytes::Utf8OrIsomorphic,
    };
}

/// What an empty `Location` value means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptyLocation {
    /// Parse it like any value: the empty string resolves to the response's URL (Fetch, Firefox).
    Resolve,
    /// As if there were no `Location`: the response is returned as it is (Chromium).
    Absent,
    /// A network error (WebKit).
    Fail,
}

/// Fetch §concept-response-location-url: `Ok(None)` when the response has no `Location`;
/// otherwise the value parsed against `base` (the response's URL), with `request_fragment`
/// carried over when the location has none.
///
/// The value's bytes are read as UTF-8 when they are UTF-8 (as engines do) and isomorphic-decoded
/// otherwise, so arbitrary bytes never panic.
///
/// ```
/// use http::HeaderMap;
/// let base: url::Url = "https://a.example/x/y#frag".parse().unwrap();
/// let mut h = HeaderMap::new();
/// h.insert("location", "../z".parse().unwrap());
/// let url = corsgate::redirect::location_url(&h, &base, base.fragment()).unwrap().unwrap();
/// assert_eq!(url.as_str(), "https://a.example/z#frag");
/// ```
pub fn location_url(
    headers: &HeaderMap,
    base: &Url,
    request_fragment: Option<&str>,
) -> Result<Option<Url>, LocationError> {
    location_url_with(headers, base, request_fragment, LocationRules::SPEC)
}

/// [`location_url`] under an engine's [`LocationRules`].
///
/// ```
/// use corsgate::redirect::{location_url_with, EmptyLocation, LocationError, LocationRules};
/// use http::HeaderMap;
/// let base: url::Url = "https://a.example/x".parse().unwrap();
/// let mut h = HeaderMap::new();
/// h.insert("location", "".parse().unwrap());
/// let chromium = LocationRules { empty: EmptyLocation::Absent, ..LocationRules::SPEC };
/// assert_eq!(location_url_with(&h, &base, None, chromium), Ok(None));
/// let webkit = LocationRules { empty: EmptyLocation::Fail, combine_lines: true, ..LocationRules::SPEC };
/// assert_eq!(location_url_with(&h, &base, None, webkit), Err(LocationError::Empty));
/// h.insert("location", "r\t2".parse().unwrap());
/// let spec = location_url_with(&h, &base, None, LocationRules::SPEC).unwrap().unwrap();
/// assert_eq!(spec.as_str(), "https://a.example/r2");
/// let firefox = LocationRules { encode_tabs: true, ..LocationRules::SPEC };
/// let ff = location_url_with(&h, &base, None, firefox).unwrap().unwrap();
/// assert_eq!(ff.as_str(), "https://a.example/r%092");
/// use corsgate::redirect::LocationBytes;
/// h.insert("location", http::HeaderValue::from_bytes(b"r\xc3\xa9").unwrap());
/// let raw = LocationRules { bytes: LocationBytes::PercentEncodeRaw, ..LocationRules::SPEC };
/// let url = location_url_with(&h, &base, None, raw).unwrap().unwrap();
/// assert_eq!(url.as_str(), "https://a.example/r%C3%A9");
/// let latin1 = LocationRules { bytes: LocationBytes::IsomorphicAfterUtf8Repair, ..LocationRules::SPEC };
/// let url = location_url_with(&h, &base, None, latin1).unwrap().unwrap();
/// assert_eq!(url.as_str(), "https://a.example/r%C3%83%C2%A9");
/// ```
pub fn location_url_with(
    headers: &HeaderMap,
    base: &Url,
    request_fragment: Option<&str>,
    rules: LocationRules,
) -> Result<Option<Url>, LocationError> {
    // Step 2: extract header list values; the ABNF allows a single header.
    let lines = headers.get_all(http::header::LOCATION).iter().count();
    if lines > 1 && !rules.combine_lines {
        return Err(LocationError::Multiple(lines));
    }
    let Some(combined) = crate::header::get(headers, http::header::LOCATION) else {
        return Ok(None);
    };
    let raw = crate::header::normalize(&combined);
    if raw.is_empty() {
        match rules.empty {
            EmptyLocation::Resolve => {}
            EmptyLocation::Absent => return Ok(None),
            EmptyLocation::Fail => return Err(LocationError::Empty),
        }
    }
    let isomorphic = |b: &[u8]| b.iter().map(|&b| char::from(b)).collect::<String>();
    let mut text = match rules.bytes {
        LocationBytes::Utf8OrIsomorphic => match std::str::from_utf8(raw) {
            Ok(s) => s.to_owned(),
            Err(_) => isomorphic(raw),
        },
        LocationBytes::PercentEncodeRaw => raw.iter().fold(String::new(), |mut out, &b| {
            if b.is_ascii() {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
            out
        }),
        LocationBytes::IsomorphicAfterUtf8Repair => {
            isomorphic(String::from_utf8_lossy(raw).as_bytes())
        }
    };
    if rules.encode_tabs {
        text = text.replace('\t', "%09");
    }
    // Step 3: parse location with response's URL.
    let mut url = Url::options()
        .base_url(Some(base))
        .parse(&text)
        .map_err(|reason| LocationError::Unparsable {
            value: text.clone(),
            reason,
        })?;
    // Step 5: a location without a fragment inherits the request's.
    if url.fragment().is_none() {
        url.set_fragment(request_fragment);
    }
    Ok(Some(url))
}

/// Referrer Policy §parse-referrer-policy-from-header, as Fetch §http-redirect-fetch step 19
/// ("set request's referrer policy on redirect") uses it: the last token of the response's
/// `Referrer-Policy` list that is a referrer policy (case-sensitively); `None` for "the empty
/// string" (no header, a list that fails extraction, or no known token), which leaves the
/// request's policy as it is.
///
/// ```
/// use corsgate::origin::ReferrerPolicy;
/// use corsgate::redirect::referrer_policy_from_header;
/// let mut h = http::HeaderMap::new();
/// h.insert("referrer-policy", "no-referrer, unknown-future-policy".parse().unwrap());
/// assert_eq!(referrer_policy_from_header(&h), Some(ReferrerPolicy::NoReferrer));
/// h.insert("referrer-policy", "origin, same-origin".parse().unwrap());
/// assert_eq!(referrer_policy_from_header(&h), Some(ReferrerPolicy::SameOrigin));
/// h.insert("referrer-policy", "No-Referrer".parse().unwrap());
/// assert_eq!(referrer_policy_from_header(&h), None);
/// ```
pub fn referrer_policy_from_header(headers: &HeaderMap) -> Option<ReferrerPolicy> {
    // Step 1: extract header list values (`1#policy-token`); failure or null: no tokens.
    let tokens = crate::header::extract_list(headers, "referrer-policy").ok()??;
    // Steps 2-4: the last token that is a referrer policy.
    tokens
        .iter()
        .filter_map(|t| std::str::from_utf8(t).ok()?.parse().ok())
        .next_back()
}

/// URL Standard §include-credentials: the URL has a non-empty username or password.
pub fn includes_credentials(url: &Url) -> bool {
    !url.username().is_empty() || url.password().is_some_and(|p| !p.is_empty())
}

/// Fetch §http-redirect-fetch step 12: 301/302 with `POST`, or 303 with anything but
/// `GET`/`HEAD`, turn the request into a `GET` without body.
///
/// ```
/// use corsgate::redirect::rewrites_to_get;
/// use http::Method;
/// assert!(rewrites_to_get(302, &Method::POST));
/// assert!(!rewrites_to_get(307, &Method::POST));
/// assert!(rewrites_to_get(303, &Method::PUT));
/// assert!(!rewrites_to_get(303, &Method::HEAD));
/// assert!(!rewrites_to_get(301, &Method::PUT));
/// ```
pub fn rewrites_to_get(status: u16, method: &Method) -> bool {
    match status {
        301 | 302 => method == Method::POST,
        303 => method != Method::GET && method != Method::HEAD,
        _ => false,
    }
}
