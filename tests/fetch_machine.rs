//! The state machine, step by step (issue 7): the Request constructor's checks, main fetch's
//! branches, HTTP fetch's redirect modes and CORS check on redirects, HTTP-redirect fetch's rules
//! (location URL, method rewrite, `Authorization` across origins, userinfo, stream bodies, the
//! referrer policy), the preflight on a redirect, the cache rules, includeCredentials, and the
//! state the driver can inspect at every step. Each test names the Fetch step it covers
//! (spec-notes/fetch.md maps them back).

use std::time::{Duration, Instant};

use corsgate::origin::{RedirectTaint, ReferrerPolicy};
use corsgate::{
    Action, CredentialsMode, DropReason, Event, Fetch, FetchRequest, Mode, NetworkError, Origin,
    Outgoing, Policy, RedirectMode, RequestError, RequestKind, ResponseTainting, ResponseType,
    Stage, StateKind, UserAgent,
};
use http::{HeaderName, HeaderValue, Method};

const PAGE: &str = "https://app.example";

fn page() -> Origin {
    Origin::of_url(&format!("{PAGE}/").parse().unwrap())
}

fn req(url: &str) -> FetchRequest {
    FetchRequest::new(page(), url.parse().unwrap())
}

fn header(name: &'static str, value: &'static str) -> (HeaderName, HeaderValue) {
    (
        HeaderName::from_static(name),
        HeaderValue::from_static(value),
    )
}

fn with_header(r: FetchRequest, name: &'static str, value: &'static str) -> FetchRequest {
    let (n, v) = header(name, value);
    r.header(n, v)
}

fn head(status: u16, headers: &[(&str, &str)]) -> http::Response<()> {
    let mut b = http::Response::builder().status(status);
    for (n, v) in headers {
        b = b.header(*n, *v);
    }
    b.body(()).unwrap()
}

/// The CORS headers that approve a request from `origin` (the `Origin` it carried).
fn approve(origin: &str, status: u16, extra: &[(&str, &str)]) -> http::Response<()> {
    let mut h = vec![
        ("access-control-allow-origin", origin),
        ("access-control-allow-credentials", "true"),
    ];
    h.extend_from_slice(extra);
    head(status, &h)
}

fn origin_of(out: &Outgoing) -> String {
    out.request
        .headers()
        .get("origin")
        .map_or("<none>".into(), |v| v.to_str().unwrap().to_owned())
}

fn send(fetch: &mut Fetch) -> Outgoing {
    match fetch.poll() {
        Action::Send(out) => out,
        other => panic!("expected a request, got {other:?}"),
    }
}

fn answer(fetch: &mut Fetch, ua: &mut UserAgent, response: http::Response<()>) {
    fetch
        .handle_response(ua, Instant::now(), response)
        .expect("a response was awaited");
}

fn done(fetch: &mut Fetch) -> Result<corsgate::Response, NetworkError> {
    match fetch.poll() {
        // The rule Fetch's algorithm returns (`Blocked::error`).
        Action::Done(outcome) => outcome.map_err(corsgate::Blocked::into_error),
        other => panic!("expected the end, got {other:?}"),
    }
}

/// Sends the first request, answers it with a redirect to `location` (approved for CORS).
fn redirect_once(
    ua: &mut UserAgent,
    request: FetchRequest,
    status: u16,
    location: &str,
    extra: &[(&str, &str)],
) -> Fetch {
    let mut fetch = ua.start(Instant::now(), request).unwrap();
    let out = send(&mut fetch);
    assert_eq!(out.kind, RequestKind::Actual);
    let mut h = vec![("location", location)];
    h.extend_from_slice(extra);
    let origin = origin_of(&out);
    answer(&mut fetch, ua, approve(&origin, status, &h));
    fetch
}

// ----- the Request constructor and fetch() ---------------------------------------------------

