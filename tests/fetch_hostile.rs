//! Hostile responses and a careless driver (issue 7, "Bad input"): the machine never panics,
//! ends every fetch with a typed outcome, and never grows without bound. Every test runs under
//! every preset (`Policy::NAMES`).
//!
//! What "bounded" means here (spec-notes/fetch.md, "Bounds"): a fetch follows at most 20
//! redirects (Fetch §http-redirect-fetch step 7), so its URL list holds at most 21 URLs, it sends
//! at most 21 actual requests and one preflight before each, and its event log has at most
//! [`EVENTS_PER_HOP`] entries per hop. Polling or handing in responses after the end adds nothing.

use std::time::{Duration, Instant};

use corsgate::request::TargetError;
use corsgate::{
    Action, CredentialsMode, FetchRequest, NetworkError, Origin, Policy, RequestKind, StateKind,
    UsageError, UserAgent,
};
use http::{HeaderName, HeaderValue, Method};
use url::Url;

/// Classified, PreflightCacheHit or PreflightPassed, Redirected, CacheCleared.
const EVENTS_PER_HOP: usize = 4;
/// The URL list's bound: the first URL and 20 redirect targets.
const MAX_URLS: usize = 21;

fn policies() -> impl Iterator<Item = Policy> {
    Policy::NAMES.iter().map(|n| Policy::by_name(n).unwrap())
}

fn page() -> Origin {
    Origin::of_url(&"https://app.example/".parse().unwrap())
}

fn get(url: &str) -> FetchRequest {
    FetchRequest::new(page(), url.parse().unwrap())
}

/// A request that needs a preflight at every cross-origin hop (a custom header).
fn preflighted(url: &str) -> FetchRequest {
    get(url).method(Method::PUT).header(
        HeaderName::from_static("x-token"),
        HeaderValue::from_static("1"),
    )
}

/// A response head; header values given as bytes (any byte `http::HeaderValue` accepts).
fn head(status: u16, headers: &[(&str, &[u8])]) -> http::Response<()> {
    let mut r = http::Response::builder().status(status);
    for (n, v) in headers {
        r = r.header(*n, HeaderValue::from_bytes(v).unwrap());
    }
    r.body(()).unwrap()
}

/// The CORS headers that let anything through without credentials (`*` is echoed as the
/// request's `Origin` so credentialed requests pass too).
fn allow_all(out: &corsgate::WireRequest) -> Vec<(String, Vec<u8>)> {
    let origin = out
        .headers()
        .get("origin")
        .map_or(b"*".to_vec(), |o| o.as_bytes().to_vec());
    vec![
        ("access-control-allow-origin".into(), origin),
        ("access-control-allow-credentials".into(), b"true".to_vec()),
        ("access-control-allow-methods".into(), b"PUT, GET".to_vec()),
        ("access-control-allow-headers".into(), b"x-token".to_vec()),
        // Not cached: every hop's preflight is sent.
        ("access-control-max-age".into(), b"0".to_vec()),
    ]
}

fn with(mut base: Vec<(String, Vec<u8>)>, extra: &[(&str, &[u8])]) -> http::Response<()> {
    base.extend(extra.iter().map(|(n, v)| ((*n).to_owned(), v.to_vec())));
    let pairs: Vec<(&str, &[u8])> = base.iter().map(|(n, v)| (n.as_str(), &v[..])).collect();
    head(200, &pairs)
}

/// What a driven fetch did.
#[derive(Debug)]
struct Driven {
    outcome: Result<corsgate::Response, NetworkError>,
    preflights: usize,
    actual: usize,
    url_list: Vec<Url>,
    events: usize,
}

