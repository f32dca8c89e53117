//! Fetch §concept-filtered-response: what a script may see of a response, by response tainting.
//!
//! - basic (§concept-filtered-response-basic): every header but forbidden response-header names
//!   (`Set-Cookie`, `Set-Cookie2`);
//! - cors (§concept-filtered-response-cors): CORS-safelisted response-header names given the
//!   response's CORS-exposed header-name list (§concept-response-cors-exposed-header-name-list,
//!   set by §concept-main-fetch step 14.1 from `Access-Control-Expose-Headers`);
//! - opaque (§concept-filtered-response-opaque) and opaque-redirect
//!   (§concept-filtered-response-opaque-redirect): status 0 and no headers.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use http::header::ACCESS_CONTROL_EXPOSE_HEADERS;
use http::HeaderMap;

use crate::forbidden::is_forbidden_response_header_name;
use crate::hash::{lower_word, same_bytes, FoldBuild};
use crate::header;
use crate::request::{CredentialsMode, ResponseTainting};
use crate::safelist::is_cors_safelisted_response_header_name;

/// Fetch §concept-filtered-response-basic, -cors, -opaque: the names of `headers` a script may
/// read after filtering for `tainting`, lowercase, sorted, unique, borrowed from `headers` (one
/// allocation: the vector).
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
) -> Vec<&str> {
    // Opaque filtered response: header list « ».
    if tainting == ResponseTainting::Opaque {
        return Vec::new();
    }
    // A `HeaderName` is lowercase ASCII already: its string is the name's isomorphic decoding,
    // and a `HeaderMap`'s names are unique, so the kept names need sorting only.
    // They are sorted as (first 8 bytes as a big-endian word, name): the same order as the
    // names', with most comparisons decided on one word; on the stack when there are few.
    let mut small = [(0u64, ""); SMALL];
    let mut large = Vec::new();
    let kept: &mut [(u64, &str)] = if headers.keys_len() <= SMALL {
        let mut n = 0;
        for_each_visible(headers, tainting, credentials, |name| {
            if let Some(slot) = small.get_mut(n) {
                *slot = (sort_prefix(name.as_bytes()), name);
                n += 1;
            }
        });
        small.get_mut(..n).unwrap_or_default()
    } else {
        large.reserve(headers.keys_len());
        for_each_visible(headers, tainting, credentials, |name| {
            large.push((sort_prefix(name.as_bytes()), name));
        });
        &mut large
    };
    kept.sort_unstable();
    kept.iter().map(|&(_, name)| name).collect()
}

/// Names kept on the stack while sorting (more go to the heap).
const SMALL: usize = 32;

/// The first 8 bytes of `name` as a big-endian word, zero-padded: words compare as the names'
/// first 8 bytes do (a shorter name's padding sorts before any byte only when the names are
/// equal that far, and then the whole names decide).
fn sort_prefix(name: &[u8]) -> u64 {
    if let Some(w) = name.first_chunk::<8>() {
        return u64::from_be_bytes(*w);
    }
    match (name.first_chunk::<4>(), name.last_chunk::<4>()) {
        // 4 to 7 bytes: the first 4 and the last 4 (overlapping: the same bytes at the same
        // places), the last 4 shifted to end at the name's last byte.
        (Some(a), Some(b)) => {
            u64::from(u32::from_be_bytes(*a)) << 32
                | u64::from(u32::from_be_bytes(*b)) << (8 * (8 - name.len()))
        }
        _ => name
            .iter()
            .enumerate()
            .fold(0, |w, (i, &b)| w | u64::from(b) << (56 - 8 * i)),
    }
}