/// Fetch §dom-request step 5.4, 25, 30.1, 35: refused before anything is sent.
#[test]
fn request_constructor_type_errors() {
    let mut ua = UserAgent::new(Policy::spec());
    let now = Instant::now();
    assert!(matches!(
        ua.start(now, req("https://u:p@api.example/")).unwrap_err(),
        RequestError::UrlHasCredentials(_)
    ));
    assert!(matches!(
        ua.start(now, req("https://api.example/").method(Method::CONNECT))
            .unwrap_err(),
        RequestError::Method(_)
    ));
    assert_eq!(
        ua.start(
            now,
            req("https://api.example/")
                .method(Method::PUT)
                .mode(Mode::NoCors)
        )
        .unwrap_err(),
        RequestError::NoCorsMethod("PUT".into())
    );
    assert_eq!(
        ua.start(now, req("https://api.example/").body(true))
            .unwrap_err(),
        RequestError::BodyWithGetOrHead("GET".into())
    );
}

/// Fetch §dom-request steps 32–33: the `request` guard drops forbidden request-headers; the
/// `request-no-cors` guard also drops what is not no-CORS-safelisted. Neither is sent.
#[test]
fn guards_drop_headers_and_say_why() {
    let mut ua = UserAgent::new(Policy::spec());
    let r = with_header(req("https://api.example/"), "cookie", "a=1");
    let r = with_header(r, "x-token", "1");
    let mut fetch = ua.start(Instant::now(), r).unwrap();
    let dropped = fetch.dropped_headers();
    assert_eq!(dropped.len(), 1);
    assert_eq!(
        (dropped[0].name.as_str(), dropped[0].reason),
        ("cookie", DropReason::Forbidden)
    );
    let preflight = send(&mut fetch);
    assert_eq!(preflight.kind, RequestKind::Preflight);
    assert_eq!(
        preflight.request.headers()["access-control-request-headers"],
        "x-token"
    );

    let r = with_header(
        req("https://api.example/").mode(Mode::NoCors),
        "x-token",
        "1",
    );
    let r = with_header(r, "accept", "text/html");
    let mut fetch = ua.start(Instant::now(), r).unwrap();
    assert_eq!(
        fetch
            .dropped_headers()
            .iter()
            .map(|d| (d.name.as_str(), d.reason))
            .collect::<Vec<_>>(),
        [("x-token", DropReason::NotNoCorsSafelisted)]
    );
    let out = send(&mut fetch);
    assert!(out.request.headers().get("x-token").is_none());
    assert_eq!(out.request.headers()["accept"], "text/html");
}

/// Fetch §concept-headers-append step 1 under the `request` guard: a value is normalized before it
/// is stored, and kept headers stay in script's order, whether or not the guard drops another
/// header (here a name the engine forbids, `Policy::extra_forbidden_request_headers`).
#[test]
fn request_guard_normalizes_values_and_keeps_order() {
    let mut ua = UserAgent::new(Policy::chromium());
    let extras = [None, Some(("user-agent", "bot"))];
    for (value, extra) in ["1", " 1\t"]
        .into_iter()
        .flat_map(|v| extras.map(|e| (v, e)))
    {
        let r = with_header(req(&format!("{PAGE}/x")), "x-b", value);
        let r = with_header(r, "accept", "text/html");
        let r = match extra {
            Some((n, v)) => with_header(r, n, v),
            None => r,
        };
        let r = with_header(r, "x-b", "2");
        let mut fetch = ua.start(Instant::now(), r).unwrap();
        let dropped: Vec<_> = (fetch.dropped_headers().iter())
            .map(|d| (d.name.as_str(), d.value.to_str().unwrap(), d.reason))
            .collect();
        let forbidden = extra.map(|(n, v)| (n, v, DropReason::Forbidden));
        assert_eq!(dropped, Vec::from_iter(forbidden));
        let kept: Vec<_> = (fetch.headers().iter())
            .map(|(n, v)| (n.as_str(), v.as_bytes()))
            .collect();
        let want = [("x-b", &b"1"[..]), ("x-b", b"2"), ("accept", b"text/html")];
        assert_eq!(kept, want);
        // Same origin: the request itself goes out, with the kept list.
        let out = send(&mut fetch);
        assert_eq!(out.kind, RequestKind::Actual);
        // The kept list in order, then the Fetch metadata headers (HTTP-network-or-cache fetch).
        let sent: Vec<_> = (out.request.headers().iter())
            .map(|(n, v)| (n.as_str(), v.as_bytes()))
            .collect();
        assert_eq!(sent[..3], want);
        assert_eq!(
            sent[3..],
            [
                ("sec-fetch-dest", &b"empty"[..]),
                ("sec-fetch-mode", b"cors"),
                ("sec-fetch-site", b"same-origin"),
            ]
        );
    }
}

