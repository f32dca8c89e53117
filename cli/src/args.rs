//! The command line: `clap` definitions and the parsers of each value, which turn bad input into
//! one-line messages.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use corsgate::{CredentialsMode, Mode, Origin, Policy, RedirectMode};
use http::{HeaderName, HeaderValue, Method};
use url::Url;

/// Explain, check and replay cross-origin requests exactly as a browser's CORS rules decide them.
#[derive(Debug, Parser)]
#[command(name = "corsgate", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Offline: the decision (same-origin, no-cors, simple, preflight) and why, the preflight
    /// request, what the server must send; with response heads, the verdict.
    Explain(ExplainArgs),
    /// Live: send the preflight and the request to a server and report the verdict.
    Check(CheckArgs),
    /// Replay scenarios (JSON Lines, tests/data/conformance/FORMAT.md) under one engine.
    Replay(ReplayArgs),
    /// Live: what the server's CORS policy lets an attacker's page do, from origins derived from
    /// the one the API serves, judged by each engine's rules.
    Audit(AuditArgs),
}

/// What describes the request, for `explain` and `check`.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The page's origin (`https://app.example`), a page URL, or `null`.
    #[arg(long, value_name = "ORIGIN", value_parser = parse_origin)]
    pub origin: Origin,
    /// The method, as script passes it to fetch().
    #[arg(short = 'X', long = "method", value_name = "METHOD", default_value = "GET", value_parser = parse_method)]
    pub method: Method,
    /// A request header `Name: value` (repeatable), as script sets it.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", value_parser = parse_header)]
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The request's credentials mode: omit, same-origin or include.
    #[arg(long, value_name = "MODE", default_value = "same-origin", value_parser = parse_credentials)]
    pub credentials: CredentialsMode,
    /// The request's mode: cors, no-cors or same-origin.
    #[arg(long, value_name = "MODE", default_value = "cors", value_parser = parse_mode)]
    pub mode: Mode,
    /// The request's redirect mode: follow, error or manual.
    #[arg(long, value_name = "MODE", default_value = "follow", value_parser = parse_redirect)]
    pub redirect: RedirectMode,
    /// Whose rules: spec (the Fetch Standard), chromium, firefox or webkit.
    #[arg(long, value_name = "NAME", default_value = "spec", value_parser = parse_engine)]
    pub engine: Policy,
    /// Print one JSON object (fields documented in the README) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The URL, given as the first operand or as `--url` (every command takes it both ways).
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct UrlArg {
    /// The URL (absolute).
    #[arg(value_name = "URL", value_parser = parse_url)]
    pub operand: Option<Url>,
    /// The URL (absolute), as an option.
    #[arg(long = "url", value_name = "URL", value_parser = parse_url)]
    pub option: Option<Url>,
}

impl std::ops::Deref for UrlArg {
    type Target = Url;

    fn deref(&self) -> &Url {
        // The group is required and takes one: clap refuses a command line with neither.
        self.operand
            .as_ref()
            .or(self.option.as_ref())
            .expect("clap requires URL or --url")
    }
}

impl std::fmt::Display for UrlArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&**self, f)
    }
}

/// `corsgate explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The URL script fetches.
    #[command(flatten)]
    pub url: UrlArg,
    /// The request.
    #[command(flatten)]
    pub request: RequestArgs,
    /// A file holding the preflight's raw response head (`-`: standard input).
    #[arg(long, value_name = "FILE")]
    pub preflight_response: Option<PathBuf>,
    /// A file holding the actual response's raw head (`-`: standard input).
    #[arg(long, value_name = "FILE")]
    pub response: Option<PathBuf>,
}

/// `corsgate check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The URL to fetch (http: or https:).
    #[command(flatten)]
    pub url: UrlArg,
    /// The request.
    #[command(flatten)]
    pub request: RequestArgs,
    /// Give up on a request after this many seconds.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_timeout)]
    pub timeout: Duration,
    /// Give up on the whole check (preflight, redirects, retries) after this many seconds.
    #[arg(long, value_name = "SECS", default_value = "60", value_parser = parse_timeout)]
    pub max_time: Duration,
}

