//! The report `explain` and `check` print: as text for people, or as one JSON object whose field
//! names are documented in the README (`--json`).

use std::fmt::Write as _;
use std::time::Duration;

use corsgate::fetch::RequestKind;
use corsgate::Fix;
use serde_json::{json, Value};

use crate::model::{
    drop_reason, Analysis, Decision, Exchange, Missing, Reason, Setup, Verdict, WireRequest,
};

/// The version of the JSON layout; it changes only when a documented field changes meaning.
pub const JSON_VERSION: u64 = 1;

/// Everything a report shows.
pub struct Report<'a> {
    /// `explain` or `check`.
    pub command: &'static str,
    /// The request as described.
    pub setup: &'a Setup,
    /// The offline analysis.
    pub analysis: &'a Analysis,
    /// The requests sent (or answered from files) and their responses.
    pub exchanges: &'a [Exchange],
    /// The verdict, when responses were given or fetched.
    pub verdict: Option<&'a Verdict>,
    /// How long a passed preflight's result is cached.
    pub cached_for: Option<Duration>,
    /// Remarks about the input (e.g. a response file that was not needed).
    pub notes: &'a [String],
}

/// `Access-Control-Allow-Origin` for `access-control-allow-origin`: how header names are shown.
pub fn title_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        out.push(if upper { c.to_ascii_uppercase() } else { c });
        upper = c == '-';
    }
    out
}

/// `fetch#x step 2` → `Fetch §x step 2`, as the core's messages cite.
fn cite(spec: &str) -> String {
    match spec.strip_prefix("fetch#") {
        Some(rest) => format!("Fetch §{rest}"),
        None => spec.to_owned(),
    }
}

/// Where Fetch says what a 1xx status does: the `While true` loop of HTTP-network fetch.
const INTERIM_SPEC: &str = "fetch#concept-http-network-fetch step 8.5";

/// What a browser does with a 1xx answer, in words.
pub fn interim_rule(status: u16, method: &str) -> String {
    if status == 101 {
        format!(
            "fetch() never asks to switch protocols (only a WebSocket handshake does), so a \
             browser takes 101 as an interim response, like every 1xx, and waits for the final \
             HTTP response to the {method}; a server that switched protocols sends none, and \
             fetch() rejects with a TypeError (a network error)"
        )
    } else {
        format!(
            "a browser never hands a 1xx response to fetch(): it skips it (a 103's Early Hints \
             aside) and waits for the final response to the {method} on the same connection, \
             which decides"
        )
    }
}

/// What a browser does with a final status outside 200–599 (they are HTTP statuses: 600–999 are
/// not defined, but the status line allows them), or `None` inside it.
pub fn status_note(status: u16) -> Option<String> {
    (status >= 600).then(|| {
        format!(
            "status {status} is outside 200-599: browsers hand it to script as it is \
             (recorded for 600 and 999 in Chromium, Firefox and WebKit alike); response.ok is \
             false, and new Response() could not make it (it takes 200-599)"
        )
    })
}

fn secs(d: Duration) -> String {
    format!("{} s", d.as_secs())
}

fn kind(k: RequestKind) -> &'static str {
    match k {
        RequestKind::Preflight => "preflight",
        RequestKind::Actual => "actual",
    }
}

// ----- text ---------------------------------------------------------------------------------

fn reason_line(r: &Reason) -> String {
    let subject = match (&r.subject, &r.value) {
        (&"header", Some(v)) => format!("header `{}: {}`", r.name, v),
        (s, _) => format!("{s} `{}`", r.name),
    };
    format!("  - {subject}: {}\n      {}\n", r.rule, cite(&r.spec))
}

fn request_block(out: &mut String, req: &WireRequest) {
    let _ = writeln!(out, "  {} {}", req.method, req.url);
    for (n, v) in &req.headers {
        let _ = writeln!(out, "  {}: {}", title_case(n), v);
    }
}

fn decision_line(d: Decision, method: &str) -> String {
    match d {
        Decision::SameOrigin => "same-origin (no CORS: the URL has the page's origin)".to_owned(),
        Decision::NoCors => "no-cors (an opaque response: script sees nothing of it)".to_owned(),
        Decision::Simple => {
            format!("simple (no preflight: the {method} goes out with an Origin header)")
        }
        Decision::Preflight => {
            format!("preflight (an OPTIONS request goes first; the {method} only if it passes)")
        }
        Decision::NetworkError => "network error before anything is sent".to_owned(),
        Decision::Refused => "refused: fetch() throws a TypeError, nothing is sent".to_owned(),
    }
}

