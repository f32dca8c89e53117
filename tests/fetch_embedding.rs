//! The embedder-facing API (issue 13): network failures handed in (Fetch
//! §concept-http-network-fetch step 8, §cors-preflight-fetch-0 step 8) and the one retry of a
//! dead keep-alive connection; the outcome's filtered header list (§concept-filtered-response);
//! `handle_response` taking `http::Response<B>` or its `Parts` and giving the body back; every
//! failed rule of one check with one fix (`Blocked`); the exchange an error names; the request
//! builder from strings. spec-notes/fetch.md maps each test to its step.

use std::time::Instant;

use corsgate::{
    Action, Blocked, BuildError, CredentialsMode, Event, FailureKind, Fetch, FetchRequest, Fix,
    NetworkError, NetworkFailure, Origin, Policy, RequestKind, ResponseType, Stage, StateKind,
    UsageError, UserAgent,
};
use http::Method;

const PAGE: &str = "https://app.example";

fn request(url: &str) -> FetchRequest {
    FetchRequest::builder()
        .origin(PAGE)
        .url(url)
        .build()
        .unwrap()
}

fn head(status: u16, headers: &[(&str, &str)]) -> http::Response<()> {
    let mut b = http::Response::builder().status(status);
    for (n, v) in headers {
        b = b.header(*n, *v);
    }
    b.body(()).unwrap()
}

fn send(fetch: &mut Fetch) -> corsgate::Outgoing {
    match fetch.poll() {
        Action::Send(out) => out,
        other => panic!("expected a request, got {other:?}"),
    }
}

fn blocked(fetch: &mut Fetch) -> Blocked {
    match fetch.poll() {
        Action::Done(Err(b)) => b,
        other => panic!("expected a network error, got {other:?}"),
    }
}

const PREFLIGHT_OK: &[(&str, &str)] = &[
    ("access-control-allow-origin", PAGE),
    ("access-control-allow-methods", "PUT"),
    ("access-control-max-age", "600"),
];

#[test]
fn a_refused_preflight_ends_in_a_network_error_naming_the_exchange() {
    let mut ua = UserAgent::new(Policy::spec());
    let put = request("https://api.example/x").method(Method::PUT);
    let mut fetch = ua.start(Instant::now(), put).unwrap();
    assert_eq!(send(&mut fetch).kind, RequestKind::Preflight);
    let failure = NetworkFailure::new(FailureKind::Refused, "Connection refused (os error 111)");
    fetch
        .handle_network_failure(&mut ua, failure.clone())
        .unwrap();
    let b = blocked(&mut fetch);
    let exchange = b.exchange().expect("the preflight was sent").clone();
    assert_eq!(exchange.kind, RequestKind::Preflight);
    assert_eq!(exchange.hop, 0);
    assert_eq!(exchange.method, Method::OPTIONS);
    assert_eq!(exchange.url.as_str(), "https://api.example/x");
    assert_eq!(
        b.error(),
        &NetworkError::RequestFailed {
            exchange: Box::new(exchange.clone()),
            failure
        }
    );
    assert_eq!(b.stage(), Some(Stage::Preflight));
    assert_eq!(b.spec(), "fetch#cors-preflight-fetch-0 step 8");
    assert!(
        b.to_string().starts_with(
            "blocked: the preflight request OPTIONS https://api.example/x failed: connection refused"
        ),
        "{b}"
    );
    // Sticky: nothing more is awaited.
    let again = NetworkFailure::new(FailureKind::Reset, "");
    assert_eq!(
        fetch.handle_network_failure(&mut ua, again),
        Err(UsageError::UnexpectedNetworkFailure {
            state: StateKind::Done
        })
    );
}

