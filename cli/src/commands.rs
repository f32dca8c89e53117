//! The three commands. Each returns its exit status: 0 allowed (or nothing to judge), 1 blocked
//! (or refused, or a replay line failed), 2 a usage error or a network failure, whose one-line
//! message goes to standard error.

use std::convert::Infallible;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use corsgate::fetch::{Event, RequestKind};
use corsgate_client::Observed;

use crate::args::{CheckArgs, ExplainArgs, ReplayArgs, RequestArgs};
use crate::model::{self, Missing, Setup, Verdict};
use crate::render::{self, Report};

/// Exit status: allowed, or nothing to judge.
pub const EXIT_OK: u8 = 0;
/// Exit status: blocked by CORS (or refused by fetch(); or a replay line failed).
pub const EXIT_BLOCKED: u8 = 1;
/// Exit status: a usage error or a network failure.
pub const EXIT_USAGE: u8 = 2;

/// A failure that ends a command with [`EXIT_USAGE`]: the one-line message.
#[derive(Debug)]
pub struct Failure(pub String);

/// Where a command writes.
pub struct Io<'a> {
    /// Standard output.
    pub out: &'a mut dyn Write,
    /// Standard error.
    pub err: &'a mut dyn Write,
    /// Standard input.
    pub input: &'a mut dyn Read,
}

impl Io<'_> {
    /// Writes to standard output; false when it is closed (`corsgate replay | head`), which is
    /// not an error worth reporting.
    fn print(&mut self, text: &str) -> bool {
        self.out.write_all(text.as_bytes()).is_ok() && self.out.flush().is_ok()
    }

    fn error(&mut self, message: &str) {
        let _ = writeln!(self.err, "corsgate: error: {message}");
    }
}

fn setup(url: url::Url, r: &RequestArgs) -> Setup {
    Setup {
        origin: r.origin.clone(),
        url,
        method: r.method.clone(),
        headers: r.headers.clone(),
        credentials: r.credentials,
        mode: r.mode,
        redirect: r.redirect,
        policy: r.engine.clone(),
    }
}

fn exit_for(verdict: Option<&Verdict>) -> u8 {
    match verdict {
        Some(Verdict::Blocked { .. } | Verdict::Refused { .. }) => EXIT_BLOCKED,
        Some(Verdict::Interim { status: 101, .. }) => EXIT_BLOCKED,
        Some(Verdict::Incomplete { .. } | Verdict::Interim { .. }) => EXIT_USAGE,
        _ => EXIT_OK,
    }
}

fn print_report(io: &mut Io<'_>, report: &Report<'_>, json: bool) {
    if json {
        let text = serde_json::to_string(&render::json(report)).unwrap_or_default();
        io.print(&format!("{text}\n"));
    } else {
        io.print(&render::text(report));
    }
}

/// Reads a file, or standard input for `-`, up to `limit` bytes.
fn read_input(path: &Path, input: &mut dyn Read, limit: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let result = if path == Path::new("-") {
        input.take(limit).read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes).map(|_| ()))
    };
    result.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(bytes)
}

fn read_head(
    flag: &str,
    path: &Option<PathBuf>,
    input: &mut dyn Read,
) -> Result<Option<http::Response<()>>, Failure> {
    let Some(path) = path else { return Ok(None) };
    // A head longer than `MAX_HEAD` is refused; whatever follows it (a body) is not needed.
    let limit = 2 * crate::head::MAX_HEAD as u64;
    let bytes = read_input(path, input, limit).map_err(|e| Failure(format!("{flag}: {e}")))?;
    crate::head::parse_head(&bytes).map(Some).map_err(|e| {
        Failure(format!(
            "{flag} {}: not an HTTP response head: {e}",
            path.display()
        ))
    })
}

/// `corsgate explain`.
pub fn explain(args: &ExplainArgs, io: &mut Io<'_>) -> u8 {
    match explain_inner(args, io) {
        Ok(code) => code,
        Err(Failure(message)) => {
            io.error(&message);
            EXIT_USAGE
        }
    }
}

