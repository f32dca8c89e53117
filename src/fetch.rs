//! The sans-I/O fetch state machine (Fetch §fetching: main fetch, HTTP fetch, CORS-preflight
//! fetch, HTTP-redirect fetch), driven by the caller.
//!
//! A [`UserAgent`] holds the [`Policy`] and the preflight cache shared by all its fetches.
//! [`UserAgent::start`] turns a [`FetchRequest`] into a [`Fetch`]; the caller then loops:
//! [`Fetch::poll`] says what to do next ([`Action::Send`] a request, or [`Action::Done`] with
//! the outcome), and [`Fetch::handle_response`] takes the response head of what was sent. The
//! clock is always an argument; nothing here reads it, sleeps, or touches a socket.

use std::time::Duration;

use crate::time::Instant;

use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use url::Url;

use crate::cache::{CacheKey, PreflightCache};
use crate::classify::{classify, Branch, HopView, PreflightReasons};
use crate::corp::{self, CorpCheck};
use crate::error::{Blocked, Exchange, FailureKind, NetworkError, NetworkFailure, Stage};
pub use crate::expose::{FilteredResponse, ResponseType};
use crate::guard::{Guard, GuardedHeaders};
use crate::metadata::{self, MetadataInput};
use crate::origin::{Origin, RedirectTaint};
use crate::policy::{ClearCacheOn, HeadersAfterRedirect, Policy};
use crate::redirect;
use crate::request::{
    CredentialsMode, FetchRequest, Mode, RedirectMode, ResponseTainting, TargetError,
};
use crate::wire::{WireHeaders, WireRequest};
use crate::{check, forbidden, method, preflight, safelist};

/// A user agent: its policy and its CORS-preflight cache (Fetch §cors-preflight-cache), shared
/// by every fetch it starts. Fetches never borrow it; each call lends it.
#[derive(Debug)]
pub struct UserAgent {
    policy: Policy,
    cache: PreflightCache,
}

impl UserAgent {
    /// A user agent with this policy and an empty cache bounded as the policy says.
    pub fn new(policy: Policy) -> UserAgent {
        let cache = PreflightCache::new(policy.cache);
        UserAgent { policy, cache }
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The preflight cache (inspect it, or clear it).
    pub fn cache(&self) -> &PreflightCache {
        &self.cache
    }

    /// The preflight cache, mutably.
    pub fn cache_mut(&mut self) -> &mut PreflightCache {
        &mut self.cache
    }

    /// Starts a fetch: the `Request` constructor's checks and `fetch()`'s first main fetch.
    ///
    /// Errors here are the ones script sees as a `TypeError` before anything is sent (a bad or
    /// forbidden method, a non-safelisted method in `no-cors` mode, a body on `GET`/`HEAD`).
    /// Forbidden headers are not errors: they are dropped and listed in
    /// [`Fetch::dropped_headers`].
    pub fn start(&mut self, now: Instant, request: FetchRequest) -> Result<Fetch, RequestError> {
        Fetch::start(self, now, request)
    }
}

/// Why a request was refused before anything was sent (the `TypeError`s of the `Request`
/// constructor, Fetch §dom-request).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The method is not a token, or is forbidden (Fetch §dom-request step 25).
    #[error("invalid method: {0}")]
    Method(#[from] method::MethodError),
    /// `no-cors` mode with a method that is not `GET`, `HEAD` or `POST` (§dom-request step 30.1).
    #[error("method `{0}` is not allowed in no-cors mode: only GET, HEAD and POST are (Fetch §dom-request step 30)")]
    NoCorsMethod(String),
    /// The URL includes credentials (§dom-request step 5.4: a username or password).
    #[error("the URL `{0}` includes credentials (a username or password), which fetch() refuses (Fetch §dom-request step 5)")]
    UrlHasCredentials(String),
    /// A `GET` or `HEAD` request with a body (§dom-request step 35).
    #[error("a {0} request cannot have a body (Fetch §dom-request step 35)")]
    BodyWithGetOrHead(String),
    /// The URL cannot be the request target of an [`Outgoing`] (`http::Uri`): longer than
    /// 65 534 bytes, or a host `http::Uri` refuses (see [`TargetError`]).
    #[error("the URL cannot be requested: {0}")]
    UrlNotSendable(#[from] TargetError),
    /// A URL that is not HTTP(S) on a branch of main fetch step 12 that runs "scheme fetch": a
    /// `data:` URL, a URL same origin with the page (`blob:`), or any in `no-cors` mode. Fetch
    /// answers it without HTTP (§scheme-fetch: `about:`, `blob:`, `data:`, `file:`, otherwise a
    /// network error); that is the embedder's, not an HTTP request. (On the other branches the
    /// fetch ends in a network error, e.g. `NetworkError::CorsModeNonHttpScheme`.)
    #[error("a {0}: URL is answered by a scheme fetch (Fetch §scheme-fetch), not over HTTP")]
    SchemeFetch(String),
}

/// A caller's mistake in driving a [`Fetch`]: not the server's fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UsageError {
    /// A response was handed in when no request was outstanding.
    #[error("a response was handed in, but the fetch is {state:?}: poll() first and send the request it returns")]
    UnexpectedResponse {
        /// What the fetch was doing.
        state: StateKind,
    },
    /// A network failure was handed in when no request was outstanding.
    #[error("a network failure was handed in, but the fetch is {state:?}: only a request poll() returned can fail")]
    UnexpectedNetworkFailure {
        /// What the fetch was doing.
        state: StateKind,
    },
}

/// A response head in a form an embedder holds, and the body that comes with it, which
/// [`Fetch::handle_response`] gives back untouched: `http::Response<B>` (body `B`) or
/// `http::response::Parts` (body `()`).
pub trait ResponseHead {
    /// What comes with the head and is given back.
    type Body;
    /// The head, and the body set aside.
    fn into_head(self) -> (http::response::Parts, Self::Body);
}

impl<B> ResponseHead for http::Response<B> {
    type Body = B;
    fn into_head(self) -> (http::response::Parts, B) {
        self.into_parts()
    }
}

impl ResponseHead for http::response::Parts {
    type Body = ();
    fn into_head(self) -> (http::response::Parts, ()) {
        (self, ())
    }
}

/// A header the request did not send, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DroppedHeader {
    /// The header's name.
    pub name: HeaderName,
    /// The header's value.
    pub value: HeaderValue,
    /// Why it was dropped.
    pub reason: DropReason,
}

/// Why a script-supplied header was dropped (the Headers guards, Fetch §concept-headers-append).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// A forbidden request-header (guard `request`, Fetch §forbidden-request-header).
    Forbidden,
    /// Not a no-CORS-safelisted request-header (guard `request-no-cors`).
    NotNoCorsSafelisted,
}

/// Which request an [`Outgoing`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// A CORS-preflight request (`OPTIONS`); never with credentials.
    Preflight,
    /// The request itself (at the current URL, after any redirects).
    Actual,
}

/// A request the caller must send.
#[derive(Debug)]
#[must_use]
pub struct Outgoing {
    /// Preflight or actual request.
    pub kind: RequestKind,
    /// Method, request target and the header lines a browser puts on the wire for this
    /// request, in order ([`WireRequest::to_http`] makes an `http::Request` of it). The caller
    /// adds its own (`Host`, `User-Agent`, cookies when `credentials` is true, the body…).
    pub request: WireRequest,
    /// Whether to include credentials (cookies, HTTP authentication, client certificates):
    /// Fetch §http-network-or-cache-fetch's includeCredentials.
    pub credentials: bool,
}

