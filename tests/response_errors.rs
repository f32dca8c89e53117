//! The text of every `NetworkError` variant: `Display`, `spec()` and `fix()`.

use corsgate::error::{Fix, NetworkError, Stage, WildcardIgnored};
use corsgate::request::RedirectMode;

fn s(v: &str) -> String {
    v.to_owned()
}

/// (error, exact Display text). Display = "blocked: " + what + " (Fetch §" + spec + ")" + fix.
fn cases() -> Vec<(NetworkError, &'static str)> {
    use NetworkError::*;
    vec![
        (
            MissingAllowOrigin {
                stage: Stage::Response,
                origin: s("https://app.example"),
            },
            "blocked: the response has no Access-Control-Allow-Origin header (Fetch \
             §concept-cors-check step 2); the server must send: Access-Control-Allow-Origin: \
             https://app.example",
        ),
        (
            MultipleAllowOrigin {
                stage: Stage::Redirect,
                value: b"https://app.example, *".to_vec(),
                origin: s("https://app.example"),
            },
            "blocked: the redirect response has several Access-Control-Allow-Origin values \
             (`https://app.example, *`), but exactly one origin or `*` is allowed (Fetch \
             §concept-cors-check step 4); the server must send: Access-Control-Allow-Origin: \
             https://app.example",
        ),
        (
            AllowOriginMismatch {
                stage: Stage::Preflight,
                got: b"https://App.example".to_vec(),
                expected: s("https://app.example"),
            },
            "blocked: the preflight response's Access-Control-Allow-Origin `https://App.example` \
             is not the request's origin `https://app.example` (compared byte for byte) (Fetch \
             §concept-cors-check step 4); the server must send: Access-Control-Allow-Origin: \
             https://app.example",
        ),
        (
            WildcardOriginWithCredentials {
                stage: Stage::Response,
                origin: s("null"),
            },
            "blocked: the response has Access-Control-Allow-Origin `*`, which does not allow a \
             request whose credentials mode is \"include\" (Fetch §concept-cors-check steps \
             3-4); the server must send: Access-Control-Allow-Origin: null; \
             Access-Control-Allow-Credentials: true",
        ),
        (
            AllowCredentialsNotTrue {
                stage: Stage::Response,
                got: None,
            },
            "blocked: the response has no Access-Control-Allow-Credentials header, which a \
             request whose credentials mode is \"include\" needs (Fetch §concept-cors-check \
             steps 6-8); the server must send: Access-Control-Allow-Credentials: true",
        ),
        (
            AllowCredentialsNotTrue {
                stage: Stage::Preflight,
                got: Some(b"TRUE".to_vec()),
            },
            "blocked: the preflight response's Access-Control-Allow-Credentials is `TRUE`, not \
             exactly `true` (Fetch §concept-cors-check steps 6-8); the server must send: \
             Access-Control-Allow-Credentials: true",
        ),
        (
            PreflightStatusNotOk { status: 404 },
            "blocked: the preflight response has status 404, not an ok status (200-299) (Fetch \
             §cors-preflight-fetch-0 steps 7-8); fix: answer the preflight (OPTIONS) request \
             with a 2xx status, not 404",
        ),
        (
            PreflightRedirect {
                status: 307,
                location: Some(b"https://b.example/".to_vec()),
            },
            "blocked: the preflight response is a redirect (307 to `https://b.example/`), and \
             redirects are not followed for a preflight (Fetch §cors-preflight-fetch-0 steps \
             7-8); fix: answer the preflight (OPTIONS) request at this URL with a 2xx status \
             instead of redirecting",
        ),
        (
            InvalidAllowMethods {
                item: b"Bad value".to_vec(),
                method: s("PUT"),
            },
            "blocked: the preflight response's Access-Control-Allow-Methods item `Bad value` is \
             not a method token (Fetch §cors-preflight-fetch-0 step 7.3); fix: make every item \
             of Access-Control-Allow-Methods a method token, e.g. Access-Control-Allow-Methods: \
             PUT (`Bad value` is not a token)",
        ),
        (
            InvalidAllowHeaders {
                item: b"x y".to_vec(),
                needed: vec![s("x-token")],
            },
            "blocked: the preflight response's Access-Control-Allow-Headers item `x y` is not a \
             header name (Fetch §cors-preflight-fetch-0 step 7.3); fix: make every item of \
             Access-Control-Allow-Headers a header name, e.g. Access-Control-Allow-Headers: \
             x-token (`x y` is not a token)",
        ),
        (
            MethodNotAllowed {
                method: s("PUT"),
                allowed: vec![s("put"), s("*")],
                wildcard: Some(WildcardIgnored::CredentialsInclude),
            },
            "blocked: the preflight response does not allow method `PUT` \
             (Access-Control-Allow-Methods: put, *); methods are compared case-sensitively; `*` \
             is not a wildcard when the request's credentials mode is \"include\" (Fetch \
             §cors-preflight-fetch-0 step 7.5); the server must send: \
             Access-Control-Allow-Methods: put, PUT",
        ),
        (
            HeaderNotAllowed {
                name: s("x-token"),
                missing: vec![s("x-a"), s("x-token")],
                allowed: vec![],
                wildcard: None,
                non_wildcard_name: false,
            },
            "blocked: the preflight response does not allow request header `x-token` \
             (Access-Control-Allow-Headers: none) (Fetch §cors-preflight-fetch-0 step 7.7); the \
             server must send: Access-Control-Allow-Headers: x-a, x-token",
        ),
        (
            HeaderNotAllowed {
                name: s("authorization"),
                missing: vec![s("authorization")],
                allowed: vec![s("*")],
                wildcard: Some(WildcardIgnored::NonWildcardName),
                non_wildcard_name: true,
            },
            "blocked: the preflight response does not allow request header `authorization` \
             (Access-Control-Allow-Headers: *); `*` does not cover Authorization, which must be \
             listed by name (Fetch §cors-preflight-fetch-0 step 7.6); the server must send: \
             Access-Control-Allow-Headers: *, authorization",
        ),
        (
            RedirectLimit,
            "blocked: the redirect limit (20) was reached (Fetch §http-redirect-fetch step 7); \
             fix: redirect at most 20 times",
        ),
        (
            RedirectLocationInvalid {
                location: b"http://[::1".to_vec(),
            },
            "blocked: the redirect's Location `http://[::1` is not a valid URL (Fetch \
             §http-redirect-fetch step 5); fix: send a Location header whose value parses as a \
             URL",
        ),
        (
            RedirectToNonHttpScheme { url: s("data:,x") },
            "blocked: the redirect goes to `data:,x`, whose scheme is not http or https (Fetch \
             §http-redirect-fetch step 6); fix: redirect to an http: or https: URL",
        ),
        (
            RedirectUrlHasCredentials {
                url: s("https://u:p@b.example/"),
            },
            "blocked: the redirect goes to `https://u:p@b.example/`, which includes a username \
             or password (Fetch §http-redirect-fetch steps 9-10); fix: redirect to a URL \
             without a username or password (userinfo)",
        ),
        (
            RedirectBodyNotReplayable { status: 307 },
            "blocked: a 307 redirect would send the request body again, but it cannot be \
             replayed (Fetch §http-redirect-fetch step 11); fix: answer with 303 (or do not \
             redirect): the request body cannot be sent again",
        ),
        (
            RedirectModeError { status: 302 },
            "blocked: the response is a redirect (302) and the request's redirect mode is \
             \"error\" (Fetch §concept-http-fetch step 6.3); fix: serve the resource without a \
             redirect (the request's redirect mode is \"error\")",
        ),
        (
            NoCorsRedirectModeNotFollow {
                redirect_mode: RedirectMode::Manual,
            },
            "blocked: a \"no-cors\" request must use redirect mode \"follow\", not \"manual\" \
             (Fetch §concept-main-fetch step 12)",
        ),
        (
            SameOriginModeCrossOrigin {
                url: s("https://b.example/"),
            },
            "blocked: the request's mode is \"same-origin\" but `https://b.example/` is \
             cross-origin (Fetch §concept-main-fetch step 12)",
        ),
        (
            CorsModeNonHttpScheme {
                url: s("file:///etc/passwd"),
            },
            "blocked: a \"cors\" request cannot fetch `file:///etc/passwd`: its scheme is not \
             http or https (Fetch §concept-main-fetch step 12)",
        ),
        (
            BadPort { port: 25 },
            "blocked: port 25 is a bad port (Fetch §block-bad-port)",
        ),
    ]
}