#[test]
fn a_failed_request_after_a_redirect_names_its_hop_and_clears_the_cache() {
    let mut ua = UserAgent::new(Policy::spec());
    let put = || request("https://api.example/a").method(Method::PUT);
    let mut fetch = ua.start(Instant::now(), put()).unwrap();
    let _preflight = send(&mut fetch);
    fetch
        .handle_response(&mut ua, Instant::now(), head(204, PREFLIGHT_OK))
        .unwrap();
    assert_eq!(ua.cache().len(), 1);
    let _put = send(&mut fetch);
    let redirect = [
        ("access-control-allow-origin", PAGE),
        ("location", "https://api.example/b"),
    ];
    fetch
        .handle_response(&mut ua, Instant::now(), head(307, &redirect))
        .unwrap();
    // A new hop: its own preflight, then the PUT after one redirect.
    let _preflight_b = send(&mut fetch);
    fetch
        .handle_response(&mut ua, Instant::now(), head(204, PREFLIGHT_OK))
        .unwrap();
    let out = send(&mut fetch);
    assert_eq!(out.kind, RequestKind::Actual);
    let failure = NetworkFailure::new(FailureKind::TimedOut, "");
    fetch.handle_network_failure(&mut ua, failure).unwrap();
    let b = blocked(&mut fetch);
    let exchange = b.exchange().unwrap();
    assert_eq!((exchange.kind, exchange.hop), (RequestKind::Actual, 1));
    assert_eq!(exchange.url.as_str(), "https://api.example/b");
    assert_eq!(b.stage(), Some(Stage::Response));
    assert_eq!(b.spec(), "fetch#concept-http-network-fetch steps 8.1, 8.5");
    assert!(b
        .to_string()
        .contains("PUT https://api.example/b (after 1 redirect) failed: timed out"));
    // Main fetch step 12.3: a network error on the preflight branch clears the URL's entries.
    assert!(fetch.events().iter().any(
        |e| matches!(e, Event::CacheCleared { url } if url.as_str() == "https://api.example/b")
    ));
}

#[test]
fn a_connection_closed_before_any_response_byte_is_retried_once() {
    let mut ua = UserAgent::new(Policy::spec());
    let mut fetch = ua
        .start(Instant::now(), request("https://api.example/x"))
        .unwrap();
    let first = send(&mut fetch);
    let closed = || NetworkFailure::new(FailureKind::ClosedBeforeResponse, "peer disconnected");
    fetch.handle_network_failure(&mut ua, closed()).unwrap();
    assert_eq!(fetch.state(), StateKind::RequestReady);
    assert!(matches!(
        fetch.events().last(),
        Some(Event::Retrying { .. })
    ));
    // The same request again, to be sent on a new connection.
    let second = send(&mut fetch);
    assert_eq!(second.request.method(), first.request.method());
    assert_eq!(second.request.uri(), first.request.uri());
    assert_eq!(second.request.headers(), first.request.headers());
    // A second close of the same request is a network error.
    fetch.handle_network_failure(&mut ua, closed()).unwrap();
    let b = blocked(&mut fetch);
    assert!(matches!(
        b.error(),
        NetworkError::RequestFailed { failure, .. } if failure.kind == FailureKind::ClosedBeforeResponse
    ));

    // Each request has its own retry: the preflight's does not use up the actual request's.
    let put = request("https://api.example/y").method(Method::PUT);
    let mut fetch = ua.start(Instant::now(), put).unwrap();
    assert_eq!(send(&mut fetch).kind, RequestKind::Preflight);
    fetch.handle_network_failure(&mut ua, closed()).unwrap();
    assert_eq!(send(&mut fetch).kind, RequestKind::Preflight);
    fetch
        .handle_response(&mut ua, Instant::now(), head(204, PREFLIGHT_OK))
        .unwrap();
    assert_eq!(send(&mut fetch).kind, RequestKind::Actual);
    fetch.handle_network_failure(&mut ua, closed()).unwrap();
    assert_eq!(send(&mut fetch).kind, RequestKind::Actual);
    let ok = head(200, &[("access-control-allow-origin", PAGE)]);
    fetch.handle_response(&mut ua, Instant::now(), ok).unwrap();
    assert!(matches!(fetch.poll(), Action::Done(Ok(_))));

    // A stream body cannot be sent again (Fetch §concept-http-network-fetch step 8.5).
    let stream = request("https://api.example/z")
        .method(Method::POST)
        .stream_body();
    let mut fetch = ua.start(Instant::now(), stream).unwrap();
    let _ = send(&mut fetch);
    fetch.handle_network_failure(&mut ua, closed()).unwrap();
    assert!(matches!(fetch.poll(), Action::Done(Err(_))));

    // Other failures are never retried.
    let mut fetch = ua
        .start(Instant::now(), request("https://api.example/x"))
        .unwrap();
    let _ = send(&mut fetch);
    let reset = NetworkFailure::new(FailureKind::Reset, "");
    fetch.handle_network_failure(&mut ua, reset).unwrap();
    assert!(matches!(fetch.poll(), Action::Done(Err(_))));
}

