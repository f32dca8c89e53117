//! Engine rules found by the generated and edge scenarios (`tests/data/conformance/edges.jsonl`,
//! `generated.jsonl`), checked on the public API under each preset: each test fails without its
//! rule. spec-notes/engines.md has the evidence.

use std::time::Instant;

use corsgate::classify::unsafe_header_names;
use corsgate::policy::Policy;
use corsgate::redirect::location_url_with;
use corsgate::replay::{replay, FetchInit, Route, RunResult, Scenario};
use corsgate::request::{CredentialsMode, Mode, RedirectMode};
use http::{HeaderMap, HeaderName, HeaderValue};

fn headers(pairs: &[(&str, &[u8])]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (n, v) in pairs {
        h.append(
            HeaderName::from_bytes(n.as_bytes()).unwrap(),
            HeaderValue::from_bytes(v).unwrap(),
        );
    }
    h
}

fn unsafe_names(policy: &Policy, pairs: &[(&str, &[u8])]) -> Vec<String> {
    (unsafe_header_names(&headers(pairs), policy).iter())
        .map(|n| n.as_str().to_owned())
        .collect()
}

#[test]
fn range_unit_case_webkit_only() {
    let h: &[(&str, &[u8])] = &[("range", b"Bytes=0-1")];
    assert_eq!(unsafe_names(&Policy::spec(), h), ["range"]);
    assert_eq!(unsafe_names(&Policy::chromium(), h), ["range"]);
    assert_eq!(unsafe_names(&Policy::firefox(), h), ["range"]);
    assert!(unsafe_names(&Policy::webkit(), h).is_empty());
    // Only the unit's case is relaxed: the rest of the range rules still apply.
    let h: &[(&str, &[u8])] = &[("range", b"BYTES=-5")];
    assert_eq!(unsafe_names(&Policy::webkit(), h), ["range"]);
}

#[test]
fn non_ascii_bytes_unsafe_in_firefox() {
    for (name, value) in [
        ("accept", &b"text/html;\xe9"[..]),
        ("content-type", &b"text/plain;charset=\xe9"[..]),
    ] {
        let h: &[(&str, &[u8])] = &[(name, value)];
        for p in [Policy::spec(), Policy::chromium(), Policy::webkit()] {
            assert!(unsafe_names(&p, h).is_empty(), "{} {name}", p.name);
        }
        assert_eq!(unsafe_names(&Policy::firefox(), h), [name]);
    }
    // Accept-Language never allowed such bytes.
    let h: &[(&str, &[u8])] = &[("accept-language", b"\xe9")];
    assert_eq!(unsafe_names(&Policy::spec(), h), ["accept-language"]);
}

#[test]
fn content_type_comma_unsafe_in_firefox() {
    let h: &[(&str, &[u8])] = &[("content-type", b"text/plain;charset=utf-8,text/html")];
    for p in [Policy::spec(), Policy::chromium(), Policy::webkit()] {
        assert!(unsafe_names(&p, h).is_empty(), "{}", p.name);
    }
    assert_eq!(unsafe_names(&Policy::firefox(), h), ["content-type"]);
}

#[test]
fn location_tab_percent_encoded_in_firefox() {
    let base: url::Url = "http://127.0.0.2:8802/d/r1".parse().unwrap();
    let h = headers(&[("location", b"r\t2")]);
    let url = |p: Policy| {
        location_url_with(&h, &base, None, p.location)
            .unwrap()
            .unwrap()
            .to_string()
    };
    assert_eq!(url(Policy::spec()), "http://127.0.0.2:8802/d/r2");
    assert_eq!(url(Policy::chromium()), "http://127.0.0.2:8802/d/r2");
    assert_eq!(url(Policy::webkit()), "http://127.0.0.2:8802/d/r2");
    assert_eq!(url(Policy::firefox()), "http://127.0.0.2:8802/d/r%092");
}

fn one_get(id: &str, headers: Vec<(String, String)>) -> Scenario {
    let url = format!("http://127.0.0.2:8802/{id}/r");
    Scenario {
        id: id.into(),
        document: "http://127.0.0.1:8801".into(),
        fetch: FetchInit {
            url: url.clone(),
            method: "GET".into(),
            headers,
            mode: Mode::Cors,
            credentials: CredentialsMode::SameOrigin,
            redirect: RedirectMode::Follow,
            body: None,
        },
        repeat: 1,
        routes: vec![Route {
            method: "*".into(),
            url,
            status: 200,
            headers: vec![(
                "Access-Control-Allow-Origin".into(),
                "http://127.0.0.1:8801".into(),
            )],
            body: Some("ok".into()),
        }],
        fetch_metadata: false,
    }
}

