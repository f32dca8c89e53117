//! A `Headers` object's header list with its guard: Fetch §headers-class
//! (<https://fetch.spec.whatwg.org/#headers-class>), in particular the `request-no-cors` guard
//! that keeps a `no-cors` request's headers no-CORS-safelisted.
//!
//! Names and values are bytes (what WebIDL's ByteString conversion produces); a value is
//! normalized (Fetch §concept-header-value-normalize) before it is validated, as `append()` and
//! `set()` do.

use crate::forbidden::{is_forbidden_request_header, is_forbidden_response_header_name};
use crate::header::{check_header_value, is_token, normalize, HeaderValueError};
use crate::safelist::{
    is_no_cors_safelisted_request_header, is_no_cors_safelisted_request_header_name,
    is_privileged_no_cors_request_header_name,
};

/// Fetch §concept-headers-guard: a headers guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Guard {
    /// `immutable`: every change throws.
    Immutable,
    /// `request`: forbidden request-headers are silently ignored.
    Request,
    /// `request-no-cors`: only no-CORS-safelisted request-headers are kept.
    RequestNoCors,
    /// `response`: forbidden response-header names are silently ignored.
    Response,
    /// `none`: no restriction.
    None,
}

impl Guard {
    /// Fetch §headers-validate with this guard, for a (name, value) whose value is already
    /// normalized: `Err` throws, `Ok(false)` ignores the operation, `Ok(true)` lets it proceed.
    ///
    /// ```
    /// use corsgate::guard::{Guard, HeadersError};
    /// assert_eq!(Guard::Request.validate(b"cookie", b"a=b"), Ok(false));
    /// assert_eq!(Guard::Request.validate(b"x-a", b"1"), Ok(true));
    /// assert_eq!(Guard::Request.validate(b"x a", b"1"), Err(HeadersError::InvalidName));
    /// ```
    pub fn validate(self, name: &[u8], value: &[u8]) -> Result<bool, HeadersError> {
        // 1. name not a header name or value not a header value: throw a TypeError.
        if !is_token(name) {
            return Err(HeadersError::InvalidName);
        }
        check_header_value(value).map_err(HeadersError::InvalidValue)?;
        match self {
            // 2. immutable: throw a TypeError.
            Guard::Immutable => Err(HeadersError::Immutable),
            // 3. request and a forbidden request-header: return false.
            Guard::Request if is_forbidden_request_header(name, value) => Ok(false),
            // 4. response and a forbidden response-header name: return false.
            Guard::Response if is_forbidden_response_header_name(name) => Ok(false),
            // 5. Return true.
            _ => Ok(true),
        }
    }
}

/// Fetch §headers-validate steps 1-2 and §dom-headers-get step 1: why a `Headers` operation
/// throws a `TypeError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HeadersError {
    /// The name is not a header name (an RFC 9110 token; Fetch §header-name).
    #[error("the header name is not an HTTP token (Fetch §header-name)")]
    InvalidName,
    /// The (normalized) value is not a header value (Fetch §header-value).
    #[error("invalid header value: {0}")]
    InvalidValue(HeaderValueError),
    /// The guard is `immutable`.
    #[error("the headers are immutable (Fetch §headers-validate step 2)")]
    Immutable,
}

/// Fetch §concept-headers: a header list (ordered, duplicates allowed, names compared
/// byte-case-insensitively) and its [`Guard`].
///
/// ```
/// use corsgate::guard::GuardedHeaders;
/// let mut h = GuardedHeaders::no_cors();
/// assert_eq!(h.append(b"Accept", b" text/html "), Ok(true));
/// assert_eq!(h.append(b"X-Custom", b"1"), Ok(false)); // not no-CORS-safelisted: ignored
/// assert_eq!(h.append(b"Content-Type", b"application/json"), Ok(false));
/// assert_eq!(h.get(b"accept").unwrap().as_deref(), Some(&b"text/html"[..]));
/// assert_eq!(h.has(b"x-custom"), Ok(false));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardedHeaders {
    guard: Guard,
    list: Vec<(Vec<u8>, Vec<u8>)>,
}

/// Fetch §dom-request (mode `no-cors`): the `Headers` of a `no-cors` request, i.e.
/// [`GuardedHeaders`] with [`Guard::RequestNoCors`] (create one with [`GuardedHeaders::no_cors`]).
pub type NoCorsHeaders = GuardedHeaders;

impl GuardedHeaders {
    /// Fetch §concept-headers: an empty header list with `guard`.
    pub fn new(guard: Guard) -> Self {
        GuardedHeaders {
            guard,
            list: Vec::new(),
        }
    }

    /// Fetch §dom-request: an empty header list with the `request-no-cors` guard, as a `no-cors`
    /// request's headers start.
    pub fn no_cors() -> Self {
        Self::new(Guard::RequestNoCors)
    }

    /// Fetch §concept-headers-guard.
    pub fn guard(&self) -> Guard {
        self.guard
    }