#[test]
fn a_network_failure_with_nothing_outstanding_is_a_usage_error() {
    let mut ua = UserAgent::new(Policy::spec());
    let mut fetch = ua
        .start(Instant::now(), request("https://api.example/x"))
        .unwrap();
    let failure = NetworkFailure::new(FailureKind::Refused, "");
    assert_eq!(
        fetch.handle_network_failure(&mut ua, failure),
        Err(UsageError::UnexpectedNetworkFailure {
            state: StateKind::RequestReady
        })
    );
    // The fetch goes on as if nothing happened.
    assert_eq!(send(&mut fetch).kind, RequestKind::Actual);
}

#[test]
fn the_outcome_carries_the_filtered_header_list() {
    let mut ua = UserAgent::new(Policy::spec());
    let cors = request("https://api.example/x");
    let mut fetch = ua.start(Instant::now(), cors).unwrap();
    let _ = send(&mut fetch);
    let response = head(
        200,
        &[
            ("access-control-allow-origin", PAGE),
            ("access-control-expose-headers", "x-id"),
            ("content-type", "application/json"),
            ("x-id", "1"),
            ("x-id", "2"),
            ("x-secret", "s"),
            ("set-cookie", "a=1"),
        ],
    );
    fetch
        .handle_response(&mut ua, Instant::now(), response)
        .unwrap();
    let Action::Done(Ok(response)) = fetch.poll() else {
        panic!("allowed")
    };
    assert_eq!(response.response_type, ResponseType::Cors);
    assert_eq!(response.status, 200);
    assert_eq!(response.header_names, ["content-type", "x-id"]);
    assert_eq!(response.headers.len(), 3);
    assert_eq!(response.headers["content-type"], "application/json");
    let ids: Vec<_> = response.headers.get_all("x-id").iter().collect();
    assert_eq!(ids, ["1", "2"]);
    assert!(response.headers.get("x-secret").is_none());
    assert!(response
        .headers
        .get("access-control-allow-origin")
        .is_none());
    assert_eq!(response.url().unwrap().as_str(), "https://api.example/x");
    assert!(!response.redirected());

    // Same-origin: a basic filtered response keeps all but `Set-Cookie`.
    let same = request("https://app.example/me");
    let mut fetch = ua.start(Instant::now(), same).unwrap();
    let _ = send(&mut fetch);
    let response = head(200, &[("x-secret", "s"), ("set-cookie", "a=1")]);
    fetch
        .handle_response(&mut ua, Instant::now(), response)
        .unwrap();
    let Action::Done(Ok(response)) = fetch.poll() else {
        panic!("allowed")
    };
    assert_eq!(response.response_type, ResponseType::Basic);
    assert_eq!(response.headers.len(), 1);
    assert_eq!(response.headers["x-secret"], "s");

    // No-cors: opaque, nothing readable.
    let opaque = request("https://api.example/x").mode(corsgate::Mode::NoCors);
    let mut fetch = ua.start(Instant::now(), opaque).unwrap();
    let _ = send(&mut fetch);
    let response = head(200, &[("x-secret", "s")]);
    fetch
        .handle_response(&mut ua, Instant::now(), response)
        .unwrap();
    let Action::Done(Ok(response)) = fetch.poll() else {
        panic!("allowed")
    };
    assert_eq!(response.response_type, ResponseType::Opaque);
    assert!(response.headers.is_empty());
}

