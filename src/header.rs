//! Header terminology shared by every rule: byte classes, header values, the combined value
//! ("get"), and header-list extraction.
//!
//! Fetch §terminology-headers (<https://fetch.spec.whatwg.org/#terminology-headers>).
//! Everything here takes bytes, never panics, and allocates only where a result is built.

use std::borrow::Cow;

use http::header::AsHeaderName;
use http::HeaderMap;

/// Byte classes, one bit each, looked up in one 256-entry table.
const TCHAR: u8 = 1;
const HTTP_WS: u8 = 2;
const HTTP_TAB_SPACE: u8 = 4;

/// `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
/// / DIGIT / ALPHA` (RFC 9110 §5.6.2), HTTP whitespace (0x09 0x0A 0x0D 0x20) and HTTP tab or
/// space (0x09 0x20) (Fetch §http-whitespace-byte, §http-tab-or-space-byte).
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0usize;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] |= TCHAR;
        }
        b += 1;
    }
    let extra = b"!#$%&'*+-.^_`|~";
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] |= TCHAR;
        i += 1;
    }
    t[0x09] |= HTTP_WS | HTTP_TAB_SPACE;
    t[0x20] |= HTTP_WS | HTTP_TAB_SPACE;
    t[0x0A] |= HTTP_WS;
    t[0x0D] |= HTTP_WS;
    t
};

/// Fetch §http-whitespace-byte: 0x09, 0x0A, 0x0D or 0x20.
#[inline]
pub fn is_http_whitespace(b: u8) -> bool {
    CLASS[b as usize] & HTTP_WS != 0
}

/// Fetch §http-tab-or-space-byte: 0x09 or 0x20.
#[inline]
pub fn is_http_tab_or_space(b: u8) -> bool {
    CLASS[b as usize] & HTTP_TAB_SPACE != 0
}

/// RFC 9110 `tchar`.
#[inline]
pub fn is_tchar(b: u8) -> bool {
    CLASS[b as usize] & TCHAR != 0
}

/// RFC 9110 `token` (`1*tchar`), which is also Fetch's header name (§header-name) and method
/// (§concept-method) grammar.
///
/// ```
/// assert!(corsgate::header::is_token(b"X-Custom"));
/// assert!(!corsgate::header::is_token(b"a b"));
/// assert!(!corsgate::header::is_token(b""));
/// ```
pub fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar(b))
}

/// Why a byte sequence is not a header value (Fetch §header-value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderValueError {
    /// The value starts with 0x09 or 0x20.
    #[error("a header value must not start with a tab or space (Fetch §header-value)")]
    LeadingWhitespace,
    /// The value ends with 0x09 or 0x20.
    #[error("a header value must not end with a tab or space (Fetch §header-value)")]
    TrailingWhitespace,
    /// The value contains 0x00.
    #[error("a header value must not contain NUL (0x00) (Fetch §header-value)")]
    Nul,
    /// The value contains 0x0A.
    #[error("a header value must not contain LF (0x0A) (Fetch §header-value)")]
    Lf,
    /// The value contains 0x0D.
    #[error("a header value must not contain CR (0x0D) (Fetch §header-value)")]
    Cr,
}

/// Fetch §header-value: no leading or trailing HTTP tab or space, no 0x00, 0x0A or 0x0D.
///
/// ```
/// use corsgate::header::{check_header_value, HeaderValueError};
/// assert_eq!(check_header_value(b"a b"), Ok(()));
/// assert_eq!(check_header_value(b" a"), Err(HeaderValueError::LeadingWhitespace));
/// assert_eq!(check_header_value(b"a\nb"), Err(HeaderValueError::Lf));
/// ```
pub fn check_header_value(bytes: &[u8]) -> Result<(), HeaderValueError> {
    if has_surrounding_whitespace(bytes) {
        return Err(if bytes.first().is_some_and(|&b| is_http_tab_or_space(b)) {
            HeaderValueError::LeadingWhitespace
        } else {
            HeaderValueError::TrailingWhitespace
        });
    }
    // One pass without an early exit (it vectorizes); the first offending byte only on failure.
    let bad = |b: &u8| matches!(b, 0x00 | 0x0A | 0x0D);
    if !bytes.iter().fold(false, |found, b| found | bad(b)) {
        return Ok(());
    }
    Err(match bytes.iter().find(|b| bad(b)) {
        Some(0x00) => HeaderValueError::Nul,
        Some(0x0A) => HeaderValueError::Lf,
        _ => HeaderValueError::Cr,
    })
}

