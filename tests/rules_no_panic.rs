//! Properties of the rule parsers on arbitrary bytes: no panics, and MIME serialization is a
//! fixed point (parse ∘ serialize ∘ parse = parse).

use corsgate::forbidden::is_forbidden_request_header;
use corsgate::guard::GuardedHeaders;
use corsgate::method::parse_method;
use corsgate::mime::Mime;
use corsgate::range::parse_single_range;
use corsgate::safelist::{check_cors_safelisted_request_header, cors_unsafe_request_header_names};
use proptest::prelude::*;

fn header_name() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"accept".to_vec()),
        Just(b"Content-Type".to_vec()),
        Just(b"content-language".to_vec()),
        Just(b"Range".to_vec()),
        Just(b"X-HTTP-Method-Override".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..12),
    ]
}

proptest! {
    #[test]
    fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200), ws in any::<bool>()) {
        let _ = parse_method(&bytes);
        let _ = parse_single_range(&bytes, ws);
        let _ = is_forbidden_request_header(&bytes, &bytes);
        if let Ok(m) = Mime::parse(&bytes) {
            let again = Mime::parse(&m.to_bytes()).unwrap();
            prop_assert_eq!(again, m);
        }
    }

    #[test]
    fn range_like_values(s in "bytes[ \t]?=[ \t]?[0-9]{0,25}[ \t]?-[ \t]?[0-9]{0,25}", ws in any::<bool>()) {
        if let Ok((start, end)) = parse_single_range(s.as_bytes(), ws) {
            prop_assert!(start.is_some() || end.is_some());
            if let (Some(a), Some(b)) = (start, end) {
                prop_assert!(a <= b);
            }
        }
    }

    #[test]
    fn safelist_and_guard_never_panic(
        headers in proptest::collection::vec((header_name(), proptest::collection::vec(any::<u8>(), 0..140)), 0..8)
    ) {
        let mut h = GuardedHeaders::no_cors();
        for (name, value) in &headers {
            let _ = check_cors_safelisted_request_header(name, value);
            let _ = h.append(name, value);
            let _ = h.set(name, value);
            let _ = h.get(name);
            let _ = h.delete(name);
        }
        let names = cors_unsafe_request_header_names(headers.iter().map(|(n, v)| (&n[..], &v[..])));
        // For real header names (tokens, hence ASCII) the result is a sorted set.
        if headers.iter().all(|(n, _)| corsgate::header::is_token(n)) {
            let mut sorted = names.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(names, sorted);
        }
    }
}
