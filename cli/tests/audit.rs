//! `corsgate audit` against real servers on 127.0.0.1: tower-http `CorsLayer` configurations and
//! hand-written misconfigured servers, one (at least) per finding class, the sound configurations,
//! and the false positives other scanners are known for. Nothing is mocked.

mod common;
use common::{serve, Run};

use std::net::TcpListener as StdListener;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method};
use axum::response::Response;
use axum::routing::any;
use axum::Router;
use serde_json::Value;
use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, Any, CorsLayer};

const APP: &str = "https://app.example.com";

/// What a hand-written server saw: method, Origin, path, when.
type Log = Arc<Mutex<Vec<(Method, Option<String>, String, Instant)>>>;

/// A request as a hand-written policy sees it.
struct Seen<'a> {
    method: &'a Method,
    origin: Option<&'a str>,
    acrm: Option<&'a str>,
    acrh: Option<&'a str>,
}

type Policy = fn(&Seen<'_>) -> (u16, Vec<(&'static str, String)>);

/// A server whose every path answers as `policy` says, logging each request.
fn handwritten(policy: Policy) -> (String, Log) {
    handwritten_slow(policy, Duration::ZERO)
}

fn handwritten_slow(policy: Policy, delay: Duration) -> (String, Log) {
    let log: Log = Arc::default();
    let seen = log.clone();
    let app = Router::new().fallback(any(move |req: Request| {
        let seen = seen.clone();
        async move {
            let (status, headers) = {
                let h = |n: &str| req.headers().get(n).and_then(|v| v.to_str().ok());
                let s = Seen {
                    method: req.method(),
                    origin: h("origin"),
                    acrm: h("access-control-request-method"),
                    acrh: h("access-control-request-headers"),
                };
                seen.lock().unwrap().push((
                    req.method().clone(),
                    s.origin.map(str::to_owned),
                    req.uri().path().to_owned(),
                    Instant::now(),
                ));
                policy(&s)
            };
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let mut r = Response::builder().status(status);
            for (n, v) in headers {
                r = r.header(n, v);
            }
            r.body(Body::from("data")).unwrap()
        }
    }));
    (serve(app), log)
}

/// A `CorsLayer` in front of a route answering every method.
fn layered(layer: CorsLayer) -> String {
    serve(
        Router::new()
            .route("/r", any(|| async { "data" }))
            .layer(layer),
    )
}

fn corsgate(args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_corsgate"));
    cmd.args(args).stdin(Stdio::null());
    for var in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    Run::from_output(cmd.output().expect("run corsgate"))
}

fn audit(url: &str, extra: &[&str]) -> Run {
    let mut args = vec!["audit", url, "--origin", APP, "--rate", "1000/s", "--json"];
    args.extend_from_slice(extra);
    corsgate(&args)
}

/// The findings as (class, severity) pairs, sorted.
fn classes(v: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["class"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn finding<'a>(v: &'a Value, class: &str) -> &'a Value {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["class"] == class)
        .unwrap_or_else(|| panic!("no {class} in {v}"))
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    v.sort();
    v
}

const ALL_ENGINES: [&str; 4] = ["spec", "chromium", "firefox", "webkit"];

/// Answers `origin` with credentials when `allowed(origin)`, with `Vary: Origin`; a preflight
/// gets PUT and the audit's header (a sound method/header list).
fn allow_when(s: &Seen<'_>, allowed: bool) -> (u16, Vec<(&'static str, String)>) {
    let mut h = vec![("vary", "Origin".to_owned())];
    if let (true, Some(o)) = (allowed, s.origin) {
        h.push(("access-control-allow-origin", o.to_owned()));
        h.push(("access-control-allow-credentials", "true".to_owned()));
        if s.method == Method::OPTIONS {
            h.push(("access-control-allow-methods", "GET, PUT".to_owned()));
            h.push((
                "access-control-allow-headers",
                "x-corsgate-audit".to_owned(),
            ));
        }
    }
    (
        if s.method == Method::OPTIONS {
            204
        } else {
            200
        },
        h,
    )
}

// ----- reflection -----------------------------------------------------------------------------

