//! Fetch Metadata request headers (W3C Fetch Metadata Request Headers, §fetch-integration):
//! `Sec-Fetch-Dest`, `Sec-Fetch-Mode`, `Sec-Fetch-Site` and `Sec-Fetch-User`, which a browser
//! puts on every request to a potentially trustworthy URL (Fetch §http-network-or-cache-fetch:
//! "Append the Fetch metadata headers for httpRequest"), preflights included.
//!
//! Pure functions over plain inputs: an origin, a URL list, a mode, a destination. The values are
//! structured-field tokens (RFC 9651 §3.3.4) and, for `Sec-Fetch-User`, a structured-field
//! boolean; [`serialize_token`] and [`parse_token`] hold those two grammars.
//!
//! ```
//! use corsgate::metadata::{append_fetch_metadata, Destination, MetadataInput, Site, SiteRule};
//! use corsgate::{Mode, Origin};
//! let page = Origin::of_url(&"https://app.example/".parse().unwrap());
//! let list: Vec<url::Url> = vec![
//!     "https://app.example/a".parse().unwrap(),
//!     "https://cdn.other.example/b".parse().unwrap(),
//!     "https://app.example/c".parse().unwrap(),
//! ];
//! let input = MetadataInput::new(&page, &list, Mode::NoCors, Destination::Image);
//! let m = append_fetch_metadata(&input, SiteRule::UrlList).unwrap();
//! // `cross-site` sticks once a URL of the list was cross-site, even back on the page's origin.
//! assert_eq!(m.site, Site::CrossSite);
//! assert_eq!(m.header_lines()[0], ("sec-fetch-dest", "image".to_owned()));
//! ```

use std::fmt;
use std::str::FromStr;

use http::{HeaderMap, HeaderName, HeaderValue};
use url::{Host, Url};

use crate::origin::{is_potentially_trustworthy_url, registrable_domain, Origin};
use crate::request::{KeywordError, Mode};

/// Fetch §concept-request-destination: a request's destination (a destination type). The empty
/// string, what `fetch()` and `XMLHttpRequest` use, is [`Destination::Empty`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Destination {
    /// The empty string (`fetch()`, `XMLHttpRequest`, `navigator.sendBeacon()`, …).
    #[default]
    Empty,
    /// `audio`
    Audio,
    /// `audioworklet`
    AudioWorklet,
    /// `document`
    Document,
    /// `embed`
    Embed,
    /// `font`
    Font,
    /// `frame`
    Frame,
    /// `iframe`
    Iframe,
    /// `image`
    Image,
    /// `json`
    Json,
    /// `manifest`
    Manifest,
    /// `object`
    Object,
    /// `paintworklet`
    PaintWorklet,
    /// `report`
    Report,
    /// `script`
    Script,
    /// `serviceworker`
    ServiceWorker,
    /// `sharedworker`
    SharedWorker,
    /// `style`
    Style,
    /// `text`
    Text,
    /// `track`
    Track,
    /// `video`
    Video,
    /// `webidentity`
    WebIdentity,
    /// `worker`
    Worker,
    /// `xslt`
    Xslt,
}

/// Every destination, in the order Fetch §destination-type lists them.
const DESTINATIONS: [(Destination, &str); 24] = [
    (Destination::Empty, ""),
    (Destination::Audio, "audio"),
    (Destination::AudioWorklet, "audioworklet"),
    (Destination::Document, "document"),
    (Destination::Embed, "embed"),
    (Destination::Font, "font"),
    (Destination::Frame, "frame"),
    (Destination::Iframe, "iframe"),
    (Destination::Image, "image"),
    (Destination::Json, "json"),
    (Destination::Manifest, "manifest"),
    (Destination::Object, "object"),
    (Destination::PaintWorklet, "paintworklet"),
    (Destination::Report, "report"),
    (Destination::Script, "script"),
    (Destination::ServiceWorker, "serviceworker"),
    (Destination::SharedWorker, "sharedworker"),
    (Destination::Style, "style"),
    (Destination::Text, "text"),
    (Destination::Track, "track"),
    (Destination::Video, "video"),
    (Destination::WebIdentity, "webidentity"),
    (Destination::Worker, "worker"),
    (Destination::Xslt, "xslt"),
];

impl Destination {
    /// Every destination type (Fetch §destination-type).
    pub const ALL: [Destination; 24] = {
        let mut all = [Destination::Empty; 24];
        let mut i = 0;
        while i < 24 {
            all[i] = DESTINATIONS[i].0;
            i += 1;
        }
        all
    };

