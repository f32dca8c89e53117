//! The command's raw response-head parser (`corsgate_cli::head::parse_head`, RFC 9112 §4, §5):
//! arbitrary bytes give a response or a typed error naming a line of the input, never a panic.
//! A parsed head, written back as a status line and `Name: value` lines, parses to the same
//! status and the same header entries in order (a fixed point after one round); the headers are
//! no more than the input's lines; an error's message is one line, bounded, and names a line
//! that exists.
#![no_main]

use corsgate_cli::head::{parse_head, HeadError, MAX_HEAD};
use libfuzzer_sys::fuzz_target;

fn write_head(r: &http::Response<()>) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {}\r\n", r.status().as_str()).into_bytes();
    for (name, value) in r.headers() {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

fn entries(r: &http::Response<()>) -> Vec<(String, Vec<u8>)> {
    r.headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let lines = data.iter().filter(|&&b| b == b'\n').count() + 1;
    match parse_head(data) {
        Ok(r) => {
            assert!(r.headers().len() < lines, "more headers than lines");
            assert!((100..=999).contains(&r.status().as_u16()));
            for (_, v) in r.headers() {
                // Values are stored trimmed of the optional whitespace around them.
                let b = v.as_bytes();
                assert!(!b.starts_with(b" ") && !b.starts_with(b"\t"));
                assert!(!b.ends_with(b" ") && !b.ends_with(b"\t"));
            }
            let written = write_head(&r);
            let again = parse_head(&written).expect("a written head parses");
            assert_eq!(again.status(), r.status());
            assert_eq!(entries(&again), entries(&r));
            assert_eq!(write_head(&again), written);
        }
        Err(e) => {
            let message = e.to_string();
            assert!(
                !message.contains('\n') && !message.contains('\r'),
                "{message:?}"
            );
            // A shown line or value is escaped and cut at 60 bytes (4 bytes per escaped byte at
            // most); an obs-fold message shows a name twice and a value.
            assert!(message.len() <= 1200, "{} bytes", message.len());
            let line = match &e {
                HeadError::Empty | HeadError::TooLarge => None,
                HeadError::StatusLine { line, .. }
                | HeadError::HeaderLine { line, .. }
                | HeadError::SpaceBeforeColon { line }
                | HeadError::ObsFold { line, .. }
                | HeadError::BareCr { line }
                | HeadError::ValueByte { line, .. } => Some(*line),
            };
            if let Some(line) = line {
                assert!((1..=lines).contains(&line), "line {line} of {lines}");
            }
            if e == HeadError::TooLarge {
                assert!(data.len() > MAX_HEAD);
            }
        }
    }
});