#[test]
fn handle_response_takes_a_response_or_its_parts_and_gives_the_body_back() {
    let mut ua = UserAgent::new(Policy::spec());
    let mut fetch = ua
        .start(Instant::now(), request("https://api.example/x"))
        .unwrap();
    let _ = send(&mut fetch);
    let response = http::Response::builder()
        .status(200)
        .header("access-control-allow-origin", "*")
        .body(vec![1u8, 2, 3])
        .unwrap();
    let body = fetch
        .handle_response(&mut ua, Instant::now(), response)
        .unwrap();
    assert_eq!(body, [1, 2, 3]);
    assert!(matches!(fetch.poll(), Action::Done(Ok(_))));

    let mut fetch = ua
        .start(Instant::now(), request("https://api.example/x"))
        .unwrap();
    let _ = send(&mut fetch);
    let (parts, ()) = head(200, &[("access-control-allow-origin", "*")]).into_parts();
    fetch
        .handle_response(&mut ua, Instant::now(), parts)
        .unwrap();
    let Action::Done(Ok(response)) = fetch.poll() else {
        panic!("allowed")
    };
    assert_eq!(response.status, 200);
}

#[test]
fn a_preflight_failing_on_every_count_lists_every_rule_and_one_fix() {
    let mut ua = UserAgent::new(Policy::spec());
    let put = request("https://api.example/x")
        .method(Method::PUT)
        .header(
            http::HeaderName::from_static("x-b"),
            http::HeaderValue::from_static("1"),
        )
        .header(
            http::HeaderName::from_static("x-a"),
            http::HeaderValue::from_static("1"),
        )
        .credentials(CredentialsMode::Include);
    let mut fetch = ua.start(Instant::now(), put).unwrap();
    let _ = send(&mut fetch);
    // A server that answers OPTIONS with a bare 404.
    fetch
        .handle_response(&mut ua, Instant::now(), head(404, &[]))
        .unwrap();
    let b = blocked(&mut fetch);
    assert!(
        matches!(
            b.errors(),
            [
                NetworkError::PreflightStatusNotOk { status: 404 },
                NetworkError::MissingAllowOrigin {
                    stage: Stage::Preflight,
                    ..
                },
                NetworkError::AllowCredentialsNotTrue { got: None, .. },
                NetworkError::MethodNotAllowed { .. },
                NetworkError::HeaderNotAllowed { .. },
            ]
        ),
        "{:?}",
        b.errors()
    );
    // What a browser reports is the first one, unchanged.
    assert_eq!(
        b.error(),
        &NetworkError::PreflightStatusNotOk { status: 404 }
    );
    assert_eq!(b.stage(), Some(Stage::Preflight));
    let exchange = b.exchange().unwrap();
    assert_eq!(
        (exchange.kind, exchange.hop, exchange.method.clone()),
        (RequestKind::Preflight, 0, Method::OPTIONS)
    );
    assert_eq!(
        b.fix(),
        Some(Fix::Do(
            "answer the preflight (OPTIONS) request with a 2xx status, not 404; and send: \
             Access-Control-Allow-Origin: https://app.example; \
             Access-Control-Allow-Credentials: true; Access-Control-Allow-Methods: PUT; \
             Access-Control-Allow-Headers: x-a, x-b"
                .to_owned()
        ))
    );

    // The same with a 204: the fix is header lines only, all of them.
    let put = request("https://api.example/y").method(Method::PUT).header(
        http::HeaderName::from_static("x-a"),
        http::HeaderValue::from_static("1"),
    );
    let mut fetch = ua.start(Instant::now(), put).unwrap();
    let _ = send(&mut fetch);
    let answer = head(204, &[("access-control-allow-methods", "GET")]);
    fetch
        .handle_response(&mut ua, Instant::now(), answer)
        .unwrap();
    let b = blocked(&mut fetch);
    assert_eq!(b.errors().len(), 3);
    assert_eq!(
        b.fix(),
        Some(Fix::Send(vec![
            "Access-Control-Allow-Origin: https://app.example".to_owned(),
            "Access-Control-Allow-Methods: GET, PUT".to_owned(),
            "Access-Control-Allow-Headers: x-a".to_owned(),
        ]))
    );
    let shown = b.to_string();
    assert!(
        shown.contains(
            "has no Access-Control-Allow-Origin header (Fetch §concept-cors-check step 2)"
        ),
        "{shown}"
    );
    assert!(shown.contains("does not allow method `PUT`"), "{shown}");
    assert!(
        shown.contains("does not allow request header `x-a`"),
        "{shown}"
    );
    assert!(shown.ends_with(
        "the server must send: Access-Control-Allow-Origin: https://app.example; \
         Access-Control-Allow-Methods: GET, PUT; Access-Control-Allow-Headers: x-a"
    ));

    // Applying that fix makes the exchange pass in one edit.
    let put = request("https://api.example/y").method(Method::PUT).header(
        http::HeaderName::from_static("x-a"),
        http::HeaderValue::from_static("1"),
    );
    let mut fetch = ua.start(Instant::now(), put).unwrap();
    let _ = send(&mut fetch);
    let Some(Fix::Send(lines)) = b.fix() else {
        unreachable!()
    };
    let fixed: Vec<(&str, &str)> = lines.iter().map(|l| l.split_once(": ").unwrap()).collect();
    fetch
        .handle_response(&mut ua, Instant::now(), head(204, &fixed))
        .unwrap();
    assert_eq!(send(&mut fetch).kind, RequestKind::Actual);
}

