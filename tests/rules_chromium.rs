//! Chromium's CORS unit-test vectors (`tests/data/chromium-cors.json`, from
//! `services/network/public/cpp/cors/cors_unittest.cc` and `services/network/cors/cors_util_unittest.cc`)
//! for every kind except `check_access` (the CORS check belongs to another module).
//!
//! Where Chromium departs from the Fetch standard the case is an explicit expected divergence:
//! the test asserts the standard's answer AND that Chromium's recorded answer differs, so a
//! divergence that disappears fails the test too. Reasons are in spec-notes/rules.md.

use std::collections::BTreeMap;

use corsgate::forbidden::is_forbidden_request_header;
use corsgate::method::{is_cors_safelisted_method, is_forbidden_method, normalize};
use corsgate::safelist::{
    cors_unsafe_request_header_names, is_cors_safelisted_request_header,
    is_no_cors_safelisted_request_header_name, is_privileged_no_cors_request_header_name,
};
use serde_json::Value;

mod common;
use common::value_bytes as bytes;

fn load() -> Vec<Value> {
    common::load("chromium-cors.json")
}

fn of_kind(kind: &str) -> Vec<Value> {
    load().into_iter().filter(|v| v["kind"] == kind).collect()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn headers(v: &Value) -> Vec<(Vec<u8>, Vec<u8>)> {
    v["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (bytes(&h[0]), bytes(&h[1])))
        .collect()
}

fn sorted_names(v: &Value) -> Vec<String> {
    let mut names: Vec<String> = v["expected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

fn is_chromium_specific(v: &Value) -> bool {
    v.get("chromium_specific").and_then(Value::as_bool) == Some(true)
}

#[test]
fn kinds_and_counts() {
    let mut counts = BTreeMap::<String, usize>::new();
    for v in load() {
        *counts
            .entry(v["kind"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let want: BTreeMap<String, usize> = [
        ("check_access", 14), // out of scope here (the CORS check module)
        ("cors_safelisted_header", 1929),
        ("cors_safelisted_method", 6),
        ("cors_unsafe_not_forbidden_request_header_names", 9),
        ("cors_unsafe_request_header_names", 6),
        ("forbidden_method", 9),
        ("no_cors_safelisted_header_name", 11),
        ("privileged_no_cors_header_name", 5),
    ]
    .iter()
    .map(|(k, n)| ((*k).to_owned(), *n))
    .collect();
    assert_eq!(counts, want);
}

/// Chromium-specific `cors_safelisted_header` cases that Chromium safelists and the standard
/// does not: its client-hint safelist (`device-memory`, `dpr`, `width`, `viewport-width`, `rtt`,
/// `downlink`, `ect`), `Sec-CH-*` user-agent client hints (forbidden request-headers that only the
/// browser sets), and an uppercase `BYTES=` range unit.
const SAFELISTED_ONLY_BY_CHROMIUM: [(&str, &str); 29] = [
    ("Sec-CH-Prefers-Color-Scheme", "\"Prefers-Color-Scheme!\""),
    (
        "Sec-CH-Prefers-Reduced-Motion",
        "\"Prefers-Reduced-Motion!\"",
    ),
    (
        "Sec-CH-Prefers-Reduced-Transparency",
        "\"Prefers-Reduced-Transparency!\"",
    ),
    ("Sec-CH-UA-Form-Factors", "\"Form Factors!\""),
    ("Sec-CH-UA", "\"User Agent!\""),
    ("Sec-CH-UA-Platform", "\"Platform!\""),
    ("Sec-CH-UA-Platform-Version", "\"Platform-Version!\""),
    ("Sec-CH-UA-Arch", "\"Architecture!\""),
    ("Sec-CH-UA-Model", "\"Model!\""),
    ("Sec-CH-Viewport-Height", "\"Viewport-Height!\""),
    ("device-memory", "1.25"),
    ("DEVICE-memory", "1.25"),
    ("DEVICE-memory", "1"),
    ("dpr", "1.25"),
    ("Dpr", "1.25"),
    ("dpr", "1"),
    ("width", "125"),
    ("width", "1"),
    ("WIDTH", "125"),
    ("width", "2147483648"),
    ("viewport-width", "125"),
    ("viewport-width", "1"),
    ("viewport-Width", "125"),
    ("viewport-width", "2147483648"),
    ("rtt", "1"),
    ("downlink", "1"),
    ("downlink", "1.0"),
    ("ect", "2g"),
    ("range", "BYTES=100-200"),
];

#[test]
fn cors_safelisted_header() {
    let vectors = of_kind("cors_safelisted_header");
    let (mut agreed, mut specific) = (0, 0);
    let mut diverged: Vec<(String, String)> = Vec::new();
    for v in &vectors {
        let name = bytes(&v["name"]);
        let value = match v.get("value_hex").and_then(Value::as_str) {
            Some(h) => {
                assert_eq!(hex(h), bytes(&v["value"]), "{v}");
                hex(h)
            }
            None => bytes(&v["value"]),
        };
        let chromium = v["expected"].as_bool().unwrap();
        let ours = is_cors_safelisted_request_header(&name, &value);
        if is_chromium_specific(v) {
            specific += 1;
            // The standard safelists none of these (see the spec_note of each).
            assert!(!ours, "{v}");
            if chromium {
                let key = (
                    v["name"].as_str().unwrap().to_owned(),
                    v["value"].as_str().unwrap().to_owned(),
                );
                diverged.push(key);
            }
        } else {
            assert_eq!(ours, chromium, "{v}");
            agreed += 1;
        }
    }
    let want: Vec<(String, String)> = SAFELISTED_ONLY_BY_CHROMIUM
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(diverged, want);
    assert_eq!((vectors.len(), agreed, specific), (1929, 1850, 79));
}

#[test]
fn cors_safelisted_method() {
    // Chromium compares case-insensitively; Fetch §cors-safelisted-method is byte-exact and is
    // applied to normalized methods. Expected divergences: `get` and `Get`.
    let expected_divergences = ["get", "Get"];
    let vectors = of_kind("cors_safelisted_method");
    let mut diverged = Vec::new();
    for v in &vectors {
        let m = v["method"].as_str().unwrap();
        let chromium = v["expected"].as_bool().unwrap();
        // After normalization (what every caller sees) we always agree with Chromium.
        assert_eq!(
            is_cors_safelisted_method(&normalize(m.as_bytes())),
            chromium,
            "{v}"
        );
        if is_cors_safelisted_method(m.as_bytes()) != chromium {
            diverged.push(m);
        }
    }
    assert_eq!(diverged, expected_divergences);
    assert_eq!(vectors.len(), 6);
}

#[test]
fn header_name_classes_and_forbidden_methods() {
    let mut n = 0;
    for v in of_kind("no_cors_safelisted_header_name") {
        assert_eq!(
            is_no_cors_safelisted_request_header_name(&bytes(&v["name"])),
            v["expected"].as_bool().unwrap(),
            "{v}"
        );
        n += 1;
    }
    for v in of_kind("privileged_no_cors_header_name") {
        assert_eq!(
            is_privileged_no_cors_request_header_name(&bytes(&v["name"])),
            v["expected"].as_bool().unwrap(),
            "{v}"
        );
        n += 1;
    }
    for v in of_kind("forbidden_method") {
        assert_eq!(
            is_forbidden_method(&bytes(&v["method"])),
            v["expected"].as_bool().unwrap(),
            "{v}"
        );
        n += 1;
    }
    assert_eq!(n, 11 + 5 + 9);
}

fn unsafe_names(h: &[(Vec<u8>, Vec<u8>)]) -> Vec<String> {
    cors_unsafe_request_header_names(h.iter().map(|(n, v)| (&n[..], &v[..])))
}

#[test]
fn cors_unsafe_request_header_names_vectors() {
    // Chromium returns the names unsorted; Fetch returns a sorted lowercase set: compare sorted.
    // Expected divergences (by position in this kind), with the standard's answer: Chromium
    // safelists client hints (dpr, device-memory, save-data, viewport-width, width), so those
    // names are unsafe per Fetch, and their values no longer count towards the 1024-byte total.
    let spec_answers: BTreeMap<usize, Vec<&str>> = [
        (1, vec!["accept-charset", "dpr", "hoge", "user-agent"]),
        (
            3,
            vec![
                "device-memory",
                "dpr",
                "hoge",
                "save-data",
                "viewport-width",
                "width",
            ],
        ),
        (
            4,
            vec![
                "device-memory",
                "dpr",
                "hoge",
                "save-data",
                "viewport-width",
                "width",
            ],
        ),
        (
            5,
            vec![
                "content-type",
                "device-memory",
                "dpr",
                "hoge",
                "save-data",
                "viewport-width",
                "width",
            ],
        ),
    ]
    .into_iter()
    .collect();
    let vectors = of_kind("cors_unsafe_request_header_names");
    for (i, v) in vectors.iter().enumerate() {
        let ours = unsafe_names(&headers(v));
        let chromium = sorted_names(v);
        match spec_answers.get(&i) {
            Some(spec) => {
                assert_eq!(ours, *spec, "{v}");
                assert_ne!(ours, chromium, "divergence #{i} disappeared: {v}");
            }
            None => assert_eq!(ours, chromium, "{v}"),
        }
    }
    assert_eq!(vectors.len(), 6);
}

#[test]
fn cors_unsafe_not_forbidden_request_header_names_vectors() {
    // A Chromium-only helper (all 9 are `chromium_specific`). Its standard analogue: the
    // CORS-unsafe request-header names of the headers that are not forbidden request-headers
    // (script cannot set those). Expected divergences, with the standard's answer: client hints
    // (see above); User-Agent (forbidden in Chromium, not in Fetch); `is_revalidating`, a Chromium
    // cache-revalidation exemption for If-Modified-Since / If-None-Match / Cache-Control.
    let spec_answers: BTreeMap<usize, Vec<&str>> = [
        (1, vec!["dpr", "hoge", "user-agent"]),
        (
            3,
            vec![
                "device-memory",
                "dpr",
                "hoge",
                "save-data",
                "viewport-width",
                "width",
            ],
        ),
        (
            4,
            vec![
                "device-memory",
                "dpr",
                "hoge",
                "save-data",
                "viewport-width",
                "width",
            ],
        ),
        (
            5,
            vec![
                "content-type",
                "device-memory",
                "dpr",
                "hoge",
                "save-data",
                "viewport-width",
                "width",
            ],
        ),
        (
            7,
            vec!["cache-control", "if-modified-since", "if-none-match"],
        ),
    ]
    .into_iter()
    .collect();
    let vectors = of_kind("cors_unsafe_not_forbidden_request_header_names");
    for (i, v) in vectors.iter().enumerate() {
        assert!(is_chromium_specific(v), "{v}");
        let allowed: Vec<(Vec<u8>, Vec<u8>)> = headers(v)
            .into_iter()
            .filter(|(n, val)| !is_forbidden_request_header(n, val))
            .collect();
        let ours = unsafe_names(&allowed);
        let chromium = sorted_names(v);
        match spec_answers.get(&i) {
            Some(spec) => {
                assert_eq!(ours, *spec, "{v}");
                assert_ne!(ours, chromium, "divergence #{i} disappeared: {v}");
            }
            None => assert_eq!(ours, chromium, "{v}"),
        }
    }
    assert_eq!(vectors.len(), 9);
}
