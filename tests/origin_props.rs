//! Properties of the strict `Origin` header parser (Fetch §origin-header) and of URL origins
//! (URL Standard §concept-url-origin, HTML §ascii-serialisation-of-an-origin).

use corsgate::origin::Origin;
use proptest::prelude::*;
use std::net::{Ipv4Addr, Ipv6Addr};
use url::Url;

/// A host as written in a URL: a lowercase/uppercase domain, an IPv4 address in some notation,
/// or an IPv6 address.
fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec("[a-zA-Z][a-zA-Z0-9-]{0,8}[a-zA-Z0-9]", 1..4)
            .prop_map(|labels| labels.join(".")),
        any::<u32>().prop_map(|n| Ipv4Addr::from(n).to_string()),
        any::<u32>().prop_map(|n| format!("0x{n:x}")),
        any::<u128>().prop_map(|n| format!("[{}]", Ipv6Addr::from(n))),
        any::<[u16; 8]>()
            .prop_map(|p| format!("[{:X}:0:0:{:x}:{}:0:0:{}]", p[0], p[1], p[2], p[3])),
    ]
}

proptest! {
    /// Arbitrary bytes never panic; whatever is accepted is exactly its own serialization.
    #[test]
    fn parse_header_accepts_only_serializations(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        if let Ok(origin) = Origin::parse_header(&bytes) {
            let serialized = origin.serialize();
            prop_assert_eq!(serialized.as_bytes(), &bytes[..]);
        }
    }

    /// Near-misses of origin syntax (letters, digits, the delimiters) never panic, and accepted
    /// values round-trip byte for byte.
    #[test]
    fn parse_header_origin_like(s in "[a-zA-Z0-9:/.\\[\\]@-]{0,30}") {
        if let Ok(origin) = Origin::parse_header(s.as_bytes()) {
            prop_assert_eq!(origin.serialize(), s);
        }
    }

    /// The origin of any special URL serializes to a value the strict parser accepts, giving a
    /// same-origin tuple origin.
    #[test]
    fn url_origin_round_trips(
        scheme in prop::sample::select(vec!["http", "https", "ws", "wss", "ftp"]),
        host in host(),
        port in proptest::option::of(any::<u16>()),
        path in "[a-z/]{0,10}",
    ) {
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        let Ok(url) = Url::parse(&format!("{scheme}://{host}{port}/{path}")) else {
            return Ok(());
        };
        let origin = Origin::of_url(&url);
        prop_assert!(!origin.is_opaque());
        let serialized = origin.serialize();
        let parsed = Origin::parse_header(serialized.as_bytes());
        // Domains outside the header grammar (none generated here) would be refused.
        prop_assert!(parsed.is_ok(), "{} -> {} -> {:?}", url, serialized, parsed);
        let parsed = parsed.unwrap_or_else(|_| Origin::new_opaque());
        prop_assert!(parsed.same_origin(&origin));
        prop_assert!(parsed.same_site(&origin));
        prop_assert_eq!(parsed.serialize(), serialized);
    }
}