    /// The destination as Fetch spells it (`""` for [`Destination::Empty`]).
    pub fn as_str(self) -> &'static str {
        DESTINATIONS[self as usize].1
    }

    /// Fetch Metadata §set-dest step 3: the `Sec-Fetch-Dest` token, `empty` for the empty string.
    pub fn sec_fetch_dest(self) -> &'static str {
        match self {
            Destination::Empty => "empty",
            other => other.as_str(),
        }
    }

    /// Fetch §navigation-request: `document`, `embed`, `frame`, `iframe` or `object`.
    pub fn is_navigation(self) -> bool {
        matches!(
            self,
            Destination::Document
                | Destination::Embed
                | Destination::Frame
                | Destination::Iframe
                | Destination::Object
        )
    }
}

impl FromStr for Destination {
    type Err = KeywordError;

    /// A destination as Fetch spells it; `empty` is accepted for the empty string too (the
    /// spelling `Sec-Fetch-Dest` and the recorded corpus use).
    fn from_str(s: &str) -> Result<Destination, KeywordError> {
        if s == "empty" {
            return Ok(Destination::Empty);
        }
        DESTINATIONS
            .iter()
            .find(|(_, name)| *name == s)
            .map(|(d, _)| *d)
            .ok_or_else(|| KeywordError {
                what: "request destination",
                got: s.to_owned(),
                expected: "\"\" (or empty) audio audioworklet document embed font frame iframe \
                           image json manifest object paintworklet report script serviceworker \
                           sharedworker style text track video webidentity worker xslt",
            })
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sec_fetch_dest())
    }
}

/// Fetch Metadata §sec-fetch-site-header: the relation between a request's origin and every URL
/// it has been at. Ordered from closest to farthest: along a URL list the value only moves right
/// ([`Site::SameOrigin`] < [`Site::SameSite`] < [`Site::CrossSite`]); [`Site::None`] is a
/// user-initiated navigation, outside that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Site {
    /// `same-origin`: every URL is same origin with the request's origin.
    SameOrigin,
    /// `same-site`: every URL is same site with the request's origin, not all same origin.
    SameSite,
    /// `cross-site`: some URL is not same site with the request's origin.
    CrossSite,
    /// `none`: a navigation the user caused directly (address bar, bookmark).
    None,
}

impl Site {
    /// The `Sec-Fetch-Site` token.
    pub fn as_str(self) -> &'static str {
        match self {
            Site::SameOrigin => "same-origin",
            Site::SameSite => "same-site",
            Site::CrossSite => "cross-site",
            Site::None => "none",
        }
    }
}

impl FromStr for Site {
    type Err = KeywordError;

    fn from_str(s: &str) -> Result<Site, KeywordError> {
        [
            Site::SameOrigin,
            Site::SameSite,
            Site::CrossSite,
            Site::None,
        ]
        .into_iter()
        .find(|site| site.as_str() == s)
        .ok_or_else(|| KeywordError {
            what: "Sec-Fetch-Site value",
            got: s.to_owned(),
            expected: "same-origin same-site cross-site none",
        })
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How `Sec-Fetch-Site` judges a URL list (a [`Policy`](crate::Policy) field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteRule {
    /// Fetch Metadata §set-site step 5: each URL of the URL list against the request's origin,
    /// same origin, then same site (HTML §same-site: equal schemes, schemelessly same site); the
    /// first URL that is not same site makes it `cross-site` for good.
    UrlList,
    /// `same-origin` as [`SiteRule::UrlList`] gives it; otherwise `same-site` only when the
    /// request's origin and the current URL have the same site (registrable domain, or host when
    /// it has none; schemes not compared), the origin's scheme is `https` or its host is a
    /// loopback host (127.0.0.0/8, `::1`, `localhost`, `*.localhost`), and every earlier URL of
    /// the URL list is `https` with the current URL's site; otherwise `cross-site`. So after a
    /// redirect through plain `http`, a same-site target reads `cross-site`.
    SecureRedirectChain,
}

/// Which origin and URLs a preflight's `Sec-Fetch-Site` judges (a [`Policy`](crate::Policy)
/// field). They differ only after a redirect: before it the URL list is the preflight's URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreflightSite {
    /// Fetch §cors-preflight-fetch-0 step 1: the preflight has the request's origin and URL
    /// list, so a cross-site hop earlier in the list makes it `cross-site`.
    UrlList,
    /// The request's origin (the page's, never the `null` the preflight may carry) against the
    /// preflight's URL alone, as for a new request: back on the page's origin after a cross-site
    /// hop it reads `same-origin`.
    CurrentUrl,
    /// The origin the preflight carries (an opaque origin when its `Origin` is `null`, so then
    /// always `cross-site`) against the preflight's URL alone.
    CurrentUrlCarriedOrigin,
}

impl PreflightSite {
    /// The origin and URL list a preflight's Fetch metadata is computed from, for a request
    /// whose origin is `origin` and URL list `url_list` (the last is the preflight's URL), when
    /// the preflight carries `Origin: null` (`carries_null`).
    ///
    /// ```
    /// use corsgate::metadata::{site, PreflightSite, Site, SiteRule};
    /// use corsgate::Origin;
    /// let page = Origin::of_url(&"https://a.example/".parse().unwrap());
    /// let list: Vec<url::Url> = ["https://b.example/h", "https://a.example/r"]
    ///     .iter().map(|u| u.parse().unwrap()).collect();
    /// let judged = |rule: PreflightSite| {
    ///     let (origin, urls) = rule.inputs(&page, &list, true);
    ///     site(&origin, urls, SiteRule::UrlList, false)
    /// };
    /// assert_eq!(judged(PreflightSite::UrlList), Site::CrossSite);
    /// assert_eq!(judged(PreflightSite::CurrentUrl), Site::SameOrigin);
    /// assert_eq!(judged(PreflightSite::CurrentUrlCarriedOrigin), Site::CrossSite);
    /// ```
    pub fn inputs<'a>(
        self,
        origin: &'a Origin,
        url_list: &'a [Url],
        carries_null: bool,
    ) -> (std::borrow::Cow<'a, Origin>, &'a [Url]) {
        use std::borrow::Cow;
        let current = url_list.len().saturating_sub(1);
        match self {
            PreflightSite::UrlList => (Cow::Borrowed(origin), url_list),
            PreflightSite::CurrentUrl => (Cow::Borrowed(origin), &url_list[current..]),
            PreflightSite::CurrentUrlCarriedOrigin if carries_null => {
                (Cow::Owned(Origin::new_opaque()), &url_list[current..])
            }
            PreflightSite::CurrentUrlCarriedOrigin => (Cow::Borrowed(origin), &url_list[current..]),
        }
    }
}

/// What "append the Fetch metadata headers" reads of a request.
#[derive(Debug, Clone, Copy)]
pub struct MetadataInput<'a> {
    /// The request's origin.
    pub origin: &'a Origin,
    /// The request's URL list; the last is the current URL.
    pub url_list: &'a [Url],
    /// The request's mode.
    pub mode: Mode,
    /// The request's destination.
    pub destination: Destination,
    /// The request's user-activation (Fetch Metadata §fetch-integration; HTML sets it on
    /// navigations that had transient activation).
    pub user_activation: bool,
    /// A navigation explicitly caused by the user's interaction with the user agent (typing an
    /// address, a bookmark): `Sec-Fetch-Site: none` (Fetch Metadata §set-site step 4).
    pub user_initiated: bool,
}

