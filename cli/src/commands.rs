//! The three commands. Each returns its exit status: 0 allowed (or nothing to judge), 1 blocked
//! (or refused, or a replay line failed), 2 a usage error or a network failure, whose one-line
//! message goes to standard error.

use std::convert::Infallible;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use corsgate::fetch::{Action, RequestKind};
use serde_json::Value;

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
        Some(Verdict::Incomplete { .. }) => EXIT_USAGE,
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
            let cached_for = model::cached_for(&fetch);
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

/// `corsgate check`.
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
    let client = crate::net::Client::new(args.timeout);
    let (exchanges, verdict, cached_for) = match (started.early, started.fetch, started.first) {
        (Some(early), _, _) => (Vec::new(), early, None),
        (None, Some(mut fetch), Some(first)) => {
            let mut ua = started.ua;
            let mut clock = Instant::now;
            let mut respond = |out: &corsgate::fetch::Outgoing| client.send(out).map(Some);
            match model::drive(&mut ua, &mut fetch, first, &mut clock, &mut respond) {
                Ok((exchanges, verdict)) => {
                    let cached_for = model::cached_for(&fetch);
                    (exchanges, verdict, cached_for)
                }
                Err(message) => {
                    io.error(&message);
                    return EXIT_USAGE;
                }
            }
        }
        (None, _, first) => {
            // Not reachable: a started fetch always has a first action.
            let message = match first {
                Some(Action::Done(Err(e))) => e.to_string(),
                _ => "the request could not be started".to_owned(),
            };
            io.error(&message);
            return EXIT_USAGE;
        }
    };
    let report = Report {
        command: "check",
        setup: &setup,
        analysis: &started.analysis,
        exchanges: &exchanges,
        verdict: Some(&verdict),
        cached_for,
        notes: &[],
    };
    print_report(io, &report, args.request.json);
    exit_for(Some(&verdict))
}

/// `corsgate replay`: each line's scenario written back with `observed` holding this engine's
/// runs; a bad line is reported on standard error with its number, and the next line follows.
pub fn replay(args: &ReplayArgs, io: &mut Io<'_>) -> u8 {
    let path = args.file.clone().unwrap_or_else(|| PathBuf::from("-"));
    let bytes = match read_input(&path, io.input, u64::MAX) {
        Ok(bytes) => bytes,
        Err(message) => {
            io.error(&message);
            return EXIT_USAGE;
        }
    };
    let engine = args.engine.name;
    let mut failed = 0usize;
    let mut written = 0usize;
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let number = i + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let result = replay_line(line, &args.engine, engine);
        match result {
            Ok(out) => {
                if !io.print(&format!("{out}\n")) {
                    // Nobody reads the rest.
                    break;
                }
                written += 1;
            }
            Err(message) => {
                failed += 1;
                io.error(&format!("{}: line {number}: {message}", path.display()));
            }
        }
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

fn replay_line(line: &[u8], policy: &corsgate::Policy, engine: &str) -> Result<String, String> {
    let value: Value = serde_json::from_slice(line).map_err(|e| format!("not valid JSON: {e}"))?;
    let scenario =
        crate::scenario::scenario_from_json(&value).map_err(|e| format!("not a scenario: {e}"))?;
    let runs = corsgate::replay::replay(&scenario, policy, Instant::now())
        .map_err(|e| format!("scenario `{}` cannot be replayed: {e}", scenario.id))?;
    let out = crate::scenario::with_observed(&value, engine, &runs);
    serde_json::to_string(&out).map_err(|e| e.to_string())
}
