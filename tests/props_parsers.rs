//! Every parser returns a value or a typed error on arbitrary bytes (never panics), and what it
//! returns is well formed. `tests/rules_no_panic.rs` covers the method, range, MIME, forbidden,
//! safelist and `request-no-cors` guard parsers and `tests/origin_props.rs` the `Origin` header
//! parser; this file covers the rest: header values and lists, `Access-Control-Max-Age`, the
//! CORS check, exposure, preflight validation, `Location`, URL origins, the other guards, the
//! keyword parsers, and the MIME essence shortcut against the full MIME parser.

use std::str::FromStr;

use corsgate::check::cors_check_values;
use corsgate::error::Stage;
use corsgate::expose::{exposed_header_names, visible_header_names, visible_names, ExposedNames};
use corsgate::guard::{Guard, GuardedHeaders};
use corsgate::header::{
    check_header_value, extract_list, is_token, normalize, parse_token_list, split_list,
};
use corsgate::mime::{parse_essence, Mime};
use corsgate::origin::{Origin, ReferrerPolicy};
use corsgate::policy::{MaxAgeSyntax, Policy};
use corsgate::preflight::{parse_max_age_with, validate_preflight_response, MaxAge, PreflightFor};
use corsgate::redirect::{location_url_with, EmptyLocation, LocationRules};
use corsgate::request::{CredentialsMode, Mode, RedirectMode, ResponseTainting};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use proptest::prelude::*;
use url::Url;

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..max)
}

/// Bytes biased towards the characters these grammars care about.
fn listy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        bytes(80),
        "[a-zA-Z0-9*, \t\"\\\\;=/:.-]{0,60}".prop_map(String::into_bytes),
    ]
}

fn credentials() -> impl Strategy<Value = CredentialsMode> {
    prop::sample::select(vec![
        CredentialsMode::Omit,
        CredentialsMode::SameOrigin,
        CredentialsMode::Include,
    ])
}

fn presets() -> Vec<Policy> {
    Policy::NAMES
        .iter()
        .filter_map(|n| Policy::by_name(n))
        .collect()
}

/// A response header list from arbitrary (name, value) bytes; invalid pairs are skipped, as an
/// HTTP client would refuse them.
fn header_map(pairs: &[(Vec<u8>, Vec<u8>)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (n, v) in pairs {
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(n), HeaderValue::from_bytes(v)) {
            map.append(n, v);
        }
    }
    map
}

