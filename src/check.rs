//! Fetch §concept-cors-check: does a response allow the request's origin to read it?
//!
//! Header values are taken as received and normalized (leading and trailing HTTP whitespace
//! removed, Fetch §concept-header-value-normalize), as an HTTP parser does; several
//! `Access-Control-Allow-Origin` lines combine into one value `a, b` (Fetch
//! §concept-header-list-get), which never matches.

use http::header::{ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN};
use http::HeaderMap;

use crate::error::{NetworkError, Stage};
use crate::header;
use crate::request::CredentialsMode;

/// Fetch §concept-cors-check on a final response ([`Stage::Response`]).
///
/// `origin` is the byte-serialized request origin (Fetch §byte-serializing-a-request-origin):
/// `null` for an opaque origin or a tainted request.
///
/// ```
/// use corsgate::check::cors_check;
/// use corsgate::request::CredentialsMode;
/// use http::{HeaderMap, HeaderValue};
/// let mut h = HeaderMap::new();
/// h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
/// assert!(cors_check(&h, b"https://app.example", CredentialsMode::SameOrigin).is_ok());
/// assert!(cors_check(&h, b"https://app.example", CredentialsMode::Include).is_err());
/// ```
pub fn cors_check(
    headers: &HeaderMap,
    origin: &[u8],
    credentials: CredentialsMode,
) -> Result<(), NetworkError> {
    cors_check_at(Stage::Response, headers, origin, credentials)
}

/// Fetch §concept-cors-check at a given [`Stage`] (a preflight, a redirect or the final response);
/// errors record the stage.
pub fn cors_check_at(
    stage: Stage,
    headers: &HeaderMap,
    origin: &[u8],
    credentials: CredentialsMode,
) -> Result<(), NetworkError> {
    // Step 1: "get" `Access-Control-Allow-Origin` (every line, combined).
    let allow_origin = header::get_ref(headers, ACCESS_CONTROL_ALLOW_ORIGIN);
    // Step 6 reads `Access-Control-Allow-Credentials` the same way; it is only used if reached.
    let allow_credentials = header::get_ref(headers, ACCESS_CONTROL_ALLOW_CREDENTIALS);
    cors_check_values(
        stage,
        allow_origin.as_deref(),
        allow_credentials.as_deref(),
        origin,
        credentials,
    )
}

/// Fetch §concept-cors-check on the combined ("get") values of `Access-Control-Allow-Origin` and
/// `Access-Control-Allow-Credentials` (`None` = header absent), for values an
/// [`http::HeaderValue`] cannot hold (e.g. 0x0B, 0x0C) or a caller's own header store.
///
/// ```
/// use corsgate::check::cors_check_values;
/// use corsgate::error::{NetworkError, Stage};
/// use corsgate::request::CredentialsMode;
/// let r = cors_check_values(Stage::Preflight, Some(b" https://a.example "), None, b"https://a.example", CredentialsMode::Omit);
/// assert_eq!(r, Ok(()));
/// let r = cors_check_values(Stage::Preflight, None, None, b"https://a.example", CredentialsMode::Omit);
/// assert!(matches!(r, Err(NetworkError::MissingAllowOrigin { stage: Stage::Preflight, .. })));
/// ```
pub fn cors_check_values(
    stage: Stage,
    allow_origin: Option<&[u8]>,
    allow_credentials: Option<&[u8]>,
    origin: &[u8],
    credentials: CredentialsMode,
) -> Result<(), NetworkError> {
    let mut failures =
        cors_check_failures(stage, allow_origin, allow_credentials, origin, credentials);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.swap_remove(0))
    }
}

