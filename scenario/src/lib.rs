//! Scenarios as JSON Lines (`tests/data/conformance/FORMAT.md`), converted by hand to and from
//! the core's plain [`corsgate::replay`] types. The core knows no JSON; this crate is the only
//! place that reads or writes the format (the `corsgate replay` command and the JavaScript
//! bindings both use it).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use corsgate::replay::{FetchInit, Route, Run, RunResult, Scenario, SecFetch, SeenRequest};
use serde_json::{json, Map, Value};

/// Why a line is not a scenario: the JSON path of the offending field and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// Where: a JSON path such as `fetch.headers[2]`.
    pub path: String,
    /// What was expected there.
    pub expected: &'static str,
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "expected {}", self.expected)
        } else {
            write!(f, "`{}`: expected {}", self.path, self.expected)
        }
    }
}

impl std::error::Error for FormatError {}

fn err(path: &str, expected: &'static str) -> FormatError {
    FormatError {
        path: path.to_owned(),
        expected,
    }
}

fn field<'a>(obj: &'a Map<String, Value>, path: &str, key: &str) -> Result<&'a Value, FormatError> {
    obj.get(key)
        .ok_or_else(|| err(&join(path, key), "a value (field missing)"))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn string(v: &Value, path: &str) -> Result<String, FormatError> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| err(path, "a string"))
}

fn opt_string(v: Option<&Value>, path: &str) -> Result<Option<String>, FormatError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(v) => string(v, path).map(Some),
    }
}

fn pairs(v: &Value, path: &str) -> Result<Vec<(String, String)>, FormatError> {
    let list = v
        .as_array()
        .ok_or_else(|| err(path, "a list of [name, value] pairs"))?;
    list.iter()
        .enumerate()
        .map(|(i, pair)| {
            let p = format!("{path}[{i}]");
            match pair.as_array().map(Vec::as_slice) {
                Some([n, v]) => Ok((string(n, &p)?, string(v, &p)?)),
                _ => Err(err(&p, "a [name, value] pair of strings")),
            }
        })
        .collect()
}

fn keyword<T: std::str::FromStr>(
    obj: &Map<String, Value>,
    path: &str,
    key: &str,
    default: T,
    expected: &'static str,
) -> Result<T, FormatError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => v
            .as_str()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| err(&join(path, key), expected)),
    }
}

/// Parses one JSON value (a line of the corpus) into a scenario; `observed` is ignored.
pub fn scenario_from_json(v: &Value) -> Result<Scenario, FormatError> {
    let obj = v.as_object().ok_or_else(|| err("", "a JSON object"))?;
    let id = string(field(obj, "", "id")?, "id")?;
    let document = string(field(obj, "", "document")?, "document")?;
    let f = field(obj, "", "fetch")?
        .as_object()
        .ok_or_else(|| err("fetch", "an object"))?;
    let fetch = FetchInit {
        url: string(field(f, "fetch", "url")?, "fetch.url")?,
        method: opt_string(f.get("method"), "fetch.method")?.unwrap_or_else(|| "GET".to_owned()),
        headers: match f.get("headers") {
            None | Some(Value::Null) => Vec::new(),
            Some(h) => pairs(h, "fetch.headers")?,
        },
        mode: keyword(
            f,
            "fetch",
            "mode",
            Default::default(),
            "cors, no-cors or same-origin",
        )?,
        credentials: keyword(
            f,
            "fetch",
            "credentials",
            Default::default(),
            "omit, same-origin or include",
        )?,
        redirect: keyword(
            f,
            "fetch",
            "redirect",
            Default::default(),
            "follow, error or manual",
        )?,
        body: opt_string(f.get("body"), "fetch.body")?,
    };
    let repeat = match obj.get("repeat") {
        None | Some(Value::Null) => 1,
        Some(r) => {
            r.as_u64()
                .filter(|&r| (1..=100).contains(&r))
                .ok_or_else(|| err("repeat", "a whole number from 1 to 100"))? as u32
        }
    };
    let routes = field(obj, "", "routes")?
        .as_array()
        .ok_or_else(|| err("routes", "a list"))?
        .iter()
        .enumerate()
        .map(|(i, r)| route_from_json(r, &format!("routes[{i}]")))
        .collect::<Result<_, _>>()?;
    // FORMAT.md: a replay writes the `sec_fetch_*` fields whenever the recorded requests have
    // them. A scenario written by `scenario_to_json` (no observations) says so in a field of its
    // own, `fetch_metadata`.
    let explicit = match obj.get("fetch_metadata") {
        None => false,
        Some(v) => v
            .as_bool()
            .ok_or_else(|| err("fetch_metadata", "true or false"))?,
    };
    let fetch_metadata = explicit
        || obj
            .get("observed")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|o| o.values())
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(|run| run.get("requests").and_then(Value::as_array))
            .flatten()
            .any(|q| q.get("sec_fetch_site").is_some());
    Ok(Scenario {
        id,
        document,
        fetch,
        repeat,
        routes,
        fetch_metadata,
    })
}

