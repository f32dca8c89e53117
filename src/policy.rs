//! Engine policies: the choices the Fetch Standard leaves to the user agent, and the places where
//! engines deviate from it, as one value of named switches with presets.
//!
//! Code branches on a named field, never on an engine's name. Each field's doc has a
//! "Background" that says what the standard does, what each engine does, and where in the
//! engine's source (or in the recorded corpus, `tests/data/conformance/`) that was seen.
//! `spec-notes/engines.md` has the evidence, scenario by scenario.

use crate::cache::CacheConfig;
use crate::corp::CorpRules;
use crate::metadata::{PreflightSite, SiteRule};
use crate::redirect::{EmptyLocation, LocationBytes, LocationRules};
use crate::safelist::{RangeSyntax, SafelistRules};

/// What an `Access-Control-Max-Age` value that is not delta-seconds means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidMaxAge {
    /// Treat it as absent: the default max-age applies (Fetch §cors-preflight-fetch-0 step 7.8).
    UseDefault,
    /// Do not cache the preflight result at all (Firefox). An empty value still means the
    /// default, as it does in Firefox.
    DoNotCache,
}

/// How an `Access-Control-Max-Age` value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxAgeSyntax {
    /// `delta-seconds` (`1*DIGIT`); a value too large saturates and is clamped to the cap
    /// (Fetch, RFC 9111 §1.2.2; Firefox).
    DeltaSeconds,
    /// A signed 64-bit integer: a leading `+` or `-` is allowed, a negative value means 0 (not
    /// cached), a value out of range is invalid (Chromium `base::StringToInt64`, WebKit
    /// `parseInteger<int64_t>`).
    SignedInteger,
}

/// Which failures clear the preflight cache entries of the request's current URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClearCacheOn {
    /// Every network error of a fetch that took the preflight branch (Fetch §main-fetch step 12).
    NetworkError,
    /// Only a failed CORS check of a response (final or redirect) at a hop that took the
    /// preflight branch (Firefox `RemoveFromCorsPreflightCache`).
    CorsCheckFailure,
    /// Never (Chromium, WebKit).
    Never,
}

/// How duplicated request headers (the same name appended more than once) are judged against the
/// CORS safelist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderJudging {
    /// Each header-list entry on its own (Fetch §cors-unsafe-request-header-names step 4).
    PerEntry,
    /// Each name's combined value (`a, b`), as Chromium's and WebKit's network stacks hold it.
    Combined,
}

/// Which header list decides, after a redirect, whether a preflight is needed and what
/// `Access-Control-Request-Headers` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadersAfterRedirect {
    /// The request's current header list (Fetch: HTTP-redirect fetch removes request-body headers
    /// on a method rewrite and `Authorization` on an origin change, and main fetch runs again).
    Current,
    /// The unsafe names of the script's original list, minus names a redirect removed; a
    /// non-empty original list alone still calls for a preflight (Firefox).
    OriginalMinusRemoved,
    /// The script's original header list, nothing removed (WebKit).
    Original,
}