/// Calls `keep` with the name of each header of `headers` that a script may read after filtering
/// for `tainting` (Basic or Cors), in the map's order.
fn for_each_visible<'a>(
    headers: &'a HeaderMap,
    tainting: ResponseTainting,
    credentials: CredentialsMode,
    mut keep: impl FnMut(&'a str),
) {
    let names = headers.keys().map(http::HeaderName::as_str);
    if tainting == ResponseTainting::Basic {
        // Basic filtered response: exclude forbidden response-header names.
        names
            .filter(|n| !is_forbidden_response_header_name(n.as_bytes()))
            .for_each(keep);
        return;
    }
    // CORS filtered response: CORS-safelisted response-header names given the CORS-exposed
    // header-name list (§concept-main-fetch step 14.1: the combined value of
    // `Access-Control-Expose-Headers`).
    let expose = header::get_ref(headers, ACCESS_CONTROL_EXPOSE_HEADERS);
    let lookup = ExposedLookup::from_value(expose.as_deref(), credentials);
    for name in names {
        // A `HeaderName` is lowercase: classed and looked up by its key.
        let key = NameKey::of(name.as_bytes());
        let listed = match response_name_class_lowercase(key) {
            NameClass::Safelisted => true,
            NameClass::Forbidden => false,
            NameClass::Other => lookup.contains_lowercase(name.as_bytes(), key),
        };
        if listed {
            keep(name);
        }
    }
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
    // Opaque filtered response: header list « ».
    if tainting == ResponseTainting::Opaque {
        return Vec::new();
    }
    // Isomorphic decode, ASCII-lowercased.
    let lower = |n: &[u8]| -> String {
        match std::str::from_utf8(n) {
            Ok(s) if n.is_ascii() => s.to_ascii_lowercase(),
            _ => n.iter().map(|&b| b.to_ascii_lowercase() as char).collect(),
        }
    };
    let names = names.into_iter();
    // A sorted vector rather than a `BTreeSet`: one allocation for the list, sized for every name.
    let mut out: Vec<String> = Vec::with_capacity(names.size_hint().0);
    if tainting == ResponseTainting::Basic {
        // Basic filtered response: exclude forbidden response-header names.
        out.extend(
            names
                .filter(|n| !is_forbidden_response_header_name(n))
                .map(lower),
        );
    } else {
        // CORS filtered response: CORS-safelisted response-header names given the CORS-exposed
        // header-name list. Each name is looked up in the exposed list in constant expected
        // time, so the filter is linear in the number of headers whatever the length of the
        // list (both are the server's).
        let lookup = ExposedLookup::from_value(expose_headers, credentials);
        out.extend(
            names
                .filter(|n| safelisted_given(n, |n| lookup.contains(n)))
                .map(lower),
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
///
/// One name costs O(list length) here; filtering a header list
/// ([`visible_header_names`], [`visible_names`]) looks each name up in constant expected time.
pub fn is_cors_safelisted_response_header_name_given(
    name: &[u8],
    exposed: &ExposedNames<'_>,
) -> bool {
    // The standard's wording, name by name (the filters use `safelisted_given`, held to this in
    // the unit tests).
    if is_cors_safelisted_response_header_name(name) {
        return true;
    }
    if is_forbidden_response_header_name(name) {
        return false;
    }
    match exposed {
        ExposedNames::All => true,
        ExposedNames::Listed(list) => list.iter().any(|n| same_name(n, name)),
    }
}

/// Fetch §cors-safelisted-response-header-name with the list membership test `listed`: one of
/// the seven safelisted names, or a listed name that is not a forbidden response-header name.
fn safelisted_given(name: &[u8], listed: impl Fn(&[u8]) -> bool) -> bool {
    match response_name_class(name) {
        NameClass::Safelisted => true,
        NameClass::Forbidden => false,
        NameClass::Other => listed(name),
    }
}

/// What Fetch says of a response-header name on its own (byte-case-insensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameClass {
    /// §cors-safelisted-response-header-name: `Cache-Control`, `Content-Language`,
    /// `Content-Length`, `Content-Type`, `Expires`, `Last-Modified`, `Pragma`.
    Safelisted,
    /// §forbidden-response-header-name: `Set-Cookie`, `Set-Cookie2`.
    Forbidden,
    /// Any other name.
    Other,
}

/// [`NameClass`] of `name`: the nine names told apart by length first, so most names cost one
/// comparison of lengths (`safelist::is_cors_safelisted_response_header_name` and
/// `forbidden::is_forbidden_response_header_name` compare with each name in turn; a unit test
/// holds the three to agree).
fn response_name_class(name: &[u8]) -> NameClass {
    let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
    let safelisted = match name.len() {
        6 => is(b"pragma"),
        7 => is(b"expires"),
        12 => is(b"content-type"),
        13 => is(b"cache-control") || is(b"last-modified"),
        14 => is(b"content-length"),
        16 => is(b"content-language"),
        10 | 11 if is_forbidden_response_header_name(name) => return NameClass::Forbidden,
        _ => false,
    };
    if safelisted {
        NameClass::Safelisted
    } else {
        NameClass::Other
    }
}

/// A name as its length and two words: its first 8 bytes and its last 8 (overlapping; for
/// names of 8 bytes or fewer, [`first_word`] and 0). Names of up to 16 bytes with equal keys are
/// equal; longer ones share their first and last 8 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NameKey {
    first: u64,
    last: u64,
    len: usize,
}

impl NameKey {
    fn of(name: &[u8]) -> NameKey {
        let last = match name.last_chunk::<8>() {
            Some(w) if name.len() > 8 => u64::from_le_bytes(*w),
            _ => 0,
        };
        NameKey {
            first: first_word(name),
            last,
            len: name.len(),
        }
    }

    /// [`NameKey::of`] for the constants below, at compile time (a unit test holds the two
    /// equal).
    const fn constant(name: &[u8]) -> NameKey {
        let n = name.len();
        let first = if n >= 8 {
            le_bytes(name, 0, 8)
        } else if n >= 4 {
            le_bytes(name, 0, 4) | le_bytes(name, n - 4, 4) << 32
        } else {
            le_bytes(name, 0, n)
        };
        let last = if n > 8 { le_bytes(name, n - 8, 8) } else { 0 };
        NameKey {
            first,
            last,
            len: n,
        }
    }
}

/// `len` bytes of `name` from `at` as a little-endian number (compile time).
const fn le_bytes(name: &[u8], at: usize, len: usize) -> u64 {
    let mut w = 0u64;
    let mut i = len;
    while i > 0 {
        i -= 1;
        w = (w << 8) | name[at + i] as u64;
    }
    w
}

/// The seven CORS-safelisted response-header names and the two forbidden ones, as keys (every
/// one at most 16 bytes long: a key equal to one of them is that name).
const PRAGMA: NameKey = NameKey::constant(b"pragma");
const EXPIRES: NameKey = NameKey::constant(b"expires");
const CONTENT_TYPE: NameKey = NameKey::constant(b"content-type");
const CACHE_CONTROL: NameKey = NameKey::constant(b"cache-control");
const LAST_MODIFIED: NameKey = NameKey::constant(b"last-modified");
const CONTENT_LENGTH: NameKey = NameKey::constant(b"content-length");
const CONTENT_LANGUAGE: NameKey = NameKey::constant(b"content-language");
const SET_COOKIE: NameKey = NameKey::constant(b"set-cookie");
const SET_COOKIE2: NameKey = NameKey::constant(b"set-cookie2");

/// [`response_name_class`] of a name known to be lowercase (a `HeaderName`'s), by its key:
/// word comparisons (a unit test holds it to [`response_name_class`] on lowercase names).
fn response_name_class_lowercase(key: NameKey) -> NameClass {
    let safelisted = match key.len {
        6 => key == PRAGMA,
        7 => key == EXPIRES,
        12 => key == CONTENT_TYPE,
        13 => key == CACHE_CONTROL || key == LAST_MODIFIED,
        14 => key == CONTENT_LENGTH,
        16 => key == CONTENT_LANGUAGE,
        10 | 11 if key == SET_COOKIE || key == SET_COOKIE2 => return NameClass::Forbidden,
        _ => false,
    };
    if safelisted {
        NameClass::Safelisted
    } else {
        NameClass::Other
    }
}

/// Lists up to this long are scanned; longer ones are hashed once. A scan of a few short names
/// costs less than hashing one name, and bounds the work per header by a constant either way.
const SCAN_LIMIT: usize = 8;

/// Byte-case-insensitive membership in a CORS-exposed header-name list, built once per response.
// One value per response, on the stack: the scanned variant's size is what keeps it there.
#[allow(clippy::large_enum_variant)]
enum ExposedLookup<'a> {
    All,
    /// The list's first `len` names (at most [`SCAN_LIMIT`]), on the stack, each beside its
    /// key ([`NameKey`]) with ASCII letters lowercased: a lowercase name whose key differs is
    /// rejected without comparing bytes.
    Scan {
        names: [&'a [u8]; SCAN_LIMIT],
        keys: [NameKey; SCAN_LIMIT],
        len: usize,
    },
    /// Randomly keyed (`hash::FoldBuild`): the names are the server's, so a server cannot
    /// choose names that collide.
    Hashed(HashSet<Caseless<'a>, FoldBuild>),
}

impl<'a> ExposedLookup<'a> {
    /// Fetch §concept-main-fetch steps 14.1.1–14.1.3 ([`exposed_header_names`]) from the
    /// combined `Access-Control-Expose-Headers` value, without building the list when it is
    /// short: one pass over the value.
    fn from_value(value: Option<&'a [u8]>, credentials: CredentialsMode) -> Self {
        let empty = ExposedLookup::Scan {
            names: [&[]; SCAN_LIMIT],
            keys: [NO_KEY; SCAN_LIMIT],
            len: 0,
        };
        // Step 14.1.1: null leaves the list empty (step 14.1.3).
        let Some(value) = value else {
            return empty;
        };
        let mut names: [&[u8]; SCAN_LIMIT] = [&[]; SCAN_LIMIT];
        let (mut len, mut star) = (0, false);
        let tokens = for_each_token(value, |item| {
            if let Some(slot) = names.get_mut(len) {
                *slot = item;
            }
            len += 1;
            star |= item == b"*";
        });
        if !tokens {
            // Step 14.1.3: failure leaves the list empty.
            return empty;
        }
        // Step 14.1.2: `*` and credentials mode not "include" → all names.
        if star && credentials != CredentialsMode::Include {
            return ExposedLookup::All;
        }
        if len <= SCAN_LIMIT {
            let mut keys = [NO_KEY; SCAN_LIMIT];
            for (k, n) in keys.iter_mut().zip(&names).take(len) {
                let key = NameKey::of(n);
                *k = NameKey {
                    first: lower_word(key.first),
                    last: lower_word(key.last),
                    len: key.len,
                };
            }
            return ExposedLookup::Scan { names, keys, len };
        }
        let mut set = HashSet::with_capacity_and_hasher(len, FoldBuild::random());
        for_each_token(value, |item| {
            set.insert(Caseless(item));
        });
        ExposedLookup::Hashed(set)
    }

    fn contains(&self, name: &[u8]) -> bool {
        match self {
            ExposedLookup::All => true,
            ExposedLookup::Scan { names, len, .. } => names
                .get(..*len)
                .unwrap_or_default()
                .iter()
                .any(|n| same_name(n, name)),
            ExposedLookup::Hashed(set) => set.contains(&Caseless(name)),
        }
    }

    /// [`ExposedLookup::contains`] for a lowercase `name` (a `HeaderName`'s) whose key is
    /// `key`: in a scanned list, the keys decide, and only a name longer than 16 bytes is
    /// compared byte by byte after its key matched.
    fn contains_lowercase(&self, name: &[u8], key: NameKey) -> bool {
        match self {
            ExposedLookup::Scan { names, keys, len } => {
                let n = (*len).min(SCAN_LIMIT);
                (0..n)
                    .any(|i| keys[i] == key && (key.len <= 16 || same_bytes(names[i], name, true)))
            }
            _ => self.contains(name),
        }
    }
}

/// The key of no name (a name's length is its key's; this one has no name's words).
const NO_KEY: NameKey = NameKey {
    first: 0,
    last: 0,
    len: usize::MAX,
};

/// A word of `name`'s bytes that, with its length, tells names of up to 8 bytes apart (and
/// longer ones by their first 8): the first 8 bytes, or for shorter names their first and last
/// 4 (overlapping), or the bytes themselves below 4.
fn first_word(name: &[u8]) -> u64 {
    if let Some(w) = name.first_chunk::<8>() {
        return u64::from_le_bytes(*w);
    }
    match (name.first_chunk::<4>(), name.last_chunk::<4>()) {
        (Some(a), Some(b)) => {
            u64::from(u32::from_le_bytes(*a)) | u64::from(u32::from_le_bytes(*b)) << 32
        }
        _ => name
            .iter()
            .rev()
            .fold(0u64, |w, &b| (w << 8) | u64::from(b)),
    }
}

/// Fetch §extract-header-list-values for a `#token` value, in one pass and without a list
/// (the items [`header::parse_token_list`] returns, handed to `each` in order): the value split
/// on commas, each item trimmed of HTTP tab or space, empty items skipped. Returns `false` when
/// an item is not a token: the whole list fails (items before it were handed out already).
fn for_each_token<'a>(value: &'a [u8], mut each: impl FnMut(&'a [u8])) -> bool {
    let at = |i: usize| value.get(i).copied();
    let mut i = 0;
    loop {
        // Commas and tab or space before an item (empty items are skipped).
        while at(i).is_some_and(|b| b == b',' || header::is_http_tab_or_space(b)) {
            i += 1;
        }
        if i >= value.len() {
            return true;
        }
        // The item's token bytes: at least one.
        let start = i;
        while at(i).is_some_and(header::is_tchar) {
            i += 1;
        }
        if i == start {
            return false;
        }
        let end = i;
        // Trailing tab or space, then a comma or the end: anything else (a second word, a byte
        // that is not a token byte) makes the item not a token.
        while at(i).is_some_and(header::is_http_tab_or_space) {
            i += 1;
        }
        if at(i).is_some_and(|b| b != b',') {
            return false;
        }
        each(value.get(start..end).unwrap_or_default());
    }
}

/// A header name compared and hashed byte-case-insensitively (ASCII).
struct Caseless<'a>(&'a [u8]);

impl PartialEq for Caseless<'_> {
    fn eq(&self, other: &Self) -> bool {
        same_name(self.0, other.0)
    }
}