fn fix_text(fix: &Option<Fix>) -> String {
    match fix {
        Some(fix) => fix.to_string(),
        None => "fix: the request itself must change (no server header helps)".to_owned(),
    }
}

/// The report as text.
pub fn text(r: &Report<'_>) -> String {
    let s = r.setup;
    let a = r.analysis;
    // The heading shows the method as fetch() normalizes it (`put` → `PUT`, `patch` stays).
    let normalized = corsgate::method::normalize(s.method.as_str().as_bytes());
    let method = &*String::from_utf8_lossy(&normalized);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{method} {} from origin {}\n  mode {}, credentials {}, redirect {}, engine {}",
        s.url,
        s.origin.serialize(),
        s.mode,
        s.credentials,
        s.redirect,
        s.policy.name
    );
    for d in &a.dropped {
        let (why, spec) = drop_reason(d.reason);
        let _ = writeln!(
            out,
            "  dropped `{}: {}`: {why} ({})",
            d.name,
            String::from_utf8_lossy(d.value.as_bytes()),
            cite(spec)
        );
    }
    let _ = writeln!(out, "\ndecision: {}", decision_line(a.decision, method));
    for reason in &a.reasons {
        out.push_str(&reason_line(reason));
    }
    if let Some(first) = &a.first {
        let title = match first.kind {
            RequestKind::Preflight => "preflight request",
            RequestKind::Actual => "request",
        };
        let _ = writeln!(out, "\n{title}:");
        request_block(&mut out, first);
    }
    if let Some(lines) = &a.required_preflight {
        out.push_str(
            "\nthe server must answer the preflight with a 2xx status (e.g. 204) and send:\n",
        );
        for l in lines {
            let _ = writeln!(out, "  {l}");
        }
    }
    match (a.decision, &a.required_response) {
        (Decision::SameOrigin, _) => {
            out.push_str("\nthe response needs no CORS headers: it is same-origin\n");
        }
        (Decision::NoCors, _) => out.push_str(
            "\nno response header makes the response readable (use mode cors for that)\n",
        ),
        (_, Some(lines)) => {
            let which = if a.decision == Decision::Preflight {
                format!("and answer the {method} itself with:")
            } else {
                format!("the server must answer the {method} with:")
            };
            let _ = writeln!(out, "\n{which}");
            for l in lines {
                let _ = writeln!(out, "  {l}");
            }
        }
        (_, None) => {}
    }
    if !r.exchanges.is_empty() {
        out.push_str("\nexchanges:\n");
        for e in r.exchanges {
            let creds = if e.request.credentials {
                "credentials included (corsgate sends no cookies)"
            } else {
                "no credentials"
            };
            let _ = writeln!(
                out,
                "  > {} {} ({}, {creds})",
                e.request.method,
                e.request.url,
                kind(e.request.kind)
            );
            let _ = writeln!(out, "  < {}", e.status);
            for (n, v) in &e.headers {
                let _ = writeln!(out, "      {}: {}", title_case(n), v);
            }
        }
    }
    for note in r.notes {
        let _ = writeln!(out, "\nnote: {note}");
    }
    if let Some(v) = r.verdict {
        out.push('\n');
        let cached = r.cached_for.map(|d| (d, asked_max_age(r)));
        verdict_text(&mut out, v, cached, r.setup.policy.name);
    }
    out
}

/// The `Access-Control-Max-Age` the last preflight response sent, in seconds, read with the
/// engine's syntax (`Policy::max_age_syntax`).
fn asked_max_age(r: &Report<'_>) -> Option<u64> {
    let e = r
        .exchanges
        .iter()
        .rev()
        .find(|e| e.request.kind == RequestKind::Preflight)?;
    let (_, value) = e
        .headers
        .iter()
        .find(|(n, _)| n == "access-control-max-age")?;
    match corsgate::preflight::parse_max_age_with(value.as_bytes(), r.setup.policy.max_age_syntax) {
        corsgate::preflight::MaxAge::Seconds(n) => Some(n),
        _ => None,
    }
}

