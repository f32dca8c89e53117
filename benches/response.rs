//! The CORS check (Fetch §concept-cors-check) and header exposure (§concept-filtered-response-cors)
//! of a 20-header credentialed response, against `url::Url::parse` of the request's URL, measured
//! in the same run. Target: ≤ 1× the URL parse.

mod common;
mod inputs;

use std::hint::black_box;

use common::{group, summary, Recorder};
use corsgate::check::cors_check;
use corsgate::expose::visible_header_names;
use corsgate::request::{CredentialsMode, ResponseTainting};
use criterion::Criterion;
use inputs::{response, ORIGIN, URL};
use url::Url;

fn bench(c: &mut Criterion) {
    let rec = Recorder::default();
    let name = "response/20_headers";
    let mut g = group(c, name);
    let headers = response();
    rec.bench(&mut g, "check+expose", || {
        cors_check(&headers, ORIGIN.as_bytes(), CredentialsMode::Include).expect("passes");
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
