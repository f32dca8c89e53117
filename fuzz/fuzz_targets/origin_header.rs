//! Fetch §origin-header: `Origin::parse_header` on arbitrary bytes. Whatever it accepts is
//! byte-for-byte the serialization of the origin it returns, and the URL parser agrees on it.
#![no_main]

use corsgate::Origin;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(origin) = Origin::parse_header(data) else {
        return;
    };
    let serialized = origin.serialize();
    assert_eq!(serialized.as_bytes(), data, "accepted a non-serialization");
    assert_eq!(origin.byte_serialize(), data);
    if data == b"null" {
        assert!(origin.is_opaque());
        return;
    }
    assert!(!origin.is_opaque());
    // Idempotent: parsing the serialization again gives a same-origin origin.
    let again = Origin::parse_header(serialized.as_bytes()).expect("serialization re-parses");
    assert!(again.same_origin(&origin));
    // For the URL Standard's special schemes, the URL parser reads the same origin.
    let scheme = origin.scheme().unwrap_or_default();
    if matches!(scheme, "http" | "https" | "ws" | "wss" | "ftp") {
        let url = url::Url::parse(&serialized).expect("a serialized origin is a URL");
        let of_url = Origin::of_url(&url);
        assert!(
            of_url.same_origin(&origin),
            "{serialized} vs {}",
            of_url.serialize()
        );
    }
});
