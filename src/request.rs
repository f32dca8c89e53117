//! The request description a fetch starts from: modes, credentials, redirect mode and the
//! network partition key (Fetch §requests, <https://fetch.spec.whatwg.org/#requests>).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// Fetch §concept-request-mode. `navigate` and `websocket` are out of scope for a CORS engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// `same-origin`: a cross-origin URL is a network error.
    SameOrigin,
    /// `no-cors`: cross-origin responses are opaque; only safelisted methods and headers.
    NoCors,
    /// `cors`: cross-origin requests use the CORS protocol (the `fetch()` default).
    #[default]
    Cors,
}

/// Fetch §concept-request-credentials-mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CredentialsMode {
    /// `omit`: never send credentials.
    Omit,
    /// `same-origin`: send credentials to same-origin URLs only (the `fetch()` default).
    #[default]
    SameOrigin,
    /// `include`: always send credentials; CORS then requires `Access-Control-Allow-Credentials`.
    Include,
}

/// Fetch §concept-request-redirect-mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RedirectMode {
    /// `follow`: follow redirects (the default).
    #[default]
    Follow,
    /// `error`: a redirect is a network error.
    Error,
    /// `manual`: a redirect yields an opaque-redirect filtered response.
    Manual,
}

/// Fetch §concept-request-response-tainting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ResponseTainting {
    /// `basic`: same-origin; the response is filtered as basic.
    #[default]
    Basic,
    /// `cors`: the CORS protocol applies; the response is CORS-filtered.
    Cors,
    /// `opaque`: a no-cors cross-origin fetch; the response is opaque.
    Opaque,
}

/// The network partition key (Fetch §network-partition-key): opaque bytes the embedder chooses
/// (typically the top-level site), compared byte for byte. The default is the empty key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PartitionKey(Arc<[u8]>);

impl PartitionKey {
    /// A key made of these bytes.
    pub fn new(bytes: impl AsRef<[u8]>) -> Self {
        PartitionKey(Arc::from(bytes.as_ref()))
    }

    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// A keyword that is not one of an enum's spec values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{got}` is not a valid {what}; expected one of: {expected}")]
pub struct KeywordError {
    /// What was being parsed (e.g. "request mode").
    pub what: &'static str,
    /// The input.
    pub got: String,
    /// The accepted keywords, comma-separated.
    pub expected: &'static str,
}

macro_rules! keywords {
    ($ty:ident, $what:literal, $($kw:literal => $v:ident),+ $(,)?) => {
        impl $ty {
            /// The spec keyword of this value.
            pub fn as_str(&self) -> &'static str {
                match self { $($ty::$v => $kw),+ }
            }
        }
        impl FromStr for $ty {
            type Err = KeywordError;
            fn from_str(s: &str) -> Result<Self, KeywordError> {
                match s {
                    $($kw => Ok($ty::$v),)+
                    _ => Err(KeywordError {
                        what: $what,
                        got: s.to_owned(),
                        expected: concat!($($kw, " "),+),
                    }),
                }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keywords!(Mode, "request mode", "same-origin" => SameOrigin, "no-cors" => NoCors, "cors" => Cors);
keywords!(CredentialsMode, "credentials mode", "omit" => Omit, "same-origin" => SameOrigin, "include" => Include);
keywords!(RedirectMode, "redirect mode", "follow" => Follow, "error" => Error, "manual" => Manual);
keywords!(ResponseTainting, "response tainting", "basic" => Basic, "cors" => Cors, "opaque" => Opaque);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_round_trip() {
        for m in [Mode::SameOrigin, Mode::NoCors, Mode::Cors] {
            assert_eq!(m.as_str().parse::<Mode>(), Ok(m));
        }
        assert!("navigate".parse::<Mode>().is_err());
        assert_eq!("include".parse(), Ok(CredentialsMode::Include));
        assert_eq!("manual".parse(), Ok(RedirectMode::Manual));
        assert!("Include".parse::<CredentialsMode>().is_err());
    }
}

/// A request as script or an embedder describes it before any fetch step runs: the inputs of
/// the `Request` constructor and `fetch()` (Fetch §requests, §dom-request). (Named apart from
/// `http::Request`, which is what goes on the wire.)
///
/// Build one from strings with [`FetchRequest::builder`] (errors are typed, as with
/// `http::request::Builder`), or from parsed values with [`FetchRequest::new`]:
///
/// ```
/// use corsgate::{CredentialsMode, FetchRequest, Origin};
/// let req = FetchRequest::builder()
///     .origin("https://app.example")
///     .url("https://api.example/items")
///     .method("PUT")
///     .header("x-token", "1")
///     .credentials(CredentialsMode::Include)
///     .build()
///     .unwrap();
/// assert_eq!(req.method, http::Method::PUT);
///
/// let page = Origin::of_url(&"https://app.example/".parse().unwrap());
/// let same = FetchRequest::new(page, "https://api.example/items".parse().unwrap())
///     .method(http::Method::PUT)
///     .header(http::HeaderName::from_static("x-token"), http::HeaderValue::from_static("1"));
/// assert_eq!(same.headers, req.headers);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FetchRequest {
    /// The request's origin: the origin of the page that fetches.
    pub origin: crate::origin::Origin,
    /// The request's URL.
    pub url: url::Url,
    /// The method as script wrote it; `start` normalizes it (Fetch §concept-method-normalize).
    pub method: http::Method,
    /// The header list as script built it, in order; forbidden headers are dropped at start.
    pub headers: http::HeaderMap,
    /// The request's mode.
    pub mode: Mode,
    /// The request's credentials mode.
    pub credentials: CredentialsMode,
    /// The request's redirect mode.
    pub redirect: RedirectMode,
    /// Whether the request has a body.
    pub body: bool,
    /// Whether the body is a stream (a `ReadableStream`, whose body source is null): it cannot
    /// be sent again, so a redirect other than 303 fails (Fetch §http-redirect-fetch step 11).
    pub body_is_stream: bool,
    /// The use-CORS-preflight flag (set by XMLHttpRequest upload listeners; never by `fetch()`).
    pub use_cors_preflight: bool,
    /// The network partition key the preflight cache is keyed by.
    pub partition: PartitionKey,
    /// The request's referrer policy (used by "append a request `Origin` header").
    pub referrer_policy: crate::origin::ReferrerPolicy,
    /// The request's destination (Fetch §concept-request-destination; `fetch()`'s is the empty
    /// string): `Sec-Fetch-Dest`, and whether it is a navigation request.
    pub destination: crate::metadata::Destination,
    /// The embedder policy of the request's client (its `Cross-Origin-Embedder-Policy`), read by
    /// the cross-origin resource policy check.
    pub embedder_policy: crate::corp::EmbedderPolicy,
    /// The request's user-activation (a navigation with transient activation:
    /// `Sec-Fetch-User: ?1`).
    pub user_activation: bool,
}

/// The request description's former name (it read like `http::Request`).
#[deprecated(
    since = "0.2.0",
    note = "renamed `FetchRequest` (apart from `http::Request`)"
)]
pub type Request = FetchRequest;

