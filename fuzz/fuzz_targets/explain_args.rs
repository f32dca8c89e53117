//! `corsgate explain` from its arguments to its report: the command-line parsers
//! (`corsgate_cli::args`: origin, URL, method, `-H 'Name: value'`, the keywords, the engine),
//! the request built from them (`model::Setup::request`) and the whole command on arbitrary
//! argument lists, with response heads from the input's tail on standard input.
//!
//! Input: one argument per line up to the first empty line (after `corsgate explain`), then
//! standard input. A `--preflight-response` or `--response` that names a file reads standard
//! input instead (the target reads no file).
//!
//! Invariants: never a panic; what parses re-serializes to an equal value (`-H` as
//! `name: value`, the origin as its serialization or `null`, the method, the keywords); the exit
//! status is 0, 1 or 2, and standard error is empty unless it is 2, when it is `corsgate: error:`
//! lines; `--json` prints exactly one JSON line with `version` 1; the output is bounded by the
//! input's size.
#![no_main]

use std::path::PathBuf;

use clap::Parser;
use corsgate_cli::args::{self, Cli, Command};
use corsgate_cli::commands::{self, Io};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (arg_bytes, stdin) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &data[data.len()..]),
    };
    let mut argv = vec!["corsgate".to_owned(), "explain".to_owned()];
    if !arg_bytes.is_empty() {
        argv.extend(
            arg_bytes
                .split(|&b| b == b'\n')
                .take(64)
                .map(|a| String::from_utf8_lossy(a).into_owned()),
        );
    }
    let Ok(cli) = Cli::try_parse_from(&argv) else {
        return;
    };
    let Command::Explain(mut a) = cli.command else {
        panic!("`explain` parsed as another command");
    };
    let dash = Some(PathBuf::from("-"));
    if a.preflight_response.is_some() {
        a.preflight_response = dash.clone();
    }
    if a.response.is_some() {
        a.response = if a.preflight_response.is_some() {
            None
        } else {
            dash
        };
    }

    // What parses re-serializes to an equal value.
    let r = &a.request;
    for (name, value) in &r.headers {
        if let Ok(text) = value.to_str() {
            let again = args::parse_header(&format!("{}: {text}", name.as_str()))
                .expect("a parsed header re-parses");
            assert_eq!(&again, &(name.clone(), value.clone()));
        }
    }
    if r.origin.is_opaque() {
        assert!(args::parse_origin("null").unwrap().is_opaque());
    } else {
        let serialized = r.origin.serialize();
        let again = args::parse_origin(&serialized).expect("a serialized origin re-parses");
        assert!(again.same_origin(&r.origin), "{serialized}");
    }
    assert_eq!(
        args::parse_method(r.method.as_str()).as_ref(),
        Ok(&r.method)
    );
    assert_eq!(args::parse_mode(r.mode.as_str()), Ok(r.mode));
    assert_eq!(
        args::parse_credentials(r.credentials.as_str()),
        Ok(r.credentials)
    );
    assert_eq!(args::parse_redirect(r.redirect.as_str()), Ok(r.redirect));
    assert_eq!(
        args::parse_engine(r.engine.name).map(|p| p.name),
        Ok(r.engine.name)
    );
    assert_eq!(args::parse_url(a.url.as_str()).as_ref(), Ok(&*a.url));

    // The whole command.
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut input = stdin;
    let code = commands::explain(
        &a,
        &mut Io {
            out: &mut out,
            err: &mut err,
            input: &mut input,
        },
    );
    let err = String::from_utf8(err).expect("messages are UTF-8");
    match code {
        commands::EXIT_OK | commands::EXIT_BLOCKED => assert!(err.is_empty(), "{err}"),
        commands::EXIT_USAGE => {
            assert!(!err.is_empty());
            for line in err.lines() {
                assert!(line.starts_with("corsgate: error: "), "{line}");
            }
        }
        other => panic!("exit status {other}"),
    }
    let out = String::from_utf8(out).expect("the report is UTF-8");
    // Every value may be shown a few times (the reasons, the request, the exchanges), each byte
    // escaped in at most 6.
    let bound = 8 * 1024 + 64 * data.len();
    assert!(
        out.len() <= bound,
        "{} bytes of output for {} of input",
        out.len(),
        data.len()
    );
    if a.request.json && !out.is_empty() {
        assert_eq!(out.matches('\n').count(), 1);
        let v: serde_json::Value = serde_json::from_str(&out).expect("--json prints JSON");
        assert_eq!(v["version"], 1);
        assert_eq!(v["command"], "explain");
    }
});
