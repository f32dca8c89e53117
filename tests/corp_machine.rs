//! The cross-origin resource policy check driven through the state machine (Fetch §concept-http-fetch
//! step 5: every response, redirects included, of a request whose response tainting is "opaque";
//! §cross-origin-resource-policy-check, §cross-origin-resource-policy-internal-check), and the Fetch
//! Metadata headers on the requests the machine hands out (§append-a-request-sec-fetch-* via
//! `metadata::append_fetch_metadata`). The leaf functions have their own WPT vectors
//! (`tests/metadata_wpt.rs`); these tests show the machine applies them where Fetch says and ends
//! in a `NetworkError::CrossOriginResourcePolicy` naming the stage and the fix.
#![cfg(feature = "psl")]

use std::time::Instant;

use corsgate::corp::{EmbedderPolicy, ResourcePolicy};
use corsgate::{
    Action, Blocked, CredentialsMode, FetchRequest, Fix, Mode, NetworkError, Outgoing, Policy,
    RequestKind, ResponseType, Stage, UserAgent,
};

const PAGE: &str = "https://app.example.com";

fn request(url: &str, mode: Mode) -> FetchRequest {
    FetchRequest::builder()
        .origin(PAGE)
        .url(url)
        .build()
        .unwrap()
        .mode(mode)
}

fn head(status: u16, headers: &[(&str, &str)]) -> http::Response<()> {
    let mut b = http::Response::builder().status(status);
    for (n, v) in headers {
        b = b.header(*n, *v);
    }
    b.body(()).unwrap()
}

/// Runs `request` answering each request the machine hands out with the next head of `answers`;
/// returns the requests sent and the outcome.
fn run(
    policy: Policy,
    request: FetchRequest,
    answers: &[http::Response<()>],
) -> (Vec<Outgoing>, Result<corsgate::Response, Blocked>) {
    let mut ua = UserAgent::new(policy);
    let mut fetch = ua.start(Instant::now(), request).unwrap();
    let mut sent = Vec::new();
    let mut answers = answers.iter();
    loop {
        let out = match fetch.poll() {
            Action::Send(out) => out,
            Action::Done(outcome) => return (sent, outcome),
            Action::AwaitResponse => panic!("awaiting a response after {} sent", sent.len()),
        };
        sent.push(out);
        let answer = answers.next().expect("an answer for every request");
        let mut response = http::Response::new(());
        *response.status_mut() = answer.status();
        *response.headers_mut() = answer.headers().clone();
        fetch
            .handle_response(&mut ua, Instant::now(), response)
            .unwrap();
    }
}

fn corp_error(blocked: &Blocked) -> (Stage, &corsgate::corp::CorpBlocked) {
    match blocked.error() {
        NetworkError::CrossOriginResourcePolicy { stage, blocked } => (*stage, blocked),
        other => panic!("expected a CORP block, got {other:?}"),
    }
}

#[test]
fn a_no_cors_response_with_same_origin_corp_is_blocked_naming_the_fix() {
    let (sent, outcome) = run(
        Policy::spec(),
        request("https://cdn.other.example/img.png", Mode::NoCors),
        &[head(
            200,
            &[("cross-origin-resource-policy", "same-origin")],
        )],
    );
    assert_eq!(sent.len(), 1);
    let blocked = outcome.unwrap_err();
    let (stage, corp) = corp_error(&blocked);
    assert_eq!(stage, Stage::Response);
    assert_eq!(corp.policy, ResourcePolicy::SameOrigin);
    assert_eq!(corp.received.as_deref(), Some(&b"same-origin"[..]));
    assert_eq!(corp.imposed_by, None);
    assert!(!corp.same_site_would_pass);
    assert_eq!(
        blocked.error().fix(),
        Some(Fix::Send(vec![
            "Cross-Origin-Resource-Policy: cross-origin".to_owned()
        ]))
    );
    assert!(blocked.spec().contains("cross-origin-resource-policy"));
}

#[test]
fn same_site_passes_a_same_site_host_and_names_same_site_as_the_narrowest_fix() {
    // cdn.example.com is same site with app.example.com (registrable domain example.com).
    let (_, outcome) = run(
        Policy::spec(),
        request("https://cdn.example.com/a.js", Mode::NoCors),
        &[head(200, &[("cross-origin-resource-policy", "same-site")])],
    );
    let response = outcome.unwrap();
    assert_eq!(response.response_type, ResponseType::Opaque);
    // Same-origin blocks it, and same-site is what would allow it.
    let (_, outcome) = run(
        Policy::spec(),
        request("https://cdn.example.com/a.js", Mode::NoCors),
        &[head(
            200,
            &[("cross-origin-resource-policy", "same-origin")],
        )],
    );
    let blocked = outcome.unwrap_err();
    assert!(corp_error(&blocked).1.same_site_would_pass);
    assert_eq!(
        blocked.error().fix(),
        Some(Fix::Send(vec![
            "Cross-Origin-Resource-Policy: same-site".to_owned()
        ]))
    );
}

