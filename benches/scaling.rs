//! How the decision and exposure grow with the number of headers, which a script (request
//! headers) or a server (response headers, and `Access-Control-Expose-Headers`) controls:
//! `UserAgent::start` + the first `poll` with 1 → 100 custom request headers, and
//! `check` + `visible_header_names` with 5 → 1 000 response headers, each named by
//! `Access-Control-Expose-Headers` every other one. The exponent E of time ∝ nᴱ is fitted by least
//! squares on the logarithms of the measured points. Target: E ≤ 1.1 (linear).

mod common;

use std::hint::black_box;
use std::time::Instant;

use common::{group, ns, Recorder};
use corsgate::check::cors_check;
use corsgate::expose::visible_header_names;
use corsgate::request::{CredentialsMode, ResponseTainting};
use corsgate::{Action, FetchRequest, Origin, Policy, UserAgent};
use criterion::Criterion;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use url::Url;

const DECISION: [usize; 5] = [1, 3, 10, 30, 100];
const EXPOSE: [usize; 5] = [5, 20, 100, 300, 1_000];

fn request(n: usize) -> FetchRequest {
    let page = Origin::of_url(&Url::parse("https://app.example/").expect("parses"));
    let url = Url::parse("https://api.example.com/v1/items/42").expect("parses");
    let mut r = FetchRequest::new(page, url).method(Method::PUT);
    for i in 0..n {
        let name = HeaderName::try_from(format!("x-h-{i}")).expect("a token");
        r = r.header(name, HeaderValue::from_static("1"));
    }
    r
}

fn response(n: usize) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.append(
        "access-control-allow-origin",
        HeaderValue::from_static("https://app.example"),
    );
    let mut aceh = String::new();
    for i in 0..n {
        h.append(
            HeaderName::try_from(format!("x-h-{i}")).expect("a token"),
            HeaderValue::from_static("1"),
        );
        if i % 2 == 0 {
            aceh.push_str(&format!("X-H-{i}, "));
        }
    }
    h.append(
        "access-control-expose-headers",
        HeaderValue::try_from(aceh).expect("a value"),
    );
    h
}

/// The least-squares slope of ln(time) against ln(n).
fn exponent(points: &[(usize, f64)]) -> f64 {
    let xs: Vec<f64> = points.iter().map(|&(n, _)| (n as f64).ln()).collect();
    let ys: Vec<f64> = points.iter().map(|&(_, t)| t.ln()).collect();
    let k = xs.len() as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / k, ys.iter().sum::<f64>() / k);
    let cov: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let var: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    cov / var
}

fn report(name: &str, unit: &str, points: &[(usize, f64)]) {
    let e = exponent(points);
    let verdict = if e <= 1.1 { "met" } else { "MISSED" };
    let figures: Vec<String> = points
        .iter()
        .map(|&(n, t)| format!("{n} {unit} {}", ns(t)))
        .collect();
    println!(
        "summary scaling/{name}: {}; exponent {e:.2} (target ≤ 1.1: {verdict})",
        figures.join(", ")
    );
}

fn bench(c: &mut Criterion) {
    let rec = Recorder::default();
    let now = Instant::now();
    let mut ua = UserAgent::new(Policy::spec());
    {
        let mut g = group(c, "scaling/decision");
        for n in DECISION {
            let template = request(n);
            rec.bench_batched(
                &mut g,
                &n.to_string(),
                || template.clone(),
                |r| {
                    let mut fetch = ua.start(now, r).expect("a valid request");
                    match fetch.poll() {
                        Action::Send(out) => {
                            let _ = black_box(out);
                        }
                        _ => unreachable!("a PUT with custom headers is preflighted"),
                    }
                },
            );
        }
        g.inner.finish();
    }
    {
        let mut g = group(c, "scaling/expose");
        for n in EXPOSE {
            let headers = response(n);
            rec.bench(&mut g, &n.to_string(), || {
                cors_check(&headers, b"https://app.example", CredentialsMode::Omit)
                    .expect("passes");
                let names =
                    visible_header_names(&headers, ResponseTainting::Cors, CredentialsMode::Omit);
                debug_assert_eq!(names.len(), n / 2);
                black_box(names);
            });
        }
        g.inner.finish();
    }
    println!();
    let points = |name: &str, ns: &[usize]| -> Vec<(usize, f64)> {
        ns.iter()
            .map(|&n| (n, rec.median(&format!("scaling/{name}/{n}"))))
            .collect()
    };
    report("decision", "headers", &points("decision", &DECISION));
    report("expose", "headers", &points("expose", &EXPOSE));
}

fn main() {
    let mut c = common::criterion();
    bench(&mut c);
    c.final_summary();
}
