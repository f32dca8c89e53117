//! `corsgate check` sends through `corsgate_client`'s ureq adapter: against a hand-written
//! server on 127.0.0.1 that closes each connection 50 ms after answering (no
//! `Connection: close`, as an idle keep-alive timeout does), the request after the preflight
//! goes out on the reused connection, dies, and is retried once on a new one; and `--max-time`
//! bounds the whole command across a slow redirect chain. Every server and loop is bounded.

mod common;
use common::Run;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

const APP: &str = "https://app.example";

/// Reads a request head; returns its request line, or `None` when the connection closed or
/// timed out.
fn read_request_line(reader: &mut BufReader<TcpStream>) -> Option<String> {
    let mut first = String::new();
    if reader.read_line(&mut first).ok()? == 0 {
        return None;
    }
    for _ in 0..256 {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" {
            return Some(first.trim_end().to_owned());
        }
    }
    None
}

/// A server on 127.0.0.1 that hands each connection to `handle` (at most `max` connections,
/// for at most 60 s).
fn serve(max: usize, handle: Arc<dyn Fn(TcpStream) + Send + Sync>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut served = 0;
        while served < max && Instant::now() < deadline {
            match listener.accept() {
                Ok((stream, _)) => {
                    served += 1;
                    stream.set_nonblocking(false).unwrap();
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                    let handle = Arc::clone(&handle);
                    thread::spawn(move || handle(stream));
                }
                Err(_) => thread::sleep(Duration::from_millis(2)),
            }
        }
    });
    format!("http://{addr}")
}

fn corsgate(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_corsgate"))
        .args(args)
        .output()
        .expect("run corsgate");
    Run::from_output(output)
}

/// Answers the first request of each connection (a preflight allowing PUT and `x-token`, or the
/// PUT), then closes the connection 50 ms later without reading anything more: a request sent
/// on it meanwhile gets no answer. Counts the connections.
fn idle_closing_server(connections: Arc<AtomicUsize>) -> String {
    serve(
        64,
        Arc::new(move |stream: TcpStream| {
            connections.fetch_add(1, Ordering::SeqCst);
            let mut writer = stream.try_clone().unwrap();
            let mut reader = BufReader::new(stream);
            let Some(line) = read_request_line(&mut reader) else {
                return;
            };
            let status = if line.starts_with("OPTIONS") {
                "204 No Content"
            } else {
                "200 OK"
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nAccess-Control-Allow-Origin: {APP}\r\n\
                 Access-Control-Allow-Methods: PUT\r\nAccess-Control-Allow-Headers: x-token\r\n\
                 Content-Length: 0\r\n\r\n"
            );
            let _ = writer.write_all(head.as_bytes());
            thread::sleep(Duration::from_millis(50));
            let _ = writer.shutdown(std::net::Shutdown::Both);
        }),
    )
}

#[test]
fn check_retries_a_keep_alive_connection_the_server_closed() {
    let mut passed = 0;
    for run in 0..5 {
        let connections = Arc::new(AtomicUsize::new(0));
        let url = idle_closing_server(Arc::clone(&connections));
        let target = format!("{url}/items");
        let run_out = corsgate(&[
            "check",
            &target,
            "--origin",
            APP,
            "-X",
            "PUT",
            "-H",
            "x-token: 1",
            "--timeout",
            "5",
            "--json",
        ]);
        assert_eq!(
            run_out.code, 0,
            "run {run}: exit status\n{}{}",
            run_out.stdout, run_out.stderr
        );
        let v = run_out.json();
        assert_eq!(v["verdict"]["result"], "allowed", "run {run}: {v}");
        assert_eq!(v["verdict"]["status"], 200, "run {run}: {v}");
        // Every answered exchange is reported (the dropped attempt got no answer).
        let statuses: Vec<_> = v["exchanges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["response"]["status"].as_u64())
            .collect();
        assert_eq!(statuses, [Some(204), Some(200)], "run {run}: {v}");
        assert!(run_out.stderr.is_empty(), "run {run}: {}", run_out.stderr);
        // The preflight's connection, then the PUT on it (dropped) and its retry on a new one.
        assert_eq!(connections.load(Ordering::SeqCst), 2, "run {run}");
        passed += 1;
    }
    assert_eq!(passed, 5);
}

/// A 307 chain whose every hop answers after 0.9 s: `--max-time 3` ends the command after about
/// 3 s with exit status 2, naming the exchange it was waiting for (its number, hop and URL).
#[test]
fn max_time_bounds_a_slow_redirect_chain() {
    let url = serve(
        64,
        Arc::new(|stream: TcpStream| {
            let mut writer = stream.try_clone().unwrap();
            let mut reader = BufReader::new(stream);
            for _ in 0..64 {
                let Some(line) = read_request_line(&mut reader) else {
                    return;
                };
                let path = line.split(' ').nth(1).unwrap_or("/hop/0").to_owned();
                let n: u32 = path
                    .strip_prefix("/hop/")
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                thread::sleep(Duration::from_millis(900));
                let head = format!(
                    "HTTP/1.1 307 Temporary Redirect\r\nLocation: /hop/{}\r\n\
                     Access-Control-Allow-Origin: *\r\nContent-Length: 0\r\n\r\n",
                    n + 1
                );
                if writer.write_all(head.as_bytes()).is_err() {
                    return;
                }
            }
        }),
    );
    let started = Instant::now();
    let target = format!("{url}/hop/0");
    let run = corsgate(&["check", &target, "--origin", APP, "--max-time", "3"]);
    let elapsed = started.elapsed();
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert!(elapsed >= Duration::from_millis(2900), "{elapsed:?}");
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let message = run.stderr.trim_end();
    assert_eq!(run.stderr.lines().count(), 1, "{message}");
    let prefix = "corsgate: error: --max-time 3 s ran out during exchange ";
    assert!(message.starts_with(prefix), "{message}");
    // Exchange k is the request to /hop/(k-1), after k-1 redirects, with k-1 answered before.
    let k: u32 = message[prefix.len()..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .expect("an exchange number");
    assert!((3..=5).contains(&k), "{message}");
    let hop = k - 1;
    assert!(
        message.contains(&format!(
            "the request GET {url}/hop/{hop} (after {hop} redirects)"
        )),
        "{message}"
    );
    assert!(
        message.ends_with(&format!("{hop} exchange(s) answered before it")),
        "{message}"
    );
}