impl<'a> MetadataInput<'a> {
    /// A request that is not a user-initiated navigation and has no user activation.
    pub fn new(
        origin: &'a Origin,
        url_list: &'a [Url],
        mode: Mode,
        destination: Destination,
    ) -> MetadataInput<'a> {
        MetadataInput {
            origin,
            url_list,
            mode,
            destination,
            user_activation: false,
            user_initiated: false,
        }
    }
}

/// The Fetch metadata headers of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchMetadata {
    /// `Sec-Fetch-Dest`.
    pub dest: Destination,
    /// `Sec-Fetch-Mode`.
    pub mode: Mode,
    /// `Sec-Fetch-Site`.
    pub site: Site,
    /// `Sec-Fetch-User: ?1` is sent.
    pub user: bool,
}

/// The `Sec-Fetch-Dest` header name.
pub const SEC_FETCH_DEST: &str = "sec-fetch-dest";
/// The `Sec-Fetch-Mode` header name.
pub const SEC_FETCH_MODE: &str = "sec-fetch-mode";
/// The `Sec-Fetch-Site` header name.
pub const SEC_FETCH_SITE: &str = "sec-fetch-site";
/// The `Sec-Fetch-User` header name.
pub const SEC_FETCH_USER: &str = "sec-fetch-user";

impl FetchMetadata {
    /// The header lines in the order Fetch Metadata §fetch-integration sets them (dest, mode,
    /// site, user), names lowercase, values serialized structured fields.
    pub fn header_lines(&self) -> Vec<(&'static str, String)> {
        let token = |t: &str| serialize_token(t).expect("Fetch Metadata values are tokens");
        let mut lines = vec![
            (SEC_FETCH_DEST, token(self.dest.sec_fetch_dest())),
            (SEC_FETCH_MODE, token(self.mode.as_str())),
            (SEC_FETCH_SITE, token(self.site.as_str())),
        ];
        if self.user {
            lines.push((SEC_FETCH_USER, serialize_boolean(true).to_owned()));
        }
        lines
    }