/// Drives `request` to the end against `server`, checking the bounds at every step and that
/// every request handed out goes to the fetch's current URL.
fn drive(
    ua: &mut UserAgent,
    request: FetchRequest,
    mut server: impl FnMut(RequestKind, &corsgate::WireRequest) -> http::Response<()>,
) -> Driven {
    let now = Instant::now();
    let mut fetch = ua.start(now, request).expect("a valid request");
    let (mut preflights, mut actual) = (0, 0);
    // 21 hops × (preflight + actual) + the final poll, with room to spare: the loop bound is not
    // what stops the fetch.
    for step in 0..100 {
        assert!(fetch.url_list().len() <= MAX_URLS, "URL list grew past 21");
        assert!(
            fetch.events().len() <= EVENTS_PER_HOP * fetch.url_list().len(),
            "events grew past the per-hop bound: {:?}",
            fetch.events()
        );
        match fetch.poll() {
            Action::Send(out) => {
                assert_eq!(
                    out.request.uri(),
                    &corsgate::request::request_target(fetch.current_url()),
                    "the request goes to the current URL"
                );
                match out.kind {
                    RequestKind::Preflight => preflights += 1,
                    RequestKind::Actual => actual += 1,
                }
                let response = server(out.kind, &out.request);
                fetch
                    .handle_response(ua, now + Duration::from_millis(step), response)
                    .expect("a response to the request handed out");
            }
            Action::AwaitResponse => panic!("every request was answered"),
            Action::Done(outcome) => {
                // Done is final: polling again and handing in more changes nothing.
                let events = fetch.events().len();
                for _ in 0..3 {
                    let Action::Done(again) = fetch.poll() else {
                        panic!("not done after Done")
                    };
                    assert_eq!(again, outcome);
                    let err = fetch.handle_response(ua, now, head(200, &[])).unwrap_err();
                    assert_eq!(
                        err,
                        UsageError::UnexpectedResponse {
                            state: StateKind::Done
                        }
                    );
                }
                assert_eq!(fetch.events().len(), events);
                assert!(preflights <= actual + 1 && actual <= MAX_URLS);
                return Driven {
                    outcome: outcome.map_err(corsgate::Blocked::into_error),
                    preflights,
                    actual,
                    url_list: fetch.url_list().to_vec(),
                    events,
                };
            }
        }
    }
    panic!("the fetch did not end in 100 steps");
}

// ----- redirect loops ----------------------------------------------------------------------

/// A server that redirects every request to the same URL: the 21st redirect is a network error
/// (Fetch §http-redirect-fetch step 7), after exactly 21 actual requests.
#[test]
fn redirect_loop_to_itself_hits_the_limit() {
    for policy in policies() {
        for request in [
            get("https://api.example/loop"),
            preflighted("https://api.example/loop"),
        ] {
            let mut ua = UserAgent::new(policy.clone());
            let d = drive(&mut ua, request, |kind, out| match kind {
                RequestKind::Preflight => with(allow_all(out), &[]),
                RequestKind::Actual => {
                    let mut r = with(allow_all(out), &[("location", b"/loop")]);
                    *r.status_mut() = http::StatusCode::FOUND;
                    r
                }
            });
            assert_eq!(
                d.outcome,
                Err(NetworkError::RedirectLimit),
                "{}",
                policy.name
            );
            assert_eq!((d.actual, d.url_list.len()), (21, 21), "{}", policy.name);
            assert!(d.events <= EVENTS_PER_HOP * 21);
        }
    }
}

/// A loop between two origins whose `Location` changes every time (a counter in the query, as
/// WPT's redirect.py does), with a preflight before every actual request (max-age 0).
#[test]
fn redirect_loop_between_origins_with_preflights_hits_the_limit() {
    for policy in policies() {
        let mut ua = UserAgent::new(policy.clone());
        let mut n = 0;
        let d = drive(
            &mut ua,
            preflighted("https://a.example/r?0"),
            |kind, out| match kind {
                RequestKind::Preflight => with(allow_all(out), &[]),
                RequestKind::Actual => {
                    n += 1;
                    let host = if n % 2 == 0 { "a" } else { "b" };
                    let location = format!("https://{host}.example/r?{n}");
                    let mut r = with(allow_all(out), &[("location", location.as_bytes())]);
                    *r.status_mut() = http::StatusCode::TEMPORARY_REDIRECT;
                    r
                }
            },
        );
        assert_eq!(
            d.outcome,
            Err(NetworkError::RedirectLimit),
            "{}",
            policy.name
        );
        assert_eq!(d.actual, 21, "{}", policy.name);
        // Every hop preflights: the results are not cached (max-age 0), the method is PUT.
        assert_eq!(d.preflights, 21, "{}", policy.name);
        assert_eq!(d.url_list.len(), 21);
    }
}

