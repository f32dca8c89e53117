//! Redirect rules: redirect statuses, the location URL, credentials in URLs and the method rewrite
//! (Fetch §http-redirect-fetch, §concept-response-location-url). The redirect-taint of a URL list
//! lives with origins ([`crate::origin::redirect_taint`]).
//!
//! Pure functions; the [`crate::fetch`] state machine applies them in the order of
//! HTTP-redirect fetch.

use http::{HeaderMap, Method};
use url::Url;

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
    /// The value does not parse as a URL relative to the response's URL.
    #[error("the Location value `{value}` is not a valid URL: {reason}")]
    Unparsable {
        /// The value, decoded for display.
        value: String,
        /// The URL parser's reason.
        reason: url::ParseError,
    },
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
    let mut values = headers.get_all(http::header::LOCATION).iter();
    // Step 2: extract header list values; the ABNF allows a single header.
    let Some(first) = values.next() else {
        return Ok(None);
    };
    let extra = values.count();
    if extra > 0 {
        return Err(LocationError::Multiple(extra + 1));
    }
    let raw = crate::header::normalize(first.as_bytes());
    let text = match std::str::from_utf8(raw) {
        Ok(s) => s.to_owned(),
        Err(_) => raw.iter().map(|&b| char::from(b)).collect(),
    };
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