/// `corsgate audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The URL to audit (http: or https:); no other host is ever contacted.
    #[command(flatten)]
    pub url: UrlArg,
    /// The origin the API is meant to serve (`https://app.example`); attacker origins derive from it.
    #[arg(long, value_name = "APP", value_parser = parse_origin)]
    pub origin: Origin,
    /// The method the front end uses (only its preflight is sent when it needs one).
    #[arg(short = 'X', long = "method", value_name = "METHOD", default_value = "GET", value_parser = parse_method)]
    pub method: Method,
    /// A request header `Name: value` the front end sets (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", value_parser = parse_header)]
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// include: judge attacker pages with and without credentials; omit or same-origin: the API
    /// takes no cookies or HTTP authentication, judge without.
    #[arg(long, value_name = "MODE", default_value = "include", value_parser = parse_credentials)]
    pub credentials: CredentialsMode,
    /// Print one JSON object (fields documented in the README) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Stop sending after this many seconds in all (the findings then cover what was sent).
    #[arg(long, value_name = "SECS", default_value = "60", value_parser = parse_timeout)]
    pub max_time: Duration,
    /// At most this many requests a second (`N/s` or `N`).
    #[arg(long, value_name = "N/s", default_value = "10/s", value_parser = parse_rate)]
    pub rate: f64,
    /// Give up on one request after this many seconds.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_timeout)]
    pub timeout: Duration,
}

/// `corsgate replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Whose rules: spec, chromium, firefox or webkit.
    #[arg(long, value_name = "NAME", default_value = "spec", value_parser = parse_engine)]
    pub engine: Policy,
    /// The scenarios (JSON Lines); `-` or nothing: standard input.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// `--origin`: a serialized origin (`https://app.example`, `null`) or a URL whose origin is taken.
pub fn parse_origin(s: &str) -> Result<Origin, String> {
    if let Ok(origin) = Origin::parse_header(s.as_bytes()) {
        return Ok(origin);
    }
    match Url::parse(s) {
        Ok(url) => Ok(Origin::of_url(&url)),
        Err(e) => Err(format!(
            "not an origin or URL ({e}); expected e.g. https://app.example or null"
        )),
    }
}

/// A URL (absolute).
pub fn parse_url(s: &str) -> Result<Url, String> {
    Url::parse(s).map_err(|e| {
        format!("not an absolute URL ({e}); expected e.g. https://api.example/v1/items")
    })
}

/// `-X`: a method token (fetch() normalizes and judges it later).
pub fn parse_method(s: &str) -> Result<Method, String> {
    if !corsgate::header::is_token(s.as_bytes()) {
        return Err("a method is a token: letters, digits and !#$%&'*+-.^_`|~".to_owned());
    }
    Method::from_bytes(s.as_bytes()).map_err(|e| e.to_string())
}

/// `-H 'Name: value'`: the name is a token; the value loses its leading and trailing whitespace
/// (as `Headers` normalizes it).
pub fn parse_header(s: &str) -> Result<(HeaderName, HeaderValue), String> {
    let Some((name, value)) = s.split_once(':') else {
        return Err("expected `Name: value` (no colon found)".to_owned());
    };
    if name.is_empty() {
        return Err("expected `Name: value` (the name is empty)".to_owned());
    }
    if !corsgate::header::is_token(name.as_bytes()) {
        return Err(format!(
            "`{}` is not a header name (a token: letters, digits and !#$%&'*+-.^_`|~)",
            name.escape_debug()
        ));
    }
    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?;
    let value = corsgate::header::normalize(value.as_bytes());
    corsgate::header::check_header_value(value).map_err(|e| format!("bad value: {e}"))?;
    let value = HeaderValue::from_bytes(value)
        .map_err(|_| "the value holds a control byte a header value cannot hold".to_owned())?;
    Ok((name, value))
}