    /// Fetch §concept-header-list-set-structured-header for each header: sets it in `headers`,
    /// replacing any line of that name (so a `Sec-Fetch-*` header script could not set anyway
    /// never appears twice).
    ///
    /// The same lines as [`FetchMetadata::header_lines`], without allocating: the names are
    /// constants and every value is one of the fixed keywords of its enum (a token).
    pub fn set_in(&self, headers: &mut HeaderMap) {
        const DEST: HeaderName = HeaderName::from_static(SEC_FETCH_DEST);
        const MODE: HeaderName = HeaderName::from_static(SEC_FETCH_MODE);
        const SITE: HeaderName = HeaderName::from_static(SEC_FETCH_SITE);
        const USER: HeaderName = HeaderName::from_static(SEC_FETCH_USER);
        let [dest, mode, site, user] = self.values();
        for (name, value) in [(DEST, dest), (MODE, mode), (SITE, site), (USER, user)] {
            if let Some(value) = value {
                headers.insert(name, value.clone());
            }
        }
    }
}

/// The `Sec-Fetch-Dest` values in `DESTINATIONS` order, made at compile time (a value made at
/// run time checks its bytes first); a unit test holds each to [`Destination::sec_fetch_dest`].
static DEST_VALUES: [HeaderValue; 24] = [
    HeaderValue::from_static("empty"),
    HeaderValue::from_static("audio"),
    HeaderValue::from_static("audioworklet"),
    HeaderValue::from_static("document"),
    HeaderValue::from_static("embed"),
    HeaderValue::from_static("font"),
    HeaderValue::from_static("frame"),
    HeaderValue::from_static("iframe"),
    HeaderValue::from_static("image"),
    HeaderValue::from_static("json"),
    HeaderValue::from_static("manifest"),
    HeaderValue::from_static("object"),
    HeaderValue::from_static("paintworklet"),
    HeaderValue::from_static("report"),
    HeaderValue::from_static("script"),
    HeaderValue::from_static("serviceworker"),
    HeaderValue::from_static("sharedworker"),
    HeaderValue::from_static("style"),
    HeaderValue::from_static("text"),
    HeaderValue::from_static("track"),
    HeaderValue::from_static("video"),
    HeaderValue::from_static("webidentity"),
    HeaderValue::from_static("worker"),
    HeaderValue::from_static("xslt"),
];

/// The `Sec-Fetch-Mode` values by [`Mode`] (`same-origin`, `no-cors`, `cors`).
static MODE_VALUES: [HeaderValue; 3] = [
    HeaderValue::from_static("same-origin"),
    HeaderValue::from_static("no-cors"),
    HeaderValue::from_static("cors"),
];

/// The `Sec-Fetch-Site` values by [`Site`].
static SITE_VALUES: [HeaderValue; 4] = [
    HeaderValue::from_static("same-origin"),
    HeaderValue::from_static("same-site"),
    HeaderValue::from_static("cross-site"),
    HeaderValue::from_static("none"),
];

/// `?1`, the `Sec-Fetch-User` value.
static TRUE_VALUE: HeaderValue = HeaderValue::from_static("?1");

impl FetchMetadata {
    /// The four lines' values, made at compile time: `Sec-Fetch-Dest`, `-Mode`, `-Site`, and
    /// `-User` when it is sent.
    fn values(&self) -> [Option<&'static HeaderValue>; 4] {
        [
            DEST_VALUES.get(self.dest as usize),
            MODE_VALUES.get(self.mode as usize),
            SITE_VALUES.get(self.site as usize),
            self.user.then_some(&TRUE_VALUE),
        ]
    }

    /// [`FetchMetadata::set_in`] for a request's wire lines ([`crate::wire::WireHeaders`]).
    pub fn set_in_wire(&self, headers: &mut crate::wire::WireHeaders) {
        const DEST: HeaderName = HeaderName::from_static(SEC_FETCH_DEST);
        const MODE: HeaderName = HeaderName::from_static(SEC_FETCH_MODE);
        const SITE: HeaderName = HeaderName::from_static(SEC_FETCH_SITE);
        const USER: HeaderName = HeaderName::from_static(SEC_FETCH_USER);
        let [dest, mode, site, user] = self.values();
        let lines = [(DEST, dest), (MODE, mode), (SITE, site), (USER, user)];
        // One pass finds whether any `Sec-Fetch-` line is there to replace (script cannot set
        // one: `Sec-` names are forbidden request-headers); usually none is, and the lines are
        // appended.
        let replace = headers.keys().any(|n| n.as_str().starts_with("sec-fetch-"));
        for (name, value) in lines {
            let Some(value) = value.cloned() else {
                continue;
            };
            if replace {
                headers.insert(name, value);
            } else {
                headers.append(name, value);
            }
        }
    }
}