#[test]
fn reflected_origin_with_credentials_echoing_everything() {
    // The classic: reflect Origin, allow credentials, echo the preflight's method and headers,
    // no Vary.
    let (base, _) = handwritten(|s| {
        let mut h = vec![];
        if let Some(o) = s.origin {
            h.push(("access-control-allow-origin", o.to_owned()));
            h.push(("access-control-allow-credentials", "true".to_owned()));
        }
        if let Some(m) = s.acrm {
            h.push(("access-control-allow-methods", m.to_owned()));
        }
        if let Some(x) = s.acrh {
            h.push(("access-control-allow-headers", x.to_owned()));
        }
        (200, h)
    });
    let run = audit(&format!("{base}/r"), &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let v = run.json();
    // Reflection explains every bypass probe: they are not reported apart.
    assert_eq!(
        classes(&v),
        pairs(&[
            ("missing-vary-origin", "low"),
            ("preflight-reflects-request", "low"),
            ("reflected-origin-credentials", "high"),
        ])
    );
    let f = finding(&v, "reflected-origin-credentials");
    assert_eq!(f["origin"], "https://corsgate-attacker.example");
    assert_eq!(f["credentials"], true);
    assert_eq!(f["engines"], serde_json::json!(ALL_ENGINES));
    assert_eq!(f["evidence"]["request"]["method"], "GET");
    assert_eq!(f["evidence"]["response"]["status"], 200);
    assert!(f["evidence"]["response"]["headers"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!([
            "access-control-allow-origin",
            "https://corsgate-attacker.example"
        ])));
    assert!(f["fix"][0]
        .as_str()
        .unwrap()
        .contains("Access-Control-Allow-Origin: https://app.example.com"));

    // The text groups by severity, each with its probe.
    let run = corsgate(&[
        "audit",
        &format!("{base}/r"),
        "--origin",
        APP,
        "--rate",
        "1000/s",
    ]);
    assert_eq!(run.code, 1);
    let high = run.stdout.find("\nhigh (1):").expect(&run.stdout);
    let low = run.stdout.find("\nlow (2):").expect(&run.stdout);
    assert!(high < low);
    assert!(run.stdout.contains("probe: GET http://127.0.0.1:"));
    assert!(run
        .stdout
        .contains("with Origin: https://corsgate-attacker.example (simple request)"));
    assert!(run
        .stdout
        .contains("summary: 1 high, 0 medium, 2 low, 0 info"));
}

#[test]
fn mirror_request_layer() {
    // tower-http: mirror the origin, methods and headers, with credentials (its own `Vary`).
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods(AllowMethods::mirror_request())
        .allow_headers(AllowHeaders::mirror_request())
        .allow_credentials(true);
    let run = audit(&format!("{}/r", layered(layer)), &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let v = run.json();
    assert_eq!(
        classes(&v),
        pairs(&[
            ("preflight-reflects-request", "low"),
            ("reflected-origin-credentials", "high"),
        ])
    );
}

#[test]
fn reflected_origin_without_credentials() {
    let (base, _) = handwritten(|s| {
        let h = s
            .origin
            .map(|o| {
                vec![
                    ("access-control-allow-origin", o.to_owned()),
                    ("vary", "Origin".to_owned()),
                ]
            })
            .unwrap_or_default();
        (200, h)
    });
    let run = audit(&format!("{base}/r"), &[]);
    assert_eq!(run.code, 1);
    let v = run.json();
    assert_eq!(classes(&v), pairs(&[("reflected-origin", "low")]));
    assert_eq!(finding(&v, "reflected-origin")["credentials"], false);
}

#[test]
fn preflight_reflection_for_any_origin_lets_a_credentialed_put_through() {
    // The GET answer is sound (APP only), but the preflight reflects every origin with
    // credentials: an attacker's PUT goes out with cookies though nothing is readable.
    let (base, _) = handwritten(|s| {
        if s.method == Method::OPTIONS {
            let o = s.origin.unwrap_or("").to_owned();
            (
                204,
                vec![
                    ("access-control-allow-origin", o),
                    ("access-control-allow-credentials", "true".to_owned()),
                    ("access-control-allow-methods", "GET, PUT".to_owned()),
                    (
                        "access-control-allow-headers",
                        "x-corsgate-audit".to_owned(),
                    ),
                    ("vary", "Origin".to_owned()),
                ],
            )
        } else {
            allow_when(s, s.origin == Some(APP))
        }
    });
    let run = audit(&format!("{base}/r"), &[]);
    assert_eq!(run.code, 1);
    let v = run.json();
    assert_eq!(
        classes(&v),
        pairs(&[("reflected-origin-credentials", "medium")])
    );
    let f = finding(&v, "reflected-origin-credentials");
    assert_eq!(f["evidence"]["request"]["method"], "OPTIONS");
    assert!(f["evidence"]["outcome"]
        .as_str()
        .unwrap()
        .contains("send a credentialed PUT"));
}

// ----- bypasses of an origin check ------------------------------------------------------------

#[test]
fn null_origin_trusted() {
    let (base, _) = handwritten(|s| allow_when(s, matches!(s.origin, Some(APP | "null"))));
    let v = audit(&format!("{base}/r"), &[]).json();
    assert_eq!(classes(&v), pairs(&[("null-origin", "high")]));
    assert_eq!(finding(&v, "null-origin")["origin"], "null");
}

#[test]
fn prefix_match() {
    let (base, _) = handwritten(|s| allow_when(s, s.origin.is_some_and(|o| o.starts_with(APP))));
    let v = audit(&format!("{base}/r"), &[]).json();
    // The special-character probes start with APP too: the prefix explains them.
    assert_eq!(classes(&v), pairs(&[("prefix-match", "high")]));
    assert_eq!(
        finding(&v, "prefix-match")["origin"],
        "https://app.example.com.corsgate-attacker.example"
    );
}

#[test]
fn suffix_match_with_a_tower_http_predicate() {
    // `AllowOrigin::predicate` with a bare suffix test, as often written.
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(|origin: &HeaderValue, _| {
            origin.as_bytes().ends_with(b"example.com")
        }))
        .allow_credentials(true);
    let run = audit(&format!("{}/r", layered(layer)), &[]);
    assert_eq!(run.code, 1);
    let v = run.json();
    // evilexample.com passes; so do any subdomain and the http: twin (a step lower: they need a
    // foothold first); appxexample.com passes too but the suffix rule explains it.
    assert_eq!(
        classes(&v),
        pairs(&[
            ("any-subdomain", "medium"),
            ("insecure-origin-trusted", "medium"),
            ("suffix-match", "high"),
        ])
    );
    assert_eq!(
        finding(&v, "suffix-match")["origin"],
        "https://evilexample.com"
    );
}

#[test]
fn suffix_match_on_the_host() {
    // `.example.com` with the dot: evilapp.example.com passes, evilexample.com does not.
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(|origin: &HeaderValue, _| {
            let o = origin.as_bytes();
            o.starts_with(b"https://") && o.ends_with(b".example.com")
        }))
        .allow_credentials(true);
    let v = audit(&format!("{}/r", layered(layer)), &[]).json();
    assert_eq!(
        classes(&v),
        pairs(&[("any-subdomain", "medium"), ("suffix-match", "high")])
    );
    assert_eq!(
        finding(&v, "suffix-match")["origin"],
        "https://evilapp.example.com"
    );
}

