//! Origins (HTML §origin, URL Standard §origin, Fetch §origin-header).
//!
//! An [`Origin`] is either opaque (an internal value equal only to itself) or a tuple
//! (scheme, host, port, domain). This module derives the origin of a URL, serializes origins,
//! parses received `Origin` header values strictly, compares origins (same origin, same origin-domain,
//! same site, schemelessly same site) and decides which `Origin` header a request carries.
//!
//! ```
//! use corsgate::origin::Origin;
//! let url = url::Url::parse("https://example.com:443/path").unwrap();
//! let origin = Origin::of_url(&url);
//! assert_eq!(origin.serialize(), "https://example.com");
//! assert!(origin.same_origin(&Origin::parse_header(b"https://example.com").unwrap()));
//! ```

use std::fmt::{self, Write as _};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use url::{Host, Url};

use crate::header::is_http_whitespace;
use crate::request::{KeywordError, Mode, ResponseTainting};

/// HTML §concept-origin: an opaque origin or a tuple origin.
///
/// `==` is structural (it also compares the tuple's domain); use [`Origin::same_origin`] and
/// [`Origin::same_origin_domain`] for the spec's comparisons.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    /// HTML §concept-origin-opaque: an internal value with no serialization other than `null`.
    Opaque(OpaqueOrigin),
    /// HTML §concept-origin-tuple: (scheme, host, port, domain).
    Tuple(TupleOrigin),
}

/// HTML §concept-origin-opaque: an opaque origin's identity. Every [`Origin::new_opaque`] is
/// distinct; an opaque origin equals only itself and its copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OpaqueOrigin(u64);

/// HTML §concept-origin-tuple: scheme (ASCII lowercase), host, port (`None` is the null port,
/// i.e. the scheme's default port) and domain (`None` unless `document.domain` set one).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TupleOrigin {
    scheme: String,
    host: Host<String>,
    port: Option<u16>,
    domain: Option<String>,
}

/// Source of opaque origin identities, process-wide.
static NEXT_OPAQUE: AtomicU64 = AtomicU64::new(0);

/// URL Standard §special-scheme: the default port of a special scheme (`file` has none).
fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "ftp" => Some(21),
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

impl TupleOrigin {
    /// HTML §concept-origin-scheme.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// HTML §concept-origin-host.
    pub fn host(&self) -> &Host<String> {
        &self.host
    }

    /// HTML §concept-origin-port: `None` is the null port (the scheme's default).
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// HTML §concept-origin-domain: `None` unless set through `document.domain`.
    pub fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }

    /// HTML §concept-origin-domain: set or clear the domain (what `document.domain` does).
    pub fn set_domain(&mut self, domain: Option<String>) {
        self.domain = domain;
    }
}

impl Origin {
    /// HTML §concept-origin-opaque: a new opaque origin, distinct from every other one.
    ///
    /// ```
    /// use corsgate::origin::Origin;
    /// let a = Origin::new_opaque();
    /// assert!(a.same_origin(&a.clone()));
    /// assert!(!a.same_origin(&Origin::new_opaque()));
    /// ```
    pub fn new_opaque() -> Origin {
        Origin::Opaque(OpaqueOrigin(NEXT_OPAQUE.fetch_add(1, Ordering::Relaxed)))
    }

    /// HTML §concept-origin-tuple: a tuple origin with a null domain. The scheme is ASCII
    /// lowercased and a port equal to the scheme's default port is stored as `None` (the null
    /// port), as the URL parser does, so that equal origins compare equal.
    ///
    /// ```
    /// use corsgate::origin::Origin;
    /// let o = Origin::new_tuple("HTTPS", url::Host::Domain("example.com".into()), Some(443));
    /// assert_eq!(o.serialize(), "https://example.com");
    /// ```
    pub fn new_tuple(scheme: &str, host: Host<String>, port: Option<u16>) -> Origin {
        let scheme = scheme.to_ascii_lowercase();
        let port = port.filter(|p| Some(*p) != default_port(&scheme));
        Origin::Tuple(TupleOrigin {
            scheme,
            host,
            port,
            domain: None,
        })
    }

    /// URL Standard §concept-url-origin: the origin of `url`.
    ///
    /// `blob:` URLs have no blob URL store here (sans I/O): the "blob URL entry" of step 1 is
    /// always null, so their origin comes from the URL in their path. `file:` URLs get a new
    /// opaque origin ("when in doubt, return a new opaque origin").
    ///
    /// ```
    /// use corsgate::origin::Origin;
    /// let u = url::Url::parse("blob:https://whatwg.org/d0360e2f").unwrap();
    /// assert_eq!(Origin::of_url(&u).serialize(), "https://whatwg.org");
    /// let u = url::Url::parse("data:text/plain,hi").unwrap();
    /// assert!(Origin::of_url(&u).is_opaque());
    /// ```
    pub fn of_url(url: &Url) -> Origin {
        match url.scheme() {
            "blob" => {
                // 1. A blob URL entry would supply the origin; there is none without a blob store.
                // 2. Let pathURL be the result of parsing the URL path serialization of url.
                //    (`url`'s path() is the path serialization, also for opaque paths.)
                // 3. If pathURL is failure, return a new opaque origin.
                let Ok(path_url) = Url::parse(url.path()) else {
                    return Origin::new_opaque();
                };
                // 4. If pathURL's scheme is "http", "https" or "file", return pathURL's origin.
                if matches!(path_url.scheme(), "http" | "https" | "file") {
                    return Origin::of_url(&path_url);
                }
                // 5. Return a new opaque origin.
                Origin::new_opaque()
            }
            // "ftp", "http", "https", "ws", "wss": the tuple (scheme, host, port, null).
            "ftp" | "http" | "https" | "ws" | "wss" => match url.host() {
                Some(host) => Origin::Tuple(TupleOrigin {
                    scheme: url.scheme().to_owned(),
                    host: host.to_owned(),
                    port: url.port(),
                    domain: None,
                }),
                // Special URLs other than file always have a host; be total anyway.
                None => Origin::new_opaque(),
            },
            // "file": left as an exercise to the reader; when in doubt, a new opaque origin.
            // Otherwise: a new opaque origin.
            _ => Origin::new_opaque(),
        }
    }

