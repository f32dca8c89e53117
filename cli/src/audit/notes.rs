//! Notes `check` adds from the exchanges it made: what a blocking error status usually means,
//! and what `audit` would look at in an answer that allowed the request. They never change the
//! verdict (the machine's).

use corsgate::{CredentialsMode, NetworkError};

use crate::model::{Exchange, Setup, Verdict};

fn get<'a>(e: &'a Exchange, name: &str) -> Option<&'a str> {
    e.headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn cors_free(e: &Exchange) -> bool {
    !e.headers
        .iter()
        .any(|(n, _)| n.starts_with("access-control-"))
}

/// The usual cause of an error status that came back without CORS headers.
fn status_cause(status: u16, preflight: bool) -> String {
    let what = if preflight {
        "OPTIONS (the preflight)"
    } else {
        "this method"
    };
    let cause = match status {
        404 => format!("no route answers {what} at this URL"),
        405 => format!("the route does not take {what}"),
        401 | 403 => {
            if preflight {
                "the server demands authentication before CORS, but a preflight never carries \
                 credentials: answer OPTIONS without requiring them"
                    .to_owned()
            } else {
                "the server refused the request (authentication or authorization)".to_owned()
            }
        }
        500..=599 => "the server failed".to_owned(),
        _ => "the server answered with an error".to_owned(),
    };
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map_or(String::new(), |r| format!(" {r}"));
    format!(
        "the {} is {status}{reason} and has no Access-Control-* header: {cause}; and the error \
         path adds no CORS headers (a framework's 404/405 handler that runs outside the CORS \
         middleware, or nginx `add_header` without `always`, which applies to 2xx and 3xx \
         statuses only). The browser reports this as a CORS error; fix the status, or send the \
         CORS headers on errors too",
        if preflight {
            "preflight response"
        } else {
            "response"
        }
    )
}

/// The notes for `check`'s exchanges and verdict.
pub fn check_notes(setup: &Setup, exchanges: &[Exchange], verdict: &Verdict) -> Vec<String> {
    let mut notes = Vec::new();
    let Some(last) = exchanges.last() else {
        return notes;
    };
    let preflight = last.request.kind == corsgate::fetch::RequestKind::Preflight;
    if let Verdict::Blocked { error, .. } = verdict {
        let status_related = matches!(
            error.error(),
            NetworkError::MissingAllowOrigin { .. } | NetworkError::PreflightStatusNotOk { .. }
        );
        if status_related && last.status >= 400 && cors_free(last) {
            notes.push(status_cause(last.status, preflight));
        }
    }
    if let Verdict::Allowed { .. } = verdict {
        let origin = exchanges
            .iter()
            .find_map(|e| {
                e.request
                    .headers
                    .iter()
                    .find(|(n, _)| n == "origin")
                    .map(|(_, v)| v.clone())
            })
            .unwrap_or_default();
        let credentialed = setup.credentials == CredentialsMode::Include
            && exchanges.iter().any(|e| e.request.credentials);
        let names_origin = |e: &Exchange| get(e, "access-control-allow-origin") == Some(&origin);
        let varies = |e: &Exchange| {
            get(e, "vary").is_some_and(|v| {
                v.split(',')
                    .any(|i| i.trim().eq_ignore_ascii_case("origin") || i.trim() == "*")
            })
        };
        if let Some(e) = exchanges
            .iter()
            .find(|e| e.request.kind == corsgate::fetch::RequestKind::Actual)
        {
            if names_origin(e) && !varies(e) {
                notes.push(
                    "the response names the request's origin in Access-Control-Allow-Origin but \
                     has no `Vary: Origin`: if the server answers other origins differently, a \
                     shared cache can serve this answer to them (audit: missing-vary-origin)"
                        .to_owned(),
                );
            }
        }
        if credentialed && exchanges.iter().any(names_origin) {
            if origin == "null" {
                notes.push(
                    "the origin `null` is allowed with credentials: any site can get it (a \
                     sandboxed iframe), so any site reads this with the user's cookies (audit: \
                     null-origin)"
                        .to_owned(),
                );
            }
            let echoed = exchanges.iter().any(|e| {
                e.request.kind == corsgate::fetch::RequestKind::Preflight
                    && names_origin(e)
                    && [
                        (
                            "access-control-request-method",
                            "access-control-allow-methods",
                        ),
                        (
                            "access-control-request-headers",
                            "access-control-allow-headers",
                        ),
                    ]
                    .iter()
                    .all(|(request, allow)| {
                        let asked = e
                            .request
                            .headers
                            .iter()
                            .find(|(n, _)| n == request)
                            .map(|(_, v)| v.as_str());
                        asked.is_some() && get(e, allow) == asked
                    })
            });
            if echoed {
                notes.push(
                    "the preflight answer repeats the request's origin, method and headers byte \
                     for byte, as a server that echoes them does (audit: \
                     reflected-origin-credentials, preflight-reflects-request)"
                        .to_owned(),
                );
            }
            notes.push(format!(
                "{origin} is allowed with credentials: `corsgate audit {} --origin {origin}` \
                 checks that other origins are not (a reflected origin lets any site read this \
                 with the user's cookies)",
                setup.url
            ));
        }
    }
    notes
}
