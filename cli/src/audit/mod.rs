//! `corsgate audit`: what a server's CORS policy lets an attacker's page do. It derives attacker
//! origins from the origin the API serves (`probes`; `hosts`: which of them each engine's URL
//! parser gives a page), sends a fixed set of requests to the one audited URL (the simple
//! request, and preflights only: never a non-simple request itself), runs each answer through the
//! machine under every engine preset (`judge`) and reports the findings (`report`).

pub mod hosts;
pub mod judge;
pub mod notes;
pub mod probes;
pub mod report;

use std::time::{Duration, Instant};

use corsgate::fetch::{Action, RequestKind};
use corsgate::{CredentialsMode, Policy};

use crate::args::AuditArgs;
use crate::commands::{Io, EXIT_BLOCKED, EXIT_OK, EXIT_USAGE};
use crate::model::{self, WireRequest};
use judge::{Head, Sent, Severity, Shape, Target};
use probes::{Derivation, ProbeOrigin};

/// The requests an audit plans, in order: for each probe origin the simple request, the preflight
/// of the `-X`/`-H` request when it needs one, and the preflight of a `PUT` with a custom header;
/// then the echo preflight from `APP`.
pub fn plan(probes: &[ProbeOrigin], user_simple: bool) -> Vec<(usize, Shape)> {
    let mut out = Vec::new();
    for i in 0..probes.len() {
        out.push((i, Shape::Simple));
        if !user_simple {
            out.push((i, Shape::UserPreflight));
        }
        out.push((i, Shape::NonSimple));
    }
    if let Some(app) = probes.iter().position(|p| p.derivation == Derivation::App) {
        out.push((app, Shape::Echo));
    }
    out
}

/// Sends one request the machine built and returns the response head. The only place audit
/// touches the network.
fn send(out: &corsgate::fetch::Outgoing, timeout: Duration) -> Result<Head, String> {
    let head = crate::net::Client::new(timeout).send(out)?;
    Ok(Head {
        status: head.status().as_u16(),
        headers: head.headers().clone(),
    })
}

/// What the audit did, for the report.
pub struct Audit {
    /// The target.
    pub target: Target,
    /// The probe origins.
    pub probes: Vec<ProbeOrigin>,
    /// The requests planned.
    pub planned: usize,
    /// The requests sent.
    pub sent: Vec<Sent>,
    /// The findings, most severe first.
    pub findings: Vec<judge::Finding>,
    /// Remarks (requests not sent, network failures, the deadline).
    pub notes: Vec<String>,
}