/// Twenty redirects are allowed; the response after them is the fetch's response.
#[test]
fn twenty_redirects_then_a_response_succeed() {
    for policy in policies() {
        let mut ua = UserAgent::new(policy.clone());
        let mut n = 0;
        let d = drive(&mut ua, get("https://api.example/r0"), |_, out| {
            n += 1;
            if n <= 20 {
                let location = format!("/r{n}");
                let mut r = with(allow_all(out), &[("location", location.as_bytes())]);
                *r.status_mut() = http::StatusCode::MOVED_PERMANENTLY;
                r
            } else {
                with(allow_all(out), &[])
            }
        });
        let response = d.outcome.unwrap();
        assert_eq!(response.url_list.len(), 21);
        assert_eq!(response.url().unwrap().as_str(), "https://api.example/r20");
        assert!(response.redirected());
    }
}

// ----- hostile Location values -------------------------------------------------------------

/// Follows one redirect whose `Location` is `location`; returns the outcome and the URL list.
fn one_redirect(policy: &Policy, location: &[u8]) -> Driven {
    let mut ua = UserAgent::new(policy.clone());
    let mut first = true;
    drive(&mut ua, get("https://api.example/dir/start"), |_, out| {
        if std::mem::take(&mut first) {
            let mut r = with(allow_all(out), &[("location", location)]);
            *r.status_mut() = http::StatusCode::FOUND;
            r
        } else {
            with(allow_all(out), &[])
        }
    })
}

/// A 1 MB `Location`: the URL it gives cannot be a request target (`http::Uri` holds at most
/// 65 534 bytes), so the redirect fails with a typed error instead of sending a request to some
/// other target. Just under the limit, the redirect is followed to the exact URL.
#[test]
fn megabyte_location() {
    let relative = vec![b'a'; 1 << 20];
    let mut absolute = b"https://b.example/".to_vec();
    absolute.extend(std::iter::repeat_n(b'p', 1 << 20));
    let mut long_host = b"https://".to_vec();
    long_host.extend(std::iter::repeat_n(b'h', 1 << 20));
    for policy in policies() {
        for location in [&relative, &absolute, &long_host] {
            let d = one_redirect(&policy, location);
            match d.outcome {
                Err(NetworkError::RedirectUrlNotSendable {
                    reason: TargetError::TooLong(length),
                }) => assert!(length > 65_534),
                other => panic!("{}: {other:?}", policy.name),
            }
            assert_eq!(d.actual, 1, "no request goes out to the long URL");
        }
        let fits = vec![b'a'; 60_000];
        let d = one_redirect(&policy, &fits);
        let response = d.outcome.unwrap();
        assert_eq!(response.url().unwrap().path().len(), "/dir/".len() + 60_000);
        assert_eq!(d.actual, 2);
    }
}

/// `Location` values that are garbage: non-UTF-8 bytes, a tab, relative junk, other schemes,
/// unparsable URLs. Each ends in a response at the URL the value resolves to, or in one of the
/// redirect errors; never a panic, never a request to a URL other than the current one.
#[test]
fn garbage_locations() {
    let cases: &[&[u8]] = &[
        b"\xff\xfe\x80",
        b"/caf\xe9",
        b"\xc3\x28",
        b"a\tb",
        b"\t/x\t",
        b"../../../../../../..",
        b"//",
        b"///",
        b"?",
        b"#frag",
        b".",
        b"%zz%",
        b"\\\\evil.example\\x",
        b"http:",
        b"http://",
        b"http://[",
        b"http://[::1",
        b"http://a:99999/",
        b"http://a b/",
        b"http://%00/",
        b"http://exa mple/",
        b"http://a\"b.example/",
        b"http://a`b.example/",
        b"http://{x}.example/",
        b"http://user:pass@evil.example/",
        b"http://:@api.example/dir/x",
        b"javascript:alert(1)",
        b"data:,x",
        b"ftp://files.example/",
        b"blob:https://app.example/x",
        b"about:blank",
        b"https://api.example:25/",
        b"https://xn--/",
        b"https://\xe2\x98\x83.example/",
        b"{}|^`\"<>",
        b" ",
        b"",
    ];
    for policy in policies() {
        for location in cases {
            let d = one_redirect(&policy, location);
            match &d.outcome {
                Ok(response) => {
                    assert!(d.actual <= MAX_URLS);
                    assert_eq!(response.url_list, d.url_list);
                    let last = d.url_list.last().unwrap();
                    assert!(matches!(last.scheme(), "http" | "https"), "{last}");
                }
                Err(
                    NetworkError::RedirectLocationInvalid { .. }
                    | NetworkError::RedirectToNonHttpScheme { .. }
                    | NetworkError::RedirectUrlHasCredentials { .. }
                    | NetworkError::RedirectUrlNotSendable { .. }
                    | NetworkError::RedirectLimit
                    | NetworkError::BadPort { .. },
                ) => {}
                Err(other) => panic!(
                    "{}: Location {:?}: unexpected {other:?}",
                    policy.name,
                    location.escape_ascii().to_string()
                ),
            }
        }
    }
}