/// One user agent's CORS behaviour: build one with a preset ([`Policy::spec`],
/// [`Policy::chromium`], [`Policy::firefox`], [`Policy::webkit`]) and adjust fields as needed.
///
/// ```
/// use corsgate::policy::Policy;
/// let mut p = Policy::chromium();
/// assert_eq!(p.max_age_cap, 7200);
/// p.max_age_cap = 60;
/// assert_eq!(Policy::by_name("webkit").unwrap().max_age_cap, 600);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// The preset's name (`spec`, `chromium`, `firefox`, `webkit`).
    pub name: &'static str,
    /// The max-age when `Access-Control-Max-Age` is absent, in seconds.
    ///
    /// Background: Fetch §cors-preflight-fetch-0 step 7.8 says 5; all three engines use 5.
    pub default_max_age: u64,
    /// The imposed limit on max-age, in seconds (Fetch §cors-preflight-fetch-0 step 7.9 leaves it
    /// to the user agent).
    ///
    /// Background: Chromium 7200 (`services/network/cors/preflight_result.cc`, kMaxTimeout),
    /// Firefox 86400 (`nsCORSListenerProxy.cpp`, `AddResultToCache`), WebKit 600
    /// (`CrossOriginPreflightResultCache.cpp`, maxPreflightCacheTimeout). The `spec` preset uses
    /// 7200, the smallest cap that does not shorten any value real servers commonly send.
    pub max_age_cap: u64,
    /// What an `Access-Control-Max-Age` that is not delta-seconds means.
    ///
    /// Background: Fetch: failure → 5 s default. Chromium and WebKit fall back to the default;
    /// Firefox does not cache the result (`AddResultToCache` returns early unless every byte is a
    /// digit). Corpus: `pfcache-max-age-*`.
    pub invalid_max_age: InvalidMaxAge,
    /// How `Access-Control-Max-Age` is read.
    ///
    /// Background: Fetch reads `delta-seconds`. Chromium (`preflight_result.cc`,
    /// `ParseAccessControlMaxAge`) and WebKit (`parseAccessControlMaxAge`) parse a signed 64-bit
    /// integer: `-765` means 0 (not cached), an overflowing value falls back to the default.
    /// Vector: `chromium-preflight-result.json` (`max_age`).
    pub max_age_syntax: MaxAgeSyntax,
    /// Whether `Access-Control-Allow-Headers: *` (without credentials) covers `Authorization` when
    /// a preflight is validated.
    ///
    /// Background: Fetch §cors-preflight-fetch-0 step 7.6: never (`Authorization` is a CORS
    /// non-wildcard request-header name). All three engines let `*` cover it today
    /// (whatwg/fetch#1919; Firefox pref `network.cors_preflight.authorization_covered_by_wildcard`,
    /// Chromium `NonWildcardRequestHeadersSupport` off). Corpus: `pfresp-authorization-acah-star`.
    pub wildcard_covers_authorization: bool,
    /// Whether a *cached* `*` header entry covers `Authorization` when the cache is consulted.
    ///
    /// Background: Chromium checks cached results with non-wildcard support forced on
    /// (`PreflightCache::CheckIfRequestCanSkipPreflight`), so a request with `Authorization`
    /// preflights again although the preflight itself accepted `*`. Corpus: `combo-0047`.
    pub cached_wildcard_covers_authorization: bool,
    /// Preflight cache bounds.
    pub cache: CacheConfig,
    /// How duplicated request headers are judged against the safelist.
    ///
    /// Background: Fetch judges each entry. Chromium (`net::HttpRequestHeaders`) and WebKit
    /// (`HTTPHeaderMap`) hold one combined value per name before their CORS code sees it.
    /// Corpus: `safelist-content-type-two-entries-text-text`, `safelist-sum-accept-*`.
    pub header_judging: HeaderJudging,
    /// Request-header names the engine drops from script's headers on top of Fetch
    /// §forbidden-request-header (byte-case-insensitive).
    ///
    /// Background: Fetch stopped forbidding `User-Agent`; Firefox and WebKit send it (a
    /// CORS-unsafe name, so a preflight lists it). Chromium still drops it through
    /// `net::HttpUtil::IsSafeHeader` (`net/http/http_util.cc`, `kForbiddenHeaderFields`,
    /// crbug.com/571722). Corpus: `forbidden-edge-user-agent`,
    /// `forbidden-edge-user-agent-plus-custom`. (`Access-Control-Request-Private-Network`, in the
    /// same list, was recorded kept by Chromium 156: `forbidden-edge-acr-private-network`.)
    pub extra_forbidden_request_headers: &'static [&'static str],
    /// How each request header is judged against the CORS safelist, where engines differ from
    /// Fetch §cors-safelisted-request-header.
    ///
    /// Background: see [`SafelistRules`]. WebKit reads `Range` with its own `parseRange` (the
    /// unit in any case, signed positions); Firefox counts bytes 0x80–0xFF as CORS-unsafe in
    /// `Accept` and `Content-Type` and refuses a `Content-Type` holding `,`
    /// (`net_ParseRequestContentType`); Chromium also safelists client hints (`DPR`, `Width`,
    /// `Save-Data`, …). Corpus: `safelist-edge-range-upper-bytes`, `safelist-edge-range-plus-*`,
    /// `safelist-edge-accept-latin1`, `safelist-edge-content-type-param-with-comma`,
    /// `safelist-edge-dpr`.
    pub safelist: SafelistRules,
    /// Whether `Access-Control-Request-Headers` lists a name once per unsafe entry (`x-a,x-a`)
    /// instead of once.
    ///
    /// Background: Fetch converts to a sorted lowercase *set*. Firefox sorts and joins its per-entry
    /// list without deduplicating (`nsCORSListenerProxy::StartCORSPreflight`). Corpus:
    /// `pfshape-duplicate-custom-header`.
    pub acrh_lists_duplicates: bool,
    /// Whether safelisted values totalling more than 1024 bytes make every safelisted name unsafe.
    ///
    /// Background: Fetch §cors-unsafe-request-header-names step 5. Firefox has no such rule.
    /// Corpus: `safelist-sum-accept-8x128-plus-1`, `safelist-sum-over-1024-mixed-names`.
    pub unsafe_total_rule: bool,
    /// Whether a cached `*` method or header entry can satisfy a later request.
    ///
    /// Background: Fetch caches `*` entries. Firefox stores the tokens verbatim and compares them
    /// literally on lookup (`CORSCacheEntry::CheckRequest`), so `*` never matches. Corpus:
    /// `pfcache-wildcards`.
    pub cache_wildcards: bool,
    /// Which failures clear the cache entries of the request's current URL.
    ///
    /// Background: Fetch §main-fetch step 12 (preflight branch) step 3 clears them on any network
    /// error; Firefox does it when a CORS check fails (`RemoveFromCorsPreflightCache`). Chromium
    /// and WebKit keep the entries. Corpus: `pfcache-actual-fails`, combos 0032 0058 0217.
    pub clear_cache_on: ClearCacheOn,
    /// Whether, once a hop of a fetch required a preflight, every later CORS hop preflights too,
    /// even with a safelisted method and no unsafe header.
    ///
    /// Background: Fetch decides each hop afresh. Firefox keeps the channel's preflight flag
    /// across redirects (`HttpBaseChannel::SetupReplacementChannel`); WebKit sets
    /// `m_isSimpleRequest = false` for the whole load (`NetworkLoadChecker`). Both keep one
    /// preflight cache item per origin and URL whatever it lists (Firefox `CORSCacheEntry`,
    /// WebKit `CrossOriginPreflightResultCacheItem`), so a passed preflight that listed no method
    /// and no header name still lets the repeat skip such an inherited preflight (corsgate caches
    /// the request's own, safelisted, method for it). Corpus:
    /// `redirect-preflighted-put-303-to-get`; `gmeta-0510` (the repeat).
    pub sticky_preflight: bool,
    /// Which header list decides a preflight after a redirect.
    ///
    /// Background: see [`HeadersAfterRedirect`]. Firefox keeps the unsafe names computed once
    /// from the script's headers (`loadInfo->CorsUnsafeHeaders()`), stripping only what the
    /// redirect removed; WebKit re-checks `m_originalRequestHeaders`. Corpus:
    /// `redirect-preflighted-json-post-302-to-get`, `redirect-same-origin-authorization-to-cross`.
    pub headers_after_redirect: HeadersAfterRedirect,
    /// Whether a `DELETE` becomes a `GET` (body and request-body headers dropped) on any redirect
    /// that changes scheme, host or port.
    ///
    /// Background: Fetch rewrites only 301/302 `POST` and 303. WebKitGTK's
    /// `NetworkDataTaskSoup::continueHTTPRedirection` (`shouldRedirectAsGET`) also rewrites a
    /// cross-origin `DELETE`. Corpus: `combo-0006`, `combo-0071`.
    pub delete_becomes_get_cross_origin: bool,
    /// Whether a redirect to the same scheme, host and port sends the previous request's `Origin`
    /// header again, even where Fetch would send none (a same-origin `GET` after `POST` → `GET`).
    ///
    /// Background: WebKit copies the previous request and clears `Origin` only when the host
    /// changes (`continueHTTPRedirection`). Corpus: `redirect-post-30x-same-origin`.
    pub keep_origin_header_same_origin_redirect: bool,
    /// Whether, outside mode `cors`, a redirect to another origin than the URL it leaves makes
    /// the `Origin` header `null` on every later request that carries one (a `POST`, say).
    ///
    /// Background: Fetch sends `null` only once the request's origin is redirect-tainted (a hop
    /// between two origins that are not the request's), so a no-cors `POST` from the page's
    /// origin redirected (307/308) to another origin still carries the page's origin there, as
    /// Firefox and WebKit send. Chromium's network stack nulls a present `Origin` on every
    /// redirect whose new URL is not same origin with the URL it leaves
    /// (`net/url_request/redirect_util.cc`, `RedirectUtil::UpdateHttpRequest`: "Cross-origin
    /// redirects should not result in an Origin header value that is equal to the original
    /// request's Origin header"); in mode `cors` its CORS loader sets `Origin` itself, by
    /// Fetch's taint. Corpus: `gmeta-0378`, `gmeta-0421` (no-cors `post`, page's origin, then
    /// 307/308 to another site: Chromium `null`, the others the page's origin).
    pub no_cors_cross_origin_redirect_nulls_origin: bool,
    /// Whether, after a redirect tainted the request's origin, the preflight still carries and is
    /// checked against the page's origin (and is not CORS-checked at all when its URL is
    /// same-origin with the page), caching the result under the page's origin.
    ///
    /// Background: Fetch sends `Origin: null` on such a preflight. Firefox builds the preflight
    /// from the loading principal (`nsCORSListenerProxy::StartCORSPreflight`). Corpus:
    /// `redirect-preflighted-put-307-other-cross-acao-origin`.
    pub preflight_ignores_taint: bool,
    /// Whether a preflight made with a tainted (`null`) origin is cached and reused.
    ///
    /// Background: Fetch caches it under the byte-serialized origin `null`. Chromium and WebKit
    /// never reuse it (WebKit keys by a fresh opaque origin per load). Corpus: `combo-0081`,
    /// `combo-0316`.
    pub cache_tainted_preflights: bool,
    /// How `Location` is read: an empty value, several lines.
    ///
    /// Background: Fetch parses one value (an empty one resolves to the response's URL, so the
    /// fetch loops until the redirect limit; Firefox does that) and fails on several lines.
    /// Chromium treats an empty `Location` as absent and returns the 3xx as is; WebKit fails on an
    /// empty one and joins several lines with `, ` (requesting `r2,%20…/r3`). Recorded with the
    /// corpus's engines: `tests/data/conformance/probes.jsonl` (`probe-follow-302-location-empty`,
    /// `probe-follow-302-two-locations`). Firefox percent-encodes a tab inside the value where
    /// the URL parser would remove it (`redirect-edge-location-tab-inside`: `r\t2` → `r%092`).
    /// Bytes 0x80–0xFF: Chromium and Firefox percent-encode them as they are; WebKitGTK reads
    /// the value as Latin-1 after repairing invalid UTF-8 (`redirect-edge-location-latin1-byte`,
    /// `-utf8-bytes`).
    pub location: LocationRules,
    /// Whether redirect mode `error` fails only on a redirect status that has a `Location`.
    ///
    /// Background: Fetch §http-fetch step 8 fails on any redirect status. Chromium and WebKit
    /// only treat a 3xx as a redirect when it has a `Location`; without one the response is
    /// returned as is (`probe-error-302-no-location-*`). In mode `manual` all three return an
    /// opaque-redirect either way.
    pub redirect_error_needs_location: bool,
    /// Whether, in mode `cors` with credentials mode `same-origin`, once a redirect has taken a
    /// fetch whose URLs were all same-origin with the page to another origin, every later
    /// redirect response must also pass the CORS check as if credentials were included
    /// (`Access-Control-Allow-Origin` the origin itself, `Access-Control-Allow-Credentials:
    /// true`); if it does not, the request it leads to is never sent (a preflight it needs still
    /// is) and the fetch fails.
    ///
    /// Background: Fetch checks redirects with the request's credentials mode only. WebKitGTK
    /// 2.50 fails `A → B → A`, `A → B → C`, `A → B → B`, `A → A2 → A` (page A, GET, HEAD, POST,
    /// PUT; 301–308) when B's redirect has `Access-Control-Allow-Origin: *` or no
    /// `Access-Control-Allow-Credentials`, and follows them when B sends the origin and `true`,
    /// or with credentials `omit`/`include`, or when the fetch started cross-origin; the runs point
    /// at the network process restarting a load whose stored-credentials policy changed
    /// (`NetworkResourceLoader`), not located in source (the recorded runs are the evidence). Corpus:
    /// `redirect-edge-back-to-page-*`, `redirect-edge-taint-after-same-*`,
    /// `redirect-edge-wkdrop-*`, `redirect-edge-wkacac-*`, `gen3-0075`, `gen3-0089`.
    pub recheck_redirects_after_credentials_drop: bool,
    /// Request-header names the engine removes from the request on every redirect
    /// (byte-case-insensitive), whatever the redirect's status and target.
    ///
    /// Background: Fetch keeps script's headers across redirects (except request-body headers on
    /// a method rewrite and `Authorization` on an origin change). Chromium drops `DPR`,
    /// `Device-Memory`, `Width` and `Viewport-Width` set by script at each redirect, same-origin
    /// ones too, but keeps `Save-Data` and `Intervention`: these are client-hint names its
    /// client-hints code recomputes for each new URL (the recorded runs are the evidence). Corpus:
    /// `safelist-edge-hint-*-same-origin-hop`, `-cross-origin-hop`, `gen2-0113`, `gen2-0188`.
    pub redirect_removes_headers: &'static [&'static str],
    /// Whether repeated lines of the CORS response headers read as one value
    /// (`Access-Control-Allow-Credentials`, `-Methods`, `-Headers`, `-Max-Age`,
    /// `Access-Control-Expose-Headers`) and of `Cross-Origin-Resource-Policy` are combined
    /// without their empty lines.
    ///
    /// Background: Fetch combines every line with `, ` (`true` and an empty line give `true, `,
    /// which is not `true`). Firefox merges response header lines as they arrive and skips empty
    /// ones (`nsHttpHeaderArray::MergeHeader`: "merge of empty header = no-op"), so the
    /// credentialed CORS check passes. It counts `Access-Control-Allow-Origin` lines instead
    /// (more than one fails), as Fetch's combined value does. Its cross-origin resource policy
    /// check reads the merged value as well (`nsHttpChannel::ProcessCrossOriginResourcePolicyHeader`
    /// gets the header from the response head): `same-origin` and an empty line read
    /// `same-origin`, which blocks another origin, where Fetch's `same-origin, ` is invalid and
    /// allows. Corpus: `cred-edge-include-acac-line-empty`; `gcorp-0080`, `gcorp-0252` (CORP,
    /// spec-notes/metadata.md).
    pub merge_skips_empty_lines: bool,
    /// Whether a redirect whose `Location` has a username or password fails even when Fetch
    /// allows it (same origin, untainted).
    ///
    /// Background: Fetch §http-redirect-fetch steps 9–10 fail only cross-origin or tainted cases.
    /// Chromium blocks subresource URLs with credentials (whatwg/fetch#660). Corpus:
    /// `redirect-userinfo-same-to-same`.
    pub reject_userinfo_in_any_redirect: bool,
    /// How `Sec-Fetch-Site` judges the request's origin against its URL list.
    ///
    /// Background: Fetch Metadata §set-site walks the URL list (same origin, else same site,
    /// `cross-site` sticks); Chromium (`services/network/sec_header_helpers.cc`, the URL chain
    /// against the initiator) and WebKit (`CachedResourceLoader::computeFetchMetadataSite`, "can
    /// never get more secure") do. Firefox (`dom/security/SecFetch.cpp`, `IsSameSite`) reports
    /// `same-site` only when the page is `https` or a loopback host and every earlier URL of the
    /// redirect chain is `https` with the current URL's site: after a redirect through plain
    /// `http`, a same-site hop reads `cross-site`. Corpus: `meta-redirect-a-a2-a-cors`,
    /// `meta-redirect-a-a-a2-cors`, `meta-redirect-a2-a-a-cors`,
    /// `corp-redirect-final-a2-same-origin-after-a`.
    pub metadata_site: SiteRule,
    /// Which origin and URLs a preflight's `Sec-Fetch-Site` judges.
    ///
    /// Background: Fetch gives the preflight a clone of the request's URL list and origin
    /// ([`PreflightSite::UrlList`]). Chromium makes the preflight a new request for the current
    /// URL with the request's initiator (`PreflightController::CreatePreflightRequest`; its
    /// metadata from that one-URL chain against the initiator, even when the preflight carries
    /// `Origin: null`): [`PreflightSite::CurrentUrl`], so back on the page's origin after a
    /// cross-site hop the preflight reads `same-origin` while the request after it reads
    /// `cross-site` (corpus `gmeta-0008`, `gmeta-0089`, `gcorp-0002`; `same-site` on a
    /// same-site URL: `gcorp-0020`). WebKit builds the preflight's metadata from its security
    /// origin and URL alone (`createAccessControlPreflightRequest`; `cross-site` when it
    /// carries `null`); Firefox's preflight is a new channel without the redirect chain, from the
    /// loading principal (`nsCORSListenerProxy::StartCORSPreflight`, `SecFetch::AddSecFetchSite`;
    /// it never carries `null`, `preflight_ignores_taint`): both
    /// [`PreflightSite::CurrentUrlCarriedOrigin`]. Corpus: `meta-redirect-307-put-a2-b` (the
    /// preflight after the redirect reads `cross-site` in all three).
    pub preflight_metadata: PreflightSite,
    /// Whether, in mode `cors`, the request made after a redirect to another origin carries no
    /// Fetch metadata headers (a preflight it needs still does; a later same-origin hop has them
    /// again).
    ///
    /// Background: Fetch appends them to every request to a potentially trustworthy URL.
    /// WebKitGTK 2.50 sends none on that request: the runs show the headers missing exactly on
    /// the request that follows a cross-origin hop in `cors` mode, not in `no-cors`; consistent
    /// with the network process cleaning a cross-origin redirect's request down to its kept
    /// headers (`cleanHTTPRequestHeadersForAccessControl`). Corpus: `meta-redirect-a2-a-a-cors`,
    /// `meta-redirect-b-a-a-cors`, `meta-redirect-a-a-a2-cors`, `meta-redirect-307-put-a2-b`.
    pub metadata_dropped_after_cross_origin_cors_redirect: bool,
    /// The cross-origin resource policy check's engine differences.
    ///
    /// Background: Fetch's `same-site` is "schemelessly same site", under which an IP address is
    /// same site with itself on any port. Chromium never lets `same-site` match when either host
    /// is an IP address (`cross_origin_resource_policy.cc`, `ShouldAllowSameSite`: "Different
    /// sites might be served from the same IP address"); Firefox and WebKit follow Fetch. Corpus:
    /// `corp-no-cors-same-site-same-site`, `corp-redirect-final-a2-same-site-after-b`,
    /// `corp-redirect-hop-a2-same-site-final-b-cross-origin`.
    pub corp: CorpRules,
}

