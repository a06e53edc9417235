//! Every scenario ends exactly as a real implementation would: the alert, who sends it, and
//! the message that triggered it; or success, with what the attacker or observer then holds.

use tlslab_core::driver::{self, RunConfig};
use tlslab_core::scenario::Scenario;
use tlslab_core::timeline::{
    Actor, Chapter, EventKind, MasterSecretDerivation, Outcome, Step, Timeline, ValueName,
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

/// Whether step `s` goes between lanes `a` and `b`, either way.
fn between(s: &Step, a: Actor, b: Actor) -> bool {
    (s.from, s.to) == (a, b) || (s.from, s.to) == (b, a)
}

#[test]
fn a_trusted_man_in_the_middle_completes_its_own_handshake_before_answering_the_client() {
    for ems in [true, false] {
        let t = run(Scenario::MitmTrusted, ems);
        let steps: Vec<String> = t
            .steps
            .iter()
            .map(|s| format!("{:?}->{:?} {}", s.from, s.to, s.title))
            .collect();
        let (client, attacker, server) = (Actor::Client, Actor::Network, Actor::Server);
        // Each handshake reads in order: chapters never go back between two lanes.
        for (a, b) in [(client, attacker), (attacker, server)] {
            let chapters: Vec<Chapter> = t
                .steps
                .iter()
                .filter(|s| between(s, a, b))
                .map(|s| s.chapter)
                .collect();
            assert!(chapters.windows(2).all(|w| w[0] <= w[1]), "{steps:#?}");
        }
        // The browser's ClientHello, the attacker's whole handshake with the server, and only
        // then the attacker's answer.
        let at = |from: Actor, to: Actor, title: &str| {
            t.steps
                .iter()
                .position(|s| s.from == from && s.to == to && s.title == title)
                .unwrap_or_else(|| panic!("no {title} {from:?}->{to:?}: {steps:#?}"))
        };
        assert_eq!(at(client, attacker, "ClientHello"), 0, "{steps:#?}");
        let answer = at(attacker, client, "ServerHello");
        assert_eq!(
            steps[1..answer],
            [
                "Network->Server ClientHello",
                "Server->Network ServerHello",
                "Server->Network Certificate",
                "Server->Network ServerHelloDone",
                "Network->Server ClientKeyExchange",
                "Network->Server ChangeCipherSpec",
                "Network->Server Finished",
                "Server->Network ChangeCipherSpec",
                "Server->Network Finished",
            ],
            "ems {ems}"
        );
        // Afterwards the upstream connection only relays and closes.
        assert!(
            t.steps[answer..]
                .iter()
                .filter(|s| between(s, attacker, server))
                .all(|s| s.title == "ApplicationData" || s.title == "Alert"),
            "{steps:#?}"
        );
        // The browser was answered through the relay.
        assert_eq!(t.outcome, Outcome::Success, "{steps:#?}");
        assert!(
            texts(&t, client)
                .iter()
                .any(|s| s.starts_with("HTTP/1.1 200 OK"))
        );
    }
}
