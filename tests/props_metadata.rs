//! Laws of the Fetch Metadata headers and the cross-origin resource policy check, on generated
//! origins and URL lists (few hosts, so same-origin, same-site and cross-site all come up):
//!
//! * `Sec-Fetch-Site` never moves back to a closer value along a URL list (`cross-site` sticks,
//!   `same-site` never returns to `same-origin`), under every preset's rule;
//! * under Fetch Metadata's rule it is the farthest of the single-URL values, and it is
//!   `same-origin` exactly when every URL is same origin with the origin (under every rule);
//! * headers are sent exactly for a potentially trustworthy current URL, each value a
//!   structured-field token that parses back to itself, mode and dest as the request has them;
//! * CORP: `cross-origin` and a same-origin URL are always allowed; what `same-origin` allows
//!   `same-site` allows; a blocked response passes once it sends the value `allowed_by()` names.

use corsgate::corp::{
    cross_origin_resource_policy_check, CorpCheck, EmbedderPolicy, ResourcePolicy,
};
use corsgate::metadata::{
    append_fetch_metadata, parse_token, site, Destination, MetadataInput, Site, SiteRule,
};
use corsgate::origin::is_potentially_trustworthy_url;
use corsgate::{Mode, Origin, Policy};
use http::{HeaderMap, HeaderValue};
use proptest::prelude::*;
use url::Url;

fn url() -> impl Strategy<Value = Url> {
    let scheme = prop::sample::select(vec!["http", "https"]);
    let host = prop::sample::select(vec![
        "a.example",
        "www.a.example",
        "b.example",
        "127.0.0.1",
        "127.0.0.2",
        "localhost",
        "[::1]",
        "app.github.io",
        "other.github.io",
    ]);
    let port = prop::sample::select(vec!["", ":8801", ":8804"]);
    (scheme, host, port).prop_map(|(s, h, p)| Url::parse(&format!("{s}://{h}{p}/x")).unwrap())
}

fn origin() -> impl Strategy<Value = Origin> {
    prop_oneof![
        8 => url().prop_map(|u| Origin::of_url(&u)),
        1 => Just(()).prop_map(|_| Origin::new_opaque()),
    ]
}

fn rules() -> [SiteRule; 2] {
    [SiteRule::UrlList, SiteRule::SecureRedirectChain]
}

fn mode() -> impl Strategy<Value = Mode> {
    prop::sample::select(vec![Mode::Cors, Mode::NoCors, Mode::SameOrigin])
}

fn corp_value() -> impl Strategy<Value = Option<&'static str>> {
    prop::sample::select(vec![
        None,
        Some("same-origin"),
        Some("same-site"),
        Some("cross-origin"),
        Some("SAME-SITE"),
        Some("same-origin, same-site"),
    ])
}

fn coep() -> impl Strategy<Value = EmbedderPolicy> {
    prop::sample::select(vec![
        EmbedderPolicy::UnsafeNone,
        EmbedderPolicy::RequireCorp,
        EmbedderPolicy::Credentialless,
    ])
}

fn corp_headers(value: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Some(v) = value {
        h.insert(
            "cross-origin-resource-policy",
            HeaderValue::from_str(v).unwrap(),
        );
    }
    h
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn site_never_moves_closer(origin in origin(), list in prop::collection::vec(url(), 1..6)) {
        for rule in rules() {
            let mut last = Site::SameOrigin;
            for n in 1..=list.len() {
                let now = site(&origin, &list[..n], rule, false);
                prop_assert!(now >= last, "{rule:?}: {:?} after {:?} on {:?}", now, last, &list[..n]);
                last = now;
            }
        }
    }

    #[test]
    fn url_list_rule_is_the_farthest_single_url(origin in origin(), list in prop::collection::vec(url(), 1..6)) {
        let farthest = list
            .iter()
            .map(|u| site(&origin, std::slice::from_ref(u), SiteRule::UrlList, false))
            .max()
            .unwrap();
        prop_assert_eq!(site(&origin, &list, SiteRule::UrlList, false), farthest);
        let all_same_origin = list.iter().all(|u| origin.same_origin_with_url(u));
        for rule in rules() {
            prop_assert_eq!(site(&origin, &list, rule, false) == Site::SameOrigin, all_same_origin);
        }
    }

    #[test]
    fn headers_only_for_trustworthy_urls(
        origin in origin(),
        list in prop::collection::vec(url(), 1..4),
        mode in mode(),
        dest in prop::sample::select(Destination::ALL.to_vec()),
        activation in any::<bool>(),
    ) {
        for rule in rules() {
            let mut input = MetadataInput::new(&origin, &list, mode, dest);
            input.user_activation = activation;
            let m = append_fetch_metadata(&input, rule);
            prop_assert_eq!(m.is_some(), is_potentially_trustworthy_url(list.last().unwrap()));
            let Some(m) = m else { continue };
            let lines = m.header_lines();
            for (name, value) in &lines {
                if *name == "sec-fetch-user" {
                    prop_assert_eq!(value.as_str(), "?1");
                } else {
                    prop_assert_eq!(parse_token(value.as_bytes()), Ok(value.as_str()));
                }
            }
            prop_assert_eq!(lines[0].1.as_str(), dest.sec_fetch_dest());
            prop_assert_eq!(lines[1].1.as_str(), mode.as_str());
            prop_assert_eq!(lines.len() == 4, dest.is_navigation() && activation);
        }
    }

    #[test]
    fn corp_laws(
        origin in origin(),
        target in url(),
        value in corp_value(),
        coep in coep(),
        credentials in any::<bool>(),
        preset in prop::sample::select(vec!["spec", "chromium", "firefox", "webkit"]),
    ) {
        let rules = Policy::by_name(preset).unwrap().corp;
        let run = |v: Option<&str>| {
            let headers = corp_headers(v);
            let mut check = CorpCheck::new(&origin, &target, &headers);
            check.embedder_policy = coep;
            check.request_includes_credentials = credentials;
            cross_origin_resource_policy_check(&check, rules)
        };
        prop_assert!(run(Some("cross-origin")).is_ok());
        if origin.same_origin(&Origin::of_url(&target)) {
            prop_assert!(run(value).is_ok());
        }
        if run(Some("same-origin")).is_ok() {
            prop_assert!(run(Some("same-site")).is_ok());
        }
        if let Err(blocked) = run(value) {
            let fix = blocked.allowed_by();
            prop_assert!(run(Some(fix.as_str())).is_ok(), "{:?} does not fix {:?}", fix, blocked);
            prop_assert!(fix != ResourcePolicy::SameOrigin);
        }
    }
}