/// W3C Fetch Metadata §append-the-fetch-metadata-headers-for-a-request: the headers a request
/// carries, or `None` when its current URL is not potentially trustworthy (step 1) or its URL
/// list is empty.
pub fn append_fetch_metadata(input: &MetadataInput<'_>, rule: SiteRule) -> Option<FetchMetadata> {
    let current = input.url_list.last()?;
    // 1. If r's url is not a potentially trustworthy URL, return.
    if !is_potentially_trustworthy_url(current) {
        return None;
    }
    Some(FetchMetadata {
        // 2. Set the `Sec-Fetch-Dest` header for r (§set-dest step 3: "" → `empty`).
        dest: input.destination,
        // 3. Set the `Sec-Fetch-Mode` header for r (§set-mode step 3: r's mode).
        mode: input.mode,
        // 4. Set the `Sec-Fetch-Site` header for r.
        site: site(input.origin, input.url_list, rule, input.user_initiated),
        // 5. Set the `Sec-Fetch-User` header for r.
        user: user(input.destination, input.user_activation),
    })
}

/// Fetch Metadata §set-user step 2: only a navigation request whose user-activation is true
/// carries `Sec-Fetch-User: ?1`.
pub fn user(destination: Destination, user_activation: bool) -> bool {
    destination.is_navigation() && user_activation
}

/// Fetch Metadata §set-site: the `Sec-Fetch-Site` value for a request with this origin and URL
/// list, under `rule`.
///
/// ```
/// use corsgate::metadata::{site, Site, SiteRule};
/// use corsgate::Origin;
/// let page = Origin::of_url(&"https://a.example/".parse().unwrap());
/// let list: Vec<url::Url> = ["https://a.example/1", "https://www.a.example/2", "https://a.example/3"]
///     .iter().map(|u| u.parse().unwrap()).collect();
/// assert_eq!(site(&page, &list, SiteRule::UrlList, false), Site::SameSite);
/// ```
pub fn site(origin: &Origin, url_list: &[Url], rule: SiteRule, user_initiated: bool) -> Site {
    // 3. Set header's value to `same-origin`.
    // 4. If r is a navigation request explicitly caused by the user, set header's value to `none`.
    //    (A user-initiated navigation keeps `none` across redirects: §redirects note.)
    if user_initiated {
        return Site::None;
    }
    match rule {
        SiteRule::UrlList => site_url_list(origin, url_list),
        SiteRule::SecureRedirectChain => site_secure_chain(origin, url_list),
    }
}

/// §set-site step 5.
fn site_url_list(origin: &Origin, url_list: &[Url]) -> Site {
    let mut value = Site::SameOrigin;
    // 5. For each url in r's url list:
    for url in url_list {
        // 5.1. If url is same origin with r's origin, continue.
        if origin.same_origin_with_url(url) {
            continue;
        }
        // 5.2. Set header's value to `cross-site`.
        // 5.3. If r's origin is not same site with url's origin, then break.
        if !origin.same_site_with_url(url) {
            return Site::CrossSite;
        }
        // 5.4. Set header's value to `same-site`.
        value = Site::SameSite;
    }
    value
}

/// [`SiteRule::SecureRedirectChain`].
fn site_secure_chain(origin: &Origin, url_list: &[Url]) -> Site {
    let Some((current, earlier)) = url_list.split_last() else {
        return Site::SameOrigin;
    };
    if url_list.iter().all(|u| origin.same_origin_with_url(u)) {
        return Site::SameOrigin;
    }
    let Some(tuple) = origin.as_tuple() else {
        return Site::CrossSite;
    };
    let current_site = url_site(current);
    let origin_secure = tuple.scheme() == "https" || is_loopback_host(tuple.host());
    let same_site = current_site.is_some()
        && host_site(tuple.host()) == current_site
        && origin_secure
        && earlier
            .iter()
            .all(|u| u.scheme() == "https" && url_site(u) == current_site);
    if same_site {
        Site::SameSite
    } else {
        Site::CrossSite
    }
}

/// A host's site key: its registrable domain, or the host itself when it has none.
fn host_site(host: &Host<String>) -> Option<String> {
    Some(registrable_domain(host).unwrap_or_else(|| host.to_string()))
}

fn url_site(url: &Url) -> Option<String> {
    url.host().and_then(|h| host_site(&h.to_owned()))
}

/// A loopback host: 127.0.0.0/8, `::1`, `localhost`, or a name under `.localhost`.
fn is_loopback_host(host: &Host<String>) -> bool {
    match host {
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
        Host::Domain(d) => {
            let d = d.strip_suffix('.').unwrap_or(d);
            d == "localhost" || d.ends_with(".localhost")
        }
    }
}

/// Why a string is not a structured-field token (RFC 9651 §4.1.7, §4.2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Empty input.
    #[error("a token cannot be empty")]
    Empty,
    /// The first character is not ALPHA or `*`.
    #[error("a token starts with a letter or `*`")]
    BadStart,
    /// A later character is not tchar, `:` or `/` (its byte offset is given).
    #[error("byte {0} is not tchar, `:` or `/`")]
    BadChar(usize),
}