/// Script's header values are ByteStrings: `é` is one byte, so 127 ASCII bytes and `é` are 128
/// bytes (safelisted), not 129 as UTF-8 would count.
#[test]
fn replay_header_values_are_byte_strings() {
    let value = format!("{}é", "a".repeat(127));
    let scenario = one_get("bytestring", vec![("Accept".into(), value)]);
    let runs = replay(&scenario, &Policy::spec(), Instant::now()).unwrap();
    assert_eq!(runs[0].requests.len(), 1, "{runs:?}");
    assert_eq!(runs[0].requests[0].method, "GET");
    assert!(matches!(
        runs[0].result,
        RunResult::Response { status: 200, .. }
    ));
    // A code point above U+00FF cannot be a ByteString: TypeError, nothing sent.
    let scenario = one_get("bytestring-wide", vec![("X-A".into(), "€".into())]);
    let runs = replay(&scenario, &Policy::spec(), Instant::now()).unwrap();
    assert!(runs[0].requests.is_empty());
    assert_eq!(runs[0].result, RunResult::Failed);
}

/// Chromium drops a script's `User-Agent` (still forbidden there); Fetch, Firefox and WebKit keep
/// it, and as a CORS-unsafe name it calls for a preflight.
#[test]
fn user_agent_forbidden_in_chromium_only() {
    let scenario = one_get("ua", vec![("User-Agent".into(), "x".into())]);
    let first = |p: Policy| {
        let runs = replay(&scenario, &p, Instant::now()).unwrap();
        let r = &runs[0].requests[0];
        (r.method.clone(), r.acrh.clone())
    };
    assert_eq!(first(Policy::chromium()), ("GET".into(), None));
    for p in [Policy::spec(), Policy::firefox(), Policy::webkit()] {
        assert_eq!(first(p), ("OPTIONS".into(), Some("user-agent".into())));
    }
}

#[test]
fn client_hints_safelisted_in_chromium() {
    let safe: &[(&str, &[u8])] = &[
        ("dpr", b"1.5"),
        ("device-memory", b"8"),
        ("width", b"100"),
        ("viewport-width", b"100"),
        ("save-data", b"ON"),
        ("intervention", b"<x>"),
    ];
    for &(name, value) in safe {
        let h: &[(&str, &[u8])] = &[(name, value)];
        assert!(unsafe_names(&Policy::chromium(), h).is_empty(), "{name}");
        for p in [Policy::spec(), Policy::firefox(), Policy::webkit()] {
            assert_eq!(unsafe_names(&p, h), [name], "{} {name}", p.name);
        }
    }
    // The value must have the client hint's form.
    let bad: &[(&str, &[u8])] = &[
        ("dpr", b"2."),
        ("dpr", b"a"),
        ("device-memory", b".5"),
        ("width", b"1.5"),
        ("viewport-width", b""),
        ("save-data", b"off"),
    ];
    for &(name, value) in bad {
        let h: &[(&str, &[u8])] = &[(name, value)];
        assert_eq!(unsafe_names(&Policy::chromium(), h), [name], "{name}");
    }
    // Lang is not one of them.
    let h: &[(&str, &[u8])] = &[("lang", b"en")];
    assert_eq!(unsafe_names(&Policy::chromium(), h), ["lang"]);
}

#[test]
fn webkit_range_positions_may_carry_plus() {
    for v in [
        &b"bytes=+1-2"[..],
        b"bytes=1-+2",
        b"BYTES=+3-",
        b"bytes=+0-+0",
    ] {
        let h: &[(&str, &[u8])] = &[("range", v)];
        assert!(unsafe_names(&Policy::webkit(), h).is_empty());
        assert_eq!(unsafe_names(&Policy::spec(), h), ["range"]);
    }
    for v in [
        &b"bytes=0--0"[..],
        b"bytes=1--2",
        b"bytes=2-1",
        b"Bytes=-5",
        b"bytes=0 -1",
    ] {
        let h: &[(&str, &[u8])] = &[("range", v)];
        assert_eq!(unsafe_names(&Policy::webkit(), h), ["range"]);
    }
}

