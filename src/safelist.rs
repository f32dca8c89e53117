//! CORS-safelisted request-headers and related header-name classes: Fetch
//! §cors-safelisted-request-header and its neighbours
//! (<https://fetch.spec.whatwg.org/#cors-safelisted-request-header>).
//!
//! Everything takes names and values as bytes (a header value may hold bytes such as 0x01 that
//! `http::HeaderValue` refuses) and compares names byte-case-insensitively.

use crate::mime::{parse_essence, MimeError};
use crate::range::{parse_single_range, RangeError};

/// Fetch §cors-safelisted-request-header: why a header is not a CORS-safelisted request-header.
/// Each variant names the step of the algorithm that returned false.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotSafelisted {
    /// Step 1: the value is longer than 128 bytes.
    #[error("the value is {length} bytes long, more than 128 (Fetch §cors-safelisted-request-header step 1)")]
    ValueTooLong {
        /// The value's length in bytes.
        length: usize,
    },
    /// Step 2, `accept`: the value holds a CORS-unsafe request-header byte.
    #[error("`accept` value contains the CORS-unsafe request-header byte 0x{byte:02X} (Fetch §cors-unsafe-request-header-byte)")]
    AcceptUnsafeByte {
        /// The first offending byte.
        byte: u8,
    },
    /// Step 2, `accept-language` / `content-language`: the value holds a byte outside
    /// `0-9 A-Z a-z`, space, `*`, `,`, `-`, `.`, `;`, `=`.
    #[error("language value contains the byte 0x{byte:02X}, outside 0-9 A-Z a-z SP * , - . ; = (Fetch §cors-safelisted-request-header)")]
    LanguageByte {
        /// The first offending byte.
        byte: u8,
    },
    /// Step 2, `content-type` step 1: the value holds a CORS-unsafe request-header byte.
    #[error("`content-type` value contains the CORS-unsafe request-header byte 0x{byte:02X} (Fetch §cors-unsafe-request-header-byte)")]
    ContentTypeUnsafeByte {
        /// The first offending byte.
        byte: u8,
    },
    /// Step 2, `content-type` (an engine rule, not Fetch's): the value holds `,`, which an engine
    /// that reads a request `Content-Type` as one media type, not a list, refuses
    /// ([`SafelistRules::content_type_comma_unsafe`]).
    #[error("`content-type` value contains `,`: this engine reads it as no media type")]
    ContentTypeComma,
    /// Step 2, `content-type` step 3: the value is not a MIME type.
    #[error("`content-type` value is not a MIME type: {0}")]
    ContentTypeNotMime(MimeError),
    /// Step 2, `content-type` step 4: the essence is not `application/x-www-form-urlencoded`,
    /// `multipart/form-data` or `text/plain`.
    #[error("`content-type` essence `{essence}` is not application/x-www-form-urlencoded, multipart/form-data or text/plain (Fetch §cors-safelisted-request-header)")]
    ContentTypeEssence {
        /// The parsed MIME type's essence.
        essence: String,
    },
    /// Step 2, `range` step 2: the value is not a single byte range.
    #[error("`range` value is not a single range: {0}")]
    RangeNotSingle(RangeError),
    /// Step 2, `range` step 3: the range has no start (`bytes=-500`).
    #[error(
        "`range` value has no start, e.g. `bytes=-500` (Fetch §cors-safelisted-request-header)"
    )]
    RangeNoStart,
    /// A client hint Chromium safelists ([`SafelistRules::client_hints`]) with a value of the
    /// wrong form (`DPR: a`, `Save-Data: off`).
    #[error("the client-hint value is not of the form Chromium safelists")]
    ClientHintValue,
    /// Step 2, otherwise: the name is none of `accept`, `accept-language`, `content-language`,
    /// `content-type`, `range`.
    #[error("the header name is not one that can be CORS-safelisted (Fetch §cors-safelisted-request-header)")]
    Name,
}

/// Fetch §cors-unsafe-request-header-byte: a byte below 0x20 other than 0x09, or one of
/// `"():<>?@[\]{}` and 0x7F.
///
/// ```
/// use corsgate::safelist::is_cors_unsafe_request_header_byte;
/// assert!(is_cors_unsafe_request_header_byte(b'"'));
/// assert!(is_cors_unsafe_request_header_byte(0x01));
/// assert!(!is_cors_unsafe_request_header_byte(b'\t'));
/// assert!(!is_cors_unsafe_request_header_byte(b';'));
/// ```
pub fn is_cors_unsafe_request_header_byte(b: u8) -> bool {
    UNSAFE_BYTE[usize::from(b)]
}