fn response_pairs() -> impl Strategy<Value = Vec<(Vec<u8>, Vec<u8>)>> {
    let name = prop_oneof![
        prop::sample::select(vec![
            "access-control-allow-origin",
            "access-control-allow-credentials",
            "access-control-allow-methods",
            "access-control-allow-headers",
            "access-control-max-age",
            "access-control-expose-headers",
            "location",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        bytes(12),
    ];
    proptest::collection::vec((name, listy()), 0..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn header_values_and_lists(value in listy()) {
        let n = normalize(&value);
        prop_assert_eq!(normalize(n), n);
        if check_header_value(&value).is_ok() {
            prop_assert!(!value.contains(&0) && !value.contains(&b'\n') && !value.contains(&b'\r'));
        }
        let items = split_list(&value);
        prop_assert!(!items.is_empty());
        match parse_token_list(&value) {
            Ok(items) => prop_assert!(items.iter().all(|i| is_token(i))),
            Err(e) => prop_assert!(!is_token(&e.item) && !e.item.is_empty()),
        }
        if let Ok(v) = HeaderValue::from_bytes(&value) {
            let mut map = HeaderMap::new();
            map.append("access-control-allow-methods", v);
            let listed = extract_list(&map, "access-control-allow-methods");
            prop_assert_eq!(listed.map(Option::unwrap_or_default), parse_token_list(&value));
        }
    }

    #[test]
    fn max_age_in_every_syntax(value in listy(), digits in "[-+]?[0-9]{0,25}") {
        for v in [&value[..], digits.as_bytes()] {
            for syntax in [MaxAgeSyntax::DeltaSeconds, MaxAgeSyntax::SignedInteger] {
                match parse_max_age_with(v, syntax) {
                    MaxAge::Seconds(_) => prop_assert!(normalize(v).iter().all(|&b| b.is_ascii_digit() || b == b'-' || b == b'+')),
                    MaxAge::Empty => prop_assert!(normalize(v).is_empty()),
                    MaxAge::Invalid => prop_assert!(!normalize(v).is_empty()),
                    MaxAge::Absent => prop_assert!(false, "a value is never absent"),
                }
            }
        }
    }

    #[test]
    fn cors_check_and_exposure(
        allow_origin in proptest::option::of(listy()),
        allow_credentials in proptest::option::of(listy()),
        origin in listy(),
        expose in proptest::option::of(listy()),
        names in proptest::collection::vec(
            prop_oneof![bytes(16), "[A-Za-z0-9*-]{1,12}".prop_map(String::into_bytes)],
            0..6,
        ),
        creds in credentials(),
    ) {
        let r = cors_check_values(Stage::Response, allow_origin.as_deref(), allow_credentials.as_deref(), &origin, creds);
        if r.is_ok() {
            let ao = normalize(allow_origin.as_deref().unwrap_or_default());
            prop_assert!(ao == b"*" || ao == &origin[..]);
            if creds == CredentialsMode::Include {
                prop_assert_eq!(ao, &origin[..]);
            }
        }
        if let Err(e) = &r {
            prop_assert!(!e.to_string().is_empty());
        }
        match exposed_header_names(expose.as_deref(), creds) {
            ExposedNames::All => prop_assert_ne!(creds, CredentialsMode::Include),
            ExposedNames::Listed(list) => prop_assert!(list.iter().all(|n| is_token(n))),
        }
        // The same names in a `HeaderMap` (the valid ones) read as their bytes.
        let mut map = HeaderMap::new();
        for n in &names {
            if let Ok(n) = HeaderName::from_bytes(n) {
                map.append(n, HeaderValue::from_static("v"));
            }
        }
        if let Some(v) = expose.as_deref().and_then(|v| HeaderValue::from_bytes(v).ok()) {
            map.append("access-control-expose-headers", v);
        }
        let map_expose = map.get("access-control-expose-headers").map(HeaderValue::as_bytes);
        for tainting in [ResponseTainting::Basic, ResponseTainting::Cors, ResponseTainting::Opaque] {
            let visible = visible_names(names.iter().map(Vec::as_slice), expose.as_deref(), tainting, creds);
            prop_assert!(visible.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(visible.len() <= names.len());
            let from_map = visible_header_names(&map, tainting, creds);
            let from_bytes = visible_names(map.keys().map(|n| n.as_str().as_bytes()), map_expose, tainting, creds);
            prop_assert_eq!(from_map, from_bytes);
        }
    }

    #[test]
    fn preflight_validation_on_arbitrary_heads(
        pairs in response_pairs(),
        status in 100u16..1000,
        creds in credentials(),
        method in prop::sample::select(vec!["GET", "PUT", "patch", "*"]),
        policy in 0..4usize,
    ) {
        let headers = header_map(&pairs);
        let unsafe_names = vec!["x-a".to_string(), "authorization".to_string()];
        let req = PreflightFor {
            origin: b"https://app.example",
            method: method.as_bytes(),
            header_names: &[b"x-a", b"authorization"],
            unsafe_names: &unsafe_names,
            credentials: creds,
            use_cors_preflight: false,
            cors_check: true,
        };
        let policy = &presets()[policy];
        let status = StatusCode::from_u16(status).expect("100..1000");
        match validate_preflight_response(status, &headers, &req, policy) {
            Ok(result) => {
                prop_assert!(status.is_success());
                prop_assert!(result.max_age.is_none_or(|d| d.as_secs() <= policy.max_age_cap));
                prop_assert!(result.header_names.iter().all(|h| !h.bytes().any(|b| b.is_ascii_uppercase())));
                prop_assert_eq!(result.credentials, creds == CredentialsMode::Include);
            }
            Err(e) => {
                prop_assert!(!e.spec().is_empty());
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn location_on_arbitrary_values(
        values in proptest::collection::vec(prop_oneof![bytes(40), "[a-z:/?#.%@\\[\\] -]{0,40}".prop_map(String::into_bytes)], 0..3),
        empty in prop::sample::select(vec![EmptyLocation::Resolve, EmptyLocation::Absent, EmptyLocation::Fail]),
        combine_lines in any::<bool>(),
    ) {
        let mut headers = HeaderMap::new();
        for v in &values {
            if let Ok(v) = HeaderValue::from_bytes(v) {
                headers.append("location", v);
            }
        }
        let base = Url::parse("https://a.example/dir/page?q#frag").expect("parses");
        let mut rules = LocationRules::SPEC;
        rules.empty = empty;
        rules.combine_lines = combine_lines;
        match location_url_with(&headers, &base, Some("f"), rules) {
            Ok(Some(url)) => prop_assert!(url.fragment().is_some()),
            Ok(None) => prop_assert!(headers.get("location").is_none() || empty == EmptyLocation::Absent),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn url_origins_and_keywords(text in "\\PC{0,40}", raw in bytes(30)) {
        let base = Url::parse("https://a.example/").expect("parses");
        if let Ok(url) = base.join(&text) {
            let o = Origin::of_url(&url);
            prop_assert_eq!(o.is_opaque(), o.serialize() == "null");
        }
        let s = String::from_utf8_lossy(&raw);
        for parsed in [
            Mode::from_str(&s).map(|m| m.to_string()),
            CredentialsMode::from_str(&s).map(|m| m.to_string()),
            RedirectMode::from_str(&s).map(|m| m.to_string()),
            ResponseTainting::from_str(&s).map(|m| m.to_string()),
            ReferrerPolicy::from_str(&s).map(|m| m.to_string()),
        ] {
            match parsed {
                Ok(keyword) => prop_assert_eq!(keyword, s.to_string()),
                Err(e) => prop_assert!(e.to_string().contains("expected one of")),
            }
        }
        prop_assert_eq!(Policy::by_name(&s).is_some(), Policy::NAMES.contains(&&*s));
    }

    #[test]
    fn every_guard_on_arbitrary_pairs(pairs in proptest::collection::vec((bytes(12), listy()), 0..6)) {
        for guard in [Guard::Immutable, Guard::Request, Guard::RequestNoCors, Guard::Response, Guard::None] {
            let mut h = GuardedHeaders::new(guard);
            for (n, v) in &pairs {
                let appended = h.append(n, v);
                let _ = h.set(n, v);
                if guard == Guard::Immutable {
                    prop_assert!(appended.is_err());
                }
                // A combined value may end in ", " (an empty value), but holds no NUL, CR or LF.
                if let Ok(Some(value)) = h.get(n) {
                    prop_assert!(!value.iter().any(|b| matches!(b, 0 | b'\n' | b'\r')));
                }
                let _ = h.has(n);
                let _ = h.delete(n);
            }
            prop_assert!(h.iter().all(|(n, _)| is_token(n)));
        }
    }

    /// `parse_essence` (what the safelist reads of a `Content-Type`) fails exactly when the full
    /// parser does, with its error, and otherwise gives its type and subtype up to ASCII case.
    #[test]
    fn mime_essence_agrees_with_the_parser(
        value in prop_oneof![bytes(40), "[a-zA-Z/;= \t\"\\\\,+.-]{0,40}".prop_map(String::into_bytes)]
    ) {
        match (parse_essence(&value), Mime::parse(&value)) {
            (Ok((t, s)), Ok(mime)) => {
                prop_assert_eq!(t.to_ascii_lowercase(), mime.type_().as_bytes());
                prop_assert_eq!(s.to_ascii_lowercase(), mime.subtype().as_bytes());
            }
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            (a, b) => prop_assert!(false, "essence {:?}, parser {:?}", a, b),
        }
    }
}
