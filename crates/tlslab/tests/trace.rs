//! `tlslab trace --scenario ID --json` works for every scenario and prints the timeline the web
//! app reads; the text form names the outcome.

use std::process::Command;
use tlslab_core::driver::Protocol;
use tlslab_core::scenario::Scenario;
use tlslab_core::timeline::{Outcome, Timeline};

fn tlslab(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tlslab"))
        .args(args)
        .output()
        .expect("tlslab runs")
}

/// `tlslab trace` of scenario `s` with a fixed seed and clock, plus `extra` arguments.
fn trace(s: Scenario, extra: &[&str]) -> std::process::Output {
    let args = [
        "trace",
        "--scenario",
        s.id(),
        "--seed",
        "9",
        "--now",
        "1795651200",
    ];
    tlslab(&[&args[..], extra].concat())
}

#[test]
fn every_scenario_traces_as_json_and_text() {
    for protocol in Protocol::ALL {
        for s in Scenario::ALL.into_iter().filter(|s| s.applies_to(protocol)) {
            traces_as_json_and_text(s, &["--protocol", protocol.id()]);
        }
    }
}

#[test]
fn a_scenario_that_does_not_apply_is_a_clear_error() {
    let out = tlslab(&["trace", "--scenario", "swapped-share"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not apply to tls12-rsa"), "{err}");
}

fn traces_as_json_and_text(s: Scenario, protocol: &[&str]) {
    let out = trace(s, &[&["--json"], protocol].concat());
    assert!(
        out.status.success(),
        "{}: {}",
        s.id(),
        String::from_utf8_lossy(&out.stderr)
    );
    let t: Timeline = serde_json::from_slice(&out.stdout).expect("a timeline");
    assert_eq!(t.scenario, s);
    assert_eq!(t.seed, 9);
    assert!(!t.steps.is_empty());
    let success = matches!(
        s,
        Scenario::Happy | Scenario::MitmTrusted | Scenario::StolenKey | Scenario::HelloRetry
    );
    assert_eq!(
        t.outcome == Outcome::Success,
        success,
        "{}: {:?}",
        s.id(),
        t.outcome
    );

    let text = trace(s, protocol);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&format!("scenario {}", s.id())));
    assert!(
        text.lines()
            .last()
            .unwrap_or_default()
            .starts_with("outcome:")
    );
}

#[test]
fn an_unknown_scenario_is_a_clear_error() {
    let out = tlslab(&["trace", "--scenario", "nope"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown scenario") && err.contains("mitm-trusted"),
        "{err}"
    );
}

#[test]
fn a_suite_the_engine_does_not_speak_is_a_clear_error() {
    let out = tlslab(&["trace", "--suite", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unsupported suite"), "{err}");
}

/// A TLS 1.3 suite says the protocol: the run is TLS 1.3 with that suite.
#[test]
fn a_tls13_suite_traces_tls13() {
    let out = trace(
        Scenario::Happy,
        &["--json", "--suite", "TLS_AES_256_GCM_SHA384"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t: Timeline = serde_json::from_slice(&out.stdout).expect("a timeline");
    assert_eq!(t.protocol(), Protocol::Tls13);
    assert_eq!(t.negotiated_suite(), Some("TLS_AES_256_GCM_SHA384"));
}