/// What the caller does next.
#[derive(Debug)]
#[must_use]
pub enum Action {
    /// Send this request, then hand its response head to [`Fetch::handle_response`].
    Send(Outgoing),
    /// A request was handed out and its response is awaited.
    AwaitResponse,
    /// The fetch is over: the response script sees, or the network error it gets (every rule
    /// the failing check broke, and at which exchange).
    Done(Result<Response, Blocked>),
}

/// The filtered response script sees (Fetch §concept-filtered-response).
pub type Response = FilteredResponse;

/// The state of a fetch, as [`Fetch::state`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateKind {
    /// A preflight is ready to be polled.
    PreflightReady,
    /// The preflight was handed out; its response is awaited.
    AwaitingPreflight,
    /// The actual request is ready to be polled.
    RequestReady,
    /// The actual request was handed out; its response is awaited.
    AwaitingResponse,
    /// Finished.
    Done,
}

/// Something that happened during a fetch, for inspection and explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// Main fetch chose a branch at this URL.
    Classified {
        /// The URL.
        url: Url,
        /// The response tainting the branch set.
        tainting: ResponseTainting,
        /// Why a preflight was called for, if it was.
        preflight: Option<PreflightReasons>,
    },
    /// The cache answered for the method and every unsafe header: no preflight.
    PreflightCacheHit {
        /// The URL.
        url: Url,
    },
    /// A preflight passed; its result was cached for this long (`None`: not cached).
    PreflightPassed {
        /// The URL.
        url: Url,
        /// How long the result is cached.
        cached_for: Option<Duration>,
    },
    /// A redirect was followed.
    Redirected {
        /// The redirect status.
        status: u16,
        /// The new URL.
        to: Url,
        /// The method became `GET` and the body was dropped.
        method_rewritten: bool,
        /// `Authorization` was removed (the origin changed).
        authorization_removed: bool,
    },
    /// The fetch failed; the preflight cache entries for the URL were cleared.
    CacheCleared {
        /// The URL.
        url: Url,
    },
    /// An interim response (1xx other than 101) was handed in and skipped: the fetch still
    /// awaits the final response to the same request (Fetch §concept-http-network-fetch step
    /// 8.5).
    InterimSkipped {
        /// The 1xx status.
        status: u16,
    },
    /// A request closed before any response byte (a dead keep-alive connection): it is handed
    /// out once more, to be sent on a new connection.
    Retrying {
        /// The request that failed.
        exchange: Exchange,
        /// How it failed.
        failure: NetworkFailure,
    },
}

/// Whether the request handed out may be sent again after a dead connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retry {
    /// A first attempt: one retry is left.
    Available,
    /// A retry was granted; the next request handed out is it.
    Granted,
    /// This request is the retry.
    Used,
}

/// A request handed out: an [`Exchange`] but for its URL, the current URL until its response
/// is handled (no copy of the URL per request handed out).
#[derive(Debug)]
struct Handed {
    kind: RequestKind,
    hop: u32,
    method: Method,
}

/// A preflight to send or awaited: why, and the origin it carries.
#[derive(Debug)]
struct Pending {
    /// The index in `Fetch::events` of its hop's `Event::Classified`, which holds why
    /// ([`Fetch::preflight_reasons`]).
    classified: usize,
    /// Whether the preflight carries, and is checked against, `null` rather than the page's
    /// serialized origin (see [`Fetch::preflight_origin`]).
    null_origin: bool,
    /// Whether its response gets the CORS check (`Policy::preflight_ignores_taint` skips it for
    /// a URL same-origin with the page).
    cors_check: bool,
}

#[derive(Debug)]
enum State {
    PreflightReady(Pending),
    AwaitingPreflight(Pending),
    RequestReady,
    AwaitingResponse,
    Done(Result<Response, Blocked>),
}

/// One fetch in progress (Fetch §fetching). Inspect it with the getters at any step.
#[derive(Debug)]
pub struct Fetch {
    origin: Origin,
    /// `origin`'s ASCII serialization (HTML §ascii-serialisation-of-an-origin), made once.
    origin_serialized: String,
    url_list: Vec<Url>,
    /// The current URL's request target (`request::try_request_target`), made when the URL
    /// joins the URL list.
    target: http::Uri,
    /// The URL list's redirect-taint (Fetch §concept-request-tainted-origin), updated as each
    /// redirect target joins the list.
    taint: RedirectTaint,
    method: Method,
    headers: HeaderMap,
    mode: Mode,
    credentials: CredentialsMode,
    redirect_mode: RedirectMode,
    body: bool,
    body_is_stream: bool,
    use_cors_preflight: bool,
    partition: crate::request::PartitionKey,
    referrer_policy: crate::origin::ReferrerPolicy,
    /// The request's destination (`Sec-Fetch-Dest`).
    destination: crate::metadata::Destination,
    /// The embedder policy of the request's client (the CORP check).
    embedder_policy: crate::corp::EmbedderPolicy,
    /// The request's user-activation (`Sec-Fetch-User`).
    user_activation: bool,
    /// `Policy::metadata_site`, `Policy::preflight_metadata`.
    metadata_site: crate::metadata::SiteRule,
    preflight_metadata: crate::metadata::PreflightSite,
    /// The current hop's actual request carries no Fetch metadata
    /// (`Policy::metadata_dropped_after_cross_origin_cors_redirect`).
    metadata_dropped: bool,
    tainting: ResponseTainting,
    redirect_count: u32,
    /// Some main fetch in the chain took the CORS-with-preflight branch (main fetch step 12.3
    /// clears the cache when such a fetch ends in a network error).
    preflight_branch: bool,
    /// The current hop took the preflight branch (`ClearCacheOn::CorsCheckFailure`).
    hop_preflight_branch: bool,
    /// Some CORS hop of this fetch required a preflight (`Policy::sticky_preflight`).
    preflight_required: bool,
    /// The header list as the script built it, after the guards (`Policy::headers_after_redirect`),
    /// kept once a redirect removes a header from `headers`; until then it is `headers`.
    original_headers: Option<HeaderMap>,
    /// What the last redirect stripped: request-body headers (a method rewrite) and CORS
    /// non-wildcard request-headers (an origin change) (`HeadersAfterRedirect::OriginalMinusRemoved`).
    last_redirect_stripped: (bool, bool),
    /// The `Origin` header the last actual request carried
    /// (`Policy::keep_origin_header_same_origin_redirect`).
    last_origin_header: Option<HeaderValue>,
    /// An `Origin` value carried over from the previous request by a same-origin redirect
    /// (`Policy::keep_origin_header_same_origin_redirect`).
    origin_carried_over: Option<HeaderValue>,
    /// A redirect to another origin than the URL it left, outside mode `cors`, has made the
    /// `Origin` header `null` for good (`Policy::no_cors_cross_origin_redirect_nulls_origin`).
    origin_nulled_by_redirect: bool,
    last_preflight_cache_hit: bool,
    /// A redirect took a fetch whose URLs had all been same-origin with the page (credentials
    /// sent in mode `same-origin`) to another origin (`Policy::recheck_redirects_after_credentials_drop`).
    credentials_dropped: bool,
    /// The current hop's request is not to be sent: a network error instead, after any preflight
    /// (`Policy::recheck_redirects_after_credentials_drop`).
    fail_before_request: bool,
    dropped: Vec<DroppedHeader>,
    events: Vec<Event>,
    /// The request handed out whose response (or failure) is awaited; its URL is the current
    /// URL, which changes only after its response (see [`Fetch::take_outstanding`]).
    outstanding: Option<Handed>,
    retry: Retry,
    state: State,
}

