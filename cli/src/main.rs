//! The `corsgate` binary: see the crate `corsgate_cli`.
#![forbid(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let (stdout, stderr, stdin) = (std::io::stdout(), std::io::stderr(), std::io::stdin());
    let (mut out, mut err, mut input) = (stdout.lock(), stderr.lock(), stdin.lock());
    let mut io = corsgate_cli::commands::Io {
        out: &mut out,
        err: &mut err,
        input: &mut input,
    };
    ExitCode::from(corsgate_cli::run(std::env::args_os().collect(), &mut io))
}