impl Eq for Caseless<'_> {}

impl Hash for Caseless<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        #[cfg(test)]
        counting::bump();
        // The lowercased bytes a word at a time (`hash::lower_word`, no copy; the last word
        // zero-padded), then the length, so no name's words are a prefix of another's.
        let mut words = self.0.chunks_exact(8);
        for w in &mut words {
            let w = <[u8; 8]>::try_from(w).map_or(0, u64::from_le_bytes);
            state.write_u64(lower_word(w));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let w = rest
                .iter()
                .rev()
                .fold(0u64, |w, &b| (w << 8) | u64::from(b));
            state.write_u64(lower_word(w));
        }
        state.write_usize(self.0.len());
    }
}

/// Header names compare byte-case-insensitively (Fetch §header-name: "byte-case-insensitive").
fn same_name(a: &[u8], b: &[u8]) -> bool {
    #[cfg(test)]
    counting::bump();
    a.len() == b.len() && a.eq_ignore_ascii_case(b)
}

/// Name operations (comparisons and hashes) on this thread, for the linear-cost test.
#[cfg(test)]
mod counting {
    use std::cell::Cell;

    thread_local! {
        static OPS: Cell<u64> = const { Cell::new(0) };
    }

    pub(super) fn bump() {
        OPS.with(|c| c.set(c.get() + 1));
    }