fn explain_inner(args: &ExplainArgs, io: &mut Io<'_>) -> Result<u8, Failure> {
    let stdin_twice = |p: &Option<PathBuf>| p.as_deref() == Some(Path::new("-"));
    if stdin_twice(&args.preflight_response) && stdin_twice(&args.response) {
        return Err(Failure(
            "--preflight-response and --response cannot both read standard input (-)".to_owned(),
        ));
    }
    let mut preflight = read_head("--preflight-response", &args.preflight_response, io.input)?;
    let mut response = read_head("--response", &args.response, io.input)?;
    let setup = setup(args.url.clone(), &args.request);
    let started = model::start(&setup, Instant::now());
    let mut notes = Vec::new();
    let given_any = preflight.is_some() || response.is_some();
    if preflight.is_some() && started.analysis.decision != model::Decision::Preflight {
        notes.push(format!(
            "--preflight-response was not used: this request sends no preflight (it is {})",
            started.analysis.decision.as_str()
        ));
    }
    let response_given = response.is_some();
    let (exchanges, verdict, cached_for) = match (started.early, started.fetch, started.first) {
        (Some(early), _, _) => (Vec::new(), Some(early), None),
        (None, Some(mut fetch), Some(first)) if given_any => {
            let mut ua = started.ua;
            let mut clock = Instant::now;
            let mut respond = |out: &corsgate::fetch::Outgoing| -> model::Answer<Infallible> {
                Ok(match out.kind {
                    RequestKind::Preflight => preflight.take(),
                    RequestKind::Actual => response.take(),
                })
            };
            let (exchanges, verdict) =
                match model::drive(&mut ua, &mut fetch, first, &mut clock, &mut respond) {
                    Ok(done) => done,
                    Err(never) => match never {},
                };
            let cached_for = model::cached_for(fetch.events());
            // Only the preflight's answer was given: judge the preflight alone.
            let verdict = match verdict {
                Verdict::Incomplete {
                    missing: Missing::Response,
                    ..
                } if !response_given => Verdict::PreflightPassed { cached_for },
                other => other,
            };
            (exchanges, Some(verdict), cached_for)
        }
        _ => (Vec::new(), None, None),
    };
    let report = Report {
        command: "explain",
        setup: &setup,
        analysis: &started.analysis,
        exchanges: &exchanges,
        verdict: verdict.as_ref(),
        cached_for,
        notes: &notes,
    };
    print_report(io, &report, args.request.json);
    if let Some(Verdict::Interim { status, .. }) = &verdict {
        if *status != 101 {
            io.error(&format!(
                "status {status} is an interim response: give the head of the final response \
                 that follows it"
            ));
        }
    }
    if let Some(Verdict::Incomplete { missing, next }) = &verdict {
        let redirected = exchanges
            .iter()
            .any(|e| corsgate::redirect::is_redirect_status(e.status));
        let message = match (redirected, missing) {
            (true, _) => format!(
                "the response redirects, and the next request ({} {}) has no response given: \
                 explain judges only the responses you give; use `corsgate check` to follow \
                 redirects live",
                next.method, next.url
            ),
            (false, Missing::PreflightResponse) => "this request needs a preflight: pass \
                 --preflight-response FILE with the server's answer to the OPTIONS request \
                 shown above"
                .to_owned(),
            (false, Missing::Response) => {
                "no --response was given for the request shown above".to_owned()
            }
        };
        io.error(&message);
    }
    Ok(exit_for(verdict.as_ref()))
}

/// `corsgate check`: the request sent through `corsgate_client`'s ureq adapter (the machine,
/// the retry of a dead keep-alive connection, `--max-time` over the whole run), every exchange
/// recorded by its observer for the report.
pub fn check(args: &CheckArgs, io: &mut Io<'_>) -> u8 {
    if !matches!(args.url.scheme(), "http" | "https") {
        io.error(&format!(
            "URL {}: check fetches only http: and https: URLs",
            args.url
        ));
        return EXIT_USAGE;
    }
    let setup = setup(args.url.clone(), &args.request);
    let started = model::start(&setup, Instant::now());
    if let Some(early) = started.early {
        // Nothing is sent: fetch() refuses the request, or main fetch ends it first.
        return check_report(io, args, &setup, &started.analysis, &[], &early, None);
    }
    let net = crate::net::Client::new(args.timeout);
    let ua = corsgate_client::SharedUserAgent::new(setup.policy.clone());
    let client = match net.cors(ua, setup.origin.clone()) {
        Ok(client) => client,
        Err(e) => {
            io.error(&e.to_string());
            return EXIT_USAGE;
        }
    };
    let log = Arc::new(Mutex::new(Log::default()));
    let observed = Arc::clone(&log);
    let client = client
        .max_time(args.max_time)
        .observe(move |o| observed.lock().unwrap_or_else(|e| e.into_inner()).add(o));
    let began = Instant::now();
    let result = client.fetch(setup.request(), Vec::new());
    let log = std::mem::take(&mut *log.lock().unwrap_or_else(|e| e.into_inner()));
    let cached_for = model::cached_for(&log.events);
    let verdict = match result {
        Ok(done) => model::allowed(done.cors.response, &done.head.headers),
        Err(corsgate_client::Error::Blocked(blocked)) => {
            model::blocked_verdict(*blocked, &log.exchanges)
        }
        Err(corsgate_client::Error::Transport { error, blocked }) => {
            let out_of_time = matches!(error, ureq::Error::Timeout(_))
                && began.elapsed() + Duration::from_millis(20) >= args.max_time;
            let message = match (&log.last, blocked.exchange()) {
                (_, Some(exchange)) if out_of_time => format!(
                    "--max-time {} s ran out during exchange {} of the check, {exchange}; {} \
                     exchange(s) answered before it",
                    args.max_time.as_secs_f64(),
                    log.attempts,
                    log.exchanges.len()
                ),
                (Some((method, uri)), _) => net.failure(method, uri, &error),
                (None, _) => blocked.to_string(),
            };
            io.error(&message);
            return EXIT_USAGE;
        }
        Err(other) => {
            io.error(&other.to_string());
            return EXIT_USAGE;
        }
    };
    let analysis = &started.analysis;
    check_report(
        io,
        args,
        &setup,
        analysis,
        &log.exchanges,
        &verdict,
        cached_for,
    )
}