// ----- main fetch ------------------------------------------------------------------------------

/// Main fetch step 12: `same-origin` mode to another origin is a network error, nothing sent.
#[test]
fn same_origin_mode_cross_origin_fails() {
    let mut ua = UserAgent::new(Policy::spec());
    let mut fetch = ua
        .start(
            Instant::now(),
            req("https://api.example/").mode(Mode::SameOrigin),
        )
        .unwrap();
    assert_eq!(fetch.state(), StateKind::Done);
    assert!(matches!(
        done(&mut fetch),
        Err(NetworkError::SameOriginModeCrossOrigin { .. })
    ));
}

/// Main fetch step 12 (`no-cors`): tainting opaque, no CORS check (a response without any
/// `Access-Control-*` passes), an opaque filtered response (status 0, no headers, no URL list).
#[test]
fn no_cors_gives_an_opaque_response() {
    let mut ua = UserAgent::new(Policy::spec());
    let mut fetch = ua
        .start(
            Instant::now(),
            req("https://api.example/").mode(Mode::NoCors),
        )
        .unwrap();
    assert_eq!(fetch.tainting(), ResponseTainting::Opaque);
    let out = send(&mut fetch);
    assert!(out.request.headers().get("origin").is_none());
    answer(
        &mut fetch,
        &mut ua,
        head(200, &[("content-type", "text/plain")]),
    );
    let r = done(&mut fetch).unwrap();
    assert_eq!(r.response_type, ResponseType::Opaque);
    assert_eq!((r.status, r.header_names.len(), r.url()), (0, 0, None));
}

/// Main fetch step 7: a bad port is a network error in every mode.
#[test]
fn bad_port_fails() {
    let mut ua = UserAgent::new(Policy::spec());
    for mode in [Mode::Cors, Mode::NoCors] {
        let mut fetch = ua
            .start(Instant::now(), req("https://api.example:25/").mode(mode))
            .unwrap();
        assert_eq!(done(&mut fetch), Err(NetworkError::BadPort { port: 25 }));
    }
}

/// Main fetch step 12 (preflight branch) step 3: a network error clears the cache entries of
/// the current URL (spec); Chromium keeps them (`Policy::clear_cache_on`).
#[test]
fn a_network_error_clears_the_preflight_cache() {
    for (policy, cleared) in [(Policy::spec(), true), (Policy::chromium(), false)] {
        let mut ua = UserAgent::new(policy.clone());
        let put = || req("https://api.example/x").method(Method::PUT);
        let mut fetch = ua.start(Instant::now(), put()).unwrap();
        let pf = send(&mut fetch);
        answer(
            &mut fetch,
            &mut ua,
            approve(
                PAGE,
                204,
                &[
                    ("access-control-allow-methods", "PUT"),
                    ("access-control-max-age", "600"),
                ],
            ),
        );
        assert_eq!(pf.kind, RequestKind::Preflight);
        assert_eq!(ua.cache().len(), 1);
        let _actual = send(&mut fetch);
        // The actual response has no Access-Control-Allow-Origin: the CORS check fails.
        answer(&mut fetch, &mut ua, head(200, &[]));
        assert!(matches!(
            done(&mut fetch),
            Err(NetworkError::MissingAllowOrigin {
                stage: Stage::Response,
                ..
            })
        ));
        assert_eq!(ua.cache().is_empty(), cleared, "{}", policy.name);
        assert_eq!(
            fetch
                .events()
                .iter()
                .any(|e| matches!(e, Event::CacheCleared { .. })),
            cleared
        );
        // The next PUT preflights again exactly when the entries were cleared.
        let mut again = ua.start(Instant::now(), put()).unwrap();
        assert_eq!(send(&mut again).kind == RequestKind::Preflight, cleared);
    }
}

