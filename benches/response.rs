//! The CORS check (Fetch §concept-cors-check) and header exposure (§concept-filtered-response-cors)
//! of a 20-header credentialed response, against `url::Url::parse` of the request's URL, measured
//! in the same run. Target: ≤ 1× the URL parse.

mod common;

use std::hint::black_box;

use common::{group, summary, Recorder};
use corsgate::check::cors_check;
use corsgate::expose::visible_header_names;
use corsgate::request::{CredentialsMode, ResponseTainting};
use criterion::Criterion;
use http::{HeaderMap, HeaderName, HeaderValue};
use url::Url;

const URL: &str = "https://api.example.com/v1/items/42?fields=name,price";
const ORIGIN: &[u8] = b"https://app.example";

fn response() -> HeaderMap {
    let mut h = HeaderMap::new();
    for (n, v) in [
        ("access-control-allow-origin", "https://app.example"),
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

fn bench(c: &mut Criterion) {
    let rec = Recorder::default();
    let name = "response/20_headers";
    let mut g = group(c, name);
    let headers = response();
    rec.bench(&mut g, "check+expose", || {
        cors_check(&headers, ORIGIN, CredentialsMode::Include).expect("passes");
        let names =
            visible_header_names(&headers, ResponseTainting::Cors, CredentialsMode::Include);
        debug_assert_eq!(names.len(), 10);
        black_box(names);
    });
    rec.bench(&mut g, "url_parse", || {
        black_box(Url::parse(black_box(URL)).expect("parses"));
    });
    g.inner.finish();
    println!();
    summary(
        "response/check+expose",
        rec.median(&format!("{name}/check+expose")),
        "url::Url::parse",
        rec.median(&format!("{name}/url_parse")),
        Some(1.0),
    );
}

fn main() {
    let mut c = common::criterion();
    bench(&mut c);
    c.final_summary();
}
