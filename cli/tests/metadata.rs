//! Fetch Metadata and the cross-origin resource policy check as the command shows them: the
//! `Sec-Fetch-*` lines in the requests `explain` prints and `check` sends, and a CORP block named
//! like any other (rule, spec step, the header the server must send). `check` runs against a
//! hand-written server on 127.0.0.1 that records what it received.

mod common;
use common::Run;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const APP: &str = "https://app.example";

fn corsgate(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_corsgate"))
        .args(args)
        .output()
        .expect("run corsgate");
    Run::from_output(out)
}

/// A server on 127.0.0.1 answering each of at most `max` connections with `head` (then closing
/// it), keeping every request head it read (lowercased header names). Returns its base URL.
fn serve(head: &'static str, max: usize) -> (String, Arc<Mutex<Vec<Vec<String>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen: Arc<Mutex<Vec<Vec<String>>>> = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(max) {
            let Ok(mut stream) = stream else { return };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut lines = Vec::new();
            for _ in 0..200 {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let line = line.trim_end().to_owned();
                lines.push(match line.split_once(':') {
                    Some((n, v)) => format!("{}:{v}", n.to_ascii_lowercase()),
                    None => line,
                });
            }
            log.lock().unwrap().push(lines);
            let _ = stream.write_all(head.as_bytes());
        }
    });
    (base, seen)
}

const CORP_SAME_ORIGIN: &str = "HTTP/1.1 200 OK\r\nCross-Origin-Resource-Policy: same-origin\r\n\
    Content-Type: image/png\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

#[test]
fn explain_prints_the_metadata_headers_and_names_a_corp_block() {
    let dir = std::env::temp_dir().join(format!("corsgate-corp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("head");
    std::fs::write(&file, CORP_SAME_ORIGIN).unwrap();
    let run = corsgate(&[
        "explain",
        "--origin",
        APP,
        "https://cdn.other.example/img.png",
        "--mode",
        "no-cors",
        "--response",
        file.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for line in [
        "Sec-Fetch-Dest: empty",
        "Sec-Fetch-Mode: no-cors",
        "Sec-Fetch-Site: cross-site",
        "verdict: blocked at the response",
        "Cross-Origin-Resource-Policy: same-origin, which does not let origin `https://app.example`",
        "spec: Fetch §cross-origin-resource-policy-internal-check step 5",
        "the server must send: Cross-Origin-Resource-Policy: cross-origin",
    ] {
        assert!(run.stdout.contains(line), "{line}\n{}", run.stdout);
    }
    // The same, as JSON.
    let run = corsgate(&[
        "explain",
        "--origin",
        APP,
        "https://cdn.other.example/img.png",
        "--mode",
        "no-cors",
        "--response",
        file.to_str().unwrap(),
        "--json",
    ]);
    let v = run.json();
    assert_eq!(v["verdict"]["result"], "blocked");
    assert_eq!(v["verdict"]["stage"], "response");
    assert_eq!(
        v["verdict"]["fix"]["send"][0],
        "Cross-Origin-Resource-Policy: cross-origin"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_sends_no_metadata_to_a_url_that_is_not_potentially_trustworthy() {
    let run = corsgate(&[
        "explain",
        "--origin",
        "http://app.example",
        "http://cdn.other.example/img.png",
        "--mode",
        "no-cors",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("Sec-Fetch"), "{}", run.stdout);
}

#[test]
fn check_sends_the_metadata_and_reports_a_corp_block() {
    let (base, seen) = serve(CORP_SAME_ORIGIN, 4);
    let url = format!("{base}/img.png");
    let run = corsgate(&[
        "check",
        "--origin",
        APP,
        &url,
        "--mode",
        "no-cors",
        "--timeout",
        "5",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("the server must send: Cross-Origin-Resource-Policy: cross-origin"),
        "{}",
        run.stdout
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    // 127.0.0.1 is potentially trustworthy: the request carries the metadata.
    for line in [
        "sec-fetch-site: cross-site",
        "sec-fetch-mode: no-cors",
        "sec-fetch-dest: empty",
    ] {
        assert!(seen[0].iter().any(|l| l == line), "{line}: {seen:?}");
    }
    assert!(
        !seen[0].iter().any(|l| l.starts_with("origin:")),
        "{seen:?}"
    );
}
