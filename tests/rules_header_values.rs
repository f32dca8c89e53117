//! Fetch §header-value and §concept-header-value-normalize against
//! `tests/data/header-values.json`.
//!
//! The vectors are JavaScript strings. WebIDL's ByteString conversion (what `Headers` and XHR do
//! first) throws a `TypeError` for a code point above U+00FF and otherwise isomorphic-encodes;
//! `Headers` then normalizes the value and requires a header value. So a vector is valid iff it
//! isomorphic-encodes and `check_header_value(normalize(bytes))` succeeds, and its `normalized`
//! field is `normalize(bytes)`.

use corsgate::header::{check_header_value, is_token, normalize};
use serde_json::Value;

mod common;
use common::{byte_string, load};

#[test]
fn header_values_json() {
    let vectors = load("header-values.json");
    let (mut valid, mut invalid, mut names, mut not_bytes) = (0, 0, 0, 0);
    for v in &vectors {
        let value = v["value"].as_str().unwrap();
        let want_valid = v["valid"].as_bool().unwrap();
        // The one vector with a `name` checks the name, with a harmless value.
        let name_ok = match v.get("name").and_then(Value::as_str) {
            Some(name) => {
                names += 1;
                byte_string(name).is_some_and(|n| is_token(&n))
            }
            None => true,
        };
        let got = match byte_string(value) {
            None => {
                not_bytes += 1;
                None
            }
            Some(bytes) => {
                let normalized = normalize(&bytes).to_vec();
                check_header_value(&normalized).ok().map(|()| normalized)
            }
        };
        let got_valid = name_ok && got.is_some();
        assert_eq!(got_valid, want_valid, "{v}");
        if want_valid {
            valid += 1;
            let want = byte_string(v["normalized"].as_str().unwrap()).unwrap();
            assert_eq!(got.unwrap(), want, "{v}");
        } else {
            invalid += 1;
        }
    }
    assert_eq!(vectors.len(), 359);
    assert_eq!((valid, invalid, names, not_bytes), (351, 8, 1, 1));
}
