//! Laws of the classifier and the state machine on generated cross-origin requests, under every
//! preset (Fetch §main-fetch step 12, §cors-unsafe-request-header-names, §concept-cors-check):
//!
//! * adding a CORS-unsafe header never removes the need for a preflight (classifier and machine),
//!   and every name that was unsafe stays unsafe (under `HeaderJudging::Combined` a header is
//!   CORS-unsafe when its name's combined value is);
//! * a request the classifier calls simple is sent at once and passes with only
//!   `Access-Control-Allow-Origin` (plus `Access-Control-Allow-Credentials: true` when its
//!   credentials mode is "include", as §concept-cors-check step 6 requires).

use std::time::Instant;

use corsgate::classify::{classify, Branch, HopView};
use corsgate::policy::{HeaderJudging, Policy};
use corsgate::request::{CredentialsMode, ResponseTainting};
use corsgate::safelist::is_cors_safelisted_request_header;
use corsgate::{Action, FetchRequest, Origin, RequestKind, ResponseType, UserAgent};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use proptest::prelude::*;
use url::Url;

fn presets() -> Vec<Policy> {
    Policy::NAMES
        .iter()
        .filter_map(|n| Policy::by_name(n))
        .collect()
}

/// Header pairs mostly drawn from the safelist's names and values (so simple requests are common),
/// with some unsafe ones.
fn header() -> impl Strategy<Value = (HeaderName, HeaderValue)> {
    let name = prop::sample::select(vec![
        "accept",
        "accept-language",
        "content-language",
        "content-type",
        "range",
        "x-custom",
        "authorization",
    ]);
    let value = prop_oneof![
        prop::sample::select(vec![
            "*/*",
            "text/plain",
            "text/plain;charset=utf-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "application/json",
            "en-US",
            "de, en;q=0.5",
            "bytes=0-",
            "bytes=5-10",
            "bytes=-5",
        ])
        .prop_map(str::to_owned),
        "[ -~]{0,40}",
        "[a-z]{100,140}",
    ];
    (name, value).prop_filter_map("a valid header value", |(n, v)| {
        Some((HeaderName::from_static(n), HeaderValue::from_str(&v).ok()?))
    })
}

/// A header that is CORS-unsafe on its own and whatever it is combined with.
fn unsafe_header() -> impl Strategy<Value = (HeaderName, HeaderValue)> {
    prop_oneof![
        "x-[a-z]{1,10}".prop_map(|n| (
            HeaderName::from_bytes(n.as_bytes()).expect("a token"),
            HeaderValue::from_static("1")
        )),
        Just((
            HeaderName::from_static("content-type"),
            HeaderValue::from_static("application/json")
        )),
        Just((
            HeaderName::from_static("accept"),
            HeaderValue::from_static("\"quoted\"")
        )),
        Just((
            HeaderName::from_static("range"),
            HeaderValue::from_static("bytes=-500")
        )),
        Just((
            HeaderName::from_static("authorization"),
            HeaderValue::from_static("Bearer x")
        )),
    ]
}

#[derive(Debug, Clone)]
struct Case {
    policy: usize,
    method: Method,
    headers: Vec<(HeaderName, HeaderValue)>,
    credentials: CredentialsMode,
    url: &'static str,
}

fn case() -> impl Strategy<Value = Case> {
    (
        0..4usize,
        prop::sample::select(vec![Method::GET, Method::HEAD, Method::POST, Method::PUT]),
        proptest::collection::vec(header(), 0..6),
        prop::sample::select(vec![
            CredentialsMode::Omit,
            CredentialsMode::SameOrigin,
            CredentialsMode::Include,
        ]),
        prop::sample::select(vec![
            "https://api.example/v1/items",
            "http://api.example:8080/x?y=1",
            "https://app.example.co.uk/",
        ]),
    )
        .prop_map(|(policy, method, headers, credentials, url)| Case {
            policy,
            method,
            headers,
            credentials,
            url,
        })
}

const PAGE: &str = "https://app.example";

fn page() -> Origin {
    Origin::parse_header(PAGE.as_bytes()).expect("a serialized origin")
}