/// `corsgate audit`.
pub fn audit(args: &AuditArgs, io: &mut Io<'_>) -> u8 {
    let fail = |io: &mut Io<'_>, message: &str| {
        let _ = writeln!(io.err, "corsgate: error: {message}");
        EXIT_USAGE
    };
    if !matches!(args.url.scheme(), "http" | "https") {
        return fail(
            io,
            &format!("URL {}: audit fetches only http: and https: URLs", args.url),
        );
    }
    let probes = match probes::derive(&args.origin) {
        Ok(p) => p,
        Err(message) => return fail(io, &message),
    };
    // Whether the -X/-H request is simple: the machine's decision for it from the unrelated origin.
    let mut target = Target {
        url: args.url.clone(),
        method: args.method.clone(),
        headers: args.headers.clone(),
        user_simple: true,
        credentials: args.credentials == CredentialsMode::Include,
    };
    let unrelated = probes
        .iter()
        .find(|p| p.derivation == Derivation::Unrelated)
        .unwrap_or(&probes[0]);
    let started = model::start(
        &target.setup(
            &unrelated.origin,
            Shape::UserPreflight,
            &Policy::spec(),
            CredentialsMode::Include,
        ),
        Instant::now(),
    );
    match started.analysis.decision {
        model::Decision::Preflight => target.user_simple = false,
        model::Decision::Refused | model::Decision::NetworkError => {
            let why = started
                .analysis
                .reasons
                .first()
                .map_or(String::new(), |r| r.rule.clone());
            return fail(io, &format!("the -X/-H request cannot be sent: {why}"));
        }
        _ => {}
    }
    let planned = plan(&probes, target.user_simple);
    let interval = Duration::from_secs_f64(1.0 / args.rate);
    let begin = Instant::now();
    let deadline = begin + args.max_time;
    let mut sent: Vec<Sent> = Vec::new();
    let mut notes = Vec::new();
    let mut last: Option<Instant> = None;
    let mut cut = false;
    for (probe, shape) in &planned {
        let setup = target.setup(
            &probes[*probe].origin,
            *shape,
            &Policy::spec(),
            CredentialsMode::Include,
        );
        let started = model::start(&setup, Instant::now());
        let Some(Action::Send(out)) = started.first else {
            continue;
        };
        let want = match shape {
            Shape::Simple => RequestKind::Actual,
            _ => RequestKind::Preflight,
        };
        if out.kind != want {
            // A non-simple request without a preflight (same-origin): never sent.
            notes.push(format!(
                "not sent: the {} from {} (no preflight: the URL has that origin)",
                shape.describe(),
                probes[*probe].serialized()
            ));
            continue;
        }
        if let Some(last) = last {
            let next = last + interval;
            let now = Instant::now();
            if next > now {
                if next >= deadline {
                    cut = true;
                    break;
                }
                std::thread::sleep(next - now);
            }
        }
        let now = Instant::now();
        let Some(left) = deadline
            .checked_duration_since(now)
            .filter(|d| !d.is_zero())
        else {
            cut = true;
            break;
        };
        last = Some(now);
        let result = send(&out, left.min(args.timeout));
        if sent.is_empty() {
            if let Err(message) = &result {
                return fail(io, message);
            }
        }
        sent.push(Sent {
            probe: *probe,
            shape: *shape,
            request: WireRequest::of(&out),
            result,
        });
    }
    let failures: Vec<String> = sent
        .iter()
        .filter_map(|s| s.result.as_ref().err().cloned())
        .collect();
    for f in &failures {
        notes.push(format!("network failure: {f}"));
    }
    if cut {
        notes.push(format!(
            "--max-time {} s reached: {} of {} requests sent; the findings cover only those",
            args.max_time.as_secs_f64(),
            sent.len(),
            planned.len()
        ));
    }
    if let Some((status, location)) = sent.iter().find_map(|s| match &s.result {
        Ok(head) if corsgate::redirect::is_redirect_status(head.status) => Some((
            head.status,
            corsgate::header::get(&head.headers, "location")
                .map(|l| String::from_utf8_lossy(&l).into_owned())
                .unwrap_or_default(),
        )),
        _ => None,
    }) {
        notes.push(format!(
            "the server redirects ({status} to `{location}`): audit never follows a redirect \
             (it contacts only the audited URL), so what lies behind it is not judged; audit \
             the target URL itself"
        ));
    }
    let judged = judge::judge_all(&target, &probes, &sent);
    let findings = judge::findings(&target, &probes, &sent, &judged);
    if let Some(j) = judged
        .iter()
        .find(|j| sent[j.sent].probe == 0 && sent[j.sent].shape == Shape::Simple)
    {
        let include = target.credentials;
        let readable = j
            .outcomes
            .iter()
            .any(|(_, i, o)| *i == include && matches!(o, judge::Outcome::Readable(_)));
        if !readable {
            notes.push(format!(
                "{} itself cannot read the simple request's response (`corsgate check` says why)",
                probes[0].serialized()
            ));
        }
    }
    let report = Audit {
        target,
        probes,
        planned: planned.len(),
        sent,
        findings,
        notes,
    };
    let text = if args.json {
        format!("{}\n", report::json(&report))
    } else {
        report::text(&report)
    };
    let _ = io.out.write_all(text.as_bytes());
    let _ = io.out.flush();
    if cut || !failures.is_empty() {
        let _ = writeln!(
            io.err,
            "corsgate: error: the audit is incomplete ({})",
            if cut {
                "--max-time reached"
            } else {
                "network failures"
            }
        );
        return EXIT_USAGE;
    }
    if report.findings.iter().any(|f| f.severity > Severity::Info) {
        EXIT_BLOCKED
    } else {
        EXIT_OK
    }
}
