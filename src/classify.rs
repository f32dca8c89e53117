//! The request classifier: which branch of main fetch a request takes, and why
//! (Fetch §main-fetch step 12, §http-fetch step 5.1, §cors-preflight-fetch-0 steps 2–3).
//!
//! This is a pure function of the request's current state; the [`crate::fetch`] state machine
//! calls it once per hop (the first URL and every redirect target), and the CLI calls it to
//! explain a request offline.

use http::{HeaderMap, HeaderName, Method};
use url::Url;

use crate::origin::Origin;
use crate::policy::{HeaderJudging, Policy};
use crate::request::{Mode, ResponseTainting};
use crate::{method, safelist};

/// The request state main fetch looks at (Fetch §concept-request).
#[derive(Debug, Clone, Copy)]
pub struct HopView<'a> {
    /// The request's origin (the page's origin).
    pub origin: &'a Origin,
    /// The request's current URL.
    pub url: &'a Url,
    /// The request's method (already normalized).
    pub method: &'a Method,
    /// The request's header list (forbidden headers already removed).
    pub headers: &'a HeaderMap,
    /// The request's mode.
    pub mode: Mode,
    /// The request's response tainting so far (`Basic` on the first hop).
    pub tainting: ResponseTainting,
    /// The use-CORS-preflight flag (Fetch §use-cors-preflight-flag).
    pub use_cors_preflight: bool,
}

/// Why a CORS request needs a preflight (Fetch §main-fetch step 12, the preflight branch).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PreflightReasons {
    /// The method is not a CORS-safelisted method (`GET`, `HEAD`, `POST`).
    pub method_not_safelisted: bool,
    /// The use-CORS-preflight flag is set.
    pub forced: bool,
    /// Required by engine behaviour rather than this hop's method and headers: an earlier hop
    /// of the fetch needed a preflight, or the script's original headers did
    /// (`Policy::sticky_preflight`, `Policy::headers_after_redirect`).
    pub inherited: bool,
    /// The CORS-unsafe request-header names, sorted and lowercase, as they go into
    /// `Access-Control-Request-Headers` under the policy (Fetch §cors-unsafe-request-header-names).
    /// Each is the request's own `HeaderName` (a clone shares its bytes: no copy per name).
    pub unsafe_headers: Vec<HeaderName>,
}

impl PreflightReasons {
    /// True when any reason calls for a preflight.
    pub fn any(&self) -> bool {
        self.method_not_safelisted
            || self.forced
            || self.inherited
            || !self.unsafe_headers.is_empty()
    }
}

/// The branch of main fetch a hop takes (Fetch §main-fetch step 12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Branch {
    /// Same origin with tainting still `basic`: a basic response, no CORS protocol.
    SameOrigin,
    /// `no-cors` mode, cross-origin: an opaque response.
    NoCors,
    /// The URL's port is a bad port (Fetch §block-bad-port): a network error, in every mode.
    BadPort(u16),
    /// `same-origin` mode but the URL is cross-origin: a network error.
    SameOriginModeCrossOrigin,
    /// `no-cors` mode with a redirect mode other than `follow`: a network error.
    NoCorsRedirectNotFollow,
    /// A CORS request to a URL whose scheme is not `http`/`https`: a network error.
    NonHttpScheme,
    /// A CORS request. `preflight` says why it needs a preflight, if it does (the cache may still
    /// make the preflight unnecessary: see [`crate::fetch`]).
    Cors {
        /// Reasons for a preflight; `None` when none applies (a "simple" request).
        preflight: Option<PreflightReasons>,
    },
}

