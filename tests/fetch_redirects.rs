//! `tests/data/redirects.json` (181 web-platform-tests vectors: `fetch/api/cors/cors-redirect*`,
//! `cors-preflight-redirect`, `cors-redirect-preflight`, `cors/redirect-origin.htm`,
//! `cors/redirect-userinfo.htm`, `cors/redirect-preflight*.htm`; provenance in
//! `tests/data/SOURCES.json`) driven through the state machine (`UserAgent::start`, `poll`,
//! `handle_response`) under the `spec` policy, one fresh user agent per vector.
//!
//! How the vectors are read (where the format leaves a choice, the choice and its ground):
//!
//! - **Hops are visited in order.** The k-th actual request is answered by the k-th hop, and its
//!   URL must equal that hop's URL (both parsed by the URL parser, so `http://:@host/` is
//!   `http://host/`). Matching by position, not by looking the URL up, is needed because
//!   `cors/redirect-preflight.htm` redirects `cors-makeheader.py` to itself (WPT tells the two
//!   apart by query parameters the vector leaves out).
//! - **A preflight** (an `OPTIONS` request, Fetch §cors-preflight-fetch-0) goes to the hop whose
//!   actual request comes next, and is answered by that hop's `preflight_response` (its status,
//!   its `headers`, and a `Location` when it has `location`). A hop without one is answered as the
//!   server script the vector's `note` names answers `OPTIONS`: `fetch/api/resources/preflight.py`
//!   sends `Access-Control-Allow-Origin: *` plus its `allow_headers`, `allow_methods` and
//!   `max_age` query parameters as headers, status 200. Only the five "Redirection 30x after
//!   preflight failed" vectors reach such a hop (their second hop, `preflight.py` without query).
//! - **A hop without `response_headers`** is a `fetch/api/resources/redirect.py` answer, built as
//!   the note says: `Access-Control-Allow-Origin` = the request's `Origin` header plus
//!   `Access-Control-Allow-Credentials: true` when the request has an `Origin` header, otherwise
//!   `Access-Control-Allow-Origin: *`. A `null` header value in `response_headers` means the
//!   header is absent (the `cors/redirect-origin.htm` note).
//! - **`location`** is the `Location` header value verbatim: redirect.py appends the original query
//!   to it, and the vectors already hold the result (it equals the next hop's URL).
//! - **`expect`**: `succeeds` is whether the fetch ends in a response (not a network error);
//!   `preflight` whether any preflight was sent; `preflight_at_final_hop` whether one was sent to
//!   the last hop; `origin_header_at_final_hop` the `Origin` header of the actual request to the
//!   last hop (Fetch §append-a-request-origin-header; `null` after a tainting redirect,
//!   §serializing-a-request-origin); `status` the final response's status. A vector that
//!   succeeds must have used every hop.
//!
//! The five "Redirection 30x after preflight failed" vectors (`cors-preflight-redirect.any.js`)
//! carry the note "preflight OK, actual response is a redirect", written when CORS forbade
//! redirects after a preflight. Fetch now follows them (§http-fetch step 6.3 "follow" →
//! §http-redirect-fetch, then main fetch again at the new URL, which preflights again: step 12,
//! §http-fetch step 4.1); the `cors/redirect-preflight.htm` vectors here ("Should allow redirect
//! 30x after succesful (200) preflight") expect exactly that. These five still fail under Fetch,
//! for another reason: the second hop's preflight (to `preflight.py` with no `allow_headers`)
//! does not list `x-force-preflight` (§cors-preflight-fetch-0 step 7.7). The test asserts that
//! reason, so a machine that failed on the redirect itself would not pass them.

use std::time::{Duration, Instant};

use corsgate::{
    Action, CredentialsMode, FetchRequest, Mode, NetworkError, Origin, Policy, RedirectMode,
    RequestKind, UserAgent,
};
use http::{HeaderName, HeaderValue, Method};
use serde_json::Value;
use url::Url;