    pub(super) fn take() -> u64 {
        OPS.with(|c| c.replace(0))
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

/// Fetch §concept-filtered-response: what a script sees of a response: type, status, the
/// visible headers (names, and the header list with their values) and the URL list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FilteredResponse {
    /// The filtered response's type.
    pub response_type: ResponseType,
    /// The status; 0 for opaque and opaque-redirect.
    pub status: u16,
    /// The visible header names, lowercase, sorted, unique; empty for opaque and opaque-redirect.
    pub header_names: Vec<String>,
    /// The filtered header list: every line of the response head whose name is visible, with
    /// its value, in the head's order per name (what `Response.headers` holds); empty for opaque
    /// and opaque-redirect.
    pub headers: HeaderMap,
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
            ResponseTainting::Basic | ResponseTainting::Cors => {
                let names = visible_header_names(headers, tainting, credentials);
                let mut visible = HeaderMap::with_capacity(names.len());
                // `names` is sorted and lowercase, as `HeaderName`s are.
                for (name, value) in headers {
                    if names.binary_search(&name.as_str()).is_ok() {
                        visible.append(name.clone(), value.clone());
                    }
                }
                let header_names = names.into_iter().map(str::to_owned).collect();
                FilteredResponse {
                    response_type: if tainting == ResponseTainting::Basic {
                        ResponseType::Basic
                    } else {
                        ResponseType::Cors
                    },
                    status,
                    header_names,
                    headers: visible,
                    url_list,
                }
            }
        }
    }

    /// Fetch §concept-filtered-response-opaque: URL list « », status 0, header list « ».
    pub fn opaque() -> Self {
        FilteredResponse {
            response_type: ResponseType::Opaque,
            status: 0,
            header_names: Vec::new(),
            headers: HeaderMap::new(),
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
            headers: HeaderMap::new(),
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
    /// A binary search: [`FilteredResponse::header_names`] is lowercase and sorted.
    pub fn is_visible(&self, name: &[u8]) -> bool {
        // The names are lowercase and sorted: a binary search on the lowercased name.
        let lower = name.iter().map(u8::to_ascii_lowercase);
        self.header_names
            .binary_search_by(|n| n.bytes().cmp(lower.clone()))
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A response with `n` headers and `Access-Control-Expose-Headers` naming every other one
    /// (in another case): the names visible, and the name operations (comparisons and hashes)
    /// the CORS filter made.
    fn expose_every_other(n: usize) -> (Vec<String>, u64) {
        let names: Vec<Vec<u8>> = (0..n).map(|i| format!("x-h-{i}").into_bytes()).collect();
        let mut aceh = Vec::new();
        for name in names.iter().step_by(2) {
            aceh.extend_from_slice(&name.to_ascii_uppercase());
            aceh.extend_from_slice(b", ");
        }
        counting::take();
        let visible = visible_names(
            names.iter().map(Vec::as_slice),
            Some(&aceh),
            ResponseTainting::Cors,
            CredentialsMode::Omit,
        );
        (visible, counting::take())
    }

    /// Issue: with the exposed list scanned per header, 1 000 headers cost 500 000 comparisons
    /// and 10 000 cost 50 million. Each header now costs a bounded number of name operations:
    /// one hash, and the comparisons of its hash bucket.
    #[test]
    fn exposure_is_linear_in_the_number_of_headers() {
        let mut per_header = Vec::new();
        for n in [10, 100, 1_000, 10_000] {
            let (visible, ops) = expose_every_other(n);
            assert_eq!(visible.len(), n / 2);
            assert!(visible
                .iter()
                .all(|v| v.ends_with(['0', '2', '4', '6', '8'])));
            // Building the set hashes each listed name once (n / 2), and each header is hashed
            // and compared with the few names of its bucket.
            assert!(ops <= 4 * n as u64, "{n} headers: {ops} name operations");
            per_header.push(ops as f64 / n as f64);
        }
        // Flat per header from 10 to 10 000 (a quadratic filter would grow 1 000-fold).
        let (lo, hi) = (per_header[1], per_header[3]);
        assert!(hi <= lo * 1.5, "per header: {per_header:?}");
    }

    #[test]
    fn short_and_long_lists_agree_with_the_single_name_rule() {
        for n in [0, 1, SCAN_LIMIT, SCAN_LIMIT + 1, 40] {
            let listed: Vec<String> = (0..n).map(|i| format!("X-Listed-{i}")).collect();
            let aceh = listed.join(",");
            let exposed = exposed_header_names(Some(aceh.as_bytes()), CredentialsMode::Omit);
            let lookup = ExposedLookup::from_value(Some(aceh.as_bytes()), CredentialsMode::Omit);
            for probe in [
                "x-listed-0",
                "X-LISTED-39",
                "x-listed-40",
                "x-other",
                "set-cookie",
            ] {
                let p = probe.as_bytes();
                assert_eq!(
                    safelisted_given(p, |n| lookup.contains(n)),
                    is_cors_safelisted_response_header_name_given(p, &exposed),
                    "{n} listed, {probe}"
                );
            }
        }
    }

    /// The length-first name classes are the two predicates of `safelist` and `forbidden`.
    #[test]
    fn name_classes_agree_with_the_predicates() {
        let mut names: Vec<Vec<u8>> = Vec::new();
        for n in [
            "cache-control",
            "content-language",
            "content-length",
            "content-type",
            "expires",
            "last-modified",
            "pragma",
            "set-cookie",
            "set-cookie2",
            "content-typf",
            "set-cookie3",
            "set-cookiE",
            "pragmas",
            "expire",
            "x-custom",
            "",
        ] {
            names.push(n.as_bytes().to_vec());
            names.push(n.to_ascii_uppercase().into_bytes());
            // Every one-byte change of each name (other lengths and near misses).
            for i in 0..n.len() {
                let mut m = n.as_bytes().to_vec();
                m[i] ^= 0x01;
                names.push(m);
            }
        }
        for n in &names {
            let want = if is_cors_safelisted_response_header_name(n) {
                NameClass::Safelisted
            } else if is_forbidden_response_header_name(n) {
                NameClass::Forbidden
            } else {
                NameClass::Other
            };
            assert_eq!(
                response_name_class(n),
                want,
                "{:?}",
                String::from_utf8_lossy(n)
            );
            let lower = n.to_ascii_lowercase();
            assert_eq!(
                response_name_class_lowercase(NameKey::of(&lower)),
                response_name_class(&lower),
                "{:?}",
                String::from_utf8_lossy(&lower)
            );
        }
    }

    /// The compile-time keys are the run-time ones, for every length around the words' sizes.
    #[test]
    fn constant_keys_are_run_time_keys() {
        let text = b"abcdefghijklmnopqrstuvwxyz-0123456789";
        for len in 0..=24 {
            let name = &text[..len];
            assert_eq!(NameKey::constant(name), NameKey::of(name), "{len}");
            assert_eq!(NameKey::of(name).len, len);
        }
        assert_eq!(CONTENT_LANGUAGE, NameKey::of(b"content-language"));
        assert_ne!(CONTENT_LANGUAGE, NameKey::of(b"content-languagf"));
        assert_ne!(CONTENT_LENGTH, NameKey::of(b"content-lengti"));
    }

    /// The scanned list's shortcut for lowercase names (length and first word first) agrees
    /// with the plain comparison, on names around the 8-byte word and in every case.
    #[test]
    fn the_lowercase_lookup_agrees() {
        let list: &[u8] =
            b"X-Request-ID, eTag, x-a, ABCDEFGH, abcdefghi, x-ratelimit-remaining, Vary-X, x-AbCdE";
        let lookup = ExposedLookup::from_value(Some(list), CredentialsMode::Omit);
        assert!(matches!(lookup, ExposedLookup::Scan { len: 8, .. }));
        let mut probes: Vec<Vec<u8>> = Vec::new();
        for n in list.split(|&b| b == b',') {
            let n = n.trim_ascii().to_ascii_lowercase();
            for i in 0..n.len() {
                let mut m = n.clone();
                m[i] ^= 0x01;
                probes.push(m);
            }
            probes.push(n[..n.len() - 1].to_vec());
            probes.push([&n[..], b"x"].concat());
            probes.push(n);
        }
        probes.extend([b"".to_vec(), b"x-".to_vec(), b"abcdefgh\0".to_vec()]);
        probes.sort();
        probes.dedup();
        let mut hits = 0;
        for p in probes
            .iter()
            .filter(|p| !p.iter().any(u8::is_ascii_uppercase))
        {
            assert_eq!(
                lookup.contains_lowercase(p, NameKey::of(p)),
                lookup.contains(p),
                "{:?}",
                String::from_utf8_lossy(p)
            );
            hits += usize::from(lookup.contains(p));
        }
        assert_eq!(hits, 8, "each listed name found, no near miss");
    }

    /// Names that share their first 8 bytes (and others that do not), in scrambled order, few
    /// (sorted on the stack) and many (the heap path): the visible names come out in byte order.
    #[test]
    fn visible_names_are_sorted_when_prefixes_tie() {
        let base = [
            "x-ratelimit-reset",
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "content-type",
            "content-length",
            "content-language",
            "x-ratelimit",
            "x-ratelim",
            "etag",
            "x-a",
            "access-control-allow-origin",
            "access-control-allow-credentials",
        ];
        for copies in [1, 4] {
            let mut map = HeaderMap::new();
            let mut want = Vec::new();
            for c in 0..copies {
                for n in base {
                    let name = if c == 0 {
                        (*n).to_owned()
                    } else {
                        format!("{n}-{c}")
                    };
                    want.push(name);
                }
            }
            let mut order: Vec<usize> = (0..want.len()).collect();
            order.sort_by_key(|i| (i % 3, usize::MAX - i));
            for i in order {
                map.append(
                    http::HeaderName::from_bytes(want[i].as_bytes()).unwrap(),
                    http::HeaderValue::from_static("1"),
                );
            }
            want.sort();
            assert_eq!(want.len() > SMALL, copies == 4);
            let got = visible_header_names(&map, ResponseTainting::Basic, CredentialsMode::Omit);
            assert_eq!(got, want, "{copies} copies");
        }
    }

    #[test]
    fn sort_prefixes_order_as_the_names() {
        let names = [
            "",
            "a",
            "a-",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "abcdf",
            "abcdef",
            "abcdefg",
            "abcdefgh",
            "abcdefgh-",
            "abcdefgi",
            "b",
            "x-ratelimit",
            "x-request-id",
            "\x7f",
        ];
        for a in names {
            let mut padded = [0u8; 8];
            for (p, b) in padded.iter_mut().zip(a.bytes()) {
                *p = b;
            }
            assert_eq!(
                sort_prefix(a.as_bytes()),
                u64::from_be_bytes(padded),
                "{a:?}"
            );
            for b in names {
                let key = |s: &str| (sort_prefix(s.as_bytes()), s.to_owned());
                assert_eq!(key(a).cmp(&key(b)), a.cmp(b), "{a:?} {b:?}");
                if sort_prefix(a.as_bytes()) != sort_prefix(b.as_bytes()) {
                    assert_eq!(
                        sort_prefix(a.as_bytes()).cmp(&sort_prefix(b.as_bytes())),
                        a.cmp(b)
                    );
                }
            }
        }
    }

    proptest::proptest! {
        /// The one-pass list reader hands out exactly `header::parse_token_list`'s items, and
        /// fails exactly when it fails.
        #[test]
        fn token_items_are_the_parsed_list(value in proptest::collection::vec(
            proptest::sample::select(b"aZ9-*!, \t,\x0c\"\x80;=".to_vec()), 0..24)
        ) {
            let mut items = Vec::new();
            let ok = for_each_token(&value, |i| items.push(i));
            match header::parse_token_list(&value) {
                Ok(list) => {
                    proptest::prop_assert!(ok);
                    proptest::prop_assert_eq!(items, list);
                }
                Err(_) => proptest::prop_assert!(!ok),
            }
        }

        /// Filtering a header map (names and expose list on their fast paths) keeps exactly the
        /// names the single-name rule (§cors-safelisted-response-header-name given
        /// `exposed_header_names`) keeps, lowercase, sorted and unique.
        #[test]
        fn map_filter_is_the_single_name_rule(
            names in proptest::collection::vec(proptest::sample::select(vec![
                "content-type", "Content-Length", "set-cookie", "SET-COOKIE2", "pragma",
                "x-a", "x-b", "X-Request-Id", "x-request-ie", "etag", "*", "expires",
                "x-ratelimit-remaining", "x-ratelimit-limit", "last-modified", "cache-control",
            ]), 0..40),
            listed in proptest::collection::vec(proptest::sample::select(vec![
                "x-a", "X-B", "x-request-id", "ETag", "*", "set-cookie", "pragma", "x-c",
                "x-ratelimit-remaining", "content-type", "x-d", "x-e", "x-f", "x-g", "x-h",
            ]), 0..14),
            separator in proptest::sample::select(vec![",", ", ", " ,\t", ",,"]),
            include in proptest::bool::ANY,
            basic in proptest::bool::ANY,
        ) {
            let credentials = if include { CredentialsMode::Include } else { CredentialsMode::Omit };
            let tainting = if basic { ResponseTainting::Basic } else { ResponseTainting::Cors };
            let aceh = listed.join(separator);
            let mut map = HeaderMap::new();
            for n in &names {
                map.append(
                    http::HeaderName::from_bytes(n.as_bytes()).expect("a name"),
                    http::HeaderValue::from_static("v"),
                );
            }
            map.append(
                ACCESS_CONTROL_EXPOSE_HEADERS,
                http::HeaderValue::from_str(&aceh).expect("a value"),
            );
            let exposed = exposed_header_names(Some(aceh.as_bytes()), credentials);
            let mut want: Vec<String> = map
                .keys()
                .map(|n| n.as_str())
                .filter(|n| {
                    if basic {
                        !is_forbidden_response_header_name(n.as_bytes())
                    } else {
                        is_cors_safelisted_response_header_name_given(n.as_bytes(), &exposed)
                    }
                })
                .map(str::to_owned)
                .collect();
            want.sort();
            want.dedup();
            proptest::prop_assert_eq!(visible_header_names(&map, tainting, credentials), want.clone());
            let from_bytes = visible_names(
                map.keys().map(|n| n.as_str().as_bytes()),
                Some(aceh.as_bytes()),
                tainting,
                credentials,
            );
            proptest::prop_assert_eq!(from_bytes, want);
        }
    }

    #[test]
    fn is_visible_ignores_case() {
        let f = FilteredResponse {
            response_type: ResponseType::Cors,
            status: 200,
            header_names: vec!["content-type".into(), "x-a".into(), "x-b".into()],
            headers: HeaderMap::new(),
            url_list: Vec::new(),
        };
        assert!(f.is_visible(b"X-B") && f.is_visible(b"content-TYPE") && f.is_visible(b"x-a"));
        assert!(!f.is_visible(b"x-c") && !f.is_visible(b"") && !f.is_visible(b"x-"));
    }
}
