//! The `corsgate` command: `explain` a cross-origin request offline, `check` a live server,
//! `replay` recorded scenarios. The corsgate crate decides everything; this crate parses the
//! command line and response heads, sends requests over the network, and prints text or JSON.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "command")]
pub mod args;
#[cfg(feature = "command")]
pub mod audit;
#[cfg(feature = "command")]
pub mod commands;
pub mod head;
pub mod model;
#[cfg(feature = "command")]
pub mod net;
pub mod render;
/// The JSON Lines replay format (`tests/data/conformance/FORMAT.md`), from the `corsgate-scenario`
/// crate.
pub use corsgate_scenario as scenario;

#[cfg(feature = "command")]
use std::ffi::OsString;

#[cfg(feature = "command")]
use clap::Parser;

/// Runs the command line `args` (the program name first) and returns the exit status. Usage
/// errors are one line on `io.err`, prefixed `corsgate: error:`; `--help` and `--version` print
/// in full.
#[cfg(feature = "command")]
pub fn run(args: Vec<OsString>, io: &mut commands::Io<'_>) -> u8 {
    let cli = match args::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let text = e.to_string();
            if !e.use_stderr() {
                let _ = io.out.write_all(text.as_bytes());
                return commands::EXIT_OK;
            }
            if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                let _ = io.err.write_all(text.as_bytes());
                return commands::EXIT_USAGE;
            }
            let _ = writeln!(io.err, "corsgate: {} (see --help)", one_line(&text));
            return commands::EXIT_USAGE;
        }
    };
    match &cli.command {
        args::Command::Explain(a) => commands::explain(a, io),
        args::Command::Check(a) => commands::check(a, io),
        args::Command::Replay(a) => commands::replay(a, io),
        args::Command::Audit(a) => audit::audit(a, io),
    }
}

/// A clap error message up to its usage section, as one line.
#[cfg(feature = "command")]
fn one_line(text: &str) -> String {
    text.lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}