// ----- HTTP fetch: redirect modes and the CORS check on redirects ---------------------------------

/// HTTP fetch step 6.3: redirect mode `error` fails on a redirect; `manual` gives an
/// opaque-redirect filtered response (status 0, no headers, the URL list kept).
#[test]
fn redirect_modes_error_and_manual() {
    let mut ua = UserAgent::new(Policy::spec());
    let fetch = &mut redirect_once(
        &mut ua,
        req("https://api.example/a").redirect(RedirectMode::Error),
        302,
        "/b",
        &[],
    );
    assert_eq!(
        done(fetch),
        Err(NetworkError::RedirectModeError { status: 302 })
    );

    let fetch = &mut redirect_once(
        &mut ua,
        req("https://api.example/a").redirect(RedirectMode::Manual),
        301,
        "/b",
        &[],
    );
    let r = done(fetch).unwrap();
    assert_eq!(r.response_type, ResponseType::OpaqueRedirect);
    assert_eq!((r.status, r.header_names.len()), (0, 0));
    assert_eq!(r.url().unwrap().as_str(), "https://api.example/a");
    assert_eq!(fetch.url_list().len(), 1, "nothing was followed");
}

/// HTTP fetch step 4.4: a CORS request's redirect response is CORS-checked before it is
/// followed (in every redirect mode).
#[test]
fn redirect_responses_are_cors_checked() {
    for mode in [RedirectMode::Follow, RedirectMode::Manual] {
        let mut ua = UserAgent::new(Policy::spec());
        let mut fetch = ua
            .start(Instant::now(), req("https://api.example/a").redirect(mode))
            .unwrap();
        let _ = send(&mut fetch);
        answer(&mut fetch, &mut ua, head(302, &[("location", "/b")]));
        assert_eq!(
            done(&mut fetch),
            Err(NetworkError::MissingAllowOrigin {
                stage: Stage::Redirect,
                origin: PAGE.into()
            })
        );
        assert_eq!(fetch.url_list().len(), 1);
    }
}

// ----- CORS-preflight fetch -----------------------------------------------------------------

/// §cors-preflight-fetch-0 step 8: a preflight answered with a redirect is a network error; the
/// preflight never follows it and the actual request is never sent.
#[test]
fn preflight_answered_with_a_redirect_fails() {
    for status in [301, 302, 303, 307, 308] {
        let mut ua = UserAgent::new(Policy::spec());
        let mut fetch = ua
            .start(
                Instant::now(),
                req("https://api.example/").method(Method::PUT),
            )
            .unwrap();
        assert_eq!(send(&mut fetch).kind, RequestKind::Preflight);
        answer(
            &mut fetch,
            &mut ua,
            approve(
                PAGE,
                status,
                &[
                    ("location", "https://api.example/ok"),
                    ("access-control-allow-methods", "PUT"),
                ],
            ),
        );
        assert!(
            matches!(
                done(&mut fetch),
                Err(NetworkError::PreflightRedirect { .. })
            ),
            "{status}"
        );
        assert_eq!(fetch.url_list().len(), 1);
    }
}

/// Main fetch runs again at the redirect target (HTTP-redirect fetch step 22): a request that
/// needs a preflight preflights again there, with the new URL and, after a tainting redirect,
/// `Origin: null` (§serializing-a-request-origin).
#[test]
fn a_redirect_target_is_preflighted_again() {
    let mut ua = UserAgent::new(Policy::spec());
    let r = req("https://api.example/a").method(Method::PUT);
    let mut fetch = ua.start(Instant::now(), r).unwrap();
    let pf = send(&mut fetch);
    assert_eq!(pf.request.uri(), "https://api.example/a");
    answer(
        &mut fetch,
        &mut ua,
        approve(PAGE, 204, &[("access-control-allow-methods", "PUT")]),
    );
    let _ = send(&mut fetch);
    answer(
        &mut fetch,
        &mut ua,
        approve(PAGE, 307, &[("location", "https://other.example/b")]),
    );
    // api.example → other.example: the origin is tainted.
    assert_eq!(fetch.redirect_taint(), RedirectTaint::CrossSite);
    assert_eq!(fetch.serialized_origin(), "null");
    let pf2 = send(&mut fetch);
    assert_eq!(pf2.kind, RequestKind::Preflight);
    assert_eq!(pf2.request.uri(), "https://other.example/b");
    assert_eq!(
        pf2.request.headers()["access-control-request-method"],
        "PUT"
    );
    assert_eq!(origin_of(&pf2), "null");
    answer(
        &mut fetch,
        &mut ua,
        approve("null", 204, &[("access-control-allow-methods", "PUT")]),
    );
    let actual = send(&mut fetch);
    assert_eq!(
        (actual.request.method(), origin_of(&actual).as_str()),
        (&Method::PUT, "null")
    );
    answer(&mut fetch, &mut ua, approve("null", 200, &[]));
    assert!(done(&mut fetch).unwrap().redirected());
}

