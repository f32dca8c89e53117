//! What the fuzz targets share: structured inputs (`arbitrary`) for requests and response heads,
//! the policy presets, and small helpers. Each target is in `fuzz_targets/`.

use arbitrary::Arbitrary;
use corsgate::policy::Policy;
use corsgate::request::{CredentialsMode, FetchRequest, Mode, PartitionKey, RedirectMode};
use corsgate::Origin;
use http::{HeaderName, HeaderValue, Method};
use url::Url;

/// Splits `name:value` at the first `:` (no header name contains one); no `:` means an empty
/// value.
pub fn split_pair(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == b':') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// The four presets, by index (modulo 4).
pub fn preset(i: u8) -> Policy {
    match i % 4 {
        0 => Policy::spec(),
        1 => Policy::chromium(),
        2 => Policy::firefox(),
        _ => Policy::webkit(),
    }
}

/// Hosts chosen so that same origin, same site, cross site, IP literals and bad ports all occur.
const AUTHORITIES: [&str; 10] = [
    "a.example",
    "a.example:8443",
    "b.example",
    "sub.a.example",
    "a.example.co.uk",
    "b.example.co.uk",
    "127.0.0.1",
    "[::1]:8080",
    "a.example:25",
    "user:pw@a.example",
];
const SCHEMES: [&str; 6] = ["https", "http", "ws", "ftp", "data", "file"];

/// A URL: mostly built from a small alphabet (so origins collide), sometimes raw text.
#[derive(Debug, Clone, Arbitrary)]
pub enum UrlChoice {
    /// scheme index, authority index, path.
    Built(u8, u8, String),
    /// Parsed as is (against `https://a.example/dir/` when relative).
    Raw(String),
}

impl UrlChoice {
    /// The URL, or `None` when the text does not parse.
    pub fn url(&self) -> Option<Url> {
        match self {
            UrlChoice::Built(s, a, path) => {
                let scheme = SCHEMES[*s as usize % SCHEMES.len()];
                let authority = AUTHORITIES[*a as usize % AUTHORITIES.len()];
                let path: String = path.chars().take(40).collect();
                let text = if scheme == "data" {
                    format!("data:text/plain,{path}")
                } else {
                    format!("{scheme}://{authority}/{path}")
                };
                Url::parse(&text).ok()
            }
            UrlChoice::Raw(s) => {
                let base = Url::parse("https://a.example/dir/").ok()?;
                base.join(s).ok()
            }
        }
    }
}

/// A page origin.
#[derive(Debug, Clone, Arbitrary)]
pub enum OriginChoice {
    /// The origin of this URL.
    OfUrl(UrlChoice),
    /// A new opaque origin.
    Opaque,
}

impl OriginChoice {
    /// The origin (a new opaque one when the URL does not parse).
    pub fn origin(&self) -> Origin {
        match self {
            OriginChoice::OfUrl(u) => u
                .url()
                .map_or_else(Origin::new_opaque, |u| Origin::of_url(&u)),
            OriginChoice::Opaque => Origin::new_opaque(),
        }
    }
}

const METHODS: [&str; 10] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "get", "post", "OPTIONS", "CONNECT",
];

/// A method: a common one or raw bytes.
#[derive(Debug, Clone, Arbitrary)]
pub enum MethodChoice {
    /// Index into common methods (including lowercase and forbidden ones).
    Known(u8),
    /// Any bytes (invalid ones are skipped).
    Raw(Vec<u8>),
}

impl MethodChoice {
    /// The method, or `GET` when the bytes are not a method token.
    pub fn method(&self) -> Method {
        match self {
            MethodChoice::Known(i) => {
                Method::from_bytes(METHODS[*i as usize % METHODS.len()].as_bytes())
                    .unwrap_or(Method::GET)
            }
            MethodChoice::Raw(b) => Method::from_bytes(b).unwrap_or(Method::GET),
        }
    }
}

const REQUEST_NAMES: [&str; 16] = [
    "accept",
    "accept-language",
    "content-language",
    "content-type",
    "range",
    "authorization",
    "x-a",
    "x-b",
    "X-A",
    "cookie",
    "origin",
    "access-control-request-headers",
    "user-agent",
    "content-length",
    "x-http-method-override",
    "content-encoding",
];

