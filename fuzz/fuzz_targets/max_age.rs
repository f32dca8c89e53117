//! Fetch §cors-preflight-fetch-0 steps 7.8–7.10: `Access-Control-Max-Age` under every syntax and
//! every preset. Results are consistent between the syntaxes and always within the cap.
#![no_main]

use std::time::Duration;

use corsgate::header::normalize;
use corsgate::policy::{InvalidMaxAge, MaxAgeSyntax, Policy};
use corsgate::preflight::{max_age, max_age_for, parse_max_age, parse_max_age_with, MaxAge};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let delta = parse_max_age(data);
    assert_eq!(delta, parse_max_age_with(data, MaxAgeSyntax::DeltaSeconds));
    let signed = parse_max_age_with(data, MaxAgeSyntax::SignedInteger);
    let v = normalize(data);
    // Empty exactly when the normalized value is empty, in both syntaxes.
    assert_eq!(delta == MaxAge::Empty, v.is_empty());
    assert_eq!(signed == MaxAge::Empty, v.is_empty());
    assert_ne!(delta, MaxAge::Absent);
    assert_ne!(signed, MaxAge::Absent);
    let all_digits = !v.is_empty() && v.iter().all(u8::is_ascii_digit);
    match delta {
        MaxAge::Seconds(n) => {
            assert!(all_digits);
            // Exact when it fits; saturated otherwise.
            let text = std::str::from_utf8(v).expect("digits are ASCII");
            assert_eq!(n, text.parse::<u64>().unwrap_or(u64::MAX));
        }
        MaxAge::Invalid => assert!(!all_digits && !v.is_empty()),
        _ => {}
    }
    // The signed syntax agrees on every value that fits in i64 without a sign.
    if let MaxAge::Seconds(n) = delta {
        if i64::try_from(n).is_ok() && n != u64::MAX {
            assert_eq!(signed, MaxAge::Seconds(n));
        }
    }
    if let MaxAge::Seconds(n) = signed {
        assert!(i64::try_from(n).is_ok());
        // A negative value reads as 0; anything else positive also parses as i64.
        let text = std::str::from_utf8(v).expect("a parsed value is ASCII");
        match text.parse::<i64>() {
            Ok(i) => assert_eq!(n, u64::try_from(i.max(0)).unwrap_or(0)),
            Err(_) => panic!("signed syntax accepted {text:?}"),
        }
    }

    // Through a header list, for every preset, one line and two lines.
    let Ok(value) = HeaderValue::from_bytes(data) else {
        return;
    };
    for policy in [
        Policy::spec(),
        Policy::chromium(),
        Policy::firefox(),
        Policy::webkit(),
    ] {
        let cap = Duration::from_secs(policy.max_age_cap);
        let mut h = HeaderMap::new();
        h.append("access-control-max-age", value.clone());
        let one = max_age(&h, &policy);
        let parsed = parse_max_age_with(data, policy.max_age_syntax);
        assert_eq!(one, max_age_for(parsed, &policy));
        match one {
            Some(d) => assert!(d <= cap),
            None => {
                assert_eq!(policy.invalid_max_age, InvalidMaxAge::DoNotCache);
                assert_eq!(parsed, MaxAge::Invalid);
            }
        }
        h.append("access-control-max-age", value.clone());
        assert_eq!(max_age(&h, &policy), max_age_for(MaxAge::Invalid, &policy));
    }
});
