//! What the command says about inputs at the edge of HTTP and of its own bounds: a 1xx or 101 as
//! the answer, a status outside 200–599, obsolete line folding, and `replay` on lines longer than
//! its bound and on more input than it keeps (streamed, its memory fixed).

mod common;
use common::{corsgate_with_input, Run};

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use serde_json::Value;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

const GET: [&str; 5] = [
    "explain",
    "--origin",
    "https://app.example",
    "--url",
    "https://api.example/v1/items",
];

fn explain_response(head: &str, extra: &[&str]) -> Run {
    let mut args: Vec<&str> = GET.to_vec();
    args.extend(["--response", "-"]);
    args.extend(extra);
    corsgate_with_input(&args, head.as_bytes())
}

// ----- 1xx and 101 as the answer ----------------------------------------------------------------

/// A 101 to a plain GET: a browser waits for a final response that never comes, and fetch()
/// rejects. Before, the 101 went to the CORS check and came out "allowed".
#[test]
fn a_101_answer_is_blocked_with_what_a_browser_does() {
    let head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                Access-Control-Allow-Origin: *\r\n\r\n";
    let run = explain_response(head, &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "verdict: blocked at the response: status 101 (Switching Protocols) is not a final \
             response\n"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(
        "fetch() never asks to switch protocols (only a WebSocket handshake does), so a browser \
         takes 101 as an interim response"
    ));
    assert!(run.stdout.contains("fetch() rejects with a TypeError"));
    assert!(run
        .stdout
        .contains("  spec: Fetch §concept-http-network-fetch step 8.5\n"));
    assert!(!run.stdout.contains("allowed"), "{}", run.stdout);

    let run = explain_response(head, &["--json"]);
    assert_eq!(run.code, 1);
    let v = run.json();
    assert_eq!(v["verdict"]["result"], "blocked");
    assert_eq!(v["verdict"]["status"], 101);
    assert_eq!(v["verdict"]["stage"], "response");
    assert_eq!(
        v["verdict"]["spec"],
        "fetch#concept-http-network-fetch step 8.5"
    );
    assert_eq!(v["verdict"]["next_request"]["method"], "GET");
}

/// A 101 to the preflight is blocked at the preflight; the actual request is never sent.
#[test]
fn a_101_preflight_answer_is_blocked_at_the_preflight() {
    let mut args: Vec<&str> = GET.to_vec();
    args.extend(["-X", "PUT", "--preflight-response", "-", "--json"]);
    let run = corsgate_with_input(&args, b"HTTP/1.1 101 Switching Protocols\r\n\r\n");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = run.json();
    assert_eq!(v["verdict"]["result"], "blocked");
    assert_eq!(v["verdict"]["stage"], "preflight");
    assert_eq!(v["verdict"]["next_request"]["method"], "OPTIONS");
    assert_eq!(v["exchanges"].as_array().unwrap().len(), 1);
}

/// Any other 1xx is interim: a browser skips it and waits, so `explain` asks for the final head
/// (exit status 2, as for any missing response).
#[test]
fn other_1xx_answers_are_interim_and_ask_for_the_final_head() {
    let mut ran = 0;
    for status in [100, 102, 103, 199] {
        let head = format!("HTTP/1.1 {status} Interim\r\nAccess-Control-Allow-Origin: *\r\n\r\n");
        let run = explain_response(&head, &[]);
        assert_eq!(run.code, 2, "{status}: {}", run.stdout);
        assert!(
            run.stdout.contains(&format!(
                "verdict: incomplete: the response is an interim response, status {status}, not \
                 a final one\n"
            )),
            "{}",
            run.stdout
        );
        assert!(run
            .stdout
            .contains("a browser never hands a 1xx response to fetch(): it skips it"));
        assert_eq!(
            run.stderr,
            format!(
                "corsgate: error: status {status} is an interim response: give the head of the \
                 final response that follows it\n"
            )
        );
        ran += 1;
    }
    assert_eq!(ran, 4);
}

// ----- statuses outside 200–599 ---------------------------------------------------------------