impl Policy {
    /// The Fetch Standard as written.
    pub fn spec() -> Policy {
        Policy {
            name: "spec",
            default_max_age: 5,
            max_age_cap: 7200,
            invalid_max_age: InvalidMaxAge::UseDefault,
            max_age_syntax: MaxAgeSyntax::DeltaSeconds,
            wildcard_covers_authorization: false,
            cached_wildcard_covers_authorization: false,
            cache: CacheConfig::default(),
            header_judging: HeaderJudging::PerEntry,
            safelist: SafelistRules::SPEC,
            extra_forbidden_request_headers: &[],
            acrh_lists_duplicates: false,
            unsafe_total_rule: true,
            cache_wildcards: true,
            clear_cache_on: ClearCacheOn::NetworkError,
            sticky_preflight: false,
            headers_after_redirect: HeadersAfterRedirect::Current,
            delete_becomes_get_cross_origin: false,
            keep_origin_header_same_origin_redirect: false,
            no_cors_cross_origin_redirect_nulls_origin: false,
            preflight_ignores_taint: false,
            cache_tainted_preflights: true,
            reject_userinfo_in_any_redirect: false,
            recheck_redirects_after_credentials_drop: false,
            merge_skips_empty_lines: false,
            redirect_removes_headers: &[],
            location: LocationRules::SPEC,
            redirect_error_needs_location: false,
            metadata_site: SiteRule::UrlList,
            preflight_metadata: PreflightSite::UrlList,
            metadata_dropped_after_cross_origin_cors_redirect: false,
            corp: CorpRules::SPEC,
        }
    }