/// `*` in `Access-Control-Allow-Methods` is a wildcard only without credentials (step 7.5); a
/// credentialed preflight's `*` entry is not stored, so it cannot approve a later credentialed
/// method that was never listed.
#[test]
fn a_credentialed_wildcard_is_not_cached() {
    let mut ua = UserAgent::new(Policy::spec());
    let put = req("https://api.example/")
        .method(Method::PUT)
        .credentials(CredentialsMode::Include);
    let mut fetch = ua.start(Instant::now(), put).unwrap();
    let _ = send(&mut fetch);
    answer(
        &mut fetch,
        &mut ua,
        approve(
            PAGE,
            204,
            &[
                ("access-control-allow-methods", "PUT, *"),
                ("access-control-max-age", "600"),
            ],
        ),
    );
    assert_eq!(ua.cache().len(), 1, "PUT only, not *");
    let delete = req("https://api.example/")
        .method(Method::DELETE)
        .credentials(CredentialsMode::Include);
    let mut fetch = ua.start(Instant::now(), delete).unwrap();
    assert_eq!(send(&mut fetch).kind, RequestKind::Preflight);
}

/// §http-network-or-cache-fetch step 8.3: includeCredentials is true for `include`, and for
/// `same-origin` only while the tainting is basic; a preflight never carries credentials.
#[test]
fn include_credentials() {
    let mut ua = UserAgent::new(Policy::spec());
    for (url, mode, want) in [
        ("https://app.example/", CredentialsMode::SameOrigin, true),
        ("https://api.example/", CredentialsMode::SameOrigin, false),
        ("https://api.example/", CredentialsMode::Include, true),
        ("https://app.example/", CredentialsMode::Omit, false),
    ] {
        let mut fetch = ua
            .start(Instant::now(), req(url).credentials(mode))
            .unwrap();
        assert_eq!(send(&mut fetch).credentials, want, "{url} {mode}");
    }
    let r = req("https://api.example/")
        .method(Method::PUT)
        .credentials(CredentialsMode::Include);
    let mut fetch = ua.start(Instant::now(), r).unwrap();
    let pf = send(&mut fetch);
    assert_eq!((pf.kind, pf.credentials), (RequestKind::Preflight, false));
}

// ----- HTTP-redirect fetch --------------------------------------------------------------------

/// Step 3 (§concept-response-location-url): the location is parsed against the response's URL;
/// one without a fragment inherits the request's.
#[test]
fn location_is_resolved_and_inherits_the_fragment() {
    let mut ua = UserAgent::new(Policy::spec());
    let fetch = redirect_once(
        &mut ua,
        req("https://api.example/x/y#top"),
        302,
        "../z?q",
        &[],
    );
    assert_eq!(fetch.current_url().as_str(), "https://api.example/z?q#top");
    let fetch = redirect_once(
        &mut ua,
        req("https://api.example/x#top"),
        302,
        "/z#own",
        &[],
    );
    assert_eq!(fetch.current_url().as_str(), "https://api.example/z#own");
}