/// RFC 9651 §4.1.7 "Serializing a Token": the token itself, or why it is not one.
///
/// ```
/// use corsgate::metadata::serialize_token;
/// assert_eq!(serialize_token("same-origin").unwrap(), "same-origin");
/// assert!(serialize_token("").is_err());
/// assert!(serialize_token("9lives").is_err());
/// ```
pub fn serialize_token(token: &str) -> Result<String, TokenError> {
    check_token(token.as_bytes())?;
    Ok(token.to_owned())
}

/// RFC 9651 §4.1.9 "Serializing a Boolean": `?1` or `?0`.
pub fn serialize_boolean(value: bool) -> &'static str {
    if value {
        "?1"
    } else {
        "?0"
    }
}

fn check_token(bytes: &[u8]) -> Result<(), TokenError> {
    // 1. If input_token is not a sequence of characters, or contains characters not in tchar,
    //    ":" or "/", fail. (§4.2.6: the first character is ALPHA or "*".)
    let (&first, rest) = bytes.split_first().ok_or(TokenError::Empty)?;
    if !(first.is_ascii_alphabetic() || first == b'*') {
        return Err(TokenError::BadStart);
    }
    if let Some(i) = rest
        .iter()
        .position(|&b| !(crate::header::is_tchar(b) || b == b':' || b == b'/'))
    {
        return Err(TokenError::BadChar(i + 1));
    }
    Ok(())
}

