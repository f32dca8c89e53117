//! Origins: URL Standard §concept-url-origin (WPT urltestdata origins), Fetch
//! §append-a-request-origin-header (WPT request-headers / cors-redirect), HTML §same-origin,
//! §same-origin-domain, §same-site, §schemelessly-same-site, and the strict `Origin` parser.

use corsgate::origin::{
    is_potentially_trustworthy_url, redirect_taint, registrable_domain, request_origin_header,
    Origin, OriginHeaderError, RedirectTaint, ReferrerPolicy,
};
use corsgate::request::{Mode, ResponseTainting};
use serde_json::Value;
use url::{Host, Url};

fn load(name: &str) -> Vec<Value> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(items)) => items,
        other => panic!("{path}: expected a JSON array, got {other:?}"),
    }
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn header(s: &str) -> Origin {
    Origin::parse_header(s.as_bytes()).unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// What a URL vector expects.
#[derive(Debug, PartialEq)]
enum Expect {
    /// The URL parses and its origin serializes to this.
    Origin(String),
    /// The URL parser fails.
    Failure,
    /// The URL parses; its origin is not asserted by the vector.
    Parses,
}

/// Outcome of one URL vector: `Ok(())` if it matched, else a description of the mismatch.
fn run_url_vector(input: &str, base: &Value, expect: &Expect) -> Result<(), String> {
    let base = match base {
        Value::Null => None,
        Value::String(b) => Some(Url::parse(b).map_err(|e| format!("base {b:?}: {e}"))?),
        other => return Err(format!("bad base {other:?}")),
    };
    let parsed = Url::options().base_url(base.as_ref()).parse(input);
    let got = match &parsed {
        Ok(u) => Some(Origin::of_url(u).serialize()),
        Err(_) => None,
    };
    let ok = match expect {
        Expect::Origin(want) => got.as_deref() == Some(want.as_str()),
        Expect::Failure => got.is_none(),
        Expect::Parses => got.is_some(),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("input {input:?}: expected {expect:?}, got {got:?}"))
    }
}

fn expectation(v: &Value) -> Expect {
    if v["failure"].as_bool() == Some(true) {
        Expect::Failure
    } else if let Some(o) = v["origin"].as_str() {
        Expect::Origin(o.to_owned())
    } else {
        Expect::Parses
    }
}