/// Steps 4–6: no `Location` returns the redirect as the response; an unparsable one or a
/// non-HTTP(S) target is a network error.
#[test]
fn location_absent_invalid_or_not_http() {
    let mut ua = UserAgent::new(Policy::spec());
    let mut fetch = ua
        .start(Instant::now(), req("https://api.example/"))
        .unwrap();
    let _ = send(&mut fetch);
    answer(&mut fetch, &mut ua, approve(PAGE, 302, &[]));
    assert_eq!(done(&mut fetch).unwrap().status, 302);

    let fetch = &mut redirect_once(&mut ua, req("https://api.example/"), 302, "http://[", &[]);
    assert_eq!(
        done(fetch),
        Err(NetworkError::RedirectLocationInvalid {
            location: b"http://[".to_vec()
        })
    );
    let fetch = &mut redirect_once(
        &mut ua,
        req("https://api.example/"),
        302,
        "ftp://files.example/",
        &[],
    );
    assert!(matches!(
        done(fetch),
        Err(NetworkError::RedirectToNonHttpScheme { .. })
    ));
}

/// Steps 9–10: userinfo in the location fails a cors-mode request when the location is cross-
/// origin with the request's origin, or when the tainting is already `cors`; a same-origin,
/// untainted hop may carry it (spec), Chromium refuses it anyway.
#[test]
fn userinfo_in_a_location() {
    for (first, location, ok) in [
        ("https://app.example/a", "https://u:p@app.example/b", true),
        ("https://app.example/a", "https://u:p@api.example/b", false),
        ("https://api.example/a", "https://u:p@app.example/b", false),
        ("https://api.example/a", "https://u@api.example/b", false),
    ] {
        for policy in [Policy::spec(), Policy::chromium()] {
            let mut ua = UserAgent::new(policy.clone());
            let mut fetch = redirect_once(&mut ua, req(first), 302, location, &[]);
            let want = ok && !policy.reject_userinfo_in_any_redirect;
            if want {
                assert_eq!(send(&mut fetch).kind, RequestKind::Actual);
            } else {
                assert!(
                    matches!(
                        done(&mut fetch),
                        Err(NetworkError::RedirectUrlHasCredentials { .. })
                    ),
                    "{first} → {location} ({})",
                    policy.name
                );
            }
        }
    }
}

/// Step 11: a body that is a stream cannot be sent again: any redirect but 303 fails.
#[test]
fn a_stream_body_cannot_follow_a_redirect() {
    let mut ua = UserAgent::new(Policy::spec());
    let post = || {
        req("https://app.example/up")
            .method(Method::POST)
            .stream_body()
    };
    for status in [301, 302, 307, 308] {
        let fetch = &mut redirect_once(&mut ua, post(), status, "/next", &[]);
        assert_eq!(
            done(fetch),
            Err(NetworkError::RedirectBodyNotReplayable { status })
        );
    }
    // 303 turns it into a GET without body: nothing to send again.
    let mut fetch = redirect_once(&mut ua, post(), 303, "/next", &[]);
    assert!(!fetch.has_body());
    assert_eq!(send(&mut fetch).request.method(), Method::GET);
    // A body that is not a stream follows a 307 with its body.
    let r = req("https://app.example/up")
        .method(Method::POST)
        .body(true);
    let fetch = redirect_once(&mut ua, r, 307, "/next", &[]);
    assert!(fetch.has_body());
}