    /// HTML §concept-origin-opaque: whether this is an opaque origin.
    pub fn is_opaque(&self) -> bool {
        matches!(self, Origin::Opaque(_))
    }

    /// The tuple, if this is a tuple origin (HTML §concept-origin-tuple).
    pub fn as_tuple(&self) -> Option<&TupleOrigin> {
        match self {
            Origin::Tuple(t) => Some(t),
            Origin::Opaque(_) => None,
        }
    }

    /// HTML §concept-origin-scheme: the scheme of a tuple origin; `None` if opaque.
    pub fn scheme(&self) -> Option<&str> {
        self.as_tuple().map(TupleOrigin::scheme)
    }

    /// HTML §concept-origin-host: the host of a tuple origin; `None` if opaque.
    pub fn host(&self) -> Option<&Host<String>> {
        self.as_tuple().map(TupleOrigin::host)
    }

    /// HTML §concept-origin-port: the port of a tuple origin; `None` if opaque or null.
    pub fn port(&self) -> Option<u16> {
        self.as_tuple().and_then(TupleOrigin::port)
    }

    /// HTML §concept-origin-domain: the domain of a tuple origin; `None` if opaque or null.
    pub fn domain(&self) -> Option<&str> {
        self.as_tuple().and_then(TupleOrigin::domain)
    }

    /// HTML §concept-origin-domain: this origin with its domain set (or cleared). Opaque
    /// origins have no domain and are returned unchanged.
    pub fn with_domain(mut self, domain: Option<String>) -> Origin {
        if let Origin::Tuple(t) = &mut self {
            t.set_domain(domain);
        }
        self
    }

    /// HTML §ascii-serialisation-of-an-origin: `scheme://host[:port]`, or `null` if opaque.
    ///
    /// ```
    /// use corsgate::origin::Origin;
    /// let u = url::Url::parse("http://[::1]:8080/").unwrap();
    /// assert_eq!(Origin::of_url(&u).serialize(), "http://[::1]:8080");
    /// assert_eq!(Origin::new_opaque().serialize(), "null");
    /// ```
    pub fn serialize(&self) -> String {
        // 1. If origin is an opaque origin, then return "null".
        let Origin::Tuple(t) = self else {
            return "null".to_owned();
        };
        // 2. Otherwise, let result be origin's scheme.
        let host_len = match &t.host {
            Host::Domain(domain) => domain.len(),
            _ => 41, // The longest IPv6 serialization, with brackets.
        };
        let mut result = String::with_capacity(t.scheme.len() + 3 + host_len + 6);
        result.push_str(&t.scheme);
        // 3. Append "://" to result.
        result.push_str("://");
        // 4. Append origin's host, serialized, to result (IPv6 in brackets).
        match &t.host {
            Host::Domain(domain) => result.push_str(domain),
            ip => {
                let _ = write!(result, "{ip}");
            }
        }
        // 5. If origin's port is non-null, append ":" and origin's port, serialized.
        if let Some(port) = t.port {
            let _ = write!(result, ":{port}");
        }
        // 6. Return result.
        result
    }

    /// Fetch §byte-serializing-an-origin: the ASCII serialization, isomorphic encoded.
    pub fn byte_serialize(&self) -> Vec<u8> {
        // The ASCII serialization is ASCII, so isomorphic encoding is its UTF-8 bytes.
        self.serialize().into_bytes()
    }

    /// Fetch §origin-header: parse a received `Origin` header value (`origin-or-null`).
    ///
    /// Strict: the value must match the ABNF and be byte-for-byte the ASCII serialization of
    /// the origin it denotes (so no uppercase, no explicit default port, no leading zeros, no
    /// non-canonical IPv4/IPv6 forms, no surrounding whitespace, no path). `null` yields a new
    /// opaque origin.
    ///
    /// ```
    /// use corsgate::origin::{Origin, OriginHeaderError};
    /// assert_eq!(Origin::parse_header(b"https://[::1]:8443").unwrap().serialize(), "https://[::1]:8443");
    /// assert!(Origin::parse_header(b"null").unwrap().is_opaque());
    /// assert_eq!(Origin::parse_header(b"https://a.com:443"), Err(OriginHeaderError::DefaultPort));
    /// assert_eq!(Origin::parse_header(b"https://a.com/"), Err(OriginHeaderError::TrailingPath));
    /// ```
    pub fn parse_header(value: &[u8]) -> Result<Origin, OriginHeaderError> {
        parse_origin_or_null(value)
    }