fn header_map(headers: &[(HeaderName, HeaderValue)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (n, v) in headers {
        map.append(n.clone(), v.clone());
    }
    map
}

fn branch(c: &Case, headers: &HeaderMap, policy: &Policy) -> Branch {
    let origin = page();
    let url = Url::parse(c.url).expect("parses");
    classify(
        &HopView {
            origin: &origin,
            url: &url,
            method: &c.method,
            headers,
            mode: corsgate::Mode::Cors,
            tainting: ResponseTainting::Basic,
            use_cors_preflight: false,
        },
        true,
        policy,
    )
}

fn request(c: &Case, headers: &[(HeaderName, HeaderValue)]) -> FetchRequest {
    let mut r = FetchRequest::new(page(), Url::parse(c.url).expect("parses"))
        .method(c.method.clone())
        .credentials(c.credentials);
    for (n, v) in headers {
        r = r.header(n.clone(), v.clone());
    }
    r
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn an_unsafe_header_never_removes_the_preflight(c in case(), extra in unsafe_header(), at in 0..7usize) {
        let policy = presets()[c.policy].clone();
        let before = branch(&c, &header_map(&c.headers), &policy);
        let mut more = c.headers.clone();
        more.insert(at.min(more.len()), extra.clone());
        // Under `HeaderJudging::Combined` (Chromium, WebKit) what is judged is each name's
        // combined value: `content-type: text/plain;charset=utf-8` then `application/json` is
        // one safelisted value (a `charset` parameter of `utf-8, application/json`), so the
        // added header is not CORS-unsafe there. The law is about CORS-unsafe headers.
        if policy.header_judging == HeaderJudging::Combined {
            let combined = corsgate::header::get(&header_map(&more), &extra.0).unwrap_or_default();
            if is_cors_safelisted_request_header(extra.0.as_str().as_bytes(), &combined) {
                return Ok(());
            }
        }
        let after = branch(&c, &header_map(&more), &policy);
        let Branch::Cors { preflight: Some(reasons) } = &after else {
            return Err(TestCaseError::fail(format!("{after:?} after adding {extra:?}")));
        };
        if let Branch::Cors { preflight: Some(old) } = &before {
            for n in &old.unsafe_headers {
                prop_assert!(reasons.unsafe_headers.contains(n), "{} no longer unsafe", n);
            }
        }
        // The machine agrees: with an empty cache its first request is a preflight whose
        // Access-Control-Request-Headers lists the added name.
        let mut ua = UserAgent::new(policy);
        let mut fetch = ua.start(Instant::now(), request(&c, &more)).expect("a valid request");
        let Action::Send(out) = fetch.poll() else {
            return Err(TestCaseError::fail("no request to send"));
        };
        prop_assert_eq!(out.kind, RequestKind::Preflight);
        let acrh = out.request.headers().get("access-control-request-headers");
        let acrh = acrh.map(|v| v.to_str().unwrap_or_default().to_owned()).unwrap_or_default();
        prop_assert!(acrh.split(',').any(|n| n == extra.0.as_str()), "{} not in ACRH {}", extra.0, acrh);
    }

    #[test]
    fn a_simple_request_passes_with_only_allow_origin(c in case(), star in any::<bool>()) {
        let policy = presets()[c.policy].clone();
        let Branch::Cors { preflight: None } = branch(&c, &header_map(&c.headers), &policy) else {
            return Ok(()); // Not simple: nothing to check here.
        };
        let include = c.credentials == CredentialsMode::Include;
        let mut ua = UserAgent::new(policy);
        let mut fetch = ua.start(Instant::now(), request(&c, &c.headers)).expect("a valid request");
        let Action::Send(out) = fetch.poll() else {
            return Err(TestCaseError::fail("no request to send"));
        };
        prop_assert_eq!(out.kind, RequestKind::Actual, "a simple request is sent without a preflight");
        prop_assert_eq!(out.request.headers()["origin"].as_bytes(), PAGE.as_bytes());
        let mut head = http::Response::builder().status(200);
        head = head.header("access-control-allow-origin", if star && !include { "*" } else { PAGE });
        if include {
            head = head.header("access-control-allow-credentials", "true");
        }
        fetch.handle_response(&mut ua, Instant::now(), head.body(()).expect("a head")).expect("awaited");
        match fetch.poll() {
            Action::Done(Ok(r)) => {
                prop_assert_eq!(r.response_type, ResponseType::Cors);
                prop_assert_eq!(r.status, 200);
            }
            other => return Err(TestCaseError::fail(format!("{other:?}"))),
        }
        // Without Access-Control-Allow-Origin the same request fails (the header is needed).
        let mut ua = UserAgent::new(presets()[c.policy].clone());
        let mut fetch = ua.start(Instant::now(), request(&c, &c.headers)).expect("a valid request");
        let Action::Send(_) = fetch.poll() else {
            return Err(TestCaseError::fail("no request to send"));
        };
        fetch.handle_response(&mut ua, Instant::now(), http::Response::new(())).expect("awaited");
        prop_assert!(matches!(fetch.poll(), Action::Done(Err(_))));
    }
}
