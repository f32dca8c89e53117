//! A bounded soak of `corsgate check` against hand-written HTTP servers on 127.0.0.1 that
//! misbehave: obsolete line folding, a 101 or other 1xx answer, statuses outside 200–599, a bare
//! CR, a head that never ends, a header line of megabytes, a server that drips bytes, closes at
//! once or talks something else, a redirect loop, an endless body. Each case runs the real binary
//! a few times and asserts its exit status, its message and that its peak resident memory stayed
//! bounded. Every loop is bounded in count; every server and run in time.

mod common;
use common::Run;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// How a server answers each request (it has read the request head first).
type Answer = Arc<dyn Fn(&mut TcpStream, &str) + Send + Sync>;

/// A server on 127.0.0.1 answering at most `max` connections, each with `answer`; it stops
/// after `max` connections or 60 s.
fn serve(max: usize, answer: Answer) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut served = 0;
        while served < max && Instant::now() < deadline {
            match listener.accept() {
                Ok((mut stream, _)) => {
                    served += 1;
                    stream.set_nonblocking(false).unwrap();
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
                    let answer = Arc::clone(&answer);
                    thread::spawn(move || {
                        // Requests on one connection until it closes (bounded).
                        for _ in 0..64 {
                            let Some(request_line) = read_request_head(&stream) else {
                                return;
                            };
                            answer(&mut stream, &request_line);
                        }
                    });
                }
                Err(_) => thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    format!("http://{addr}")
}

/// Reads a request head; returns its request line, or `None` when the connection closed.
fn read_request_head(stream: &TcpStream) -> Option<String> {
    let mut reader = BufReader::new(stream.try_clone().ok()?).take(64 * 1024);
    let mut first = String::new();
    if reader.read_line(&mut first).ok()? == 0 {
        return None;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" || line == "\n" {
            return Some(first.trim_end().to_owned());
        }
    }
}

fn answer(f: impl Fn(&mut TcpStream, &str) + Send + Sync + 'static) -> Answer {
    Arc::new(f)
}

/// Writes `head` and closes the connection.
fn fixed(head: &'static str) -> Answer {
    answer(move |s, _| {
        let _ = s.write_all(head.as_bytes());
        let _ = s.shutdown(std::net::Shutdown::Both);
    })
}

/// The peak resident memory of a running process, from `/proc` (Linux), in KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `corsgate check URL ARGS` (`--timeout 2` unless ARGS say; killed after 30 s), sampling
/// its peak resident memory.
fn check(url: &str, args: &[&str]) -> (Run, u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_corsgate"))
        .arg("check")
        .arg(url)
        .args(["--origin", "https://app.example"])
        .args(if args.contains(&"--timeout") {
            &[][..]
        } else {
            &["--timeout", "2"][..]
        })
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run corsgate");
    let pid = child.id();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let err = thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = peak_rss_kib(pid) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("corsgate check {url} ran for more than 30 s");
        }
        thread::sleep(Duration::from_millis(2));
    };
    let output = std::process::Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    (Run::from_output(output), peak)
}

/// The peak resident memory any run may reach.
const MAX_PEAK_KIB: u64 = 64 * 1024;
/// How often each case runs.
const ROUNDS: usize = 2;