/// Fetch §cors-unsafe-request-header-byte as a table: a byte less than 0x20 and not 0x09, or one
/// of `"():<>?@[\]{}` and 0x7F (one lookup per byte; values are scanned byte by byte).
static UNSAFE_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = b != 0x09;
        b += 1;
    }
    let listed = b"\"():<>?@[\\]{}\x7f";
    let mut i = 0;
    while i < listed.len() {
        t[listed[i] as usize] = true;
        i += 1;
    }
    t
};

fn first_unsafe_byte(value: &[u8], non_ascii_unsafe: bool) -> Option<u8> {
    value
        .iter()
        .copied()
        .find(|&b| is_cors_unsafe_request_header_byte(b) || (non_ascii_unsafe && b >= 0x80))
}

/// Where an engine's CORS-safelisted request-header check differs from Fetch
/// §cors-safelisted-request-header. [`SafelistRules::SPEC`] is the standard; `Policy::safelist`
/// holds each preset's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SafelistRules {
    /// How a `range` value is read.
    pub range_syntax: RangeSyntax,
    /// `accept`, `content-type`: a byte 0x80–0xFF counts as a CORS-unsafe request-header byte.
    /// Fetch's list has only bytes below 0x80; Firefox preflights `Accept: text/html;\xE9`
    /// (recorded, `safelist-edge-accept-latin1`).
    pub non_ascii_unsafe: bool,
    /// `content-type`: a value holding `,` is not safelisted, whatever the MIME type parser makes
    /// of it. Firefox reads a request `Content-Type` with `net_ParseRequestContentType`
    /// (`nsURLHelper.cpp`), which yields no type when a `,` is found outside quotes.
    pub content_type_comma_unsafe: bool,
    /// Whether the client-hint names Chromium adds to the safelist count as CORS-safelisted:
    /// `DPR` and `Device-Memory` whose value is `1*DIGIT ["." 1*DIGIT]`, `Width` and
    /// `Viewport-Width` whose value is `1*DIGIT`, `Save-Data` whose value is `on` (any case), and
    /// `Intervention` with any value (`IsCorsSafelistedHeader`,
    /// `services/network/public/cpp/cors/cors.cc`). The 128-byte limit still applies.
    pub client_hints: bool,
}

/// How the `range` value of a CORS-safelisted request-header is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RangeSyntax {
    /// Fetch §simple-range-header-value with allowWhitespace false: `bytes=` exactly, then
    /// ASCII digits.
    #[default]
    Fetch,
    /// WebKit's `parseRange` (`HTTPParsers.cpp`): no tab or space anywhere, the unit `bytes` in
    /// any ASCII case (`startsWithLettersIgnoringASCIICase`), each position 64-bit digits that
    /// may carry a `+` (`parseInteger<long long>`: `bytes=+1-2` is a range), the end absent or at
    /// least the start.
    WebKit,
}

impl SafelistRules {
    /// Fetch §cors-safelisted-request-header as written.
    pub const SPEC: SafelistRules = SafelistRules {
        range_syntax: RangeSyntax::Fetch,
        non_ascii_unsafe: false,
        content_type_comma_unsafe: false,
        client_hints: false,
    };
}

/// Fetch §cors-safelisted-request-header, with the reason when the header is not one.
///
/// ```
/// use corsgate::safelist::{check_cors_safelisted_request_header as check, NotSafelisted};
/// assert_eq!(check(b"Content-Type", b"text/plain;charset=UTF-8"), Ok(()));
/// assert_eq!(
///     check(b"content-type", b"application/json"),
///     Err(NotSafelisted::ContentTypeEssence { essence: "application/json".into() })
/// );
/// assert_eq!(check(b"range", b"bytes=-5"), Err(NotSafelisted::RangeNoStart));
/// assert_eq!(check(b"x-custom", b"1"), Err(NotSafelisted::Name));
/// ```
pub fn check_cors_safelisted_request_header(
    name: &[u8],
    value: &[u8],
) -> Result<(), NotSafelisted> {
    check_cors_safelisted_request_header_with(name, value, SafelistRules::SPEC)
}

