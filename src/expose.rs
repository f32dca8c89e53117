//! Fetch §concept-filtered-response: what a script may see of a response, by response tainting.
//!
//! - basic (§concept-filtered-response-basic): every header but forbidden response-header names
//!   (`Set-Cookie`, `Set-Cookie2`);
//! - cors (§concept-filtered-response-cors): CORS-safelisted response-header names given the
//!   response's CORS-exposed header-name list (§concept-response-cors-exposed-header-name-list,
//!   set by §concept-main-fetch step 14.1 from `Access-Control-Expose-Headers`);
//! - opaque (§concept-filtered-response-opaque) and opaque-redirect
//!   (§concept-filtered-response-opaque-redirect): status 0 and no headers.

use http::header::ACCESS_CONTROL_EXPOSE_HEADERS;
use http::HeaderMap;

use crate::forbidden::is_forbidden_response_header_name;
use crate::header;
use crate::request::{CredentialsMode, ResponseTainting};
use crate::safelist::is_cors_safelisted_response_header_name;

/// Fetch §concept-filtered-response-basic, -cors, -opaque: the names of `headers` a script may
/// read after filtering for `tainting`, lowercase, sorted, unique.
///
/// ```
/// use corsgate::expose::visible_header_names;
/// use corsgate::request::{CredentialsMode, ResponseTainting};
/// use http::{HeaderMap, HeaderValue};
/// let mut h = HeaderMap::new();
/// h.insert("content-type", HeaderValue::from_static("text/plain"));
/// h.insert("x-total", HeaderValue::from_static("7"));
/// h.insert("x-secret", HeaderValue::from_static("s"));
/// h.insert("access-control-expose-headers", HeaderValue::from_static("X-Total"));
/// let names = visible_header_names(&h, ResponseTainting::Cors, CredentialsMode::SameOrigin);
/// assert_eq!(names, ["content-type", "x-total"]);
/// ```
pub fn visible_header_names(
    headers: &HeaderMap,
    tainting: ResponseTainting,
    credentials: CredentialsMode,
) -> Vec<String> {
    let expose = header::get_ref(headers, ACCESS_CONTROL_EXPOSE_HEADERS);
    // A `HeaderName` is lowercase ASCII already: its string is the name's isomorphic decoding.
    filter_names(
        headers.keys(),
        expose.as_deref(),
        tainting,
        credentials,
        |n| n.as_str().to_owned(),
    )
}

/// Fetch §concept-filtered-response: [`visible_header_names`] for a header list given as its names and the combined ("get") value
/// of `Access-Control-Expose-Headers` (`None` = absent), for values an [`http::HeaderValue`]
/// cannot hold (e.g. 0x0B, 0x0C) or a caller's own header store.
///
/// ```
/// use corsgate::expose::visible_names;
/// use corsgate::request::{CredentialsMode, ResponseTainting};
/// let names = [&b"BB-8"[..], b"Content-Language"];
/// let cors = |aceh: &[u8]| visible_names(names, Some(aceh), ResponseTainting::Cors, CredentialsMode::Omit);
/// assert_eq!(cors(b"bb-8"), ["bb-8", "content-language"]);
/// assert_eq!(cors(b"bb-8\x0c"), ["content-language"]); // not a token: the whole list fails
/// ```
pub fn visible_names<'a, I: IntoIterator<Item = &'a [u8]>>(
    names: I,
    expose_headers: Option<&[u8]>,
    tainting: ResponseTainting,
    credentials: CredentialsMode,
) -> Vec<String> {
    // Isomorphic decode, ASCII-lowercased.
    let lower = |n: &&[u8]| -> String {
        match std::str::from_utf8(n) {
            Ok(s) if n.is_ascii() => s.to_ascii_lowercase(),
            _ => n.iter().map(|&b| b.to_ascii_lowercase() as char).collect(),
        }
    };
    filter_names(
        names.into_iter(),
        expose_headers,
        tainting,
        credentials,
        lower,
    )
}