/// The corpus records 600 and 999 as ordinary CORS responses in all three engines; `explain`
/// allows them and says so.
#[test]
fn statuses_above_599_are_allowed_as_recorded() {
    // The recorded behaviour this follows.
    let edges = std::fs::read_to_string(format!("{ROOT}/tests/data/conformance/edges.jsonl"))
        .expect("the corpus");
    let mut recorded = 0;
    for line in edges.lines().filter(|l| !l.trim().is_empty()) {
        let s: Value = serde_json::from_str(line).unwrap();
        let status = s["routes"][0]["status"].as_u64().unwrap();
        if (200..600).contains(&status) {
            continue;
        }
        for engine in ["chromium", "firefox", "webkit"] {
            let result = &s["observed"][engine][0]["result"];
            assert_eq!(result["ok"], true, "{engine} {status}");
            assert_eq!(result["type"], "cors");
            assert_eq!(result["status"], status);
            recorded += 1;
        }
        let head = format!("HTTP/1.1 {status} Odd\r\nAccess-Control-Allow-Origin: *\r\n\r\n");
        let run = explain_response(&head, &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout.contains(&format!(
                "verdict: allowed: script sees a cors response, status {status}"
            )),
            "{}",
            run.stdout
        );
        assert!(run.stdout.contains(&format!(
            "  note: status {status} is outside 200-599: browsers hand it to script as it is \
             (recorded for 600 and 999 in Chromium, Firefox and WebKit alike)"
        )));
        let v = explain_response(&head, &["--json"]).json();
        assert_eq!(v["verdict"]["status"], status);
        assert!(v["verdict"]["status_note"]
            .as_str()
            .unwrap()
            .contains("outside 200-599"));
    }
    assert_eq!(recorded, 6);
    // Inside 200–599 there is no note.
    let v = explain_response(
        "HTTP/1.1 599 X\r\nAccess-Control-Allow-Origin: *\r\n\r\n",
        &["--json"],
    )
    .json();
    assert_eq!(v["verdict"]["result"], "allowed");
    assert_eq!(v["verdict"]["status_note"], Value::Null);
}

// ----- obsolete line folding ------------------------------------------------------------------

/// An obs-fold line is named as such, with what HTTP says and the value a browser reads.
#[test]
fn obs_fold_is_named_with_what_a_browser_reads() {
    let head =
        "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nX-List: a,\r\n  b,\r\n\tc\r\n\r\n";
    let run = explain_response(head, &[]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "corsgate: error: --response -: not an HTTP response head: line 4: obsolete line folding \
         (obs-fold): the line starts with a space or tab, continuing the `x-list` header on the \
         line before; HTTP forbids servers to send it (RFC 9112 §5.2) and a browser replaces each \
         fold by a space, reading `x-list: a, b, c`: put the value on one line\n"
    );
    assert!(!run.stderr.contains("header name"));
}

// ----- replay: bounded lines, streamed input --------------------------------------------------

fn corpus_line(file: &str, n: usize) -> String {
    std::fs::read_to_string(format!("{ROOT}/tests/data/conformance/{file}"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .nth(n)
        .unwrap()
        .to_owned()
}

/// A line over the bound is an error naming its number and length; the lines after it replay.
#[test]
fn replay_skips_an_over_long_line_and_goes_on() {
    let max = corsgate_cli::commands::MAX_LINE;
    let good = corpus_line("probes.jsonl", 0);
    let long = format!("{{\"id\": \"{}\"}}", "x".repeat(max));
    let exactly = " ".repeat(max); // at the bound: read (and skipped as blank)
    let input = [good.as_str(), long.as_str(), &exactly, good.as_str(), &long].join("\n");
    let run = corsgate_with_input(&["replay", "-"], input.as_bytes());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 2);
    let err: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        err,
        [
            format!(
                "corsgate: error: -: line 2: the line is {} bytes, longer than the {max} a \
                 scenario line may take; skipped",
                long.len()
            )
            .as_str(),
            &format!(
                "corsgate: error: -: line 5: the line is {} bytes, longer than the {max} a \
                 scenario line may take; skipped",
                long.len()
            ),
            "corsgate: error: 2 line(s) failed, 2 scenario(s) replayed",
        ]
    );
}

