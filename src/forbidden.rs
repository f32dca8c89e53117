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
    // Byte-lowercase name on the stack: its first 32 bytes, enough for every name and prefix
    // below (`whole` is the lowercased name when it fits, else no fixed name matches).
    let mut buf = [0u8; 32];
    let head = &mut buf[..name.len().min(32)];
    head.copy_from_slice(&name[..head.len()]);
    head.make_ascii_lowercase();
    let head = &*head;
    let whole = (head.len() == name.len()).then_some(head);
    forbidden_lowercase(head, whole, value)
}

/// [`is_forbidden_request_header`] for a name that is byte-lowercase already (a `HeaderName`'s):
/// nothing to copy.
pub(crate) fn is_forbidden_request_header_lowercase(name: &[u8], value: &[u8]) -> bool {
    debug_assert!(!name.iter().any(u8::is_ascii_uppercase));
    forbidden_lowercase(name, Some(name), value)
}

/// [`is_forbidden_request_header`] given the byte-lowercased name's `head` (at least its first
/// 32 bytes) and the whole lowercased name when `head` is all of it.
fn forbidden_lowercase(head: &[u8], whole: Option<&[u8]>, value: &[u8]) -> bool {
    // 1. A byte-case-insensitive match for one of the fixed names: true.
    if matches!(
        whole,
        Some(
            b"accept-charset"
                | b"accept-encoding"
                | b"access-control-request-headers"
                | b"access-control-request-method"
                | b"connection"
                | b"content-length"
                | b"cookie"
                | b"cookie2"
                | b"date"
                | b"dnt"
                | b"expect"
                | b"host"
                | b"keep-alive"
                | b"origin"
                | b"referer"
                | b"set-cookie"
                | b"te"
                | b"trailer"
                | b"transfer-encoding"
                | b"upgrade"
                | b"via"
        )
    ) {
        return true;
    }
    // 2. Byte-lowercased name starts with `proxy-` or `sec-`: true.
    if head.starts_with(b"proxy-") || head.starts_with(b"sec-") {
        return true;
    }
    // 3. A method-override header: true if any of its values is a forbidden method.
    if matches!(
        whole,
        Some(b"x-http-method" | b"x-http-method-override" | b"x-method-override")
    ) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lowercase_shortcut_agrees() {
        let long = [&b"sec-"[..], &[b'a'; 40][..]].concat();
        let names: [&[u8]; 9] = [
            b"Host",
            b"X-HTTP-Method",
            b"Proxy-A",
            b"accept",
            b"x-a",
            b"DNT",
            b"te",
            b"Sec-X",
            &long,
        ];
        let mut n = 0;
        for name in names {
            for value in [&b"TRACE"[..], b"get", b""] {
                let lower = name.to_ascii_lowercase();
                assert_eq!(
                    is_forbidden_request_header_lowercase(&lower, value),
                    is_forbidden_request_header(name, value),
                    "{name:?} {value:?}"
                );
                n += 1;
            }
        }
        assert_eq!(n, 27);
    }

    #[test]
    fn long_names_match_the_prefixes_only() {
        let long = |prefix: &[u8]| [prefix, &[b'a'; 40][..]].concat();
        assert!(is_forbidden_request_header(&long(b"Sec-"), b""));
        assert!(is_forbidden_request_header(&long(b"PROXY-"), b""));
        assert!(!is_forbidden_request_header(
            &long(b"access-control-request-headers"),
            b""
        ));
        assert!(!is_forbidden_request_header(
            &long(b"x-http-method-override"),
            b"TRACE"
        ));
        assert!(is_forbidden_request_header(
            b"X-HTTP-Method-Override",
            b"x, Trace"
        ));
    }
}