mod common;
use common::{load, response, string_pairs as header_list};

/// What one vector's run showed.
#[derive(Debug, Default)]
struct Run {
    outcome: Option<Result<u16, NetworkError>>,
    /// Preflights sent, by hop index.
    preflights_at: Vec<usize>,
    /// Actual requests sent (hops used).
    actual_requests: usize,
    /// The `Origin` header of the actual request to each hop used.
    origin_headers: Vec<Option<String>>,
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap_or_else(|e| panic!("hop URL {s}: {e}"))
}

/// `[[name, value], …]` with `null` values meaning "absent".
fn script_name(hop_url: &Url) -> &str {
    hop_url.path().rsplit('/').next().unwrap_or("")
}

/// `fetch/api/resources/preflight.py` answering `OPTIONS` (the vectors' note).
fn preflight_py_options(hop_url: &Url) -> Vec<(String, String)> {
    let mut headers = vec![("Access-Control-Allow-Origin".to_owned(), "*".to_owned())];
    for (k, v) in hop_url.query_pairs() {
        let name = match k.as_ref() {
            "allow_headers" => "Access-Control-Allow-Headers",
            "allow_methods" => "Access-Control-Allow-Methods",
            "max_age" => "Access-Control-Max-Age",
            _ => continue,
        };
        headers.push((name.to_owned(), v.into_owned()));
    }
    headers
}

/// The answer to a preflight sent to `hop`.
fn preflight_answer(hop: &Value, name: &str) -> http::Response<()> {
    let hop_url = url(hop["url"].as_str().unwrap());
    match hop.get("preflight_response") {
        Some(p) => {
            let mut headers = header_list(&p["headers"]);
            if let Some(location) = p["location"].as_str() {
                headers.push(("Location".to_owned(), location.to_owned()));
            }
            response(p["status"].as_u64().unwrap() as u16, &headers)
        }
        None => {
            assert_eq!(
                script_name(&hop_url),
                "preflight.py",
                "{name}: a preflight reached a hop without preflight_response whose server the note does not describe"
            );
            response(200, &preflight_py_options(&hop_url))
        }
    }
}

/// The answer to the actual request `request` sent to `hop`.
fn actual_answer(hop: &Value, request: &corsgate::WireRequest, name: &str) -> http::Response<()> {
    let hop_url = url(hop["url"].as_str().unwrap());
    let mut headers = match hop.get("response_headers") {
        Some(list) => header_list(list),
        None => {
            assert_eq!(
                script_name(&hop_url),
                "redirect.py",
                "{name}: a hop without response_headers whose server the note does not describe"
            );
            match request.headers().get("origin") {
                Some(origin) => vec![
                    (
                        "Access-Control-Allow-Origin".to_owned(),
                        origin.to_str().unwrap().to_owned(),
                    ),
                    (
                        "Access-Control-Allow-Credentials".to_owned(),
                        "true".to_owned(),
                    ),
                ],
                None => vec![("Access-Control-Allow-Origin".to_owned(), "*".to_owned())],
            }
        }
    };
    if let Some(location) = hop["location"].as_str() {
        headers.push(("Location".to_owned(), location.to_owned()));
    }
    response(hop["status"].as_u64().unwrap() as u16, &headers)
}

fn build_request(v: &Value) -> FetchRequest {
    let r = &v["request"];
    let page = Origin::parse_header(r["origin"].as_str().unwrap().as_bytes()).unwrap();
    let first = url(v["hops"][0]["url"].as_str().unwrap());
    let mut req = FetchRequest::new(page, first)
        .method(Method::from_bytes(r["method"].as_str().unwrap().as_bytes()).unwrap())
        .mode(r["mode"].as_str().unwrap().parse::<Mode>().unwrap())
        .redirect(
            r["redirect"]
                .as_str()
                .unwrap()
                .parse::<RedirectMode>()
                .unwrap(),
        )
        .credentials(
            r["credentials_mode"]
                .as_str()
                .unwrap()
                .parse::<CredentialsMode>()
                .unwrap(),
        );
    for (n, value) in header_list(&r["headers"]) {
        req = req.header(
            HeaderName::from_bytes(n.as_bytes()).unwrap(),
            HeaderValue::from_str(&value).unwrap(),
        );
    }
    req
}