/// Fetch §concept-cors-check, judging every rule: the failure the algorithm returns first, then
/// the credentials rule (steps 6–8) when the origin rule (steps 2–4) failed too, so that one fix
/// covers both. Empty when the check passes.
///
/// ```
/// use corsgate::check::cors_check_failures;
/// use corsgate::error::{NetworkError, Stage};
/// use corsgate::request::CredentialsMode;
/// let f = cors_check_failures(Stage::Response, None, None, b"https://a.example", CredentialsMode::Include);
/// assert!(matches!(f[..], [NetworkError::MissingAllowOrigin { .. }, NetworkError::AllowCredentialsNotTrue { got: None, .. }]));
/// ```
pub fn cors_check_failures(
    stage: Stage,
    allow_origin: Option<&[u8]>,
    allow_credentials: Option<&[u8]>,
    origin: &[u8],
    credentials: CredentialsMode,
) -> Vec<NetworkError> {
    let origin_string = || String::from_utf8_lossy(origin).into_owned();
    let include = credentials == CredentialsMode::Include;
    let mut failures = Vec::new();

    // Steps 6–8 (judged on their own): `Access-Control-Allow-Credentials` must be exactly `true`.
    let credentials_failure = || match allow_credentials.map(header::normalize) {
        Some(b"true") => None,
        got => Some(NetworkError::AllowCredentialsNotTrue {
            stage,
            got: got.map(<[u8]>::to_vec),
        }),
    };

    // Step 2: if origin is null (absent), return failure. Null is not `null`.
    let Some(allow_origin) = allow_origin else {
        failures.push(NetworkError::MissingAllowOrigin {
            stage,
            origin: origin_string(),
        });
        // (Steps 6–8 would fail as well.)
        failures.extend(include.then(credentials_failure).flatten());
        return failures;
    };
    let allow_origin = header::normalize(allow_origin);

    // Step 3: credentials mode not "include" and origin is `*` → success.
    if !include && allow_origin == b"*" {
        return failures;
    }

    // Step 4: the byte-serialized request origin must be origin, byte for byte.
    if allow_origin != origin {
        failures.push(if allow_origin == b"*" {
            NetworkError::WildcardOriginWithCredentials {
                stage,
                origin: origin_string(),
            }
        } else if allow_origin
            .iter()
            .any(|&b| b == b',' || header::is_http_tab_or_space(b))
        {
            // A serialized origin never holds a comma, space or tab: this is a list of values
            // (two header lines combine as `a, b`).
            NetworkError::MultipleAllowOrigin {
                stage,
                value: allow_origin.to_vec(),
                origin: origin_string(),
            }
        } else {
            NetworkError::AllowOriginMismatch {
                stage,
                got: allow_origin.to_vec(),
                expected: origin_string(),
            }
        });
    }

    // Step 5: credentials mode not "include" → success.
    if !include {
        return failures;
    }

    // Steps 6–8: `Access-Control-Allow-Credentials` must be exactly `true`.
    failures.extend(credentials_failure());
    failures
}

/// [`cors_check_at`], judging every rule ([`cors_check_failures`]); empty when it passes.
pub fn cors_check_all(
    stage: Stage,
    headers: &HeaderMap,
    origin: &[u8],
    credentials: CredentialsMode,
) -> Vec<NetworkError> {
    let allow_origin = header::get_ref(headers, ACCESS_CONTROL_ALLOW_ORIGIN);
    let allow_credentials = header::get_ref(headers, ACCESS_CONTROL_ALLOW_CREDENTIALS);
    cors_check_failures(
        stage,
        allow_origin.as_deref(),
        allow_credentials.as_deref(),
        origin,
        credentials,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_in_order() {
        let o = b"https://a.example";
        let inc = CredentialsMode::Include;
        let omit = CredentialsMode::Omit;
        let r = Stage::Response;
        assert_eq!(cors_check_values(r, Some(b"*"), None, o, omit), Ok(()));
        assert!(matches!(
            cors_check_values(r, Some(b"*"), Some(b"true"), o, inc),
            Err(NetworkError::WildcardOriginWithCredentials { .. })
        ));
        assert_eq!(cors_check_values(r, Some(o), Some(b"true"), o, inc), Ok(()));
        assert_eq!(
            cors_check_values(r, Some(o), Some(b"True"), o, inc),
            Err(NetworkError::AllowCredentialsNotTrue {
                stage: r,
                got: Some(b"True".to_vec())
            })
        );
        assert_eq!(
            cors_check_values(r, Some(o), None, o, inc),
            Err(NetworkError::AllowCredentialsNotTrue {
                stage: r,
                got: None
            })
        );
        assert!(matches!(
            cors_check_values(r, Some(b"https://a.example, *"), None, o, omit),
            Err(NetworkError::MultipleAllowOrigin { .. })
        ));
        assert!(matches!(
            cors_check_values(r, Some(b""), None, o, omit),
            Err(NetworkError::AllowOriginMismatch { .. })
        ));
    }
}