/// Page A, credentials `same-origin`: A/h0 → B/h1 → A/r. WebKit checks B's redirect again as if
/// credentials were included; without `Access-Control-Allow-Credentials` it never sends the last
/// request.
#[test]
fn webkit_fails_the_redirect_after_credentials_drop() {
    let (a, b) = ("http://127.0.0.1:8801", "http://127.0.0.2:8802");
    let hop = |url: String, to: String, acao: Option<&str>| Route {
        method: "*".into(),
        url,
        status: 302,
        headers: std::iter::once(("Location".to_owned(), to))
            .chain(acao.map(|o| ("Access-Control-Allow-Origin".to_owned(), o.to_owned())))
            .collect(),
        body: None,
    };
    let scenario = |credentials| Scenario {
        id: "drop".into(),
        document: a.into(),
        fetch: FetchInit {
            url: format!("{a}/d/h0"),
            method: "GET".into(),
            headers: vec![],
            mode: Mode::Cors,
            credentials,
            redirect: RedirectMode::Follow,
            body: None,
        },
        repeat: 1,
        routes: vec![
            hop(format!("{a}/d/h0"), format!("{b}/d/h1"), None),
            hop(format!("{b}/d/h1"), format!("{a}/d/r"), Some(a)),
            Route {
                method: "*".into(),
                url: format!("{a}/d/r"),
                status: 200,
                headers: vec![("Access-Control-Allow-Origin".into(), "null".into())],
                body: Some("ok".into()),
            },
        ],
        fetch_metadata: false,
    };
    let sent = |p: Policy, c| {
        let runs = replay(&scenario(c), &p, Instant::now()).unwrap();
        (runs[0].requests.len(), runs[0].result == RunResult::Failed)
    };
    assert_eq!(
        sent(Policy::webkit(), CredentialsMode::SameOrigin),
        (2, true)
    );
    assert_eq!(sent(Policy::webkit(), CredentialsMode::Omit), (3, false));
    // B's redirect passing the credentialed CORS check (the origin and ACAC `true`) is followed.
    let mut credentialed = scenario(CredentialsMode::SameOrigin);
    credentialed.routes[1]
        .headers
        .push(("Access-Control-Allow-Credentials".into(), "true".into()));
    let runs = replay(&credentialed, &Policy::webkit(), Instant::now()).unwrap();
    assert_eq!(runs[0].requests.len(), 3);
    assert_ne!(runs[0].result, RunResult::Failed);
    for p in [Policy::spec(), Policy::chromium(), Policy::firefox()] {
        assert_eq!(sent(p, CredentialsMode::SameOrigin), (3, false));
    }
}

/// Non-ASCII bytes in `Location`: Chromium and Firefox keep the server's bytes (percent-encoded);
/// WebKitGTK reads them as Latin-1 after repairing invalid UTF-8.
#[test]
fn location_non_ascii_bytes() {
    let base: url::Url = "http://127.0.0.2:8802/d/r1".parse().unwrap();
    let path = |p: Policy, bytes: &[u8]| {
        let h = headers(&[("location", bytes)]);
        let url = location_url_with(&h, &base, None, p.location)
            .unwrap()
            .unwrap();
        url.path().rsplit('/').next().unwrap().to_owned()
    };
    for p in [Policy::chromium(), Policy::firefox()] {
        assert_eq!(path(p.clone(), b"r2\xe9"), "r2%E9");
        assert_eq!(path(p, b"r2\xc3\xa9"), "r2%C3%A9");
    }
    assert_eq!(path(Policy::webkit(), b"r2\xe9"), "r2%C3%AF%C2%BF%C2%BD");
    assert_eq!(path(Policy::webkit(), b"r2\xc3\xa9"), "r2%C3%83%C2%A9");
}

/// `Access-Control-Allow-Credentials` as the lines `true` and ``: Fetch combines them to
/// `true, ` (the credentialed CORS check fails); Firefox skips the empty line.
#[test]
fn firefox_merge_skips_empty_header_lines() {
    let mut scenario = one_get("acac", vec![]);
    scenario.fetch.credentials = CredentialsMode::Include;
    scenario.routes[0]
        .headers
        .push(("Access-Control-Allow-Credentials".into(), "true".into()));
    scenario.routes[0]
        .headers
        .push(("Access-Control-Allow-Credentials".into(), String::new()));
    let failed =
        |p: Policy| replay(&scenario, &p, Instant::now()).unwrap()[0].result == RunResult::Failed;
    assert!(!failed(Policy::firefox()));
    for p in [Policy::spec(), Policy::chromium(), Policy::webkit()] {
        assert!(failed(p));
    }
}

