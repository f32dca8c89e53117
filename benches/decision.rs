//! The full decision for a cross-origin request with 6 headers (Fetch §main-fetch step 12 and
//! §cors-preflight-fetch-0 steps 1–5: classify, consult the cache, build the preflight), against
//! `url::Url::parse` of the request's URL, measured in the same run. Two of ours:
//! `UserAgent::start` + the first `poll` (the machine, from a script-built `Request`: guards,
//! classification, cache lookup, preflight request) and `classify` + `build_preflight_request`
//! (the pure decision API). Target: ≤ 1× the URL parse.

mod common;

use std::hint::black_box;
use std::time::Instant;

use common::{group, summary, Recorder};
use corsgate::classify::{classify, Branch, HopView};
use corsgate::preflight::build_preflight_request;
use corsgate::request::{CredentialsMode, ResponseTainting};
use corsgate::{Action, FetchRequest, Mode, Origin, Policy, RequestKind, UserAgent};
use criterion::Criterion;
use http::{HeaderName, HeaderValue, Method};
use url::Url;

const URL: &str = "https://api.example.com/v1/items/42?fields=name,price";

fn request() -> FetchRequest {
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

fn bench(c: &mut Criterion) {
    let rec = Recorder::default();
    let name = "decision/6_headers";
    let mut g = group(c, name);
    let template = request();
    let now = Instant::now();
    let mut ua = UserAgent::new(Policy::chromium());
    rec.bench_batched(
        &mut g,
        "start+poll",
        || template.clone(),
        |r| {
            let mut fetch = ua.start(now, r).expect("a valid request");
            match fetch.poll() {
                Action::Send(out) => {
                    debug_assert_eq!(out.kind, RequestKind::Preflight);
                    let _ = black_box(out);
                }
                _ => unreachable!("a PUT with custom headers is preflighted"),
            }
        },
    );
    let policy = Policy::chromium();
    let origin = template.origin.clone();
    let serialized = origin.serialize();
    rec.bench(&mut g, "classify+build", || {
        let hop = HopView {
            origin: &origin,
            url: &template.url,
            method: &template.method,
            headers: &template.headers,
            mode: Mode::Cors,
            tainting: ResponseTainting::Basic,
            use_cors_preflight: false,
        };
        let Branch::Cors {
            preflight: Some(reasons),
        } = classify(&hop, true, &policy)
        else {
            unreachable!("a PUT with custom headers is preflighted")
        };
        let req = build_preflight_request(
            &serialized,
            &template.url,
            &template.method,
            &reasons.unsafe_headers,
        );
        black_box(req.expect("builds"));
    });
    rec.bench(&mut g, "url_parse", || {
        black_box(Url::parse(black_box(URL)).expect("parses"));
    });
    g.inner.finish();
    println!();
    let base = rec.median(&format!("{name}/url_parse"));
    for ours in ["start+poll", "classify+build"] {
        summary(
            &format!("decision/{ours}"),
            rec.median(&format!("{name}/{ours}")),
            "url::Url::parse",
            base,
            Some(1.0),
        );
    }
}

fn main() {
    let mut c = common::criterion();
    bench(&mut c);
    c.final_summary();
}