/// Whether a value starts or ends with a tab or space (the part of Fetch §header-value that a
/// `http::HeaderValue` does not already rule out).
pub(crate) fn has_surrounding_whitespace(bytes: &[u8]) -> bool {
    bytes.first().is_some_and(|&b| is_http_tab_or_space(b))
        || bytes.last().is_some_and(|&b| is_http_tab_or_space(b))
}

/// Fetch §concept-header-value-normalize: remove leading and trailing HTTP whitespace bytes.
///
/// ```
/// assert_eq!(corsgate::header::normalize(b"\t x \r\n"), b"x");
/// ```
pub fn normalize(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| !is_http_whitespace(b));
    let Some(start) = start else { return &[] };
    let end = bytes
        .iter()
        .rposition(|&b| !is_http_whitespace(b))
        .unwrap_or(start);
    &bytes[start..=end]
}

/// Removes leading and trailing HTTP tab or space bytes (0x09, 0x20) only.
pub fn trim_tab_or_space(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| !is_http_tab_or_space(b));
    let Some(start) = start else { return &[] };
    let end = bytes
        .iter()
        .rposition(|&b| !is_http_tab_or_space(b))
        .unwrap_or(start);
    &bytes[start..=end]
}

/// Fetch §concept-header-list-get: the values of every header named `name`, in order, joined by
/// `, ` (0x2C 0x20); `None` when there is none.
///
/// Two `Access-Control-Allow-Origin` lines therefore read as one value with a comma, which the CORS
/// check rejects, exactly as the standard intends. Never use [`HeaderMap::get`] for CORS headers:
/// it returns only the first line.
///
/// ```
/// use http::{HeaderMap, HeaderValue};
/// let mut h = HeaderMap::new();
/// h.append("a", HeaderValue::from_static("1"));
/// h.append("a", HeaderValue::from_static("2"));
/// assert_eq!(corsgate::header::get(&h, "a").as_deref(), Some(&b"1, 2"[..]));
/// assert_eq!(corsgate::header::get(&h, "b"), None);
/// ```
pub fn get<K: AsHeaderName>(map: &HeaderMap, name: K) -> Option<Vec<u8>> {
    get_ref(map, name).map(Cow::into_owned)
}

/// [`get`] without copying when there is a single line (the common case): the combined value,
/// borrowed from `map` or built.
///
/// ```
/// use http::{HeaderMap, HeaderValue};
/// use std::borrow::Cow;
/// let mut h = HeaderMap::new();
/// h.append("a", HeaderValue::from_static("1"));
/// assert!(matches!(corsgate::header::get_ref(&h, "a"), Some(Cow::Borrowed(b"1"))));
/// h.append("a", HeaderValue::from_static("2"));
/// assert_eq!(corsgate::header::get_ref(&h, "a").as_deref(), Some(&b"1, 2"[..]));
/// ```
pub fn get_ref<K: AsHeaderName>(map: &HeaderMap, name: K) -> Option<Cow<'_, [u8]>> {
    let mut values = map.get_all(name).iter();
    let first = values.next()?;
    let Some(second) = values.next() else {
        return Some(Cow::Borrowed(first.as_bytes()));
    };
    let mut out = first.as_bytes().to_vec();
    for v in std::iter::once(second).chain(values) {
        out.extend_from_slice(b", ");
        out.extend_from_slice(v.as_bytes());
    }
    Some(Cow::Owned(out))
}

/// Drops the empty lines of `name` when it has more than one line, keeping one empty line when
/// all are empty: the combined value then joins only the non-empty lines, as Firefox's response
/// header merge does (`nsHttpHeaderArray::MergeHeader`: "merge of empty header = no-op"). Fetch
/// combines every line (`a, ` for `a` and an empty line).
///
/// ```
/// let mut h = http::HeaderMap::new();
/// h.append("access-control-allow-credentials", "true".parse().unwrap());
/// h.append("access-control-allow-credentials", "".parse().unwrap());
/// assert_eq!(corsgate::header::get(&h, "access-control-allow-credentials").unwrap(), b"true, ");
/// corsgate::header::drop_empty_repeated_lines(&mut h, "access-control-allow-credentials");
/// assert_eq!(corsgate::header::get(&h, "access-control-allow-credentials").unwrap(), b"true");
/// ```
pub fn drop_empty_repeated_lines(map: &mut HeaderMap, name: &'static str) {
    let lines: Vec<http::HeaderValue> = map.get_all(name).iter().cloned().collect();
    if lines.len() < 2 || lines.iter().all(|v| !v.is_empty()) {
        return;
    }
    map.remove(name);
    let mut kept = lines.iter().filter(|v| !v.is_empty()).peekable();
    if kept.peek().is_none() {
        map.append(name, http::HeaderValue::from_static(""));
    }
    for v in kept {
        map.append(name, v.clone());
    }
}