const REQUEST_VALUES: [&str; 12] = [
    "text/plain",
    "text/plain;charset=utf-8",
    "application/json",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded",
    "bytes=0-",
    "bytes=0-10",
    "bytes=-5",
    "en-US,en;q=0.9",
    "*/*",
    "1",
    "GET",
];

/// A request header name.
#[derive(Debug, Clone, Arbitrary)]
pub enum NameChoice {
    /// Index into names that matter to CORS.
    Known(u8),
    /// Any bytes (invalid names are skipped).
    Raw(Vec<u8>),
}

impl NameChoice {
    /// The header name, if valid.
    pub fn name(&self) -> Option<HeaderName> {
        match self {
            NameChoice::Known(i) => {
                HeaderName::from_bytes(REQUEST_NAMES[*i as usize % REQUEST_NAMES.len()].as_bytes())
                    .ok()
            }
            NameChoice::Raw(b) => HeaderName::from_bytes(b).ok(),
        }
    }
}

/// A request header value.
#[derive(Debug, Clone, Arbitrary)]
pub enum ValueChoice {
    /// Index into values that matter to the safelist.
    Known(u8),
    /// Any bytes (invalid values are skipped).
    Raw(Vec<u8>),
}

impl ValueChoice {
    /// The header value, if valid.
    pub fn value(&self) -> Option<HeaderValue> {
        match self {
            ValueChoice::Known(i) => Some(HeaderValue::from_static(
                REQUEST_VALUES[*i as usize % REQUEST_VALUES.len()],
            )),
            ValueChoice::Raw(b) => HeaderValue::from_bytes(b).ok(),
        }
    }
}

/// A request as script would make it.
#[derive(Debug, Clone, Arbitrary)]
pub struct FuzzRequest {
    /// The page's origin.
    pub origin: OriginChoice,
    /// The URL fetched.
    pub url: UrlChoice,
    /// The method.
    pub method: MethodChoice,
    /// The headers, in order.
    pub headers: Vec<(NameChoice, ValueChoice)>,
    /// 0 cors, 1 no-cors, 2 same-origin.
    pub mode: u8,
    /// 0 same-origin, 1 include, 2 omit.
    pub credentials: u8,
    /// 0 follow, 1 error, 2 manual.
    pub redirect: u8,
    /// Whether it has a body.
    pub body: bool,
    /// The use-CORS-preflight flag.
    pub use_cors_preflight: bool,
    /// The network partition key (0 is the default key).
    pub partition: u8,
}

impl FuzzRequest {
    /// The headers that are a valid name and value, at most 12.
    pub fn header_list(&self) -> Vec<(HeaderName, HeaderValue)> {
        self.headers
            .iter()
            .filter_map(|(n, v)| Some((n.name()?, v.value()?)))
            .take(12)
            .collect()
    }

    /// The request, or `None` when the URL does not parse.
    pub fn request(&self) -> Option<FetchRequest> {
        let mut r =
            FetchRequest::new(self.origin.origin(), self.url.url()?).method(self.method.method());
        for (n, v) in self.header_list() {
            r = r.header(n, v);
        }
        r = r
            .mode(match self.mode % 3 {
                0 => Mode::Cors,
                1 => Mode::NoCors,
                _ => Mode::SameOrigin,
            })
            .credentials(match self.credentials % 3 {
                0 => CredentialsMode::SameOrigin,
                1 => CredentialsMode::Include,
                _ => CredentialsMode::Omit,
            })
            .redirect(match self.redirect % 3 {
                0 => RedirectMode::Follow,
                1 => RedirectMode::Error,
                _ => RedirectMode::Manual,
            })
            .body(self.body);
        if self.partition % 4 != 0 {
            r = r.partition(PartitionKey::new([self.partition % 4]));
        }
        r.use_cors_preflight = self.use_cors_preflight;
        Some(r)
    }
}