/// Runs URL vectors; `divergent` lists (input, reason) pairs that must FAIL (the `url` crate is
/// behind the standard there). Returns (vectors run, divergences seen).
fn run_url_file(name: &str, divergent: &[(&str, &str)]) -> (usize, usize) {
    let mut run = 0;
    let mut diverged = 0;
    let mut problems = Vec::new();
    for v in load(name) {
        let input = match (&v["input"], &v["input_utf16"]) {
            (Value::String(s), _) => s.clone(),
            // WebIDL USVString conversion: lone surrogates become U+FFFD.
            (_, Value::Array(units)) => {
                let units: Vec<u16> = units
                    .iter()
                    .map(|u| u.as_u64().and_then(|u| u16::try_from(u).ok()).unwrap())
                    .collect();
                String::from_utf16_lossy(&units)
            }
            other => panic!("{name}: vector without input: {other:?}"),
        };
        let outcome = run_url_vector(&input, &v["base"], &expectation(&v));
        let known = divergent.iter().find(|(i, _)| *i == input);
        match (outcome, known) {
            (Ok(()), None) => {}
            (Err(_), Some(_)) => diverged += 1,
            (Ok(()), Some((_, reason))) => problems.push(format!(
                "{name}: {input:?} now passes; remove it from the expected divergences ({reason})"
            )),
            (Err(e), None) => problems.push(format!("{name}: {e}")),
        }
        run += 1;
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    (run, diverged)
}

#[test]
fn url_origins_wpt() {
    assert_eq!(run_url_file("url-origins.json", &[]), (666, 0));
}

#[test]
fn url_origins_javascript_only() {
    assert_eq!(
        run_url_file("url-origins-javascript-only.json", &[]),
        (1, 0)
    );
}

/// The URL Standard's domain parser (url.bs, 2026: "domain parser" with beStrict false)
/// lowercases an ASCII domain and keeps it even when UTS #46 ToASCII fails (invalid Punycode
/// such as `xn--` or `xn--pokxncvks`). `url` 2.5 / `idna` 1.1 still apply ToASCII's failure.
const ASCII_DOMAIN_LENIENCY: &str =
    "url crate rejects ASCII domains whose xn-- labels fail UTS46 ToASCII; the URL Standard now keeps them lowercased";

const DELTA_DIVERGENCES: &[(&str, &str)] = &[
    ("http://a.b.c.xn--pokxncvks", ASCII_DOMAIN_LENIENCY),
    ("http://10.0.0.xn--pokxncvks", ASCII_DOMAIN_LENIENCY),
    ("http://a.b.c.XN--pokxncvks", ASCII_DOMAIN_LENIENCY),
    ("http://a.b.c.Xn--pokxncvks", ASCII_DOMAIN_LENIENCY),
    ("http://10.0.0.XN--pokxncvks", ASCII_DOMAIN_LENIENCY),
    ("http://10.0.0.xN--pokxncvks", ASCII_DOMAIN_LENIENCY),
    ("file://xn--/p", ASCII_DOMAIN_LENIENCY),
    ("https://xn--/", ASCII_DOMAIN_LENIENCY),
];

#[test]
fn url_origins_2026_07_delta() {
    assert_eq!(
        run_url_file("url-origins-2026-07-delta.json", DELTA_DIVERGENCES),
        (21, DELTA_DIVERGENCES.len())
    );
}

/// The verbatim WPT urltestdata.json: every vector with an `origin` field agrees with
/// `url-origins.json` through `Origin::of_url`, and every `failure` vector fails to parse.
#[test]
fn urltestdata_verbatim_origins() {
    let path = format!(
        "{}/tests/data/verbatim/url/resources/urltestdata.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(&text) else {
        panic!("{path}: not a JSON array");
    };
    let mut with_origin = 0;
    let mut failures = 0;
    let mut problems = Vec::new();
    for v in items.iter().filter(|v| v.is_object()) {
        let Some(input) = v["input"].as_str() else {
            continue;
        };
        let expect = match (v["origin"].as_str(), v["failure"].as_bool()) {
            (Some(o), _) => {
                with_origin += 1;
                Expect::Origin(o.to_owned())
            }
            (None, Some(true)) => {
                failures += 1;
                Expect::Failure
            }
            _ => continue,
        };
        if let Err(e) = run_url_vector(input, &v["base"], &expect) {
            problems.push(e);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!((with_origin, failures), (393, 273));
}

fn mode(v: &Value) -> Mode {
    v.as_str().unwrap().parse().unwrap()
}

/// Response tainting as main fetch sets it (Fetch §main-fetch step 12) for a request whose URL
/// list is `urls`: `basic` while every URL is same origin with the request's origin, then
/// `cors` (mode cors) or `opaque` (mode no-cors).
fn response_tainting(origin: &Origin, urls: &[Url], mode: Mode) -> ResponseTainting {
    if urls.iter().all(|u| Origin::of_url(u).same_origin(origin)) {
        return ResponseTainting::Basic;
    }
    match mode {
        Mode::Cors => ResponseTainting::Cors,
        Mode::NoCors => ResponseTainting::Opaque,
        Mode::SameOrigin => panic!("same-origin mode with a cross-origin URL is a network error"),
    }
}

#[test]
fn origin_header_wpt() {
    let mut run = 0;
    let mut notes = 0;
    for v in load("origin-header.json") {
        let Some(request_origin) = v["request_origin"].as_str() else {
            // A pointer to redirects.json: its `origin_header_at_final_hop` vectors run through
            // the state machine in tests/fetch_redirects.rs.
            assert!(v["note"].is_string(), "vector without request_origin: {v}");
            notes += 1;
            continue;
        };
        let origin = header(request_origin);
        let current = url(v["url"].as_str().unwrap());
        let mode = mode(&v["mode"]);
        assert_eq!(
            Origin::of_url(&current).same_origin(&origin),
            v["same_origin"].as_bool().unwrap(),
            "{v}"
        );
        let tainting = response_tainting(&origin, std::slice::from_ref(&current), mode);
        let got = request_origin_header(
            &origin,
            false,
            tainting,
            mode,
            v["method"].as_str().unwrap().as_bytes(),
            &current,
            ReferrerPolicy::default(),
        );
        assert_eq!(got.as_deref(), v["expected_origin_header"].as_str(), "{v}");
        run += 1;
    }
    assert_eq!((run, notes), (25, 1));
}

#[test]
fn redirect_taint_levels() {
    // Same site whether or not the Public Suffix List is compiled in: equal hosts.
    let o = header("https://a.example.com");
    let a = |path: &str| url(&format!("https://a.example.com{path}"));
    let a2 = |path: &str| url(&format!("https://a.example.com:8443{path}"));
    assert_eq!(
        redirect_taint(&o, &[a("/1"), a("/2")]),
        RedirectTaint::SameOrigin
    );
    // Away from the request's origin: lastURL is same origin with the request's origin.
    assert_eq!(
        redirect_taint(&o, &[a("/"), a2("/")]),
        RedirectTaint::SameOrigin
    );
    // Through another origin and back: lastURL is same origin with neither.
    assert_eq!(
        redirect_taint(&o, &[a2("/"), a("/")]),
        RedirectTaint::SameSite
    );
    // Step 4.2 also compares with the request's origin: a hop away from a URL that is same
    // site with the request's origin is at most same-site.
    let other = url("https://c.example.org/");
    assert_eq!(
        redirect_taint(&o, &[a2("/"), other.clone()]),
        RedirectTaint::SameSite
    );
    let cross = [url("https://b.example.org/"), url("https://c.example.net/")];
    assert_eq!(redirect_taint(&o, &cross), RedirectTaint::CrossSite);
    assert_eq!(redirect_taint(&o, &[other]), RedirectTaint::SameOrigin);
    assert_eq!(redirect_taint(&o, &[]), RedirectTaint::SameOrigin);
    // Registrable domains matter with the PSL: b.example.com is same site with a.example.com.
    let sub = [url("https://b.example.com/"), a("/")];
    let want = if cfg!(feature = "psl") {
        RedirectTaint::SameSite
    } else {
        RedirectTaint::CrossSite
    };
    assert_eq!(redirect_taint(&o, &sub), want);
}

#[test]
fn request_origin_header_referrer_policies() {
    let https = header("https://a.example");
    let http_url = url("http://b.example/");
    let https_url = url("https://b.example/");
    let same_url = url("https://a.example/x");
    let post = |origin: &Origin, mode, target: &Url, policy| {
        request_origin_header(
            origin,
            false,
            ResponseTainting::Opaque,
            mode,
            b"POST",
            target,
            policy,
        )
    };
    let a = Some("https://a.example");
    let null = Some("null");
    use ReferrerPolicy as P;
    assert_eq!(
        post(&https, Mode::NoCors, &https_url, P::NoReferrer).as_deref(),
        null
    );
    for p in [
        P::NoReferrerWhenDowngrade,
        P::StrictOrigin,
        P::StrictOriginWhenCrossOrigin,
    ] {
        assert_eq!(
            post(&https, Mode::NoCors, &http_url, p).as_deref(),
            null,
            "{p}"
        );
        assert_eq!(
            post(&https, Mode::NoCors, &https_url, p).as_deref(),
            a,
            "{p}"
        );
    }
    assert_eq!(
        post(&https, Mode::NoCors, &https_url, P::SameOrigin).as_deref(),
        null
    );
    assert_eq!(
        post(&https, Mode::NoCors, &same_url, P::SameOrigin).as_deref(),
        a
    );
    for p in [P::Origin, P::OriginWhenCrossOrigin, P::UnsafeUrl] {
        assert_eq!(
            post(&https, Mode::NoCors, &http_url, p).as_deref(),
            a,
            "{p}"
        );
    }
    // Mode cors (with basic tainting: a same-origin request) ignores the referrer policy.
    let basic = request_origin_header(
        &https,
        false,
        ResponseTainting::Basic,
        Mode::Cors,
        b"POST",
        &http_url,
        P::NoReferrer,
    );
    assert_eq!(basic.as_deref(), a);
    // CORS tainting always sends the origin, `null` when redirect-tainted, even for GET.
    let cors = |tainted, method: &[u8]| {
        request_origin_header(
            &https,
            tainted,
            ResponseTainting::Cors,
            Mode::Cors,
            method,
            &http_url,
            P::NoReferrer,
        )
    };
    assert_eq!(cors(false, b"GET").as_deref(), a);
    assert_eq!(cors(true, b"GET").as_deref(), null);
    // GET and HEAD without CORS tainting: no header; methods compare byte for byte.
    for m in [&b"GET"[..], b"HEAD"] {
        let got = request_origin_header(
            &https,
            false,
            ResponseTainting::Basic,
            Mode::Cors,
            m,
            &same_url,
            P::default(),
        );
        assert_eq!(got, None);
    }
    let lower_get = request_origin_header(
        &https,
        false,
        ResponseTainting::Basic,
        Mode::Cors,
        b"get",
        &same_url,
        P::default(),
    );
    assert_eq!(lower_get.as_deref(), a);
    // An opaque request origin serializes to null.
    let opaque = Origin::new_opaque();
    assert_eq!(
        post(&opaque, Mode::NoCors, &https_url, P::UnsafeUrl).as_deref(),
        null
    );
}

#[test]
fn referrer_policy_keywords() {
    assert_eq!(
        ReferrerPolicy::default(),
        ReferrerPolicy::StrictOriginWhenCrossOrigin
    );
    let all = [
        "no-referrer",
        "no-referrer-when-downgrade",
        "same-origin",
        "origin",
        "strict-origin",
        "origin-when-cross-origin",
        "strict-origin-when-cross-origin",
        "unsafe-url",
    ];
    for kw in all {
        let p: ReferrerPolicy = kw.parse().unwrap();
        assert_eq!(p.as_str(), kw);
        assert_eq!(p.to_string(), kw);
    }
    assert!("".parse::<ReferrerPolicy>().is_err());
    assert!("Origin".parse::<ReferrerPolicy>().is_err());
}

#[test]
fn serialize_round_trips_through_parse_header() {
    let cases = [
        ("https://example.com:443/a?b#c", "https://example.com"),
        ("http://example.com:80/", "http://example.com"),
        ("ws://example.com:80/", "ws://example.com"),
        ("wss://example.com:443/", "wss://example.com"),
        ("ftp://example.com:21/", "ftp://example.com"),
        ("http://example.com:443/", "http://example.com:443"),
        ("https://EXAMPLE.com:8443/", "https://example.com:8443"),
        ("http://[0:0::1]:8080/", "http://[::1]:8080"),
        (
            "http://[2001:DB8:0:0:1:0:0:1]/",
            "http://[2001:db8::1:0:0:1]",
        ),
        ("http://[::ffff:1.2.3.4]/", "http://[::ffff:102:304]"),
        ("http://0x7f.1/", "http://127.0.0.1"),
        ("http://bücher.example/", "http://xn--bcher-kva.example"),
        ("http://example.com:0/", "http://example.com:0"),
        ("http://example.com:65535/", "http://example.com:65535"),
        ("blob:https://whatwg.org/d0360e2f", "https://whatwg.org"),
    ];
    for (input, serialized) in cases {
        let origin = Origin::of_url(&url(input));
        assert_eq!(origin.serialize(), serialized, "{input}");
        assert_eq!(origin.to_string(), serialized);
        assert_eq!(origin.byte_serialize(), serialized.as_bytes());
        let parsed = header(serialized);
        assert_eq!(parsed, origin, "{input}");
        assert!(parsed.same_origin(&origin));
        assert_eq!(parsed.serialize(), serialized);
    }
}

#[test]
fn tuple_accessors() {
    let o = Origin::of_url(&url("https://user:pw@example.com:8443/x"));
    assert_eq!(o.scheme(), Some("https"));
    assert_eq!(o.host(), Some(&Host::Domain("example.com".to_owned())));
    assert_eq!(o.port(), Some(8443));
    assert_eq!(o.domain(), None);
    let t = o.as_tuple().unwrap();
    assert_eq!(
        (t.scheme(), t.port(), t.domain()),
        ("https", Some(8443), None)
    );
    let d = o.clone().with_domain(Some("example.com".to_owned()));
    assert_eq!(d.domain(), Some("example.com"));
    assert!(
        d.same_origin(&o),
        "the domain does not take part in same origin"
    );
    let ip = Origin::of_url(&url("http://[::1]/"));
    assert!(matches!(ip.host(), Some(Host::Ipv6(a)) if a.is_loopback()));
    assert_eq!(ip.port(), None);
    let built = Origin::new_tuple("HTTP", Host::Domain("example.com".to_owned()), Some(80));
    assert_eq!(built.serialize(), "http://example.com");
    assert_eq!(built, Origin::of_url(&url("http://example.com/")));
    let opaque = Origin::new_opaque();
    assert_eq!(
        (opaque.scheme(), opaque.host(), opaque.port()),
        (None, None, None)
    );
    assert!(opaque
        .clone()
        .with_domain(Some("x".into()))
        .domain()
        .is_none());
}

#[test]
fn opaque_identity() {
    let a = Origin::new_opaque();
    let b = Origin::new_opaque();
    assert!(a.is_opaque() && b.is_opaque());
    assert_ne!(a, b);
    assert!(a.same_origin(&a.clone()));
    assert!(!a.same_origin(&b));
    assert!(a.same_origin_domain(&a.clone()) && !a.same_origin_domain(&b));
    assert!(a.same_site(&a.clone()) && !a.same_site(&b));
    assert!(a.schemelessly_same_site(&a.clone()) && !a.schemelessly_same_site(&b));
    assert_eq!(a.serialize(), "null");
    assert_eq!(a.byte_serialize(), b"null");
    // Each derivation of an opaque-origin URL is a new origin: not same origin with itself.
    let data = url("data:text/plain,x");
    assert!(!Origin::of_url(&data).same_origin(&Origin::of_url(&data)));
    let file = url("file:///etc/passwd");
    assert!(Origin::of_url(&file).is_opaque());
    // `null` parses to a fresh opaque origin each time.
    let n1 = header("null");
    let n2 = header("null");
    assert!(n1.is_opaque() && !n1.same_origin(&n2));
    // Opaque and tuple are never same origin/site.
    let t = header("https://example.com");
    assert!(!a.same_origin(&t) && !t.same_origin(&a));
    assert!(!a.same_site(&t) && !t.schemelessly_same_site(&a));
    assert!(!t.same_origin_domain(&a));
}

#[test]
fn blob_url_origins() {
    let cases = [
        (
            "blob:http://example.org:88/uuid",
            Some("http://example.org:88"),
        ),
        ("blob:https://example.com:443/", Some("https://example.com")),
        ("blob:file:///tmp/x", None),
        ("blob:ws://example.org/", None),
        ("blob:ftp://host/path", None),
        ("blob:blob:https://example.org/", None),
        ("blob:not a url", None),
    ];
    for (input, want) in cases {
        let o = Origin::of_url(&url(input));
        match want {
            Some(w) => assert_eq!(o.serialize(), w, "{input}"),
            None => assert!(o.is_opaque(), "{input}"),
        }
    }
}

#[test]
fn parse_header_errors() {
    use OriginHeaderError as E;
    let cases: &[(&[u8], E)] = &[
        (b"", E::Empty),
        (b" https://a.com", E::Whitespace),
        (b"https://a.com\t", E::Whitespace),
        (b"NULL", E::Uppercase),
        (b"Null", E::Uppercase),
        (b"HTTPS://a.com", E::Uppercase),
        (b"https://A.com", E::Uppercase),
        (b"http://[::A]", E::Uppercase),
        (b"a.com", E::MissingSchemeSeparator),
        (b"https:a.com", E::MissingSchemeSeparator),
        (b"https:/a.com", E::MissingSchemeSeparator),
        (b"://a.com", E::BadScheme),
        (b"1http://a.com", E::BadScheme),
        (b"ht_tp://a.com", E::BadScheme),
        (b"https://a.com/", E::TrailingPath),
        (b"https://a.com/Path", E::TrailingPath),
        (b"https://a.com:8080/", E::TrailingPath),
        (b"https://U@a.com", E::UserInfo),
        (b"https://a.com/path", E::TrailingPath),
        (b"https://a.com?q", E::TrailingPath),
        (b"https://a.com#f", E::TrailingPath),
        (b"https://a.com\\", E::TrailingPath),
        (b"https://u@a.com", E::UserInfo),
        (b"https://u:p@a.com", E::UserInfo),
        (b"https://", E::EmptyHost),
        (b"https://:8080", E::EmptyHost),
        (b"https://a..com", E::BadHost),
        (b"https://a.com.", E::BadHost),
        (b"https://-a.com", E::BadHost),
        (b"https://a_b.com", E::BadHost),
        (b"https://a b.com", E::BadHost),
        (b"https://b\xc3\xbccher.example", E::BadHost),
        (b"https://\xff", E::BadHost),
        (b"https://[::1", E::BadHost),
        (b"https://[::1]x", E::BadHost),
        (b"https://[1:2]", E::BadHost),
        (b"https://a.1", E::BadHost),
        (b"https://xn--a.com", E::BadHost),
        (b"https://1.2.3", E::NonCanonicalHost),
        (b"https://0", E::NonCanonicalHost),
        (b"https://0x7f.0.0.1", E::NonCanonicalHost),
        (b"https://127.000.0.1", E::NonCanonicalHost),
        (b"https://[0:0:0:0:0:0:0:1]", E::NonCanonicalHost),
        (b"https://[::ffff:1.2.3.4]", E::NonCanonicalHost),
        (b"https://[0001::1]", E::NonCanonicalHost),
        (b"https://a.com:", E::BadPort),
        (b"https://a.com:x", E::BadPort),
        (b"https://a.com:-1", E::BadPort),
        (b"https://a.com:65536", E::BadPort),
        (b"https://a.com:100000", E::BadPort),
        (b"https://a.com:80:80", E::BadPort),
        (b"https://a.com, https://b.com", E::TrailingPath),
        (b"https://a.com,b.com", E::BadHost),
        (b"https://a.com:08080", E::NonCanonicalPort),
        (b"https://a.com:00", E::NonCanonicalPort),
        (b"https://a.com:443", E::DefaultPort),
        (b"http://a.com:80", E::DefaultPort),
        (b"wss://a.com:443", E::DefaultPort),
        (b"ws://a.com:80", E::DefaultPort),
        (b"ftp://a.com:21", E::DefaultPort),
    ];
    for (value, want) in cases {
        assert_eq!(
            Origin::parse_header(value),
            Err(*want),
            "{}",
            String::from_utf8_lossy(value)
        );
    }
    // Values the grammar accepts and that are their own serialization.
    for ok in [
        "null",
        "http://a.com:443",
        "https://a.com:80",
        "http://1.2.3.4",
        "https://[2001:db8::1]:8443",
        "chrome-extension://abcdef",
        "foo+bar.baz-1://x-y.example:1",
        "http://xn--bcher-kva.example",
        "https://0.0.0.0",
    ] {
        let parsed = header(ok);
        if ok != "null" {
            assert_eq!(parsed.serialize(), ok);
        }
    }
    // Errors have messages and are Copy.
    let e = E::DefaultPort;
    let copy = e;
    assert!(!copy.to_string().is_empty() && e == copy);
}

#[test]
fn same_origin_domain_with_domains() {
    let a = header("https://a.example.com");
    let b = header("https://b.example.com");
    let a_http = header("http://a.example.com");
    let dom = |o: &Origin| o.clone().with_domain(Some("example.com".to_owned()));
    // Both null domains: same origin-domain iff same origin.
    assert!(a.same_origin_domain(&a.clone()));
    assert!(!a.same_origin_domain(&b));
    // Identical non-null domains and schemes: same origin-domain even across hosts.
    assert!(dom(&a).same_origin_domain(&dom(&b)));
    // Different schemes: no.
    assert!(!dom(&a).same_origin_domain(&dom(&a_http)));
    // Only one side set: no, even when same origin.
    assert!(!dom(&a).same_origin_domain(&a));
    assert!(!a.same_origin_domain(&dom(&a)));
    // Different domains: no.
    let other = a.clone().with_domain(Some("a.example.com".to_owned()));
    assert!(!other.same_origin_domain(&dom(&b)));
    // Ports do not matter once domains are set.
    let port = header("https://b.example.com:8443");
    assert!(dom(&a).same_origin_domain(&dom(&port)));
    assert!(!dom(&a).same_origin(&dom(&port)));
}

#[test]
fn same_site_and_schemelessly_same_site() {
    let pairs: &[(&str, &str, bool, bool)] = &[
        // (A, B, same site, schemelessly same site)
        (
            "https://a.example.com",
            "http://a.example.com:8080",
            false,
            true,
        ),
        (
            "https://example.com",
            "https://example.com:8443",
            true,
            true,
        ),
        ("https://example.com", "https://example.org", false, false),
        ("http://127.0.0.1", "http://127.0.0.1:8080", true, true),
        ("http://127.0.0.1", "http://127.0.0.2", false, false),
        ("http://[::1]", "http://[::1]:81", true, true),
        ("http://[::1]", "http://127.0.0.1", false, false),
    ];
    #[cfg(feature = "psl")]
    let psl_pairs: &[(&str, &str, bool, bool)] = &[
        ("https://a.example.com", "https://b.example.com", true, true),
        ("https://a.example.com", "http://b.example.com", false, true),
        ("https://a.github.io", "https://b.github.io", false, false),
        ("https://x.a.github.io", "https://a.github.io", true, true),
        ("https://github.io", "https://github.io:8443", true, true),
        ("https://github.io", "https://a.github.io", false, false),
        (
            "https://a.example.co.uk",
            "https://b.example.co.uk",
            true,
            true,
        ),
        ("https://a.co.uk", "https://b.co.uk", false, false),
        ("https://com", "https://com", true, true),
        // Unlisted TLDs use the PSL's default rule "*": a.localhost is a registrable domain.
        ("https://a.localhost", "https://b.localhost", false, false),
        ("https://x.b.localhost", "https://y.b.localhost", true, true),
    ];
    // Without the PSL every registrable domain is null: only equal hosts are same site.
    #[cfg(not(feature = "psl"))]
    let psl_pairs: &[(&str, &str, bool, bool)] = &[
        (
            "https://a.example.com",
            "https://b.example.com",
            false,
            false,
        ),
        (
            "https://a.example.com",
            "http://b.example.com",
            false,
            false,
        ),
        (
            "https://a.github.io",
            "https://a.github.io:8443",
            true,
            true,
        ),
    ];
    for (a, b, site, schemeless) in pairs.iter().chain(psl_pairs) {
        let (oa, ob) = (header(a), header(b));
        assert_eq!(oa.same_site(&ob), *site, "{a} same site {b}");
        assert_eq!(ob.same_site(&oa), *site, "{b} same site {a}");
        assert_eq!(oa.schemelessly_same_site(&ob), *schemeless, "{a} ~ {b}");
        assert_eq!(ob.schemelessly_same_site(&oa), *schemeless, "{b} ~ {a}");
    }
    // Trailing dots are part of the host: example.com. is not same site with example.com.
    let dot = Origin::of_url(&url("https://www.example.com./"));
    assert!(!dot.same_site(&header("https://example.com")));
    #[cfg(feature = "psl")]
    assert!(dot.same_site(&Origin::of_url(&url("https://example.com./"))));
}

#[cfg(feature = "psl")]
#[test]
fn registrable_domains_url_standard_examples() {
    // URL Standard §example-host-psl (hosts as the host parser leaves them).
    let cases: &[(&str, Option<&str>)] = &[
        ("com", None),
        ("example.com", Some("example.com")),
        ("www.example.com", Some("example.com")),
        ("sub.www.example.com", Some("example.com")),
        ("EXAMPLE.COM", Some("example.com")),
        ("example.com.", Some("example.com.")),
        ("github.io", None),
        ("whatwg.github.io", Some("whatwg.github.io")),
        ("إختبار", None),
        ("example.إختبار", Some("example.xn--kgbechtv")),
        ("sub.example.إختبار", Some("example.xn--kgbechtv")),
        ("[2001:0db8:85a3:0000:0000:8a2e:0370:7334]", None),
        ("127.0.0.1", None),
    ];
    for (input, want) in cases {
        let host = Host::parse(input).unwrap();
        assert_eq!(registrable_domain(&host).as_deref(), *want, "{input}");
    }
}

#[cfg(not(feature = "psl"))]
#[test]
fn registrable_domains_without_psl_are_null() {
    let host = Host::parse("www.example.com").unwrap();
    assert_eq!(registrable_domain(&host), None);
    let a = header("https://a.example.com");
    assert!(!a.same_site(&header("https://b.example.com")));
    assert!(a.same_site(&header("https://a.example.com:8443")));
}

#[test]
fn potentially_trustworthy() {
    let cases = [
        ("https://example.com/", true),
        ("wss://example.com/", true),
        ("file:///tmp/x", true),
        ("data:text/plain,x", true),
        ("about:blank", true),
        ("about:blank#x", true),
        ("about:srcdoc", true),
        ("about:config", false),
        ("http://127.0.0.1/", true),
        ("http://127.255.1.2:8080/", true),
        ("http://128.0.0.1/", false),
        ("http://[::1]/", true),
        ("http://[::2]/", false),
        ("http://[::ffff:127.0.0.1]/", false),
        ("http://localhost/", true),
        ("http://localhost./", true),
        ("http://LOCALHOST/", true),
        ("http://a.b.localhost/", true),
        ("http://a.localhost./", true),
        ("http://localhost.example/", false),
        ("http://notlocalhost/", false),
        ("http://example.com/", false),
        ("ws://example.com/", false),
        ("ftp://example.com/", false),
        ("blob:https://example.com/uuid", true),
        ("blob:http://example.com/uuid", false),
        ("javascript:alert(1)", false),
    ];
    for (input, want) in cases {
        assert_eq!(is_potentially_trustworthy_url(&url(input)), want, "{input}");
    }
    assert!(!Origin::new_opaque().is_potentially_trustworthy());
    let file_tuple = Origin::new_tuple("file", Host::Domain(String::new()), None);
    assert!(file_tuple.is_potentially_trustworthy());
}