impl FetchRequest {
    /// A builder taking strings and anything `TryInto` the `http` types, as
    /// `http::request::Builder` does; the first error is returned by [`RequestBuilder::build`].
    pub fn builder() -> RequestBuilder {
        // The origin and URL are set by `build`; until then, placeholders.
        let placeholder = url::Url::parse("about:blank").expect("about:blank parses");
        RequestBuilder {
            origin: None,
            url: None,
            request: FetchRequest::new(crate::origin::Origin::new_opaque(), placeholder),
            error: None,
        }
    }

    /// A `GET` in `cors` mode with credentials mode `same-origin`, as `fetch(url)` makes.
    pub fn new(origin: crate::origin::Origin, url: url::Url) -> FetchRequest {
        FetchRequest {
            origin,
            url,
            method: http::Method::GET,
            headers: http::HeaderMap::new(),
            mode: Mode::Cors,
            credentials: CredentialsMode::SameOrigin,
            redirect: RedirectMode::Follow,
            body: false,
            body_is_stream: false,
            use_cors_preflight: false,
            partition: PartitionKey::default(),
            referrer_policy: crate::origin::ReferrerPolicy::default(),
            destination: crate::metadata::Destination::Empty,
            embedder_policy: crate::corp::EmbedderPolicy::UnsafeNone,
            user_activation: false,
        }
    }

    /// Sets the method.
    pub fn method(mut self, method: http::Method) -> FetchRequest {
        self.method = method;
        self
    }

    /// Appends a header (as `Headers.append` would).
    pub fn header(mut self, name: http::HeaderName, value: http::HeaderValue) -> FetchRequest {
        self.headers.append(name, value);
        self
    }

    /// Sets the mode.
    pub fn mode(mut self, mode: Mode) -> FetchRequest {
        self.mode = mode;
        self
    }

    /// Sets the credentials mode.
    pub fn credentials(mut self, credentials: CredentialsMode) -> FetchRequest {
        self.credentials = credentials;
        self
    }

