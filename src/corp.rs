//! Fetch §cross-origin-resource-policy-header: the `Cross-Origin-Resource-Policy` response header
//! and the cross-origin resource policy check that blocks a `no-cors` response (its request's
//! response tainting is "opaque") a server did not let other origins embed.
//!
//! ```
//! use corsgate::corp::{cross_origin_resource_policy_check, CorpCheck, CorpRules, EmbedderPolicy};
//! use corsgate::Origin;
//! use http::{HeaderMap, HeaderValue};
//! let page = Origin::of_url(&"https://app.example/".parse().unwrap());
//! let url: url::Url = "https://cdn.other.example/img.png".parse().unwrap();
//! let mut headers = HeaderMap::new();
//! headers.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
//! let check = CorpCheck::new(&page, &url, &headers);
//! let blocked = cross_origin_resource_policy_check(&check, CorpRules::SPEC).unwrap_err();
//! assert_eq!(blocked.allowed_by().as_str(), "cross-origin");
//! // Without the header the response passes, unless the page requires CORP.
//! let none = HeaderMap::new();
//! let mut check = CorpCheck::new(&page, &url, &none);
//! assert!(cross_origin_resource_policy_check(&check, CorpRules::SPEC).is_ok());
//! check.embedder_policy = EmbedderPolicy::RequireCorp;
//! assert!(cross_origin_resource_policy_check(&check, CorpRules::SPEC).is_err());
//! ```

use std::fmt;
use std::str::FromStr;

use http::HeaderMap;
use url::{Host, Url};

use crate::header;
use crate::origin::Origin;
use crate::request::KeywordError;

/// The `Cross-Origin-Resource-Policy` header name.
pub const CROSS_ORIGIN_RESOURCE_POLICY: &str = "cross-origin-resource-policy";

/// Fetch §cross-origin-resource-policy-header: the three values of the header (case-sensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourcePolicy {
    /// `same-origin`: only the response's own origin may embed it.
    SameOrigin,
    /// `same-site`: origins schemelessly same site with it (and not `http` embedding `https`).
    SameSite,
    /// `cross-origin`: any origin may embed it.
    CrossOrigin,
}

impl ResourcePolicy {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourcePolicy::SameOrigin => "same-origin",
            ResourcePolicy::SameSite => "same-site",
            ResourcePolicy::CrossOrigin => "cross-origin",
        }
    }
}

impl fmt::Display for ResourcePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// HTML §embedder-policy-value: the embedder policy of the request's client (its policy
/// container's), which the check reads (`Cross-Origin-Embedder-Policy` of the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EmbedderPolicy {
    /// `unsafe-none`: no requirement (the default).
    #[default]
    UnsafeNone,
    /// `require-corp`: a response without a valid header is treated as `same-origin`.
    RequireCorp,
    /// `credentialless`: as `require-corp` for a response to a request that included credentials.
    Credentialless,
}

impl EmbedderPolicy {
    /// The spec keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            EmbedderPolicy::UnsafeNone => "unsafe-none",
            EmbedderPolicy::RequireCorp => "require-corp",
            EmbedderPolicy::Credentialless => "credentialless",
        }
    }
}

impl FromStr for EmbedderPolicy {
    type Err = KeywordError;

    fn from_str(s: &str) -> Result<EmbedderPolicy, KeywordError> {
        [
            EmbedderPolicy::UnsafeNone,
            EmbedderPolicy::RequireCorp,
            EmbedderPolicy::Credentialless,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
        .ok_or_else(|| KeywordError {
            what: "embedder policy",
            got: s.to_owned(),
            expected: "unsafe-none require-corp credentialless",
        })
    }
}

impl fmt::Display for EmbedderPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Fetch §cross-origin-resource-policy-internal-check steps 2–3 on a combined ("get") header
/// value: the policy, or `None` when the value is none of the three (case-sensitive; several
/// lines combine into `a, b`, which is none of them). Leading and trailing HTTP whitespace is
/// not part of a received value (Fetch §concept-header-value-normalize).
///
/// ```
/// use corsgate::corp::{parse_policy, ResourcePolicy};
/// assert_eq!(parse_policy(b" same-site\t"), Some(ResourcePolicy::SameSite));
/// assert_eq!(parse_policy(b"SAME-ORIGIN"), None);
/// assert_eq!(parse_policy(b"same-origin, same-origin"), None);
/// ```
pub fn parse_policy(value: &[u8]) -> Option<ResourcePolicy> {
    match header::normalize(value) {
        b"same-origin" => Some(ResourcePolicy::SameOrigin),
        b"same-site" => Some(ResourcePolicy::SameSite),
        b"cross-origin" => Some(ResourcePolicy::CrossOrigin),
        _ => None,
    }
}

/// [`parse_policy`] on a response's header list: "get" `Cross-Origin-Resource-Policy`, every line
/// combined (Fetch §concept-header-list-get). Returns the combined value as received too.
pub fn policy_of(headers: &HeaderMap) -> (Option<ResourcePolicy>, Option<Vec<u8>>) {
    match header::get_ref(headers, CROSS_ORIGIN_RESOURCE_POLICY) {
        None => (None, None),
        Some(value) => (parse_policy(&value), Some(value.into_owned())),
    }
}

/// Engine differences in the check (fields of [`Policy`](crate::Policy)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorpRules {
    /// Whether `same-site` never matches when either host is an IP address (only the same origin
    /// then passes, which never reaches `same-site`). Fetch compares with "schemelessly same
    /// site", under which an IP address is same site with itself, any port.
    pub same_site_excludes_ip_hosts: bool,
}