    /// HTML §same-origin: both the same opaque origin, or tuples with identical scheme, host
    /// and port (the domain is ignored).
    pub fn same_origin(&self, other: &Origin) -> bool {
        match (self, other) {
            // 1. If A and B are the same opaque origin, then return true.
            (Origin::Opaque(a), Origin::Opaque(b)) => a == b,
            // 2. If A and B are both tuple origins and their schemes, hosts, and ports are
            //    identical, then return true.
            (Origin::Tuple(a), Origin::Tuple(b)) => {
                a.scheme == b.scheme && a.host == b.host && a.port == b.port
            }
            // 3. Return false.
            _ => false,
        }
    }

    /// HTML §same-origin between this origin and the origin of `url` (URL §concept-url-origin),
    /// without making the latter when it is a tuple: scheme, host and port compared in place.
    ///
    /// ```
    /// use corsgate::origin::Origin;
    /// let page = Origin::parse_header(b"https://a.example").unwrap();
    /// assert!(page.same_origin_with_url(&"https://A.example:443/x".parse().unwrap()));
    /// assert!(page.same_origin_with_url(&"blob:https://a.example/1".parse().unwrap()));
    /// assert!(!page.same_origin_with_url(&"http://a.example/".parse().unwrap()));
    /// ```
    pub fn same_origin_with_url(&self, url: &Url) -> bool {
        match (self, url.scheme(), url.host()) {
            // The schemes whose URLs' origin is the tuple (scheme, host, port, null).
            (Origin::Tuple(t), "ftp" | "http" | "https" | "ws" | "wss", Some(host)) => {
                t.scheme == url.scheme()
                    && t.port == url.port()
                    && match (&t.host, host) {
                        (Host::Domain(a), Host::Domain(b)) => a == b,
                        (Host::Ipv4(a), Host::Ipv4(b)) => *a == b,
                        (Host::Ipv6(a), Host::Ipv6(b)) => *a == b,
                        _ => false,
                    }
            }
            // Otherwise (`blob:`, opaque origins, an opaque page origin), as the definition reads.
            _ => self.same_origin(&Origin::of_url(url)),
        }
    }

    /// HTML §same-origin-domain: same origin as far as `document.domain` is concerned.
    pub fn same_origin_domain(&self, other: &Origin) -> bool {
        match (self, other) {
            // 1. If A and B are the same opaque origin, then return true.
            (Origin::Opaque(a), Origin::Opaque(b)) => a == b,
            // 2. If A and B are both tuple origins, run these substeps:
            (Origin::Tuple(a), Origin::Tuple(b)) => {
                // 2.1. If A and B's schemes are identical, and their domains are identical and
                //      non-null, then return true.
                if a.scheme == b.scheme && a.domain.is_some() && a.domain == b.domain {
                    return true;
                }
                // 2.2. Otherwise, if A and B are same origin and their domains are both null,
                //      return true.
                a.domain.is_none() && b.domain.is_none() && self.same_origin(other)
            }
            // 3. Return false.
            _ => false,
        }
    }

    /// HTML §same-site: same opaque origin, or tuples with identical schemes that are
    /// schemelessly same site.
    ///
    /// ```
    /// use corsgate::origin::Origin;
    /// let a = Origin::parse_header(b"https://a.example.com").unwrap();
    /// let b = Origin::parse_header(b"http://b.example.com").unwrap();
    /// assert!(a.schemelessly_same_site(&b));
    /// assert!(!a.same_site(&b));
    /// ```
    pub fn same_site(&self, other: &Origin) -> bool {
        match (self, other) {
            // 1. If A and B are the same opaque origin, then return true.
            (Origin::Opaque(a), Origin::Opaque(b)) => a == b,
            // 2. If A and B are both tuple origins, their schemes are identical, and they are
            //    schemelessly same site, then return true.
            (Origin::Tuple(a), Origin::Tuple(b)) => {
                a.scheme == b.scheme && self.schemelessly_same_site(other)
            }
            // 3. Return false.
            _ => false,
        }
    }

    /// HTML §schemelessly-same-site: same opaque origin, or tuples whose hosts are equal and
    /// have no registrable domain, or whose registrable domains are equal and non-null.
    pub fn schemelessly_same_site(&self, other: &Origin) -> bool {
        match (self, other) {
            // 1. If A and B are the same opaque origin, then return true.
            (Origin::Opaque(a), Origin::Opaque(b)) => a == b,
            // 2. If A and B are both tuple origins, then:
            (Origin::Tuple(a), Origin::Tuple(b)) => {
                // 2.1. Let hostA be A's host, and let hostB be B's host.
                schemelessly_same_site_hosts(borrow_host(&a.host), borrow_host(&b.host))
            }
            // 3. Return false.
            _ => false,
        }
    }

    /// [`Origin::same_site`] with the origin of `url` (URL §concept-url-origin), without
    /// building that origin when it is a tuple (no allocation): the fetch machine asks this per
    /// URL of the URL list for `Sec-Fetch-Site`.
    pub(crate) fn same_site_with_url(&self, url: &Url) -> bool {
        // URL §concept-url-origin: "ftp", "http", "https", "ws", "wss" with a host are the tuple
        // (scheme, host, port, null); anything else goes through `Origin::of_url`.
        let host = match url.scheme() {
            "ftp" | "http" | "https" | "ws" | "wss" => url.host(),
            _ => None,
        };
        let Some(host) = host else {
            return self.same_site(&Origin::of_url(url));
        };
        match self {
            // HTML §same-site 1: a new tuple origin is never the same opaque origin.
            Origin::Opaque(_) => false,
            // 2. Identical schemes and schemelessly same site.
            Origin::Tuple(a) => {
                a.scheme == url.scheme() && schemelessly_same_site_hosts(borrow_host(&a.host), host)
            }
        }
    }

