//! Fetch §header-value and §concept-header-value-normalize: `check_header_value`, `normalize`,
//! `trim_tab_or_space`, and the combined value `header::get` (§concept-header-list-get).
#![no_main]

use corsgate::header::{
    check_header_value, get, is_http_tab_or_space, is_http_whitespace, normalize,
    trim_tab_or_space, HeaderValueError,
};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Normalize: idempotent, a sub-slice, no HTTP whitespace at either end.
    let n = normalize(data);
    assert_eq!(normalize(n), n);
    assert!(!n.first().copied().is_some_and(is_http_whitespace));
    assert!(!n.last().copied().is_some_and(is_http_whitespace));
    assert!(data.windows(n.len().max(1)).any(|w| w == n) || n.is_empty());
    let t = trim_tab_or_space(data);
    assert_eq!(trim_tab_or_space(t), t);
    assert!(t.len() >= n.len());

    // Validity: exactly the rules of §header-value, first failure by the documented order.
    let r = check_header_value(data);
    let expected = if data.first().copied().is_some_and(is_http_tab_or_space) {
        Err(HeaderValueError::LeadingWhitespace)
    } else if data.last().copied().is_some_and(is_http_tab_or_space) {
        Err(HeaderValueError::TrailingWhitespace)
    } else {
        match data.iter().find(|&&b| matches!(b, 0 | b'\n' | b'\r')) {
            Some(0) => Err(HeaderValueError::Nul),
            Some(b'\n') => Err(HeaderValueError::Lf),
            Some(_) => Err(HeaderValueError::Cr),
            None => Ok(()),
        }
    };
    assert_eq!(r, expected);
    // A normalized value without interior NUL/CR/LF is a valid header value.
    if !n.iter().any(|&b| matches!(b, 0 | b'\n' | b'\r')) {
        assert_eq!(check_header_value(n), Ok(()));
    }
    // Anything `http` accepts after normalization is valid by Fetch's rules.
    if HeaderValue::from_bytes(n).is_ok() {
        assert_eq!(check_header_value(n), Ok(()));
    }

    // The combined value of several lines is the lines joined by ", ".
    let lines: Vec<HeaderValue> = data
        .split(|&b| b == b'|')
        .filter_map(|l| HeaderValue::from_bytes(l).ok())
        .collect();
    let mut map = HeaderMap::new();
    for l in &lines {
        map.append("x-v", l.clone());
    }
    let joined = lines
        .iter()
        .map(HeaderValue::as_bytes)
        .collect::<Vec<_>>()
        .join(&b", "[..]);
    assert_eq!(get(&map, "x-v"), (!lines.is_empty()).then_some(joined));
});