impl CorpRules {
    /// The Fetch Standard.
    pub const SPEC: CorpRules = CorpRules {
        same_site_excludes_ip_hosts: false,
    };
}

/// The inputs of the cross-origin resource policy check for one response.
#[derive(Debug, Clone, Copy)]
pub struct CorpCheck<'a> {
    /// The request's origin.
    pub origin: &'a Origin,
    /// The response's URL (the request's current URL).
    pub url: &'a Url,
    /// The response's header list.
    pub headers: &'a HeaderMap,
    /// The embedder policy of the request's client.
    pub embedder_policy: EmbedderPolicy,
    /// The response's request-includes-credentials (read by `credentialless`).
    pub request_includes_credentials: bool,
    /// The check is for a nested navigation (HTML's navigate; never from `fetch()`).
    pub for_navigation: bool,
}

impl<'a> CorpCheck<'a> {
    /// A check under embedder policy `unsafe-none`, not for a navigation, without credentials.
    pub fn new(origin: &'a Origin, url: &'a Url, headers: &'a HeaderMap) -> CorpCheck<'a> {
        CorpCheck {
            origin,
            url,
            headers,
            embedder_policy: EmbedderPolicy::UnsafeNone,
            request_includes_credentials: false,
            for_navigation: false,
        }
    }
}

/// A response the check blocked: what was received, the policy that was applied, and what would
/// allow it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CorpBlocked {
    /// The combined `Cross-Origin-Resource-Policy` value received (`None`: absent).
    pub received: Option<Vec<u8>>,
    /// The policy applied: the header's, or `same-origin` imposed by the embedder policy when
    /// the header was absent or invalid.
    pub policy: ResourcePolicy,
    /// The embedder policy that imposed `same-origin` (`None`: the header's own value blocked).
    pub imposed_by: Option<EmbedderPolicy>,
    /// The request's origin, serialized.
    pub origin: String,
    /// The response's URL.
    pub url: String,
    /// Whether `same-site` would have passed (so it is the narrowest value that allows it).
    pub same_site_would_pass: bool,
}

impl CorpBlocked {
    /// The narrowest `Cross-Origin-Resource-Policy` value that lets the request's origin embed
    /// the response: `same-site` where that passes, else `cross-origin`.
    pub fn allowed_by(&self) -> ResourcePolicy {
        if self.same_site_would_pass {
            ResourcePolicy::SameSite
        } else {
            ResourcePolicy::CrossOrigin
        }
    }

    /// The spec step that blocked: the switch on the policy (step 5) of the internal check.
    pub fn spec(&self) -> &'static str {
        match self.policy {
            ResourcePolicy::SameSite => {
                "fetch#cross-origin-resource-policy-internal-check step 5 (same-site)"
            }
            _ => "fetch#cross-origin-resource-policy-internal-check step 5 (same-origin)",
        }
    }
}

/// Fetch §cross-origin-resource-policy-check (steps 3 and 5; violation reports, steps 4 and 6,
/// are the embedder's): `Ok` for allowed, `Err` with what blocked.
pub fn cross_origin_resource_policy_check(
    check: &CorpCheck<'_>,
    rules: CorpRules,
) -> Result<(), CorpBlocked> {
    // 3. If the internal check with origin, "unsafe-none", response and forNavigation returns
    //    blocked, then return blocked.
    internal_check(check, EmbedderPolicy::UnsafeNone, rules)?;
    // 5. If the internal check with origin, embedderPolicy's value, response and forNavigation
    //    returns allowed, then return allowed. 7. Return blocked.
    internal_check(check, check.embedder_policy, rules)
}