    /// Secure Contexts §is-origin-trustworthy: whether this origin is potentially trustworthy.
    ///
    /// ```
    /// use corsgate::origin::Origin;
    /// assert!(Origin::parse_header(b"http://127.0.0.1:8000").unwrap().is_potentially_trustworthy());
    /// assert!(Origin::parse_header(b"http://app.localhost").unwrap().is_potentially_trustworthy());
    /// assert!(!Origin::parse_header(b"http://example.com").unwrap().is_potentially_trustworthy());
    /// ```
    pub fn is_potentially_trustworthy(&self) -> bool {
        // 1. If origin is an opaque origin, return "Not Trustworthy".
        // 2. Assert: origin is a tuple origin.
        let Origin::Tuple(t) = self else {
            return false;
        };
        // 3. If origin's scheme is either "https" or "wss", return "Potentially Trustworthy".
        if t.scheme == "https" || t.scheme == "wss" {
            return true;
        }
        // 4. If origin's host matches 127.0.0.0/8 or ::1/128, return "Potentially Trustworthy".
        match &t.host {
            Host::Ipv4(ip) if ip.is_loopback() => return true,
            Host::Ipv6(ip) if ip.is_loopback() => return true,
            // 5. "localhost", "localhost.", or ending in ".localhost" / ".localhost." (this
            //    crate follows the let-localhost-be-localhost name resolution rules).
            Host::Domain(d) => {
                let d = d.strip_suffix('.').unwrap_or(d);
                if d == "localhost" || d.ends_with(".localhost") {
                    return true;
                }
            }
            _ => {}
        }
        // 6. If origin's scheme is "file", return "Potentially Trustworthy".
        // 7./8. No schemes considered authenticated, no configured trustworthy origins.
        // 9. Return "Not Trustworthy".
        t.scheme == "file"
    }
}

impl fmt::Display for Origin {
    /// HTML §ascii-serialisation-of-an-origin.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.serialize())
    }
}

/// URL Standard §host-registrable-domain: the registrable domain of `host`, or `None` when it
/// has none (IP addresses, hosts that are a public suffix themselves). The `psl-data` feature
/// reads the same list from its text instead of the `psl` crate's compiled code (smaller, for
/// WebAssembly), with the same answers. With both features off there is no Public Suffix List, so every host's registrable domain is null (hosts are
/// then only schemelessly same site with equal hosts).
///
/// ```
/// use corsgate::origin::registrable_domain;
/// use url::Host;
/// # #[cfg(feature = "psl")] {
/// assert_eq!(registrable_domain(&Host::Domain("www.example.com".into())).as_deref(), Some("example.com"));
/// assert_eq!(registrable_domain(&Host::Domain("github.io".into())), None);
/// # }
/// ```
pub fn registrable_domain(host: &Host<String>) -> Option<String> {
    registrable_domain_ref(borrow_host(host)).map(str::to_owned)
}

/// [`registrable_domain`] borrowed from the host (a suffix of its domain): no allocation.
fn registrable_domain_ref(host: Host<&str>) -> Option<&str> {
    // public suffix 1.: a host that is not a domain has a null public suffix.
    let Host::Domain(domain) = host else {
        return None;
    };
    registrable_domain_of(domain)
}

#[cfg(feature = "psl-data")]
fn registrable_domain_of(domain: &str) -> Option<&str> {
    // The same steps and answers as below, from the list's text (src/suffix_list.rs); the
    // result is a suffix of `domain`'s bytes.
    let found = crate::suffix_list::registrable_domain(domain.as_bytes())?;
    std::str::from_utf8(found).ok()
}

#[cfg(all(feature = "psl", not(feature = "psl-data")))]
fn registrable_domain_of(domain: &str) -> Option<&str> {
    // 1. If host's public suffix is null or equals host, return null: `psl::domain` returns
    //    None exactly then.
    // 2.-5. The PSL algorithm's registrable domain, keeping a trailing dot (psl keeps it).
    let found = psl::domain(domain.as_bytes())?;
    // `psl::domain` returns a suffix of its input: the same bytes, borrowed from `domain`.
    let len = found.as_bytes().len();
    domain.get(domain.len().checked_sub(len)?..)
}

#[cfg(not(any(feature = "psl", feature = "psl-data")))]
fn registrable_domain_of(_domain: &str) -> Option<&str> {
    None
}

/// A host borrowed (the URL crate's `Host<&str>`), to compare a stored host with a URL's.
fn borrow_host(host: &Host<String>) -> Host<&str> {
    match host {
        Host::Domain(d) => Host::Domain(d.as_str()),
        Host::Ipv4(a) => Host::Ipv4(*a),
        Host::Ipv6(a) => Host::Ipv6(*a),
    }
}

/// HTML §schemelessly-same-site step 2, on two tuple origins' hosts.
fn schemelessly_same_site_hosts(host_a: Host<&str>, host_b: Host<&str>) -> bool {
    // 2.1. Let hostA be A's host, and let hostB be B's host.
    let reg_a = registrable_domain_ref(host_a.clone());
    // 2.2. If hostA equals hostB and hostA's registrable domain is null, return true.
    if host_a == host_b && reg_a.is_none() {
        return true;
    }
    // 2.3. If hostA's registrable domain equals hostB's registrable domain and is non-null,
    //      then return true.
    reg_a.is_some() && reg_a == registrable_domain_ref(host_b)
}