fn route_from_json(v: &Value, path: &str) -> Result<Route, FormatError> {
    let r = v.as_object().ok_or_else(|| err(path, "an object"))?;
    Ok(Route {
        method: opt_string(r.get("method"), &join(path, "method"))?.unwrap_or_else(|| "*".into()),
        url: string(field(r, path, "url")?, &join(path, "url"))?,
        status: field(r, path, "status")?
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .filter(|s| (100..=999).contains(s))
            .ok_or_else(|| err(&join(path, "status"), "an HTTP status from 100 to 999"))?,
        headers: match r.get("headers") {
            None | Some(Value::Null) => Vec::new(),
            Some(h) => pairs(h, &join(path, "headers"))?,
        },
        body: opt_string(r.get("body"), &join(path, "body"))?,
    })
}

/// A scenario as FORMAT.md writes it, every field explicit (without `note` and `observed`):
/// [`scenario_from_json`] gives back an equal scenario.
pub fn scenario_to_json(s: &Scenario) -> Value {
    let routes: Vec<Value> = s
        .routes
        .iter()
        .map(|r| {
            json!({
                "method": r.method, "url": r.url, "status": r.status, "headers": r.headers,
                "body": r.body,
            })
        })
        .collect();
    let mut v = json!({
        "id": s.id,
        "document": s.document,
        "fetch": {
            "url": s.fetch.url, "method": s.fetch.method, "headers": s.fetch.headers,
            "mode": s.fetch.mode.as_str(), "credentials": s.fetch.credentials.as_str(),
            "redirect": s.fetch.redirect.as_str(), "body": s.fetch.body,
        },
        "repeat": s.repeat,
        "routes": routes,
    });
    if s.fetch_metadata {
        v["fetch_metadata"] = Value::Bool(true);
    }
    v
}

/// A run as FORMAT.md writes it.
pub fn run_to_json(run: &Run) -> Value {
    let requests: Vec<Value> = run.requests.iter().map(request_to_json).collect();
    let result = match &run.result {
        RunResult::Failed => json!({"ok": false}),
        RunResult::Response {
            kind,
            status,
            redirected,
            url,
            headers,
        } => json!({
            "ok": true, "type": kind, "status": status, "redirected": redirected,
            "url": url, "headers": headers,
        }),
    };
    json!({"requests": requests, "result": result})
}

fn request_to_json(r: &SeenRequest) -> Value {
    let mut v = json!({
        "method": r.method, "url": r.url, "origin": r.origin, "acrm": r.acrm, "acrh": r.acrh,
    });
    if let (Some(m), Some(obj)) = (&r.sec_fetch, v.as_object_mut()) {
        obj.insert("sec_fetch_site".to_owned(), json!(m.site));
        obj.insert("sec_fetch_mode".to_owned(), json!(m.mode));
        obj.insert("sec_fetch_dest".to_owned(), json!(m.dest));
    }
    v
}

/// Parses a recorded run (an element of `observed.ENGINE`).
pub fn run_from_json(v: &Value, path: &str) -> Result<Run, FormatError> {
    let obj = v.as_object().ok_or_else(|| err(path, "an object"))?;
    let requests = field(obj, path, "requests")?
        .as_array()
        .ok_or_else(|| err(&join(path, "requests"), "a list"))?
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let p = format!("{path}.requests[{i}]");
            let q = q.as_object().ok_or_else(|| err(&p, "an object"))?;
            Ok(SeenRequest {
                method: string(field(q, &p, "method")?, &join(&p, "method"))?,
                url: string(field(q, &p, "url")?, &join(&p, "url"))?,
                origin: opt_string(q.get("origin"), &join(&p, "origin"))?,
                acrm: opt_string(q.get("acrm"), &join(&p, "acrm"))?,
                acrh: opt_string(q.get("acrh"), &join(&p, "acrh"))?,
                sec_fetch: if ["sec_fetch_site", "sec_fetch_mode", "sec_fetch_dest"]
                    .iter()
                    .any(|k| q.contains_key(*k))
                {
                    Some(SecFetch {
                        site: opt_string(q.get("sec_fetch_site"), &join(&p, "sec_fetch_site"))?,
                        mode: opt_string(q.get("sec_fetch_mode"), &join(&p, "sec_fetch_mode"))?,
                        dest: opt_string(q.get("sec_fetch_dest"), &join(&p, "sec_fetch_dest"))?,
                    })
                } else {
                    None
                },
            })
        })
        .collect::<Result<_, FormatError>>()?;
    let rp = join(path, "result");
    let r = field(obj, path, "result")?
        .as_object()
        .ok_or_else(|| err(&rp, "an object"))?;
    let result = if r.get("ok").and_then(Value::as_bool) == Some(true) {
        RunResult::Response {
            kind: string(field(r, &rp, "type")?, &join(&rp, "type"))?,
            status: field(r, &rp, "status")?
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .ok_or_else(|| err(&join(&rp, "status"), "a status"))?,
            redirected: field(r, &rp, "redirected")?
                .as_bool()
                .ok_or_else(|| err(&join(&rp, "redirected"), "a boolean"))?,
            url: string(field(r, &rp, "url")?, &join(&rp, "url"))?,
            headers: field(r, &rp, "headers")?
                .as_array()
                .ok_or_else(|| err(&join(&rp, "headers"), "a list"))?
                .iter()
                .map(|h| string(h, &join(&rp, "headers")))
                .collect::<Result<_, _>>()?,
        }
    } else {
        RunResult::Failed
    };
    Ok(Run { requests, result })
}