struct Case {
    name: &'static str,
    answer: Answer,
    args: &'static [&'static str],
    code: i32,
    /// Text the standard output must contain.
    stdout: &'static [&'static str],
    /// Text standard error must contain (nothing at all when empty).
    stderr: &'static [&'static str],
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "obs-fold",
            answer: fixed(
                "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://app.example\r\n\
                 X-List: a,\r\n b\r\nContent-Length: 0\r\n\r\n",
            ),
            args: &[],
            code: 2,
            stdout: &[],
            stderr: &["the response head is malformed: line 4: obsolete line folding (obs-fold): \
                the line starts with a space or tab, continuing the `x-list` header on the line \
                before; HTTP forbids servers to send it (RFC 9112 §5.2) and a browser replaces \
                each fold by a space, reading `x-list: a, b`"],
        },
        Case {
            name: "101 to a GET",
            answer: fixed(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                 Access-Control-Allow-Origin: *\r\n\r\n\x01\x05hello",
            ),
            args: &[],
            code: 1,
            stdout: &[
                "verdict: blocked at the response: status 101 (Switching Protocols) is not a \
                 final response",
                "fetch() rejects with a TypeError",
            ],
            stderr: &[],
        },
        Case {
            name: "101 to the preflight",
            answer: fixed("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"),
            args: &["-X", "PUT"],
            code: 1,
            stdout: &["verdict: blocked at the preflight: status 101"],
            stderr: &[],
        },
        Case {
            name: "100 and 103 before the final answer",
            answer: fixed(
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n\
                 HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://app.example\r\n\
                 Content-Length: 0\r\n\r\n",
            ),
            args: &[],
            code: 0,
            stdout: &["verdict: allowed: script sees a cors response, status 200"],
            stderr: &[],
        },
        Case {
            name: "status 600",
            answer: fixed(
                "HTTP/1.1 600 Odd\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 0\r\n\r\n",
            ),
            args: &[],
            code: 0,
            stdout: &[
                "verdict: allowed: script sees a cors response, status 600",
                "note: status 600 is outside 200-599",
            ],
            stderr: &[],
        },
        Case {
            name: "status 999 to the preflight",
            answer: fixed(
                "HTTP/1.1 999 Odd\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 0\r\n\r\n",
            ),
            args: &["-X", "PUT"],
            code: 1,
            stdout: &["verdict: blocked at the preflight response", "999"],
            stderr: &[],
        },
        Case {
            name: "status 099",
            answer: fixed("HTTP/1.1 099 Low\r\nContent-Length: 0\r\n\r\n"),
            args: &[],
            code: 2,
            stdout: &[],
            stderr: &["the response head is malformed: line 1: expected a status line like `HTTP/1.1 204 No Content`, got `HTTP/1.1 099 Low`"],
        },
        Case {
            name: "bare CR",
            answer: fixed(
                "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\rX-A: 1\r\nContent-Length: 0\r\n\r\n",
            ),
            args: &[],
            code: 2,
            stdout: &[],
            stderr: &["the response head is malformed: line 2: a CR (\\r) that does not end the line"],
        },
        Case {
            name: "a head that never ends",
            answer: answer(|s, _| {
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\n");
                // At most 64 MiB, until the client gives up.
                for i in 0..(1 << 20) {
                    if s.write_all(format!("X-{i}: {}\r\n", "v".repeat(50)).as_bytes()).is_err() {
                        return;
                    }
                }
            }),
            args: &[],
            code: 2,
            stdout: &[],
            stderr: &["GET http://127.0.0.1:", "too many headers"],
        },
        Case {
            name: "a header line of 8 MiB",
            answer: answer(|s, _| {
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nX-Big: ");
                let chunk = vec![b'a'; 64 * 1024];
                for _ in 0..128 {
                    if s.write_all(&chunk).is_err() {
                        return;
                    }
                }
                let _ = s.write_all(b"\r\n\r\n");
            }),
            args: &[],
            code: 2,
            stdout: &[],
            stderr: &["GET http://127.0.0.1:", "response header is too big"],
        },
        Case {
            name: "drip, one byte every 300 ms",
            answer: answer(|s, _| {
                for b in b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n\r\n".iter().take(20) {
                    if s.write_all(&[*b]).is_err() {
                        return;
                    }
                    thread::sleep(Duration::from_millis(300));
                }
            }),
            args: &["--timeout", "1"],
            code: 2,
            stdout: &[],
            stderr: &["timed out after 1 s"],
        },
        Case {
            name: "closes at once",
            answer: answer(|s, _| {
                let _ = s.shutdown(std::net::Shutdown::Both);
            }),
            args: &[],
            code: 2,
            stdout: &[],
            stderr: &["GET http://127.0.0.1:", "connection failed"],
        },
        Case {
            name: "not HTTP",
            answer: fixed("SSH-2.0-OpenSSH_9.6\r\n\r\n"),
            args: &[],
            code: 2,
            stdout: &[],
            stderr: &["the response head is malformed: line 1: expected a status line like `HTTP/1.1 204 No Content`, got `SSH-2.0-OpenSSH_9.6`"],
        },
        Case {
            name: "a redirect loop",
            answer: answer(|s, line| {
                let path = line.split(' ').nth(1).unwrap_or("/");
                let _ = s.write_all(
                    format!(
                        "HTTP/1.1 302 Found\r\nLocation: {path}\r\n\
                         Access-Control-Allow-Origin: https://app.example\r\nContent-Length: 0\r\n\r\n"
                    )
                    .as_bytes(),
                );
            }),
            args: &[],
            code: 1,
            stdout: &["verdict: blocked at a redirect"],
            stderr: &[],
        },
        Case {
            name: "an endless body",
            answer: answer(|s, _| {
                let _ = s.write_all(
                    b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://app.example\r\n\
                      Transfer-Encoding: chunked\r\n\r\n",
                );
                let chunk = format!("10000\r\n{}\r\n", "b".repeat(0x10000));
                // At most 256 MiB, until the client closes.
                for _ in 0..4096 {
                    if s.write_all(chunk.as_bytes()).is_err() {
                        return;
                    }
                }
            }),
            args: &[],
            code: 0,
            stdout: &["verdict: allowed: script sees a cors response, status 200"],
            stderr: &[],
        },
    ]
}