/// Hosts the URL Standard allows but a request target (`http::Uri`) cannot carry, even
/// percent-encoded: the redirect fails with a typed error naming the host. Before, the machine
/// handed out a request to `/`, with no host at all.
#[test]
fn location_hosts_a_request_cannot_carry() {
    for policy in policies() {
        for (location, host) in [
            (&b"https://a\"b.example/x"[..], "a\"b.example"),
            (b"//c`d.example/", "c`d.example"),
            (b"http://{e}/", "{e}"),
        ] {
            let d = one_redirect(&policy, location);
            assert_eq!(
                d.outcome,
                Err(NetworkError::RedirectUrlNotSendable {
                    reason: TargetError::Host(host.to_owned())
                }),
                "{}",
                policy.name
            );
            assert_eq!((d.actual, d.url_list.len()), (1, 1));
        }
    }
}

/// The first URL is held to the same rule, at `start`: a `RequestError` (script sees a
/// `TypeError`), nothing sent. A URL that is not HTTP(S), on a branch of main fetch step 12 that
/// runs "scheme fetch" (`data:`, same origin with the page, `no-cors`), is the embedder's to
/// answer (§scheme-fetch), never an HTTP request; on the other branches main fetch fails it.
#[test]
fn first_urls_that_cannot_be_requested() {
    use corsgate::{Mode, RequestError};
    for policy in policies() {
        let mut ua = UserAgent::new(policy.clone());
        let now = Instant::now();
        let long = format!("https://api.example/{}", "a".repeat(70_000));
        assert!(matches!(
            ua.start(now, get(&long)).unwrap_err(),
            RequestError::UrlNotSendable(TargetError::TooLong(_))
        ));
        assert!(matches!(
            ua.start(now, get("https://a{b}.example/")).unwrap_err(),
            RequestError::UrlNotSendable(TargetError::Host(_))
        ));
        // (URL, scheme fetch in cors / no-cors / same-origin mode); where it is not, main fetch
        // step 12 fails the fetch: CorsModeNonHttpScheme (cors), SameOriginModeCrossOrigin.
        for (url, scheme_fetch) in [
            ("javascript:1", [false, true, false]),
            ("data:,x", [true, true, true]),
            ("about:blank", [false, true, false]),
            ("blob:https://app.example/x", [true, true, true]),
            ("file:///etc/passwd", [false, true, false]),
            ("ftp://app.example/x", [false, true, false]),
            ("ws://app.example/x", [false, true, false]),
        ] {
            let scheme = url.split(':').next().unwrap();
            for (mode, scheme_fetch) in [Mode::Cors, Mode::NoCors, Mode::SameOrigin]
                .into_iter()
                .zip(scheme_fetch)
            {
                match ua.start(now, get(url).mode(mode)) {
                    Err(RequestError::SchemeFetch(s)) if scheme_fetch => assert_eq!(s, scheme),
                    Ok(mut fetch) if !scheme_fetch => {
                        let outcome = match fetch.poll() {
                            Action::Done(outcome) => {
                                Some(outcome.map_err(corsgate::Blocked::into_error))
                            }
                            _ => None,
                        };
                        assert!(
                            matches!(
                                (mode, &outcome),
                                (
                                    Mode::Cors,
                                    Some(Err(NetworkError::CorsModeNonHttpScheme { .. }))
                                ) | (
                                    Mode::SameOrigin,
                                    Some(Err(NetworkError::SameOriginModeCrossOrigin { .. }))
                                )
                            ),
                            "{url} {mode}: {outcome:?}"
                        );
                    }
                    other => panic!("{url} {mode}: {other:?}"),
                }
            }
        }
    }
}

/// Control bytes other than tab cannot reach the machine: `http::HeaderValue`, the type responses
/// come in, refuses them (the machine's own checks are therefore for what it can hold).
#[test]
fn control_bytes_cannot_be_handed_in() {
    for b in (0u8..0x20).filter(|&b| b != b'\t').chain([0x7f]) {
        assert!(HeaderValue::from_bytes(&[b'/', b]).is_err(), "{b:#x}");
    }
}