/// `preflight result cached for N s`, and the server's figure when the engine capped it.
fn cached_line(out: &mut String, d: Duration, asked: Option<u64>, engine: &str) {
    match asked {
        Some(n) if n > d.as_secs() => {
            let _ = writeln!(
                out,
                "  preflight result cached for {} (the server sent Access-Control-Max-Age: {n}; \
                 {engine} caps it at {})",
                secs(d),
                secs(d)
            );
        }
        _ => {
            let _ = writeln!(out, "  preflight result cached for {}", secs(d));
        }
    }
}

fn verdict_text(
    out: &mut String,
    v: &Verdict,
    cached: Option<(Duration, Option<u64>)>,
    engine: &str,
) {
    let cached_for = cached.map(|(d, _)| d);
    let asked = cached.and_then(|(_, a)| a);
    match v {
        Verdict::Allowed {
            response,
            visible,
            hidden,
        } => {
            let url = response.url().map(String::from).unwrap_or_default();
            let _ = writeln!(
                out,
                "verdict: allowed: script sees a {} response, status {}{}",
                response.response_type.as_str(),
                response.status,
                if url.is_empty() {
                    String::new()
                } else {
                    format!(", url {url}")
                }
            );
            if response.redirected() {
                let _ = writeln!(out, "  redirected: yes");
            }
            if let Some(note) = status_note(response.status) {
                let _ = writeln!(out, "  note: {note}");
            }
            if visible.is_empty() {
                out.push_str("  script can read no header\n");
            } else {
                out.push_str("  script can read:\n");
                for (n, val) in visible {
                    let _ = writeln!(out, "    {}: {val}", title_case(n));
                }
            }
            if !hidden.is_empty() {
                let _ = writeln!(
                    out,
                    "  script cannot read: {} (to expose them the server must send: \
                     Access-Control-Expose-Headers: {})",
                    hidden.join(", "),
                    hidden.join(", ")
                );
            }
            if let Some(d) = cached_for {
                cached_line(out, d, asked, engine);
            }
        }
        Verdict::PreflightPassed { cached_for } => {
            out.push_str(
                "verdict: preflight passed (give --response FILE to judge the actual response)\n",
            );
            if let Some(d) = cached_for {
                cached_line(out, *d, asked, engine);
            }
        }
        Verdict::Blocked { error, stage } => {
            let at = match *stage {
                "preflight" => "at the preflight response",
                "response" => "at the response",
                "redirect" => "at a redirect",
                _ => "before anything was sent",
            };
            let _ = writeln!(out, "verdict: blocked {at}");
            let _ = writeln!(out, "  rule: {}", error.rule());
            let _ = writeln!(out, "  spec: {}", cite(error.spec()));
            let _ = writeln!(out, "  {}", fix_text(&error.fix()));
        }
        Verdict::Refused { message } => {
            let _ = writeln!(out, "verdict: refused: {message}");
        }
        Verdict::Interim {
            status: 101,
            stage,
            request,
        } => {
            let _ = writeln!(
                out,
                "verdict: blocked at the {stage}: status 101 (Switching Protocols) is not a \
                 final response"
            );
            let _ = writeln!(out, "  rule: {}", interim_rule(101, &request.method));
            let _ = writeln!(out, "  spec: {}", cite(INTERIM_SPEC));
            let _ = writeln!(
                out,
                "  the server must send: a final response (status 200-599) to the {}, not 101",
                request.method
            );
        }
        Verdict::Interim {
            status,
            stage,
            request,
        } => {
            let _ = writeln!(
                out,
                "verdict: incomplete: the {stage} is an interim response, status {status}, not a \
                 final one"
            );
            let _ = writeln!(out, "  rule: {}", interim_rule(*status, &request.method));
            let _ = writeln!(out, "  spec: {}", cite(INTERIM_SPEC));
        }
        Verdict::Incomplete { missing, next } => {
            let what = match missing {
                Missing::PreflightResponse => "no response was given for this preflight",
                Missing::Response => "no response was given for this request",
            };
            let _ = writeln!(out, "verdict: incomplete: {what}:");
            request_block(out, next);
        }
    }
}

// ----- JSON ---------------------------------------------------------------------------------

fn pairs_json(pairs: &[(String, String)]) -> Value {
    Value::Array(pairs.iter().map(|(n, v)| json!([n, v])).collect())
}