/// Chromium drops script's `DPR` at a redirect (even a same-origin one); `Save-Data` stays.
#[test]
fn chromium_drops_client_hints_at_redirects() {
    let b = "http://127.0.0.2:8802";
    let route = |url: String, status: u16, extra: Vec<(String, String)>| Route {
        method: "*".into(),
        url,
        status,
        headers: [("Access-Control-Allow-Origin".to_owned(), "*".to_owned())]
            .into_iter()
            .chain(extra)
            .collect(),
        body: None,
    };
    let preflight = |url: String| Route {
        method: "OPTIONS".into(),
        url,
        status: 204,
        headers: vec![
            ("Access-Control-Allow-Origin".into(), "*".into()),
            ("Access-Control-Allow-Headers".into(), "*".into()),
        ],
        body: None,
    };
    let scenario = Scenario {
        id: "hints".into(),
        document: "http://127.0.0.1:8801".into(),
        fetch: FetchInit {
            url: format!("{b}/h/r1"),
            method: "GET".into(),
            headers: vec![
                ("DPR".into(), "a".into()),
                ("Save-Data".into(), "off".into()),
            ],
            mode: Mode::Cors,
            credentials: CredentialsMode::Omit,
            redirect: RedirectMode::Follow,
            body: None,
        },
        repeat: 1,
        routes: vec![
            preflight(format!("{b}/h/r1")),
            preflight(format!("{b}/h/r2")),
            route(
                format!("{b}/h/r1"),
                307,
                vec![("Location".into(), "r2".into())],
            ),
            route(format!("{b}/h/r2"), 200, vec![]),
        ],
        fetch_metadata: false,
    };
    let acrh = |p: Policy| -> Vec<Option<String>> {
        let runs = replay(&scenario, &p, Instant::now()).unwrap();
        let r = &runs[0].requests;
        r.iter()
            .filter(|q| q.method == "OPTIONS")
            .map(|q| q.acrh.clone())
            .collect()
    };
    let both = Some("dpr,save-data".to_owned());
    assert_eq!(
        acrh(Policy::chromium()),
        [both.clone(), Some("save-data".into())]
    );
    assert_eq!(acrh(Policy::spec()), [both.clone(), both]);
}