/// Thousands of `Location` lines: Fetch fails (the ABNF allows one); WebKit joins them with
/// `, ` and parses the result as one URL (here too long to send). Either way the fetch ends.
#[test]
fn ten_thousand_location_lines() {
    for policy in policies() {
        let mut ua = UserAgent::new(policy.clone());
        let mut first = true;
        let d = drive(&mut ua, get("https://api.example/"), |_, out| {
            let mut r = with(allow_all(out), &[]);
            if std::mem::take(&mut first) {
                for i in 0..10_000 {
                    r.headers_mut().append(
                        "location",
                        HeaderValue::from_str(&format!("/l{i}")).unwrap(),
                    );
                }
                *r.status_mut() = http::StatusCode::FOUND;
            }
            r
        });
        // Joined, the 10 000 values make a URL of about 98 900 bytes: too long to send.
        match (&d.outcome, policy.location.combine_lines) {
            (Err(NetworkError::RedirectLocationInvalid { .. }), false) => {}
            (
                Err(NetworkError::RedirectUrlNotSendable {
                    reason: TargetError::TooLong(length),
                }),
                true,
            ) => assert!(*length > 65_534),
            other => panic!("{}: {other:?}", policy.name),
        }
    }
}

// ----- many header lines --------------------------------------------------------------------

/// 10 000 header lines in the final response: 10 000 distinct names exposed by
/// `Access-Control-Expose-Headers: *`, then 10 000 lines of one name.
#[test]
fn ten_thousand_response_header_lines() {
    for policy in policies() {
        let mut ua = UserAgent::new(policy.clone());
        let d = drive(&mut ua, get("https://api.example/"), |_, _| {
            let mut r = head(
                200,
                &[
                    ("access-control-allow-origin", b"*"),
                    ("access-control-expose-headers", b"*"),
                ],
            );
            for i in 0..10_000 {
                r.headers_mut().append(
                    HeaderName::from_bytes(format!("x-h{i}").as_bytes()).unwrap(),
                    HeaderValue::from_static("v"),
                );
            }
            r
        });
        let response = d.outcome.unwrap();
        // The 10 000 names plus the two access-control-* names, all visible under `*`.
        assert_eq!(response.header_names.len(), 10_002, "{}", policy.name);

        let mut ua = UserAgent::new(policy.clone());
        let d = drive(&mut ua, get("https://api.example/"), |_, _| {
            let mut r = head(200, &[("access-control-allow-origin", b"*")]);
            for _ in 0..10_000 {
                r.headers_mut()
                    .append("x-same", HeaderValue::from_static("v"));
            }
            r
        });
        assert_eq!(d.outcome.unwrap().header_names, Vec::<String>::new());

        // 10 000 `Access-Control-Allow-Origin` lines: several values, a CORS-check failure.
        let mut ua = UserAgent::new(policy.clone());
        let d = drive(&mut ua, get("https://api.example/"), |_, _| {
            let mut r = head(200, &[]);
            for _ in 0..10_000 {
                r.headers_mut().append(
                    "access-control-allow-origin",
                    HeaderValue::from_static("https://app.example"),
                );
            }
            r
        });
        assert!(
            matches!(d.outcome, Err(NetworkError::MultipleAllowOrigin { .. })),
            "{}: {:?}",
            policy.name,
            d.outcome
        );
    }
}

/// 10 000 header lines in a preflight answer: one allowed name per `Access-Control-Allow-Headers`
/// line (the request's name among them), plus 10 000 unrelated lines. The preflight passes and
/// the cache stays within its bounds.
#[test]
fn ten_thousand_preflight_header_lines() {
    for policy in policies() {
        let mut ua = UserAgent::new(policy.clone());
        let d = drive(
            &mut ua,
            preflighted("https://api.example/"),
            |kind, out| match kind {
                RequestKind::Preflight => {
                    let mut r = head(
                        204,
                        &[
                            ("access-control-allow-origin", b"https://app.example"),
                            ("access-control-allow-methods", b"PUT"),
                            ("access-control-max-age", b"600"),
                        ],
                    );
                    for i in 0..10_000 {
                        let name = if i == 7_777 {
                            "x-token".to_owned()
                        } else {
                            format!("x-a{i}")
                        };
                        r.headers_mut().append(
                            "access-control-allow-headers",
                            HeaderValue::from_str(&name).unwrap(),
                        );
                        r.headers_mut().append(
                            HeaderName::from_bytes(format!("x-junk{i}").as_bytes()).unwrap(),
                            HeaderValue::from_static("j"),
                        );
                    }
                    r
                }
                RequestKind::Actual => with(allow_all(out), &[]),
            },
        );
        assert!(d.outcome.is_ok(), "{}: {:?}", policy.name, d.outcome);
        let cache = ua.cache();
        let config = cache.config();
        assert!(cache.len() <= config.max_entries && cache.bytes() <= config.max_bytes);
    }
}

