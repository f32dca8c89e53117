//! What a server must send for a CORS request to pass: the smallest set of header lines for the
//! preflight response (Fetch §cors-preflight-fetch-0 step 7) and for the actual response (Fetch
//! §concept-cors-check).
//!
//! Nothing here restates a rule. Each answer is found by running the crate's own check on an empty
//! response, adding the header lines its [`NetworkError::fix`] names, and running it again until it
//! passes: every line present is one a rule asked for, and its value is the one the rule compares
//! against (the request's serialized origin, its method, its CORS-unsafe header names). `*` is
//! never suggested: an exact value works whatever the credentials mode.

use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use crate::check::cors_check;
use crate::error::{Fix, NetworkError};
use crate::policy::Policy;
use crate::preflight::{validate_preflight_response, PreflightFor};
use crate::request::CredentialsMode;

/// More fixes than any check can ask for in a row (origin, credentials, methods, headers); a
/// bound so that a check that never passes cannot loop.
const MAX_ROUNDS: usize = 8;

/// The header lines (`Name: value`, as [`Fix::Send`] writes them) that make `check` pass on an
/// otherwise empty header list, in the order the check asked for them.
///
/// Returns the check's error when a fix is not a header line ([`Fix::Do`]), when there is none
/// (the request itself is at fault), when a line is not a valid header, or when the check still
/// fails after the lines it asked for.
///
/// ```
/// use corsgate::requirements::satisfy;
/// use corsgate::request::CredentialsMode;
/// let lines = satisfy(|h| corsgate::check::cors_check(h, b"https://app.example", CredentialsMode::Include));
/// assert_eq!(lines.unwrap(), [
///     "Access-Control-Allow-Origin: https://app.example",
///     "Access-Control-Allow-Credentials: true",
/// ]);
/// ```
pub fn satisfy(
    check: impl Fn(&HeaderMap) -> Result<(), NetworkError>,
) -> Result<Vec<String>, NetworkError> {
    let mut headers = HeaderMap::new();
    let mut lines: Vec<String> = Vec::new();
    let mut last = None;
    for _ in 0..MAX_ROUNDS {
        let error = match check(&headers) {
            Ok(()) => return Ok(lines),
            Err(error) => error,
        };
        // The same failure after its own fix was applied: the fix does not help.
        if last.as_ref() == Some(&error) {
            return Err(error);
        }
        let Some(Fix::Send(new)) = error.fix() else {
            return Err(error);
        };
        for line in new {
            let Some((name, value)) = parse_line(&line) else {
                return Err(error);
            };
            // A later fix for a header already sent replaces its line.
            lines.retain(|l| parse_line(l).is_none_or(|(n, _)| n != name));
            headers.insert(name, value);
            lines.push(line);
        }
        last = Some(error);
    }
    match last {
        Some(error) => Err(error),
        None => Ok(lines),
    }
}

/// `Name: value` → a header name and value.
fn parse_line(line: &str) -> Option<(HeaderName, HeaderValue)> {
    let (name, value) = line.split_once(':')?;
    let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
    let value = HeaderValue::from_bytes(crate::header::normalize(value.as_bytes())).ok()?;
    Some((name, value))
}

/// Fetch §cors-preflight-fetch-0 step 7: the header lines a preflight response with an ok status
/// (200–299, e.g. `204 No Content`) must carry for `request` to pass under `policy`:
/// `Access-Control-Allow-Origin`, then as needed `Access-Control-Allow-Credentials`,
/// `Access-Control-Allow-Methods` and `Access-Control-Allow-Headers`.
///
/// ```
/// use corsgate::policy::Policy;
/// use corsgate::preflight::PreflightFor;
/// use corsgate::request::CredentialsMode;
/// use corsgate::requirements::preflight_response;
/// let unsafe_names = vec!["content-type".to_string(), "x-token".to_string()];
/// let request = PreflightFor {
///     origin: b"https://app.example",
///     method: b"PUT",
///     header_names: &[b"content-type", b"x-token"],
///     unsafe_names: &unsafe_names,
///     credentials: CredentialsMode::SameOrigin,
///     use_cors_preflight: false,
///     cors_check: true,
/// };
/// assert_eq!(preflight_response(&request, &Policy::spec()).unwrap(), [
///     "Access-Control-Allow-Origin: https://app.example",
///     "Access-Control-Allow-Methods: PUT",
///     "Access-Control-Allow-Headers: content-type, x-token",
/// ]);
/// ```
pub fn preflight_response<N: AsRef<str>>(
    request: &PreflightFor<'_, N>,
    policy: &Policy,
) -> Result<Vec<String>, NetworkError> {
    satisfy(|headers| {
        validate_preflight_response(StatusCode::NO_CONTENT, headers, request, policy).map(|_| ())
    })
}