fn request_json(r: &WireRequest) -> Value {
    json!({
        "kind": kind(r.kind),
        "method": r.method,
        "url": r.url,
        "headers": pairs_json(&r.headers),
        "credentials": r.credentials,
    })
}

fn fix_json(fix: &Option<Fix>) -> Value {
    match fix {
        Some(Fix::Send(lines)) => json!({"send": lines}),
        Some(Fix::Do(what)) => json!({"do": what}),
        None => Value::Null,
    }
}

fn verdict_json(v: &Verdict, cached_for: Option<Duration>) -> Value {
    let cached = cached_for.map(|d| d.as_secs());
    match v {
        Verdict::Allowed {
            response,
            visible,
            hidden,
        } => json!({
            "result": "allowed",
            "type": response.response_type.as_str(),
            "status": response.status,
            "url": response.url().map(String::from),
            "redirected": response.redirected(),
            "status_note": status_note(response.status),
            "visible_headers": pairs_json(visible),
            "hidden_headers": hidden,
            "preflight_cached_for": cached,
        }),
        Verdict::PreflightPassed { .. } => json!({
            "result": "preflight-passed",
            "preflight_cached_for": cached,
        }),
        Verdict::Blocked { error, stage } => json!({
            "result": "blocked",
            "stage": stage,
            "rule": error.rule(),
            "spec": error.spec(),
            "fix": fix_json(&error.fix()),
            "message": error.to_string(),
        }),
        Verdict::Refused { message } => json!({
            "result": "refused",
            "message": message,
        }),
        Verdict::Interim {
            status,
            stage,
            request,
        } => json!({
            "result": v.result(),
            "stage": stage,
            "status": status,
            "rule": interim_rule(*status, &request.method),
            "spec": INTERIM_SPEC,
            "next_request": request_json(request),
        }),
        Verdict::Incomplete { missing, next } => json!({
            "result": "incomplete",
            "missing": match missing {
                Missing::PreflightResponse => "preflight-response",
                Missing::Response => "response",
            },
            "next_request": request_json(next),
        }),
    }
}

/// The report as one JSON object.
pub fn json(r: &Report<'_>) -> Value {
    let s = r.setup;
    let a = r.analysis;
    let headers: Vec<(String, String)> = s
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let dropped: Vec<Value> = a
        .dropped
        .iter()
        .map(|d| {
            let (rule, spec) = drop_reason(d.reason);
            json!({
                "name": d.name.as_str(),
                "value": String::from_utf8_lossy(d.value.as_bytes()),
                "rule": rule,
                "spec": spec,
            })
        })
        .collect();
    let reasons: Vec<Value> = a
        .reasons
        .iter()
        .map(|r| {
            json!({
                "subject": r.subject,
                "name": r.name,
                "value": r.value,
                "preflight": r.preflight,
                "rule": r.rule,
                "spec": r.spec,
            })
        })
        .collect();
    let exchanges: Vec<Value> = r
        .exchanges
        .iter()
        .map(|e| {
            json!({
                "request": request_json(&e.request),
                "response": {"status": e.status, "headers": pairs_json(&e.headers)},
            })
        })
        .collect();
    json!({
        "version": JSON_VERSION,
        "command": r.command,
        "engine": s.policy.name,
        "request": {
            "origin": s.origin.serialize(),
            "url": s.url.as_str(),
            "method": s.method.as_str(),
            "headers": pairs_json(&headers),
            "mode": s.mode.as_str(),
            "credentials": s.credentials.as_str(),
            "redirect": s.redirect.as_str(),
        },
        "dropped_headers": dropped,
        "decision": a.decision.as_str(),
        "reasons": reasons,
        "first_request": a.first.as_ref().map(request_json),
        "required": {
            "preflight": a.required_preflight,
            "response": a.required_response,
        },
        "exchanges": exchanges,
        "notes": r.notes,
        "verdict": r.verdict.map(|v| verdict_json(v, r.cached_for)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_title_cased() {
        assert_eq!(
            title_case("access-control-allow-origin"),
            "Access-Control-Allow-Origin"
        );
        assert_eq!(title_case("x-token"), "X-Token");
        assert_eq!(title_case("etag"), "Etag");
        assert_eq!(cite("fetch#cors-check step 2"), "Fetch §cors-check step 2");
    }
}
