//! Instruction counts (callgrind, through gungraun) of the routines the timing benches measure,
//! each beside its baseline: load-independent figures for the same comparisons. Needs valgrind and
//! `gungraun-runner` of the same version as the `gungraun` dev-dependency on `PATH`
//! (`cargo install gungraun-runner --version 0.20.0`); `benches/README.md` says how to run it and
//! records the figures. Setup (building the request, the response, a 10⁴-entry cache) is not
//! counted; each routine drops what it made, as a caller would, and forgets (never drops) what
//! outlives one call in a caller (the agent, the cache, the response head, the floor's map), so
//! that tearing those down is not counted either.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use corsgate::cache::{CacheConfig, CacheKey, PreflightCache};
use corsgate::check::cors_check;
use corsgate::expose::visible_header_names;
use corsgate::request::{CredentialsMode, PartitionKey, ResponseTainting};
use corsgate::{Action, FetchRequest, Origin, Policy, UserAgent};
use gungraun::{library_benchmark, library_benchmark_group, main};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use url::Url;

/// The URL of `benches/decision.rs` and `benches/response.rs`.
const URL: &str = "https://api.example.com/v1/items/42?fields=name,price";
const ORIGIN: &str = "https://app.example";
const CACHE_SIZE: usize = 10_000;

/// The request of `benches/decision.rs`: a credentialed cross-origin PUT with 6 headers.
fn decision_input() -> (UserAgent, FetchRequest, Instant) {
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
    (UserAgent::new(Policy::chromium()), r, Instant::now())
}

/// The response of `benches/response.rs`: 20 headers, 10 visible to a credentialed request.
fn response_input() -> HeaderMap {
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
    h
}

fn url(i: usize) -> String {
    format!("https://api.example/v1/items/{i}")
}

/// The floor's key, as in `benches/cache.rs`: every byte of the standard's cache-entry key.
fn floor_key(partition: &[u8], url: &str, method: &[u8]) -> Vec<u8> {
    let mut k = Vec::new();
    for part in [partition, ORIGIN.as_bytes(), url.as_bytes()] {
        k.extend_from_slice(part);
        k.push(0);
    }
    k.push(0);
    k.extend_from_slice(method);
    k
}

/// A cache of 10⁴ entries, one per (origin, URL), and the URL to look up.
fn cache_input(hit: bool) -> (PreflightCache, PartitionKey, String, Instant) {
    let now = Instant::now();
    let partition = PartitionKey::default();
    let mut cache = PreflightCache::new(CacheConfig {
        max_entries: CACHE_SIZE,
        max_bytes: usize::MAX,
    });
    for i in 0..CACHE_SIZE {
        let u = url(i);
        let key = CacheKey {
            partition: &partition,
            origin: ORIGIN.as_bytes(),
            url: &u,
        };
        cache.insert_method(now, key, false, b"PUT", Duration::from_secs(3600));
    }
    let probe = if hit {
        url(4_321)
    } else {
        "https://api.example/v1/missing/7".to_owned()
    };
    (cache, partition, probe, now)
}

fn floor_input(hit: bool) -> (HashMap<Vec<u8>, Instant>, Vec<u8>, Instant) {
    let now = Instant::now();
    let map = (0..CACHE_SIZE)
        .map(|i| {
            let k = floor_key(b"", &url(i), b"PUT");
            (k, now + Duration::from_secs(3600))
        })
        .collect();
    let probe = if hit {
        url(4_321)
    } else {
        "https://api.example/v1/missing/7".to_owned()
    };
    (map, floor_key(b"", &probe, b"PUT"), now)
}

#[library_benchmark]
#[bench::put_6_headers(setup = decision_input)]
fn start_poll((mut ua, request, now): (UserAgent, FetchRequest, Instant)) {
    let mut fetch = ua.start(now, request).expect("a valid request");
    match fetch.poll() {
        Action::Send(out) => drop(black_box(out)),
        _ => unreachable!("a PUT with custom headers is preflighted"),
    }
    drop(fetch);
    std::mem::forget(ua);
}

#[library_benchmark]
#[bench::response_20_headers(setup = response_input)]
fn check_expose(headers: HeaderMap) {
    cors_check(&headers, ORIGIN.as_bytes(), CredentialsMode::Include).expect("passes");
    let names = visible_header_names(&headers, ResponseTainting::Cors, CredentialsMode::Include);
    drop(black_box(names));
    std::mem::forget(headers);
}

#[library_benchmark]
#[bench::request_url()]
fn url_parse() {
    drop(black_box(Url::parse(black_box(URL)).expect("parses")));
}

#[library_benchmark]
#[bench::hit(setup = cache_input, args = (true))]
#[bench::miss(setup = cache_input, args = (false))]
fn cache_1e4((mut cache, partition, probe, now): (PreflightCache, PartitionKey, String, Instant)) {
    let key = CacheKey {
        partition: &partition,
        origin: ORIGIN.as_bytes(),
        url: &probe,
    };
    black_box(cache.method_match(now, black_box(key), false, b"PUT"));
    std::mem::forget((cache, partition, probe));
}

#[library_benchmark]
#[bench::hit(setup = floor_input, args = (true))]
#[bench::miss(setup = floor_input, args = (false))]
fn floor_1e4((map, probe, now): (HashMap<Vec<u8>, Instant>, Vec<u8>, Instant)) {
    black_box(
        map.get(black_box(probe.as_slice()))
            .is_some_and(|&e| now < e),
    );
    std::mem::forget((map, probe));
}

library_benchmark_group!(
    name = decision;
    benchmarks = start_poll, check_expose, url_parse
);

library_benchmark_group!(
    name = cache;
    benchmarks = cache_1e4, floor_1e4
);

main!(library_benchmark_groups = decision, cache);