/// Secure Contexts §is-url-trustworthy: whether `url` is potentially trustworthy.
///
/// `file:` URLs are potentially trustworthy: their origin is implementation-defined (this crate
/// makes it opaque), and Secure Contexts' step 6 of §is-origin-trustworthy treats the `file`
/// scheme as trustworthy.
///
/// ```
/// use corsgate::origin::is_potentially_trustworthy_url;
/// let u = |s| url::Url::parse(s).unwrap();
/// assert!(is_potentially_trustworthy_url(&u("https://example.com/")));
/// assert!(is_potentially_trustworthy_url(&u("http://[::1]/")));
/// assert!(is_potentially_trustworthy_url(&u("about:blank")));
/// assert!(!is_potentially_trustworthy_url(&u("http://example.com/")));
/// ```
pub fn is_potentially_trustworthy_url(url: &Url) -> bool {
    // 1. If url is "about:blank" or "about:srcdoc", return "Potentially Trustworthy".
    //    (HTML §matches-about:blank / §matches-about:srcdoc: scheme "about", that path, no
    //    credentials, no host; query and fragment do not matter.)
    if url.scheme() == "about"
        && (url.path() == "blank" || url.path() == "srcdoc")
        && url.username().is_empty()
        && url.password().is_none()
        && url.host().is_none()
    {
        return true;
    }
    // 2. If url's scheme is "data", return "Potentially Trustworthy".
    // (file: see the doc comment; the origin check's step 6 would say the same.)
    if url.scheme() == "data" || url.scheme() == "file" {
        return true;
    }
    // 3. Return the result of §is-origin-trustworthy on url's origin. An "https" or "wss" URL
    //    with a host has the tuple origin of that scheme (URL §concept-url-origin), which is
    //    potentially trustworthy by §is-origin-trustworthy step 3: answered without building it.
    if matches!(url.scheme(), "https" | "wss") && url.host().is_some() {
        return true;
    }
    Origin::of_url(url).is_potentially_trustworthy()
}

/// Referrer Policy §referrer-policies: a request's referrer policy (the non-empty values; the
/// empty string means "use the policy container's", which is resolved before fetching). The
/// default is `strict-origin-when-cross-origin`, the default referrer policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ReferrerPolicy {
    /// `no-referrer`.
    NoReferrer,
    /// `no-referrer-when-downgrade`.
    NoReferrerWhenDowngrade,
    /// `same-origin`.
    SameOrigin,
    /// `origin`.
    Origin,
    /// `strict-origin`.
    StrictOrigin,
    /// `origin-when-cross-origin`.
    OriginWhenCrossOrigin,
    /// `strict-origin-when-cross-origin` (the default).
    #[default]
    StrictOriginWhenCrossOrigin,
    /// `unsafe-url`.
    UnsafeUrl,
}

const REFERRER_POLICIES: [ReferrerPolicy; 8] = [
    ReferrerPolicy::NoReferrer,
    ReferrerPolicy::NoReferrerWhenDowngrade,
    ReferrerPolicy::SameOrigin,
    ReferrerPolicy::Origin,
    ReferrerPolicy::StrictOrigin,
    ReferrerPolicy::OriginWhenCrossOrigin,
    ReferrerPolicy::StrictOriginWhenCrossOrigin,
    ReferrerPolicy::UnsafeUrl,
];

impl ReferrerPolicy {
    /// Referrer Policy §referrer-policies: the keyword of this policy.
    pub fn as_str(&self) -> &'static str {
        match self {
            ReferrerPolicy::NoReferrer => "no-referrer",
            ReferrerPolicy::NoReferrerWhenDowngrade => "no-referrer-when-downgrade",
            ReferrerPolicy::SameOrigin => "same-origin",
            ReferrerPolicy::Origin => "origin",
            ReferrerPolicy::StrictOrigin => "strict-origin",
            ReferrerPolicy::OriginWhenCrossOrigin => "origin-when-cross-origin",
            ReferrerPolicy::StrictOriginWhenCrossOrigin => "strict-origin-when-cross-origin",
            ReferrerPolicy::UnsafeUrl => "unsafe-url",
        }
    }
}

impl FromStr for ReferrerPolicy {
    type Err = KeywordError;

    /// Referrer Policy §referrer-policies: a keyword, case-sensitively.
    fn from_str(s: &str) -> Result<Self, KeywordError> {
        REFERRER_POLICIES
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| KeywordError {
                what: "referrer policy",
                got: s.to_owned(),
                expected: "no-referrer no-referrer-when-downgrade same-origin origin \
                           strict-origin origin-when-cross-origin \
                           strict-origin-when-cross-origin unsafe-url",
            })
    }
}

impl fmt::Display for ReferrerPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Fetch §concept-request-tainted-origin: a request's redirect-taint, ordered from
/// `same-origin` to `cross-site` (a URL list's taint is the greatest of its steps').
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum RedirectTaint {
    /// `same-origin`: no redirect left the request's origin (or its URLs' origin chain).
    #[default]
    SameOrigin,
    /// `same-site`: some redirect went cross-origin, but stayed same site.
    SameSite,
    /// `cross-site`: some redirect went cross-site.
    CrossSite,
}