/// Step 12: 301/302 with `POST` and 303 with anything but `GET`/`HEAD` become `GET`, drop the
/// body and the request-body headers; other combinations keep method, body and headers.
#[test]
fn method_rewrite_drops_body_and_request_body_headers() {
    for (method, status, rewritten) in [
        (Method::POST, 301, true),
        (Method::POST, 302, true),
        (Method::POST, 303, true),
        (Method::PUT, 303, true),
        (Method::DELETE, 303, true),
        (Method::HEAD, 303, false),
        (Method::GET, 303, false),
        (Method::PUT, 301, false),
        (Method::PUT, 302, false),
        (Method::POST, 307, false),
        (Method::POST, 308, false),
    ] {
        let mut ua = UserAgent::new(Policy::spec());
        let has_body = method != Method::GET && method != Method::HEAD;
        let r = req("https://app.example/a")
            .method(method.clone())
            .body(has_body);
        let r = with_header(r, "content-type", "text/plain");
        let r = with_header(r, "content-language", "en");
        let mut fetch = redirect_once(&mut ua, r, status, "/b", &[]);
        let out = send(&mut fetch);
        let want = if rewritten {
            Method::GET
        } else {
            method.clone()
        };
        assert_eq!(out.request.method(), want, "{method} {status}");
        assert_eq!(
            fetch.has_body(),
            has_body && !rewritten,
            "{method} {status}"
        );
        // Request-body header names: Content-Encoding, Content-Language, Content-Location,
        // Content-Type.
        for name in ["content-type", "content-language"] {
            assert_eq!(
                out.request.headers().contains_key(name),
                !rewritten,
                "{method} {status} {name}"
            );
        }
        assert!(matches!(
            fetch.events().iter().rev().find(|e| matches!(e, Event::Redirected { .. })),
            Some(Event::Redirected { method_rewritten, .. }) if *method_rewritten == rewritten
        ));
    }
}

/// Step 13: a hop to another origin than the current URL's removes `Authorization` (the CORS
/// non-wildcard request-header names); a same-origin hop keeps it.
#[test]
fn authorization_is_removed_across_origins() {
    let auth = |url: &str| with_header(req(url), "authorization", "Bearer t");
    let mut ua = UserAgent::new(Policy::spec());
    // app → app: kept (and no CORS at all).
    let mut fetch = redirect_once(&mut ua, auth("https://app.example/a"), 307, "/b", &[]);
    assert!(send(&mut fetch)
        .request
        .headers()
        .contains_key("authorization"));
    // app → api: removed; the request is then simple (no preflight).
    let mut fetch = redirect_once(
        &mut ua,
        auth("https://app.example/a"),
        307,
        "https://api.example/b",
        &[],
    );
    assert!(fetch.headers().get("authorization").is_none());
    let out = send(&mut fetch);
    assert_eq!(out.kind, RequestKind::Actual);
    assert!(!out.request.headers().contains_key("authorization"));
    assert!(fetch.events().iter().any(|e| matches!(
        e,
        Event::Redirected {
            authorization_removed: true,
            ..
        }
    )));
}

/// Step 19: the redirect's `Referrer-Policy` becomes the request's referrer policy, which decides
/// the `Origin` of a non-CORS request whose method is not `GET`/`HEAD`
/// (§append-a-request-origin-header step 4.1).
#[test]
fn referrer_policy_changes_on_redirect() {
    let mut ua = UserAgent::new(Policy::spec());
    let post = || {
        req("https://app.example/a")
            .method(Method::POST)
            .mode(Mode::NoCors)
    };
    let mut fetch = ua.start(Instant::now(), post()).unwrap();
    let first = send(&mut fetch);
    assert_eq!(origin_of(&first), PAGE);
    answer(
        &mut fetch,
        &mut ua,
        head(
            307,
            &[("location", "/b"), ("referrer-policy", "no-referrer")],
        ),
    );
    assert_eq!(fetch.referrer_policy(), ReferrerPolicy::NoReferrer);
    assert_eq!(origin_of(&send(&mut fetch)), "null");
    // Without the header the policy (and the Origin) stay.
    let mut fetch = redirect_once(&mut ua, post(), 307, "/b", &[]);
    assert_eq!(fetch.referrer_policy(), ReferrerPolicy::default());
    assert_eq!(origin_of(&send(&mut fetch)), PAGE);
}

// ----- what the driver can see ---------------------------------------------------------------