/// Whether `list` (a `,`-joined header value) is made of lowercase tokens in sorted order, with
/// no repeats unless `duplicates_allowed`.
pub fn is_sorted_lowercase_token_list(list: &[u8], duplicates_allowed: bool) -> bool {
    let items: Vec<&[u8]> = list.split(|&b| b == b',').collect();
    items
        .iter()
        .all(|i| corsgate::header::is_token(i) && !i.iter().any(u8::is_ascii_uppercase))
        && items.windows(2).all(|w| {
            if duplicates_allowed {
                w[0] <= w[1]
            } else {
                w[0] < w[1]
            }
        })
}

/// The first line of a text-form input (what `fuzz/seeds.py` writes for the structured targets
/// from the recorded scenarios and the vector files). Any other input is decoded by `arbitrary`.
pub const TEXT_MAGIC: &[u8] = b"#corsgate-seed\n";

/// One line of a text-form input: a keyword and the rest of the line as bytes. Lines are split
/// on LF only; a keyword nobody knows is skipped, so a mutated line spoils only itself.
pub fn text_lines(data: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    data.split(|&b| b == b'\n').map(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        match line.iter().position(|&b| b == b' ') {
            Some(i) => (&line[..i], &line[i + 1..]),
            None => (line, &line[line.len()..]),
        }
    })
}

/// A decimal number, saturated to `u32`; 0 when there are no digits.
pub fn text_number(value: &[u8]) -> u32 {
    value
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .fold(0u32, |n, &d| {
            n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
        })
}

/// The index of `value` in `names` (its position, for the `u8` fields that choose by index),
/// or its decimal number.
pub fn text_choice(value: &[u8], names: &[&str]) -> u8 {
    names
        .iter()
        .position(|n| n.as_bytes() == value)
        .map_or_else(|| text_number(value) as u8, |i| i as u8)
}

impl FuzzRequest {
    /// A `GET` of `https://b.example/` from `https://a.example`, to be filled in by text lines.
    pub fn text_default() -> FuzzRequest {
        FuzzRequest {
            origin: OriginChoice::OfUrl(UrlChoice::Raw("https://a.example".into())),
            url: UrlChoice::Raw("https://b.example/".into()),
            method: MethodChoice::Raw(b"GET".to_vec()),
            headers: Vec::new(),
            mode: 0,
            credentials: 0,
            redirect: 0,
            body: false,
            use_cors_preflight: false,
            partition: 0,
        }
    }

    /// Applies one text line about the request (`origin`, `url`, `method`, `header`, `mode`,
    /// `credentials`, `redirect`, `body`, `preflight`, `partition`); false when the keyword is
    /// not one of these.
    pub fn text_line(&mut self, key: &[u8], value: &[u8]) -> bool {
        let text = || String::from_utf8_lossy(value).into_owned();
        match key {
            b"origin" if value == b"null" => self.origin = OriginChoice::Opaque,
            b"origin" => self.origin = OriginChoice::OfUrl(UrlChoice::Raw(text())),
            b"url" => self.url = UrlChoice::Raw(text()),
            b"method" => self.method = MethodChoice::Raw(value.to_vec()),
            b"header" => {
                let (n, v) = split_pair(value);
                let v = v.strip_prefix(b" ").unwrap_or(v);
                self.headers
                    .push((NameChoice::Raw(n.to_vec()), ValueChoice::Raw(v.to_vec())));
            }
            b"mode" => self.mode = text_choice(value, &["cors", "no-cors", "same-origin"]),
            b"credentials" => {
                self.credentials = text_choice(value, &["same-origin", "include", "omit"])
            }
            b"redirect" => self.redirect = text_choice(value, &["follow", "error", "manual"]),
            b"body" => self.body = true,
            b"preflight" => self.use_cors_preflight = true,
            b"partition" => self.partition = text_number(value) as u8,
            _ => return false,
        }
        true
    }
}

/// The preset index of an engine's name (`spec` 0, `chromium` 1, `firefox` 2, `webkit` 3), or a
/// number.
pub fn text_preset(value: &[u8]) -> u8 {
    text_choice(value, &["spec", "chromium", "firefox", "webkit"])
}
