//! Forbidden headers and header-name classes: Fetch §forbidden-request-header,
//! §forbidden-response-header-name and §request-body-header-name
//! (<https://fetch.spec.whatwg.org/#forbidden-request-header>).

use crate::header::split_list;
use crate::method::is_forbidden_method;

/// Fetch §forbidden-request-header: whether the header (`name`, `value`) is one only the user
/// agent may set.
///
/// ```
/// use corsgate::forbidden::is_forbidden_request_header as forbidden;
/// assert!(forbidden(b"Cookie", b""));
/// assert!(forbidden(b"sec-fetch-mode", b"cors"));
/// assert!(forbidden(b"X-HTTP-Method-Override", b"GET, trace"));
/// assert!(!forbidden(b"X-HTTP-Method-Override", b"PUT"));
/// assert!(!forbidden(b"User-Agent", b"x"));
/// ```
pub fn is_forbidden_request_header(name: &[u8], value: &[u8]) -> bool {
    const NAMES: [&[u8]; 21] = [
        b"accept-charset",
        b"accept-encoding",
        b"access-control-request-headers",
        b"access-control-request-method",
        b"connection",
        b"content-length",
        b"cookie",
        b"cookie2",
        b"date",
        b"dnt",
        b"expect",
        b"host",
        b"keep-alive",
        b"origin",
        b"referer",
        b"set-cookie",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"via",
    ];
    // 1. A byte-case-insensitive match for one of the fixed names: true.
    if NAMES.iter().any(|n| name.eq_ignore_ascii_case(n)) {
        return true;
    }
    // 2. Byte-lowercased name starts with `proxy-` or `sec-`: true.
    let starts_with = |prefix: &[u8]| {
        name.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    if starts_with(b"proxy-") || starts_with(b"sec-") {
        return true;
    }
    // 3. A method-override header: true if any of its values is a forbidden method.
    let overrides: [&[u8]; 3] = [
        b"x-http-method",
        b"x-http-method-override",
        b"x-method-override",
    ];
    if overrides.iter().any(|n| name.eq_ignore_ascii_case(n)) {
        // 3.1. parsedValues: get, decode and split value.
        // 3.2. For each method: if its isomorphic encoding is a forbidden method, true.
        if split_list(value).into_iter().any(is_forbidden_method) {
            return true;
        }
    }
    // 4. Return false.
    false
}

/// Fetch §forbidden-response-header-name: `Set-Cookie` or `Set-Cookie2`, byte-case-insensitive.
///
/// ```
/// assert!(corsgate::forbidden::is_forbidden_response_header_name(b"set-cookie2"));
/// ```
pub fn is_forbidden_response_header_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"set-cookie") || name.eq_ignore_ascii_case(b"set-cookie2")
}

/// Fetch §request-body-header-name: `Content-Encoding`, `Content-Language`, `Content-Location` or
/// `Content-Type`, byte-case-insensitive.
///
/// ```
/// assert!(corsgate::forbidden::is_request_body_header_name(b"Content-Location"));
/// assert!(!corsgate::forbidden::is_request_body_header_name(b"Content-Length"));
/// ```
pub fn is_request_body_header_name(name: &[u8]) -> bool {
    [
        &b"content-encoding"[..],
        b"content-language",
        b"content-location",
        b"content-type",
    ]
    .iter()
    .any(|n| name.eq_ignore_ascii_case(n))
}
