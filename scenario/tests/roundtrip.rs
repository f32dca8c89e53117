//! A scenario written by `scenario_to_json` reads back as the same scenario, including whether
//! its replay writes the Fetch Metadata fields (FORMAT.md: only when the recording has them).

use corsgate_scenario::{scenario_from_json, scenario_to_json};
use serde_json::{json, Value};

fn recorded(with_metadata: bool) -> Value {
    let mut request = json!({
        "method": "GET", "url": "http://127.0.0.1:8804/r", "origin": null, "acrm": null,
        "acrh": null,
    });
    if with_metadata {
        request["sec_fetch_site"] = json!("cross-site");
        request["sec_fetch_mode"] = json!("no-cors");
        request["sec_fetch_dest"] = json!("empty");
    }
    json!({
        "id": "roundtrip",
        "document": "http://127.0.0.1:8801",
        "fetch": {"url": "http://127.0.0.1:8804/r", "method": "GET", "headers": [],
                  "mode": "no-cors", "credentials": "same-origin", "redirect": "follow",
                  "body": null},
        "repeat": 1,
        "routes": [{"method": "*", "url": "http://127.0.0.1:8804/r", "status": 200,
                    "headers": [["Cross-Origin-Resource-Policy", " same-origin "]],
                    "body": "ok"}],
        "observed": {"chromium": [{"requests": [request], "result": {"ok": false}}]},
    })
}

#[test]
fn written_scenarios_read_back_unchanged() {
    let mut ran = 0;
    for with_metadata in [false, true] {
        let scenario = scenario_from_json(&recorded(with_metadata)).unwrap();
        assert_eq!(scenario.fetch_metadata, with_metadata);
        let written = scenario_to_json(&scenario);
        assert_eq!(scenario_from_json(&written).as_ref(), Ok(&scenario));
        ran += 1;
    }
    assert_eq!(ran, 2);
}

#[test]
fn fetch_metadata_field_must_be_a_boolean() {
    let mut v = recorded(false);
    v["fetch_metadata"] = json!("yes");
    let e = scenario_from_json(&v).unwrap_err();
    assert_eq!(e.path, "fetch_metadata");
}