/// [`check_cors_safelisted_request_header`] under an engine's [`SafelistRules`].
///
/// ```
/// use corsgate::safelist::{check_cors_safelisted_request_header_with as check, SafelistRules};
/// use corsgate::safelist::RangeSyntax;
/// let webkit = SafelistRules { range_syntax: RangeSyntax::WebKit, ..SafelistRules::SPEC };
/// assert!(check(b"range", b"Bytes=0-1", SafelistRules::SPEC).is_err());
/// assert_eq!(check(b"range", b"Bytes=0-1", webkit), Ok(()));
/// ```
pub fn check_cors_safelisted_request_header_with(
    name: &[u8],
    value: &[u8],
    rules: SafelistRules,
) -> Result<(), NotSafelisted> {
    check(name, value, rules, true)
}

/// [`check_cors_safelisted_request_header_with`]; `spell_essence` false leaves the essence of a
/// [`NotSafelisted::ContentTypeEssence`] empty, for callers that only need the verdict (no
/// allocation).
fn check(
    name: &[u8],
    value: &[u8],
    rules: SafelistRules,
    spell_essence: bool,
) -> Result<(), NotSafelisted> {
    // 2. Byte-lowercase name (on the stack: no name that can be safelisted is longer than 32
    // bytes, so a longer one matches nothing).
    let mut buf = [0u8; 32];
    let lower: &[u8] = match buf.get_mut(..name.len()) {
        Some(b) => {
            b.copy_from_slice(name);
            b.make_ascii_lowercase();
            b
        }
        None => b"",
    };
    check_lowercase(lower, value, rules, spell_essence)
}

/// Whether [`check_lowercase`] accepts the header, without its reasons: a `Content-Type` whose
/// value does not begin with one of the three safelisted essences is refused before the MIME
/// type is parsed (the parser strips leading HTTP whitespace, then the essence is the value's
/// first bytes, case-insensitive; a unit test holds this to [`check_lowercase`]).
fn is_safelisted_lowercase(lower: &[u8], value: &[u8], rules: SafelistRules) -> bool {
    if lower == b"content-type" {
        let start = value
            .iter()
            .position(|&b| !crate::header::is_http_whitespace(b))
            .unwrap_or(value.len());
        let rest = value.get(start..).unwrap_or_default();
        let begins = |essence: &[u8]| {
            rest.get(..essence.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(essence))
        };
        if !(begins(b"text/plain")
            || begins(b"multipart/form-data")
            || begins(b"application/x-www-form-urlencoded"))
        {
            return false;
        }
    }
    check_lowercase(lower, value, rules, false).is_ok()
}

