//! Fetch §methods against `tests/data/methods.json` (WPT request-init, XHR open(), forbidden
//! methods, CORS preflight triggers).

use corsgate::header::is_token;
use corsgate::method::{
    is_cors_safelisted_method, is_forbidden_method, normalize, parse_method, MethodError,
};
use serde_json::Value;

mod common;
use common::load;

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

#[test]
fn methods_json() {
    let vectors = load("methods.json");
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for v in &vectors {
        let kind = str_field(v, "kind");
        let m = str_field(v, "method").as_bytes();
        *counts.entry(kind.to_owned()).or_default() += 1;
        match kind {
            "normalize" => {
                let want = str_field(v, "normalized");
                assert_eq!(&*normalize(m), want.as_bytes(), "{v}");
                // `new Request(..., {method})` and XHR `open()` both run the constructor steps.
                let parsed = parse_method(m).unwrap_or_else(|e| panic!("{v}: {e}"));
                assert_eq!(parsed.as_str(), want, "{v}");
            }
            "forbidden" => {
                assert!(v["forbidden"].as_bool().unwrap());
                assert!(is_forbidden_method(m), "{v}");
                assert_eq!(parse_method(m), Err(MethodError::Forbidden), "{v}");
            }
            "invalid" => {
                assert!(!v["valid"].as_bool().unwrap());
                assert!(!is_token(m), "{v}");
                assert_eq!(parse_method(m), Err(MethodError::NotAToken), "{v}");
            }
            "no-cors" => {
                // Fetch §dom-request: a no-cors request's method must be CORS-safelisted.
                let allowed = v["allowed_in_no_cors"].as_bool().unwrap();
                let method = parse_method(m).unwrap();
                assert_eq!(
                    is_cors_safelisted_method(method.as_str().as_bytes()),
                    allowed,
                    "{v}"
                );
            }
            "preflight" => {
                // Fetch §cors-preflight-fetch: needed when the (normalized) method is not a
                // CORS-safelisted method.
                let want = v["preflight"].as_bool().unwrap();
                assert_eq!(!is_cors_safelisted_method(&normalize(m)), want, "{v}");
            }
            other => panic!("unknown kind {other}"),
        }
    }
    assert_eq!(vectors.len(), 77);
    let expected: Vec<(String, usize)> = [
        ("forbidden", 16),
        ("invalid", 9),
        ("no-cors", 1),
        ("normalize", 36),
        ("preflight", 15),
    ]
    .iter()
    .map(|(k, n)| ((*k).to_owned(), *n))
    .collect();
    assert_eq!(counts.into_iter().collect::<Vec<_>>(), expected);
}
