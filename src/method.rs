//! Methods: Fetch §methods (<https://fetch.spec.whatwg.org/#methods>).
//!
//! Every predicate takes the method as bytes, exactly as script gave it (after WebIDL's ByteString
//! conversion), and never panics.

use std::borrow::Cow;

use crate::header::is_token;

/// Fetch §dom-request ("If init["method"] exists"): why a byte sequence cannot be a request's
/// method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MethodError {
    /// The bytes do not match the RFC 9110 `method` (= `token`) production (Fetch §concept-method);
    /// the empty sequence is not a token either.
    #[error("the method is not an HTTP token (Fetch §concept-method)")]
    NotAToken,
    /// The method is a byte-case-insensitive match for `CONNECT`, `TRACE` or `TRACK` (Fetch
    /// §forbidden-method).
    #[error("the method is a forbidden method: CONNECT, TRACE or TRACK (Fetch §forbidden-method)")]
    Forbidden,
}

/// Fetch §cors-safelisted-method: `GET`, `HEAD` or `POST`, compared byte for byte (the standard
/// applies it to an already [normalized](normalize) method, so `get` is *not* safelisted).
///
/// ```
/// use corsgate::method::{is_cors_safelisted_method, normalize};
/// assert!(is_cors_safelisted_method(b"POST"));
/// assert!(!is_cors_safelisted_method(b"post"));
/// assert!(is_cors_safelisted_method(&normalize(b"post")));
/// assert!(!is_cors_safelisted_method(b"PUT"));
/// ```
pub fn is_cors_safelisted_method(m: &[u8]) -> bool {
    matches!(m, b"GET" | b"HEAD" | b"POST")
}

/// Fetch §forbidden-method: a byte-case-insensitive match for `CONNECT`, `TRACE` or `TRACK`.
///
/// ```
/// assert!(corsgate::method::is_forbidden_method(b"tRaCk"));
/// assert!(!corsgate::method::is_forbidden_method(b"TRAC"));
/// ```
pub fn is_forbidden_method(m: &[u8]) -> bool {
    [&b"CONNECT"[..], b"TRACE", b"TRACK"]
        .iter()
        .any(|f| m.eq_ignore_ascii_case(f))
}

/// Fetch §concept-method-normalize: a byte-case-insensitive match for `DELETE`, `GET`, `HEAD`,
/// `OPTIONS`, `POST` or `PUT` is byte-uppercased; any other method is returned unchanged
/// (borrowed).
///
/// ```
/// use corsgate::method::normalize;
/// assert_eq!(&*normalize(b"dElEtE"), b"DELETE");
/// assert_eq!(&*normalize(b"patch"), b"patch");
/// ```
pub fn normalize(m: &[u8]) -> Cow<'_, [u8]> {
    const NORMALIZED: [&[u8]; 6] = [b"DELETE", b"GET", b"HEAD", b"OPTIONS", b"POST", b"PUT"];
    match NORMALIZED.iter().find(|n| m.eq_ignore_ascii_case(n)) {
        Some(upper) if *upper != m => Cow::Owned(upper.to_vec()),
        _ => Cow::Borrowed(m),
    }
}

/// The method steps of the `Request` constructor (Fetch §dom-request, "If init["method"]
/// exists"): reject a non-token, reject a forbidden method, then normalize.
///
/// ```
/// use corsgate::method::{parse_method, MethodError};
/// assert_eq!(parse_method(b"post").unwrap(), http::Method::POST);
/// assert_eq!(parse_method(b"patch").unwrap().as_str(), "patch");
/// assert_eq!(parse_method(b"G T"), Err(MethodError::NotAToken));
/// assert_eq!(parse_method(b"connect"), Err(MethodError::Forbidden));
/// ```
pub fn parse_method(m: &[u8]) -> Result<http::Method, MethodError> {
    // 1. If method is not a method, throw a TypeError.
    if !is_token(m) {
        return Err(MethodError::NotAToken);
    }
    // 1. (cont.) ... or method is a forbidden method, throw a TypeError.
    if is_forbidden_method(m) {
        return Err(MethodError::Forbidden);
    }
    // 2. Normalize method.
    let normalized = normalize(m);
    // 3. Set request's method to method. `http::Method` accepts every token.
    http::Method::from_bytes(&normalized).map_err(|_| MethodError::NotAToken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_borrows_when_nothing_changes() {
        assert!(matches!(normalize(b"GET"), Cow::Borrowed(_)));
        assert!(matches!(normalize(b"get"), Cow::Owned(_)));
        assert!(matches!(normalize(b""), Cow::Borrowed(_)));
    }

    #[test]
    fn parse_method_rejects_non_tokens() {
        for m in [&b""[..], b" GET", b"GET\n", b"\xff", b"G\x00T"] {
            assert_eq!(parse_method(m), Err(MethodError::NotAToken));
        }
    }
}