/// Fetch §concept-request-tainted-origin: compute the redirect-taint of a request with origin
/// `origin` and URL list `url_list` (the initial URL followed by every redirect target).
///
/// ```
/// use corsgate::origin::{redirect_taint, Origin, RedirectTaint};
/// let u = |s| url::Url::parse(s).unwrap();
/// let origin = Origin::of_url(&u("https://a.example/"));
/// let list = [u("https://b.example/r"), u("https://c.example/")];
/// assert_eq!(redirect_taint(&origin, &list), RedirectTaint::CrossSite);
/// ```
pub fn redirect_taint(origin: &Origin, url_list: &[Url]) -> RedirectTaint {
    // 1. (request's origin is not "client": the caller passes a resolved origin.)
    // 2. Let lastURL be null.
    let mut last: Option<Origin> = None;
    // 3. Let taint be "same-origin".
    let mut taint = RedirectTaint::SameOrigin;
    // 4. For each url of request's URL list:
    for url in url_list {
        let url_origin = Origin::of_url(url);
        // 4.1. If lastURL is null, set lastURL to url and continue.
        // 4.2–4.3. Otherwise the step's taint; "cross-site" returns at once.
        if let Some(last_origin) = &last {
            taint = taint.max(redirect_taint_step(origin, last_origin, &url_origin));
            if taint == RedirectTaint::CrossSite {
                return taint;
            }
        }
        // 4.4. Set lastURL to url.
        last = Some(url_origin);
    }
    // 5. Return taint.
    taint
}

/// Fetch §concept-request-tainted-origin steps 4.2–4.3 for one URL of a request's URL list after
/// the first: what `url_origin` (that URL's origin), following `last_origin` (the previous URL's),
/// makes the taint at least, for a request whose origin is `origin`. The fetch machine folds each
/// redirect in with this as the URL list grows; [`redirect_taint`] is the whole list at once.
///
/// ```
/// use corsgate::origin::{redirect_taint_step, Origin, RedirectTaint};
/// let o = |s: &str| Origin::parse_header(s.as_bytes()).unwrap();
/// let page = o("https://a.example");
/// assert_eq!(redirect_taint_step(&page, &page, &o("https://b.example")), RedirectTaint::SameOrigin);
/// assert_eq!(redirect_taint_step(&page, &o("https://b.example"), &o("https://c.example")), RedirectTaint::CrossSite);
/// ```
pub fn redirect_taint_step(
    origin: &Origin,
    last_origin: &Origin,
    url_origin: &Origin,
) -> RedirectTaint {
    // 4.2. If url's origin is not same site with lastURL's origin and request's origin is not
    //      same site with lastURL's origin, return "cross-site".
    if !url_origin.same_site(last_origin) && !origin.same_site(last_origin) {
        return RedirectTaint::CrossSite;
    }
    // 4.3. If url's origin is not same origin with lastURL's origin and request's origin is not
    //      same origin with lastURL's origin, set taint to "same-site".
    if !url_origin.same_origin(last_origin) && !origin.same_origin(last_origin) {
        return RedirectTaint::SameSite;
    }
    RedirectTaint::SameOrigin
}

/// Fetch §append-a-request-origin-header: the `Origin` header value a request carries, or
/// `None` when none is appended.
///
/// `tainted` is whether the request's redirect-taint is not `same-origin` (see
/// [`redirect_taint`]); `method` is the request's (already normalized) method, compared
/// byte for byte with `GET` and `HEAD`; `current_url` is the request's current URL.
///
/// ```
/// use corsgate::origin::{request_origin_header, Origin, ReferrerPolicy};
/// use corsgate::request::{Mode, ResponseTainting};
/// let origin = Origin::parse_header(b"https://a.example").unwrap();
/// let url = url::Url::parse("https://b.example/x").unwrap();
/// let v = request_origin_header(&origin, false, ResponseTainting::Cors, Mode::Cors, b"GET",
///                               &url, ReferrerPolicy::default());
/// assert_eq!(v.as_deref(), Some("https://a.example"));
/// let v = request_origin_header(&origin, false, ResponseTainting::Basic, Mode::NoCors, b"GET",
///                               &url, ReferrerPolicy::default());
/// assert_eq!(v, None);
/// ```
pub fn request_origin_header(
    origin: &Origin,
    tainted: bool,
    response_tainting: ResponseTainting,
    mode: Mode,
    method: &[u8],
    current_url: &Url,
    referrer_policy: ReferrerPolicy,
) -> Option<String> {
    // 1. (request's origin is not "client": the caller passes a resolved origin.)
    // 2. Let serializedOrigin be the result of byte-serializing a request origin with request
    //    (Fetch §serializing-a-request-origin: `null` if the redirect-taint is not same-origin).
    let serialized = (!tainted).then(|| origin.serialize());
    let serialized_origin = serialized.as_deref().unwrap_or("null");
    origin_header_value(
        origin,
        serialized_origin,
        response_tainting,
        mode,
        method,
        current_url,
        referrer_policy,
    )
    .map(str::to_owned)
}

