//! What the command-line tests share: one run of the `corsgate` binary, as its exit status and
//! output, and an axum server on 127.0.0.1.
#![allow(dead_code)]

use std::process::Output;

use serde_json::Value;

/// One finished run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The run's exit status and output; fails the test if the binary panicked or printed a
    /// backtrace hint (bad input must give a one-line message, never a panic).
    pub fn from_output(out: Output) -> Run {
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
            "{}",
            run.stderr
        );
        run
    }

    /// Standard output read as one JSON value.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }
}

/// Serves `app` on 127.0.0.1 (a fresh port) from a thread of its own (a current-thread tokio
/// runtime with I/O and timers); returns the base URL.
pub fn serve(app: axum::Router) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let _ = axum::serve(listener, app).await;
        });
    });
    format!("http://127.0.0.1:{port}")
}

/// Runs the `corsgate` binary with `args`, `input` on its standard input.
pub fn corsgate_with_input(args: &[&str], input: &[u8]) -> Run {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_corsgate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run corsgate");
    let mut stdin = child.stdin.take().unwrap();
    // The command may exit before reading its input (a usage error): ignore a closed pipe.
    let _ = stdin.write_all(input);
    drop(stdin);
    Run::from_output(child.wait_with_output().unwrap())
}