    /// Chromium 156 (`services/network/cors/`).
    pub fn chromium() -> Policy {
        Policy {
            name: "chromium",
            max_age_cap: 7200,
            max_age_syntax: MaxAgeSyntax::SignedInteger,
            wildcard_covers_authorization: true,
            cached_wildcard_covers_authorization: false,
            header_judging: HeaderJudging::Combined,
            safelist: SafelistRules {
                client_hints: true,
                ..SafelistRules::SPEC
            },
            extra_forbidden_request_headers: &["user-agent"],
            redirect_removes_headers: &["dpr", "device-memory", "width", "viewport-width"],
            clear_cache_on: ClearCacheOn::Never,
            cache_tainted_preflights: false,
            reject_userinfo_in_any_redirect: true,
            location: LocationRules {
                empty: EmptyLocation::Absent,
                bytes: LocationBytes::PercentEncodeRaw,
                ..LocationRules::SPEC
            },
            redirect_error_needs_location: true,
            preflight_metadata: PreflightSite::CurrentUrl,
            no_cors_cross_origin_redirect_nulls_origin: true,
            corp: CorpRules {
                same_site_excludes_ip_hosts: true,
            },
            ..Policy::spec()
        }
    }

    /// Firefox 153 ESR (`netwerk/protocol/http/nsCORSListenerProxy.cpp`).
    pub fn firefox() -> Policy {
        Policy {
            name: "firefox",
            max_age_cap: 86400,
            invalid_max_age: InvalidMaxAge::DoNotCache,
            wildcard_covers_authorization: true,
            cached_wildcard_covers_authorization: true,
            acrh_lists_duplicates: true,
            safelist: SafelistRules {
                non_ascii_unsafe: true,
                content_type_comma_unsafe: true,
                ..SafelistRules::SPEC
            },
            unsafe_total_rule: false,
            cache_wildcards: false,
            clear_cache_on: ClearCacheOn::CorsCheckFailure,
            sticky_preflight: true,
            headers_after_redirect: HeadersAfterRedirect::OriginalMinusRemoved,
            preflight_ignores_taint: true,
            merge_skips_empty_lines: true,
            location: LocationRules {
                encode_tabs: true,
                bytes: LocationBytes::PercentEncodeRaw,
                ..LocationRules::SPEC
            },
            metadata_site: SiteRule::SecureRedirectChain,
            preflight_metadata: PreflightSite::CurrentUrlCarriedOrigin,
            ..Policy::spec()
        }
    }