#[test]
fn the_cors_check_reports_the_origin_and_the_credentials_rule_together() {
    let mut ua = UserAgent::new(Policy::spec());
    let get = request("https://api.example/x").credentials(CredentialsMode::Include);
    let mut fetch = ua.start(Instant::now(), get).unwrap();
    let _ = send(&mut fetch);
    let answer = head(200, &[("access-control-allow-origin", "*")]);
    fetch
        .handle_response(&mut ua, Instant::now(), answer)
        .unwrap();
    let b = blocked(&mut fetch);
    assert!(matches!(
        b.errors(),
        [
            NetworkError::WildcardOriginWithCredentials {
                stage: Stage::Response,
                ..
            },
            NetworkError::AllowCredentialsNotTrue {
                stage: Stage::Response,
                got: None
            },
        ]
    ));
    // Both rules ask for `Access-Control-Allow-Credentials: true`: one line.
    assert_eq!(
        b.fix(),
        Some(Fix::Send(vec![
            "Access-Control-Allow-Origin: https://app.example".to_owned(),
            "Access-Control-Allow-Credentials: true".to_owned(),
        ]))
    );
    assert_eq!(b.exchange().unwrap().kind, RequestKind::Actual);
}

#[test]
fn errors_before_sending_name_no_exchange() {
    let mut ua = UserAgent::new(Policy::spec());
    let mut fetch = ua
        .start(Instant::now(), request("https://api.example:25/"))
        .unwrap();
    let b = blocked(&mut fetch);
    assert_eq!(b.error(), &NetworkError::BadPort { port: 25 });
    assert_eq!(b.exchange(), None);
    assert_eq!(b.stage(), None);
    assert_eq!(b.fix(), None);
    assert_eq!(
        b.to_string(),
        NetworkError::BadPort { port: 25 }.to_string()
    );
}