/// [`check`] for a name that is byte-lowercase already (a `HeaderName`'s): nothing to copy.
fn check_lowercase(
    lower: &[u8],
    value: &[u8],
    rules: SafelistRules,
    spell_essence: bool,
) -> Result<(), NotSafelisted> {
    debug_assert!(!lower.iter().any(u8::is_ascii_uppercase));
    // 1. If value's length is greater than 128, return false.
    if value.len() > 128 {
        return Err(NotSafelisted::ValueTooLong {
            length: value.len(),
        });
    }
    // 2. Switch on the byte-lowercased name.
    match lower {
        b"accept" => {
            // If value contains a CORS-unsafe request-header byte, return false.
            if let Some(byte) = first_unsafe_byte(value, rules.non_ascii_unsafe) {
                return Err(NotSafelisted::AcceptUnsafeByte { byte });
            }
        }
        b"accept-language" | b"content-language" => {
            // If value contains a byte outside 0-9, A-Z, a-z, SP * , - . ; =, return false.
            let allowed = |b: u8| matches!(b, b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z' | b' ' | b'*' | b',' | b'-' | b'.' | b';' | b'=');
            if let Some(&byte) = value.iter().find(|&&b| !allowed(b)) {
                return Err(NotSafelisted::LanguageByte { byte });
            }
        }
        b"content-type" => {
            // 1. If value contains a CORS-unsafe request-header byte, return false.
            if let Some(byte) = first_unsafe_byte(value, rules.non_ascii_unsafe) {
                return Err(NotSafelisted::ContentTypeUnsafeByte { byte });
            }
            // (Firefox: a request Content-Type is one media type; `,` makes it none.)
            if rules.content_type_comma_unsafe && value.contains(&b',') {
                return Err(NotSafelisted::ContentTypeComma);
            }
            // 2-3. Parse the isomorphic decoding of value as a MIME type; failure: return false.
            // (Only its essence matters: parameters never make parsing fail.)
            let (type_, subtype) =
                parse_essence(value).map_err(NotSafelisted::ContentTypeNotMime)?;
            // 4. The essence must be one of the three CORS-safelisted ones (the parser
            // ASCII-lowercases type and subtype).
            let is = |t: &[u8], s: &[u8]| {
                type_.eq_ignore_ascii_case(t) && subtype.eq_ignore_ascii_case(s)
            };
            if !(is(b"application", b"x-www-form-urlencoded")
                || is(b"multipart", b"form-data")
                || is(b"text", b"plain"))
            {
                let mut essence = String::new();
                if spell_essence {
                    // Type and subtype are HTTP tokens: ASCII.
                    let lower = |b: &u8| char::from(b.to_ascii_lowercase());
                    essence.extend(type_.iter().map(lower));
                    essence.push('/');
                    essence.extend(subtype.iter().map(lower));
                }
                return Err(NotSafelisted::ContentTypeEssence { essence });
            }
        }
        b"range" => {
            // 1-2. Parse a single range header value given value and false; failure: false.
            let start = match rules.range_syntax {
                RangeSyntax::Fetch => {
                    parse_single_range(value, false)
                        .map_err(NotSafelisted::RangeNotSingle)?
                        .0
                }
                RangeSyntax::WebKit => {
                    webkit_range_start(value).map_err(NotSafelisted::RangeNotSingle)?
                }
            };
            // 3. If rangeValue[0] is null, return false.
            if start.is_none() {
                return Err(NotSafelisted::RangeNoStart);
            }
        }
        // Chromium's client hints (`SafelistRules::client_hints`).
        b"dpr" | b"device-memory" if rules.client_hints => {
            if !is_decimal(value, true) {
                return Err(NotSafelisted::ClientHintValue);
            }
        }
        b"width" | b"viewport-width" if rules.client_hints => {
            if !is_decimal(value, false) {
                return Err(NotSafelisted::ClientHintValue);
            }
        }
        b"save-data" if rules.client_hints => {
            if !value.eq_ignore_ascii_case(b"on") {
                return Err(NotSafelisted::ClientHintValue);
            }
        }
        b"intervention" if rules.client_hints => {}
        // Otherwise: return false.
        _ => return Err(NotSafelisted::Name),
    }
    // 3. Return true.
    Ok(())
}

/// `1*DIGIT`, or with `fraction` also `1*DIGIT "." 1*DIGIT`.
fn is_decimal(value: &[u8], fraction: bool) -> bool {
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    match value.iter().position(|&b| b == b'.') {
        None => digits(value),
        Some(dot) => fraction && digits(&value[..dot]) && digits(&value[dot + 1..]),
    }
}

/// WebKit's `parseRange` without whitespace ([`RangeSyntax::WebKit`]): the range's start, `None`
/// for a suffix range.
fn webkit_range_start(value: &[u8]) -> Result<Option<u64>, RangeError> {
    // Any tab or space: failure (whitespace is not allowed).
    if value.iter().any(|&b| b == b' ' || b == b'\t') {
        return Err(RangeError::TrailingBytes);
    }
    // The unit, in any ASCII case.
    if !value
        .get(..5)
        .is_some_and(|u| u.eq_ignore_ascii_case(b"bytes"))
    {
        return Err(RangeError::NotBytes);
    }
    let Some(rest) = value[5..].strip_prefix(b"=") else {
        return Err(RangeError::ExpectedEquals);
    };
    let Some(hyphen) = rest.iter().position(|&b| b == b'-') else {
        return Err(RangeError::ExpectedHyphen);
    };
    // `-N`: a suffix range, no start.
    if hyphen == 0 {
        return signed(&rest[1..]).map(|_| None);
    }
    let start = signed(&rest[..hyphen])?;
    if let [_, ..] = &rest[hyphen + 1..] {
        if signed(&rest[hyphen + 1..])? < start {
            return Err(RangeError::StartAfterEnd);
        }
    }
    Ok(u64::try_from(start).ok())
}

/// A position as WebKit's `parseRange` accepts it: an optional `+`, then ASCII digits, nothing
/// else, within 64 bits. (WTF `parseInteger<long long>` takes the `+`; `bytes=0--0` was recorded
/// as not safelisted, so no `-` sign is taken.)
fn signed(s: &[u8]) -> Result<i64, RangeError> {
    let digits = s.strip_prefix(b"+").unwrap_or(s);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(RangeError::TrailingBytes);
    }
    let mut v: i64 = 0;
    for &d in digits {
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(d - b'0')))
            .ok_or(RangeError::Overflow)?;
    }
    Ok(v)
}

