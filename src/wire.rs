//! The request [`crate::Fetch::poll`] hands out: method, request target and the header lines a
//! browser puts on the wire for it, in order.
//!
//! A plain list of lines rather than an `http::Request` with its `HeaderMap`: a preflight's
//! eight lines are pushed onto one vector instead of hashed into a map, and a caller that
//! sends through a client of its own (ureq, reqwest, WebAssembly) copies the lines straight
//! into that client's request. [`WireRequest::to_http`] makes the `http::Request` for callers
//! that send one (a `tower` service).

use http::{HeaderMap, HeaderName, HeaderValue, Method};

/// A request's header lines, in the order they go on the wire. Names are `HeaderName`s
/// (lowercase); lookups take a name in any case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WireHeaders {
    lines: Vec<(HeaderName, HeaderValue)>,
}

impl WireHeaders {
    /// An empty list with room for `n` lines.
    pub fn with_capacity(n: usize) -> Self {
        WireHeaders {
            lines: Vec::with_capacity(n),
        }
    }

    /// Appends a line (a name may have several).
    pub fn append(&mut self, name: HeaderName, value: HeaderValue) {
        self.lines.push((name, value));
    }

    /// Sets `name` to `value`: the first line of that name gets the value in its place and any
    /// other line of that name is removed; without one, the line is appended (as
    /// `HeaderMap::insert`).
    pub fn insert(&mut self, name: HeaderName, value: HeaderValue) {
        match self.lines.iter().position(|(n, _)| *n == name) {
            Some(i) => {
                let mut seen = 0;
                self.lines.retain(|(n, _)| {
                    let keep = *n != name || seen == 0;
                    seen += usize::from(*n == name);
                    keep
                });
                if let Some(line) = self.lines.get_mut(i) {
                    line.1 = value;
                }
            }
            None => self.lines.push((name, value)),
        }
    }

    /// The value of the first line named `name` (ASCII case-insensitive).
    pub fn get(&self, name: impl AsRef<str>) -> Option<&HeaderValue> {
        let name = name.as_ref();
        self.lines
            .iter()
            .find(|(n, _)| n.as_str().eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The values of every line named `name` (ASCII case-insensitive), in order.
    pub fn get_all<'a>(
        &'a self,
        name: impl AsRef<str> + 'a,
    ) -> impl Iterator<Item = &'a HeaderValue> + 'a {
        self.lines
            .iter()
            .filter(move |(n, _)| n.as_str().eq_ignore_ascii_case(name.as_ref()))
            .map(|(_, v)| v)
    }

    /// Whether a line is named `name` (ASCII case-insensitive).
    pub fn contains_key(&self, name: impl AsRef<str>) -> bool {
        self.get(name).is_some()
    }

    /// The lines, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> + '_ {
        self.lines.iter().map(|(n, v)| (n, v))
    }

    /// The names of the lines, in order (a name once per line).
    pub fn keys(&self) -> impl Iterator<Item = &HeaderName> + '_ {
        self.lines.iter().map(|(n, _)| n)
    }

    /// The number of lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there is no line.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines as a `HeaderMap` (each name's lines kept in order), with room for as many
    /// lines as this list has.
    pub fn to_header_map(&self) -> HeaderMap {
        let mut map = HeaderMap::with_capacity(self.lines.capacity());
        for (n, v) in &self.lines {
            map.append(n.clone(), v.clone());
        }
        map
    }
}

impl<'a> IntoIterator for &'a WireHeaders {
    type Item = (&'a HeaderName, &'a HeaderValue);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (HeaderName, HeaderValue)>,
        fn(&'a (HeaderName, HeaderValue)) -> (&'a HeaderName, &'a HeaderValue),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.lines.iter().map(|(n, v)| (n, v))
    }
}

impl std::ops::Index<&str> for WireHeaders {
    type Output = HeaderValue;

    /// The value of the first line named `name`, as `HeaderMap`'s index gives it.
    ///
    /// # Panics
    ///
    /// When no line is named `name` (a caller's mistake, as with `HeaderMap`): use
    /// [`WireHeaders::get`] for a name that may be absent.
    fn index(&self, name: &str) -> &HeaderValue {
        match self.get(name) {
            Some(v) => v,
            None => panic!("no header line named {name:?}"),
        }
    }
}