    /// Sets the redirect mode.
    pub fn redirect(mut self, redirect: RedirectMode) -> FetchRequest {
        self.redirect = redirect;
        self
    }

    /// Marks the request as having a body (or not).
    pub fn body(mut self, body: bool) -> FetchRequest {
        self.body = body;
        self
    }

    /// Gives the request a body that is a stream (its source is null): see
    /// [`Request::body_is_stream`].
    pub fn stream_body(mut self) -> FetchRequest {
        self.body = true;
        self.body_is_stream = true;
        self
    }

    /// Sets the network partition key.
    pub fn partition(mut self, partition: PartitionKey) -> FetchRequest {
        self.partition = partition;
        self
    }

    /// Sets the destination (Fetch §concept-request-destination).
    pub fn destination(mut self, destination: crate::metadata::Destination) -> Self {
        self.destination = destination;
        self
    }

    /// Sets the embedder policy of the request's client.
    pub fn embedder_policy(mut self, policy: crate::corp::EmbedderPolicy) -> Self {
        self.embedder_policy = policy;
        self
    }
}

/// Why a [`RequestBuilder`] could not build a [`FetchRequest`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No origin was given ([`RequestBuilder::origin`]).
    #[error(
        "the request has no origin: call .origin(\"https://app.example\") (the page's origin)"
    )]
    MissingOrigin,
    /// No URL was given ([`RequestBuilder::url`]).
    #[error("the request has no URL: call .url(\"https://api.example/…\")")]
    MissingUrl,
    /// The origin is neither a serialized origin nor a URL.
    #[error(transparent)]
    Origin(#[from] crate::origin::OriginParseError),
    /// The URL does not parse.
    #[error("the URL does not parse: {0}")]
    Url(#[from] url::ParseError),
    /// A method, header name or header value is invalid (as `http` judges it).
    #[error("{0}")]
    Http(#[from] http::Error),
}

impl From<std::convert::Infallible> for BuildError {
    fn from(never: std::convert::Infallible) -> BuildError {
        match never {}
    }
}

/// Builds a [`FetchRequest`] from strings and anything `TryInto` the `http` types (as
/// `http::request::Builder` does): the first invalid input is kept and returned by
/// [`RequestBuilder::build`]. Made by [`FetchRequest::builder`].
#[derive(Debug)]
#[must_use]
pub struct RequestBuilder {
    origin: Option<crate::origin::Origin>,
    url: Option<url::Url>,
    /// Everything but the origin and URL (which `build` sets).
    request: FetchRequest,
    error: Option<BuildError>,
}

impl RequestBuilder {
    fn keep_first(&mut self, error: BuildError) {
        self.error.get_or_insert(error);
    }

    /// The page's origin: an origin, a string ([`crate::origin::Origin::parse`]: a serialized
    /// origin or a URL) or a `&Url`.
    pub fn origin<T>(mut self, origin: T) -> Self
    where
        T: TryInto<crate::origin::Origin>,
        T::Error: Into<BuildError>,
    {
        match origin.try_into() {
            Ok(origin) => self.origin = Some(origin),
            Err(error) => self.keep_first(error.into()),
        }
        self
    }

    /// The URL: a `url::Url` or a string.
    pub fn url<T>(mut self, url: T) -> Self
    where
        T: TryInto<url::Url>,
        T::Error: Into<BuildError>,
    {
        match url.try_into() {
            Ok(url) => self.url = Some(url),
            Err(error) => self.keep_first(error.into()),
        }
        self
    }

    /// The method (`"PUT"`, or an `http::Method`).
    pub fn method<T>(mut self, method: T) -> Self
    where
        T: TryInto<http::Method>,
        T::Error: Into<http::Error>,
    {
        match method.try_into() {
            Ok(method) => self.request.method = method,
            Err(error) => self.keep_first(BuildError::Http(error.into())),
        }
        self
    }

    /// Appends a header (as `Headers.append` would): names and values as strings, bytes or
    /// the `http` types.
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<http::HeaderName>,
        K::Error: Into<http::Error>,
        V: TryInto<http::HeaderValue>,
        V::Error: Into<http::Error>,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(value)) => {
                self.request.headers.append(name, value);
            }
            (Err(error), _) => self.keep_first(BuildError::Http(error.into())),
            (_, Err(error)) => self.keep_first(BuildError::Http(error.into())),
        }
        self
    }

    /// The mode.
    pub fn mode(mut self, mode: Mode) -> Self {
        self.request.mode = mode;
        self
    }

    /// The credentials mode.
    pub fn credentials(mut self, credentials: CredentialsMode) -> Self {
        self.request.credentials = credentials;
        self
    }

    /// The redirect mode.
    pub fn redirect(mut self, redirect: RedirectMode) -> Self {
        self.request.redirect = redirect;
        self
    }

    /// Whether the request has a body (see [`FetchRequest::body`]).
    pub fn body(mut self, body: bool) -> Self {
        self.request.body = body;
        self
    }

    /// A body that is a stream (see [`FetchRequest::body_is_stream`]).
    pub fn stream_body(mut self) -> Self {
        self.request = self.request.stream_body();
        self
    }

    /// The network partition key.
    pub fn partition(mut self, partition: PartitionKey) -> Self {
        self.request.partition = partition;
        self
    }

    /// The request, or the first invalid input.
    pub fn build(self) -> Result<FetchRequest, BuildError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let mut request = self.request;
        request.origin = self.origin.ok_or(BuildError::MissingOrigin)?;
        request.url = self.url.ok_or(BuildError::MissingUrl)?;
        Ok(request)
    }
}