/// A single `Access-Control-Allow-Headers` of 20 000 names (about 170 kB), five times what the
/// cache holds, with the request's name first or last: the preflight passes, the cache stays
/// within its bounds (it may drop entries early, Fetch §cors-preflight-cache), and a second fetch
/// succeeds whether or not `x-token` was kept.
#[test]
fn huge_allow_headers_list() {
    let names: Vec<String> = (0..20_000).map(|i| format!("x-n{i}")).collect();
    let first = format!("x-token, {}", names.join(", "));
    let last = format!("{}, x-token", names.join(", "));
    for policy in policies() {
        for list in [&first, &last] {
            let mut ua = UserAgent::new(policy.clone());
            for _ in 0..2 {
                let d = drive(
                    &mut ua,
                    preflighted("https://api.example/"),
                    |kind, out| match kind {
                        RequestKind::Preflight => head(
                            204,
                            &[
                                ("access-control-allow-origin", b"https://app.example"),
                                ("access-control-allow-methods", b"PUT"),
                                ("access-control-allow-headers", list.as_bytes()),
                                ("access-control-max-age", b"600"),
                            ],
                        ),
                        RequestKind::Actual => with(allow_all(out), &[]),
                    },
                );
                assert!(d.outcome.is_ok(), "{}: {:?}", policy.name, d.outcome);
                let cache = ua.cache();
                assert!(cache.len() <= cache.config().max_entries, "{}", policy.name);
                assert!(cache.bytes() <= cache.config().max_bytes, "{}", policy.name);
            }
        }
    }
}

/// A list that is not a valid `#token` list (a space inside a name, a control byte) fails
/// extraction: a typed network error (Fetch §cors-preflight-fetch-0 step 7.3).
#[test]
fn garbage_allow_headers_list() {
    for policy in policies() {
        for value in [
            &b"x-token, a b"[..],
            b"x-token,\x7e\x80",
            b"\xff\xfe",
            b"x-token;",
        ] {
            let mut ua = UserAgent::new(policy.clone());
            let d = drive(
                &mut ua,
                preflighted("https://api.example/"),
                |kind, out| match kind {
                    RequestKind::Preflight => head(
                        204,
                        &[
                            ("access-control-allow-origin", b"https://app.example"),
                            ("access-control-allow-methods", b"PUT"),
                            ("access-control-allow-headers", value),
                        ],
                    ),
                    RequestKind::Actual => with(allow_all(out), &[]),
                },
            );
            assert!(d.outcome.is_err(), "{}: {value:?}", policy.name);
            assert_eq!(d.actual, 0);
        }
    }
}

// ----- Access-Control-Max-Age ---------------------------------------------------------------

fn max_age_cached_for(policy: &Policy, value: &[u8]) -> Option<Duration> {
    let mut ua = UserAgent::new(policy.clone());
    let now = Instant::now();
    let mut fetch = ua.start(now, preflighted("https://api.example/")).unwrap();
    let Action::Send(out) = fetch.poll() else {
        panic!()
    };
    assert_eq!(out.kind, RequestKind::Preflight);
    let answer = head(
        204,
        &[
            ("access-control-allow-origin", b"https://app.example"),
            ("access-control-allow-methods", b"PUT"),
            ("access-control-allow-headers", b"x-token"),
            ("access-control-max-age", value),
        ],
    );
    fetch.handle_response(&mut ua, now, answer).unwrap();
    fetch
        .events()
        .iter()
        .find_map(|e| match e {
            corsgate::Event::PreflightPassed { cached_for, .. } => Some(*cached_for),
            _ => None,
        })
        .expect("the preflight passed")
}

