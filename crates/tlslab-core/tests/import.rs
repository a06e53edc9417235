//! Timeline files are untrusted input: a good one reads back whole, anything else is refused
//! with a message saying what is wrong.

use serde_json::Value;
use tlslab_core::driver::{self, Protocol, RunConfig};
use tlslab_core::scenario::Scenario;
use tlslab_core::timeline::Timeline;

fn run_json(scenario: Scenario) -> String {
    run_json_in(Protocol::Tls12Rsa, scenario)
}

fn run_json_in(protocol: Protocol, scenario: Scenario) -> String {
    let mut config = RunConfig::new(21, 1_800_000_000);
    config.protocol = protocol;
    config.scenario = scenario;
    serde_json::to_string(&driver::run(&config).unwrap()).unwrap()
}

fn edited(json: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(json).unwrap();
    edit(&mut v);
    v.to_string()
}

fn refused(json: &str) -> String {
    match Timeline::import(json) {
        Ok(_) => panic!("accepted a bad timeline"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_scenario_reads_back() {
    for protocol in Protocol::ALL {
        for scenario in Scenario::ALL.into_iter().filter(|s| s.applies_to(protocol)) {
            let json = run_json_in(protocol, scenario);
            let t = Timeline::import(&json).unwrap_or_else(|e| panic!("{scenario:?}: {e}"));
            assert_eq!(serde_json::to_string(&t).unwrap(), json, "{scenario:?}");
            assert_eq!(t.protocol(), protocol, "{scenario:?}");
        }
    }
}

#[test]
fn malformed_files_are_refused_with_a_reason() {
    let good = run_json(Scenario::Happy);
    let cases: Vec<(String, &str)> = vec![
        ("".into(), "not a tlslab timeline"),
        ("<html></html>".into(), "not a tlslab timeline"),
        ("{\"format\": 1}".into(), "not a tlslab timeline"),
        (good[..good.len() / 2].into(), "not a tlslab timeline"),
        ("[".repeat(100_000), "not a tlslab timeline"),
        (
            edited(&good, |v| v["format"] = 2.into()),
            "format 2 is not supported",
        ),
        (
            edited(&good, |v| v["steps"] = Value::Array(vec![])),
            "no steps",
        ),
        (
            edited(&good, |v| v["events"][0]["step"] = 9999.into()),
            "step 0 lists event 0, which is not one of its events",
        ),
        (
            edited(&good, |v| {
                v["steps"][0]["events"]
                    .as_array_mut()
                    .unwrap()
                    .push(99_999_999.into())
            }),
            "lists event 99999999",
        ),
        (
            edited(&good, |v| {
                v["steps"][1]["events"]
                    .as_array_mut()
                    .unwrap()
                    .push(Value::from(u64::MAX))
            }),
            "lists event",
        ),
        (
            edited(&good, |v| {
                let e = v["events"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|e| e["type"] == "message_sent")
                    .unwrap();
                e["fields"][0]["start"] = 1_000_000.into();
            }),
            "lies outside",
        ),
        (
            edited(&good, |v| {
                let e = v["events"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|e| e["type"] == "record_sent")
                    .unwrap();
                e["fields"]["children"][0]["len"] = Value::from(u64::from(u32::MAX));
            }),
            "lies outside",
        ),
        (
            edited(&good, |v| v["events"][0]["type"] = "rm -rf".into()),
            "not a tlslab timeline",
        ),
        (
            // Listed twice: the second listing is refused.
            edited(&good, |v| {
                v["steps"][0]["events"]
                    .as_array_mut()
                    .unwrap()
                    .push(0.into())
            }),
            "step 0 lists event 0",
        ),
        (
            // Listed nowhere.
            edited(&good, |v| {
                let last = v["steps"].as_array().unwrap().len() - 1;
                v["steps"][last]["events"].as_array_mut().unwrap().pop();
            }),
            "is not listed in its step",
        ),
    ];
    for (json, reason) in cases {
        let message = refused(&json);
        assert!(
            message.contains(reason),
            "expected {reason:?}, got {message:?}"
        );
    }
    let huge = " ".repeat(Timeline::MAX_IMPORT_BYTES + 1);
    assert!(refused(&huge).contains("at most 16 MiB"));
}

#[test]
fn an_alert_outcome_must_name_a_real_step() {
    let json = run_json(Scenario::Expired);
    let bad = edited(&json, |v| v["outcome"]["step"] = 500.into());
    assert!(refused(&bad).contains("past the last step"));
}

#[test]
fn a_file_with_too_many_events_is_refused_before_any_slow_work() {
    // 100 000 tiny events in one step: refused by their number.
    let events: Vec<&str> =
        vec![r#"{"actor":"client","step":0,"type":"episode","title":"","text":""}"#; 100_000];
    let listed: Vec<String> = (0..100_000).map(|i| i.to_string()).collect();
    let json = edited(&run_json(Scenario::Happy), |v| {
        v["events"] = serde_json::from_str(&format!("[{}]", events.join(","))).unwrap();
        v["steps"] = serde_json::from_str(&format!(
            r#"[{{"title":"x","from":"client","to":"server","chapter":"client_hello","events":[{}],"knowledge":{{"client":[],"server":[],"observer":[]}}}}]"#,
            listed.join(",")
        ))
        .unwrap();
    });
    let message = refused(&json);
    assert!(message.contains("at most 10000"), "{message}");
}

#[test]
fn an_edited_file_cannot_put_code_into_a_command_or_break_the_exports() {
    use tlslab_core::export::{self, reproduce};
    let evil = "x'; touch /tmp/tlslab-pwned; echo '\"); import os; os.system(\"id\"); (\"";
    let json = edited(&run_json(Scenario::Happy), |v| {
        v["now"] = Value::from(u64::MAX);
        for e in v["events"].as_array_mut().unwrap() {
            if e["type"] == "computation" && e.get("label").is_some() {
                e["label"] = evil.into();
            }
        }
    });
    assert_eq!(
        json.matches("tlslab-pwned").count(),
        8,
        "every PRF label edited"
    );
    let t = Timeline::import(&json).expect("still a well-formed timeline");
    let mut commands = 0;
    for i in 0..t.events.len() {
        for r in reproduce::recipes(&t, i) {
            commands += 1;
            assert!(
                !r.openssl.contains("pwned") && !r.python.contains("os.system"),
                "{}",
                r.openssl
            );
        }
    }
    // Premaster, transcript hashes and records still have recipes; the PRF ones do not.
    assert!(commands > 0);
    assert!(
        export::pcap(&t).len() > 24,
        "a clock at u64::MAX still makes a capture"
    );
}