#[test]
fn unescaped_dot() {
    // `^https://app.example.com$` as a regex: each `.` matches any character.
    let (base, _) = handwritten(|s| {
        let ok = s.origin.is_some_and(|o| {
            o.len() == APP.len() && o.bytes().zip(APP.bytes()).all(|(a, b)| b == b'.' || a == b)
        });
        allow_when(s, ok)
    });
    let v = audit(&format!("{base}/r"), &[]).json();
    assert_eq!(classes(&v), pairs(&[("unescaped-dot", "high")]));
    assert_eq!(
        finding(&v, "unescaped-dot")["origin"],
        "https://appxexample.com"
    );
}

#[test]
fn any_subdomain() {
    let (base, _) = handwritten(|s| {
        let ok = s.origin.is_some_and(|o| {
            o == APP || (o.starts_with("https://") && o.ends_with(".app.example.com"))
        });
        allow_when(s, ok)
    });
    let v = audit(&format!("{base}/r"), &[]).json();
    assert_eq!(classes(&v), pairs(&[("any-subdomain", "medium")]));
}

#[test]
fn insecure_origin_trusted() {
    let (base, _) =
        handwritten(|s| allow_when(s, matches!(s.origin, Some(APP | "http://app.example.com"))));
    let v = audit(&format!("{base}/r"), &[]).json();
    assert_eq!(classes(&v), pairs(&[("insecure-origin-trusted", "medium")]));
    assert_eq!(
        finding(&v, "insecure-origin-trusted")["origin"],
        "http://app.example.com"
    );
}