/// Whether the policy skips the CORS check of a preflight to a URL same-origin with the page.
fn policy_skips_same_origin_check(policy: &Policy) -> bool {
    policy.preflight_ignores_taint
}

/// The Headers guards (Fetch §concept-headers-append) over script's header list: `request`
/// ignores forbidden request-headers (and the names `Policy::extra_forbidden_request_headers`
/// adds); `request-no-cors` also ignores what would not leave a no-CORS-safelisted value. Returns
/// the list kept (values normalized) and what was dropped, in order.
fn apply_guard(
    headers: HeaderMap,
    guard: Guard,
    policy: &Policy,
) -> (HeaderMap, Vec<DroppedHeader>) {
    let engine_forbidden = |n: &[u8]| {
        (policy.extra_forbidden_request_headers.iter())
            .any(|f| n.eq_ignore_ascii_case(f.as_bytes()))
    };
    // The common case: under `request`, validation lets every header through as it is (a value
    // it accepts has no surrounding whitespace, so normalizing leaves it unchanged): the kept
    // list is script's list, unchanged.
    // (`Guard::validate` step 1 on a `HeaderName` and a `HeaderValue`: every `HeaderName` is a
    // token and no `HeaderValue` holds 0x00, 0x0A or 0x0D (`guard::http_types_are_valid`), so
    // only the surrounding whitespace of the value is left to check.)
    if guard == Guard::Request
        && headers.iter().all(|(name, value)| {
            let (n, v) = (name.as_str().as_bytes(), value.as_bytes());
            // (A rebuilt list holds plain values: a sensitive one takes the general path.)
            !value.is_sensitive()
                && !engine_forbidden(n)
                && !crate::header::has_surrounding_whitespace(v)
                && !forbidden::is_forbidden_request_header_lowercase(n, v)
        })
    {
        return (headers, Vec::new());
    }
    // Otherwise: append each header to a guarded list, as `new Request(…, { headers })` does.
    let mut guarded = GuardedHeaders::new(guard);
    let mut dropped = Vec::new();
    for (name, value) in headers.iter() {
        let (n, v) = (name.as_str().as_bytes(), value.as_bytes());
        let engine_forbidden = engine_forbidden(n);
        // `HeaderName`/`HeaderValue` are always a valid name and value, so `append` cannot
        // fail; `Ok(false)` is the guard ignoring the header.
        if engine_forbidden || guarded.append(n, v) != Ok(true) {
            let reason = if engine_forbidden || forbidden::is_forbidden_request_header(n, v) {
                DropReason::Forbidden
            } else {
                DropReason::NotNoCorsSafelisted
            };
            dropped.push(DroppedHeader {
                name: name.clone(),
                value: value.clone(),
                reason,
            });
        }
    }
    let mut kept = HeaderMap::new();
    for (n, v) in guarded.iter() {
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(n), HeaderValue::from_bytes(v)) {
            kept.append(n, v);
        }
    }
    (kept, dropped)
}

/// The maximum number of redirects (Fetch §http-redirect-fetch step 7).
pub const REDIRECT_LIMIT: u32 = 20;

impl Fetch {
    fn start(
        ua: &mut UserAgent,
        now: Instant,
        request: FetchRequest,
    ) -> Result<Fetch, RequestError> {
        // The Request constructor: a URL with credentials is refused (§dom-request step 5.4).
        if redirect::includes_credentials(&request.url) {
            return Err(RequestError::UrlHasCredentials(request.url.to_string()));
        }
        // Validate and normalize the method (§dom-request step 25).
        let method = method::parse_method(request.method.as_str().as_bytes())?;
        // Step 30.1: no-cors allows only CORS-safelisted methods.
        if request.mode == Mode::NoCors
            && !method::is_cors_safelisted_method(method.as_str().as_bytes())
        {
            return Err(RequestError::NoCorsMethod(method.as_str().to_owned()));
        }
        // Step 35: GET and HEAD cannot have a body.
        if request.body && (method == Method::GET || method == Method::HEAD) {
            return Err(RequestError::BodyWithGetOrHead(method.as_str().to_owned()));
        }
        // Every request handed out carries its URL exactly (`Outgoing::request`).
        let http = matches!(request.url.scheme(), "http" | "https");
        let target = if http {
            crate::request::try_request_target(&request.url)?
        } else {
            // Never sent: main fetch answers a non-HTTP(S) URL by a scheme fetch or fails it.
            http::Uri::default()
        };
        // The Headers guards (§concept-headers-append): `request` ignores forbidden request-headers;
        // `request-no-cors` also ignores what would not leave a no-CORS-safelisted value.
        let guard = if request.mode == Mode::NoCors {
            Guard::RequestNoCors
        } else {
            Guard::Request
        };
        let (headers, dropped) = apply_guard(request.headers, guard, &ua.policy);
        let mut fetch = Fetch {
            origin_serialized: request.origin.serialize(),
            origin: request.origin,
            url_list: vec![request.url],
            target,
            taint: RedirectTaint::SameOrigin,
            method,
            original_headers: None,
            headers,
            mode: request.mode,
            credentials: request.credentials,
            redirect_mode: request.redirect,
            body: request.body,
            body_is_stream: request.body && request.body_is_stream,
            use_cors_preflight: request.use_cors_preflight,
            partition: request.partition,
            referrer_policy: request.referrer_policy,
            destination: request.destination,
            embedder_policy: request.embedder_policy,
            user_activation: request.user_activation,
            metadata_site: ua.policy.metadata_site,
            preflight_metadata: ua.policy.preflight_metadata,
            metadata_dropped: false,
            tainting: ResponseTainting::Basic,
            redirect_count: 0,
            preflight_branch: false,
            preflight_required: false,
            hop_preflight_branch: false,
            last_redirect_stripped: (false, false),
            last_origin_header: None,
            origin_carried_over: None,
            origin_nulled_by_redirect: false,
            last_preflight_cache_hit: false,
            credentials_dropped: false,
            fail_before_request: false,
            dropped,
            events: Vec::new(),
            outstanding: None,
            retry: Retry::Available,
            state: State::RequestReady,
        };
        // Main fetch step 12: a URL that is not HTTP(S) on a branch that runs "scheme fetch" (a
        // `data:` URL, a same-origin one, or `no-cors`) is answered by the user agent, not over
        // HTTP (§scheme-fetch); on the other branches main fetch fails it (a network error).
        // Redirect targets are always HTTP(S) (HTTP-redirect fetch step 6).
        if !http && fetch.is_scheme_fetch(&ua.policy) {
            return Err(RequestError::SchemeFetch(
                fetch.current_url().scheme().to_owned(),
            ));
        }
        fetch.main_fetch(ua, now);
        Ok(fetch)
    }

    // ----- getters -------------------------------------------------------------------------

    /// The request's origin (the page's origin; see [`Fetch::serialized_origin`] for what the
    /// `Origin` header carries after redirects).
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The request's mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The request's credentials mode.
    pub fn credentials_mode(&self) -> CredentialsMode {
        self.credentials
    }