#[test]
fn a_redirect_hop_is_checked_too() {
    let (sent, outcome) = run(
        Policy::spec(),
        request("https://cdn.other.example/r", Mode::NoCors),
        &[head(
            302,
            &[
                ("location", "https://cdn.other.example/img.png"),
                ("cross-origin-resource-policy", "same-origin"),
            ],
        )],
    );
    assert_eq!(sent.len(), 1, "the redirect is not followed");
    let blocked = outcome.unwrap_err();
    assert_eq!(corp_error(&blocked).0, Stage::Redirect);
    assert_eq!(blocked.stage(), Some(Stage::Redirect));
}

#[test]
fn only_opaque_tainting_is_checked() {
    // A CORS request's response passes the CORS check instead: CORP is not applied.
    let (_, outcome) = run(
        Policy::spec(),
        request("https://cdn.other.example/data", Mode::Cors),
        &[head(
            200,
            &[
                ("access-control-allow-origin", PAGE),
                ("cross-origin-resource-policy", "same-origin"),
            ],
        )],
    );
    assert_eq!(outcome.unwrap().response_type, ResponseType::Cors);
    // A no-cors request to its own origin has basic tainting.
    let (_, outcome) = run(
        Policy::spec(),
        request("https://app.example.com/img.png", Mode::NoCors),
        &[head(
            200,
            &[("cross-origin-resource-policy", "same-origin")],
        )],
    );
    assert_eq!(outcome.unwrap().response_type, ResponseType::Basic);
    // A same-origin hop then a cross-origin one: tainting turns opaque at the second.
    let (sent, outcome) = run(
        Policy::spec(),
        request("https://app.example.com/r", Mode::NoCors),
        &[
            head(
                302,
                &[
                    ("location", "https://cdn.other.example/img.png"),
                    ("cross-origin-resource-policy", "same-origin"),
                ],
            ),
            head(200, &[("cross-origin-resource-policy", "same-origin")]),
        ],
    );
    assert_eq!(sent.len(), 2);
    assert_eq!(corp_error(&outcome.unwrap_err()).0, Stage::Response);
}

#[test]
fn an_invalid_or_repeated_header_is_as_if_absent() {
    for lines in [
        &[("cross-origin-resource-policy", "Same-Origin")][..],
        &[
            ("cross-origin-resource-policy", "same-origin"),
            ("cross-origin-resource-policy", "same-origin"),
        ][..],
        &[("cross-origin-resource-policy", "same-origin, same-site")][..],
    ] {
        let (_, outcome) = run(
            Policy::spec(),
            request("https://cdn.other.example/img.png", Mode::NoCors),
            &[head(200, lines)],
        );
        assert_eq!(
            outcome.unwrap().response_type,
            ResponseType::Opaque,
            "{lines:?}"
        );
    }
}

#[test]
fn require_corp_blocks_a_response_without_the_header() {
    let no_header = [head(200, &[("content-type", "image/png")])];
    let url = "https://cdn.other.example/img.png";
    let (_, outcome) = run(
        Policy::spec(),
        request(url, Mode::NoCors).embedder_policy(EmbedderPolicy::RequireCorp),
        &no_header,
    );
    let blocked = outcome.unwrap_err();
    let corp = corp_error(&blocked).1;
    assert_eq!(corp.received, None);
    assert_eq!(corp.imposed_by, Some(EmbedderPolicy::RequireCorp));
    // credentialless imposes it only when the request included credentials.
    let (_, outcome) = run(
        Policy::spec(),
        request(url, Mode::NoCors).embedder_policy(EmbedderPolicy::Credentialless),
        &no_header,
    );
    assert!(outcome.is_ok());
    let (_, outcome) = run(
        Policy::spec(),
        request(url, Mode::NoCors)
            .embedder_policy(EmbedderPolicy::Credentialless)
            .credentials(CredentialsMode::Include),
        &no_header,
    );
    assert_eq!(
        corp_error(&outcome.unwrap_err()).1.imposed_by,
        Some(EmbedderPolicy::Credentialless)
    );
    // unsafe-none: no requirement.
    let (_, outcome) = run(Policy::spec(), request(url, Mode::NoCors), &no_header);
    assert!(outcome.is_ok());
}

#[test]
fn chromium_same_site_does_not_cover_ip_hosts() {
    // Two IP-address origins, different ports: not the same origin, schemelessly same site.
    let req = || {
        FetchRequest::builder()
            .origin("http://127.0.0.1:8801")
            .url("http://127.0.0.1:8804/r")
            .build()
            .unwrap()
            .mode(Mode::NoCors)
    };
    let answer = [head(200, &[("cross-origin-resource-policy", "same-site")])];
    let (_, spec) = run(Policy::spec(), req(), &answer);
    assert!(spec.is_ok(), "{spec:?}");
    let (_, chromium) = run(Policy::chromium(), req(), &answer);
    assert_eq!(
        corp_error(&chromium.unwrap_err()).1.policy,
        ResourcePolicy::SameSite
    );
}