/// Fetch §cors-safelisted-request-header as a predicate; see
/// [`check_cors_safelisted_request_header`] for the reason.
///
/// ```
/// use corsgate::safelist::is_cors_safelisted_request_header as safe;
/// assert!(safe(b"Accept", b"*/*"));
/// assert!(safe(b"range", b"bytes=0-"));
/// assert!(!safe(b"accept-language", b"en@x"));
/// ```
pub fn is_cors_safelisted_request_header(name: &[u8], value: &[u8]) -> bool {
    check(name, value, SafelistRules::SPEC, false).is_ok()
}

/// Fetch §cors-unsafe-request-header-names: the names of the headers that are not
/// CORS-safelisted, plus every safelisted name once the safelisted values total more than 1024
/// bytes, as a byte-lowercased, deduplicated, byte-sorted list. Header names are tokens (ASCII);
/// bytes that are not UTF-8, which no header name contains, are converted lossily after sorting.
///
/// ```
/// use corsgate::safelist::cors_unsafe_request_header_names as unsafe_names;
/// let headers: [(&[u8], &[u8]); 3] = [(b"X-B", b"1"), (b"Accept", b"*/*"), (b"x-a", b"2")];
/// assert_eq!(unsafe_names(headers), vec!["x-a", "x-b"]);
/// ```
pub fn cors_unsafe_request_header_names<'a, I: IntoIterator<Item = (&'a [u8], &'a [u8])>>(
    headers: I,
) -> Vec<String> {
    let mut names = cors_unsafe_request_header_entries(headers, true);
    // Step 6 (set): drop duplicates of the sorted list.
    names.dedup();
    names
}

/// Fetch §cors-unsafe-request-header-names steps 1–6, keeping one name per unsafe header-list
/// entry (sorted, lowercase, duplicates kept), with the 1024-byte total rule (step 5) optional.
/// The standard's algorithm is [`cors_unsafe_request_header_names`] (with the rule, deduplicated);
/// Firefox lists a duplicated name once per entry and has no total rule.
///
/// ```
/// use corsgate::safelist::cors_unsafe_request_header_entries as entries;
/// let headers: [(&[u8], &[u8]); 3] = [(b"X-A", b"1"), (b"Accept", b"*/*"), (b"x-a", b"2")];
/// assert_eq!(entries(headers, true), vec!["x-a", "x-a"]);
/// ```
pub fn cors_unsafe_request_header_entries<'a, I: IntoIterator<Item = (&'a [u8], &'a [u8])>>(
    headers: I,
    total_rule: bool,
) -> Vec<String> {
    cors_unsafe_request_header_entries_with(headers, total_rule, SafelistRules::SPEC)
}

/// [`cors_unsafe_request_header_entries`] with each header judged under an engine's
/// [`SafelistRules`].
///
/// ```
/// use corsgate::safelist::{cors_unsafe_request_header_entries_with as entries, SafelistRules};
/// let firefox = SafelistRules { non_ascii_unsafe: true, ..SafelistRules::SPEC };
/// let headers: [(&[u8], &[u8]); 1] = [(b"Accept", b"text/html;\xE9")];
/// assert!(entries(headers, true, SafelistRules::SPEC).is_empty());
/// assert_eq!(entries(headers, false, firefox), ["accept"]);
/// ```
pub fn cors_unsafe_request_header_entries_with<'a, I: IntoIterator<Item = (&'a [u8], &'a [u8])>>(
    headers: I,
    total_rule: bool,
    rules: SafelistRules,
) -> Vec<String> {
    unsafe_entries(
        headers.into_iter(),
        total_rule,
        rules,
        false,
        |n: &[u8]| {
            String::from_utf8(n.to_ascii_lowercase())
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
        },
    )
}