/// Fetch §main-fetch step 12: decide which branch this hop takes.
///
/// `redirect_follow` is whether the request's redirect mode is `follow` (no-cors requires it).
///
/// ```
/// use corsgate::classify::{classify, Branch, HopView};
/// use corsgate::origin::Origin;
/// use corsgate::policy::Policy;
/// use corsgate::request::{Mode, ResponseTainting};
/// let page = Origin::of_url(&"https://app.example/".parse().unwrap());
/// let url = "https://api.example/v1".parse().unwrap();
/// let mut headers = http::HeaderMap::new();
/// headers.insert("x-token", "1".parse().unwrap());
/// let hop = HopView {
///     origin: &page, url: &url, method: &http::Method::GET, headers: &headers,
///     mode: Mode::Cors, tainting: ResponseTainting::Basic, use_cors_preflight: false,
/// };
/// match classify(&hop, true, &Policy::spec()) {
///     Branch::Cors { preflight: Some(why) } => assert_eq!(why.unsafe_headers, ["x-token"]),
///     other => panic!("{other:?}"),
/// }
/// ```
pub fn classify(hop: &HopView<'_>, redirect_follow: bool, policy: &Policy) -> Branch {
    // Step 7: should the request be blocked due to a bad port?
    if matches!(hop.url.scheme(), "http" | "https") {
        if let Some(port) = hop.url.port().filter(|&p| is_bad_port(p)) {
            return Branch::BadPort(port);
        }
    }
    // Step 12, "current URL's origin is same origin with request's origin, and response
    // tainting is basic" (the data:, navigate and websocket cases are out of scope).
    if hop.tainting == ResponseTainting::Basic && hop.origin.same_origin_with_url(hop.url) {
        return Branch::SameOrigin;
    }
    match hop.mode {
        // "request's mode is same-origin": a network error.
        Mode::SameOrigin => Branch::SameOriginModeCrossOrigin,
        // "request's mode is no-cors": step 12.1, then opaque tainting.
        Mode::NoCors if !redirect_follow => Branch::NoCorsRedirectNotFollow,
        Mode::NoCors => Branch::NoCors,
        Mode::Cors => {
            // "current URL's scheme is not an HTTP(S) scheme": a network error.
            if !matches!(hop.url.scheme(), "http" | "https") {
                return Branch::NonHttpScheme;
            }
            // The preflight branch: use-CORS-preflight flag, or (unsafe-request flag, always set
            // by fetch()) a non-safelisted method or CORS-unsafe request-header names.
            let reasons = PreflightReasons {
                method_not_safelisted: !method::is_cors_safelisted_method(
                    hop.method.as_str().as_bytes(),
                ),
                forced: hop.use_cors_preflight,
                inherited: false,
                unsafe_headers: unsafe_header_names(hop.headers, policy),
            };
            Branch::Cors {
                preflight: reasons.any().then_some(reasons),
            }
        }
    }
}

