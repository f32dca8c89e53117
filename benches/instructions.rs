//! Instruction counts (callgrind, through gungraun) of the routines the timing benches measure,
//! each beside its baseline: load-independent figures for the same comparisons. Needs valgrind and
//! `gungraun-runner` of the same version as the `gungraun` dev-dependency on `PATH`
//! (`cargo install gungraun-runner --version 0.20.0`); `benches/README.md` says how to run it and
//! records the figures. Setup (building the request, the response, a 10⁴-entry cache) is not
//! counted; each routine drops what it made, as a caller would, and forgets (never drops) what
//! outlives one call in a caller (the agent, the cache, the response head, the floor's map), so
//! that tearing those down is not counted either.

mod inputs;

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use corsgate::cache::{CacheConfig, CacheKey, PreflightCache};
use corsgate::check::cors_check;
use corsgate::expose::visible_header_names;
use corsgate::request::{CredentialsMode, PartitionKey, ResponseTainting};
use corsgate::{Action, FetchRequest, Policy, UserAgent};
use gungraun::{library_benchmark, library_benchmark_group, main};
use http::HeaderMap;
use inputs::{request, response, ORIGIN, URL};
use url::Url;

const CACHE_SIZE: usize = 10_000;

/// The request of `benches/decision.rs`, an agent and a clock.
fn decision_input() -> (UserAgent, FetchRequest, Instant) {
    (
        UserAgent::new(Policy::chromium()),
        request(),
        Instant::now(),
    )
}

/// The response of `benches/response.rs`.
fn response_input() -> HeaderMap {
    response()
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
    // Looked up later than the inserts: the cache converts this instant (its memo of the last
    // conversion holds the inserts' instant).
    (cache, partition, probe, now + Duration::from_secs(1))
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
    (
        map,
        floor_key(b"", &probe, b"PUT"),
        now + Duration::from_secs(1),
    )
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