/// Fetch §cross-origin-resource-policy-internal-check with this embedder policy value.
pub fn internal_check(
    check: &CorpCheck<'_>,
    embedder_policy: EmbedderPolicy,
    rules: CorpRules,
) -> Result<(), CorpBlocked> {
    // 1. If forNavigation is true and embedderPolicyValue is "unsafe-none", return allowed.
    if check.for_navigation && embedder_policy == EmbedderPolicy::UnsafeNone {
        return Ok(());
    }
    // 2. Let policy be the result of getting `Cross-Origin-Resource-Policy` from response's
    //    header list.
    // 3. If policy is neither `same-origin`, `same-site`, nor `cross-origin`, set it to null.
    let (mut policy, received) = policy_of(check.headers);
    // 4. If policy is null, switch on embedderPolicyValue.
    let mut imposed_by = None;
    if policy.is_none() {
        let impose = match embedder_policy {
            // "unsafe-none": do nothing.
            EmbedderPolicy::UnsafeNone => false,
            // "credentialless": `same-origin` if request-includes-credentials or forNavigation.
            EmbedderPolicy::Credentialless => {
                check.request_includes_credentials || check.for_navigation
            }
            // "require-corp": `same-origin`.
            EmbedderPolicy::RequireCorp => true,
        };
        if impose {
            policy = Some(ResourcePolicy::SameOrigin);
            imposed_by = Some(embedder_policy);
        }
    }
    let target = Origin::of_url(check.url);
    let same_site_passes = same_site_allows(check.origin, check.url, &target, rules);
    // 5. Switch on policy.
    let allowed = match policy {
        // null, `cross-origin`: return allowed.
        None | Some(ResourcePolicy::CrossOrigin) => true,
        // `same-origin`: allowed if origin is same origin with response's URL's origin.
        Some(ResourcePolicy::SameOrigin) => check.origin.same_origin(&target),
        // `same-site`: allowed if schemelessly same site and not http embedding https.
        Some(ResourcePolicy::SameSite) => same_site_passes,
    };
    match policy {
        Some(policy) if !allowed => Err(CorpBlocked {
            received,
            policy,
            imposed_by,
            origin: check.origin.serialize(),
            url: check.url.to_string(),
            same_site_would_pass: same_site_passes,
        }),
        _ => Ok(()),
    }
}

