//! The scenario reader and one line of `replay` (the `corsgate-scenario` crate, which the command
//! and the bindings use: `scenario_from_json`, `replay_line`; tests/data/conformance/FORMAT.md)
//! on arbitrary bytes:
//! never a panic. A line that reads as a scenario, written back with every field explicit, reads
//! as the same scenario; its replay under a preset gives `repeat` runs of at most
//! `MAX_REQUESTS_PER_RUN` requests each, each run written and read back equal; the line `replay`
//! writes is one JSON line within `MAX_LINE_OUTPUT`, with `observed` holding that preset's runs
//! and every other field as read.
#![no_main]

use std::time::Instant;

use corsgate::replay::{replay, MAX_REQUESTS_PER_RUN};
use corsgate::Policy;
use corsgate_cli::scenario::{
    replay_line, replay_output_bound, run_from_json, run_to_json, scenario_from_json,
    scenario_to_json, MAX_LINE_OUTPUT,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    // The preset: the first byte's choice when the input starts with a digit, else `spec`.
    let (policy, line) = match data.split_first() {
        Some((d @ b'0'..=b'3', rest)) => {
            (Policy::by_name(Policy::NAMES[usize::from(d - b'0')]), rest)
        }
        _ => (Some(Policy::spec()), data),
    };
    let policy = policy.expect("a preset");
    let result = replay_line(line, &policy, policy.name, Instant::now());
    let Ok(value) = serde_json::from_slice::<Value>(line) else {
        let message = result.expect_err("not JSON, not replayed");
        assert!(message.starts_with("not valid JSON"), "{message}");
        return;
    };
    let scenario = match scenario_from_json(&value) {
        Ok(s) => s,
        Err(e) => {
            assert!(!e.expected.is_empty());
            let message = result.expect_err("not a scenario, not replayed");
            assert!(message.starts_with("not a scenario"), "{message}");
            return;
        }
    };
    assert!((1..=100).contains(&scenario.repeat));
    let written = scenario_to_json(&scenario);
    assert_eq!(scenario_from_json(&written).as_ref(), Ok(&scenario));
    let bound = replay_output_bound(&scenario);
    let Ok(runs) = replay(&scenario, &policy, Instant::now()) else {
        assert!(result.is_err());
        return;
    };
    assert_eq!(runs.len(), scenario.repeat as usize);
    let mut size = 0;
    for (i, run) in runs.iter().enumerate() {
        assert!(run.requests.len() <= MAX_REQUESTS_PER_RUN);
        let json = run_to_json(run);
        size += json.to_string().len();
        assert_eq!(
            run_from_json(&json, &format!("runs[{i}]")).as_ref(),
            Ok(run)
        );
    }
    assert!(
        size <= bound,
        "runs took {size} bytes, the bound said {bound}"
    );
    match result {
        Ok(text) => {
            assert!(bound <= MAX_LINE_OUTPUT);
            assert!(!text.contains('\n'));
            let mut out: Value = serde_json::from_str(&text).expect("replay writes JSON");
            let observed = out
                .as_object_mut()
                .and_then(|o| o.remove("observed"))
                .expect("observed");
            let observed = observed.as_object().expect("an object");
            assert_eq!(observed.len(), 1);
            let written_runs = observed[policy.name].as_array().expect("runs");
            assert_eq!(written_runs.len(), runs.len());
            let mut original = value.clone();
            if let Some(o) = original.as_object_mut() {
                o.remove("observed");
            }
            assert_eq!(out, original);
        }
        Err(message) => assert!(bound > MAX_LINE_OUTPUT, "{message}"),
    }
});
