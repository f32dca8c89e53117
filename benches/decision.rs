//! The full decision for a cross-origin request with 6 headers (Fetch §main-fetch step 12 and
//! §cors-preflight-fetch-0 steps 1–5: classify, consult the cache, build the preflight), against
//! `url::Url::parse` of the request's URL, measured in the same run. Two of ours:
//! `UserAgent::start` + the first `poll` (the machine, from a script-built `Request`: guards,
//! classification, cache lookup, preflight request) and `classify` + `build_preflight_request`
//! (the pure decision API). Target: ≤ 1× the URL parse.

mod common;
mod inputs;

use std::hint::black_box;
use std::time::Instant;

use common::{group, summary, Recorder};
use corsgate::classify::{classify, Branch, HopView};
use corsgate::preflight::build_preflight_request;
use corsgate::request::ResponseTainting;
use corsgate::{Action, Mode, Policy, RequestKind, UserAgent};
use criterion::Criterion;
use inputs::{request, URL};
use url::Url;

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