/// Drives one vector through a fresh user agent under `policy`.
fn run(v: &Value, policy: &Policy) -> Run {
    let name = v["test"].as_str().unwrap();
    let hops = v["hops"].as_array().unwrap();
    let mut ua = UserAgent::new(policy.clone());
    let mut now = Instant::now();
    let mut fetch = ua
        .start(now, build_request(v))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut out = Run::default();
    // A fetch makes at most 21 actual requests and one preflight before each.
    for _ in 0..64 {
        let sent = match fetch.poll() {
            Action::Send(sent) => sent,
            Action::AwaitResponse => panic!("{name}: every request is answered at once"),
            Action::Done(outcome) => {
                out.outcome = Some(
                    outcome
                        .map(|r| r.status)
                        .map_err(corsgate::Blocked::into_error),
                );
                return out;
            }
        };
        // The hop this request goes to: the next one not yet used (see the module doc).
        let k = out.actual_requests;
        let hop = hops
            .get(k)
            .unwrap_or_else(|| panic!("{name}: request {k} to {} has no hop", fetch.current_url()));
        let hop_url = url(hop["url"].as_str().unwrap());
        assert_eq!(fetch.current_url(), &hop_url, "{name}: hop {k}");
        assert_eq!(
            sent.request.uri(),
            &corsgate::request::request_target(&hop_url),
            "{name}: hop {k}: request target"
        );
        let head = match sent.kind {
            RequestKind::Preflight => {
                assert_eq!(sent.request.method(), Method::OPTIONS);
                out.preflights_at.push(k);
                preflight_answer(hop, name)
            }
            RequestKind::Actual => {
                out.actual_requests += 1;
                let origin = sent.request.headers().get("origin");
                out.origin_headers
                    .push(origin.map(|o| o.to_str().unwrap().to_owned()));
                actual_answer(hop, &sent.request, name)
            }
        };
        fetch
            .handle_response(&mut ua, now, head)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        now += Duration::from_millis(1);
    }
    panic!("{name}: the fetch did not finish in 64 steps");
}

