//! Fetch §concept-filtered-response and §concept-response-cors-exposed-header-name-list against
//! WPT (`cors-response-filtering.json`, `verbatim/cors/resources/access-control-expose-headers.json`).

use corsgate::check::cors_check_values;
use corsgate::error::Stage;
use corsgate::expose::{
    exposed_header_names, is_cors_safelisted_response_header_name_given, visible_header_names,
    visible_names, ExposedNames, FilteredResponse, ResponseType,
};
use corsgate::request::{CredentialsMode, ResponseTainting};
use http::{HeaderMap, HeaderName, HeaderValue};

mod common;
use common::{bytes, load, pairs};

type List = Vec<(Vec<u8>, Vec<u8>)>;

/// Fetch §concept-header-list-get over raw pairs (test-side, for values `HeaderValue` rejects).
fn get(list: &List, name: &[u8]) -> Option<Vec<u8>> {
    let mut values = list.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
    let mut out = values.next()?.1.clone();
    for (_, v) in values {
        out.extend_from_slice(b", ");
        out.extend_from_slice(v);
    }
    Some(out)
}

fn header_map(list: &List) -> Option<HeaderMap> {
    let mut map = HeaderMap::new();
    for (n, v) in list {
        map.append(
            HeaderName::from_bytes(n).ok()?,
            HeaderValue::from_bytes(v).ok()?,
        );
    }
    Some(map)
}

/// What `response.headers.get(name)` / `getResponseHeader(name)` returns after CORS filtering.
fn script_get(list: &List, credentials: CredentialsMode, name: &[u8]) -> Option<Vec<u8>> {
    let aceh = get(list, b"access-control-expose-headers");
    let names = list.iter().map(|(n, _)| &n[..]);
    let visible = visible_names(names, aceh.as_deref(), ResponseTainting::Cors, credentials);
    if !visible
        .iter()
        .any(|v| v.as_bytes().eq_ignore_ascii_case(name))
    {
        return None;
    }
    get(list, name)
}

#[test]
fn wpt_cors_response_filtering() {
    let vectors = load("cors-response-filtering.json");
    let (mut run, mut checks) = (0, 0);
    for (i, t) in vectors.iter().enumerate() {
        let list = pairs(&t["response_headers"]);
        let creds: CredentialsMode = t["credentials_mode"]
            .as_str()
            .expect("mode")
            .parse()
            .expect("keyword");
        let origin = bytes(t["request_origin"].as_str().expect("origin"));
        // Every vector is a successful CORS fetch.
        let acao = get(&list, b"access-control-allow-origin");
        let acac = get(&list, b"access-control-allow-credentials");
        assert_eq!(
            cors_check_values(
                Stage::Response,
                acao.as_deref(),
                acac.as_deref(),
                &origin,
                creds
            ),
            Ok(()),
            "#{i}"
        );
        let aceh = get(&list, b"access-control-expose-headers");
        let exposed = exposed_header_names(aceh.as_deref(), creds);
        for c in t["checks"].as_array().expect("checks") {
            let name = bytes(c["name"].as_str().expect("name"));
            let present = list.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name));
            let got = script_get(&list, creds, &name);
            if let Some(expected) = c["expected"].as_str() {
                if present {
                    assert_eq!(got, Some(bytes(expected)), "#{i} {}", c["name"]);
                } else {
                    // Added by the server outside the listed headers (e.g. Content-Type): the
                    // name must pass the filter.
                    assert!(
                        is_cors_safelisted_response_header_name_given(&name, &exposed),
                        "#{i} {}",
                        c["name"]
                    );
                }
            } else if c["expected_non_null"] == true {
                assert!(
                    got.is_some()
                        || (!present
                            && is_cors_safelisted_response_header_name_given(&name, &exposed)),
                    "#{i} {}",
                    c["name"]
                );
            } else {
                assert!(c["expected"].is_null(), "#{i}: check without expectation");
                assert_eq!(got, None, "#{i} {}", c["name"]);
            }
            checks += 1;
        }
        // The HeaderMap entry point agrees wherever the `http` crate can hold the values.
        if let Some(map) = header_map(&list) {
            let names = list.iter().map(|(n, _)| &n[..]);
            assert_eq!(
                visible_header_names(&map, ResponseTainting::Cors, creds),
                visible_names(names, aceh.as_deref(), ResponseTainting::Cors, creds),
                "#{i}"
            );
        }
        run += 1;
    }
    assert_eq!(run, 39);
    assert!(checks > 80, "{checks}");
}