/// Fetch §append-a-request-origin-header steps 3–4, given serializedOrigin (step 2: the
/// byte-serialized request origin): the value appended, or `None`. See [`request_origin_header`].
pub(crate) fn origin_header_value<'a>(
    origin: &Origin,
    serialized_origin: &'a str,
    response_tainting: ResponseTainting,
    mode: Mode,
    method: &[u8],
    current_url: &Url,
    referrer_policy: ReferrerPolicy,
) -> Option<&'a str> {
    // 3. If response tainting is "cors" or mode is "websocket"/"webtransport" (not modes this
    //    crate models), append (`Origin`, serializedOrigin).
    if response_tainting == ResponseTainting::Cors {
        return Some(serialized_origin);
    }
    // 4. Otherwise, if request's method is neither `GET` nor `HEAD`, then:
    if method == b"GET" || method == b"HEAD" {
        return None;
    }
    // 4.1. If request's mode is not "cors", switch on request's referrer policy:
    if mode != Mode::Cors {
        let null = match referrer_policy {
            // "no-referrer": set serializedOrigin to `null`.
            ReferrerPolicy::NoReferrer => true,
            // "no-referrer-when-downgrade", "strict-origin", "strict-origin-when-cross-origin":
            // `null` if request's origin is a tuple origin whose scheme is "https" and the
            // current URL's scheme is not "https".
            ReferrerPolicy::NoReferrerWhenDowngrade
            | ReferrerPolicy::StrictOrigin
            | ReferrerPolicy::StrictOriginWhenCrossOrigin => {
                origin.scheme() == Some("https") && current_url.scheme() != "https"
            }
            // "same-origin": `null` if request's origin is not same origin with the current
            // URL's origin.
            ReferrerPolicy::SameOrigin => !origin.same_origin_with_url(current_url),
            // Otherwise: do nothing.
            ReferrerPolicy::Origin
            | ReferrerPolicy::OriginWhenCrossOrigin
            | ReferrerPolicy::UnsafeUrl => false,
        };
        if null {
            return Some("null");
        }
    }
    // 4.2. Append (`Origin`, serializedOrigin).
    Some(serialized_origin)
}

/// Why a string is neither a serialized origin nor a URL ([`Origin::parse`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not an origin or a URL ({reason}); expected e.g. https://app.example or null"
)]
pub struct OriginParseError {
    /// The input (shortened to 200 bytes).
    pub input: String,
    /// Why the URL parser refused it.
    pub reason: url::ParseError,
}

impl Origin {
    /// An origin from a string as a user writes it: a serialized origin (`https://app.example`,
    /// `null`, strictly as [`Origin::parse_header`] reads it) or any absolute URL, whose origin
    /// is taken (`https://app.example/page` gives `https://app.example`).
    ///
    /// ```
    /// use corsgate::Origin;
    /// assert_eq!(Origin::parse("https://app.example/page?q").unwrap().serialize(), "https://app.example");
    /// assert!(Origin::parse("null").unwrap().is_opaque());
    /// assert!(Origin::parse("app.example").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Origin, OriginParseError> {
        if let Ok(origin) = Origin::parse_header(input.as_bytes()) {
            return Ok(origin);
        }
        match Url::parse(input) {
            Ok(url) => Ok(Origin::of_url(&url)),
            Err(reason) => {
                let mut end = input.len().min(200);
                while !input.is_char_boundary(end) {
                    end -= 1;
                }
                Err(OriginParseError {
                    input: input[..end].to_owned(),
                    reason,
                })
            }
        }
    }
}

impl FromStr for Origin {
    type Err = OriginParseError;
    fn from_str(s: &str) -> Result<Origin, OriginParseError> {
        Origin::parse(s)
    }
}

impl TryFrom<&str> for Origin {
    type Error = OriginParseError;
    fn try_from(s: &str) -> Result<Origin, OriginParseError> {
        Origin::parse(s)
    }
}

impl TryFrom<String> for Origin {
    type Error = OriginParseError;
    fn try_from(s: String) -> Result<Origin, OriginParseError> {
        Origin::parse(&s)
    }
}

impl From<&Url> for Origin {
    fn from(url: &Url) -> Origin {
        Origin::of_url(url)
    }
}

/// Fetch §origin-header: why a received `Origin` header value is not an `origin-or-null` that
/// is exactly the serialization of an origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum OriginHeaderError {
    /// The value is empty.
    #[error("empty Origin header value")]
    Empty,
    /// The value has leading or trailing HTTP whitespace.
    #[error("Origin header value has surrounding whitespace")]
    Whitespace,
    /// An ASCII upper alpha where the serialization is lowercase (scheme, domain, IPv6 hex, or
    /// `null` in another case).
    #[error("Origin header value contains uppercase letters; the serialization is lowercase")]
    Uppercase,
    /// Neither `null` nor containing `://`.
    #[error("Origin header value has no \"://\" after the scheme")]
    MissingSchemeSeparator,
    /// The scheme is not `serialized-scheme` (lower-alpha *( lower-alphanum / "+" / "-" / "." )).
    #[error("Origin header value has an invalid scheme")]
    BadScheme,
    /// Userinfo (`@`) in the authority; origins have none.
    #[error("Origin header value contains userinfo")]
    UserInfo,
    /// The host is empty.
    #[error("Origin header value has an empty host")]
    EmptyHost,
    /// The host is not `serialized-host`, or the URL host parser rejects it.
    #[error("Origin header value has an invalid host")]
    BadHost,
    /// The host is valid but not in its serialized form (e.g. `0x7f.1`, `[::ffff:1.2.3.4]`).
    #[error("Origin header value's host is not in serialized form")]
    NonCanonicalHost,
    /// The port is not `serialized-port` (1 to 5 digits) or exceeds 65535.
    #[error("Origin header value has an invalid port")]
    BadPort,
    /// The port has leading zeros.
    #[error("Origin header value's port has leading zeros")]
    NonCanonicalPort,
    /// The scheme's default port is written explicitly (the serialization omits it).
    #[error("Origin header value writes the scheme's default port")]
    DefaultPort,
    /// A path, query or fragment follows the host and port.
    #[error("Origin header value has a path, query or fragment")]
    TrailingPath,
}