/// [`cors_unsafe_request_header_entries_with`] for names of any type, each made its
/// byte-lowercased string by `to_string` (a `HeaderName` is one already).
///
/// With `lowercase` every name is byte-lowercase already (a `HeaderName`'s): it is judged and
/// sorted as it is, without lowercasing a copy.
pub(crate) fn unsafe_entries<'a, N: AsRef<[u8]> + Copy, T: AsRef<[u8]>>(
    headers: impl Iterator<Item = (N, &'a [u8])>,
    total_rule: bool,
    rules: SafelistRules,
    lowercase: bool,
    to_string: impl Fn(N) -> T,
) -> Vec<T> {
    // 1–2. unsafeNames and potentiallyUnsafeNames in one list: unsafeNames its first
    // `unsafe_len` names, potentiallyUnsafeNames the rest (the list is sorted afterwards, so
    // the order in which names join does not matter).
    let mut names: Vec<T> = Vec::with_capacity(headers.size_hint().0);
    let mut unsafe_len = 0;
    // 3. Let safelistValueSize be 0.
    let mut safelist_value_size: usize = 0;
    // 4. For each header of headers:
    for (name, value) in headers {
        let safelisted = if lowercase {
            is_safelisted_lowercase(name.as_ref(), value, rules)
        } else {
            check(name.as_ref(), value, rules, false).is_ok()
        };
        names.push(to_string(name));
        if safelisted {
            // 4.2. Otherwise, append name to potentiallyUnsafeNames and add value's length.
            safelist_value_size = safelist_value_size.saturating_add(value.len());
        } else {
            // 4.1. Not a CORS-safelisted request-header: append name to unsafeNames.
            let last = names.len() - 1;
            names.swap(unsafe_len, last);
            unsafe_len += 1;
        }
    }
    // 5. If safelistValueSize is greater than 1024, append every potentiallyUnsafeNames name to
    // unsafeNames; otherwise they are not unsafe.
    if !(total_rule && safelist_value_size > 1024) {
        names.truncate(unsafe_len);
    }
    // 6. Convert header names to a sorted-lowercase list (the caller dedupes for a set): sorted
    // by their lowercase bytes.
    if lowercase {
        names.sort_unstable_by(|a, b| a.as_ref().cmp(b.as_ref()));
    } else {
        names.sort_unstable_by(|a, b| {
            let (a, b) = (a.as_ref(), b.as_ref());
            (a.iter().map(u8::to_ascii_lowercase)).cmp(b.iter().map(u8::to_ascii_lowercase))
        });
    }
    names
}

/// Fetch §cors-non-wildcard-request-header-name: `Authorization`, byte-case-insensitive.
///
/// ```
/// assert!(corsgate::safelist::is_cors_non_wildcard_request_header_name(b"authorization"));
/// ```
pub fn is_cors_non_wildcard_request_header_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"authorization")
}

/// Fetch §privileged-no-cors-request-header-name: `Range`, byte-case-insensitive.
///
/// ```
/// assert!(corsgate::safelist::is_privileged_no_cors_request_header_name(b"RANGE"));
/// ```
pub fn is_privileged_no_cors_request_header_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"range")
}

/// Fetch §no-cors-safelisted-request-header-name: `Accept`, `Accept-Language`,
/// `Content-Language` or `Content-Type`, byte-case-insensitive.
///
/// ```
/// assert!(corsgate::safelist::is_no_cors_safelisted_request_header_name(b"content-TYPE"));
/// assert!(!corsgate::safelist::is_no_cors_safelisted_request_header_name(b"range"));
/// ```
pub fn is_no_cors_safelisted_request_header_name(name: &[u8]) -> bool {
    [
        &b"accept"[..],
        b"accept-language",
        b"content-language",
        b"content-type",
    ]
    .iter()
    .any(|n| name.eq_ignore_ascii_case(n))
}

