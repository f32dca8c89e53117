//! Fetch §simple-range-header-value: `parse_single_range` on arbitrary bytes, both whitespace
//! modes. Results are well formed, re-serialize to themselves, and allowing whitespace only
//! ever accepts more.
#![no_main]

use corsgate::range::parse_single_range;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let strict = parse_single_range(data, false);
    let lax = parse_single_range(data, true);
    for (r, ws) in [(&strict, false), (&lax, true)] {
        if let Ok((start, end)) = *r {
            assert!(start.is_some() || end.is_some());
            if let (Some(s), Some(e)) = (start, end) {
                assert!(s <= e);
            }
            let text = format!(
                "bytes={}-{}",
                start.map(|s| s.to_string()).unwrap_or_default(),
                end.map(|e| e.to_string()).unwrap_or_default()
            );
            assert_eq!(parse_single_range(text.as_bytes(), ws), Ok((start, end)));
            assert_eq!(parse_single_range(text.as_bytes(), !ws), Ok((start, end)));
        }
    }
    if let Ok(v) = strict {
        assert_eq!(lax, Ok(v), "whitespace mode refused what strict mode took");
    }
    // No whitespace byte in the input: both modes agree exactly.
    if !data.iter().any(|&b| b == b' ' || b == b'\t') {
        assert_eq!(strict, lax);
    }
    // The safelist's `range` rule is this parser plus "has a start".
    let safelisted = corsgate::safelist::is_cors_safelisted_request_header(b"range", data);
    assert_eq!(
        safelisted,
        data.len() <= 128 && matches!(strict, Ok((Some(_), _)))
    );
});