/// The state is inspectable at every step: which hop, the tainting and redirect-taint, the
/// request's method and headers, what the cache did, the event log.
#[test]
fn state_at_every_step() {
    let mut ua = UserAgent::new(Policy::spec());
    let now = Instant::now();
    let r = with_header(req("https://app.example/a").method(Method::PUT), "x-t", "1");
    let mut fetch = ua.start(now, r).unwrap();
    // Same origin: basic, no preflight, nothing tainted.
    assert_eq!(fetch.state(), StateKind::RequestReady);
    assert_eq!(
        (
            fetch.tainting(),
            fetch.redirect_taint(),
            fetch.redirect_count()
        ),
        (ResponseTainting::Basic, RedirectTaint::SameOrigin, 0)
    );
    let _ = send(&mut fetch);
    assert_eq!(fetch.state(), StateKind::AwaitingResponse);
    answer(
        &mut fetch,
        &mut ua,
        head(307, &[("location", "https://api.example/b")]),
    );
    // Hop 2, cross-origin: cors tainting, a preflight for PUT and x-t.
    assert_eq!(fetch.state(), StateKind::PreflightReady);
    assert_eq!(fetch.current_url().as_str(), "https://api.example/b");
    assert_eq!(
        (fetch.tainting(), fetch.redirect_count()),
        (ResponseTainting::Cors, 1)
    );
    assert_eq!(fetch.serialized_origin(), PAGE, "app → api is not tainted");
    let pf = send(&mut fetch);
    assert_eq!(fetch.state(), StateKind::AwaitingPreflight);
    assert_eq!(
        pf.request.headers()["access-control-request-headers"],
        "x-t"
    );
    answer(
        &mut fetch,
        &mut ua,
        approve(
            PAGE,
            204,
            &[
                ("access-control-allow-methods", "PUT"),
                ("access-control-allow-headers", "x-t"),
                ("access-control-max-age", "60"),
            ],
        ),
    );
    assert!(!fetch.preflight_cache_hit());
    assert_eq!(fetch.state(), StateKind::RequestReady);
    let _ = send(&mut fetch);
    answer(&mut fetch, &mut ua, approve(PAGE, 200, &[]));
    assert_eq!(fetch.state(), StateKind::Done);
    assert!(fetch.outcome().unwrap().is_ok());
    let kinds: Vec<&str> = fetch
        .events()
        .iter()
        .map(|e| match e {
            Event::Classified { .. } => "classified",
            Event::PreflightCacheHit { .. } => "hit",
            Event::PreflightPassed { .. } => "preflight",
            Event::Redirected { .. } => "redirected",
            Event::CacheCleared { .. } => "cleared",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        ["classified", "redirected", "classified", "preflight"]
    );
    assert!(matches!(
        fetch.events()[3],
        Event::PreflightPassed { cached_for: Some(d), .. } if d == Duration::from_secs(60)
    ));
    // The second identical fetch is answered from the cache.
    let r = with_header(req("https://api.example/b").method(Method::PUT), "x-t", "1");
    let mut again = ua.start(now, r).unwrap();
    assert!(again.preflight_cache_hit());
    assert_eq!(send(&mut again).kind, RequestKind::Actual);
}

/// §cors-preflight-fetch-0 steps 7.10–7.12 with a bounded cache: when the server lists more
/// methods and header names than the cache holds, the entries this request needs are stored
/// last, so eviction (least recently used first) takes the others and the same request is
/// answered from the cache next time, wherever its names stood in the server's lists.
#[test]
fn a_request_keeps_its_own_entries_when_the_lists_overflow_the_cache() {
    let mut policy = Policy::spec();
    policy.cache.max_entries = 3;
    let mut ua = UserAgent::new(policy);
    let now = Instant::now();
    let put = || {
        with_header(
            req("https://api.example/big").method(Method::PUT),
            "x-own",
            "1",
        )
    };
    let mut fetch = ua.start(now, put()).unwrap();
    assert_eq!(send(&mut fetch).kind, RequestKind::Preflight);
    answer(
        &mut fetch,
        &mut ua,
        approve(
            PAGE,
            204,
            &[
                (
                    "access-control-allow-methods",
                    "PUT, PATCH, DELETE, OPTIONS, MOVE",
                ),
                (
                    "access-control-allow-headers",
                    "X-Own, x-a, x-b, x-c, x-d, x-e",
                ),
                ("access-control-max-age", "600"),
            ],
        ),
    );
    assert_eq!(send(&mut fetch).kind, RequestKind::Actual);
    assert_eq!(ua.cache().len(), 3);
    let mut again = ua.start(now, put()).unwrap();
    assert!(again.preflight_cache_hit());
    assert_eq!(send(&mut again).kind, RequestKind::Actual);
}
