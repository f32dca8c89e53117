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
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy::spec()
    }
}