/// What `check`'s observer keeps of the run.
#[derive(Default)]
struct Log {
    /// Every request answered, with its response head.
    exchanges: Vec<model::Exchange>,
    /// The machine's events.
    events: Vec<Event>,
    /// Requests sent, failed ones included.
    attempts: usize,
    /// The method and URL of the last request sent.
    last: Option<(http::Method, http::Uri)>,
}

impl Log {
    fn add(&mut self, observed: Observed<'_, ureq::Error>) {
        match observed {
            Observed::Exchange(e) => {
                self.attempts += 1;
                let request = &e.request.request;
                self.last = Some((request.method().clone(), request.uri().clone()));
                if let Ok(head) = e.result {
                    self.exchanges.push(model::Exchange {
                        request: model::WireRequest::of(e.request),
                        status: head.status.as_u16(),
                        headers: model::pairs(&head.headers),
                    });
                }
            }
            Observed::Event(event) => self.events.push(event.clone()),
            _ => {}
        }
    }
}

fn check_report(
    io: &mut Io<'_>,
    args: &CheckArgs,
    setup: &Setup,
    analysis: &model::Analysis,
    exchanges: &[model::Exchange],
    verdict: &Verdict,
    cached_for: Option<Duration>,
) -> u8 {
    let notes = crate::audit::notes::check_notes(setup, exchanges, verdict);
    let report = Report {
        command: "check",
        setup,
        analysis,
        exchanges,
        verdict: Some(verdict),
        cached_for,
        notes: &notes,
    };
    print_report(io, &report, args.request.json);
    exit_for(Some(verdict))
}

/// The longest scenario line `replay` reads (the recorded corpus's longest is about 15 KiB). A
/// longer line is an error naming its number; its bytes are skipped without being kept, and the
/// next line follows. With the output bound below, this is what keeps `replay`'s memory fixed
/// whatever the size of its input.
pub const MAX_LINE: usize = 256 * 1024;

/// How much standard input or a file is read at a time.
const READ_CHUNK: usize = 64 * 1024;

/// One line of a line-oriented input, without its LF (nor a CR before it).
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// The line, at most the bound.
    Text(&'a [u8]),
    /// The line was longer than the bound: its length in bytes (its bytes were not kept).
    TooLong(u64),
}

/// Reads `input` line by line, keeping at most `max` bytes of a line (plus one read chunk), and
/// hands each line with its number (from 1) to `each`, which returns false to stop. A final line
/// without LF counts. Memory stays at `max` plus `READ_CHUNK` whatever the input's size.
pub fn for_each_line(
    input: &mut dyn Read,
    max: usize,
    each: &mut dyn FnMut(usize, Line<'_>) -> bool,
) -> std::io::Result<()> {
    let mut reader = std::io::BufReader::with_capacity(READ_CHUNK, input);
    let mut line: Vec<u8> = Vec::new();
    // The length of the current line when it is over the bound (its bytes are dropped).
    let mut over: Option<u64> = None;
    let mut number = 0usize;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            if !line.is_empty() || over.is_some() {
                number += 1;
                let last = match over {
                    Some(len) => Line::TooLong(len),
                    None => Line::Text(line.strip_suffix(b"\r").unwrap_or(&line)),
                };
                each(number, last);
            }
            return Ok(());
        }
        let (part, ends) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (&chunk[..i], true),
            None => (chunk, false),
        };
        let used = part.len() + usize::from(ends);
        match over.as_mut() {
            Some(len) => *len += part.len() as u64,
            None if line.len() + part.len() > max + 1 => {
                // One byte more than the bound is kept for a CR before the LF.
                over = Some((line.len() + part.len()) as u64);
                line = Vec::new();
            }
            None => line.extend_from_slice(part),
        }
        reader.consume(used);
        if ends {
            number += 1;
            let current = match over.take() {
                Some(len) => Line::TooLong(len),
                None => {
                    let text = line.strip_suffix(b"\r").unwrap_or(&line);
                    if text.len() > max {
                        Line::TooLong(text.len() as u64)
                    } else {
                        Line::Text(text)
                    }
                }
            };
            if !each(number, current) {
                return Ok(());
            }
            line.clear();
            if line.capacity() > 4 * READ_CHUNK {
                // A long line's buffer is not kept for the short ones after it.
                line = Vec::new();
            }
        }
    }
}