/// Fetch §no-cors-safelisted-request-header: a no-CORS-safelisted request-header name whose
/// header is a CORS-safelisted request-header.
///
/// ```
/// use corsgate::safelist::is_no_cors_safelisted_request_header as ok;
/// assert!(ok(b"Accept", b"text/html"));
/// assert!(!ok(b"Range", b"bytes=0-"));
/// ```
pub fn is_no_cors_safelisted_request_header(name: &[u8], value: &[u8]) -> bool {
    // 1. If name is not a no-CORS-safelisted request-header name, return false.
    // 2. Return whether (name, value) is a CORS-safelisted request-header.
    is_no_cors_safelisted_request_header_name(name)
        && is_cors_safelisted_request_header(name, value)
}

/// Fetch §cors-safelisted-response-header-name (the fixed part; the exposed-names list is applied
/// by the caller): `Cache-Control`, `Content-Language`, `Content-Length`, `Content-Type`,
/// `Expires`, `Last-Modified` or `Pragma`, byte-case-insensitive.
///
/// ```
/// assert!(corsgate::safelist::is_cors_safelisted_response_header_name(b"content-length"));
/// assert!(!corsgate::safelist::is_cors_safelisted_response_header_name(b"Set-Cookie"));
/// ```
pub fn is_cors_safelisted_response_header_name(name: &[u8]) -> bool {
    [
        &b"cache-control"[..],
        b"content-language",
        b"content-length",
        b"content-type",
        b"expires",
        b"last-modified",
        b"pragma",
    ]
    .iter()
    .any(|n| name.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `check_lowercase` and the lowercase path of `unsafe_entries` agree with the general code.
    #[test]
    fn the_content_type_shortcut_agrees() {
        let values: [&[u8]; 22] = [
            b"text/plain",
            b"TEXT/Plain;charset=utf-8",
            b" \t text/plain ; x=y",
            b"text/plainx",
            b"text/plai",
            b"text /plain",
            b"multipart/form-data; boundary=x",
            b"Multipart/Form-Data",
            b"application/x-www-form-urlencoded",
            b"application/x-www-form-urlencodedx",
            b"application/json",
            b"",
            b" ",
            b"text",
            b"text/",
            b"\"text/plain\"",
            b"text/plain,text/html",
            b"text/plain\x7f",
            b"text/plain;\xe9",
            b"\ttext/plain",
            b"xtext/plain",
            b"text/plain ;",
        ];
        let firefox = SafelistRules {
            non_ascii_unsafe: true,
            content_type_comma_unsafe: true,
            ..SafelistRules::SPEC
        };
        let mut accepted = 0;
        for rules in [SafelistRules::SPEC, firefox] {
            for value in values {
                let full = check_lowercase(b"content-type", value, rules, false).is_ok();
                assert_eq!(
                    is_safelisted_lowercase(b"content-type", value, rules),
                    full,
                    "{:?}",
                    String::from_utf8_lossy(value)
                );
                accepted += usize::from(full);
            }
        }
        assert_eq!(accepted, 17, "both sides of the shortcut are exercised");
    }

    #[test]
    fn the_lowercase_shortcut_agrees() {
        let long = [&b"content-type"[..], &[b'a'; 40][..]].concat();
        let names: [&[u8]; 8] = [
            b"accept",
            b"content-type",
            b"accept-language",
            b"range",
            b"dpr",
            b"x-a",
            b"x-b",
            &long,
        ];
        let values: [&[u8]; 5] = [
            b"text/plain",
            b"application/json",
            b"en",
            b"bytes=0-",
            b"1.5",
        ];
        let mut n = 0;
        let hints = SafelistRules {
            client_hints: true,
            ..SafelistRules::SPEC
        };
        for rules in [SafelistRules::SPEC, hints] {
            for name in names {
                for value in values {
                    assert_eq!(
                        check_lowercase(name, value, rules, true),
                        check(&name.to_ascii_uppercase(), value, rules, true),
                        "{name:?} {value:?}"
                    );
                    n += 1;
                }
            }
            let headers = || {
                names
                    .iter()
                    .zip(values.iter().cycle())
                    .map(|(n, v)| (*n, *v))
            };
            let to_string = |n: &[u8]| String::from_utf8_lossy(n).into_owned();
            assert_eq!(
                unsafe_entries(headers(), true, rules, true, to_string),
                unsafe_entries(headers(), true, rules, false, to_string),
            );
        }
        assert_eq!(n, 80);
    }
}