#[test]
fn fetch_metadata_goes_on_preflights_and_actual_requests_to_trustworthy_urls() {
    let put = request("https://api.other.example/x", Mode::Cors).method(http::Method::PUT);
    let (sent, outcome) = run(
        Policy::spec(),
        put,
        &[
            head(
                204,
                &[
                    ("access-control-allow-origin", PAGE),
                    ("access-control-allow-methods", "PUT"),
                ],
            ),
            head(200, &[("access-control-allow-origin", PAGE)]),
        ],
    );
    assert!(outcome.is_ok());
    assert_eq!(sent.len(), 2);
    for (out, kind) in sent
        .iter()
        .zip([RequestKind::Preflight, RequestKind::Actual])
    {
        assert_eq!(out.kind, kind);
        let h = out.request.headers();
        assert_eq!(h["sec-fetch-site"], "cross-site", "{kind:?}");
        assert_eq!(h["sec-fetch-mode"], "cors", "{kind:?}");
        assert_eq!(h["sec-fetch-dest"], "empty", "{kind:?}");
        assert!(h.get("sec-fetch-user").is_none());
    }
    // Not to a URL that is not potentially trustworthy.
    let (sent, _) = run(
        Policy::spec(),
        request("http://api.other.example/x", Mode::NoCors),
        &[head(200, &[])],
    );
    assert!(sent[0].request.headers().get("sec-fetch-site").is_none());
}

#[test]
fn a_preflight_after_a_redirect_is_judged_by_the_preset_s_preflight_site_rule() {
    // A PUT to another site, 307 back to the page's origin: the second preflight carries
    // `Origin: null`; the request's URL list has a cross-site URL.
    let put = || request("https://api.other.example/h", Mode::Cors).method(http::Method::PUT);
    let answers = [
        head(
            204,
            &[
                ("access-control-allow-origin", PAGE),
                ("access-control-allow-methods", "PUT"),
            ],
        ),
        head(
            307,
            &[
                ("location", "https://app.example.com/r"),
                ("access-control-allow-origin", PAGE),
            ],
        ),
        head(
            204,
            &[
                ("access-control-allow-origin", "null"),
                ("access-control-allow-methods", "PUT"),
            ],
        ),
        head(200, &[("access-control-allow-origin", "null")]),
    ];
    let second_preflight_site = |policy: Policy| {
        let (sent, outcome) = run(policy, put(), &answers);
        assert!(outcome.is_ok(), "{outcome:?}");
        let out = &sent[2];
        assert_eq!(out.kind, RequestKind::Preflight);
        assert_eq!(out.request.headers()["origin"], "null");
        // The PUT after it is judged by the URL list (WebKit sends none on it).
        let put_site = sent[3].request.headers().get("sec-fetch-site");
        assert!(put_site.is_none_or(|v| v == "cross-site"), "{put_site:?}");
        out.request.headers()["sec-fetch-site"].clone()
    };
    // Fetch: the preflight has the request's URL list.
    assert_eq!(second_preflight_site(Policy::spec()), "cross-site");
    // Chromium: a new request for the current URL with the page's origin (`gmeta-0089`).
    assert_eq!(second_preflight_site(Policy::chromium()), "same-origin");
    // WebKit: the origin it carries, `null`, against its URL.
    assert_eq!(second_preflight_site(Policy::webkit()), "cross-site");
}

#[test]
fn firefox_reads_the_corp_lines_without_their_empty_ones() {
    // Two lines, `same-origin` and an empty one: Fetch combines them to `same-origin, ` (invalid,
    // so allowed); Firefox merges header lines skipping empty ones, so it reads `same-origin`.
    for lines in [
        &[
            ("cross-origin-resource-policy", "same-origin"),
            ("cross-origin-resource-policy", ""),
        ][..],
        &[
            ("cross-origin-resource-policy", ""),
            ("cross-origin-resource-policy", "same-origin"),
        ][..],
    ] {
        let url = "https://cdn.other.example/img.png";
        let answer = [head(200, lines)];
        for policy in [Policy::spec(), Policy::chromium(), Policy::webkit()] {
            let name = policy.name;
            let (_, outcome) = run(policy, request(url, Mode::NoCors), &answer);
            assert!(outcome.is_ok(), "{name} {lines:?}: {outcome:?}");
        }
        let (_, outcome) = run(Policy::firefox(), request(url, Mode::NoCors), &answer);
        let blocked = outcome.unwrap_err();
        let corp = corp_error(&blocked).1;
        assert_eq!(corp.policy, ResourcePolicy::SameOrigin, "{lines:?}");
        assert_eq!(corp.received.as_deref(), Some(&b"same-origin"[..]));
    }
    // Empty lines alone are still as if absent.
    let (_, outcome) = run(
        Policy::firefox(),
        request("https://cdn.other.example/img.png", Mode::NoCors),
        &[head(
            200,
            &[
                ("cross-origin-resource-policy", ""),
                ("cross-origin-resource-policy", ""),
            ],
        )],
    );
    assert!(outcome.is_ok());
}