fn keyword<T: std::str::FromStr<Err = corsgate::request::KeywordError>>(
    s: &str,
) -> Result<T, String> {
    s.parse::<T>().map_err(|e| {
        format!(
            "expected one of: {}",
            e.expected.split_whitespace().collect::<Vec<_>>().join(", ")
        )
    })
}

/// `--credentials`.
pub fn parse_credentials(s: &str) -> Result<CredentialsMode, String> {
    keyword(s)
}

/// `--mode`.
pub fn parse_mode(s: &str) -> Result<Mode, String> {
    keyword(s)
}

/// `--redirect`.
pub fn parse_redirect(s: &str) -> Result<RedirectMode, String> {
    keyword(s)
}

/// `--engine`: a policy preset.
pub fn parse_engine(s: &str) -> Result<Policy, String> {
    Policy::by_name(s).ok_or_else(|| {
        format!(
            "unknown engine; expected one of: {}",
            Policy::NAMES.join(", ")
        )
    })
}

/// `--timeout`: seconds, more than 0 and at most a day.
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    match s.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs <= 86_400.0 => Ok(Duration::from_secs_f64(secs)),
        _ => Err("expected a number of seconds, more than 0 and at most 86400".to_owned()),
    }
}

/// `--rate`: requests a second, `N/s` or `N`, more than 0 and at most 1000.
pub fn parse_rate(s: &str) -> Result<f64, String> {
    let n = s.strip_suffix("/s").unwrap_or(s);
    match n.parse::<f64>() {
        Ok(n) if n > 0.0 && n <= 1000.0 => Ok(n),
        _ => Err("expected requests a second, e.g. 10/s (more than 0, at most 1000)".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        let (n, v) = parse_header("Content-Type:  application/json ").unwrap();
        assert_eq!(
            (n.as_str(), v.to_str().unwrap()),
            ("content-type", "application/json")
        );
        let (n, v) = parse_header("X-Empty:").unwrap();
        assert_eq!((n.as_str(), v.as_bytes()), ("x-empty", &b""[..]));
        // A colon in the value is kept.
        let (_, v) = parse_header("Origin-Ish: https://a.example:8443").unwrap();
        assert_eq!(v, "https://a.example:8443");
        for bad in [
            "NoColon",
            ": v",
            "X Y: 1",
            "X-A : 1",
            "Bad(Name): 1",
            "X: a\u{0}b",
        ] {
            assert!(parse_header(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn origins() {
        assert_eq!(
            parse_origin("https://app.example").unwrap().serialize(),
            "https://app.example"
        );
        assert_eq!(
            parse_origin("https://app.example:443/page?x")
                .unwrap()
                .serialize(),
            "https://app.example"
        );
        assert!(parse_origin("null").unwrap().is_opaque());
        assert!(parse_origin("app.example").is_err());
        assert!(parse_origin("").is_err());
    }

    #[test]
    fn keywords_engines_timeouts_methods() {
        assert_eq!(parse_credentials("include"), Ok(CredentialsMode::Include));
        assert_eq!(
            parse_credentials("all").unwrap_err(),
            "expected one of: omit, same-origin, include"
        );
        assert_eq!(parse_mode("no-cors"), Ok(Mode::NoCors));
        assert_eq!(parse_redirect("manual"), Ok(RedirectMode::Manual));
        assert_eq!(parse_engine("firefox").unwrap().name, "firefox");
        assert!(parse_engine("edge")
            .unwrap_err()
            .ends_with("spec, chromium, firefox, webkit"));
        assert_eq!(parse_timeout("1.5"), Ok(Duration::from_millis(1500)));
        for bad in ["0", "-1", "NaN", "inf", "x", "1e9"] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_rate("2.5/s"), Ok(2.5));
        assert_eq!(parse_rate("10"), Ok(10.0));
        for bad in ["0/s", "-1", "x/s", "1/m", "2000/s", "NaN"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_method("patch").unwrap().as_str(), "patch");
        assert!(parse_method("GE T").is_err());
        assert!(parse_method("").is_err());
    }
}
