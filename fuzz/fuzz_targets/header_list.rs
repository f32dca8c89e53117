//! Fetch §extract-header-list-values for the `#token` headers (`Access-Control-Allow-Methods`,
//! `-Allow-Headers`, `-Expose-Headers`): `parse_token_list`, `extract_list` over several header
//! lines, `split_list` (§concept-header-list-get-decode-split) and the exposure rule built on them.
#![no_main]

use corsgate::expose::{exposed_header_names, ExposedNames};
use corsgate::header::{
    extract_list, is_http_tab_or_space, is_token, parse_token_list, split_list, trim_tab_or_space,
};
use corsgate::request::CredentialsMode;
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // One line.
    let expected: Vec<&[u8]> = data
        .split(|&b| b == b',')
        .map(trim_tab_or_space)
        .filter(|i| !i.is_empty())
        .collect();
    match parse_token_list(data) {
        Ok(items) => {
            assert!(items.iter().all(|i| is_token(i)));
            assert_eq!(items, expected);
            // Joining the items re-parses to the same list.
            let joined = items.join(&b","[..]);
            assert_eq!(parse_token_list(&joined).as_deref(), Ok(&items[..]));
        }
        Err(e) => {
            assert!(!e.item.is_empty() && !is_token(&e.item));
            assert!(
                expected.contains(&&e.item[..]),
                "reported item not in the list"
            );
            // It is the first non-token item.
            let first_bad = expected.iter().find(|i| !is_token(i)).copied();
            assert_eq!(first_bad, Some(&e.item[..]));
        }
    }

    // Several lines (split at LF, each a valid header value): the items of every line, in order;
    // any bad line fails the whole list.
    let lines: Vec<HeaderValue> = data
        .split(|&b| b == b'\n')
        .filter_map(|l| HeaderValue::from_bytes(l).ok())
        .collect();
    let mut map = HeaderMap::new();
    for l in &lines {
        map.append("access-control-allow-headers", l.clone());
    }
    let combined: Result<Vec<&[u8]>, _> = lines.iter().try_fold(Vec::new(), |mut acc, l| {
        acc.extend(parse_token_list(l.as_bytes())?);
        Ok(acc)
    });
    match extract_list(&map, "access-control-allow-headers") {
        Ok(None) => assert!(lines.is_empty()),
        Ok(Some(items)) => assert_eq!(Ok(items), combined),
        Err(e) => assert_eq!(Err(e), combined),
    }

    // split_list: trimmed items; without quotes it is a plain split on commas.
    let items = split_list(data);
    assert!(!items.is_empty());
    for i in &items {
        assert!(!i.first().is_some_and(|&b| is_http_tab_or_space(b)));
        assert!(!i.last().is_some_and(|&b| is_http_tab_or_space(b)));
    }
    if !data.contains(&b'"') {
        let plain: Vec<&[u8]> = data.split(|&b| b == b',').map(trim_tab_or_space).collect();
        assert_eq!(items, plain);
    } else {
        assert!(items.len() <= data.iter().filter(|&&b| b == b',').count() + 1);
    }

    // Exposure: `*` exposes everything only without credentials.
    for creds in [CredentialsMode::Include, CredentialsMode::SameOrigin] {
        match exposed_header_names(Some(data), creds) {
            ExposedNames::All => {
                assert_ne!(creds, CredentialsMode::Include);
                assert!(expected.contains(&&b"*"[..]));
            }
            ExposedNames::Listed(list) => match parse_token_list(data) {
                Ok(items) => assert_eq!(list, items),
                Err(_) => assert!(list.is_empty()),
            },
        }
    }
});