/// Fetch §concept-cors-check: the header lines the actual response (and every redirect response
/// of a CORS request) must carry for a request with this byte-serialized origin and credentials
/// mode: `Access-Control-Allow-Origin`, and `Access-Control-Allow-Credentials: true` when the
/// credentials mode is "include".
///
/// ```
/// use corsgate::request::CredentialsMode;
/// let lines = corsgate::requirements::actual_response(b"null", CredentialsMode::Omit).unwrap();
/// assert_eq!(lines, ["Access-Control-Allow-Origin: null"]);
/// ```
pub fn actual_response(
    origin: &[u8],
    credentials: CredentialsMode,
) -> Result<Vec<String>, NetworkError> {
    satisfy(|headers| cors_check(headers, origin, credentials))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Stage;

    fn request<'a>(
        method: &'a [u8],
        names: &'a [&'a [u8]],
        unsafe_names: &'a [String],
        credentials: CredentialsMode,
    ) -> PreflightFor<'a> {
        PreflightFor {
            origin: b"https://app.example",
            method,
            header_names: names,
            unsafe_names,
            credentials,
            use_cors_preflight: false,
            cors_check: true,
        }
    }

    fn map(lines: &[String]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for l in lines {
            let (n, v) = parse_line(l).unwrap();
            h.append(n, v);
        }
        h
    }

    /// Every answer passes, and is minimal: without any one of its lines the check fails.
    #[test]
    fn preflight_answers_pass_and_are_minimal() {
        let policies = [
            Policy::spec(),
            Policy::chromium(),
            Policy::firefox(),
            Policy::webkit(),
        ];
        let cases: [(&[u8], &[&[u8]]); 5] = [
            (b"PUT", &[]),
            (b"GET", &[b"x-token"]),
            (b"DELETE", &[b"authorization", b"x-b", b"x-a"]),
            (b"POST", &[b"content-type"]),
            (b"patch", &[b"x-a"]),
        ];
        let mut checked = 0;
        for policy in &policies {
            for (method, names) in cases {
                let unsafe_names: Vec<String> = names
                    .iter()
                    .map(|n| String::from_utf8(n.to_vec()).unwrap())
                    .collect();
                for credentials in [CredentialsMode::SameOrigin, CredentialsMode::Include] {
                    let req = request(method, names, &unsafe_names, credentials);
                    let lines = preflight_response(&req, policy).unwrap();
                    let ok = |lines: &[String]| {
                        validate_preflight_response(StatusCode::OK, &map(lines), &req, policy)
                            .is_ok()
                    };
                    assert!(ok(&lines), "{lines:?}");
                    for i in 0..lines.len() {
                        let mut fewer = lines.clone();
                        fewer.remove(i);
                        assert!(!ok(&fewer), "{:?} is not needed in {lines:?}", lines[i]);
                    }
                    let include = credentials == CredentialsMode::Include;
                    assert_eq!(
                        lines.contains(&"Access-Control-Allow-Credentials: true".to_owned()),
                        include
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 40);
    }

    #[test]
    fn preflight_lines_name_the_method_and_every_unsafe_header() {
        let names = vec!["authorization".to_owned(), "x-a".to_owned()];
        let req = request(
            b"DELETE",
            &[b"x-a", b"authorization"],
            &names,
            CredentialsMode::Include,
        );
        assert_eq!(
            preflight_response(&req, &Policy::spec()).unwrap(),
            [
                "Access-Control-Allow-Origin: https://app.example",
                "Access-Control-Allow-Credentials: true",
                "Access-Control-Allow-Methods: DELETE",
                "Access-Control-Allow-Headers: authorization, x-a",
            ]
        );
        // A safelisted method needs no Access-Control-Allow-Methods.
        let req = request(b"POST", &[], &[], CredentialsMode::Omit);
        assert_eq!(
            preflight_response(&req, &Policy::spec()).unwrap(),
            ["Access-Control-Allow-Origin: https://app.example"]
        );
    }

    #[test]
    fn actual_response_lines() {
        assert_eq!(
            actual_response(b"https://app.example", CredentialsMode::SameOrigin).unwrap(),
            ["Access-Control-Allow-Origin: https://app.example"]
        );
        assert_eq!(
            actual_response(b"https://app.example", CredentialsMode::Include).unwrap(),
            [
                "Access-Control-Allow-Origin: https://app.example",
                "Access-Control-Allow-Credentials: true"
            ]
        );
    }

    #[test]
    fn a_check_no_header_fixes_is_returned_as_its_error() {
        let e = NetworkError::PreflightStatusNotOk { status: 500 };
        assert_eq!(satisfy(|_| Err(e.clone())), Err(e));
        // A fix that does not help is reported, not looped on.
        let stuck = NetworkError::MissingAllowOrigin {
            stage: Stage::Response,
            origin: "https://app.example".into(),
        };
        assert_eq!(satisfy(|_| Err(stuck.clone())), Err(stuck));
        // A fix whose line is not a header (an origin that is not a header value).
        let bad = NetworkError::MissingAllowOrigin {
            stage: Stage::Response,
            origin: "a\nb".into(),
        };
        assert_eq!(satisfy(|_| Err(bad.clone())), Err(bad));
        assert_eq!(satisfy(|_| Ok(())), Ok(Vec::new()));
    }
}