    /// The request's redirect mode.
    pub fn redirect_mode(&self) -> RedirectMode {
        self.redirect_mode
    }

    /// The request's current URL (the last of its URL list).
    pub fn current_url(&self) -> &Url {
        // The URL list is never empty: it starts with the request's URL and only grows.
        &self.url_list[self.url_list.len() - 1]
    }

    /// The request's URL list: the first URL and every redirect target followed.
    pub fn url_list(&self) -> &[Url] {
        &self.url_list
    }

    /// The number of redirects followed.
    pub fn redirect_count(&self) -> u32 {
        self.redirect_count
    }

    /// The request's method now (a redirect may have rewritten it to `GET`).
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request's header list now (forbidden headers dropped; redirects may remove more).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Whether the request has a body now: send it with the actual request only when true (a
    /// redirect that rewrites the method to `GET` drops it, Fetch §http-redirect-fetch step 12).
    pub fn has_body(&self) -> bool {
        self.body
    }

    /// The request's referrer policy now (a redirect's `Referrer-Policy` may change it, Fetch
    /// §http-redirect-fetch step 19); it decides some `Origin` headers.
    pub fn referrer_policy(&self) -> crate::origin::ReferrerPolicy {
        self.referrer_policy
    }

    /// The response tainting so far.
    pub fn tainting(&self) -> ResponseTainting {
        self.tainting
    }

    /// The redirect-taint of the URL list (Fetch §concept-request-tainted-origin).
    pub fn redirect_taint(&self) -> RedirectTaint {
        self.taint
    }

    /// The serialized request origin (Fetch §serializing-a-request-origin): `null` when tainted.
    pub fn serialized_origin(&self) -> String {
        self.request_origin().to_owned()
    }

    /// Whether the last hop that needed a preflight was answered from the cache.
    pub fn preflight_cache_hit(&self) -> bool {
        self.last_preflight_cache_hit
    }

    /// Headers script supplied that are not sent, and why.
    pub fn dropped_headers(&self) -> &[DroppedHeader] {
        &self.dropped
    }

    /// What happened so far, in order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Where the fetch is.
    pub fn state(&self) -> StateKind {
        match self.state {
            State::PreflightReady(_) => StateKind::PreflightReady,
            State::AwaitingPreflight(_) => StateKind::AwaitingPreflight,
            State::RequestReady => StateKind::RequestReady,
            State::AwaitingResponse => StateKind::AwaitingResponse,
            State::Done(_) => StateKind::Done,
        }
    }

    // ----- output ----------------------------------------------------------------------------

    /// What to do next. Polling again after [`Action::Done`] returns the same outcome.
    pub fn poll(&mut self) -> Action {
        match std::mem::replace(&mut self.state, State::AwaitingResponse) {
            State::PreflightReady(pending) => match self.preflight_request(&pending) {
                Ok(request) => {
                    self.state = State::AwaitingPreflight(pending);
                    let out = Outgoing {
                        kind: RequestKind::Preflight,
                        request,
                        credentials: false,
                    };
                    self.hand_out(&out);
                    Action::Send(out)
                }
                Err(error) => {
                    let outcome = Err(Blocked::from(NetworkError::InvalidPreflightRequest {
                        reason: error.to_string(),
                    }));
                    self.state = State::Done(outcome.clone());
                    Action::Done(outcome)
                }
            },
            State::RequestReady => {
                let out = self.actual_request();
                self.state = State::AwaitingResponse;
                self.hand_out(&out);
                Action::Send(out)
            }
            State::AwaitingPreflight(pending) => {
                self.state = State::AwaitingPreflight(pending);
                Action::AwaitResponse
            }
            State::AwaitingResponse => Action::AwaitResponse,
            State::Done(outcome) => {
                let action = Action::Done(outcome.clone());
                self.state = State::Done(outcome);
                action
            }
        }
    }

    /// Records the exchange handed out, and whether it is a retry.
    fn hand_out(&mut self, out: &Outgoing) {
        self.outstanding = Some(Handed {
            kind: out.kind,
            hop: self.redirect_count,
            method: out.request.method().clone(),
        });
        self.retry = match self.retry {
            Retry::Granted => Retry::Used,
            _ => Retry::Available,
        };
    }

    /// The exchange handed out and awaited, if any: the URL it went to is the current URL (the
    /// URL list grows only when its response is a redirect, after this is taken).
    fn take_outstanding(&mut self) -> Option<Exchange> {
        let handed = self.outstanding.take()?;
        Some(Exchange {
            kind: handed.kind,
            hop: handed.hop,
            method: handed.method,
            url: self.current_url().clone(),
        })
    }

    /// The outcome, once the fetch is done.
    pub fn outcome(&self) -> Option<&Result<Response, Blocked>> {
        match &self.state {
            State::Done(outcome) => Some(outcome),
            _ => None,
        }
    }

    // ----- input -----------------------------------------------------------------------------

    /// Hands in the response head of the request last returned by [`Fetch::poll`], whatever
    /// its status (a redirect, a 4xx or 5xx are responses too: the machine judges them), as an
    /// `http::Response<B>` or its `Parts`; the body `B` comes back untouched, to be given to
    /// script only if the outcome allows it (the body of a preflight or a followed redirect is
    /// not script's).
    ///
    /// A 1xx head is not a final response (Fetch §concept-http-network-fetch step 8.5): a
    /// 101 (Switching Protocols) ends the fetch in [`NetworkError::SwitchedProtocols`] without
    /// a CORS check; any other 1xx is skipped ([`Event::InterimSkipped`]) and the fetch keeps
    /// awaiting the final response to the same request.
    ///
    /// `now` is when it arrived (the preflight cache stores expiry times relative to it).
    pub fn handle_response<R: ResponseHead>(
        &mut self,
        ua: &mut UserAgent,
        now: Instant,
        response: R,
    ) -> Result<R::Body, UsageError> {
        let (mut response, body) = response.into_head();
        let awaiting = matches!(
            self.state,
            State::AwaitingPreflight(_) | State::AwaitingResponse
        );
        if awaiting && response.status.is_informational() {
            // Fetch §concept-http-network-fetch step 8.5: while the response's status is 1xx,
            // the fetch waits for the next response; only a "websocket" request (never fetch())
            // stops at a 101.
            if response.status != http::StatusCode::SWITCHING_PROTOCOLS {
                self.events.push(Event::InterimSkipped {
                    status: response.status.as_u16(),
                });
                return Ok(body);
            }
            // A server that switched protocols sends no final response: a network error.
            if let Some(exchange) = self.take_outstanding() {
                let error = NetworkError::SwitchedProtocols {
                    exchange: Box::new(exchange.clone()),
                };
                self.fail_at(ua, Some(exchange), vec![error]);
                return Ok(body);
            }
        }
        if ua.policy.merge_skips_empty_lines {
            // Firefox reads these through its merged header values (empty lines skipped); it
            // counts `Access-Control-Allow-Origin` lines instead, which Fetch's combining matches.
            // The cross-origin resource policy check reads the merged value too.
            for name in [
                "access-control-allow-credentials",
                "access-control-allow-methods",
                "access-control-allow-headers",
                "access-control-max-age",
                "access-control-expose-headers",
                crate::corp::CROSS_ORIGIN_RESOURCE_POLICY,
            ] {
                crate::header::drop_empty_repeated_lines(&mut response.headers, name);
            }
        }
        match std::mem::replace(&mut self.state, State::AwaitingResponse) {
            State::AwaitingPreflight(pending) => {
                let exchange = self.take_outstanding();
                self.on_preflight_response(ua, now, &pending, response, exchange);
                Ok(body)
            }
            State::AwaitingResponse => {
                let exchange = self.take_outstanding();
                self.on_response(ua, now, response, exchange);
                Ok(body)
            }
            other => {
                self.state = other;
                Err(UsageError::UnexpectedResponse {
                    state: self.state(),
                })
            }
        }
    }