/// `Access-Control-Max-Age: 99999999999999999999` (more than `u64::MAX`): `delta-seconds`
/// saturates and is clamped to the preset's cap (Fetch §cors-preflight-fetch-0 step 7.9; Firefox);
/// a signed 64-bit reading overflows, which Chromium and WebKit treat as invalid: the default 5 s.
#[test]
fn max_age_beyond_u64() {
    for policy in policies() {
        let got = max_age_cached_for(&policy, b"99999999999999999999");
        let want = match policy.max_age_syntax {
            corsgate::policy::MaxAgeSyntax::DeltaSeconds => policy.max_age_cap,
            corsgate::policy::MaxAgeSyntax::SignedInteger => policy.default_max_age,
        };
        assert_eq!(got, Some(Duration::from_secs(want)), "{}", policy.name);
        // 1 000 digits: the same.
        let long = vec![b'9'; 1000];
        assert_eq!(max_age_cached_for(&policy, &long), got, "{}", policy.name);
    }
}

// ----- a careless driver --------------------------------------------------------------------

/// A response handed in before anything was polled, twice for one request, or after the end is a
/// typed `UsageError`, and the fetch goes on as if it had not happened.
#[test]
fn responses_nobody_asked_for() {
    for policy in policies() {
        let mut ua = UserAgent::new(policy.clone());
        let now = Instant::now();
        let mut fetch = ua.start(now, preflighted("https://api.example/")).unwrap();
        // Before the preflight was polled.
        assert_eq!(
            fetch.handle_response(&mut ua, now, head(204, &[])),
            Err(UsageError::UnexpectedResponse {
                state: StateKind::PreflightReady
            })
        );
        let Action::Send(preflight) = fetch.poll() else {
            panic!()
        };
        assert_eq!(preflight.kind, RequestKind::Preflight);
        assert!(matches!(fetch.poll(), Action::AwaitResponse));
        assert_eq!(fetch.state(), StateKind::AwaitingPreflight);
        fetch
            .handle_response(&mut ua, now, with(allow_all(&preflight.request), &[]))
            .unwrap();
        // The actual request is ready but not polled: a response now is unexpected.
        assert_eq!(
            fetch.handle_response(&mut ua, now, head(200, &[])),
            Err(UsageError::UnexpectedResponse {
                state: StateKind::RequestReady
            })
        );
        let Action::Send(actual) = fetch.poll() else {
            panic!()
        };
        assert_eq!(actual.kind, RequestKind::Actual);
        fetch
            .handle_response(&mut ua, now, with(allow_all(&actual.request), &[]))
            .unwrap();
        // A second answer to the same request.
        assert_eq!(
            fetch.handle_response(&mut ua, now, head(500, &[])),
            Err(UsageError::UnexpectedResponse {
                state: StateKind::Done
            })
        );
        let Action::Done(Ok(response)) = fetch.poll() else {
            panic!()
        };
        assert_eq!(response.status, 200, "{}", policy.name);
    }
}

/// A fetch that failed at once (a `same-origin` request to another origin) takes no response.
#[test]
fn response_to_a_fetch_that_never_sent() {
    for policy in policies() {
        let mut ua = UserAgent::new(policy.clone());
        let now = Instant::now();
        let request = get("https://api.example/").mode(corsgate::Mode::SameOrigin);
        let mut fetch = ua.start(now, request).unwrap();
        assert_eq!(fetch.state(), StateKind::Done);
        assert!(fetch.handle_response(&mut ua, now, head(200, &[])).is_err());
        assert!(matches!(
            fetch.poll(),
            Action::Done(Err(b)) if matches!(b.error(), NetworkError::SameOriginModeCrossOrigin { .. })
        ));
    }
}

/// Odd statuses and credentials: 1xx-free ranges of status codes on the final response, under
/// every credentials mode, end in a response or a typed error.
#[test]
fn every_status_every_credentials_mode() {
    for policy in policies() {
        for credentials in [
            CredentialsMode::Omit,
            CredentialsMode::SameOrigin,
            CredentialsMode::Include,
        ] {
            for status in (200..=599).step_by(7).chain([300, 304, 305, 306, 399]) {
                let mut ua = UserAgent::new(policy.clone());
                let d = drive(
                    &mut ua,
                    get("https://api.example/").credentials(credentials),
                    |_, out| {
                        let mut r = with(allow_all(out), &[]);
                        *r.status_mut() = http::StatusCode::from_u16(status).unwrap();
                        r
                    },
                );
                if let Ok(r) = d.outcome {
                    assert_eq!(r.status, status);
                }
            }
        }
    }
}