#[test]
fn every_variant_reads_as_documented() {
    let cases = cases();
    assert_eq!(cases.len(), 23);
    for (e, text) in &cases {
        assert_eq!(e.to_string(), *text, "{e:?}");
        // `rule()` is the text between `blocked: ` and the spec reference.
        let rule = e.rule();
        assert!(
            text.starts_with(&format!("blocked: {rule} (Fetch §")),
            "{rule}"
        );
        let spec = e.spec();
        assert!(spec.starts_with("fetch#"), "{spec}");
        assert!(
            text.contains(&format!("(Fetch §{})", &spec["fetch#".len()..])),
            "{text}"
        );
        match e.fix() {
            Some(Fix::Send(lines)) => {
                assert!(!lines.is_empty());
                for l in &lines {
                    assert!(l.starts_with("Access-Control-Allow-"), "{l}");
                    assert!(text.contains(l.as_str()));
                }
            }
            Some(Fix::Do(what)) => assert!(text.ends_with(&format!("fix: {what}"))),
            None => assert!(!text.contains("fix:") && !text.contains("must send")),
        }
    }
}

#[test]
fn stage_is_recorded_and_replaceable() {
    let e = NetworkError::MissingAllowOrigin {
        stage: Stage::Response,
        origin: s("null"),
    };
    assert_eq!(e.stage(), Some(Stage::Response));
    let p = e.at(Stage::Preflight);
    assert_eq!(p.stage(), Some(Stage::Preflight));
    assert!(p
        .to_string()
        .starts_with("blocked: the preflight response has no"));
    assert_eq!(
        NetworkError::RedirectLimit.at(Stage::Preflight),
        NetworkError::RedirectLimit
    );
    // Every error names its stage (issue 13): a redirect rule is the redirect response's, a
    // preflight rule the preflight's; only main fetch's refusals before sending have none.
    assert_eq!(NetworkError::RedirectLimit.stage(), Some(Stage::Redirect));
    let status = NetworkError::PreflightStatusNotOk { status: 404 };
    assert_eq!(status.stage(), Some(Stage::Preflight));
    assert_eq!(NetworkError::BadPort { port: 25 }.stage(), None);
}