/// Fetch §concept-header-list-get-decode-split on an already combined value: split on commas
/// outside quoted strings (collect an HTTP quoted string, extract-value false), strip HTTP tab or
/// space from each item. Bytes are kept as bytes (isomorphic decoding is the identity on bytes).
///
/// ```
/// let items = corsgate::header::split_list(br#"a, "b,c" , d"#);
/// assert_eq!(items, vec![&b"a"[..], &br#""b,c""#[..], &b"d"[..]]);
/// ```
pub fn split_list(value: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < value.len() {
        match value[i] {
            b'"' => {
                // Collect an HTTP quoted string: skip to the closing quote, honouring `\`.
                i += 1;
                while i < value.len() {
                    match value[i] {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                i += 1;
            }
            b',' => {
                out.push(trim_tab_or_space(&value[start..i]));
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    out.push(trim_tab_or_space(&value[start.min(value.len())..]));
    out
}

/// Why a header's value is not a valid `#token` list (Fetch §extract-header-list-values).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{}` is not a valid item of a comma-separated token list (Fetch §extract-header-list-values)", String::from_utf8_lossy(.item))]
pub struct ListError {
    /// The first item that is not an RFC 9110 token (after trimming tabs and spaces).
    pub item: Vec<u8>,
}

/// Extract header values (Fetch §extract-header-values) for a header whose ABNF is `#token`
/// (`Access-Control-Allow-Methods`, `-Allow-Headers`, `-Expose-Headers`): split on `,`, trim
/// tabs and spaces, drop empty items (the list ABNF allows them), and fail on any item that is
/// not a token.
///
/// ```
/// use corsgate::header::parse_token_list;
/// assert_eq!(parse_token_list(b"PUT, ,x-a").unwrap(), vec![&b"PUT"[..], &b"x-a"[..]]);
/// assert!(parse_token_list(b"a b").is_err());
/// ```
pub fn parse_token_list(value: &[u8]) -> Result<Vec<&[u8]>, ListError> {
    let mut out = Vec::new();
    for item in value.split(|&b| b == b',') {
        let item = trim_tab_or_space(item);
        if item.is_empty() {
            continue;
        }
        if !is_token(item) {
            return Err(ListError {
                item: item.to_vec(),
            });
        }
        out.push(item);
    }
    Ok(out)
}

/// Fetch §extract-header-list-values for a `#token` header: `Ok(None)` when `map` has no header
/// `name`; otherwise the items of every line, in order; a non-token item fails the whole list.
///
/// ```
/// use http::{HeaderMap, HeaderValue};
/// let mut h = HeaderMap::new();
/// h.append("access-control-allow-methods", HeaderValue::from_static("PUT"));
/// h.append("access-control-allow-methods", HeaderValue::from_static("PATCH, DELETE"));
/// let items = corsgate::header::extract_list(&h, "access-control-allow-methods").unwrap().unwrap();
/// assert_eq!(items, vec![&b"PUT"[..], &b"PATCH"[..], &b"DELETE"[..]]);
/// ```
pub fn extract_list<K: AsHeaderName>(
    map: &HeaderMap,
    name: K,
) -> Result<Option<Vec<&[u8]>>, ListError> {
    let mut lines = map.get_all(name).iter().peekable();
    if lines.peek().is_none() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for line in lines {
        out.extend(parse_token_list(line.as_bytes())?);
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_strips_all_http_whitespace() {
        assert_eq!(normalize(b"\r\n\t x y \t\r\n"), b"x y");
        assert_eq!(normalize(b" \t "), b"");
        assert_eq!(normalize(b""), b"");
    }

    #[test]
    fn split_list_keeps_quoted_commas_and_empty_items() {
        assert_eq!(split_list(b""), vec![&b""[..]]);
        assert_eq!(split_list(b"a,,b"), vec![&b"a"[..], &b""[..], &b"b"[..]]);
        assert_eq!(
            split_list(b"\"a\\\",b\",c"),
            vec![&b"\"a\\\",b\""[..], &b"c"[..]]
        );
        assert_eq!(
            split_list(b"\"unterminated, x"),
            vec![&b"\"unterminated, x"[..]]
        );
    }

    #[test]
    fn token_list_rejects_non_tokens() {
        assert_eq!(parse_token_list(b"").unwrap(), Vec::<&[u8]>::new());
        assert_eq!(parse_token_list(b" , ,").unwrap(), Vec::<&[u8]>::new());
        assert_eq!(parse_token_list(b"a/b").unwrap_err().item, b"a/b".to_vec());
        assert!(parse_token_list(b"\"x\"").is_err());
    }
}