    /// Hands in that the request last returned by [`Fetch::poll`] failed at the network level
    /// (Fetch §concept-http-network-fetch step 8: the connection is failure, or the HTTP request
    /// over it fails): refused, reset, timed out, TLS… The fetch ends in
    /// [`NetworkError::RequestFailed`] naming the exchange (on a preflight, Fetch
    /// §cors-preflight-fetch-0 step 8; main fetch step 12.3 then clears the preflight cache
    /// entries as for any network error).
    ///
    /// Except once per request: [`FailureKind::ClosedBeforeResponse`] (a connection closed
    /// before any response byte, as a server closing an idle keep-alive connection does) makes
    /// the fetch hand out the same request again ([`Event::Retrying`]); send it on a new
    /// connection. A request whose body is a stream is not retried (it cannot be sent again,
    /// §concept-http-network-fetch step 8.5).
    pub fn handle_network_failure(
        &mut self,
        ua: &mut UserAgent,
        failure: NetworkFailure,
    ) -> Result<(), UsageError> {
        let awaiting = matches!(
            self.state,
            State::AwaitingPreflight(_) | State::AwaitingResponse
        );
        let Some(exchange) = self.take_outstanding().filter(|_| awaiting) else {
            return Err(UsageError::UnexpectedNetworkFailure {
                state: self.state(),
            });
        };
        let stream_body = exchange.kind == RequestKind::Actual && self.body && self.body_is_stream;
        if failure.kind == FailureKind::ClosedBeforeResponse
            && self.retry == Retry::Available
            && !stream_body
        {
            self.retry = Retry::Granted;
            self.state = match std::mem::replace(&mut self.state, State::AwaitingResponse) {
                State::AwaitingPreflight(pending) => State::PreflightReady(pending),
                _ => State::RequestReady,
            };
            self.events.push(Event::Retrying { exchange, failure });
            return Ok(());
        }
        let error = NetworkError::RequestFailed {
            exchange: Box::new(exchange.clone()),
            failure,
        };
        self.fail_at(ua, Some(exchange), vec![error]);
        Ok(())
    }

    // ----- the algorithms --------------------------------------------------------------------

    /// Main fetch step 12: whether the current URL is fetched by "scheme fetch" (its scheme is
    /// `data`, or the branch is same-origin basic or `no-cors`).
    fn is_scheme_fetch(&self, policy: &Policy) -> bool {
        let hop = HopView {
            origin: &self.origin,
            url: self.current_url(),
            method: &self.method,
            headers: &self.headers,
            mode: self.mode,
            tainting: self.tainting,
            use_cors_preflight: self.use_cors_preflight,
        };
        self.current_url().scheme() == "data"
            || matches!(
                classify(&hop, self.redirect_mode == RedirectMode::Follow, policy),
                Branch::SameOrigin | Branch::NoCors
            )
    }

    /// Fetch §main-fetch step 12 for the current URL, then HTTP fetch step 4.1 (the cache).
    fn main_fetch(&mut self, ua: &mut UserAgent, now: Instant) {
        let policy = &ua.policy;
        // The header list that decides a preflight: the current one (Fetch), or after a redirect
        // the script's original one (policy: Firefox, WebKit).
        let judged = match policy.headers_after_redirect {
            HeadersAfterRedirect::Current => &self.headers,
            _ => self.original_headers.as_ref().unwrap_or(&self.headers),
        };
        let branch = classify(
            &HopView {
                origin: &self.origin,
                url: self.current_url(),
                method: &self.method,
                headers: judged,
                mode: self.mode,
                tainting: self.tainting,
                use_cors_preflight: self.use_cors_preflight,
            },
            self.redirect_mode == RedirectMode::Follow,
            policy,
        );
        let (tainting, mut reasons) = match branch {
            Branch::SameOrigin => (ResponseTainting::Basic, None),
            Branch::NoCors => (ResponseTainting::Opaque, None),
            Branch::BadPort(port) => {
                return self.fail(ua, NetworkError::BadPort { port });
            }
            Branch::SameOriginModeCrossOrigin => {
                let url = self.current_url().to_string();
                return self.fail(ua, NetworkError::SameOriginModeCrossOrigin { url });
            }
            Branch::NoCorsRedirectNotFollow => {
                let redirect_mode = self.redirect_mode;
                return self.fail(
                    ua,
                    NetworkError::NoCorsRedirectModeNotFollow { redirect_mode },
                );
            }
            Branch::NonHttpScheme => {
                let url = self.current_url().to_string();
                return self.fail(ua, NetworkError::CorsModeNonHttpScheme { url });
            }
            Branch::Cors { preflight } => (ResponseTainting::Cors, preflight),
        };
        if tainting == ResponseTainting::Cors {
            if policy.headers_after_redirect == HeadersAfterRedirect::OriginalMinusRemoved {
                // Firefox: names a redirect removed are not listed, but the original list still
                // calls for a preflight.
                let (body_stripped, auth_stripped) = self.last_redirect_stripped;
                if let Some(r) = reasons.as_mut() {
                    let before = r.unsafe_headers.len();
                    r.unsafe_headers.retain(|n| {
                        let n = n.as_str().as_bytes();
                        !(body_stripped && forbidden::is_request_body_header_name(n)
                            || auth_stripped
                                && safelist::is_cors_non_wildcard_request_header_name(n))
                    });
                    r.inherited |= r.unsafe_headers.len() < before;
                }
            }
            if policy.sticky_preflight && self.preflight_required && reasons.is_none() {
                // Firefox, WebKit: a fetch that needed a preflight keeps needing one.
                reasons = Some(PreflightReasons {
                    inherited: true,
                    ..PreflightReasons::default()
                });
            }
        }
        self.tainting = tainting;
        self.hop_preflight_branch = false;
        let preflight = reasons.is_some();
        // (The event keeps the reasons; a pending preflight reads them there.)
        self.events.push(Event::Classified {
            url: self.current_url().clone(),
            tainting,
            preflight: reasons,
        });
        if !preflight {
            self.request_ready(ua);
            return;
        }
        // Main fetch step 12, the preflight branch: HTTP fetch with makeCORSPreflight.
        self.preflight_branch = true;
        self.hop_preflight_branch = true;
        self.preflight_required = true;
        let pending = Pending {
            classified: self.events.len() - 1,
            null_origin: self.preflight_origin_is_null(&ua.policy),
            cors_check: !(policy_skips_same_origin_check(&ua.policy)
                && self.origin.same_origin_with_url(self.current_url())),
        };
        // HTTP fetch step 4.1: is there a cache entry for the method and every unsafe name?
        let hit = self.cache_allows(ua, now, self.preflight_reasons(&pending));
        self.last_preflight_cache_hit = hit;
        if hit {
            let url = self.current_url().clone();
            self.events.push(Event::PreflightCacheHit { url });
            self.request_ready(ua);
        } else {
            self.state = State::PreflightReady(pending);
        }
    }

