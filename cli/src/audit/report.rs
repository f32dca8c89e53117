//! The audit's report: text grouped by severity, or one JSON object (`--json`, README).

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::judge::{Finding, Severity};
use super::Audit;
use crate::render::title_case;

fn evidence(a: &Audit, f: &Finding) -> Value {
    let s = &a.sent[f.sent];
    let (status, headers) = match &s.result {
        Ok(head) => (json!(head.status), head.cors_lines()),
        Err(_) => (Value::Null, Vec::new()),
    };
    json!({
        "probe": s.shape.describe(),
        "request": {
            "kind": match s.request.kind {
                corsgate::fetch::RequestKind::Preflight => "preflight",
                corsgate::fetch::RequestKind::Actual => "actual",
            },
            "method": s.request.method,
            "url": s.request.url,
            "headers": s.request.headers,
        },
        "response": {"status": status, "headers": headers},
        "outcome": f.summary,
    })
}

/// The report as one JSON value.
pub fn json(a: &Audit) -> Value {
    let findings: Vec<Value> = a
        .findings
        .iter()
        .map(|f| {
            json!({
                "class": f.class,
                "severity": f.severity.as_str(),
                "origin": f.origin,
                "credentials": f.credentials,
                "engines": f.engines,
                "evidence": evidence(a, f),
                "fix": f.fix,
            })
        })
        .collect();
    json!({
        "version": crate::render::JSON_VERSION,
        "command": "audit",
        "url": a.target.url.as_str(),
        "origin": a.probes[0].serialized(),
        "probes": a.probes.iter().map(|p| p.serialized()).collect::<Vec<_>>(),
        "requests": {"planned": a.planned, "sent": a.sent.len()},
        "findings": findings,
        "notes": a.notes,
    })
}

/// The report as text: findings grouped by severity, most severe first, each with the probe that
/// showed it.
pub fn text(a: &Audit) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "audit of {} for origin {}\n  {} probe origins, {} of {} requests sent; judged under \
         spec, chromium, firefox and webkit",
        a.target.url,
        a.probes[0].serialized(),
        a.probes.len(),
        a.sent.len(),
        a.planned
    );
    for severity in [
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ] {
        let group: Vec<&Finding> = a
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} ({}):", severity.as_str(), group.len());
        for f in group {
            let credentials = if f.credentials {
                "with credentials"
            } else {
                "without credentials"
            };
            let _ = writeln!(
                out,
                "  {} from {} ({credentials}; engines: {})",
                f.class,
                f.origin,
                f.engines.join(", ")
            );
            let _ = writeln!(out, "    {}", f.summary);
            let s = &a.sent[f.sent];
            let origin = s
                .request
                .headers
                .iter()
                .find(|(n, _)| n == "origin")
                .map_or("", |(_, v)| v.as_str());
            let _ = writeln!(
                out,
                "    probe: {} {} with Origin: {origin} ({})",
                s.request.method,
                s.request.url,
                s.shape.describe()
            );
            for (n, v) in &s.request.headers {
                if n.starts_with("access-control-request-") {
                    let _ = writeln!(out, "      {}: {v}", title_case(n));
                }
            }
            if let Ok(head) = &s.result {
                let _ = writeln!(out, "    < {}", head.status);
                for (n, v) in head.cors_lines() {
                    let _ = writeln!(out, "      {}: {v}", title_case(&n));
                }
            }
            let _ = writeln!(out, "    fix:");
            for line in &f.fix {
                let _ = writeln!(out, "      {line}");
            }
        }
    }
    for note in &a.notes {
        let _ = writeln!(out, "\nnote: {note}");
    }
    let count = |s: Severity| a.findings.iter().filter(|f| f.severity == s).count();
    let _ = writeln!(
        out,
        "\nsummary: {} high, {} medium, {} low, {} info",
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        count(Severity::Info)
    );
    out
}