/// RFC 9651 §4.2 for a header whose value is a bare token Item (no parameters): leading and
/// trailing spaces are discarded (§4.2 steps 2 and 5), the rest must be exactly one token.
///
/// ```
/// use corsgate::metadata::parse_token;
/// assert_eq!(parse_token(b" cross-site ").unwrap(), "cross-site");
/// assert!(parse_token(b"cross-site;x").is_err());
/// ```
pub fn parse_token(value: &[u8]) -> Result<&str, TokenError> {
    let start = value.iter().position(|&b| b != b' ').unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(start, |e| e + 1);
    let token = &value[start..end.max(start)];
    check_token(token)?;
    // A token is ASCII (checked above), so this cannot fail.
    std::str::from_utf8(token).map_err(|_| TokenError::BadChar(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compile-time values are the keywords, in the enums' order.
    #[test]
    fn static_values_spell_the_keywords() {
        for d in Destination::ALL {
            assert_eq!(DEST_VALUES[d as usize], d.sec_fetch_dest(), "{d:?}");
        }
        for m in [Mode::SameOrigin, Mode::NoCors, Mode::Cors] {
            assert_eq!(MODE_VALUES[m as usize], m.as_str(), "{m:?}");
        }
        for site in [
            Site::SameOrigin,
            Site::SameSite,
            Site::CrossSite,
            Site::None,
        ] {
            assert_eq!(SITE_VALUES[site as usize], site.as_str(), "{site:?}");
        }
        assert_eq!(TRUE_VALUE, serialize_boolean(true));
    }

    /// The wire lines get what `set_in` gives a `HeaderMap`, appended after the lines there
    /// (or replacing `Sec-Fetch-` lines there), with and without `Sec-Fetch-User`.
    #[test]
    fn wire_lines_are_the_map_lines() {
        let mut n = 0;
        for user in [false, true] {
            for present in [
                &[][..],
                &["sec-fetch-site"],
                &["sec-fetch-user", "sec-fetch-dest"],
            ] {
                let m = FetchMetadata {
                    dest: Destination::Document,
                    mode: Mode::Cors,
                    site: Site::CrossSite,
                    user,
                };
                let mut map = HeaderMap::new();
                map.append("x-a", HeaderValue::from_static("1"));
                for name in present {
                    map.append(*name, HeaderValue::from_static("old"));
                    map.append(*name, HeaderValue::from_static("older"));
                }
                let mut wire = crate::wire::WireHeaders::from(&map);
                m.set_in(&mut map);
                m.set_in_wire(&mut wire);
                assert_eq!(wire.to_header_map(), map, "{user} {present:?}");
                assert_eq!(wire.len(), map.len());
                if present.is_empty() {
                    let names: Vec<&str> = wire.keys().map(HeaderName::as_str).collect();
                    assert_eq!(
                        names[..4],
                        ["x-a", SEC_FETCH_DEST, SEC_FETCH_MODE, SEC_FETCH_SITE]
                    );
                }
                n += 1;
            }
        }
        assert_eq!(n, 6);
    }

    fn urls(list: &[&str]) -> Vec<Url> {
        list.iter().map(|u| u.parse().unwrap()).collect()
    }

    fn origin(s: &str) -> Origin {
        Origin::of_url(&s.parse().unwrap())
    }

    #[test]
    fn destinations_round_trip() {
        for d in Destination::ALL {
            assert_eq!(d.as_str().parse::<Destination>(), Ok(d));
            assert_eq!(d.sec_fetch_dest().parse::<Destination>(), Ok(d));
            assert!(serialize_token(d.sec_fetch_dest()).is_ok(), "{d:?}");
        }
        assert_eq!(Destination::Empty.sec_fetch_dest(), "empty");
        assert!("Image".parse::<Destination>().is_err());
        assert_eq!(
            Destination::ALL
                .iter()
                .filter(|d| d.is_navigation())
                .count(),
            5
        );
    }

    #[test]
    fn site_walks_the_url_list() {
        let page = origin("https://a.example");
        let cases: &[(&[&str], Site)] = &[
            (&["https://a.example/"], Site::SameOrigin),
            (&["https://www.a.example/"], Site::SameSite),
            (&["http://a.example/"], Site::CrossSite), // schemes differ: not same site
            (&["https://b.example/"], Site::CrossSite),
            (
                &["https://a.example/", "https://a.example/2"],
                Site::SameOrigin,
            ),
            (
                &[
                    "https://a.example/",
                    "https://www.a.example/",
                    "https://a.example/",
                ],
                Site::SameSite,
            ),
            (
                &[
                    "https://a.example/",
                    "https://b.example/",
                    "https://a.example/",
                ],
                Site::CrossSite,
            ),
            (
                &["https://b.example/", "https://www.a.example/"],
                Site::CrossSite,
            ),
        ];
        for (list, expected) in cases {
            assert_eq!(
                site(&page, &urls(list), SiteRule::UrlList, false),
                *expected,
                "{list:?}"
            );
        }
        assert_eq!(
            site(
                &page,
                &urls(&["https://b.example/"]),
                SiteRule::UrlList,
                true
            ),
            Site::None
        );
        assert_eq!(
            site(
                &Origin::new_opaque(),
                &urls(&["https://a.example/"]),
                SiteRule::UrlList,
                false
            ),
            Site::CrossSite
        );
    }

    #[test]
    fn secure_chain_rule() {
        let page = origin("http://127.0.0.1:8801");
        let rule = SiteRule::SecureRedirectChain;
        let s = |list: &[&str]| site(&page, &urls(list), rule, false);
        // No redirect: a loopback page may be same-site with another port.
        assert_eq!(s(&["http://127.0.0.1:8804/r"]), Site::SameSite);
        assert_eq!(s(&["http://127.0.0.1:8801/r"]), Site::SameOrigin);
        assert_eq!(s(&["http://127.0.0.2:8802/r"]), Site::CrossSite);
        // After a redirect through plain http: cross-site, even back to the page's site.
        assert_eq!(
            s(&["http://127.0.0.1:8801/h", "http://127.0.0.1:8804/r"]),
            Site::CrossSite
        );
        assert_eq!(
            s(&["http://127.0.0.1:8804/h", "http://127.0.0.1:8801/r"]),
            Site::CrossSite
        );
        assert_eq!(
            s(&["http://127.0.0.1:8801/h", "http://127.0.0.1:8801/r"]),
            Site::SameOrigin
        );
        // Over https the chain keeps same-site; a non-loopback http page never gets it.
        let secure = origin("https://a.example");
        let list = urls(&["https://a.example/", "https://www.a.example/"]);
        assert_eq!(site(&secure, &list, rule, false), Site::SameSite);
        let plain = origin("http://a.example");
        assert_eq!(
            site(&plain, &urls(&["http://www.a.example/"]), rule, false),
            Site::CrossSite
        );
        assert_eq!(
            site(
                &plain,
                &urls(&["http://www.a.example/"]),
                SiteRule::UrlList,
                false
            ),
            Site::SameSite
        );
    }

    #[test]
    fn preflight_site_rules() {
        let page = origin("http://127.0.0.1:8801");
        let judged = |rule: PreflightSite, list: &[&str], carries_null: bool| {
            let list = urls(list);
            let (o, u) = rule.inputs(&page, &list, carries_null);
            site(&o, u, SiteRule::UrlList, false)
        };
        // Back on the page's origin after a cross-site hop (the preflight carries `null`).
        let back = ["http://127.0.0.3:8803/h1", "http://127.0.0.1:8801/r"];
        assert_eq!(judged(PreflightSite::UrlList, &back, true), Site::CrossSite);
        assert_eq!(
            judged(PreflightSite::CurrentUrl, &back, true),
            Site::SameOrigin
        );
        assert_eq!(
            judged(PreflightSite::CurrentUrlCarriedOrigin, &back, true),
            Site::CrossSite
        );
        assert_eq!(
            judged(PreflightSite::CurrentUrlCarriedOrigin, &back, false),
            Site::SameOrigin
        );
        // A same-site URL after a cross-site hop.
        let same_site = ["http://127.0.0.2:8802/h1", "http://127.0.0.1:8804/r"];
        assert_eq!(
            judged(PreflightSite::CurrentUrl, &same_site, true),
            Site::SameSite
        );
        assert_eq!(
            judged(PreflightSite::UrlList, &same_site, true),
            Site::CrossSite
        );
        // Without a redirect all three agree.
        for rule in [
            PreflightSite::UrlList,
            PreflightSite::CurrentUrl,
            PreflightSite::CurrentUrlCarriedOrigin,
        ] {
            assert_eq!(
                judged(rule, &["http://127.0.0.1:8804/r"], false),
                Site::SameSite
            );
        }
    }

    #[test]
    fn only_trustworthy_urls_get_metadata() {
        let page = origin("http://a.example");
        let list = urls(&["http://a.example/x"]);
        let input = MetadataInput::new(&page, &list, Mode::Cors, Destination::Empty);
        assert_eq!(append_fetch_metadata(&input, SiteRule::UrlList), None);
        let list = urls(&["http://127.0.0.1:8000/x"]);
        let input = MetadataInput::new(&page, &list, Mode::Cors, Destination::Empty);
        let m = append_fetch_metadata(&input, SiteRule::UrlList).unwrap();
        assert_eq!(
            m.header_lines(),
            [
                ("sec-fetch-dest", "empty".to_owned()),
                ("sec-fetch-mode", "cors".to_owned()),
                ("sec-fetch-site", "cross-site".to_owned()),
            ]
        );
        assert_eq!(
            append_fetch_metadata(
                &MetadataInput::new(&page, &[], Mode::Cors, Destination::Empty),
                SiteRule::UrlList
            ),
            None
        );
    }

    #[test]
    fn user_only_for_activated_navigations() {
        let page = origin("https://a.example");
        let list = urls(&["https://a.example/"]);
        let mut input = MetadataInput::new(&page, &list, Mode::Cors, Destination::Iframe);
        assert!(
            !append_fetch_metadata(&input, SiteRule::UrlList)
                .unwrap()
                .user
        );
        input.user_activation = true;
        let m = append_fetch_metadata(&input, SiteRule::UrlList).unwrap();
        assert!(m.user);
        assert_eq!(m.header_lines()[3], ("sec-fetch-user", "?1".to_owned()));
        input.destination = Destination::Image;
        assert!(
            !append_fetch_metadata(&input, SiteRule::UrlList)
                .unwrap()
                .user
        );
    }

    #[test]
    fn set_in_sets_exactly_the_header_lines() {
        // `set_in` builds its values from the keywords without `serialize_token`: every
        // combination must give the lines `header_lines` serializes, in a map holding no others.
        let mut n = 0;
        for dest in Destination::ALL {
            for mode in [Mode::SameOrigin, Mode::NoCors, Mode::Cors] {
                for site in [
                    Site::SameOrigin,
                    Site::SameSite,
                    Site::CrossSite,
                    Site::None,
                ] {
                    for user in [false, true] {
                        let m = FetchMetadata {
                            dest,
                            mode,
                            site,
                            user,
                        };
                        let mut h = HeaderMap::new();
                        m.set_in(&mut h);
                        let got: Vec<(&str, String)> = h
                            .iter()
                            .map(|(k, v)| (k.as_str(), v.to_str().unwrap().to_owned()))
                            .collect();
                        let want = m.header_lines();
                        assert_eq!(got.len(), want.len());
                        for line in &want {
                            assert!(
                                got.iter().any(|g| (g.0, &g.1) == (line.0, &line.1)),
                                "{line:?}"
                            );
                        }
                        n += 1;
                    }
                }
            }
        }
        assert_eq!(n, 24 * 3 * 4 * 2);
    }

    #[test]
    fn set_in_replaces() {
        let page = origin("https://a.example");
        let list = urls(&["https://a.example/"]);
        let m = append_fetch_metadata(
            &MetadataInput::new(&page, &list, Mode::NoCors, Destination::Script),
            SiteRule::UrlList,
        )
        .unwrap();
        let mut h = HeaderMap::new();
        h.append("sec-fetch-site", HeaderValue::from_static("none"));
        h.append("sec-fetch-site", HeaderValue::from_static("none"));
        m.set_in(&mut h);
        assert_eq!(h.get_all("sec-fetch-site").iter().count(), 1);
        assert_eq!(h["sec-fetch-site"], "same-origin");
        assert_eq!(h["sec-fetch-mode"], "no-cors");
        assert_eq!(h["sec-fetch-dest"], "script");
    }

    #[test]
    fn token_grammar() {
        assert_eq!(parse_token(b"*a:/b"), Ok("*a:/b"));
        assert_eq!(parse_token(b""), Err(TokenError::Empty));
        assert_eq!(parse_token(b"   "), Err(TokenError::Empty));
        assert_eq!(parse_token(b"-a"), Err(TokenError::BadStart));
        assert_eq!(parse_token(b"a b"), Err(TokenError::BadChar(1)));
        assert_eq!(parse_token(b"\tx"), Err(TokenError::BadStart));
        assert_eq!(serialize_boolean(false), "?0");
    }
}
