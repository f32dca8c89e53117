//! Fetch §headers-class guards (`request-no-cors` above all) against
//! `tests/data/no-cors-headers.json` (WPT headers-no-cors, request-headers, range/general).

use corsgate::guard::{Guard, GuardedHeaders};
use corsgate::header::normalize;
use serde_json::Value;

mod common;
use common::{load, value_bytes as bytes};

fn guard(v: &Value) -> Guard {
    match v["guard"].as_str().unwrap() {
        "immutable" => Guard::Immutable,
        "request" => Guard::Request,
        "request-no-cors" => Guard::RequestNoCors,
        "response" => Guard::Response,
        "none" => Guard::None,
        other => panic!("unknown guard {other}"),
    }
}

#[test]
fn no_cors_headers_json() {
    let vectors = load("no-cors-headers.json");
    let (mut sequences, mut sets, mut inits, mut ops) = (0, 0, 0, 0);
    for v in &vectors {
        match v["kind"].as_str().unwrap() {
            "sequence" => {
                sequences += 1;
                let name = bytes(&v["name"]);
                let mut h = GuardedHeaders::new(guard(v));
                for op in v["operations"].as_array().unwrap() {
                    ops += 1;
                    match op["op"].as_str().unwrap() {
                        "append" => {
                            h.append(&name, &bytes(&op["value"])).unwrap();
                        }
                        "set" => {
                            h.set(&name, &bytes(&op["value"])).unwrap();
                        }
                        "delete" => {
                            h.delete(&name).unwrap();
                        }
                        other => panic!("unknown op {other}"),
                    }
                    if let Some(want) = op.get("expect_get") {
                        assert_eq!(h.get(&name).unwrap(), Some(bytes(want)), "{v} at {op}");
                    }
                    if let Some(want) = op.get("expect_has") {
                        assert_eq!(
                            h.has(&name).unwrap(),
                            want.as_bool().unwrap(),
                            "{v} at {op}"
                        );
                    }
                }
            }
            "set" => {
                sets += 1;
                let (name, value) = (bytes(&v["name"]), bytes(&v["value"]));
                let kept = v["kept"].as_bool().unwrap();
                let want = kept.then(|| normalize(&value).to_vec());
                // fill (the constructor), append() and set() on a fresh object all agree.
                let mut filled = GuardedHeaders::new(guard(v));
                filled.fill([(&name[..], &value[..])]).unwrap();
                let mut appended = GuardedHeaders::new(guard(v));
                assert_eq!(appended.append(&name, &value), Ok(kept), "{v}");
                let mut set = GuardedHeaders::new(guard(v));
                assert_eq!(set.set(&name, &value), Ok(kept), "{v}");
                for h in [&filled, &appended, &set] {
                    assert_eq!(h.has(&name), Ok(kept), "{v}");
                    assert_eq!(h.get(&name).unwrap(), want, "{v}");
                }
            }
            "init" => {
                inits += 1;
                let headers: Vec<(Vec<u8>, Vec<u8>)> = v["headers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| (bytes(&p[0]), bytes(&p[1])))
                    .collect();
                let mut h = GuardedHeaders::new(guard(v));
                h.fill(headers.iter().map(|(n, v)| (&n[..], &v[..])))
                    .unwrap();
                for (name, want) in v["expect_get"].as_object().unwrap() {
                    let want = (!want.is_null()).then(|| bytes(want));
                    assert_eq!(h.get(name.as_bytes()).unwrap(), want, "{v}");
                }
            }
            other => panic!("unknown kind {other}"),
        }
    }
    assert_eq!(vectors.len(), 49);
    assert_eq!((sequences, sets, inits, ops), (7, 39, 3, 31));
}
