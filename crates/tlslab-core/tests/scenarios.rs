//! Every scenario ends exactly as a real implementation would: the alert, who sends it, and
//! the message that triggered it; or success, with what the attacker or observer then holds.

use tlslab_core::driver::{self, RunConfig};
use tlslab_core::scenario::Scenario;
use tlslab_core::timeline::{
    Actor, EventKind, MasterSecretDerivation, Outcome, Timeline, ValueName,
};

/// 2026-11-26T00:00:00Z.
const NOW: u64 = 1_795_651_200;

fn run(scenario: Scenario, ems: bool) -> Timeline {
    let mut config = RunConfig::new(3, NOW);
    config.scenario = scenario;
    config.extended_master_secret = ems;
    driver::run(&config).expect("scenario sets up")
}

/// (alert sender, alert, title of the message whose processing triggered it).
fn end(t: &Timeline) -> Option<(Actor, String, String)> {
    let Outcome::Alert {
        sender,
        description,
        step,
        ..
    } = &t.outcome
    else {
        return None;
    };
    let alert_at = t
        .events
        .iter()
        .position(|e| matches!(&e.kind, EventKind::AlertSent(a) if a.is_fatal()))?;
    assert_eq!(t.events[alert_at].step, *step);
    assert_eq!(t.steps[*step].title, "Alert");
    let trigger = t.events[..alert_at]
        .iter()
        .rev()
        .find(|e| e.actor == *sender && matches!(e.kind, EventKind::RecordReceived(_)))?;
    Some((
        *sender,
        description.clone(),
        t.steps[trigger.step].title.clone(),
    ))
}

fn expect(scenario: Scenario, ems: bool, sender: Actor, alert: &str, trigger: &str) {
    let t = run(scenario, ems);
    assert_eq!(
        end(&t),
        Some((sender, alert.to_string(), trigger.to_string())),
        "{} (ems {ems}): {:?}",
        scenario.id(),
        t.outcome
    );
    assert_eq!(t.scenario, scenario);
}

#[test]
fn certificate_failures_end_at_the_certificate_with_the_clients_alert() {
    expect(
        Scenario::Expired,
        true,
        Actor::Client,
        "certificate_expired",
        "Certificate",
    );
    expect(
        Scenario::NotYetValid,
        true,
        Actor::Client,
        "certificate_expired",
        "Certificate",
    );
    expect(
        Scenario::WrongHost,
        true,
        Actor::Client,
        "bad_certificate",
        "Certificate",
    );
    expect(
        Scenario::UntrustedRoot,
        true,
        Actor::Client,
        "unknown_ca",
        "Certificate",
    );
    expect(
        Scenario::ForgedSignature,
        true,
        Actor::Client,
        "decrypt_error",
        "Certificate",
    );
    expect(
        Scenario::Mitm,
        true,
        Actor::Client,
        "unknown_ca",
        "Certificate",
    );
}

#[test]
fn tampering_is_caught_by_the_server() {
    expect(
        Scenario::BitFlip,
        true,
        Actor::Server,
        "bad_record_mac",
        "ApplicationData",
    );
    expect(
        Scenario::NoSharedSuite,
        true,
        Actor::Server,
        "handshake_failure",
        "ClientHello",
    );
    // The server went on with a random premaster; the keys differ, so the client's Finished
    // record does not authenticate.
    expect(
        Scenario::BadPremaster,
        true,
        Actor::Server,
        "bad_record_mac",
        "Finished",
    );
    expect(
        Scenario::BadPremaster,
        false,
        Actor::Server,
        "bad_record_mac",
        "Finished",
    );
}

#[test]
fn a_downgrade_is_caught_at_finished_by_either_mechanism() {
    // Extended master secret: the session hashes differ, so do the keys.
    expect(
        Scenario::Downgrade,
        true,
        Actor::Server,
        "bad_record_mac",
        "Finished",
    );
    // Classic: same keys, different transcripts, so verify_data differs.
    expect(
        Scenario::Downgrade,
        false,
        Actor::Server,
        "decrypt_error",
        "Finished",
    );
    let t = run(Scenario::Downgrade, false);
    assert!(t.events.iter().any(|e| e.actor == Actor::Network
        && matches!(&e.kind, EventKind::Tampered { what, .. } if what.contains("TLS_RSA_WITH_AES_128_GCM_SHA256"))));
}