/// Fetch §cors-unsafe-request-header-names over a `HeaderMap`, as the policy judges it: per
/// header-list entry (the standard) or on each name's combined value (Chromium, WebKit); with or
/// without the 1024-byte total rule; listing a duplicated name once (a set, the standard) or once
/// per unsafe entry (Firefox).
///
/// ```
/// use corsgate::classify::unsafe_header_names;
/// use corsgate::policy::Policy;
/// let mut h = http::HeaderMap::new();
/// h.append("x-a", "1".parse().unwrap());
/// h.append("x-a", "2".parse().unwrap());
/// assert_eq!(unsafe_header_names(&h, &Policy::spec()), ["x-a"]);
/// assert_eq!(unsafe_header_names(&h, &Policy::firefox()), ["x-a", "x-a"]);
/// ```
pub fn unsafe_header_names(headers: &HeaderMap, policy: &Policy) -> Vec<HeaderName> {
    // Each entry on its own; also the combined judging when no name has several lines (each
    // value is then its name's combined value).
    let per_entry =
        policy.header_judging == HeaderJudging::PerEntry || headers.len() == headers.keys_len();
    // A `HeaderName` is lowercase ASCII already: it is the lowercased name.
    let name_string = |n: &HeaderName| n.clone();
    let mut names = if per_entry {
        safelist::unsafe_entries(
            headers.iter().map(|(n, v)| (n, v.as_bytes())),
            policy.unsafe_total_rule,
            policy.safelist,
            true,
            name_string,
        )
    } else {
        // Borrowed unless a name has several lines (then combined with `, `).
        let combined: Vec<(&HeaderName, std::borrow::Cow<'_, [u8]>)> = headers
            .keys()
            .map(|n| (n, crate::header::get_ref(headers, n).unwrap_or_default()))
            .collect();
        safelist::unsafe_entries(
            combined.iter().map(|(n, v)| (*n, &v[..])),
            policy.unsafe_total_rule,
            policy.safelist,
            true,
            name_string,
        )
    };
    if !policy.acrh_lists_duplicates {
        names.dedup();
    }
    names
}

/// Fetch §bad-port: the ports no HTTP(S) fetch may use (they belong to other protocols that a
/// crafted request could confuse).
///
/// ```
/// assert!(corsgate::classify::is_bad_port(25));
/// assert!(!corsgate::classify::is_bad_port(8080));
/// ```
pub fn is_bad_port(port: u16) -> bool {
    const BAD: [u16; 83] = [
        0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95,
        101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179,
        389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601,
        636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566,
        6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
    ];
    BAD.binary_search(&port).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn hop_branch(
        page: &str,
        url: &str,
        method: Method,
        headers: &[(&'static str, &'static str)],
        mode: Mode,
        policy: &Policy,
    ) -> Branch {
        let page = Origin::of_url(&page.parse().unwrap());
        let url: Url = url.parse().unwrap();
        let mut map = HeaderMap::new();
        for (n, v) in headers {
            map.append(*n, HeaderValue::from_static(v));
        }
        classify(
            &HopView {
                origin: &page,
                url: &url,
                method: &method,
                headers: &map,
                mode,
                tainting: ResponseTainting::Basic,
                use_cors_preflight: false,
            },
            true,
            policy,
        )
    }

    const A: &str = "https://app.example/";
    const B: &str = "https://api.example/x";

    #[test]
    fn step_7_bad_ports_block_every_mode() {
        let spec = Policy::spec();
        for mode in [Mode::Cors, Mode::NoCors, Mode::SameOrigin] {
            let b = hop_branch(A, "http://app.example:25/", Method::GET, &[], mode, &spec);
            assert_eq!(b, Branch::BadPort(25));
        }
        // The default port of the scheme is not written in the URL, and is not bad.
        let b = hop_branch(
            A,
            "http://app.example:80/",
            Method::GET,
            &[],
            Mode::NoCors,
            &spec,
        );
        assert_eq!(b, Branch::NoCors);
    }

    #[test]
    fn step_12_branches() {
        let spec = Policy::spec();
        let same = hop_branch(
            A,
            "https://app.example/y",
            Method::PUT,
            &[],
            Mode::SameOrigin,
            &spec,
        );
        assert_eq!(same, Branch::SameOrigin);
        let b = hop_branch(A, B, Method::GET, &[], Mode::SameOrigin, &spec);
        assert_eq!(b, Branch::SameOriginModeCrossOrigin);
        assert_eq!(
            hop_branch(A, B, Method::GET, &[], Mode::NoCors, &spec),
            Branch::NoCors
        );
        let b = hop_branch(
            A,
            "ftp://api.example/x",
            Method::GET,
            &[],
            Mode::Cors,
            &spec,
        );
        assert_eq!(b, Branch::NonHttpScheme);
        let simple = hop_branch(
            A,
            B,
            Method::POST,
            &[("content-type", "text/plain")],
            Mode::Cors,
            &spec,
        );
        assert_eq!(simple, Branch::Cors { preflight: None });
    }

    #[test]
    fn preflight_reasons_name_the_method_and_headers() {
        let spec = Policy::spec();
        let b = hop_branch(
            A,
            B,
            Method::PATCH,
            &[("X-B", "1"), ("x-a", "2")],
            Mode::Cors,
            &spec,
        );
        let Branch::Cors { preflight: Some(r) } = b else {
            panic!("{b:?}")
        };
        assert!(r.method_not_safelisted && !r.forced && !r.inherited);
        assert_eq!(r.unsafe_headers, ["x-a", "x-b"]);
    }

    #[test]
    fn duplicate_headers_per_entry_or_combined() {
        let two = [
            ("content-type", "text/plain"),
            ("content-type", "text/plain"),
        ];
        let spec = hop_branch(A, B, Method::POST, &two, Mode::Cors, &Policy::spec());
        assert_eq!(spec, Branch::Cors { preflight: None });
        let chromium = hop_branch(A, B, Method::POST, &two, Mode::Cors, &Policy::chromium());
        let Branch::Cors { preflight: Some(r) } = chromium else {
            panic!("{chromium:?}")
        };
        assert_eq!(r.unsafe_headers, ["content-type"]);
        let dup = [("x-a", "1"), ("x-a", "2")];
        let ff = hop_branch(A, B, Method::GET, &dup, Mode::Cors, &Policy::firefox());
        let Branch::Cors { preflight: Some(r) } = ff else {
            panic!("{ff:?}")
        };
        assert_eq!(r.unsafe_headers, ["x-a", "x-a"]);
    }

    #[test]
    fn total_rule_is_a_policy_switch() {
        let v = "a".repeat(128);
        let v: &'static str = Box::leak(v.into_boxed_str());
        let nine = [("accept", v); 9];
        let spec = hop_branch(A, B, Method::GET, &nine, Mode::Cors, &Policy::spec());
        assert!(matches!(spec, Branch::Cors { preflight: Some(_) }));
        let ff = hop_branch(A, B, Method::GET, &nine, Mode::Cors, &Policy::firefox());
        assert_eq!(ff, Branch::Cors { preflight: None });
    }
}
