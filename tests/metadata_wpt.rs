//! web-platform-tests vectors for the Fetch Metadata request headers (`tests/data/fetch-metadata.json`)
//! and the Cross-Origin-Resource-Policy check (`tests/data/corp.json`), run through the leaf
//! functions (`metadata::append_fetch_metadata`, `corp::cross_origin_resource_policy_check`).
#![cfg(feature = "psl")]

use corsgate::corp::{cross_origin_resource_policy_check, CorpCheck, CorpRules};
use corsgate::metadata::{append_fetch_metadata, Destination, MetadataInput, SiteRule};
use corsgate::{Mode, Origin};
use http::{HeaderMap, HeaderValue};
use serde_json::Value;
use url::Url;

fn data(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn origin(s: &str) -> Origin {
    Origin::of_url(&s.parse().unwrap())
}

#[test]
fn fetch_metadata_vectors() {
    let doc = data("fetch-metadata.json");
    let tests = doc["tests"].as_array().unwrap();
    let mut checked = 0;
    for t in tests {
        let name = t["name"].as_str().unwrap();
        let page = origin(t["page"].as_str().unwrap());
        let mode: Mode = t["mode"].as_str().unwrap().parse().unwrap();
        let dest: Destination = t["destination"].as_str().unwrap().parse().unwrap();
        let list: Vec<Url> = (t["url_list"].as_array().unwrap().iter())
            .map(|u| u.as_str().unwrap().parse().unwrap())
            .collect();
        // Both Sec-Fetch-Site rules agree with WPT: its chains are all `https` or cross-site.
        for rule in [SiteRule::UrlList, SiteRule::SecureRedirectChain] {
            let input = MetadataInput::new(&page, &list, mode, dest);
            let lines = append_fetch_metadata(&input, rule).map(|m| m.header_lines());
            for (header, expected) in t["expect"].as_object().unwrap() {
                let got = lines
                    .as_ref()
                    .and_then(|l| l.iter().find(|(n, _)| n == header))
                    .map(|(_, v)| v.as_str());
                assert_eq!(got, expected.as_str(), "{name} ({rule:?}): {header}");
                checked += 1;
            }
        }
    }
    assert_eq!(tests.len(), 43, "vectors in fetch-metadata.json");
    assert_eq!(checked, 2 * 67, "header expectations checked");
}

/// Fetch §main-fetch step 12: a `no-cors` request's response tainting becomes "opaque" at the
/// first URL not same origin with its origin and stays so; only then does HTTP fetch step 5 run
/// the cross-origin resource policy check.
fn corp_outcome(t: &Value, rules: CorpRules) -> &'static str {
    let page = origin(t["page"].as_str().unwrap());
    let no_cors = t["mode"] == "no-cors";
    let mut opaque = false;
    for hop in t["hops"].as_array().unwrap() {
        let url: Url = hop["url"].as_str().unwrap().parse().unwrap();
        opaque |= no_cors && !page.same_origin_with_url(&url);
        let mut headers = HeaderMap::new();
        if let Some(v) = hop["corp"].as_str() {
            headers.insert(
                "cross-origin-resource-policy",
                HeaderValue::from_str(v).unwrap(),
            );
        }
        if opaque
            && cross_origin_resource_policy_check(&CorpCheck::new(&page, &url, &headers), rules)
                .is_err()
        {
            return "blocked";
        }
    }
    "allowed"
}

#[test]
fn corp_vectors() {
    let doc = data("corp.json");
    let tests = doc["tests"].as_array().unwrap();
    let mut blocked = 0;
    for t in tests {
        let expected = t["expect"].as_str().unwrap();
        // WPT's hosts are names, never IP addresses: both rule sets give the same outcome.
        for rules in [
            CorpRules::SPEC,
            CorpRules {
                same_site_excludes_ip_hosts: true,
            },
        ] {
            assert_eq!(corp_outcome(t, rules), expected, "{}", t["name"]);
        }
        blocked += usize::from(expected == "blocked");
    }
    assert_eq!(tests.len(), 22, "vectors in corp.json");
    assert_eq!(blocked, 8);
}
