//! Fetch §main-fetch step 12: the classifier on an arbitrary request under every preset, and the
//! preflight request built from its reasons (§cors-preflight-fetch-0 steps 1–5).
//!
//! Input: `arbitrary` bytes, or the text form (`corsgate_fuzz::TEXT_MAGIC`, then lines such as
//! `origin …`, `url …`, `method …`, `header Name: value`, `policy chromium`, `tainting cors`) that
//! `fuzz/seeds.py` writes from the recorded scenarios and the vector files.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use corsgate::classify::{classify, unsafe_header_names, Branch, HopView};
use corsgate::preflight::build_preflight_request;
use corsgate::request::{Mode, ResponseTainting};
use corsgate::safelist::check_cors_safelisted_request_header_with;
use corsgate::Origin;
use corsgate_fuzz::{
    is_sorted_lowercase_token_list, preset, text_choice, text_lines, text_preset, FuzzRequest,
    TEXT_MAGIC,
};
use http::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    request: FuzzRequest,
    policy: u8,
    tainting: u8,
    redirect_follow: bool,
    extra_value: Vec<u8>,
}

impl Input {
    fn decode(data: &[u8]) -> Option<Input> {
        let Some(text) = data.strip_prefix(TEXT_MAGIC) else {
            return Input::arbitrary_take_rest(Unstructured::new(data)).ok();
        };
        let mut input = Input {
            request: FuzzRequest::text_default(),
            policy: 0,
            tainting: 1,
            redirect_follow: true,
            extra_value: b"1".to_vec(),
        };
        for (key, value) in text_lines(text) {
            if input.request.text_line(key, value) {
                continue;
            }
            match key {
                b"policy" => input.policy = text_preset(value),
                b"tainting" => input.tainting = text_choice(value, &["basic", "cors", "opaque"]),
                b"follow" => input.redirect_follow = value != b"0",
                b"extra" => input.extra_value = value.to_vec(),
                _ => {}
            }
        }
        Some(input)
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = Input::decode(data) else {
        return;
    };
    let Some(request) = input.request.request() else {
        return;
    };
    let policy = preset(input.policy);
    let tainting = match input.tainting % 3 {
        0 => ResponseTainting::Basic,
        1 => ResponseTainting::Cors,
        _ => ResponseTainting::Opaque,
    };
    let hop = HopView {
        origin: &request.origin,
        url: &request.url,
        method: &request.method,
        headers: &request.headers,
        mode: request.mode,
        tainting,
        use_cors_preflight: request.use_cors_preflight,
    };
    let branch = classify(&hop, input.redirect_follow, &policy);
    let same_origin = Origin::of_url(&request.url).same_origin(&request.origin);
    match &branch {
        Branch::SameOrigin => assert!(same_origin && tainting == ResponseTainting::Basic),
        Branch::BadPort(p) => assert_eq!(request.url.port(), Some(*p)),
        Branch::SameOriginModeCrossOrigin => assert_eq!(request.mode, Mode::SameOrigin),
        Branch::NoCors | Branch::NoCorsRedirectNotFollow => {
            assert_eq!(request.mode, Mode::NoCors);
            assert_eq!(matches!(branch, Branch::NoCors), input.redirect_follow);
        }
        Branch::NonHttpScheme => {
            assert!(!matches!(request.url.scheme(), "http" | "https"));
        }
        Branch::Cors { preflight } => {
            assert_eq!(request.mode, Mode::Cors);
            assert!(matches!(request.url.scheme(), "http" | "https"));
            let names = unsafe_header_names(&request.headers, &policy);
            let method = request.method.as_str().as_bytes();
            let needs = !corsgate::method::is_cors_safelisted_method(method)
                || request.use_cors_preflight
                || !names.is_empty();
            assert_eq!(preflight.is_some(), needs);
            if let Some(reasons) = preflight {
                assert!(reasons.any());
                assert!(!reasons.inherited, "classify never inherits");
                assert_eq!(reasons.unsafe_headers, names);
                // The preflight: OPTIONS, ACRM, and an ACRH that is sorted, lowercase, unique.
                let origin = request.origin.serialize();
                let pf = build_preflight_request(
                    &origin,
                    &request.url,
                    &request.method,
                    &reasons.unsafe_headers,
                )
                .expect("names from a HeaderMap are tokens");
                assert_eq!(pf.method(), http::Method::OPTIONS);
                assert_eq!(
                    pf.headers()["access-control-request-method"].as_bytes(),
                    method
                );
                match pf.headers().get("access-control-request-headers") {
                    None => assert!(reasons.unsafe_headers.is_empty()),
                    Some(v) => assert!(
                        is_sorted_lowercase_token_list(v.as_bytes(), policy.acrh_lists_duplicates),
                        "{v:?}"
                    ),
                }
                assert_eq!(pf.headers()["origin"].as_bytes(), origin.as_bytes());
            } else {
                // A simple request: every header is safelisted (judged per entry or combined)
                // under the preset's safelist (Chromium's also lists `save-data`, …).
                let safelisted = |n: &[u8], v: &[u8]| {
                    check_cors_safelisted_request_header_with(n, v, policy.safelist).is_ok()
                };
                for (n, v) in request.headers.iter() {
                    let combined = corsgate::header::get(&request.headers, n).unwrap_or_default();
                    let name = n.as_str().as_bytes();
                    assert!(safelisted(name, v.as_bytes()) || safelisted(name, &combined));
                }
            }
            // Adding a CORS-unsafe header never removes the need for a preflight, and its name
            // is then listed.
            let mut more: HeaderMap = request.headers.clone();
            let value = HeaderValue::from_bytes(&input.extra_value)
                .unwrap_or(HeaderValue::from_static("1"));
            more.append(HeaderName::from_static("x-fuzz-unsafe"), value);
            let hop2 = HopView {
                headers: &more,
                ..hop
            };
            match classify(&hop2, input.redirect_follow, &policy) {
                Branch::Cors { preflight: Some(r) } => {
                    assert!(r.unsafe_headers.iter().any(|n| n == "x-fuzz-unsafe"));
                    if let Some(before) = preflight {
                        for n in &before.unsafe_headers {
                            assert!(r.unsafe_headers.contains(n), "{n} no longer unsafe");
                        }
                    }
                }
                other => panic!("adding an unsafe header gave {other:?}"),
            }
        }
    }
});