    /// Why a pending preflight is needed: the reasons its hop's `Event::Classified` holds.
    fn preflight_reasons(&self, pending: &Pending) -> &PreflightReasons {
        /// Not reached: `main_fetch` makes a pending preflight right after its event.
        static NONE: PreflightReasons = PreflightReasons {
            method_not_safelisted: false,
            forced: false,
            inherited: false,
            unsafe_headers: Vec::new(),
        };
        match self.events.get(pending.classified) {
            Some(Event::Classified {
                preflight: Some(reasons),
                ..
            }) => reasons,
            _ => &NONE,
        }
    }

    /// The serialized request origin (Fetch §serializing-a-request-origin), borrowed.
    fn request_origin(&self) -> &str {
        self.origin_or_null(self.taint != RedirectTaint::SameOrigin)
    }

    /// `null`, or the page's serialized origin.
    fn origin_or_null(&self, null: bool) -> &str {
        if null {
            "null"
        } else {
            &self.origin_serialized
        }
    }

    /// Whether preflights carry `null`: the serialized request origin is `null` (a tainted
    /// request), unless `Policy::preflight_ignores_taint`.
    fn preflight_origin_is_null(&self, policy: &Policy) -> bool {
        !policy.preflight_ignores_taint && self.taint != RedirectTaint::SameOrigin
    }

    /// The byte-serialized origin preflights carry and the cache is keyed by: the serialized
    /// request origin, or the page's origin under `Policy::preflight_ignores_taint`.
    fn preflight_origin(&self, policy: &Policy) -> &str {
        self.origin_or_null(self.preflight_origin_is_null(policy))
    }

    /// Whether preflight results for the current hop may be cached or looked up
    /// (`Policy::cache_tainted_preflights`).
    fn cacheable(&self, policy: &Policy) -> bool {
        policy.cache_tainted_preflights
            || policy.preflight_ignores_taint
            || self.taint == RedirectTaint::SameOrigin
    }

    /// HTTP fetch step 4.1: no preflight when the cache has a method entry (if the method needs
    /// one) and a header-name entry for every unsafe name.
    fn cache_allows(&self, ua: &mut UserAgent, now: Instant, reasons: &PreflightReasons) -> bool {
        if !self.cacheable(&ua.policy) {
            return false;
        }
        let include = self.credentials == CredentialsMode::Include;
        let origin = self.preflight_origin(&ua.policy);
        let url = self.current_url().as_str();
        let key = CacheKey {
            partition: &self.partition,
            origin: origin.as_bytes(),
            url,
        };
        let needs_method = reasons.method_not_safelisted || reasons.forced;
        if needs_method
            && !ua
                .cache
                .method_match(now, key, include, self.method.as_str().as_bytes())
        {
            return false;
        }
        let covers = ua.policy.cached_wildcard_covers_authorization;
        if !reasons.unsafe_headers.iter().all(|name| {
            ua.cache
                .header_match_with(now, key, include, name.as_str().as_bytes(), covers)
        }) {
            return false;
        }
        // A preflight called for by neither the method nor a header (`inherited`) is skipped only
        // when a result for this URL exists at all.
        needs_method || !reasons.unsafe_headers.is_empty() || ua.cache.has_match(now, key, include)
    }

    /// Fetch §cors-preflight-fetch-0 steps 1–4.
    fn preflight_request(
        &self,
        pending: &Pending,
    ) -> Result<WireRequest, preflight::PreflightBuildError> {
        // HTTP-network-or-cache fetch step 8.13 for the preflight: a request whose mode is
        // "cors", with the request's URL list, origin and destination (§cors-preflight-fetch-0
        // step 1). `Policy::preflight_metadata` says which origin and URLs its site judges.
        let (origin, url_list) =
            self.preflight_metadata
                .inputs(&self.origin, &self.url_list, pending.null_origin);
        let input = MetadataInput::new(&origin, url_list, Mode::Cors, self.destination);
        let metadata = metadata::append_fetch_metadata(&input, self.metadata_site);
        preflight::preflight_request_to(
            self.target.clone(),
            self.origin_or_null(pending.null_origin),
            &self.method,
            &self.preflight_reasons(pending).unsafe_headers,
            metadata.as_ref(),
        )
    }

    /// The actual request as it goes on the wire for CORS purposes (Fetch
    /// §http-network-or-cache-fetch: the header list, plus "append a request `Origin` header").
    fn actual_request(&mut self) -> Outgoing {
        // Script's lines, then `Origin` and the Fetch metadata (room for all five).
        let mut headers = WireHeaders::with_capacity(self.headers.len() + 5);
        for (name, value) in &self.headers {
            headers.append(name.clone(), value.clone());
        }
        // Chromium: outside mode "cors" a redirect to another origin made the `Origin` header
        // `null` (`Policy::no_cors_cross_origin_redirect_nulls_origin`).
        let request_origin = if self.origin_nulled_by_redirect {
            "null"
        } else {
            self.request_origin()
        };
        let origin_value = crate::origin::origin_header_value(
            &self.origin,
            request_origin,
            self.tainting,
            self.mode,
            self.method.as_str().as_bytes(),
            self.current_url(),
            self.referrer_policy,
        );
        let origin_value = origin_value
            .and_then(|v| HeaderValue::from_str(v).ok())
            .or_else(|| self.origin_carried_over.clone());
        let origin_value = match (&self.origin_carried_over, origin_value) {
            (Some(carried), Some(_)) => Some(carried.clone()),
            (_, value) => value,
        };
        if let Some(value) = &origin_value {
            headers.insert(http::header::ORIGIN, value.clone());
        }
        self.last_origin_header = origin_value;
        // HTTP-network-or-cache fetch step 8.13: append the Fetch metadata headers (W3C Fetch
        // Metadata §fetch-integration), unless the policy drops them on this hop.
        if !self.metadata_dropped {
            let mut input =
                MetadataInput::new(&self.origin, &self.url_list, self.mode, self.destination);
            input.user_activation = self.user_activation;
            if let Some(metadata) = metadata::append_fetch_metadata(&input, self.metadata_site) {
                metadata.set_in_wire(&mut headers);
            }
        }
        let request = WireRequest::new(self.method.clone(), self.target.clone(), headers);
        // HTTP-network-or-cache fetch step 8.3: includeCredentials.
        let credentials = match self.credentials {
            CredentialsMode::Include => true,
            CredentialsMode::SameOrigin => self.tainting == ResponseTainting::Basic,
            CredentialsMode::Omit => false,
        };
        Outgoing {
            kind: RequestKind::Actual,
            request,
            credentials,
        }
    }

