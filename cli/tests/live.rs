//! `corsgate check` against real servers on 127.0.0.1: axum with tower-http's `CorsLayer` in
//! several configurations, and hand-written misconfigurations. Nothing is mocked: the binary sends
//! real requests with its HTTP client and the servers answer over TCP.

mod common;
use common::{serve, Run};

use std::net::TcpListener as StdListener;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method};
use axum::response::Response;
use axum::routing::any;
use axum::Router;
use serde_json::Value;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

const APP: &str = "https://app.example";

/// A route answering every method with `OK` (the resource behind the CORS layer).
fn resource() -> Router {
    Router::new().route("/r", any(|| async { "ok" }))
}

/// A server whose `/r` answers with `answer(method)`, recording each request's method and headers.
type Log = Arc<Mutex<Vec<(Method, Vec<(String, String)>)>>>;

fn handwritten(answer: fn(&Method) -> Response) -> (String, Log) {
    let log: Log = Arc::default();
    let seen = log.clone();
    let app = Router::new().route(
        "/r",
        any(move |req: Request| {
            let seen = seen.clone();
            async move {
                let headers = req
                    .headers()
                    .iter()
                    .map(|(n, v)| {
                        (
                            n.as_str().to_owned(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect();
                seen.lock().unwrap().push((req.method().clone(), headers));
                answer(req.method())
            }
        }),
    );
    (serve(app), log)
}

fn respond(status: u16, headers: &[(&'static str, &str)]) -> Response {
    let mut r = Response::builder().status(status);
    for (n, v) in headers {
        r = r.header(*n, *v);
    }
    r.body(Body::from("body")).unwrap()
}

fn corsgate(args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_corsgate"));
    cmd.args(args).stdin(Stdio::null());
    // The servers are on loopback: no proxy may stand in between.
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

fn check(url: &str, extra: &[&str]) -> Run {
    let mut args = vec!["check", url, "--origin", APP, "--timeout", "10"];
    args.extend_from_slice(extra);
    corsgate(&args)
}

fn assert_allowed(run: &Run) {
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("verdict: allowed"), "{}", run.stdout);
}

fn assert_blocked(run: &Run, rule: &str, fix: &str) {
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("verdict: blocked"), "{}", run.stdout);
    assert!(run.stdout.contains(rule), "no `{rule}` in:\n{}", run.stdout);
    assert!(run.stdout.contains(fix), "no `{fix}` in:\n{}", run.stdout);
}

// ----- CorsLayer configurations ---------------------------------------------------------------

#[test]
fn permissive_allows_simple_and_preflighted_requests_without_credentials() {
    let base = serve(resource().layer(CorsLayer::permissive()));
    let url = format!("{base}/r");
    let run = check(&url, &[]);
    assert_allowed(&run);
    assert!(run.stdout.contains("decision: simple"));

    let run = check(&url, &["-X", "PUT", "-H", "X-Token: 1", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v = run.json();
    assert_eq!(v["decision"], "preflight");
    assert_eq!(v["verdict"]["result"], "allowed");
    assert_eq!(v["verdict"]["type"], "cors");
    assert_eq!(v["verdict"]["status"], 200);
    let exchanges = v["exchanges"].as_array().unwrap();
    assert_eq!(exchanges.len(), 2);
    assert_eq!(exchanges[0]["request"]["method"], "OPTIONS");
    assert_eq!(exchanges[0]["request"]["kind"], "preflight");
    assert_eq!(exchanges[1]["request"]["method"], "PUT");
    // Expose-Headers `*` without credentials exposes every header.
    let visible: Vec<&str> = v["verdict"]["visible_headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_str().unwrap())
        .collect();
    assert!(visible.contains(&"content-type"), "{visible:?}");
}

#[test]
fn permissive_wildcards_do_not_allow_credentials() {
    let base = serve(resource().layer(CorsLayer::permissive()));
    let run = check(
        &format!("{base}/r"),
        &["-X", "PUT", "--credentials", "include"],
    );
    assert_blocked(
        &run,
        "the preflight response has Access-Control-Allow-Origin `*`",
        "the server must send: Access-Control-Allow-Origin: https://app.example; Access-Control-Allow-Credentials: true",
    );
    assert!(run
        .stdout
        .contains("verdict: blocked at the preflight response"));
}

#[test]
fn exact_origin_list() {
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::list([
            HeaderValue::from_static(APP),
            HeaderValue::from_static("https://admin.example"),
        ]))
        .allow_methods([Method::GET, Method::POST]);
    let base = serve(resource().layer(layer));
    let url = format!("{base}/r");
    let run = check(&url, &[]);
    assert_allowed(&run);
    let run = corsgate(&["check", &url, "--origin", "https://admin.example"]);
    assert_allowed(&run);

    // Another origin gets no Access-Control-Allow-Origin at all.
    let run = corsgate(&["check", &url, "--origin", "https://evil.example"]);
    assert_blocked(
        &run,
        "the response has no Access-Control-Allow-Origin header",
        "the server must send: Access-Control-Allow-Origin: https://evil.example",
    );
    assert!(run.stdout.contains("Fetch §concept-cors-check step 2"));
}

#[test]
fn credentials_allowed() {
    let layer = CorsLayer::new()
        .allow_origin(HeaderValue::from_static(APP))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::PUT])
        .allow_headers([HeaderName::from_static("x-token")]);
    let base = serve(resource().layer(layer));
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
    assert_eq!(v["request"]["credentials"], "include");
    let ex = v["exchanges"].as_array().unwrap();
    // Preflights never carry credentials; the actual request does (corsgate attaches no cookies).
    assert_eq!(ex[0]["request"]["credentials"], false);
    assert_eq!(ex[1]["request"]["credentials"], true);
    assert_eq!(
        v["required"]["response"],
        serde_json::json!([
            "Access-Control-Allow-Origin: https://app.example",
            "Access-Control-Allow-Credentials: true"
        ])
    );
    // Text output names it too.
    let run = check(&url, &["--credentials", "include"]);
    assert_allowed(&run);
    assert!(run
        .stdout
        .contains("credentials included (corsgate sends no cookies)"));
}

#[test]
fn restricted_methods_and_headers() {
    let layer = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([HeaderName::from_static("content-type")]);
    let base = serve(resource().layer(layer));
    let url = format!("{base}/r");

    let run = check(&url, &["-X", "PUT"]);
    assert_blocked(
        &run,
        "the preflight response does not allow method `PUT` (Access-Control-Allow-Methods: GET, POST)",
        // The whole value: what the server allowed, and PUT.
        "the server must send: Access-Control-Allow-Methods: GET, POST, PUT",
    );
    assert!(run
        .stdout
        .contains("Fetch §cors-preflight-fetch-0 step 7.5"));

    let run = check(&url, &["-X", "POST", "-H", "X-Token: 1"]);
    assert_blocked(
        &run,
        "does not allow request header `x-token`",
        "the server must send: Access-Control-Allow-Headers: content-type, x-token",
    );

    let run = check(
        &url,
        &["-X", "POST", "-H", "Content-Type: application/json"],
    );
    assert_allowed(&run);
    assert!(run.stdout.contains("decision: preflight"));
}

#[test]
fn max_age_is_capped_per_engine() {
    let layer = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::PUT])
        .max_age(Duration::from_secs(86_400));
    let base = serve(resource().layer(layer));
    let url = format!("{base}/r");
    for (engine, secs) in [
        ("spec", 7200),
        ("chromium", 7200),
        ("firefox", 86_400),
        ("webkit", 600),
    ] {
        let run = check(&url, &["-X", "PUT", "--engine", engine, "--json"]);
        assert_eq!(run.code, 0, "{engine}: {}", run.stdout);
        let v = run.json();
        assert_eq!(v["engine"], engine);
        assert_eq!(v["verdict"]["preflight_cached_for"], secs, "{engine}");
    }
    let run = check(&url, &["-X", "PUT", "--engine", "webkit"]);
    assert!(run.stdout.contains("preflight result cached for 600 s"));
}

// ----- hand-written misconfigurations ---------------------------------------------------------

#[test]
fn no_allow_origin_header() {
    let (base, _) = handwritten(|_| respond(200, &[("content-type", "text/plain")]));
    let run = check(&format!("{base}/r"), &[]);
    assert_blocked(
        &run,
        "the response has no Access-Control-Allow-Origin header",
        "the server must send: Access-Control-Allow-Origin: https://app.example",
    );
    assert!(run.stdout.contains("verdict: blocked at the response"));
}

#[test]
fn wildcard_origin_with_credentials() {
    let (base, _) = handwritten(|_| {
        respond(
            200,
            &[
                ("access-control-allow-origin", "*"),
                ("access-control-allow-credentials", "true"),
            ],
        )
    });
    let url = format!("{base}/r");
    // Without credentials `*` is fine.
    assert_allowed(&check(&url, &[]));
    let run = check(&url, &["--credentials", "include", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let v = run.json();
    let verdict = &v["verdict"];
    assert_eq!(verdict["result"], "blocked");
    assert_eq!(verdict["stage"], "response");
    assert_eq!(verdict["spec"], "fetch#concept-cors-check steps 3-4");
    assert_eq!(
        verdict["fix"]["send"],
        serde_json::json!([
            "Access-Control-Allow-Origin: https://app.example",
            "Access-Control-Allow-Credentials: true"
        ])
    );
}

#[test]
fn preflight_answering_404() {
    let (base, log) = handwritten(|m| {
        if m == Method::OPTIONS {
            respond(404, &[])
        } else {
            respond(200, &[("access-control-allow-origin", "*")])
        }
    });
    let run = check(&format!("{base}/r"), &["-X", "DELETE"]);
    assert_blocked(
        &run,
        "the preflight response has status 404, not an ok status (200-299)",
        "fix: answer the preflight (OPTIONS) request with a 2xx status, not 404",
    );
    // The machine stopped after the preflight: the DELETE never reached the server.
    let log = log.lock().unwrap();
    let methods: Vec<&Method> = log.iter().map(|(m, _)| m).collect();
    assert_eq!(methods, [Method::OPTIONS]);
}

#[test]
fn redirecting_preflight() {
    let (base, log) = handwritten(|m| {
        if m == Method::OPTIONS {
            respond(
                307,
                &[
                    ("location", "/elsewhere"),
                    ("access-control-allow-origin", "*"),
                ],
            )
        } else {
            respond(200, &[("access-control-allow-origin", "*")])
        }
    });
    let run = check(&format!("{base}/r"), &["-X", "PUT", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let v = run.json();
    assert_eq!(v["verdict"]["result"], "blocked");
    assert_eq!(v["verdict"]["stage"], "preflight");
    assert_eq!(
        v["verdict"]["spec"],
        "fetch#cors-preflight-fetch-0 steps 7-8"
    );
    assert!(v["verdict"]["fix"]["do"]
        .as_str()
        .unwrap()
        .contains("instead of redirecting"));
    // The client did not follow the redirect: one request reached the server.
    assert_eq!(log.lock().unwrap().len(), 1);
}

#[test]
fn the_preflight_on_the_wire_is_the_machines() {
    let (base, log) = handwritten(|m| {
        let mut h = vec![("access-control-allow-origin", APP)];
        if m == Method::OPTIONS {
            h.push(("access-control-allow-methods", "PATCH"));
            h.push(("access-control-allow-headers", "X-B, x-a"));
        }
        respond(if m == Method::OPTIONS { 204 } else { 200 }, &h)
    });
    let run = check(
        &format!("{base}/r"),
        &[
            "-X",
            "PATCH",
            "-H",
            "X-B: 2",
            "-H",
            "x-a: 1",
            "-H",
            "Cookie: a=1",
            "--credentials",
            "include",
        ],
    );
    // `Access-Control-Allow-Credentials` is missing: blocked at the preflight.
    assert_blocked(
        &run,
        "the preflight response has no Access-Control-Allow-Credentials header",
        "the server must send: Access-Control-Allow-Credentials: true",
    );
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 1);
    let (method, headers) = &log[0];
    assert_eq!(method, Method::OPTIONS);
    let get = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("access-control-request-method"), Some("PATCH"));
    assert_eq!(get("access-control-request-headers"), Some("x-a,x-b"));
    assert_eq!(get("origin"), Some(APP));
    assert_eq!(get("accept"), Some("*/*"));
    // Script's Cookie is forbidden, and corsgate attaches none of its own.
    assert_eq!(get("cookie"), None);
    assert!(run.stdout.contains("dropped `cookie: a=1`"));
}

#[test]
fn non_2xx_statuses_are_responses() {
    let (base, _) = handwritten(|_| respond(503, &[("access-control-allow-origin", APP)]));
    let run = check(&format!("{base}/r"), &["--json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v = run.json();
    assert_eq!(v["verdict"]["result"], "allowed");
    assert_eq!(v["verdict"]["status"], 503);
}

#[test]
fn the_machine_follows_redirects_and_taints_the_origin() {
    // A second server (another port: another origin) with an exact origin list, and a permissive one.
    let strict =
        serve(resource().layer(CorsLayer::new().allow_origin(HeaderValue::from_static(APP))));
    let open = serve(resource().layer(CorsLayer::permissive()));
    let target_strict = format!("{strict}/r");
    let target_open = format!("{open}/r");
    let app = Router::new()
        .route(
            "/to-strict",
            any(move || {
                let to = target_strict.clone();
                async move {
                    respond(
                        302,
                        &[("location", &to), ("access-control-allow-origin", APP)],
                    )
                }
            }),
        )
        .route(
            "/to-open",
            any(move || {
                let to = target_open.clone();
                async move {
                    respond(
                        302,
                        &[("location", &to), ("access-control-allow-origin", APP)],
                    )
                }
            }),
        );
    let base = serve(app);

    // Cross-origin to cross-origin: the request's origin becomes `null`, which `*` allows.
    let run = check(&format!("{base}/to-open"), &["--json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v = run.json();
    assert_eq!(v["verdict"]["result"], "allowed");
    assert_eq!(v["verdict"]["redirected"], true);
    assert_eq!(v["verdict"]["url"], format!("{open}/r"));
    let ex = v["exchanges"].as_array().unwrap();
    assert_eq!(ex.len(), 2);
    assert_eq!(ex[0]["response"]["status"], 302);
    let origin_of = |e: &Value| {
        e["request"]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p[0] == "origin")
            .map(|p| p[1].as_str().unwrap().to_owned())
    };
    assert_eq!(origin_of(&ex[0]).as_deref(), Some(APP));
    assert_eq!(origin_of(&ex[1]).as_deref(), Some("null"));

    // The strict server always answers with the page's origin, which is not `null`.
    let run = check(&format!("{base}/to-strict"), &[]);
    assert_blocked(
        &run,
        "the response's Access-Control-Allow-Origin `https://app.example` is not the request's origin `null`",
        "the server must send: Access-Control-Allow-Origin: null",
    );

    // Redirect mode manual: the redirect is not followed; script sees an opaque redirect.
    let run = check(
        &format!("{base}/to-strict"),
        &["--redirect", "manual", "--json"],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v = run.json();
    assert_eq!(v["verdict"]["type"], "opaqueredirect");
    assert_eq!(v["exchanges"].as_array().unwrap().len(), 1);
}

// ----- network failures: exit 2, one line on stderr --------------------------------------------

fn assert_network_failure(run: &Run, what: &str) {
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("corsgate: error: "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(what), "no `{what}` in {}", run.stderr);
}

#[test]
fn connection_refused() {
    let port = {
        let l = StdListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    // The test servers listen on 127.0.0.1 only: nothing listens on 127.0.0.2, whatever port
    // another test's server was given meanwhile.
    let run = check(&format!("http://127.0.0.2:{port}/r"), &[]);
    assert_network_failure(&run, "connection refused");
}

#[test]
fn timeout() {
    // Accepts connections and never answers (for at most 20 s).
    let listener = StdListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        if let Ok((stream, _)) = listener.accept() {
            held.push(stream);
            std::thread::sleep(Duration::from_secs(20));
        }
    });
    let started = std::time::Instant::now();
    let run = corsgate(&[
        "check",
        &format!("http://127.0.0.1:{port}/r"),
        "--origin",
        APP,
        "--timeout",
        "0.5",
    ]);
    assert_network_failure(&run, "timed out after 0.5 s");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn tls_failure() {
    // An https URL whose server speaks plain HTTP: the TLS handshake fails.
    let base = serve(resource());
    let url = base.replace("http://", "https://");
    let run = check(&format!("{url}/r"), &[]);
    assert_network_failure(&run, "TLS");
}

#[test]
fn check_refuses_non_http_urls() {
    let run = corsgate(&["check", "ftp://127.0.0.1/r", "--origin", APP]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("only http: and https:"));
}
