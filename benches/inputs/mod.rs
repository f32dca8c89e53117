//! The inputs the timing benches and the instruction-count bench share, so that both measure the
//! same request and response: a credentialed cross-origin PUT with 6 headers
//! (`benches/decision.rs`) and a 20-header credentialed response, 10 of its headers visible
//! (`benches/response.rs`); the baseline parses [`URL`].
#![allow(dead_code)]

use corsgate::request::CredentialsMode;
use corsgate::{FetchRequest, Origin};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use url::Url;

/// The request's URL, also the baseline's input (`url::Url::parse`).
pub const URL: &str = "https://api.example.com/v1/items/42?fields=name,price";

/// The page's origin, serialized.
pub const ORIGIN: &str = "https://app.example";

/// A credentialed cross-origin PUT from [`ORIGIN`] to [`URL`] with 6 headers (one unsafe by its
/// value, three unsafe by name): preflighted.
pub fn request() -> FetchRequest {
    let page = Origin::of_url(&Url::parse("https://app.example/").expect("parses"));
    let mut r = FetchRequest::new(page, Url::parse(URL).expect("parses"))
        .method(Method::PUT)
        .credentials(CredentialsMode::Include);
    for (n, v) in [
        ("content-type", "application/json"),
        ("accept", "application/json"),
        ("accept-language", "en-US,en;q=0.9"),
        ("authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"),
        ("x-request-id", "5f1d2c1e-8a8b-4c1e-9f0e-1b2c3d4e5f60"),
        ("x-client-version", "2.14.1"),
    ] {
        r = r.header(HeaderName::from_static(n), HeaderValue::from_static(v));
    }
    r
}

/// A 20-header response allowing [`ORIGIN`] with credentials; 10 of its headers are visible
/// (7 safelisted, 3 exposed).
pub fn response() -> HeaderMap {
    let mut h = HeaderMap::new();
    for (n, v) in [
        ("access-control-allow-origin", ORIGIN),
        ("access-control-allow-credentials", "true"),
        (
            "access-control-expose-headers",
            "x-request-id, x-ratelimit-remaining, etag",
        ),
        ("content-type", "application/json; charset=utf-8"),
        ("content-length", "1834"),
        ("cache-control", "private, max-age=0"),
        ("date", "Sat, 28 Nov 2026 00:00:00 GMT"),
        ("server", "nginx"),
        ("etag", "\"5f1d2c1e\""),
        ("vary", "Origin, Accept-Encoding"),
        ("set-cookie", "session=abc; Secure; HttpOnly"),
        ("x-request-id", "5f1d2c1e-8a8b-4c1e-9f0e-1b2c3d4e5f60"),
        ("x-ratelimit-remaining", "4999"),
        ("x-ratelimit-limit", "5000"),
        ("strict-transport-security", "max-age=31536000"),
        ("x-content-type-options", "nosniff"),
        ("last-modified", "Fri, 27 Nov 2026 23:00:00 GMT"),
        ("expires", "0"),
        ("pragma", "no-cache"),
        ("content-language", "en"),
    ] {
        h.append(HeaderName::from_static(n), HeaderValue::from_static(v));
    }
    assert_eq!(h.len(), 20);
    h
}