/// A scenario whose runs could outgrow the per-line output bound is refused before it is
/// replayed (a long URL redirected to itself, 100 times over).
#[test]
fn replay_refuses_a_line_whose_runs_could_outgrow_the_bound() {
    let url = format!("http://127.0.0.2:8802/{}", "a".repeat(30_000));
    let line = serde_json::json!({
        "id": "loop", "document": "http://127.0.0.1:8801", "repeat": 100,
        "fetch": {"url": url},
        "routes": [{"url": url, "status": 307, "headers": [["Location", url]]}],
    })
    .to_string();
    let good = corpus_line("probes.jsonl", 1);
    let run = corsgate_with_input(&["replay", "-"], format!("{line}\n{good}\n").as_bytes());
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.lines().count(), 1);
    let first = run.stderr.lines().next().unwrap();
    assert!(
        first.starts_with(
            "corsgate: error: -: line 1: scenario `loop` cannot be replayed: its runs could take "
        ),
        "{first}"
    );
    assert!(first.ends_with(&format!(
        "more than the {} one line may",
        corsgate_cli::scenario::MAX_LINE_OUTPUT
    )));
}

/// The peak resident memory of a running process, from `/proc` (Linux).
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `replay` streams: 48 MiB on standard input (scenario lines, over-long lines and blank lines)
/// leave its peak resident memory far below the input's size. (Before, it read all of its input
/// first.) The full-size figure (3 GB) is in spec-notes/cli.md.
#[test]
#[cfg(target_os = "linux")]
fn replay_memory_stays_bounded_on_a_large_stream() {
    const TOTAL: usize = 48 << 20;
    let good = corpus_line("probes.jsonl", 2);
    let long = "y".repeat(corsgate_cli::commands::MAX_LINE * 3);
    let mut block = String::new();
    for _ in 0..4 {
        block.push_str(&good);
        block.push('\n');
    }
    block.push_str(&long);
    block.push_str("\n\n\n");
    let blocks = TOTAL / block.len() + 1;

    let mut child = Command::new(env!("CARGO_BIN_EXE_corsgate"))
        .args(["replay", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run corsgate");
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut lines = 0usize;
        let mut buf = vec![0u8; 1 << 16];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            lines += buf[..n].iter().filter(|&&b| b == b'\n').count();
        }
        lines
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    for _ in 0..blocks {
        stdin.write_all(block.as_bytes()).unwrap();
    }
    // Everything is written; the process is still alive (its input is open): read its peak.
    let peak = peak_rss_kib(pid).expect("VmHWM");
    drop(stdin);
    let status = child.wait().unwrap();
    let lines = out.join().unwrap();
    let errors = err.join().unwrap();
    assert_eq!(status.code(), Some(1));
    assert_eq!(lines, 4 * blocks);
    assert_eq!(errors.lines().count(), blocks + 1);
    assert!(errors.contains(&format!("line {}: the line is", 7 * (blocks - 1) + 5)));
    assert!(
        peak < 40 * 1024,
        "peak resident memory {peak} KiB for {} MiB of input",
        (blocks * block.len()) >> 20
    );
}

/// Every recorded scenario, read and written back with every field explicit, reads as the same
/// scenario (what the `scenario` fuzz target asserts on arbitrary lines), and its replay's
/// output stays within the per-line bound.
#[test]
fn every_recorded_scenario_round_trips() {
    use corsgate_cli::commands::MAX_LINE;
    use corsgate_cli::scenario::{replay_output_bound, MAX_LINE_OUTPUT};
    use corsgate_cli::scenario::{scenario_from_json, scenario_to_json};
    let mut read = 0;
    for entry in std::fs::read_dir(format!("{ROOT}/tests/data/conformance")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            if line.trim().is_empty() {
                continue;
            }
            assert!(line.len() <= MAX_LINE);
            let scenario = scenario_from_json(&serde_json::from_str(line).unwrap()).unwrap();
            let mut again = scenario_from_json(&scenario_to_json(&scenario)).unwrap();
            // `fetch_metadata` comes from the recorded runs, which `scenario_to_json` leaves out.
            again.fetch_metadata = scenario.fetch_metadata;
            assert_eq!(again, scenario);
            assert!(
                replay_output_bound(&scenario) <= MAX_LINE_OUTPUT / 16,
                "{}",
                scenario.id
            );
            read += 1;
        }
    }
    assert_eq!(read, 4951);
}