/// [`visible_names`] for names of any type, each made a string (isomorphic decoded,
/// ASCII-lowercased) by `to_string`.
fn filter_names<N: AsRef<[u8]>>(
    names: impl Iterator<Item = N>,
    expose_headers: Option<&[u8]>,
    tainting: ResponseTainting,
    credentials: CredentialsMode,
    to_string: impl Fn(&N) -> String,
) -> Vec<String> {
    // Opaque filtered response: header list « ».
    if tainting == ResponseTainting::Opaque {
        return Vec::new();
    }
    // A sorted vector rather than a `BTreeSet`: one allocation for the list (benches/response.rs),
    // sized for every name.
    let mut out: Vec<String> = Vec::with_capacity(names.size_hint().0);
    if tainting == ResponseTainting::Basic {
        // Basic filtered response: exclude forbidden response-header names.
        out.extend(
            names
                .filter(|n| !is_forbidden_response_header_name(n.as_ref()))
                .map(|n| to_string(&n)),
        );
    } else {
        // CORS filtered response: CORS-safelisted response-header names given the CORS-exposed
        // header-name list.
        let exposed = exposed_header_names(expose_headers, credentials);
        out.extend(
            names
                .filter(|n| is_cors_safelisted_response_header_name_given(n.as_ref(), &exposed))
                .map(|n| to_string(&n)),
        );
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Fetch §concept-response-cors-exposed-header-name-list, as set by §concept-main-fetch
/// step 14.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExposedNames<'a> {
    /// Step 14.1.2: `*` with credentials mode not "include": every name in the header list.
    All,
    /// Step 14.1.3: the extracted names (empty when the header is absent or its value is not a
    /// list of tokens). A `*` here only matches a header named `*`.
    Listed(Vec<&'a [u8]>),
}

/// Fetch §concept-main-fetch steps 14.1.1–14.1.3: the CORS-exposed header-name list from the
/// combined `Access-Control-Expose-Headers` value (extract header list values: an item that is
/// not a token fails the whole list, which then exposes nothing).
pub fn exposed_header_names(
    expose_headers: Option<&[u8]>,
    credentials: CredentialsMode,
) -> ExposedNames<'_> {
    // Step 14.1.1: headerNames = extract header list values (null, failure or a list).
    let Some(Ok(list)) = expose_headers.map(header::parse_token_list) else {
        // Step 14.1.3: null or failure leaves the list empty.
        return ExposedNames::Listed(Vec::new());
    };
    // Step 14.1.2: `*` and credentials mode not "include" → all names.
    if credentials != CredentialsMode::Include && list.iter().any(|n| *n == b"*") {
        return ExposedNames::All;
    }
    ExposedNames::Listed(list)
}

/// Fetch §cors-safelisted-response-header-name given a CORS-exposed header-name list: one of the
/// seven safelisted names, or a listed name that is not a forbidden response-header name.
pub fn is_cors_safelisted_response_header_name_given(
    name: &[u8],
    exposed: &ExposedNames<'_>,
) -> bool {
    if is_cors_safelisted_response_header_name(name) {
        return true;
    }
    if is_forbidden_response_header_name(name) {
        return false;
    }
    match exposed {
        ExposedNames::All => true,
        ExposedNames::Listed(list) => list.iter().any(|n| n.eq_ignore_ascii_case(name)),
    }
}

/// Fetch §concept-response-type for a filtered response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseType {
    /// A basic filtered response.
    Basic,
    /// A CORS filtered response.
    Cors,
    /// An opaque filtered response.
    Opaque,
    /// An opaque-redirect filtered response (redirect mode "manual").
    OpaqueRedirect,
}

impl ResponseType {
    /// The `Response.type` keyword (`basic`, `cors`, `opaque`, `opaqueredirect`).
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseType::Basic => "basic",
            ResponseType::Cors => "cors",
            ResponseType::Opaque => "opaque",
            ResponseType::OpaqueRedirect => "opaqueredirect",
        }
    }
}

/// Fetch §concept-filtered-response: what a script sees of a response: type, status, the names
/// of the visible headers and the URL list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilteredResponse {
    /// The filtered response's type.
    pub response_type: ResponseType,
    /// The status; 0 for opaque and opaque-redirect.
    pub status: u16,
    /// The visible header names, lowercase, sorted, unique; empty for opaque and opaque-redirect.
    pub header_names: Vec<String>,
    /// The URL list; empty for opaque (an opaque-redirect keeps it: no redirect was followed).
    pub url_list: Vec<url::Url>,
}

impl FilteredResponse {
    /// Fetch §concept-main-fetch step 14.2: the filtered response for `tainting`.
    pub fn new(
        tainting: ResponseTainting,
        status: u16,
        headers: &HeaderMap,
        credentials: CredentialsMode,
        url_list: Vec<url::Url>,
    ) -> Self {
        match tainting {
            ResponseTainting::Opaque => FilteredResponse::opaque(),
            ResponseTainting::Basic | ResponseTainting::Cors => FilteredResponse {
                response_type: if tainting == ResponseTainting::Basic {
                    ResponseType::Basic
                } else {
                    ResponseType::Cors
                },
                status,
                header_names: visible_header_names(headers, tainting, credentials),
                url_list,
            },
        }
    }

    /// Fetch §concept-filtered-response-opaque: URL list « », status 0, header list « ».
    pub fn opaque() -> Self {
        FilteredResponse {
            response_type: ResponseType::Opaque,
            status: 0,
            header_names: Vec::new(),
            url_list: Vec::new(),
        }
    }

    /// Fetch §concept-filtered-response-opaque-redirect: status 0, header list « »; the URL list
    /// is kept.
    pub fn opaque_redirect(url_list: Vec<url::Url>) -> Self {
        FilteredResponse {
            response_type: ResponseType::OpaqueRedirect,
            status: 0,
            header_names: Vec::new(),
            url_list,
        }
    }

    /// `Response.url`: the last URL of the URL list, without its fragment (Fetch
    /// §concept-response-url); `None` when the list is empty (opaque).
    pub fn url(&self) -> Option<url::Url> {
        let mut url = self.url_list.last()?.clone();
        url.set_fragment(None);
        Some(url)
    }

    /// `Response.redirected`: the URL list has more than one URL.
    pub fn redirected(&self) -> bool {
        self.url_list.len() > 1
    }

    /// Fetch §concept-filtered-response: whether a header named `name` (any case) is visible.
    pub fn is_visible(&self, name: &[u8]) -> bool {
        self.header_names
            .iter()
            .any(|n| n.as_bytes().eq_ignore_ascii_case(name))
    }
}
