//! What the data-driven tests share: reading a vector file from `tests/data/` and turning the
//! JSON strings that stand for byte sequences back into bytes.
//!
//! Each test binary compiles this module for itself and uses part of it.
#![allow(dead_code)]

use serde_json::Value;

/// The JSON array in `tests/data/<rel>`; panics (failing the test) naming the file otherwise.
pub fn load(rel: &str) -> Vec<Value> {
    let path = format!("{}/tests/data/{rel}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match serde_json::from_str(&text) {
        Ok(Value::Array(v)) => v,
        other => panic!("{path}: not a JSON array: {other:?}"),
    }
}

/// Isomorphic decoding undone: the vectors hold bytes as code points U+0000–U+00FF. `None` when
/// a code point is above U+00FF (the string is not a byte sequence).
pub fn byte_string(s: &str) -> Option<Vec<u8>> {
    s.chars().map(|c| u8::try_from(c).ok()).collect()
}

/// [`byte_string`], for strings the vectors promise are byte sequences.
pub fn bytes(s: &str) -> Vec<u8> {
    byte_string(s).unwrap_or_else(|| panic!("code point above U+00FF in {s:?}"))
}

/// [`bytes`] of a JSON string value.
pub fn value_bytes(v: &Value) -> Vec<u8> {
    bytes(v.as_str().unwrap_or_else(|| panic!("not a string: {v}")))
}

/// A header list given as `[[name, value], …]`, as bytes.
pub fn pairs(v: &Value) -> Vec<(Vec<u8>, Vec<u8>)> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a header list: {v}"))
        .iter()
        .map(|p| (value_bytes(&p[0]), value_bytes(&p[1])))
        .collect()
}

/// A header list given as `[[name, value], …]`, as strings; empty when `v` is not a list.
pub fn string_pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .map(|list| {
            list.iter()
                .map(|p| {
                    let field =
                        |i: usize| p[i].as_str().unwrap_or_else(|| panic!("{p}")).to_owned();
                    (field(0), field(1))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A response head with this status and these header lines, in order.
pub fn response(status: u16, headers: &[(String, String)]) -> http::Response<()> {
    let mut b = http::Response::builder().status(status);
    for (n, v) in headers {
        b = b.header(n.as_str(), v.as_str());
    }
    b.body(()).unwrap()
}