    /// Fetch §cors-preflight-fetch-0 steps 6–8, then the cache update (steps 7.10–7.12).
    fn on_preflight_response(
        &mut self,
        ua: &mut UserAgent,
        now: Instant,
        pending: &Pending,
        parts: http::response::Parts,
        exchange: Option<Exchange>,
    ) {
        let header_names: Vec<&[u8]> = self.headers.keys().map(|n| n.as_str().as_bytes()).collect();
        let result = preflight::validate_preflight_response_all(
            parts.status,
            &parts.headers,
            &preflight::PreflightFor {
                origin: self.origin_or_null(pending.null_origin).as_bytes(),
                method: self.method.as_str().as_bytes(),
                header_names: &header_names,
                unsafe_names: &self.preflight_reasons(pending).unsafe_headers,
                credentials: self.credentials,
                use_cors_preflight: self.use_cors_preflight,
                cors_check: pending.cors_check,
            },
            &ua.policy,
        );
        let result = match result {
            Err(errors) => return self.fail_at(ua, exchange, errors),
            Ok(result) => result,
        };
        // Steps 7.10–7.12: create or update cache entries.
        let cached_for = result.max_age.filter(|_| self.cacheable(&ua.policy));
        if let Some(max_age) = cached_for {
            let include = self.credentials == CredentialsMode::Include;
            let key = CacheKey {
                partition: &self.partition,
                origin: self.origin_or_null(pending.null_origin).as_bytes(),
                url: self.current_url().as_str(),
            };
            // A `*` entry is only an approval without credentials (steps 7.5 and 7.7); storing
            // one for a credentialed request would let it approve any later credentialed method.
            let store_wildcards = ua.policy.cache_wildcards && !include;
            let covers = ua.policy.cached_wildcard_covers_authorization;
            let unsafe_names = &self.preflight_reasons(pending).unsafe_headers;
            let own_method = |m: &str| m == "*" || m == self.method.as_str();
            let own_header = |h: &str| {
                h == "*"
                    || unsafe_names
                        .iter()
                        .any(|n| n.as_str().eq_ignore_ascii_case(h))
            };
            // The entries this request itself needs go in last, so that when the server lists
            // more than the cache holds, eviction (CLOCK: unused entries first) takes the others
            // and the next identical request still finds its own.
            for own in [false, true] {
                for m in result
                    .methods
                    .iter()
                    .filter(|m| (store_wildcards || *m != "*") && own_method(m) == own)
                {
                    ua.cache
                        .insert_method(now, key, include, m.as_bytes(), max_age);
                }
                for h in result
                    .header_names
                    .iter()
                    .filter(|h| (store_wildcards || *h != "*") && own_header(h) == own)
                {
                    ua.cache
                        .insert_header_with(now, key, include, h.as_bytes(), max_age, covers);
                }
            }
            // Firefox and WebKit keep one cache item per origin and URL, whatever it lists: a
            // passed preflight that listed no method and no header name, or only tokens the
            // cache does not keep (`*` with credentials, or in Firefox at all), still lets a
            // later request that needs one only because its fetch did (`Policy::sticky_preflight`,
            // the `inherited` reason) skip it. An entry for the request's own method, when it is
            // a safelisted one (it approves nothing: such a method is never looked up), records
            // that.
            if ua.policy.sticky_preflight
                && method::is_cors_safelisted_method(self.method.as_str().as_bytes())
            {
                ua.cache
                    .insert_method(now, key, include, self.method.as_str().as_bytes(), max_age);
            }
        }
        self.events.push(Event::PreflightPassed {
            url: self.current_url().clone(),
            cached_for,
        });
        self.request_ready(ua);
    }

    /// The current hop's request is ready to be sent, unless the policy fails it here
    /// (`Policy::recheck_redirects_after_credentials_drop`).
    fn request_ready(&mut self, ua: &mut UserAgent) {
        if self.fail_before_request {
            self.fail(ua, NetworkError::RedirectAfterCredentialsDropped);
        } else {
            self.state = State::RequestReady;
        }
    }

    /// HTTP fetch steps 4.3–4.4 (the CORS check) and 6.3 (redirects), then main fetch's filtering.
    fn on_response(
        &mut self,
        ua: &mut UserAgent,
        now: Instant,
        parts: http::response::Parts,
        exchange: Option<Exchange>,
    ) {
        let status = parts.status.as_u16();
        // HTTP fetch step 4.4: the CORS check, on every response of a CORS request (redirects too).
        if self.tainting == ResponseTainting::Cors {
            let origin = self.request_origin();
            let stage = if redirect::is_redirect_status(status) {
                Stage::Redirect
            } else {
                Stage::Response
            };
            let errors =
                check::cors_check_all(stage, &parts.headers, origin.as_bytes(), self.credentials);
            if !errors.is_empty() {
                return self.fail_at(ua, exchange, errors);
            }
        }
        // HTTP fetch step 5: the cross-origin resource policy check, for a response (a redirect
        // too) of a request whose response tainting is "opaque".
        if self.tainting == ResponseTainting::Opaque {
            let mut check = CorpCheck::new(&self.origin, self.current_url(), &parts.headers);
            check.embedder_policy = self.embedder_policy;
            // The response's request-includes-credentials (HTTP-network-or-cache fetch step
            // 8.3: with "opaque" tainting, only credentials mode "include" sends them).
            check.request_includes_credentials = self.credentials == CredentialsMode::Include;
            if let Err(blocked) = corp::cross_origin_resource_policy_check(&check, ua.policy.corp) {
                let stage = if redirect::is_redirect_status(status) {
                    Stage::Redirect
                } else {
                    Stage::Response
                };
                let error = NetworkError::CrossOriginResourcePolicy { stage, blocked };
                return self.fail_at(ua, exchange, vec![error]);
            }
        }
        // HTTP fetch step 6.3: a redirect status; switch on the redirect mode.
        if redirect::is_redirect_status(status) {
            let location_absent = || {
                let current = self.current_url();
                let rules = ua.policy.location;
                matches!(
                    redirect::location_url_with(&parts.headers, current, None, rules),
                    Ok(None)
                )
            };
            match self.redirect_mode {
                RedirectMode::Error
                    if ua.policy.redirect_error_needs_location && location_absent() => {}
                RedirectMode::Error => {
                    let error = NetworkError::RedirectModeError { status };
                    return self.fail_at(ua, exchange, vec![error]);
                }
                RedirectMode::Manual => {
                    let response = FilteredResponse::opaque_redirect(self.url_list.clone());
                    return self.finish(response);
                }
                RedirectMode::Follow => {
                    match self.follow_redirect(ua, now, parts.status, &parts.headers) {
                        Ok(true) => return,
                        Ok(false) => {} // No Location: the response is returned as it is.
                        Err(error) => return self.fail_at(ua, exchange, vec![error]),
                    }
                }
            }
        }
        // Main fetch steps 14–15: the filtered response.
        let response = self.filtered(parts.status, &parts.headers);
        self.finish(response);
    }