/// The request-target an HTTP client sends for `url` (absolute form): the URL without fragment
/// and without credentials (a client sends those, if at all, as `Authorization`).
///
/// Characters `http::Uri` does not accept are percent-encoded, so almost any HTTP(S) URL gives a
/// target; for the few that cannot ([`try_request_target`] says why) this returns `/`. The fetch
/// machine never hands out such a URL.
///
/// ```
/// let url = url::Url::parse("https://u:p@api.example/a?b#c").unwrap();
/// assert_eq!(corsgate::request::request_target(&url), "https://api.example/a?b");
/// ```
pub fn request_target(url: &url::Url) -> http::Uri {
    try_request_target(url).unwrap_or_default()
}

/// The most bytes an `http::Uri` holds.
pub const MAX_TARGET_LEN: usize = u16::MAX as usize - 1;

/// Why a URL cannot be an `http::Uri` request target.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// Longer than [`MAX_TARGET_LEN`] bytes once escaped (the length is given).
    #[error("the URL is {0} bytes long; a request target holds at most 65 534")]
    TooLong(usize),
    /// The host holds code points the URL Standard allows in a domain but an `http::Uri`
    /// authority cannot carry, even percent-encoded: `"`, `` ` ``, `{`, `}`.
    #[error("the host `{0}` holds characters a request target cannot carry")]
    Host(String),
    /// Not an HTTP(S) URL that `http::Uri` can hold (e.g. `blob:`, `file:`).
    #[error("a {0}: URL is not an HTTP request target")]
    Scheme(String),
}

/// [`request_target`], or why `url` cannot be one.
///
/// ```
/// use corsgate::request::{try_request_target, TargetError};
/// let long = url::Url::parse(&format!("https://api.example/{}", "a".repeat(70_000))).unwrap();
/// assert!(matches!(try_request_target(&long), Err(TargetError::TooLong(_))));
/// let quote = url::Url::parse("https://a\"b.example/").unwrap();
/// assert_eq!(try_request_target(&quote), Err(TargetError::Host("a\"b.example".into())));
/// ```
pub fn try_request_target(url: &url::Url) -> Result<http::Uri, TargetError> {
    // The serialization without fragment and credentials: up to the end of the query when there
    // are no credentials (the common case: no copy of the URL), else a copy without them. (A
    // URL with an opaque path takes the copy too: removing its fragment may strip spaces.)
    let without_credentials;
    let target = if url.username().is_empty() && url.password().is_none() && !url.cannot_be_a_base()
    {
        &url[..url::Position::AfterQuery]
    } else {
        let mut copy = url.clone();
        copy.set_fragment(None);
        let _ = copy.set_username("");
        let _ = copy.set_password(None);
        without_credentials = copy;
        without_credentials.as_str()
    };
    if let Ok(uri) = target.parse() {
        return Ok(uri);
    }
    let mut escaped = String::with_capacity(target.len() + 16);
    for b in target.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b) {
            escaped.push(char::from(b));
        } else {
            escaped.push_str(&format!("%{b:02X}"));
        }
    }
    if let Ok(uri) = escaped.parse() {
        return Ok(uri);
    }
    Err(if escaped.len() > MAX_TARGET_LEN {
        TargetError::TooLong(escaped.len())
    } else if matches!(url.scheme(), "http" | "https") {
        TargetError::Host(url.host_str().unwrap_or_default().to_owned())
    } else {
        TargetError::Scheme(url.scheme().to_owned())
    })
}