#[test]
#[cfg(target_os = "linux")]
fn check_against_misbehaving_servers() {
    let started = Instant::now();
    let mut runs = 0;
    let mut peaks = Vec::new();
    for case in cases() {
        // A redirect loop makes 21 requests, each maybe on a new connection.
        let url = serve(ROUNDS * 32, Arc::clone(&case.answer));
        let mut peak_of_case = 0;
        for round in 0..ROUNDS {
            let (run, peak) = check(&format!("{url}/soak"), case.args);
            let what = format!("{} (round {round})", case.name);
            assert_eq!(
                run.code, case.code,
                "{what}: exit status\n{}{}",
                run.stdout, run.stderr
            );
            for text in case.stdout {
                assert!(
                    run.stdout.contains(text),
                    "{what}: `{text}` in\n{}",
                    run.stdout
                );
            }
            if std::env::var_os("SOAK_SHOW").is_some() {
                eprintln!("{what}: {}", run.stderr.trim_end());
            }
            if case.stderr.is_empty() {
                assert!(run.stderr.is_empty(), "{what}: {}", run.stderr);
            } else {
                assert_eq!(run.stderr.lines().count(), 1, "{what}: {}", run.stderr);
                assert!(
                    run.stderr.starts_with("corsgate: error: "),
                    "{what}: {}",
                    run.stderr
                );
                for text in case.stderr {
                    assert!(
                        run.stderr.contains(text),
                        "{what}: `{text}` in {}",
                        run.stderr
                    );
                }
            }
            assert!(peak > 0, "{what}: no memory sample");
            assert!(
                peak < MAX_PEAK_KIB,
                "{what}: peak resident memory {peak} KiB"
            );
            peak_of_case = peak_of_case.max(peak);
            runs += 1;
        }
        peaks.push((case.name, peak_of_case));
    }
    assert_eq!(runs, 15 * ROUNDS);
    // The 101 verdict in `--json`.
    let url = serve(
        1,
        fixed("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"),
    );
    let (run, _) = check(&format!("{url}/soak"), &["--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = run.json();
    assert_eq!(v["verdict"]["result"], "blocked");
    assert_eq!(v["verdict"]["status"], 101);
    assert_eq!(
        v["verdict"]["spec"],
        "fetch#concept-http-network-fetch step 8.5"
    );
    assert!(
        started.elapsed() < Duration::from_secs(300),
        "{:?}",
        started.elapsed()
    );
    eprintln!("peak resident memory per case (KiB): {peaks:?}");
}