impl From<&HeaderMap> for WireHeaders {
    /// A map's lines in its iteration order (each name's lines together).
    fn from(map: &HeaderMap) -> Self {
        let mut h = WireHeaders::with_capacity(map.len());
        for (n, v) in map {
            h.append(n.clone(), v.clone());
        }
        h
    }
}

/// A request as a browser puts it on the wire for CORS purposes: method, request target
/// (`request::try_request_target`: the URL without fragment or credentials) and header lines.
/// The caller adds its own lines (`Host`, `User-Agent`, cookies when the exchange includes
/// credentials, the body's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireRequest {
    method: Method,
    uri: http::Uri,
    headers: WireHeaders,
}

impl WireRequest {
    /// A request from its parts.
    pub fn new(method: Method, uri: http::Uri, headers: WireHeaders) -> Self {
        WireRequest {
            method,
            uri,
            headers,
        }
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request target, absolute (scheme, authority, path and query).
    pub fn uri(&self) -> &http::Uri {
        &self.uri
    }

    /// The header lines, in order.
    pub fn headers(&self) -> &WireHeaders {
        &self.headers
    }

    /// The header lines, to add the caller's own.
    pub fn headers_mut(&mut self) -> &mut WireHeaders {
        &mut self.headers
    }

    /// Method, request target and header lines.
    pub fn into_parts(self) -> (Method, http::Uri, WireHeaders) {
        (self.method, self.uri, self.headers)
    }

    /// The same request as an `http::Request` with an empty body.
    pub fn to_http(&self) -> http::Request<()> {
        self.clone().into_http()
    }

    /// The request as an `http::Request` with an empty body.
    pub fn into_http(self) -> http::Request<()> {
        let mut request = http::Request::new(());
        *request.headers_mut() = self.headers.to_header_map();
        *request.method_mut() = self.method;
        *request.uri_mut() = self.uri;
        request
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &'static str) -> HeaderValue {
        HeaderValue::from_static(s)
    }

    #[test]
    fn insert_replaces_in_place_and_removes_the_other_lines() {
        let mut h = WireHeaders::default();
        h.append(HeaderName::from_static("a"), v("1"));
        h.append(HeaderName::from_static("b"), v("2"));
        h.append(HeaderName::from_static("a"), v("3"));
        h.append(HeaderName::from_static("c"), v("4"));
        h.insert(HeaderName::from_static("a"), v("5"));
        let lines: Vec<(&str, &[u8])> = h.iter().map(|(n, v)| (n.as_str(), v.as_bytes())).collect();
        assert_eq!(lines, [("a", &b"5"[..]), ("b", b"2"), ("c", b"4")]);
        h.insert(HeaderName::from_static("d"), v("6"));
        assert_eq!(h.len(), 4);
        assert_eq!(h.get("D").map(HeaderValue::as_bytes), Some(&b"6"[..]));
    }

    #[test]
    fn lookups_ignore_case_and_keep_order() {
        let mut h = WireHeaders::default();
        h.append(HeaderName::from_static("x-a"), v("1"));
        h.append(HeaderName::from_static("x-b"), v("2"));
        h.append(HeaderName::from_static("x-a"), v("3"));
        let all: Vec<&[u8]> = h.get_all("X-A").map(HeaderValue::as_bytes).collect();
        assert_eq!(all, [&b"1"[..], b"3"]);
        assert!(h.contains_key(HeaderName::from_static("x-b")));
        assert!(!h.contains_key("x-c"));
        let map = h.to_header_map();
        assert_eq!(map.get_all("x-a").iter().count(), 2);
        assert_eq!(WireHeaders::from(&map).len(), 3);
        let request = WireRequest::new(Method::PUT, "https://a.example/x".parse().unwrap(), h);
        let http = request.to_http();
        assert_eq!(http.method(), Method::PUT);
        assert_eq!(http.uri(), "https://a.example/x");
        assert_eq!(http.headers().len(), 3);
    }
}