/// `corsgate replay`: each line's scenario written back with `observed` holding this engine's
/// runs; a bad line is reported on standard error with its number, and the next line follows.
/// The input is streamed: memory is bounded by [`MAX_LINE`] and
/// [`corsgate_scenario::MAX_LINE_OUTPUT`], not by the input's size.
pub fn replay(args: &ReplayArgs, io: &mut Io<'_>) -> u8 {
    let path = args.file.clone().unwrap_or_else(|| PathBuf::from("-"));
    let mut file;
    let input: &mut dyn Read = if path == Path::new("-") {
        &mut *io.input
    } else {
        match std::fs::File::open(&path) {
            Ok(f) => {
                file = f;
                &mut file
            }
            Err(e) => {
                io.error(&format!("cannot read {}: {e}", path.display()));
                return EXIT_USAGE;
            }
        }
    };
    let engine = args.engine.name;
    let mut failed = 0usize;
    let mut written = 0usize;
    let (out, err) = (&mut *io.out, &mut *io.err);
    let mut each = |number: usize, line: Line<'_>| -> bool {
        let result = match line {
            Line::Text(line) if line.iter().all(u8::is_ascii_whitespace) => return true,
            Line::Text(line) => {
                corsgate_scenario::replay_line(line, &args.engine, engine, Instant::now())
            }
            Line::TooLong(len) => Err(format!(
                "the line is {len} bytes, longer than the {MAX_LINE} a scenario line may take; \
                 skipped"
            )),
        };
        match result {
            Ok(text) => {
                let printed = out.write_all(text.as_bytes()).is_ok()
                    && out.write_all(b"\n").is_ok()
                    && out.flush().is_ok();
                if !printed {
                    // Nobody reads the rest (`corsgate replay | head`).
                    return false;
                }
                written += 1;
            }
            Err(message) => {
                failed += 1;
                let _ = writeln!(
                    err,
                    "corsgate: error: {}: line {number}: {message}",
                    path.display()
                );
            }
        }
        true
    };
    if let Err(e) = for_each_line(input, MAX_LINE, &mut each) {
        io.error(&format!("cannot read {}: {e}", path.display()));
        return EXIT_USAGE;
    }
    if failed > 0 {
        io.error(&format!(
            "{failed} line(s) failed, {written} scenario(s) replayed"
        ));
        EXIT_BLOCKED
    } else {
        EXIT_OK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines as `for_each_line` hands them out, with a tiny bound and a tiny reader, so that
    /// lines cross reads.
    fn lines(input: &[u8], max: usize) -> Vec<(usize, Result<Vec<u8>, u64>)> {
        /// Reads at most 3 bytes at a time.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = buf.len().min(3).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut got = Vec::new();
        let mut each = |n: usize, line: Line<'_>| {
            got.push(match line {
                Line::Text(t) => (n, Ok(t.to_vec())),
                Line::TooLong(len) => (n, Err(len)),
            });
            true
        };
        for_each_line(&mut Trickle(input), max, &mut each).unwrap();
        got
    }

    #[test]
    fn lines_are_bounded_numbered_and_cr_stripped() {
        let got = lines(b"abc\r\n12345\n\nabcdef\r\nxy", 5);
        assert_eq!(
            got,
            [
                (1, Ok(b"abc".to_vec())),
                (2, Ok(b"12345".to_vec())),
                (3, Ok(b"".to_vec())),
                (4, Err(7)),
                (5, Ok(b"xy".to_vec())),
            ]
        );
        // At the bound with a CR: kept; one more byte: too long; a long last line without LF.
        assert_eq!(
            lines(b"12345\r\n123456\n1234567", 5),
            [(1, Ok(b"12345".to_vec())), (2, Err(6)), (3, Err(7))]
        );
        assert_eq!(lines(b"", 5), []);
        assert_eq!(lines(b"\n", 5), [(1, Ok(Vec::new()))]);
    }

    #[test]
    fn a_false_from_each_stops_the_reading() {
        let mut seen = 0;
        let mut each = |_: usize, _: Line<'_>| {
            seen += 1;
            seen < 2
        };
        for_each_line(&mut &b"a\nb\nc\nd\n"[..], 10, &mut each).unwrap();
        assert_eq!(seen, 2);
    }
}
