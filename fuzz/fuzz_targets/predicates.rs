//! The request-rule predicates on arbitrary `name:value` pairs: Fetch §forbidden-request-header,
//! §cors-safelisted-request-header, §no-cors-safelisted-request-header, the methods, the
//! `request-no-cors` guard and §cors-unsafe-request-header-names.
#![no_main]

use corsgate::forbidden::{
    is_forbidden_request_header, is_forbidden_response_header_name, is_request_body_header_name,
};
use corsgate::guard::{Guard, GuardedHeaders};
use corsgate::header::is_token;
use corsgate::method::{is_cors_safelisted_method, is_forbidden_method, normalize, parse_method};
use corsgate::safelist::{
    check_cors_safelisted_request_header, cors_unsafe_request_header_entries,
    cors_unsafe_request_header_names, is_cors_non_wildcard_request_header_name,
    is_cors_safelisted_request_header, is_cors_safelisted_response_header_name,
    is_no_cors_safelisted_request_header, is_privileged_no_cors_request_header_name,
};
use corsgate_fuzz::split_pair;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (name, value) = split_pair(data);
    let upper = name.to_ascii_uppercase();
    let lower = name.to_ascii_lowercase();

    // Names match byte-case-insensitively.
    for other in [&upper[..], &lower[..]] {
        assert_eq!(
            is_forbidden_request_header(name, value),
            is_forbidden_request_header(other, value)
        );
        assert_eq!(
            is_cors_safelisted_request_header(name, value),
            is_cors_safelisted_request_header(other, value)
        );
        assert_eq!(
            is_forbidden_response_header_name(name),
            is_forbidden_response_header_name(other)
        );
        assert_eq!(
            is_cors_safelisted_response_header_name(name),
            is_cors_safelisted_response_header_name(other)
        );
        assert_eq!(
            is_request_body_header_name(name),
            is_request_body_header_name(other)
        );
    }
    let safelisted = is_cors_safelisted_request_header(name, value);
    assert_eq!(
        safelisted,
        check_cors_safelisted_request_header(name, value).is_ok()
    );
    if safelisted {
        assert!(value.len() <= 128);
        assert!(!is_forbidden_request_header(name, value));
        assert!(!is_cors_non_wildcard_request_header_name(name));
    }
    if is_no_cors_safelisted_request_header(name, value) {
        assert!(safelisted);
    }
    if is_privileged_no_cors_request_header_name(name) {
        assert!(lower == b"range");
    }

    // Methods: normalize is idempotent and only uppercases the six standard methods.
    let m = normalize(name);
    assert_eq!(normalize(&m), m);
    assert!(m.eq_ignore_ascii_case(name));
    if is_cors_safelisted_method(name) {
        assert!(matches!(name, b"GET" | b"HEAD" | b"POST"));
    }
    match parse_method(name) {
        Ok(method) => {
            assert!(is_token(name));
            assert!(!is_forbidden_method(name));
            assert_eq!(method.as_str().as_bytes(), &m[..]);
        }
        Err(_) => assert!(!is_token(name) || is_forbidden_method(name)),
    }

    // The request-no-cors guard keeps only no-CORS-safelisted headers, and its combined value
    // stays safelisted.
    let mut h = GuardedHeaders::new(Guard::RequestNoCors);
    let first = h.append(name, value);
    let second = h.append(name, value);
    if let Ok(true) = first {
        let combined = h.get(name).ok().flatten().unwrap_or_default();
        assert!(is_no_cors_safelisted_request_header(name, &combined));
    }
    if first.is_err() {
        assert!(second.is_err());
    }
    let mut r = GuardedHeaders::new(Guard::Request);
    if let Ok(kept) = r.append(name, value) {
        let normalized = corsgate::header::normalize(value);
        assert_eq!(kept, !is_forbidden_request_header(name, normalized));
    }

    // CORS-unsafe request-header names: sorted, lowercase, unique; per-entry listing may repeat.
    let pairs = [(name, value), (&upper[..], value), (&b"x-fuzz"[..], value)];
    let names = cors_unsafe_request_header_names(pairs.iter().copied());
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(names, sorted);
    let entries = cors_unsafe_request_header_entries(pairs.iter().copied(), true);
    assert!(entries.windows(2).all(|w| w[0] <= w[1]));
    assert!(names.iter().all(|n| entries.contains(n)));
    assert!(names.contains(&"x-fuzz".to_string()));
    if is_token(name) {
        assert!(names
            .iter()
            .all(|n| !n.bytes().any(|b| b.is_ascii_uppercase())));
    }
});