#[test]
fn long_and_binary_values_are_escaped_and_shortened() {
    let got: Vec<u8> = std::iter::repeat_n(0xFFu8, 1 << 20).collect();
    let e = NetworkError::AllowOriginMismatch {
        stage: Stage::Response,
        got,
        expected: s("https://a.example"),
    };
    let text = e.to_string();
    assert!(text.len() < 1_500, "{}", text.len());
    assert!(text.contains("\\xff\\xff") && text.contains("(1048576 bytes)"));
    let allowed: Vec<String> = (0..100).map(|i| format!("m{i}")).collect();
    let e = NetworkError::MethodNotAllowed {
        method: s("PUT"),
        allowed,
        wildcard: None,
    };
    assert!(e.to_string().contains("m15, … (100 in all)"));
}

/// A `Fix::Send` line is the header's whole value: a server that replaces its line with it
/// passes the preflight at once, keeping what it allowed before (Fetch §cors-preflight-fetch-0
/// steps 7.5–7.7).
#[test]
fn a_fix_replaces_the_line_and_passes_in_one_step() {
    use corsgate::policy::Policy;
    use corsgate::preflight::{validate_preflight_response, PreflightFor};
    use corsgate::request::CredentialsMode::{self, *};
    use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

    /// (credentials, method, request header names, ACAM, ACAH, the fix line expected)
    type Case = (
        CredentialsMode,
        &'static str,
        &'static [&'static str],
        &'static str,
        &'static str,
        &'static str,
    );
    let cases: [Case; 6] = [
        // `*` covers x-a but not Authorization: keep `*`, add the name.
        (
            Omit,
            "GET",
            &["authorization", "x-a"],
            "",
            "*",
            "Access-Control-Allow-Headers: *, authorization",
        ),
        // With credentials `*` is no wildcard: drop it, list the names, keep the others.
        (
            Include,
            "GET",
            &["x-a", "x-b"],
            "",
            "*, x-c",
            "Access-Control-Allow-Headers: x-c, x-a, x-b",
        ),
        (
            SameOrigin,
            "GET",
            &["x-b"],
            "",
            "x-a",
            "Access-Control-Allow-Headers: x-a, x-b",
        ),
        (
            Omit,
            "PUT",
            &[],
            "GET, POST",
            "",
            "Access-Control-Allow-Methods: GET, POST, PUT",
        ),
        (
            Include,
            "PATCH",
            &[],
            "*",
            "",
            "Access-Control-Allow-Methods: PATCH",
        ),
        (
            Omit,
            "DELETE",
            &[],
            "delete",
            "",
            "Access-Control-Allow-Methods: delete, DELETE",
        ),
    ];
    for (credentials, method, names, acam, acah, want) in cases {
        let names: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
        let unsafe_names: Vec<String> = names
            .iter()
            .map(|n| String::from_utf8(n.to_vec()).unwrap())
            .collect();
        let request = PreflightFor {
            origin: b"https://app.example",
            method: method.as_bytes(),
            header_names: &names,
            unsafe_names: &unsafe_names,
            credentials,
            use_cors_preflight: false,
            cors_check: true,
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            "access-control-allow-origin",
            HeaderValue::from_static("https://app.example"),
        );
        headers.insert(
            "access-control-allow-credentials",
            HeaderValue::from_static("true"),
        );
        for (name, value) in [
            ("access-control-allow-methods", acam),
            ("access-control-allow-headers", acah),
        ] {
            if !value.is_empty() {
                headers.insert(name, HeaderValue::from_str(value).unwrap());
            }
        }
        let policy = Policy::spec();
        let error =
            validate_preflight_response(StatusCode::NO_CONTENT, &headers, &request, &policy)
                .expect_err(want);
        let Some(Fix::Send(lines)) = error.fix() else {
            panic!("{error}")
        };
        assert_eq!(lines, [want], "{error}");
        let (name, value) = want.split_once(": ").unwrap();
        headers.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
        let passed =
            validate_preflight_response(StatusCode::NO_CONTENT, &headers, &request, &policy);
        assert!(passed.is_ok(), "{want}: {passed:?}");
    }
}

/// A fix line built from a hostile list is whole in `fix()` and shortened in `Display`.
#[test]
fn huge_fix_lines_are_shortened_in_display_only() {
    let allowed: Vec<String> = (0..20_000).map(|i| format!("x-h{i}")).collect();
    let e = NetworkError::HeaderNotAllowed {
        name: s("x-token"),
        missing: vec![s("x-token")],
        allowed,
        wildcard: None,
        non_wildcard_name: false,
    };
    let Some(Fix::Send(lines)) = e.fix() else {
        panic!()
    };
    assert!(lines[0].len() > 100_000 && lines[0].ends_with(", x-token"));
    assert!(e.to_string().len() < 2_000);
}
