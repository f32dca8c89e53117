//! URL Standard §concept-url-origin on parsed URLs: `Origin::of_url`, serialization, and the
//! strict `Origin` header parser on what serialization produces.
#![no_main]

use corsgate::Origin;
use libfuzzer_sys::fuzz_target;
use url::Url;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let url = match Url::parse(&text) {
        Ok(u) => u,
        Err(_) => match Url::parse("https://a.example/dir/").and_then(|b| b.join(&text)) {
            Ok(u) => u,
            Err(_) => return,
        },
    };
    let origin = Origin::of_url(&url);
    let serialized = origin.serialize();
    // Deterministic for tuple origins; opaque origins are never equal to a fresh one.
    let again = Origin::of_url(&url);
    assert_eq!(origin.is_opaque(), again.is_opaque());
    if origin.is_opaque() {
        assert_eq!(serialized, "null");
        assert!(
            !origin.same_origin(&again),
            "two opaque origins of {url} are same origin"
        );
        assert!(origin.same_origin(&origin.clone()));
        return;
    }
    assert!(origin.same_origin(&again));
    assert!(origin.same_site(&again));
    assert!(origin.same_origin_domain(&again));
    // A tuple origin comes from a special non-file scheme (or a blob: wrapping http(s)).
    let scheme = origin.scheme().unwrap_or_default();
    assert!(
        matches!(scheme, "http" | "https" | "ws" | "wss" | "ftp"),
        "{url} -> {serialized}"
    );
    if url.scheme() != "blob" {
        assert_eq!(scheme, url.scheme());
        assert_eq!(origin.port(), url.port(), "{url}");
    }
    // The serialization parses back as a URL with the same origin.
    let reparsed = Url::parse(&serialized).unwrap_or_else(|e| panic!("{serialized}: {e}"));
    let back = Origin::of_url(&reparsed);
    assert!(
        back.same_origin(&origin),
        "{url} -> {serialized} -> {}",
        back.serialize()
    );
    assert_eq!(back.serialize(), serialized);
    // The strict Origin header parser accepts it unless the host is a domain outside the
    // header's `serialized-domain` grammar (lowercase letters, digits, `-`, `.`).
    match Origin::parse_header(serialized.as_bytes()) {
        Ok(parsed) => {
            assert!(parsed.same_origin(&origin), "{serialized}");
            assert_eq!(parsed.serialize(), serialized);
        }
        Err(e) => {
            let domain_ok = match origin.host() {
                Some(url::Host::Domain(d)) => d.split('.').all(|l| {
                    !l.is_empty()
                        && !l.starts_with('-')
                        && !l.ends_with('-')
                        && l.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                }),
                _ => true,
            };
            assert!(!domain_ok, "{serialized} refused: {e:?}");
        }
    }
});