#[test]
fn the_happy_path_succeeds_and_the_observer_learns_no_secret() {
    let t = run(Scenario::Happy, true);
    assert_eq!(t.outcome, Outcome::Success);
    let observer = &t.steps.last().unwrap().knowledge.observer;
    assert!(
        !observer
            .iter()
            .any(|k| k.name == ValueName::Premaster || k.name == ValueName::MasterSecret)
    );
}

fn texts(t: &Timeline, actor: Actor) -> Vec<String> {
    t.events
        .iter()
        .filter(|e| e.actor == actor)
        .filter_map(|e| match &e.kind {
            EventKind::ApplicationData { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_trusted_man_in_the_middle_reads_everything_and_nobody_notices() {
    let t = run(Scenario::MitmTrusted, true);
    assert_eq!(t.outcome, Outcome::Success);
    let seen = texts(&t, Actor::Network);
    assert!(seen.iter().any(|s| s.starts_with("GET / HTTP/1.1")));
    assert!(seen.iter().any(|s| s.starts_with("HTTP/1.1 200 OK")));
    assert!(
        texts(&t, Actor::Client)
            .iter()
            .any(|s| s.starts_with("HTTP/1.1 200 OK"))
    );
    // Two handshakes: the client's with the attacker, the attacker's with the server.
    let masters: Vec<(Actor, Vec<u8>)> = t
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Computation(tlslab_core::timeline::Computation::MasterSecret(
                MasterSecretDerivation { master_secret, .. },
            )) => Some((e.actor, master_secret.0.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(masters.len(), 4);
    let of = |a: Actor| {
        masters
            .iter()
            .filter(|(x, _)| *x == a)
            .map(|(_, m)| m.clone())
            .collect::<Vec<_>>()
    };
    let (client, server, attacker) = (of(Actor::Client), of(Actor::Server), of(Actor::Network));
    assert_eq!(attacker.len(), 2);
    assert!(attacker.contains(&client[0]) && attacker.contains(&server[0]));
    assert_ne!(client[0], server[0], "two separate sessions");
    assert!(
        t.steps
            .iter()
            .any(|s| s.from == Actor::Network && s.to == Actor::Client)
    );
    assert!(
        t.steps
            .iter()
            .any(|s| s.from == Actor::Network && s.to == Actor::Server)
    );
}

#[test]
fn a_recorded_session_falls_to_the_stolen_key() {
    let t = run(Scenario::StolenKey, true);
    assert_eq!(t.outcome, Outcome::Success);
    let last = t.steps.last().unwrap();
    assert_eq!(last.from, Actor::Network);
    let premaster = |list: &[tlslab_core::timeline::Known]| {
        list.iter()
            .find(|k| k.name == ValueName::Premaster)
            .map(|k| k.value.clone())
    };
    assert!(premaster(&last.knowledge.observer).is_some());
    assert_eq!(
        premaster(&last.knowledge.observer),
        premaster(&last.knowledge.client)
    );
    // Before the leak the observer had no premaster.
    let before = &t.steps[t.steps.len() - 2].knowledge.observer;
    assert!(premaster(before).is_none());
    let seen = texts(&t, Actor::Network);
    assert!(seen.iter().any(|s| s.starts_with("GET / HTTP/1.1")));
    assert!(seen.iter().any(|s| s.starts_with("HTTP/1.1 200 OK")));
}

#[test]
fn every_scenario_is_deterministic() {
    for s in Scenario::ALL {
        let a = serde_json::to_string(&run(s, true)).unwrap();
        let b = serde_json::to_string(&run(s, true)).unwrap();
        assert_eq!(a, b, "{}", s.id());
    }
}
