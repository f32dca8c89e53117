//! Fetch Metadata and the cross-origin resource policy check on structured input: a page origin,
//! a URL list of up to 6 URLs (few hosts, so every site relation occurs, or raw text), a mode, a
//! destination, user activation; and raw bytes as a `Cross-Origin-Resource-Policy` value and as
//! a structured-field token.
//!
//! Invariants beyond "no panic": headers exactly for a potentially trustworthy current URL;
//! `Sec-Fetch-Site` never moves to a closer value as the list grows, under every rule, and is
//! `same-origin` exactly when every URL is same origin with the origin; each value is a token that
//! parses back to itself; `parse_token` accepts exactly what `serialize_token` re-serializes;
//! CORP: `cross-origin` is always allowed, a blocked response passes with the value
//! `allowed_by()` names, and an invalid value behaves as no header.
#![no_main]

use arbitrary::Arbitrary;
use corsgate::corp::{cross_origin_resource_policy_check, parse_policy, CorpCheck, EmbedderPolicy};
use corsgate::metadata::{
    append_fetch_metadata, parse_token, serialize_token, site, Destination, MetadataInput, Site,
    SiteRule,
};
use corsgate::origin::is_potentially_trustworthy_url;
use corsgate::Mode;
use corsgate_fuzz::{preset, OriginChoice, UrlChoice};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    origin: OriginChoice,
    urls: Vec<UrlChoice>,
    mode: u8,
    destination: u8,
    activation: bool,
    user_initiated: bool,
    preset: u8,
    coep: u8,
    credentials: bool,
    corp: Vec<u8>,
    token: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let origin = input.origin.origin();
    let list: Vec<url::Url> = input
        .urls
        .iter()
        .take(6)
        .filter_map(UrlChoice::url)
        .collect();
    let mode = [Mode::Cors, Mode::NoCors, Mode::SameOrigin][usize::from(input.mode % 3)];
    let dest = Destination::ALL[usize::from(input.destination) % Destination::ALL.len()];
    let policy = preset(input.preset);

    for rule in [SiteRule::UrlList, SiteRule::SecureRedirectChain] {
        let mut last = Site::SameOrigin;
        for n in 1..=list.len() {
            let now = site(&origin, &list[..n], rule, false);
            assert!(now >= last, "{rule:?}: {now:?} after {last:?}");
            assert_eq!(
                now == Site::SameOrigin,
                list[..n].iter().all(|u| origin.same_origin_with_url(u))
            );
            last = now;
        }
        let mut meta = MetadataInput::new(&origin, &list, mode, dest);
        meta.user_activation = input.activation;
        meta.user_initiated = input.user_initiated;
        let m = append_fetch_metadata(&meta, rule);
        assert_eq!(
            m.is_some(),
            list.last().is_some_and(is_potentially_trustworthy_url)
        );
        if let Some(m) = m {
            assert_eq!(m.site == Site::None, input.user_initiated);
            for (name, value) in m.header_lines() {
                if name == "sec-fetch-user" {
                    assert_eq!(value, "?1");
                    assert!(dest.is_navigation() && input.activation);
                } else {
                    assert_eq!(parse_token(value.as_bytes()), Ok(value.as_str()));
                }
            }
            let mut headers = HeaderMap::new();
            m.set_in(&mut headers);
            assert_eq!(headers["sec-fetch-mode"], mode.as_str());
        }
    }

    // Structured-field tokens: what parses re-serializes to itself.
    if let Ok(token) = parse_token(&input.token) {
        assert_eq!(serialize_token(token).as_deref(), Ok(token));
    }

    // The CORP check at the current URL with the raw value.
    let Some(url) = list.last() else { return };
    let coep = [
        EmbedderPolicy::UnsafeNone,
        EmbedderPolicy::RequireCorp,
        EmbedderPolicy::Credentialless,
    ][usize::from(input.coep % 3)];
    let run = |value: Option<&[u8]>| {
        let mut headers = HeaderMap::new();
        if let Some(v) = value {
            match HeaderValue::from_bytes(v) {
                Ok(v) => {
                    headers.insert("cross-origin-resource-policy", v);
                }
                Err(_) => return None,
            }
        }
        let mut check = CorpCheck::new(&origin, url, &headers);
        check.embedder_policy = coep;
        check.request_includes_credentials = input.credentials;
        Some(cross_origin_resource_policy_check(&check, policy.corp))
    };
    assert_eq!(run(Some(b"cross-origin")), Some(Ok(())));
    if let Some(result) = run(Some(&input.corp)) {
        if parse_policy(&input.corp).is_none() {
            // Invalid is as if absent.
            assert_eq!(result.is_ok(), run(None).unwrap().is_ok());
        }
        if let Err(blocked) = result {
            let fix = blocked.allowed_by().as_str().as_bytes();
            assert_eq!(run(Some(fix)), Some(Ok(())));
        }
    }
});