/// The scenario line written back with `observed` holding only `engine`'s runs.
pub fn with_observed(original: &Value, engine: &str, runs: &[Run]) -> Value {
    let mut out = original.clone();
    if let Some(obj) = out.as_object_mut() {
        let mut observed = Map::new();
        observed.insert(
            engine.to_owned(),
            Value::Array(runs.iter().map(run_to_json).collect()),
        );
        obj.insert("observed".to_owned(), Value::Object(observed));
    }
    out
}

/// The most bytes of runs one line's replay may write: before replaying, a line whose URLs,
/// origin and request headers could, repeated in every request of every run, exceed it is refused
/// ([`replay_output_bound`]), so that one line cannot make a replay's memory grow without bound.
pub const MAX_LINE_OUTPUT: usize = 8 * 1024 * 1024;

/// An upper bound of the bytes `scenario`'s runs can take: every run makes at most
/// [`corsgate::replay::MAX_REQUESTS_PER_RUN`] requests, each with a URL (the fetch's, a route's, or
/// a `Location` resolved against one; percent-encoding makes a character at most 9 bytes, a
/// Latin-1 character of a `Location`, 2 bytes in the line, becomes `%EF%BF%BD`), the method twice
/// (as itself and as `Access-Control-Request-Method`), an `Origin` (from `document`) and an
/// `Access-Control-Request-Headers` (the fetch's header names); the result lists at most the
/// routes' header names.
pub fn replay_output_bound(scenario: &corsgate::replay::Scenario) -> usize {
    // A URL is the fetch's or a route's, or a `Location` resolved against one (at most the two
    // together).
    let longest_location = (scenario.routes.iter())
        .flat_map(|r| r.headers.iter())
        .filter(|(n, _)| n.eq_ignore_ascii_case("location"))
        .map(|(_, v)| v.len())
        .max()
        .unwrap_or(0);
    let longest_url = (scenario.routes.iter())
        .map(|r| r.url.len())
        .chain([scenario.fetch.url.len()])
        .max()
        .unwrap_or(0)
        + longest_location;
    let names: usize = scenario
        .fetch
        .headers
        .iter()
        .map(|(n, _)| n.len() + 1)
        .sum();
    let exposed: usize = (scenario.routes.iter())
        .flat_map(|r| r.headers.iter().map(|(n, _)| n.len() + 3))
        .sum();
    let per_request = 5 * longest_url
        + 5 * scenario.document.len()
        + 2 * scenario.fetch.method.len()
        + names
        + 128;
    let per_run = corsgate::replay::MAX_REQUESTS_PER_RUN.saturating_mul(per_request)
        + 5 * longest_url
        + exposed
        + 128;
    (scenario.repeat.max(1) as usize).saturating_mul(per_run)
}

/// One line of the corpus replayed under `policy` from `start` (the simulated clock's first
/// reading), written back with `observed` holding only `engine`'s runs; or why the line is not a
/// replayable scenario.
pub fn replay_line(
    line: &[u8],
    policy: &corsgate::Policy,
    engine: &str,
    start: corsgate::time::Instant,
) -> Result<String, String> {
    let value: Value = serde_json::from_slice(line).map_err(|e| format!("not valid JSON: {e}"))?;
    let scenario = scenario_from_json(&value).map_err(|e| format!("not a scenario: {e}"))?;
    let bound = replay_output_bound(&scenario);
    if bound > MAX_LINE_OUTPUT {
        return Err(format!(
            "scenario `{}` cannot be replayed: its runs could take {bound} bytes ({} runs of up \
             to {} requests with its longest URL), more than the {MAX_LINE_OUTPUT} one line may",
            scenario.id,
            scenario.repeat,
            corsgate::replay::MAX_REQUESTS_PER_RUN
        ));
    }
    let runs = corsgate::replay::replay(&scenario, policy, start)
        .map_err(|e| format!("scenario `{}` cannot be replayed: {e}", scenario.id))?;
    let out = with_observed(&value, engine, &runs);
    serde_json::to_string(&out).map_err(|e| e.to_string())
}