    /// WebKitGTK 2.50 (`Source/WebCore/loader/`, `Source/WebKit/NetworkProcess/`).
    pub fn webkit() -> Policy {
        Policy {
            name: "webkit",
            max_age_cap: 600,
            max_age_syntax: MaxAgeSyntax::SignedInteger,
            wildcard_covers_authorization: true,
            cached_wildcard_covers_authorization: true,
            header_judging: HeaderJudging::Combined,
            safelist: SafelistRules {
                range_syntax: RangeSyntax::WebKit,
                ..SafelistRules::SPEC
            },
            clear_cache_on: ClearCacheOn::Never,
            sticky_preflight: true,
            headers_after_redirect: HeadersAfterRedirect::Original,
            delete_becomes_get_cross_origin: true,
            keep_origin_header_same_origin_redirect: true,
            recheck_redirects_after_credentials_drop: true,
            cache_tainted_preflights: false,
            location: LocationRules {
                empty: EmptyLocation::Fail,
                combine_lines: true,
                bytes: LocationBytes::IsomorphicAfterUtf8Repair,
                ..LocationRules::SPEC
            },
            redirect_error_needs_location: true,
            preflight_metadata: PreflightSite::CurrentUrlCarriedOrigin,
            metadata_dropped_after_cross_origin_cors_redirect: true,
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

    /// The names [`Policy::by_name`] accepts.
    pub const NAMES: [&'static str; 4] = ["spec", "chromium", "firefox", "webkit"];
}

impl Default for Policy {
    fn default() -> Self {
        Policy::spec()
    }
}