/// Fetch §origin-header `serialized-scheme`.
fn is_serialized_scheme(s: &[u8]) -> bool {
    match s.split_first() {
        Some((first, rest)) => {
            first.is_ascii_lowercase()
                && rest.iter().all(|&b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')
                })
        }
        None => false,
    }
}

/// Fetch §origin-header `serialized-domain` (which also spells every `serialized-ipv4`).
fn is_serialized_domain(s: &[u8]) -> bool {
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    s.split(|&b| b == b'.').all(|label| {
        // domain-label = lower-alphanum / ( lower-alphanum *( lower-alphanum / "-" ) lower-alphanum )
        match (label.first(), label.last()) {
            (Some(first), Some(last)) => {
                alnum(first) && alnum(last) && label.iter().all(|b| alnum(b) || *b == b'-')
            }
            _ => false,
        }
    })
}

/// Fetch §origin-header: parse `origin-or-null`, strictly (see [`Origin::parse_header`]).
fn parse_origin_or_null(value: &[u8]) -> Result<Origin, OriginHeaderError> {
    use OriginHeaderError as E;
    if value.is_empty() {
        return Err(E::Empty);
    }
    if value.first().copied().is_some_and(is_http_whitespace)
        || value.last().copied().is_some_and(is_http_whitespace)
    {
        return Err(E::Whitespace);
    }
    // origin-or-null = serialized-origin / %s"null" (case-sensitive).
    if value == b"null" {
        return Ok(Origin::new_opaque());
    }
    if value.eq_ignore_ascii_case(b"null") {
        return Err(E::Uppercase);
    }
    // serialized-origin = serialized-scheme "://" serialized-host [ ":" serialized-port ]
    let sep = value
        .windows(3)
        .position(|w| w == b"://")
        .ok_or(E::MissingSchemeSeparator)?;
    let (scheme, rest) = value.split_at(sep);
    let authority = rest.get(3..).unwrap_or_default();
    // Schemes and hosts (domains, IPv6 hex digits) serialize in lowercase.
    if scheme.iter().any(u8::is_ascii_uppercase) {
        return Err(E::Uppercase);
    }
    if !is_serialized_scheme(scheme) {
        return Err(E::BadScheme);
    }
    // serialized-scheme is ASCII, so this cannot fail; stay total anyway.
    let scheme = std::str::from_utf8(scheme).map_err(|_| E::BadScheme)?;
    if authority
        .iter()
        .any(|b| matches!(b, b'/' | b'?' | b'#' | b'\\'))
    {
        return Err(E::TrailingPath);
    }
    if authority.contains(&b'@') {
        return Err(E::UserInfo);
    }
    // serialized-host = serialized-ipv4 / "[" serialized-ipv6 "]" / serialized-domain
    let (host_bytes, port_part) = if authority.first() == Some(&b'[') {
        let close = authority
            .iter()
            .position(|&b| b == b']')
            .ok_or(E::BadHost)?;
        let (host, after) = authority.split_at(close + 1);
        (host, after)
    } else {
        match authority.iter().position(|&b| b == b':') {
            Some(colon) => authority.split_at(colon),
            None => (authority, &b""[..]),
        }
    };
    if host_bytes.is_empty() {
        return Err(E::EmptyHost);
    }
    if host_bytes.iter().any(u8::is_ascii_uppercase) {
        return Err(E::Uppercase);
    }
    let host_str = std::str::from_utf8(host_bytes).map_err(|_| E::BadHost)?;
    if host_bytes.first() != Some(&b'[') && !is_serialized_domain(host_bytes) {
        return Err(E::BadHost);
    }
    // Hosts are parsed as a special URL's host (domain to ASCII, IPv4, IPv6 parsers) ...
    let host = Host::parse(host_str).map_err(|_| E::BadHost)?;
    // ... and must be their own serialization (canonical IPv4, compressed lowercase IPv6,
    // a domain that domain-to-ASCII leaves unchanged).
    if host.to_string() != host_str {
        return Err(E::NonCanonicalHost);
    }
    // [ ":" serialized-port ], serialized-port = 1*5DIGIT
    let port = match port_part.split_first() {
        None => None,
        Some((b':', digits)) => {
            if digits.is_empty() || digits.len() > 5 || !digits.iter().all(u8::is_ascii_digit) {
                return Err(E::BadPort);
            }
            let port = digits
                .iter()
                .try_fold(0u32, |acc, d| {
                    acc.checked_mul(10)?.checked_add(u32::from(d - b'0'))
                })
                .and_then(|p| u16::try_from(p).ok())
                .ok_or(E::BadPort)?;
            if digits.len() > 1 && digits.first() == Some(&b'0') {
                return Err(E::NonCanonicalPort);
            }
            if Some(port) == default_port(scheme) {
                return Err(E::DefaultPort);
            }
            Some(port)
        }
        // Something other than ":" right after a bracketed IPv6 address.
        Some(_) => return Err(E::BadHost),
    };
    Ok(Origin::Tuple(TupleOrigin {
        scheme: scheme.to_owned(),
        host,
        port,
        domain: None,
    }))
}
