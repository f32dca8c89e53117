//! Engine policies: the choices the Fetch Standard leaves to the user agent, and where engines
//! deviate from it, as one value of named switches with presets.

use crate::cache::CacheConfig;

/// What an `Access-Control-Max-Age` value that is not delta-seconds means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidMaxAge {
    /// Treat it as absent: the default max-age applies (Fetch §cors-preflight-fetch-0 step 7.8).
    UseDefault,
    /// Do not cache the preflight result at all.
    DoNotCache,
}

/// How duplicated request headers (the same name appended more than once) are judged against the
/// CORS safelist and listed in `Access-Control-Request-Headers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderJudging {
    /// Each header-list entry on its own (Fetch §cors-unsafe-request-header-names step 2).
    PerEntry,
    /// Each name's combined value (`a, b`), as Chromium's and WebKit's network stacks see it.
    Combined,
}

/// One user agent's CORS behaviour. Build one with a preset ([`Policy::spec`], [`Policy::chromium`],
/// [`Policy::firefox`], [`Policy::webkit`]) and adjust fields as needed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// The preset's name (`spec`, `chromium`, `firefox`, `webkit`).
    pub name: &'static str,
    /// The max-age used when `Access-Control-Max-Age` is absent, in seconds (Fetch: 5).
    pub default_max_age: u64,
    /// The user agent's imposed limit on max-age, in seconds (Fetch §cors-preflight-fetch-0 step 7.9).
    pub max_age_cap: u64,
    /// What an unparseable `Access-Control-Max-Age` means.
    pub invalid_max_age: InvalidMaxAge,
    /// Whether `Access-Control-Allow-Headers: *` covers `Authorization` (Fetch: no).
    pub wildcard_covers_authorization: bool,
    /// Preflight cache bounds.
    pub cache: CacheConfig,
    /// How duplicated request headers are judged.
    pub header_judging: HeaderJudging,
    /// Whether `Access-Control-Request-Headers` lists a duplicated name once per entry (Firefox)
    /// instead of once (Fetch: a sorted set).
    pub acrh_lists_duplicates: bool,
    /// Whether `*` from `Access-Control-Allow-Methods`/`-Headers` is stored in the cache.
    pub cache_wildcards: bool,
    /// Whether a network error clears the URL's cache entries (Fetch §main-fetch step 12.3).
    pub clear_cache_on_failure: bool,
    /// Whether a redirect to a URL with credentials fails even when the spec allows it
    /// (same-origin, untainted).
    pub reject_userinfo_in_any_redirect: bool,
}

impl Policy {
    /// The Fetch Standard as written.
    pub fn spec() -> Policy {
        Policy {
            name: "spec",
            default_max_age: 5,
            max_age_cap: 7200,
            invalid_max_age: InvalidMaxAge::UseDefault,
            wildcard_covers_authorization: false,
            cache: CacheConfig {
                max_entries: 4096,
                max_bytes: 4 << 20,
            },
            header_judging: HeaderJudging::PerEntry,
            acrh_lists_duplicates: false,
            cache_wildcards: true,
            clear_cache_on_failure: true,
            reject_userinfo_in_any_redirect: false,
        }
    }
}

impl Policy {
    /// Chromium 156 (`services/network/cors/`).
    pub fn chromium() -> Policy {
        Policy {
            name: "chromium",
            // preflight_result.cc: kMaxTimeout, 2 hours.
            max_age_cap: 7200,
            header_judging: HeaderJudging::Combined,
            wildcard_covers_authorization: true,
            clear_cache_on_failure: false,
            reject_userinfo_in_any_redirect: true,
            ..Policy::spec()
        }
    }

    /// Firefox 153 ESR (`netwerk/protocol/http/nsCORSListenerProxy.cpp`).
    pub fn firefox() -> Policy {
        Policy {
            name: "firefox",
            // nsCORSListenerProxy.cpp: the preflight cache caps max-age at 24 hours.
            max_age_cap: 86400,
            invalid_max_age: InvalidMaxAge::DoNotCache,
            wildcard_covers_authorization: true,
            acrh_lists_duplicates: true,
            cache_wildcards: false,
            ..Policy::spec()
        }
    }

    /// WebKitGTK 2.50 (`Source/WebCore/loader/CrossOriginPreflightResultCache.cpp`).
    pub fn webkit() -> Policy {
        Policy {
            name: "webkit",
            // CrossOriginPreflightResultCache.cpp: maxPreflightCacheTimeout, 10 minutes.
            max_age_cap: 600,
            header_judging: HeaderJudging::Combined,
            wildcard_covers_authorization: true,
            clear_cache_on_failure: false,
            ..Policy::spec()
        }
    }

    /// The preset with this name (`spec`, `chromium`, `firefox`, `webkit`).
    pub fn by_name(name: &str) -> Option<Policy> {
        match name {
            "spec" => Some(Policy::spec()),
            "chromium" => Some(Policy::chromium()),
            "firefox" => Some(Policy::firefox()),
            "webkit" => Some(Policy::webkit()),
            _ => None,
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy::spec()
    }
}