/// Step 5, `same-site`: origin is schemelessly same site with the response URL's origin, and the
/// origin's scheme is `https` or the response URL's scheme is not `https`. Under
/// [`CorpRules::same_site_excludes_ip_hosts`] an IP-address host only passes as the same origin.
fn same_site_allows(origin: &Origin, url: &Url, target: &Origin, rules: CorpRules) -> bool {
    if origin.same_origin(target) {
        return true;
    }
    if rules.same_site_excludes_ip_hosts {
        let ip = |h: Option<&Host<String>>| matches!(h, Some(Host::Ipv4(_) | Host::Ipv6(_)));
        if ip(origin.host()) || ip(target.host()) {
            return false;
        }
    }
    origin.schemelessly_same_site(target)
        && (origin.scheme() == Some("https") || url.scheme() != "https")
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(lines: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for l in lines {
            h.append(
                CROSS_ORIGIN_RESOURCE_POLICY,
                HeaderValue::from_str(l).unwrap(),
            );
        }
        h
    }

    fn run(
        origin: &str,
        url: &str,
        lines: &[&str],
        coep: EmbedderPolicy,
        rules: CorpRules,
    ) -> Result<(), CorpBlocked> {
        let origin = Origin::of_url(&origin.parse().unwrap());
        let url: Url = url.parse().unwrap();
        let h = headers(lines);
        let mut check = CorpCheck::new(&origin, &url, &h);
        check.embedder_policy = coep;
        cross_origin_resource_policy_check(&check, rules)
    }

    #[test]
    fn parsing() {
        assert_eq!(
            parse_policy(b"same-origin"),
            Some(ResourcePolicy::SameOrigin)
        );
        assert_eq!(
            parse_policy(b"cross-origin"),
            Some(ResourcePolicy::CrossOrigin)
        );
        for bad in [
            &b"Same-Origin"[..],
            b"same",
            b"",
            b"same-origin;x",
            b"https://a.example",
            b"\xffsame-site",
        ] {
            assert_eq!(parse_policy(bad), None, "{bad:?}");
        }
        assert_eq!(policy_of(&headers(&["same-origin", "same-origin"])).0, None);
        assert_eq!(
            policy_of(&headers(&["same-site"])),
            (Some(ResourcePolicy::SameSite), Some(b"same-site".to_vec()))
        );
        assert_eq!(policy_of(&HeaderMap::new()), (None, None));
    }

    #[test]
    fn policies() {
        let spec = CorpRules::SPEC;
        let none = EmbedderPolicy::UnsafeNone;
        assert!(run(
            "https://a.example",
            "https://a.example/x",
            &["same-origin"],
            none,
            spec
        )
        .is_ok());
        assert!(run(
            "https://a.example",
            "https://www.a.example/x",
            &["same-origin"],
            none,
            spec
        )
        .is_err());
        assert!(run(
            "https://a.example",
            "https://www.a.example/x",
            &["same-site"],
            none,
            spec
        )
        .is_ok());
        // http embedding https is not allowed by same-site; https embedding http is.
        assert!(run(
            "http://a.example",
            "https://www.a.example/x",
            &["same-site"],
            none,
            spec
        )
        .is_err());
        assert!(run(
            "https://a.example",
            "http://www.a.example/x",
            &["same-site"],
            none,
            spec
        )
        .is_ok());
        assert!(run(
            "https://a.example",
            "https://b.example/x",
            &["same-site"],
            none,
            spec
        )
        .is_err());
        assert!(run(
            "https://a.example",
            "https://b.example/x",
            &["cross-origin"],
            none,
            spec
        )
        .is_ok());
        assert!(run(
            "https://a.example",
            "https://b.example/x",
            &["nonsense"],
            none,
            spec
        )
        .is_ok());
    }

    #[test]
    fn ip_hosts() {
        let none = EmbedderPolicy::UnsafeNone;
        let ip = CorpRules {
            same_site_excludes_ip_hosts: true,
        };
        let (page, other_port) = ("http://127.0.0.1:8801", "http://127.0.0.1:8804/r");
        assert!(run(page, other_port, &["same-site"], none, CorpRules::SPEC).is_ok());
        let blocked = run(page, other_port, &["same-site"], none, ip).unwrap_err();
        assert_eq!(blocked.allowed_by(), ResourcePolicy::CrossOrigin);
        assert!(run(page, "http://127.0.0.1:8801/r", &["same-site"], none, ip).is_ok());
    }

    #[test]
    fn embedder_policies() {
        let spec = CorpRules::SPEC;
        let b = run(
            "https://a.example",
            "https://b.example/x",
            &[],
            EmbedderPolicy::RequireCorp,
            spec,
        )
        .unwrap_err();
        assert_eq!(b.imposed_by, Some(EmbedderPolicy::RequireCorp));
        assert_eq!(b.policy, ResourcePolicy::SameOrigin);
        assert_eq!(b.received, None);
        // An invalid value is as if absent.
        assert!(run(
            "https://a.example",
            "https://b.example/x",
            &["SAME-SITE"],
            EmbedderPolicy::RequireCorp,
            spec
        )
        .is_err());
        // credentialless imposes only on credentialed requests.
        assert!(run(
            "https://a.example",
            "https://b.example/x",
            &[],
            EmbedderPolicy::Credentialless,
            spec
        )
        .is_ok());
        let origin = Origin::of_url(&"https://a.example".parse().unwrap());
        let url: Url = "https://b.example/x".parse().unwrap();
        let h = HeaderMap::new();
        let mut check = CorpCheck::new(&origin, &url, &h);
        check.embedder_policy = EmbedderPolicy::Credentialless;
        check.request_includes_credentials = true;
        assert!(cross_origin_resource_policy_check(&check, spec).is_err());
        // A nested navigation under unsafe-none is always allowed.
        let h = headers(&["same-origin"]);
        let mut check = CorpCheck::new(&origin, &url, &h);
        check.for_navigation = true;
        assert!(cross_origin_resource_policy_check(&check, spec).is_ok());
        check.embedder_policy = EmbedderPolicy::RequireCorp;
        assert!(cross_origin_resource_policy_check(&check, spec).is_err());
    }

    #[test]
    fn keywords() {
        for p in [
            EmbedderPolicy::UnsafeNone,
            EmbedderPolicy::RequireCorp,
            EmbedderPolicy::Credentialless,
        ] {
            assert_eq!(p.as_str().parse(), Ok(p));
        }
        assert!("require_corp".parse::<EmbedderPolicy>().is_err());
    }
}