/// A no-cors `POST` from the page's origin, 307 to another site, 307 within that site: Fetch has
/// not tainted the request's origin (the first hop left the page's own origin), so every request
/// carries the page's origin; Chromium's network stack makes a present `Origin` `null` at every
/// redirect to another origin (`gmeta-0378`, `gmeta-0421`). In mode `cors` it follows Fetch.
#[test]
fn chromium_nulls_origin_after_a_cross_origin_no_cors_redirect() {
    let (a, b) = ("http://127.0.0.1:8801", "http://127.0.0.2:8802");
    let hop = |url: String, to: String| Route {
        method: "*".into(),
        url,
        status: 307,
        headers: vec![
            ("Location".into(), to),
            ("Access-Control-Allow-Origin".into(), "*".into()),
        ],
        body: None,
    };
    let scenario = |mode| Scenario {
        id: "nocors-origin".into(),
        document: a.into(),
        fetch: FetchInit {
            url: format!("{a}/d/h1"),
            method: "POST".into(),
            headers: vec![],
            mode,
            credentials: CredentialsMode::Omit,
            redirect: RedirectMode::Follow,
            body: Some("x".into()),
        },
        repeat: 1,
        routes: vec![
            hop(format!("{a}/d/h1"), format!("{b}/d/h2")),
            hop(format!("{b}/d/h2"), format!("{b}/d/r")),
            Route {
                method: "*".into(),
                url: format!("{b}/d/r"),
                status: 200,
                headers: vec![("Access-Control-Allow-Origin".into(), "*".into())],
                body: Some("ok".into()),
            },
        ],
        fetch_metadata: false,
    };
    let origins = |p: Policy, mode| {
        let runs = replay(&scenario(mode), &p, Instant::now()).unwrap();
        (runs[0].requests.iter())
            .map(|r| r.origin.clone().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        origins(Policy::chromium(), Mode::NoCors),
        [a, "null", "null"]
    );
    for p in [Policy::spec(), Policy::firefox(), Policy::webkit()] {
        assert_eq!(origins(p, Mode::NoCors), [a, a, a]);
    }
    assert_eq!(origins(Policy::chromium(), Mode::Cors), [a, a, a]);
}

/// Firefox and WebKit keep needing a preflight after a preflighted request redirects (a `DELETE`
/// 303 to a `GET`), and remember a passed preflight even when it listed no method and no header
/// name: on the repeat the inherited preflight is skipped (`gmeta-0510`).
#[test]
fn sticky_preflight_remembers_a_preflight_that_listed_nothing() {
    let (a, b) = ("http://127.0.0.1:8801", "http://127.0.0.2:8802");
    let acao = || ("Access-Control-Allow-Origin".to_owned(), a.to_owned());
    let scenario = Scenario {
        id: "sticky-empty".into(),
        document: a.into(),
        fetch: FetchInit {
            url: format!("{b}/d/h1"),
            method: "DELETE".into(),
            headers: vec![],
            mode: Mode::Cors,
            credentials: CredentialsMode::Omit,
            redirect: RedirectMode::Follow,
            body: None,
        },
        repeat: 2,
        routes: vec![
            Route {
                method: "OPTIONS".into(),
                url: format!("{b}/d/h1"),
                status: 204,
                headers: vec![
                    acao(),
                    ("Access-Control-Allow-Methods".into(), "DELETE".into()),
                ],
                body: None,
            },
            Route {
                method: "*".into(),
                url: format!("{b}/d/h1"),
                status: 303,
                headers: vec![("Location".into(), format!("{b}/d/r")), acao()],
                body: None,
            },
            Route {
                method: "OPTIONS".into(),
                url: format!("{b}/d/r"),
                status: 204,
                headers: vec![acao()],
                body: None,
            },
            Route {
                method: "*".into(),
                url: format!("{b}/d/r"),
                status: 200,
                headers: vec![acao()],
                body: Some("ok".into()),
            },
        ],
        fetch_metadata: false,
    };
    assert_the_inherited_preflight_is_remembered(&scenario);
}

/// `gcors-0044`, `-0126`, `-0585`, `-0651`, `-0677`, `-1075`, `-1090`, `-1179`
/// (cors-generated4.jsonl): an inherited preflight answered with only `*` tokens, which the cache
/// does not keep for a credentialed request (nor, in Firefox, at all); Firefox and WebKit still
/// remember it.
#[test]
fn sticky_preflight_remembers_a_preflight_that_listed_only_a_wildcard() {
    let (a, b) = ("http://127.0.0.1:8801", "http://127.0.0.2:8802");
    let acao = || ("Access-Control-Allow-Origin".to_owned(), a.to_owned());
    let acac = || {
        (
            "Access-Control-Allow-Credentials".to_owned(),
            "true".to_owned(),
        )
    };
    let scenario = Scenario {
        id: "sticky-wildcard".into(),
        document: a.into(),
        fetch: FetchInit {
            url: format!("{b}/d/h1"),
            method: "DELETE".into(),
            headers: vec![],
            mode: Mode::Cors,
            credentials: CredentialsMode::Include,
            redirect: RedirectMode::Follow,
            body: None,
        },
        repeat: 2,
        routes: vec![
            Route {
                method: "OPTIONS".into(),
                url: format!("{b}/d/h1"),
                status: 204,
                headers: vec![
                    acao(),
                    acac(),
                    ("Access-Control-Allow-Methods".into(), "DELETE".into()),
                ],
                body: None,
            },
            Route {
                method: "*".into(),
                url: format!("{b}/d/h1"),
                status: 303,
                headers: vec![("Location".into(), format!("{b}/d/r")), acao(), acac()],
                body: None,
            },
            Route {
                method: "OPTIONS".into(),
                url: format!("{b}/d/r"),
                status: 204,
                headers: vec![
                    acao(),
                    acac(),
                    ("Access-Control-Allow-Methods".into(), "*".into()),
                    ("Access-Control-Allow-Headers".into(), "*".into()),
                ],
                body: None,
            },
            Route {
                method: "*".into(),
                url: format!("{b}/d/r"),
                status: 200,
                headers: vec![acao(), acac()],
                body: Some("ok".into()),
            },
        ],
        fetch_metadata: false,
    };
    assert_the_inherited_preflight_is_remembered(&scenario);
}

/// The methods each run of `scenario` sent under `policy`, space-separated.
fn methods_per_run(scenario: &Scenario, policy: &Policy) -> Vec<String> {
    let runs = replay(scenario, policy, Instant::now()).unwrap();
    runs.iter()
        .map(|r| {
            (r.requests.iter())
                .map(|q| q.method.clone())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// A DELETE redirected to a GET at `/r`, run twice: Firefox and WebKit preflight the GET (an
/// inherited preflight) on the first run and remember it on the second; Fetch and Chromium never
/// preflight the GET.
fn assert_the_inherited_preflight_is_remembered(scenario: &Scenario) {
    for p in [Policy::firefox(), Policy::webkit()] {
        assert_eq!(
            methods_per_run(scenario, &p),
            ["OPTIONS DELETE OPTIONS GET", "DELETE GET"],
            "the preflight at /r is remembered"
        );
    }
    for p in [Policy::spec(), Policy::chromium()] {
        assert_eq!(
            methods_per_run(scenario, &p),
            ["OPTIONS DELETE GET", "DELETE GET"]
        );
    }
}