    /// Fetch §http-redirect-fetch. `Ok(true)`: a new main fetch started; `Ok(false)`: no
    /// `Location`, return the response as is.
    fn follow_redirect(
        &mut self,
        ua: &mut UserAgent,
        now: Instant,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> Result<bool, NetworkError> {
        let status = status.as_u16();
        let current = self.current_url().clone();
        // Step 3: the location URL.
        let rules = ua.policy.location;
        let location =
            match redirect::location_url_with(headers, &current, current.fragment(), rules) {
                Ok(Some(url)) => url,
                // Step 4: no Location.
                Ok(None) => return Ok(false),
                // Step 5: failure.
                Err(_) => {
                    let location = crate::header::get(headers, http::header::LOCATION);
                    return Err(NetworkError::RedirectLocationInvalid {
                        location: location.unwrap_or_default(),
                    });
                }
            };
        // Step 6: only HTTP(S).
        if !matches!(location.scheme(), "http" | "https") {
            return Err(NetworkError::RedirectToNonHttpScheme {
                url: location.to_string(),
            });
        }
        // Step 5 ("failure") also covers a URL that parses but cannot be sent: engines' URL
        // parsers fail beyond a length (Chromium 2 MiB, Firefox 1 MiB); here the limit is what a
        // request target (`http::Uri`) can hold.
        let target = match crate::request::try_request_target(&location) {
            Ok(target) => target,
            Err(reason) => return Err(NetworkError::RedirectUrlNotSendable { reason }),
        };
        // Steps 7–8: the redirect limit.
        if self.redirect_count >= REDIRECT_LIMIT {
            return Err(NetworkError::RedirectLimit);
        }
        self.redirect_count += 1;
        let location_origin = Origin::of_url(&location);
        let has_credentials = redirect::includes_credentials(&location);
        // Step 9: cors mode, credentials in a cross-origin location.
        // Step 10: cors tainting, credentials in any location.
        if has_credentials
            && ((self.mode == Mode::Cors && !self.origin.same_origin(&location_origin))
                || self.tainting == ResponseTainting::Cors
                || ua.policy.reject_userinfo_in_any_redirect)
        {
            return Err(NetworkError::RedirectUrlHasCredentials {
                url: location.to_string(),
            });
        }
        // Step 11: a body that cannot be sent again (a stream) fails any redirect but 303.
        if status != 303 && self.body && self.body_is_stream {
            return Err(NetworkError::RedirectBodyNotReplayable { status });
        }
        let current_origin = Origin::of_url(&current);
        let cross_origin = !current_origin.same_origin(&location_origin);
        // WebKit: the request after a cross-origin hop in mode "cors" carries no Fetch metadata.
        self.metadata_dropped = ua.policy.metadata_dropped_after_cross_origin_cors_redirect
            && cross_origin
            && self.mode == Mode::Cors;
        // Step 12: 301/302 POST and 303 non-GET/HEAD become GET without body (and, under the
        // policy, a cross-origin DELETE on any redirect: WebKit).
        let method_rewritten = redirect::rewrites_to_get(status, &self.method)
            || (ua.policy.delete_becomes_get_cross_origin
                && cross_origin
                && self.method == Method::DELETE);
        if method_rewritten {
            self.method = Method::GET;
            self.body = false;
            self.body_is_stream = false;
            self.remove_headers(forbidden::is_request_body_header_name);
        }
        self.last_redirect_stripped = (method_rewritten, cross_origin);
        // Step 13: a new origin removes the CORS non-wildcard request-header names.
        let authorization_removed =
            cross_origin && self.remove_headers(safelist::is_cors_non_wildcard_request_header_name);
        // Headers the engine drops on every redirect (`Policy::redirect_removes_headers`).
        let dropped = ua.policy.redirect_removes_headers;
        if !dropped.is_empty() {
            self.remove_headers(|n| dropped.iter().any(|d| n.eq_ignore_ascii_case(d.as_bytes())));
        }
        // Outside mode "cors", a hop to another origin makes `Origin` `null` (policy: Chromium).
        if ua.policy.no_cors_cross_origin_redirect_nulls_origin
            && cross_origin
            && self.mode != Mode::Cors
        {
            self.origin_nulled_by_redirect = true;
        }
        // A same-origin hop may carry the last `Origin` over (policy: WebKit).
        self.origin_carried_over =
            if ua.policy.keep_origin_header_same_origin_redirect && !cross_origin {
                self.last_origin_header.clone()
            } else {
                None
            };
        self.events.push(Event::Redirected {
            status,
            to: location.clone(),
            method_rewritten,
            authorization_removed,
        });
        // WebKit: in mode cors with credentials "same-origin", once a redirect has taken a fetch
        // whose URLs were all same-origin with the page to another origin (credentials stop being
        // sent), each later redirect response is CORS-checked again as if credentials were
        // included; failing that, the request it leads to is not sent (after any preflight).
        if ua.policy.recheck_redirects_after_credentials_drop
            && self.mode == Mode::Cors
            && self.credentials == CredentialsMode::SameOrigin
        {
            if self.credentials_dropped {
                let origin = self.request_origin();
                self.fail_before_request = check::cors_check_at(
                    Stage::Redirect,
                    headers,
                    origin.as_bytes(),
                    CredentialsMode::Include,
                )
                .is_err();
            } else if !self.origin.same_origin(&location_origin)
                && (self.url_list.iter()).all(|u| self.origin.same_origin_with_url(u))
            {
                self.credentials_dropped = true;
            }
        }
        // Step 18: append the location to the URL list (and fold its step of the redirect-taint
        // in, Fetch §concept-request-tainted-origin step 4).
        let step =
            crate::origin::redirect_taint_step(&self.origin, &current_origin, &location_origin);
        self.taint = self.taint.max(step);
        self.url_list.push(location);
        self.target = target;
        // Step 19: set request's referrer policy on redirect.
        if let Some(policy) = redirect::referrer_policy_from_header(headers) {
            self.referrer_policy = policy;
        }
        // Step 22: main fetch, recursively.
        self.main_fetch(ua, now);
        Ok(true)
    }

    /// Removes every header whose name satisfies `rule`; true if any was.
    fn remove_headers(&mut self, rule: impl Fn(&[u8]) -> bool) -> bool {
        let names: Vec<HeaderName> = self
            .headers
            .keys()
            .filter(|n| rule(n.as_str().as_bytes()))
            .cloned()
            .collect();
        if names.is_empty() {
            return false;
        }
        // The script's list, before the first removal (`Policy::headers_after_redirect`).
        self.original_headers
            .get_or_insert_with(|| self.headers.clone());
        for name in &names {
            self.headers.remove(name);
        }
        true
    }

    /// Main fetch steps 14–15 and the filtered response types (§concept-filtered-response).
    fn filtered(&self, status: StatusCode, headers: &HeaderMap) -> Response {
        FilteredResponse::new(
            self.tainting,
            status.as_u16(),
            headers,
            self.credentials,
            self.url_list.clone(),
        )
    }

    fn finish(&mut self, response: Response) {
        self.state = State::Done(Ok(response));
    }

    /// A network error before the current hop's request is sent (main fetch refused it).
    fn fail(&mut self, ua: &mut UserAgent, error: NetworkError) {
        self.fail_at(ua, None, vec![error]);
    }

    /// A network error ends the fetch: `errors` (never empty; the first is the one Fetch
    /// returns) at `exchange`. Main fetch step 12.3 clears the cache entries for the request
    /// when the CORS-with-preflight branch was taken.
    fn fail_at(
        &mut self,
        ua: &mut UserAgent,
        exchange: Option<Exchange>,
        errors: Vec<NetworkError>,
    ) {
        let Some(blocked) = Blocked::new(exchange, errors) else {
            return;
        };
        let error = blocked.error();
        let clear = match ua.policy.clear_cache_on {
            ClearCacheOn::NetworkError => self.preflight_branch,
            ClearCacheOn::CorsCheckFailure => {
                self.hop_preflight_branch
                    && error.is_cors_check()
                    && error.stage() != Some(Stage::Preflight)
            }
            ClearCacheOn::Never => false,
        };
        if clear {
            let origin = self.preflight_origin(&ua.policy);
            ua.cache.clear(CacheKey {
                partition: &self.partition,
                origin: origin.as_bytes(),
                url: self.current_url().as_str(),
            });
            self.events.push(Event::CacheCleared {
                url: self.current_url().clone(),
            });
        }
        self.state = State::Done(Err(blocked));
    }
}