#[test]
fn the_builder_takes_strings_and_reports_typed_errors() {
    let built = FetchRequest::builder()
        .origin("https://app.example/page")
        .url("https://api.example/v1/items?q=1")
        .method("PUT")
        .header("x-token", "1")
        .header(http::header::ACCEPT, "application/json")
        .credentials(CredentialsMode::Include)
        .build()
        .unwrap();
    assert_eq!(built.origin.serialize(), PAGE);
    assert_eq!(built.url.as_str(), "https://api.example/v1/items?q=1");
    assert_eq!(built.method, Method::PUT);
    assert_eq!(built.headers["x-token"], "1");
    assert_eq!(built.headers["accept"], "application/json");
    assert_eq!(built.credentials, CredentialsMode::Include);
    // Typed values work too.
    let url: url::Url = "https://api.example/".parse().unwrap();
    let typed = FetchRequest::builder()
        .origin(Origin::of_url(&url))
        .url(url.clone())
        .build()
        .unwrap();
    assert_eq!(typed.url, url);

    let bad_origin = FetchRequest::builder()
        .origin("app.example")
        .url("https://a.example/");
    assert!(matches!(bad_origin.build(), Err(BuildError::Origin(_))));
    let bad_url = FetchRequest::builder().origin(PAGE).url("/relative");
    assert!(matches!(
        bad_url.build(),
        Err(BuildError::Url(url::ParseError::RelativeUrlWithoutBase))
    ));
    let bad_header = FetchRequest::builder()
        .origin(PAGE)
        .url("https://a.example/")
        .header("x token", "1");
    assert!(matches!(bad_header.build(), Err(BuildError::Http(_))));
    let bad_value = FetchRequest::builder()
        .origin(PAGE)
        .url("https://a.example/")
        .header("x-token", "a\nb");
    assert!(matches!(bad_value.build(), Err(BuildError::Http(_))));
    let bad_method = FetchRequest::builder()
        .origin(PAGE)
        .url("https://a.example/")
        .method("P T");
    assert!(matches!(bad_method.build(), Err(BuildError::Http(_))));
    // The first error is kept.
    let both = FetchRequest::builder().origin("nope").url("nope");
    assert!(matches!(both.build(), Err(BuildError::Origin(_))));
    assert!(matches!(
        FetchRequest::builder().origin(PAGE).build(),
        Err(BuildError::MissingUrl)
    ));
    assert!(matches!(
        FetchRequest::builder().url("https://a.example/").build(),
        Err(BuildError::MissingOrigin)
    ));
    // The null origin.
    let null = FetchRequest::builder()
        .origin("null")
        .url("https://a.example/")
        .build();
    assert!(null.unwrap().origin.is_opaque());
}

/// Fetch §concept-http-network-fetch step 8.5: a 1xx other than 101 is skipped (the fetch
/// keeps awaiting the final response to the same request); a 101 ends the fetch in a network
/// error at that exchange, without a CORS check (it carries an allowing
/// `Access-Control-Allow-Origin` and is still refused).
#[test]
fn interim_responses_are_skipped_and_a_101_is_a_network_error() {
    let mut ua = UserAgent::new(Policy::spec());
    let mut fetch = ua
        .start(Instant::now(), request("https://api.example/x"))
        .unwrap();
    let _ = send(&mut fetch);
    let mut skipped = 0;
    for status in [100, 102, 103, 199] {
        fetch
            .handle_response(&mut ua, Instant::now(), head(status, &[]))
            .unwrap();
        assert_eq!(fetch.state(), StateKind::AwaitingResponse, "{status}");
        assert!(matches!(fetch.poll(), Action::AwaitResponse));
        assert_eq!(
            fetch.events().last(),
            Some(&Event::InterimSkipped { status })
        );
        skipped += 1;
    }
    assert_eq!(skipped, 4);
    let allow = [("access-control-allow-origin", PAGE)];
    fetch
        .handle_response(&mut ua, Instant::now(), head(200, &allow))
        .unwrap();
    assert!(matches!(fetch.poll(), Action::Done(Ok(r)) if r.status == 200));

    // A 101 to the actual request, then to a preflight.
    for (method, kind, stage) in [
        (Method::GET, RequestKind::Actual, Stage::Response),
        (Method::PUT, RequestKind::Preflight, Stage::Preflight),
    ] {
        let mut fetch = ua
            .start(
                Instant::now(),
                request("https://api.example/y").method(method.clone()),
            )
            .unwrap();
        assert_eq!(send(&mut fetch).kind, kind);
        let upgrade = [
            ("access-control-allow-origin", "*"),
            ("upgrade", "websocket"),
        ];
        fetch
            .handle_response(&mut ua, Instant::now(), head(101, &upgrade))
            .unwrap();
        let b = blocked(&mut fetch);
        assert!(
            matches!(b.error(), NetworkError::SwitchedProtocols { exchange } if exchange.kind == kind),
            "{b}"
        );
        assert_eq!(b.errors().len(), 1, "no CORS check ran: {b}");
        assert_eq!(b.stage(), Some(stage));
        assert_eq!(b.spec(), "fetch#concept-http-network-fetch step 8.5");
        assert!(
            b.to_string().contains("status 101 (Switching Protocols)"),
            "{b}"
        );
    }
}
