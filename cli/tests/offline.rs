//! The `corsgate` binary without a network: `explain` (text and `--json`, with and without
//! response heads), `replay`, every kind of bad input, and the README's first command.

mod common;
use common::{corsgate_with_input, Run};

use std::path::PathBuf;
use std::time::Instant;

use serde_json::Value;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn corsgate(args: &[&str]) -> Run {
    corsgate_with_input(args, b"")
}

/// A file under the target's scratch directory holding `text`.
fn file(name: &str, text: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("corsgate-offline");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

const PUT: [&str; 11] = [
    "explain",
    "--origin",
    "https://app.example",
    "--url",
    "https://api.example/v1/items",
    "-X",
    "PUT",
    "-H",
    "Content-Type: application/json",
    "-H",
    "X-Token: 1",
];

fn put_with(extra: &[&str]) -> Vec<String> {
    PUT.iter().chain(extra).map(|s| s.to_string()).collect()
}

fn run_vec(args: &[String]) -> Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    corsgate(&args)
}

// ----- README ---------------------------------------------------------------------------------

/// Splits a shell command line: whitespace separates words; single and double quotes group.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The README's first command, run with the same arguments, prints exactly the output the README
/// shows below it.
#[test]
fn readme_first_command_prints_what_the_readme_shows() {
    let readme = std::fs::read_to_string(format!("{ROOT}/README.md")).unwrap();
    let section = readme
        .split("## First two commands")
        .nth(1)
        .expect("a `First two commands` section");
    let after_sh = section.split("```sh\n").nth(1).expect("a sh block");
    let command = after_sh.lines().next().unwrap();
    let words = shell_words(command);
    let prefix = ["cargo", "run", "-p", "corsgate-cli", "--"];
    assert_eq!(words[..prefix.len()], prefix, "{command}");
    let args: Vec<&str> = words[prefix.len()..].iter().map(String::as_str).collect();
    assert_eq!(args[0], "explain");

    let shown = after_sh
        .split("```text\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("a text block with the output below the command");
    let run = corsgate(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim_end(), shown.trim_end());
    for line in [
        "decision: preflight",
        "Access-Control-Request-Headers: content-type,x-token",
        "  Access-Control-Allow-Methods: PUT",
        "  Access-Control-Allow-Headers: content-type, x-token",
    ] {
        assert!(run.stdout.contains(line), "no `{line}`:\n{}", run.stdout);
    }
}

// ----- explain --------------------------------------------------------------------------------

#[test]
fn explain_json_has_the_documented_fields() {
    let run = run_vec(&put_with(&["--json"]));
    assert_eq!(run.code, 0);
    let v = run.json();
    assert_eq!(v["version"], 1);
    assert_eq!(v["command"], "explain");
    assert_eq!(v["engine"], "spec");
    assert_eq!(v["decision"], "preflight");
    assert_eq!(v["request"]["origin"], "https://app.example");
    assert_eq!(v["request"]["method"], "PUT");
    assert_eq!(v["request"]["credentials"], "same-origin");
    assert_eq!(v["request"]["mode"], "cors");
    let reasons = v["reasons"].as_array().unwrap();
    let subjects: Vec<(&str, &str, &str)> = reasons
        .iter()
        .map(|r| {
            (
                r["subject"].as_str().unwrap(),
                r["name"].as_str().unwrap(),
                r["spec"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        subjects,
        [
            ("method", "PUT", "fetch#cors-safelisted-method"),
            (
                "header",
                "content-type",
                "fetch#cors-safelisted-request-header"
            ),
            ("header", "x-token", "fetch#cors-safelisted-request-header"),
        ]
    );
    assert!(reasons[1]["rule"]
        .as_str()
        .unwrap()
        .contains("essence `application/json`"));
    assert!(reasons.iter().all(|r| r["preflight"] == true));
    let first = &v["first_request"];
    assert_eq!(first["kind"], "preflight");
    assert_eq!(first["method"], "OPTIONS");
    assert_eq!(
        first["headers"],
        serde_json::json!([
            ["accept", "*/*"],
            ["access-control-request-method", "PUT"],
            ["access-control-request-headers", "content-type,x-token"],
            ["origin", "https://app.example"],
            ["sec-fetch-dest", "empty"],
            ["sec-fetch-mode", "cors"],
            ["sec-fetch-site", "cross-site"]
        ])
    );
    assert_eq!(
        v["required"]["preflight"],
        serde_json::json!([
            "Access-Control-Allow-Origin: https://app.example",
            "Access-Control-Allow-Methods: PUT",
            "Access-Control-Allow-Headers: content-type, x-token"
        ])
    );
    assert_eq!(
        v["required"]["response"],
        serde_json::json!(["Access-Control-Allow-Origin: https://app.example"])
    );
    assert_eq!(v["exchanges"], serde_json::json!([]));
    assert_eq!(v["verdict"], Value::Null);
}

const PREFLIGHT_OK: &str = "HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: https://app.example\r\nAccess-Control-Allow-Methods: PUT\r\nAccess-Control-Allow-Headers: content-type, x-token\r\nAccess-Control-Max-Age: 600\r\n\r\n";

#[test]
fn explain_blocked_by_the_preflight_names_the_fix() {
    let pf = file(
        "pf-methods.txt",
        "HTTP/1.1 204 No Content\nAccess-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Methods: GET, POST\nAccess-Control-Allow-Headers: content-type, x-token\n",
    );
    let run = run_vec(&put_with(&["--preflight-response", &pf]));
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run
        .stdout
        .contains("verdict: blocked at the preflight response"));
    assert!(run.stdout.contains(
        "rule: the preflight response does not allow method `PUT` (Access-Control-Allow-Methods: GET, POST)"
    ));
    assert!(run
        .stdout
        .contains("spec: Fetch §cors-preflight-fetch-0 step 7.5"));
    assert!(run
        .stdout
        .contains("the server must send: Access-Control-Allow-Methods: GET, POST, PUT"));

    let run = run_vec(&put_with(&["--preflight-response", &pf, "--json"]));
    let v = run.json();
    assert_eq!(v["verdict"]["result"], "blocked");
    assert_eq!(v["verdict"]["stage"], "preflight");
    assert_eq!(
        v["verdict"]["spec"],
        "fetch#cors-preflight-fetch-0 step 7.5"
    );
    assert_eq!(
        v["verdict"]["fix"],
        serde_json::json!({"send": ["Access-Control-Allow-Methods: GET, POST, PUT"]})
    );
    assert!(v["verdict"]["message"]
        .as_str()
        .unwrap()
        .starts_with("blocked: "));
}

#[test]
fn explain_allowed_shows_what_script_sees() {
    let response = file(
        "resp-ok.txt",
        "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: https://app.example\nContent-Type: application/json\nX-Request-Id: 42\nSet-Cookie: a=1\n\n{\"items\": []}\n",
    );
    // The preflight's head comes from standard input.
    let args = put_with(&[
        "--preflight-response",
        "-",
        "--response",
        &response,
        "--json",
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = corsgate_with_input(&args, PREFLIGHT_OK.as_bytes());
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let v = run.json();
    let verdict = &v["verdict"];
    assert_eq!(verdict["result"], "allowed");
    assert_eq!(verdict["type"], "cors");
    assert_eq!(verdict["status"], 200);
    assert_eq!(verdict["redirected"], false);
    assert_eq!(
        verdict["visible_headers"],
        serde_json::json!([["content-type", "application/json"]])
    );
    // Set-Cookie can never be exposed, and Access-Control-* are the protocol's own.
    assert_eq!(
        verdict["hidden_headers"],
        serde_json::json!(["x-request-id"])
    );
    assert_eq!(verdict["preflight_cached_for"], 600);
    assert_eq!(v["exchanges"].as_array().unwrap().len(), 2);

    let args = put_with(&["--preflight-response", "-", "--response", &response]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = corsgate_with_input(&args, PREFLIGHT_OK.as_bytes());
    assert!(run.stdout.contains(
        "verdict: allowed: script sees a cors response, status 200, url https://api.example/v1/items"
    ));
    assert!(run.stdout.contains(
        "script cannot read: x-request-id (to expose them the server must send: Access-Control-Expose-Headers: x-request-id)"
    ));
}

#[test]
fn explain_preflight_alone() {
    let pf = file("pf-ok.txt", PREFLIGHT_OK);
    let run = run_vec(&put_with(&["--preflight-response", &pf, "--json"]));
    assert_eq!(run.code, 0);
    let v = run.json();
    assert_eq!(v["verdict"]["result"], "preflight-passed");
    assert_eq!(v["verdict"]["preflight_cached_for"], 600);
}

#[test]
fn explain_says_when_the_preflight_response_is_missing() {
    let response = file(
        "resp-only.txt",
        "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: https://app.example\n",
    );
    let run = run_vec(&put_with(&["--response", &response]));
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains(
        "this request needs a preflight: pass --preflight-response FILE with the server's answer to the OPTIONS request"
    ));
    // The report still shows the preflight to answer.
    assert!(run.stdout.contains("verdict: incomplete"));
    assert!(run.stdout.contains("Access-Control-Request-Method: PUT"));
}

#[test]
fn explain_a_redirect_response() {
    let pf = file("pf-redirect-ok.txt", PREFLIGHT_OK);
    let redirect = file(
        "resp-redirect.txt",
        "HTTP/1.1 302 Found\nLocation: https://other.example/x\nAccess-Control-Allow-Origin: https://app.example\n",
    );
    let run = run_vec(&put_with(&[
        "--preflight-response",
        &pf,
        "--response",
        &redirect,
        "--json",
    ]));
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("the response redirects"));
    assert!(run.stderr.contains("corsgate check"));
    let v = run.json();
    assert_eq!(v["verdict"]["result"], "incomplete");
    assert_eq!(v["verdict"]["missing"], "preflight-response");
    let next = &v["verdict"]["next_request"];
    assert_eq!(next["url"], "https://other.example/x");
    // A cross-origin redirect taints the origin: the next preflight carries `null`.
    assert!(next["headers"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!(["origin", "null"])));

    // A redirect as the preflight's answer is a network error.
    let run = run_vec(&put_with(&["--preflight-response", &redirect]));
    assert_eq!(run.code, 1);
    assert!(run
        .stdout
        .contains("rule: the preflight response is a redirect (302 to `https://other.example/x`)"));
}

#[test]
fn explain_notes_an_unused_preflight_response() {
    let pf = file("pf-unused.txt", PREFLIGHT_OK);
    let response = file(
        "resp-simple.txt",
        "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\n",
    );
    let run = corsgate(&[
        "explain",
        "--origin",
        "https://app.example",
        "--url",
        "https://api.example/x",
        "--preflight-response",
        &pf,
        "--response",
        &response,
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains(
        "note: --preflight-response was not used: this request sends no preflight (it is simple)"
    ));
    assert!(run.stdout.contains("verdict: allowed"));
}

fn explain_json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["explain", "--json"];
    all.extend_from_slice(args);
    let run = corsgate(&all);
    (run.code, run.json())
}

#[test]
fn explain_decisions() {
    let (code, v) = explain_json(&[
        "--origin",
        "https://app.example",
        "--url",
        "https://app.example/api",
        "-X",
        "DELETE",
    ]);
    assert_eq!((code, v["decision"].as_str()), (0, Some("same-origin")));
    assert_eq!(v["required"]["response"], serde_json::json!([]));
    assert_eq!(v["first_request"]["kind"], "actual");

    let (code, v) = explain_json(&[
        "--origin",
        "https://app.example",
        "--url",
        "https://cdn.example/a.js",
        "--mode",
        "no-cors",
        "-H",
        "X-Token: 1",
    ]);
    assert_eq!((code, v["decision"].as_str()), (0, Some("no-cors")));
    assert_eq!(v["required"]["response"], Value::Null);
    assert_eq!(v["dropped_headers"][0]["name"], "x-token");
    assert_eq!(
        v["dropped_headers"][0]["spec"],
        "fetch#no-cors-safelisted-request-header"
    );

    let (code, v) = explain_json(&[
        "--origin",
        "https://app.example",
        "--url",
        "https://api.example/x",
        "-H",
        "Content-Type: text/plain;charset=utf-8",
        "--credentials",
        "include",
    ]);
    assert_eq!((code, v["decision"].as_str()), (0, Some("simple")));
    assert_eq!(
        v["required"]["response"],
        serde_json::json!([
            "Access-Control-Allow-Origin: https://app.example",
            "Access-Control-Allow-Credentials: true"
        ])
    );
    assert_eq!(v["reasons"][1]["preflight"], false);

    // fetch() refuses a forbidden method: exit 1, nothing sent.
    let (code, v) = explain_json(&[
        "--origin",
        "https://app.example",
        "--url",
        "https://api.example/x",
        "-X",
        "CONNECT",
    ]);
    assert_eq!((code, v["decision"].as_str()), (1, Some("refused")));
    assert_eq!(v["verdict"]["result"], "refused");

    // A bad port is a network error before anything is sent.
    let (code, v) = explain_json(&[
        "--origin",
        "https://app.example",
        "--url",
        "http://api.example:6667/x",
    ]);
    assert_eq!((code, v["decision"].as_str()), (1, Some("network-error")));
    assert_eq!(v["verdict"]["stage"], "request");
    assert_eq!(v["verdict"]["spec"], "fetch#block-bad-port");

    // An opaque page origin sends `Origin: null`.
    let (_, v) = explain_json(&[
        "--origin",
        "null",
        "--url",
        "https://api.example/x",
        "-X",
        "PUT",
    ]);
    assert_eq!(
        v["required"]["preflight"][0],
        "Access-Control-Allow-Origin: null"
    );
}

#[test]
fn explain_engines_differ_where_the_engines_do() {
    // Two Content-Type entries: the standard judges each (both safelisted); Chromium judges the
    // combined value `text/plain, text/plain`, which is not a MIME type.
    let args = [
        "--origin",
        "https://app.example",
        "--url",
        "https://api.example/x",
        "-X",
        "POST",
        "-H",
        "Content-Type: text/plain",
        "-H",
        "Content-Type: text/plain",
    ];
    let (_, spec) = explain_json(&args);
    assert_eq!(spec["decision"], "simple");
    let mut chromium_args = args.to_vec();
    chromium_args.extend(["--engine", "chromium"]);
    let (_, chromium) = explain_json(&chromium_args);
    assert_eq!(chromium["engine"], "chromium");
    assert_eq!(chromium["decision"], "preflight");
    let reason = &chromium["reasons"][0];
    assert_eq!(reason["name"], "content-type");
    assert_eq!(reason["value"], "text/plain, text/plain");
    assert!(reason["rule"]
        .as_str()
        .unwrap()
        .contains("judges a repeated header on its combined value"));

    // Safelisted values adding up to more than 1024 bytes: a preflight under the standard, none
    // in Firefox.
    let long = format!("Accept: {}", "a".repeat(128));
    let mut many = vec![
        "--origin",
        "https://app.example",
        "--url",
        "https://api.example/x",
    ];
    for _ in 0..9 {
        many.extend(["-H", long.as_str()]);
    }
    let (_, spec) = explain_json(&many);
    assert_eq!(spec["decision"], "preflight");
    assert_eq!(
        spec["reasons"][0]["spec"],
        "fetch#cors-unsafe-request-header-names step 5"
    );
    assert!(spec["reasons"][0]["rule"]
        .as_str()
        .unwrap()
        .contains("add up to 1152 bytes, more than 1024"));
    many.extend(["--engine", "firefox"]);
    let (_, firefox) = explain_json(&many);
    assert_eq!(firefox["decision"], "simple");

    // A value rule only one engine has is explained by that engine's rule: Firefox reads a
    // Content-Type holding a comma as no media type (the standard safelists this one).
    let comma = [
        "--origin",
        "https://app.example",
        "--url",
        "https://api.example/x",
        "-X",
        "POST",
        "-H",
        "Content-Type: text/plain;a=b,c",
    ];
    let (_, spec) = explain_json(&comma);
    assert_eq!(spec["decision"], "simple");
    let mut firefox_args = comma.to_vec();
    firefox_args.extend(["--engine", "firefox"]);
    let (_, firefox) = explain_json(&firefox_args);
    assert_eq!(firefox["decision"], "preflight");
    let rule = firefox["reasons"][0]["rule"].as_str().unwrap();
    assert!(rule.contains("contains `,`"), "{rule}");
}

// ----- bad input ------------------------------------------------------------------------------

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let not_http = file("not-http.json", "{\"status\": 204}\n");
    let folded = file(
        "folded.txt",
        "HTTP/1.1 204 No Content\nAccess-Control-Allow-Methods: GET,\n PUT\n",
    );
    let o = "https://app.example";
    let u = "https://api.example/x";
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["explain", "--origin", "app", "--url", u], "--origin"),
        (
            vec!["explain", "--origin", o, "--url", "/relative"],
            "--url",
        ),
        (
            vec!["explain", "--origin", o, "--url", u, "-H", "NoColon"],
            "no colon",
        ),
        (
            vec!["explain", "--origin", o, "--url", u, "-H", "Bad Name: 1"],
            "is not a header name",
        ),
        (
            vec!["explain", "--origin", o, "--url", u, "-X", "GE T"],
            "token",
        ),
        (
            vec!["explain", "--origin", o, "--url", u, "--engine", "edge"],
            "unknown engine; expected one of: spec, chromium, firefox, webkit",
        ),
        (
            vec!["explain", "--origin", o, "--url", u, "--credentials", "all"],
            "expected one of: omit, same-origin, include",
        ),
        (
            vec!["explain", "--origin", o, "--url", u, "--mode", "navigate"],
            "expected one of",
        ),
        (
            vec![
                "explain",
                "--origin",
                o,
                "--url",
                u,
                "--response",
                "/nonexistent/head",
            ],
            "cannot read /nonexistent/head",
        ),
        (
            vec![
                "explain",
                "--origin",
                o,
                "--url",
                u,
                "--response",
                &not_http,
            ],
            "not an HTTP response head: line 1: expected a status line",
        ),
        (
            vec![
                "explain",
                "--origin",
                o,
                "--url",
                u,
                "-X",
                "PUT",
                "--preflight-response",
                &folded,
            ],
            "line 3: obsolete line folding (obs-fold)",
        ),
        (
            vec![
                "explain",
                "--origin",
                o,
                "--url",
                u,
                "--preflight-response",
                "-",
                "--response",
                "-",
            ],
            "cannot both read standard input",
        ),
        (vec!["explain", "--url", u], "--origin"),
        (
            vec!["explain", "--origin", o, "--url", u, "--bogus"],
            "--bogus",
        ),
        (
            vec![
                "check",
                "http://127.0.0.1:9/",
                "--origin",
                o,
                "--timeout",
                "0",
            ],
            "--timeout",
        ),
        (vec!["replay", "--engine", "blink"], "unknown engine"),
        (
            vec!["replay", "/nonexistent/scenarios.jsonl"],
            "cannot read",
        ),
        (vec!["frobnicate"], "frobnicate"),
    ];
    let n = cases.len();
    for (args, needle) in cases {
        let run = corsgate(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("corsgate: error: "),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(needle),
            "{args:?}: no `{needle}` in {}",
            run.stderr
        );
    }
    assert_eq!(n, 18);
}

#[test]
fn help_and_version() {
    let run = corsgate(&["--help"]);
    assert_eq!(run.code, 0);
    for cmd in ["explain", "check", "replay"] {
        assert!(run.stdout.contains(cmd), "{}", run.stdout);
    }
    let run = corsgate(&["--version"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout.trim(),
        format!("corsgate {}", env!("CARGO_PKG_VERSION"))
    );
    // No subcommand: the help on standard error, exit 2.
    let run = corsgate(&[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("Usage: corsgate"));
}

// ----- replay ---------------------------------------------------------------------------------

fn corpus_lines(file: &str) -> Vec<String> {
    std::fs::read_to_string(format!("{ROOT}/tests/data/conformance/{file}"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn replay_writes_one_engine_and_reports_bad_lines_by_number() {
    let lines = corpus_lines("scenarios.jsonl");
    let input = [
        lines[0].as_str(),
        "{not json",
        lines[1].as_str(),
        "{\"id\": \"x\", \"document\": \"http://a.test\"}",
        "",
        lines[2].as_str(),
    ]
    .join("\n");
    let run = corsgate_with_input(&["replay", "--engine", "firefox", "-"], input.as_bytes());
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), 3);
    for (got, line) in out.iter().zip([&lines[0], &lines[1], &lines[2]]) {
        let original: Value = serde_json::from_str(line).unwrap();
        assert_eq!(got["id"], original["id"]);
        assert_eq!(got["routes"], original["routes"]);
        let observed = got["observed"].as_object().unwrap();
        assert_eq!(observed.keys().collect::<Vec<_>>(), ["firefox"]);
        assert_eq!(
            observed["firefox"].as_array().unwrap().len() as u64,
            original["repeat"].as_u64().unwrap_or(1)
        );
    }
    let err: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(err.len(), 3, "{}", run.stderr);
    assert!(
        err[0].starts_with("corsgate: error: -: line 2: not valid JSON"),
        "{}",
        err[0]
    );
    assert!(
        err[1].starts_with(
            "corsgate: error: -: line 4: not a scenario: `fetch`: expected a value (field missing)"
        ),
        "{}",
        err[1]
    );
    assert_eq!(
        err[2],
        "corsgate: error: 2 line(s) failed, 3 scenario(s) replayed"
    );
}

/// The command writes exactly the core's replay, for every scenario of the corpus file, and its
/// default engine is `spec`.
#[test]
fn replay_output_is_the_cores_replay() {
    use corsgate_cli::scenario::{run_to_json, scenario_from_json};
    let path = format!("{ROOT}/tests/data/conformance/scenarios.jsonl");
    let lines = corpus_lines("scenarios.jsonl");
    for (engine, args) in [
        ("spec", vec!["replay", path.as_str()]),
        (
            "chromium",
            vec!["replay", "--engine", "chromium", path.as_str()],
        ),
    ] {
        let run = corsgate(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let policy = corsgate::Policy::by_name(engine).unwrap();
        let mut compared = 0;
        for (out, line) in run.stdout.lines().zip(&lines) {
            let got: Value = serde_json::from_str(out).unwrap();
            let original: Value = serde_json::from_str(line).unwrap();
            let scenario = scenario_from_json(&original).unwrap();
            let runs = corsgate::replay::replay(&scenario, &policy, Instant::now()).unwrap();
            let want: Vec<Value> = runs.iter().map(run_to_json).collect();
            assert_eq!(
                got["observed"][engine],
                Value::Array(want),
                "{}",
                scenario.id
            );
            assert_eq!(got["observed"].as_object().unwrap().len(), 1);
            compared += 1;
        }
        assert_eq!(compared, 381);
        assert_eq!(run.stdout.lines().count(), 381);
    }
}

/// With no FILE, replay reads standard input.
#[test]
fn replay_reads_standard_input_by_default() {
    let lines = corpus_lines("probes.jsonl");
    let input = lines.join("\n");
    let run = corsgate_with_input(&["replay", "--engine", "webkit"], input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), lines.len());
    assert_eq!(lines.len(), 15);
}