#[test]
fn special_characters_after_the_host() {
    // The prefix attack was closed by refusing a `.` after APP; any other character passes.
    let (base, log) = handwritten(|s| {
        let ok = s.origin.is_some_and(|o| {
            o.strip_prefix(APP)
                .is_some_and(|rest| rest.is_empty() || !rest.starts_with('.'))
        });
        allow_when(s, ok)
    });
    let v = audit(&format!("{base}/r"), &[]).json();
    let specials: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["class"] == "special-char-bypass")
        .collect();
    // One probe per group of characters the engines' URL parsers treat alike, in each class:
    // (origin, the engines whose parser gives a page that origin and whose CORS rules let it
    // read). Firefox's parser refuses `*` and `"` in a host; Chromium's escapes `*` to `%2A`, so
    // its page sends another Origin than the probe's.
    let got: Vec<(&str, Vec<&str>)> = specials
        .iter()
        .map(|f| {
            (
                f["origin"].as_str().unwrap(),
                f["engines"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e.as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    let want: Vec<(&str, Vec<&str>)> = vec![
        (
            "https://app.example.com_.corsgate-attacker.example",
            ALL_ENGINES.to_vec(),
        ),
        (
            "https://app.example.com!.corsgate-attacker.example",
            ALL_ENGINES.to_vec(),
        ),
        (
            "https://app.example.com*.corsgate-attacker.example",
            vec!["spec", "webkit"],
        ),
        (
            "https://app.example.com`.corsgate-attacker.example",
            ALL_ENGINES.to_vec(),
        ),
        (
            "https://app.example.com\".corsgate-attacker.example",
            vec!["spec", "chromium", "webkit"],
        ),
    ];
    assert_eq!(got, want, "{v}");
    assert!(specials.iter().all(|f| f["severity"] == "high"));
    assert_eq!(classes(&v).len(), 5, "{v}");
    // The probes went out with those exact Origin values.
    let sent: Vec<String> = log
        .lock()
        .unwrap()
        .iter()
        .filter_map(|r| r.1.clone())
        .collect();
    for (origin, _) in &want {
        assert!(sent.iter().any(|o| o == origin), "{origin} not sent");
    }

    // The text says which parsers keep, refuse or rewrite the character, and what is alike.
    let outcome = |origin: &str| {
        specials.iter().find(|f| f["origin"] == origin).unwrap()["evidence"]["outcome"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let star = outcome("https://app.example.com*.corsgate-attacker.example");
    assert!(
        star.contains("the URL parsers of spec and webkit keep `*` in a host"),
        "{star}"
    );
    assert!(star.contains("firefox refuses it"), "{star}");
    assert!(
        star.contains(
            "chromium escapes it to `%2A`: a page there sends \
             `Origin: https://app.example.com%2A.corsgate-attacker.example`, not probed"
        ),
        "{star}"
    );
    let quote = outcome("https://app.example.com\".corsgate-attacker.example");
    assert!(
        quote.contains("the URL parsers of spec, chromium and webkit keep `\"`"),
        "{quote}"
    );
    assert!(quote.contains("firefox refuses it"), "{quote}");
    let bang = outcome("https://app.example.com!.corsgate-attacker.example");
    assert!(
        bang.contains("the URL parsers of spec, chromium, firefox and webkit keep `!`"),
        "{bang}"
    );
    assert!(
        bang.contains("each treats `$`, `&`, `'`, `(`, `)`, `+`, `,`, `;`, `=` the same way"),
        "{bang}"
    );
    assert!(!bang.contains("refuses"), "{bang}");
}

#[test]
fn a_character_only_some_engines_accept_is_judged_for_those_only() {
    // A check that lets APP followed by `*` through (a glob written as a literal pattern gone
    // wrong, say) and nothing else: only the engines whose URL parser gives a page the host
    // `app.example.com*.…` are exposed. Firefox refuses that host; Chromium's page there has the
    // origin `…%2A…`, which this server refuses.
    let (base, _) = handwritten(|s| {
        let ok = s.origin.is_some_and(|o| {
            o == APP
                || o.strip_prefix(APP)
                    .is_some_and(|rest| rest.starts_with('*'))
        });
        allow_when(s, ok)
    });
    let run = audit(&format!("{base}/r"), &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let v = run.json();
    assert_eq!(classes(&v), pairs(&[("special-char-bypass", "high")]));
    let f = finding(&v, "special-char-bypass");
    assert_eq!(
        f["origin"],
        "https://app.example.com*.corsgate-attacker.example"
    );
    assert_eq!(f["engines"], serde_json::json!(["spec", "webkit"]));
    // The text output names the engines too.
    let run = corsgate(&["audit", &format!("{base}/r"), "--origin", APP]);
    assert!(
        run.stdout
            .contains("(with credentials; engines: spec, webkit)"),
        "{}",
        run.stdout
    );
}

#[test]
fn third_party_host_trusted() {
    let (base, _) = handwritten(|s| {
        let ok = s
            .origin
            .is_some_and(|o| o == APP || o.ends_with(".github.io"));
        allow_when(s, ok)
    });
    let v = audit(&format!("{base}/r"), &[]).json();
    assert_eq!(classes(&v), pairs(&[("third-party-trusted", "high")]));
}

// ----- caches and preflights ------------------------------------------------------------------

#[test]
fn missing_vary_origin() {
    // An exact allow-list, but no Vary: the answer to another origin (no CORS headers), served
    // from a shared cache to APP, blocks APP.
    let (base, _) = handwritten(|s| {
        let (status, mut h) = allow_when(s, s.origin == Some(APP));
        h.retain(|(n, _)| *n != "vary");
        (status, h)
    });
    let run = audit(&format!("{base}/r"), &[]);
    assert_eq!(run.code, 1);
    let v = run.json();
    assert_eq!(classes(&v), pairs(&[("missing-vary-origin", "low")]));
    let f = finding(&v, "missing-vary-origin");
    assert_eq!(f["origin"], APP);
    assert_eq!(f["fix"][0], "Vary: Origin");
}

#[test]
fn a_fixed_allow_origin_is_judged_for_engines_with_a_page_at_app_only() {
    // One fixed `Access-Control-Allow-Origin` without `Vary`: the answer does not depend on
    // Origin, so a shared cache changes nothing. APP's host has a `*`: Firefox's URL parser
    // refuses it and Chromium's page there has the origin `https://a%2Ab.example`, so no page of
    // theirs is APP; judging them as APP would call the unchanged answer a cache mix-up.
    const STAR_APP: &str = "https://a*b.example";
    let (base, _) = handwritten(|s| {
        let mut h = vec![
            ("access-control-allow-origin", STAR_APP.to_owned()),
            ("access-control-allow-credentials", "true".to_owned()),
        ];
        if s.method == Method::OPTIONS {
            h.push(("access-control-allow-methods", "GET".to_owned()));
        }
        (200, h)
    });
    let run = corsgate(&[
        "audit",
        &format!("{base}/r"),
        "--origin",
        STAR_APP,
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(classes(&run.json()), []);
}

#[test]
fn preflight_echo_with_a_sound_origin_list() {
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::list([HeaderValue::from_static(APP)]))
        .allow_methods(AllowMethods::mirror_request())
        .allow_headers(AllowHeaders::mirror_request())
        .allow_credentials(true);
    let v = audit(&format!("{}/r", layered(layer)), &[]).json();
    assert_eq!(classes(&v), pairs(&[("preflight-reflects-request", "low")]));
    assert_eq!(finding(&v, "preflight-reflects-request")["origin"], APP);
}

// ----- sound configurations and other scanners' false positives -------------------------------

#[test]
fn sound_exact_allow_list_with_vary() {
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::list([HeaderValue::from_static(APP)]))
        .allow_methods([Method::GET, Method::PUT])
        .allow_credentials(true);
    let run = audit(&format!("{}/r", layered(layer)), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(classes(&run.json()), []);
}

#[test]
fn wildcard_on_public_data_is_info() {
    // zaproxy#5907: `*` without credentials is what public data should send.
    let run = audit(&format!("{}/r", layered(CorsLayer::permissive())), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v = run.json();
    assert_eq!(classes(&v), pairs(&[("wildcard", "info")]));
    assert_eq!(finding(&v, "wildcard")["credentials"], false);
    // Plain `Access-Control-Allow-Origin: *` on a hand-written server too.
    let (base, _) = handwritten(|_| (200, vec![("access-control-allow-origin", "*".to_owned())]));
    let run = audit(&format!("{base}/r"), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(classes(&run.json()), pairs(&[("wildcard", "info")]));
}

#[test]
fn wildcard_with_credentials_is_info_not_exploitable() {
    // Scanners call it exploitable; no browser honours `*` with credentials.
    let (base, _) = handwritten(|_| {
        (
            200,
            vec![
                ("access-control-allow-origin", "*".to_owned()),
                ("access-control-allow-credentials", "true".to_owned()),
            ],
        )
    });
    let run = audit(&format!("{base}/r"), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v = run.json();
    assert_eq!(classes(&v), pairs(&[("wildcard-with-credentials", "info")]));
    assert!(
        finding(&v, "wildcard-with-credentials")["evidence"]["outcome"]
            .as_str()
            .unwrap()
            .contains("no browser honours")
    );
}

#[test]
fn reflection_on_an_error_status_is_not_high() {
    // zaproxy#9183: reflection with credentials on a 404 lets a page read an error page only.
    let (base, _) = handwritten(|s| {
        let h = s
            .origin
            .map(|o| {
                vec![
                    ("access-control-allow-origin", o.to_owned()),
                    ("access-control-allow-credentials", "true".to_owned()),
                    ("vary", "Origin".to_owned()),
                ]
            })
            .unwrap_or_default();
        (404, h)
    });
    let run = audit(&format!("{base}/missing"), &[]);
    assert_eq!(run.code, 1);
    let v = run.json();
    assert_eq!(
        classes(&v),
        pairs(&[("reflected-origin-credentials", "low")])
    );
    assert!(
        finding(&v, "reflected-origin-credentials")["evidence"]["outcome"]
            .as_str()
            .unwrap()
            .contains("status 404")
    );
}

#[test]
fn credentials_omit_judges_anonymous_pages_only() {
    // The same reflecting server, for an API that takes no cookies: reading is what `*` allows.
    let (base, _) = handwritten(|s| allow_when(s, s.origin.is_some()));
    let v = audit(&format!("{base}/r"), &["--credentials", "omit"]).json();
    assert_eq!(classes(&v), pairs(&[("reflected-origin", "low")]));
}

// ----- bounds ---------------------------------------------------------------------------------

#[test]
fn the_number_of_requests_is_fixed_and_only_the_audited_url_is_contacted() {
    let (base, log) = handwritten(|s| allow_when(s, s.origin == Some(APP)));
    let v = audit(&format!("{base}/r"), &[]).json();
    // 16 probe origins for https://app.example.com (APP, unrelated, prefix, two suffixes,
    // unescaped dot, subdomain, http:, five special characters (`_`, `!`, `*`, `` ` ``, `"`: one
    // per class and way the engines' URL parsers treat it), two third-party hosts, null), each
    // with the simple request and the PUT preflight, and one echo preflight.
    assert_eq!(v["probes"].as_array().unwrap().len(), 16);
    let seen = log.lock().unwrap().clone();
    assert_eq!(seen.len(), 16 * 2 + 1);
    assert_eq!(v["requests"]["sent"], 33);
    assert_eq!(v["requests"]["planned"], 33);
    assert!(seen
        .iter()
        .all(|(m, _, path, _)| path == "/r" && (*m == Method::GET || *m == Method::OPTIONS)));

    // A non-simple -X/-H adds its preflight per origin; the PUT itself is never sent.
    log.lock().unwrap().clear();
    let v = audit(
        &format!("{base}/r"),
        &["-X", "DELETE", "-H", "Authorization: Bearer x"],
    )
    .json();
    let seen = log.lock().unwrap().clone();
    assert_eq!(seen.len(), 16 * 3 + 1);
    assert_eq!(v["requests"]["sent"], 49);
    assert!(seen
        .iter()
        .all(|(m, _, _, _)| *m == Method::GET || *m == Method::OPTIONS));
}

#[test]
fn a_redirect_is_never_followed_to_another_host() {
    let (other, other_log) = handwritten(|s| allow_when(s, true));
    // The Location names another origin; the redirect itself reflects with credentials.
    static OTHER: Mutex<String> = Mutex::new(String::new());
    *OTHER.lock().unwrap() = format!("{other}/x");
    let (base, log) = handwritten(|s| {
        let mut h = vec![("location", OTHER.lock().unwrap().clone())];
        if let Some(o) = s.origin {
            h.push(("access-control-allow-origin", o.to_owned()));
            h.push(("access-control-allow-credentials", "true".to_owned()));
        }
        (302, h)
    });
    let v = audit(&format!("{base}/r"), &[]).json();
    assert_eq!(other_log.lock().unwrap().len(), 0);
    assert_eq!(log.lock().unwrap().len(), 33);
    assert!(v["notes"].as_array().unwrap().iter().any(|n| n
        .as_str()
        .unwrap()
        .contains(&format!("the server redirects (302 to `{other}/x`)"))));
}

#[test]
fn rate_is_respected() {
    let (base, log) = handwritten(|s| allow_when(s, s.origin == Some(APP)));
    let run = corsgate(&[
        "audit",
        &format!("{base}/r"),
        "--origin",
        "http://app.example:8080",
        "--rate",
        "40/s",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let seen = log.lock().unwrap().clone();
    assert!(seen.len() > 10);
    // Requests start at least 1/40 s apart: the n requests span at least (n - 1) / 40 s at the
    // server (a late arrival can shorten one gap, never the whole span by more than one delay;
    // allow 20 ms for it).
    let span = seen.last().unwrap().3.duration_since(seen[0].3);
    let least = Duration::from_secs_f64((seen.len() - 1) as f64 / 40.0);
    assert!(
        span + Duration::from_millis(20) >= least,
        "{span:?} < {least:?}"
    );
    // Every request the server saw is one the report counts.
    assert_eq!(
        run.json()["requests"]["sent"].as_u64(),
        Some(seen.len() as u64)
    );
}

#[test]
fn max_time_stops_the_audit() {
    let (base, log) = handwritten_slow(
        |s| allow_when(s, s.origin == Some(APP)),
        Duration::from_millis(300),
    );
    let run = corsgate(&[
        "audit",
        &format!("{base}/r"),
        "--origin",
        APP,
        "--rate",
        "1000/s",
        "--max-time",
        "1",
        "--json",
    ]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("--max-time reached"), "{}", run.stderr);
    let v = run.json();
    let sent = v["requests"]["sent"].as_u64().unwrap();
    assert!((1..=5).contains(&sent), "{sent}");
    assert_eq!(v["requests"]["planned"], 33);
    assert!(log.lock().unwrap().len() <= 5);
}

#[test]
fn usage_and_network_errors_exit_2() {
    let port = {
        let l = StdListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let run = corsgate(&[
        "audit",
        &format!("http://127.0.0.1:{port}/r"),
        "--origin",
        APP,
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("connection refused"), "{}", run.stderr);
    for bad in [
        &["audit", "http://127.0.0.1:1/r", "--origin", "null"][..],
        &["audit", "ftp://x.example/", "--origin", APP],
        &[
            "audit",
            "http://127.0.0.1:1/r",
            "--origin",
            APP,
            "--rate",
            "0/s",
        ],
        &[
            "audit",
            "http://127.0.0.1:1/r",
            "--origin",
            APP,
            "-X",
            "CONNECT",
        ],
    ] {
        let run = corsgate(bad);
        assert_eq!(run.code, 2, "{bad:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("corsgate: "), "{}", run.stderr);
    }
    let _ = Any;
}

// ----- a sharper `check` ----------------------------------------------------------------------

fn check(url: &str, extra: &[&str]) -> Run {
    let mut args = vec!["check", url, "--origin", APP];
    args.extend_from_slice(extra);
    corsgate(&args)
}

#[test]
fn check_names_an_error_status_and_its_usual_cause() {
    // nginx with `add_header` (no `always`), or a router whose 404/405 bypasses the CORS layer.
    let (base, _) = handwritten(|s| {
        if s.method == Method::OPTIONS {
            (405, vec![("allow", "GET".to_owned())])
        } else {
            (404, vec![("content-type", "text/html".to_owned())])
        }
    });
    let run = check(&format!("{base}/missing"), &[]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains(
        "note: the response is 404 Not Found and has no Access-Control-* header: no route answers this method at this URL"
    ), "{}", run.stdout);
    assert!(run.stdout.contains("nginx `add_header` without `always`"));
    let run = check(&format!("{base}/r"), &["-X", "PUT"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains(
        "note: the preflight response is 405 Method Not Allowed and has no Access-Control-* header: the route does not take OPTIONS (the preflight)"
    ), "{}", run.stdout);
    // A 404 that does carry CORS headers is readable: no such note.
    let (base, _) = handwritten(|s| allow_when(s, true));
    let run = check(&format!("{base}/r"), &[]);
    assert!(!run.stdout.contains("has no Access-Control-* header"));
}

#[test]
fn check_notes_what_audit_would_find_without_changing_the_verdict() {
    // Reflects the origin, the method and the headers, with credentials, without Vary.
    let (base, _) = handwritten(|s| {
        let mut h = vec![];
        if let Some(o) = s.origin {
            h.push(("access-control-allow-origin", o.to_owned()));
            h.push(("access-control-allow-credentials", "true".to_owned()));
        }
        if let Some(m) = s.acrm {
            h.push(("access-control-allow-methods", m.to_owned()));
        }
        if let Some(x) = s.acrh {
            h.push(("access-control-allow-headers", x.to_owned()));
        }
        (200, h)
    });
    let url = format!("{base}/r");
    let run = check(
        &url,
        &[
            "-X",
            "PUT",
            "-H",
            "X-Token: 1",
            "--credentials",
            "include",
            "--json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v = run.json();
    assert_eq!(v["verdict"]["result"], "allowed");
    let notes: Vec<&str> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(notes[0].contains("no `Vary: Origin`") && notes[0].contains("missing-vary-origin"));
    assert!(notes[1].contains("repeats the request's origin, method and headers"));
    assert!(notes[2].contains(&format!("`corsgate audit {url} --origin {APP}`")));
    // null with credentials is named.
    let run = corsgate(&[
        "check",
        &url,
        "--origin",
        "null",
        "--credentials",
        "include",
    ]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("(audit: null-origin)"),
        "{}",
        run.stdout
    );
    // A sound allow-list with Vary gets only the pointer to audit.
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::list([HeaderValue::from_static(APP)]))
        .allow_credentials(true);
    let run = check(
        &format!("{}/r", layered(layer)),
        &["--credentials", "include", "--json"],
    );
    assert_eq!(run.code, 0);
    let v = run.json();
    assert_eq!(v["notes"].as_array().unwrap().len(), 1, "{v}");
    // Without credentials nothing is noted.
    let layer = CorsLayer::new().allow_origin(AllowOrigin::list([HeaderValue::from_static(APP)]));
    let v = check(&format!("{}/r", layered(layer)), &["--json"]).json();
    assert_eq!(v["notes"], serde_json::json!([]));
}

#[test]
fn connection_headers_are_not_suggested_for_exposure() {
    let dir = std::env::temp_dir().join(format!("corsgate-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("response.txt");
    std::fs::write(
        &file,
        "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nConnection: keep-alive, X-Hop\r\n\
         Keep-Alive: timeout=5\r\nX-Hop: 1\r\nTransfer-Encoding: chunked\r\nX-Id: 7\r\n",
    )
    .unwrap();
    let run = corsgate(&[
        "explain",
        "--origin",
        APP,
        "--url",
        "https://api.example/r",
        "--response",
        file.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.json()["verdict"]["hidden_headers"],
        serde_json::json!(["x-id"])
    );
    let run = corsgate(&[
        "explain",
        "https://api.example/r",
        "--origin",
        APP,
        "--response",
        file.to_str().unwrap(),
    ]);
    assert!(run
        .stdout
        .contains("(to expose them the server must send: Access-Control-Expose-Headers: x-id)"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_capped_max_age_shows_both_figures() {
    let layer = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::PUT])
        .max_age(Duration::from_secs(86_400));
    let url = format!("{}/r", layered(layer));
    let run = check(&url, &["-X", "PUT", "--engine", "webkit"]);
    assert!(run.stdout.contains(
        "preflight result cached for 600 s (the server sent Access-Control-Max-Age: 86400; webkit caps it at 600 s)"
    ), "{}", run.stdout);
    let run = check(&url, &["-X", "PUT", "--engine", "firefox"]);
    assert!(
        run.stdout.contains("preflight result cached for 86400 s\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_and_explain_take_the_url_the_same_way_and_show_the_normalized_method() {
    let layer = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::PUT]);
    let url = format!("{}/r", layered(layer));
    let a = corsgate(&["check", "--url", &url, "--origin", APP, "-X", "put"]);
    let b = corsgate(&["check", &url, "--origin", APP, "-X", "put"]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(a.stdout, b.stdout);
    assert!(a
        .stdout
        .starts_with(&format!("PUT {url} from origin {APP}\n")));
    assert!(a.stdout.contains("the PUT only if it passes"));
    let e = corsgate(&[
        "explain",
        "https://api.example/r",
        "--origin",
        APP,
        "-X",
        "patch",
    ]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    // fetch() normalizes only DELETE, GET, HEAD, OPTIONS, POST and PUT.
    assert!(
        e.stdout.starts_with("patch https://api.example/r"),
        "{}",
        e.stdout
    );
    let both = corsgate(&["check", &url, "--url", &url, "--origin", APP]);
    assert_eq!(both.code, 2);
    let neither = corsgate(&["explain", "--origin", APP]);
    assert_eq!(neither.code, 2);
}