/// Compares a run with the vector's `expect`; `Err` lists every mismatch.
fn check(v: &Value, run: &Run) -> Result<(), String> {
    let expect = &v["expect"];
    let last = v["hops"].as_array().unwrap().len() - 1;
    let mut problems = Vec::new();
    let outcome = run.outcome.as_ref().expect("finished");
    let succeeded = outcome.is_ok();
    if let Some(want) = expect.get("succeeds") {
        if want.as_bool() != Some(succeeded) {
            problems.push(format!("succeeds: want {want}, got {outcome:?}"));
        }
    }
    if succeeded && run.actual_requests != last + 1 {
        problems.push(format!(
            "succeeded after {} of {} hops",
            run.actual_requests,
            last + 1
        ));
    }
    if let Some(want) = expect.get("preflight") {
        let got = !run.preflights_at.is_empty();
        if want.as_bool() != Some(got) {
            problems.push(format!(
                "preflight: want {want}, got {:?}",
                run.preflights_at
            ));
        }
    }
    if let Some(want) = expect.get("preflight_at_final_hop") {
        let got = run.preflights_at.contains(&last);
        if want.as_bool() != Some(got) {
            problems.push(format!(
                "preflight_at_final_hop: want {want}, got {:?}",
                run.preflights_at
            ));
        }
    }
    if let Some(want) = expect.get("origin_header_at_final_hop") {
        let got = run.origin_headers.get(last).cloned().flatten();
        if want.as_str() != got.as_deref() {
            problems.push(format!(
                "origin_header_at_final_hop: want {want}, got {got:?}"
            ));
        }
    }
    if let Some(want) = expect.get("status") {
        let got = outcome.as_ref().ok().copied();
        if want.as_u64() != got.map(u64::from) {
            problems.push(format!("status: want {want}, got {got:?}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Vectors the spec preset must disagree with, and why (also in `spec-notes/fetch.md`). Each
/// listed vector must fail, so the list breaks as soon as one starts to agree.
const SPEC_DIVERGENCES: &[(&str, &str)] = &[];

/// The `expect` keys, in the order [`run_all`] counts them.
const KEYS: [&str; 5] = [
    "succeeds",
    "preflight",
    "preflight_at_final_hop",
    "origin_header_at_final_hop",
    "status",
];

/// Runs every vector; returns (vectors, expected divergences seen, vectors asserting each of
/// [`KEYS`]).
fn run_all(policy: &Policy, divergent: &[(&str, &str)]) -> (usize, usize, [usize; 5]) {
    let vectors = load("redirects.json");
    let mut problems = Vec::new();
    let mut diverged = 0;
    let mut keys = [0; 5];
    for v in &vectors {
        for (count, key) in keys.iter_mut().zip(KEYS) {
            *count += usize::from(v["expect"].get(key).is_some());
        }
        if let Some(other) = v["expect"]
            .as_object()
            .unwrap()
            .keys()
            .find(|k| !KEYS.contains(&k.as_str()))
        {
            problems.push(format!("{}: unknown expect key {other}", v["test"]));
        }
        let name = v["test"].as_str().unwrap();
        let result = check(v, &run(v, policy));
        let listed = divergent.iter().any(|(n, _)| *n == name);
        match (result, listed) {
            (Ok(()), false) => {}
            (Err(_), true) => diverged += 1,
            (Ok(()), true) => problems.push(format!("{name}: listed as a divergence but agrees")),
            (Err(e), false) => problems.push(format!("{name}: {e}")),
        }
    }
    assert!(
        problems.is_empty(),
        "{}: {} of {} vectors disagree:\n{}",
        policy.name,
        problems.len(),
        vectors.len(),
        problems.join("\n")
    );
    (vectors.len(), diverged, keys)
}

/// What every full run asserts: 181 vectors, each `expect` key as often as the file states it.
const COUNTS: [usize; 5] = [181, 20, 16, 38, 5];

#[test]
fn redirect_vectors_spec() {
    assert_eq!(run_all(&Policy::spec(), SPEC_DIVERGENCES), (181, 0, COUNTS));
}

/// The "Redirection 30x after preflight failed" vectors fail because the second hop's preflight
/// does not allow `x-force-preflight`, after the redirect was followed (see the module doc).
#[test]
fn after_preflight_redirects_fail_at_the_second_preflight() {
    let vectors = load("redirects.json");
    let mut seen = 0;
    for v in vectors.iter().filter(|v| {
        let t = v["test"].as_str().unwrap();
        t.starts_with("Redirection ") && t.ends_with(" after preflight failed")
    }) {
        let run = run(v, &Policy::spec());
        assert_eq!(run.preflights_at, [0, 1], "{}", v["test"]);
        assert_eq!(run.actual_requests, 1, "{}", v["test"]);
        match run.outcome {
            Some(Err(NetworkError::HeaderNotAllowed { .. })) => {}
            other => panic!("{}: {other:?}", v["test"]),
        }
        seen += 1;
    }
    assert_eq!(seen, 5);
}

/// The engine presets read these vectors alike: none of their differences from Fetch (sticky
/// preflights, Firefox's untainted preflight origin, Chromium's userinfo rule, …) changes a
/// WPT outcome here, as the engines pass these tests.
#[test]
fn redirect_vectors_engines() {
    for policy in [Policy::chromium(), Policy::firefox(), Policy::webkit()] {
        assert_eq!(run_all(&policy, &[]), (181, 0, COUNTS), "{}", policy.name);
    }
}