    /// Fetch §concept-header-list: the headers in order, names as first given.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.list.iter().map(|(n, v)| (n.as_slice(), v.as_slice()))
    }

    /// Fetch §concept-header-list: the number of headers in the list.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Fetch §concept-header-list: whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Fetch §header-list-contains.
    fn contains(&self, name: &[u8]) -> bool {
        self.list.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// Fetch §concept-header-list-get: the combined value, or `None`.
    fn list_get(&self, name: &[u8]) -> Option<Vec<u8>> {
        let mut values = self
            .list
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        let (_, first) = values.next()?;
        let mut out = first.clone();
        for (_, v) in values {
            out.extend_from_slice(b", ");
            out.extend_from_slice(v);
        }
        Some(out)
    }

    /// Fetch §concept-header-list-delete.
    fn list_delete(&mut self, name: &[u8]) {
        self.list.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// Fetch §concept-headers-remove-privileged-no-cors-request-headers.
    fn remove_privileged_no_cors_request_headers(&mut self) {
        // 1. For each privileged no-CORS request-header name, delete it from the header list.
        self.list
            .retain(|(n, _)| !is_privileged_no_cors_request_header_name(n));
    }

    /// Fetch §headers-validate under this list's guard.
    fn validate(&self, name: &[u8], value: &[u8]) -> Result<bool, HeadersError> {
        self.guard.validate(name, value)
    }

    /// Fetch §concept-headers-append (`headers.append(name, value)`): `Ok(true)` when the header
    /// was appended, `Ok(false)` when the guard silently ignored it.
    pub fn append(&mut self, name: &[u8], value: &[u8]) -> Result<bool, HeadersError> {
        // 1. Normalize value.
        let value = normalize(value);
        // 2. If validating returns false, return.
        if !self.validate(name, value)? {
            return Ok(false);
        }
        // 3. request-no-cors: the combined value must stay a no-CORS-safelisted request-header.
        if self.guard == Guard::RequestNoCors {
            // 3.1-3.3. temporaryValue: the current combined value, then 0x2C 0x20 and value.
            let temporary = match self.list_get(name) {
                None => value.to_vec(),
                Some(mut t) => {
                    t.extend_from_slice(b", ");
                    t.extend_from_slice(value);
                    t
                }
            };
            // 3.4. Not a no-CORS-safelisted request-header: return.
            if !is_no_cors_safelisted_request_header(name, &temporary) {
                return Ok(false);
            }
        }
        // 4. Append (name, value) to the header list, reusing the casing of an existing name.
        let stored = self
            .list
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or_else(|| name.to_vec(), |(n, _)| n.clone());
        self.list.push((stored, value.to_vec()));
        // 5. request-no-cors: remove privileged no-CORS request-headers.
        if self.guard == Guard::RequestNoCors {
            self.remove_privileged_no_cors_request_headers();
        }
        Ok(true)
    }

    /// Fetch §concept-headers-fill with a sequence of pairs: append each in order.
    pub fn fill<'a, I: IntoIterator<Item = (&'a [u8], &'a [u8])>>(
        &mut self,
        headers: I,
    ) -> Result<(), HeadersError> {
        for (name, value) in headers {
            self.append(name, value)?;
        }
        Ok(())
    }

    /// Fetch §dom-headers-set (`headers.set(name, value)`): `Ok(true)` when the header was set,
    /// `Ok(false)` when the guard silently ignored it.
    pub fn set(&mut self, name: &[u8], value: &[u8]) -> Result<bool, HeadersError> {
        // 1. Normalize value.
        let value = normalize(value);
        // 2. If validating returns false, return.
        if !self.validate(name, value)? {
            return Ok(false);
        }
        // 3. request-no-cors and not a no-CORS-safelisted request-header: return.
        if self.guard == Guard::RequestNoCors && !is_no_cors_safelisted_request_header(name, value)
        {
            return Ok(false);
        }
        // 4. Set (name, value): replace the first match's value, remove the others.
        match self
            .list
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(first) => {
                let mut index = 0;
                self.list.retain(|(n, _)| {
                    let keep = index == first || !n.eq_ignore_ascii_case(name);
                    index += 1;
                    keep
                });
                if let Some(entry) = self.list.get_mut(first) {
                    entry.1 = value.to_vec();
                }
            }
            None => self.list.push((name.to_vec(), value.to_vec())),
        }
        // 5. request-no-cors: remove privileged no-CORS request-headers.
        if self.guard == Guard::RequestNoCors {
            self.remove_privileged_no_cors_request_headers();
        }
        Ok(true)
    }

    /// Fetch §dom-headers-delete (`headers.delete(name)`): `Ok(true)` when headers were removed.
    pub fn delete(&mut self, name: &[u8]) -> Result<bool, HeadersError> {
        // 1. If validating (name, ``) returns false, return.
        if !self.validate(name, b"")? {
            return Ok(false);
        }
        // 2. request-no-cors, and name neither no-CORS-safelisted nor privileged: return.
        if self.guard == Guard::RequestNoCors
            && !is_no_cors_safelisted_request_header_name(name)
            && !is_privileged_no_cors_request_header_name(name)
        {
            return Ok(false);
        }
        // 3. If the header list does not contain name, return.
        if !self.contains(name) {
            return Ok(false);
        }
        // 4. Delete name from the header list.
        self.list_delete(name);
        // 5. request-no-cors: remove privileged no-CORS request-headers.
        if self.guard == Guard::RequestNoCors {
            self.remove_privileged_no_cors_request_headers();
        }
        Ok(true)
    }

    /// Fetch §dom-headers-get (`headers.get(name)`): the combined value (values joined by
    /// `, `), or `None`.
    pub fn get(&self, name: &[u8]) -> Result<Option<Vec<u8>>, HeadersError> {
        // 1. If name is not a header name, throw a TypeError.
        if !is_token(name) {
            return Err(HeadersError::InvalidName);
        }
        // 2. Return the result of getting name from the header list.
        Ok(self.list_get(name))
    }

    /// Fetch §dom-headers-has (`headers.has(name)`).
    pub fn has(&self, name: &[u8]) -> Result<bool, HeadersError> {
        // 1. If name is not a header name, throw a TypeError.
        if !is_token(name) {
            return Err(HeadersError::InvalidName);
        }
        // 2. Whether the header list contains name.
        Ok(self.contains(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut of `fetch::apply_guard`: on an `http::HeaderName` and `http::HeaderValue`,
    /// `Guard::Request.validate` lets a header through exactly when its value has no surrounding
    /// whitespace and it is not a forbidden request-header (every `HeaderName` is a token, no
    /// `HeaderValue` holds NUL, LF or CR).
    #[test]
    fn http_types_are_valid() {
        let mut names = 0;
        let mut values = 0;
        for b in 0..=255u8 {
            if let Ok(n) = http::HeaderName::from_bytes(&[b'x', b]) {
                assert!(is_token(n.as_str().as_bytes()), "{b:#04x}");
                names += 1;
            }
            if let Ok(v) = http::HeaderValue::from_bytes(&[b'a', b, b'a']) {
                assert!(check_header_value(v.as_bytes()).is_ok(), "{b:#04x}");
                values += 1;
            }
        }
        // The 77 tchars (an upper-case letter folds to its lower case); every byte but the
        // controls other than tab, and DEL.
        assert_eq!((names, values), (77, 224));
        let mut checked = 0;
        for name in [
            "x-a",
            "accept",
            "sec-x",
            "proxy-a",
            "host",
            "x-http-method-override",
        ] {
            for value in ["1", " 1", "1\t", "TRACE", "get, connect", "", "a\"b"] {
                let (n, v) = (
                    http::HeaderName::from_static(name),
                    http::HeaderValue::from_str(value).expect("a value"),
                );
                let (n, v) = (n.as_str().as_bytes(), v.as_bytes());
                let shortcut = !crate::header::has_surrounding_whitespace(v)
                    && !is_forbidden_request_header(n, v);
                assert_eq!(
                    Guard::Request.validate(n, v) == Ok(true),
                    shortcut,
                    "{name}: {value:?}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 42);
    }

    #[test]
    fn errors_and_guards() {
        let mut h = GuardedHeaders::new(Guard::None);
        assert_eq!(h.append(b"a b", b"x"), Err(HeadersError::InvalidName));
        assert_eq!(
            h.append(b"a", b"x\0y"),
            Err(HeadersError::InvalidValue(HeaderValueError::Nul))
        );
        assert_eq!(h.get(b""), Err(HeadersError::InvalidName));
        let mut i = GuardedHeaders::new(Guard::Immutable);
        assert_eq!(i.set(b"a", b"b"), Err(HeadersError::Immutable));
        assert_eq!(i.delete(b"a"), Err(HeadersError::Immutable));
        let mut r = GuardedHeaders::new(Guard::Response);
        assert_eq!(r.append(b"Set-Cookie", b"a=b"), Ok(false));
        assert_eq!(r.append(b"Cookie", b"a=b"), Ok(true));
    }

    #[test]
    fn append_reuses_casing_and_set_replaces_first() {
        let mut h = GuardedHeaders::new(Guard::None);
        h.append(b"X-A", b"1").unwrap();
        h.append(b"b", b"2").unwrap();
        h.append(b"x-a", b"3").unwrap();
        assert_eq!(
            h.iter().collect::<Vec<_>>(),
            vec![(&b"X-A"[..], &b"1"[..]), (b"b", b"2"), (b"X-A", b"3")]
        );
        h.set(b"x-A", b"4").unwrap();
        assert_eq!(
            h.iter().collect::<Vec<_>>(),
            vec![(&b"X-A"[..], &b"4"[..]), (b"b", b"2")]
        );
        assert_eq!(h.delete(b"X-a"), Ok(true));
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn no_cors_delete_ignores_other_names() {
        let mut h = GuardedHeaders::new(Guard::None);
        h.append(b"x", b"1").unwrap();
        h.guard = Guard::RequestNoCors;
        assert_eq!(h.delete(b"x"), Ok(false));
        assert_eq!(h.has(b"x"), Ok(true));
        assert_eq!(h.delete(b"range"), Ok(false));
    }
}