#[test]
fn wpt_access_control_expose_headers_parsing() {
    let vectors = load("verbatim/cors/resources/access-control-expose-headers.json");
    let mut run = 0;
    for (i, t) in vectors.iter().enumerate() {
        let mut list: List = vec![
            (b"access-control-allow-origin".to_vec(), b"*".to_vec()),
            (b"bb-8".to_vec(), b"hey".to_vec()),
            (b"content-language".to_vec(), b"mkay".to_vec()),
        ];
        // Raw header lines `name: value`, CRLF-separated; the value is normalized as an HTTP
        // parser does.
        let raw = bytes(t["input"].as_str().expect("input"));
        for line in raw.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let colon = line.iter().position(|&b| b == b':').expect("colon");
            let value = corsgate::header::normalize(&line[colon + 1..]);
            list.push((line[..colon].to_vec(), value.to_vec()));
        }
        let exposed = t["exposed"].as_bool().expect("exposed");
        let c = CredentialsMode::SameOrigin;
        assert_eq!(
            script_get(&list, c, b"bb-8").is_some(),
            exposed,
            "#{i} {}",
            t["input"]
        );
        assert_eq!(
            script_get(&list, c, b"content-language"),
            Some(b"mkay".to_vec()),
            "#{i}"
        );
        run += 1;
    }
    assert_eq!(run, 15);
}

fn map(lines: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (n, v) in lines {
        h.append(*n, HeaderValue::from_static(v));
    }
    h
}

#[test]
fn tainting_filters() {
    let h = map(&[
        ("set-cookie", "a=b"),
        ("set-cookie2", "a=b"),
        ("x-a", "1"),
        ("content-type", "text/plain"),
        ("access-control-expose-headers", "*, Set-Cookie"),
    ]);
    let basic = visible_header_names(&h, ResponseTainting::Basic, CredentialsMode::Include);
    assert_eq!(
        basic,
        ["access-control-expose-headers", "content-type", "x-a"]
    );
    let cors = visible_header_names(&h, ResponseTainting::Cors, CredentialsMode::Omit);
    assert_eq!(
        cors,
        ["access-control-expose-headers", "content-type", "x-a"]
    );
    let cors = visible_header_names(&h, ResponseTainting::Cors, CredentialsMode::Include);
    assert_eq!(cors, ["content-type"]);
    assert!(visible_header_names(&h, ResponseTainting::Opaque, CredentialsMode::Omit).is_empty());
    assert_eq!(
        exposed_header_names(Some(b"*"), CredentialsMode::Omit),
        ExposedNames::All
    );
    assert_eq!(
        exposed_header_names(Some(b"*"), CredentialsMode::Include),
        ExposedNames::Listed(vec![&b"*"[..]])
    );
    assert_eq!(
        exposed_header_names(Some(b"a b"), CredentialsMode::Omit),
        ExposedNames::Listed(vec![])
    );
    assert_eq!(
        exposed_header_names(None, CredentialsMode::Omit),
        ExposedNames::Listed(vec![])
    );
}

#[test]
fn filtered_response_views() {
    let url = url::Url::parse("https://b.example/r").expect("url");
    let h = map(&[("x-a", "1"), ("cache-control", "no-store")]);
    let o = FilteredResponse::new(
        ResponseTainting::Opaque,
        200,
        &h,
        CredentialsMode::Omit,
        vec![url.clone()],
    );
    assert_eq!(o, FilteredResponse::opaque());
    assert_eq!(
        (o.status, o.header_names.len(), o.url_list.len()),
        (0, 0, 0)
    );
    let r = FilteredResponse::opaque_redirect(vec![url.clone()]);
    assert_eq!(r.response_type, ResponseType::OpaqueRedirect);
    assert_eq!((r.status, r.header_names.len()), (0, 0));
    assert_eq!(r.url_list.as_slice(), std::slice::from_ref(&url));
    let c = FilteredResponse::new(
        ResponseTainting::Cors,
        404,
        &h,
        CredentialsMode::Omit,
        vec![url.clone()],
    );
    assert_eq!(c.response_type, ResponseType::Cors);
    assert_eq!(c.status, 404);
    assert!(c.is_visible(b"Cache-Control") && !c.is_visible(b"x-a"));
    let b = FilteredResponse::new(
        ResponseTainting::Basic,
        200,
        &h,
        CredentialsMode::Omit,
        vec![url],
    );
    assert_eq!(b.response_type, ResponseType::Basic);
    assert!(b.is_visible(b"X-A"));
}

#[test]
fn hostile_expose_lists() {
    let many: Vec<String> = (0..10_000).map(|i| format!("x-{i}")).collect();
    let value = many.join(",");
    let h = {
        let mut h = HeaderMap::new();
        h.insert("x-9999", HeaderValue::from_static("v"));
        h.insert("x-10000", HeaderValue::from_static("v"));
        h.insert(
            "access-control-expose-headers",
            HeaderValue::from_str(&value).expect("value"),
        );
        h
    };
    let names = visible_header_names(&h, ResponseTainting::Cors, CredentialsMode::Omit);
    assert_eq!(names, ["x-9999"]);
    let high: Vec<u8> = (0x80..=0xFF).collect();
    let names = [&b"x-a"[..]];
    assert!(visible_names(
        names,
        Some(&high),
        ResponseTainting::Cors,
        CredentialsMode::Omit
    )
    .is_empty());
}
