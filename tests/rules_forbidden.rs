//! Fetch §forbidden-request-header against `tests/data/forbidden-request-headers.json` (WPT
//! request-forbidden-headers, request-headers, XHR setRequestHeader allowed/forbidden).

use corsgate::forbidden::{
    is_forbidden_request_header, is_forbidden_response_header_name, is_request_body_header_name,
};
use corsgate::guard::{Guard, GuardedHeaders};
use corsgate::header::normalize;

mod common;
use common::{load, value_bytes as bytes};

#[test]
fn forbidden_request_headers_json() {
    let vectors = load("forbidden-request-headers.json");
    let (mut forbidden, mut allowed) = (0, 0);
    for v in &vectors {
        let (name, value) = (bytes(&v["name"]), bytes(&v["value"]));
        let want = v["forbidden"].as_bool().unwrap();
        // The predicate on the raw value and on the value as `Headers` stores it (normalized).
        assert_eq!(is_forbidden_request_header(&name, &value), want, "{v}");
        assert_eq!(
            is_forbidden_request_header(&name, normalize(&value)),
            want,
            "{v}"
        );
        // Through a `request`-guarded Headers: set() keeps exactly the allowed ones.
        let mut h = GuardedHeaders::new(Guard::Request);
        assert_eq!(h.set(&name, &value), Ok(!want), "{v}");
        assert_eq!(h.has(&name), Ok(!want), "{v}");
        if want {
            forbidden += 1;
        } else {
            allowed += 1;
        }
    }
    assert_eq!(vectors.len(), 235);
    assert_eq!((forbidden, allowed), (181, 54));
}

#[test]
fn forbidden_response_and_request_body_names() {
    for name in [&b"Set-Cookie"[..], b"set-cookie", b"SET-COOKIE2"] {
        assert!(is_forbidden_response_header_name(name));
    }
    for name in [&b"Set-Cookie3"[..], b"Cookie", b"set-cookie "] {
        assert!(!is_forbidden_response_header_name(name));
    }
    for name in [
        &b"Content-Encoding"[..],
        b"content-language",
        b"CONTENT-LOCATION",
        b"content-type",
    ] {
        assert!(is_request_body_header_name(name));
    }
    for name in [&b"Content-Length"[..], b"Content-Disposition", b"content"] {
        assert!(!is_request_body_header_name(name));
    }
}
