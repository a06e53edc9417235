//! Every scenario ends exactly as a real implementation would: the alert, who sends it, and
//! the message that triggered it; or success, with what the attacker or observer then holds.

use tlslab_core::driver::{self, Protocol, RunConfig};
use tlslab_core::scenario::Scenario;
use tlslab_core::timeline::{
    Actor, Chapter, Computation, EventKind, MasterSecretDerivation, Outcome, Step, Timeline,
    ValueName,
};

/// 2026-11-26T00:00:00Z.
const NOW: u64 = 1_795_651_200;

fn run(scenario: Scenario, ems: bool) -> Timeline {
    run_in(Protocol::Tls12Rsa, scenario, ems)
}

fn run_in(protocol: Protocol, scenario: Scenario, ems: bool) -> Timeline {
    let mut config = RunConfig::new(3, NOW);
    config.protocol = protocol;
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
    expect_in(Protocol::Tls12Rsa, scenario, ems, sender, alert, trigger);
}

fn expect_in(
    protocol: Protocol,
    scenario: Scenario,
    ems: bool,
    sender: Actor,
    alert: &str,
    trigger: &str,
) {
    let t = run_in(protocol, scenario, ems);
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
            EventKind::Computation(Computation::MasterSecret(MasterSecretDerivation {
                master_secret,
                ..
            })) => Some((e.actor, master_secret.0.clone())),
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
fn every_scenario_is_deterministic_and_refused_where_it_does_not_apply() {
    for protocol in Protocol::ALL {
        for s in Scenario::ALL {
            if !s.applies_to(protocol) {
                let mut config = RunConfig::new(3, NOW);
                config.protocol = protocol;
                config.scenario = s;
                let refused = driver::run(&config).map(|_| ()).unwrap_err();
                assert!(refused.0.contains("does not apply"), "{refused}");
                continue;
            }
            let a = serde_json::to_string(&run_in(protocol, s, true)).unwrap();
            let b = serde_json::to_string(&run_in(protocol, s, true)).unwrap();
            assert_eq!(a, b, "{} {}", protocol.id(), s.id());
        }
    }
}

/// A suite names its protocol: one of the other protocol is refused, not run half one way.
#[test]
fn a_suite_of_another_protocol_is_refused() {
    let mut config = RunConfig::new(3, NOW);
    config.suite =
        Some(tlslab_core::msgs::enums::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
    let refused = driver::run(&config).map(|_| ()).unwrap_err();
    assert!(
        refused.0.contains("is not a suite of tls12-rsa"),
        "{refused}"
    );
}

/// Under ECDHE every scenario that applies ends as a real implementation ends it: the
/// certificate failures as under RSA, the tampering at the same message.
#[test]
fn every_scenario_ends_under_ecdhe_as_a_real_implementation_would() {
    let ecdhe = Protocol::Tls12Ecdhe;
    for (scenario, alert) in [
        (Scenario::Expired, "certificate_expired"),
        (Scenario::NotYetValid, "certificate_expired"),
        (Scenario::WrongHost, "bad_certificate"),
        (Scenario::UntrustedRoot, "unknown_ca"),
        (Scenario::ForgedSignature, "decrypt_error"),
        (Scenario::Mitm, "unknown_ca"),
    ] {
        expect_in(ecdhe, scenario, true, Actor::Client, alert, "Certificate");
    }
    let server = Actor::Server;
    expect_in(
        ecdhe,
        Scenario::Downgrade,
        true,
        server,
        "bad_record_mac",
        "Finished",
    );
    expect_in(
        ecdhe,
        Scenario::Downgrade,
        false,
        server,
        "decrypt_error",
        "Finished",
    );
    let t = run_in(ecdhe, Scenario::Downgrade, false);
    assert!(t.events.iter().any(|e| matches!(&e.kind,
        EventKind::Tampered { what, .. } if what.contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))));
    expect_in(
        ecdhe,
        Scenario::BitFlip,
        true,
        server,
        "bad_record_mac",
        "ApplicationData",
    );
    expect_in(
        ecdhe,
        Scenario::NoSharedSuite,
        true,
        server,
        "handshake_failure",
        "ClientHello",
    );
    for s in [Scenario::Happy, Scenario::MitmTrusted, Scenario::StolenKey] {
        assert_eq!(
            run_in(ecdhe, s, true).outcome,
            Outcome::Success,
            "{}",
            s.id()
        );
    }
    assert_eq!(run_in(ecdhe, Scenario::Happy, true).protocol(), ecdhe);
    assert_eq!(run(Scenario::Happy, true).protocol(), Protocol::Tls12Rsa);
}

/// An attacker without a trusted certificate swaps the server's key share: the signature over
/// the randoms and the share no longer verifies, and the client ends with decrypt_error (as
/// OpenSSL and BoringSSL do) before it sends a share of its own.
#[test]
fn a_swapped_key_share_fails_the_server_key_exchange_signature() {
    let ecdhe = Protocol::Tls12Ecdhe;
    for ems in [true, false] {
        let scenario = Scenario::SwappedShare;
        expect_in(
            ecdhe,
            scenario,
            ems,
            Actor::Client,
            "decrypt_error",
            "ServerKeyExchange",
        );
    }
    let t = run_in(ecdhe, Scenario::SwappedShare, true);
    assert!(t.events.iter().any(|e| e.actor == Actor::Network
        && matches!(&e.kind, EventKind::Tampered { what, .. } if what.contains("share"))));
    assert!(t.events.iter().any(|e| matches!(
        &e.kind,
        EventKind::Computation(Computation::KeyExchangeSignature {
            verified: Some(false),
            ..
        })
    )));
    assert!(!t.steps.iter().any(|s| s.title == "ClientKeyExchange"));
}

/// Forward secrecy: after ECDHE the leaked key opens nothing. The observer runs the attack
/// that works against RSA key exchange through the same code, and the first record refuses
/// the keys it derives; it never holds the premaster. The client's own keys still open it.
#[test]
fn a_recorded_ecdhe_session_resists_the_stolen_key() {
    let t = run_in(Protocol::Tls12Ecdhe, Scenario::StolenKey, true);
    assert_eq!(t.outcome, Outcome::Success);
    let last = t.steps.last().unwrap();
    assert_eq!(last.from, Actor::Network);
    let observer: Vec<ValueName> = last.knowledge.observer.iter().map(|k| k.name).collect();
    assert!(observer.contains(&ValueName::ServerPrivateKey));
    assert!(
        observer.contains(&ValueName::ClientShare) && observer.contains(&ValueName::ServerShare)
    );
    for secret in [
        ValueName::Premaster,
        ValueName::MasterSecret,
        ValueName::KeyBlock,
        ValueName::ClientEphemeralKey,
        ValueName::ServerEphemeralKey,
    ] {
        assert!(!observer.contains(&secret), "{secret:?}");
    }
    let client: Vec<ValueName> = last.knowledge.client.iter().map(|k| k.name).collect();
    assert!(client.contains(&ValueName::ClientEphemeralKey));
    assert!(!client.contains(&ValueName::ServerEphemeralKey));
    let failed = t.events.iter().find_map(|e| match &e.kind {
        EventKind::Computation(Computation::RecordingNotDecrypted {
            premaster, error, ..
        }) if e.actor == Actor::Network => Some((premaster.clone(), error.clone())),
        _ => None,
    });
    let (guess, error) = failed.expect("the observer tried and failed");
    assert!(
        error.contains("bad_record_mac") || error.contains("MAC"),
        "{error}"
    );
    let client_premaster = last
        .knowledge
        .client
        .iter()
        .find(|k| k.name == ValueName::Premaster);
    assert_ne!(client_premaster.map(|k| k.value.clone()), Some(guess));
    assert!(texts(&t, Actor::Network).is_empty(), "nothing decrypted");
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

/// Under TLS 1.3 every scenario that applies ends with the alert RFC 8446 section 6.2 and
/// real implementations use, sent on the message that triggers it.
#[test]
fn every_scenario_ends_under_tls13_as_a_real_implementation_would() {
    let tls13 = Protocol::Tls13;
    for (scenario, alert) in [
        (Scenario::Expired, "certificate_expired"),
        (Scenario::NotYetValid, "certificate_expired"),
        (Scenario::WrongHost, "bad_certificate"),
        (Scenario::UntrustedRoot, "unknown_ca"),
        (Scenario::ForgedSignature, "decrypt_error"),
        (Scenario::Mitm, "unknown_ca"),
    ] {
        expect_in(tls13, scenario, true, Actor::Client, alert, "Certificate");
    }
    let client = Actor::Client;
    expect_in(
        tls13,
        Scenario::ForgedCertificateVerify,
        true,
        client,
        "decrypt_error",
        "CertificateVerify",
    );
    expect_in(
        tls13,
        Scenario::Downgrade,
        true,
        client,
        "illegal_parameter",
        "ServerHello",
    );
    expect_in(
        tls13,
        Scenario::BitFlip,
        true,
        Actor::Server,
        "bad_record_mac",
        "ApplicationData",
    );
    expect_in(
        tls13,
        Scenario::NoSharedSuite,
        true,
        Actor::Server,
        "handshake_failure",
        "ClientHello",
    );
    for scenario in [
        Scenario::Happy,
        Scenario::MitmTrusted,
        Scenario::HelloRetry,
        Scenario::StolenKey,
    ] {
        let t = run_in(tls13, scenario, true);
        assert_eq!(t.outcome, Outcome::Success, "{}", scenario.id());
        assert_eq!(t.protocol(), tls13, "{}", scenario.id());
        assert_eq!(
            t.negotiated_suite(),
            Some("TLS_AES_128_GCM_SHA256"),
            "{}",
            scenario.id()
        );
    }
}

/// The sentinel: the server's random in the caught downgrade ends in DOWNGRD 01.
#[test]
fn a_tls13_downgrade_shows_the_sentinel_in_the_servers_random() {
    let t = run_in(Protocol::Tls13, Scenario::Downgrade, true);
    assert!(t.events.iter().any(|e| matches!(&e.kind,
        EventKind::Tampered { what, .. } if what.contains("supported_versions"))));
    let random = t
        .events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Computation(Computation::Random { name, value })
                if *name == ValueName::ServerRandom =>
            {
                Some(value.0.clone())
            }
            _ => None,
        })
        .expect("the server drew its random");
    assert!(random.ends_with(b"DOWNGRD\x01"));
}

/// A HelloRetryRequest: two ClientHellos, the handshake on secp256r1.
#[test]
fn a_hello_retry_request_costs_a_round_trip_and_succeeds() {
    let t = run_in(Protocol::Tls13, Scenario::HelloRetry, true);
    let titles: Vec<&str> = t.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles.iter().filter(|t| **t == "ClientHello").count(),
        2,
        "{titles:?}"
    );
    assert!(titles.contains(&"HelloRetryRequest"), "{titles:?}");
    // The observer read both of the client's shares, the one the handshake used (the server's,
    // on secp256r1) among them.
    let last = t.steps.last().unwrap();
    let shares = |side: &[tlslab_core::timeline::Known]| -> Vec<Vec<u8>> {
        side.iter()
            .filter(|k| k.name == ValueName::ClientShare)
            .map(|k| k.value.0.clone())
            .collect()
    };
    let used = shares(&last.knowledge.server);
    assert_eq!(used.len(), 1);
    assert_eq!(used[0].len(), 65, "an uncompressed secp256r1 point");
    let observed = shares(&last.knowledge.observer);
    assert_eq!(observed.len(), 2, "{observed:?}");
    assert!(observed.contains(&used[0]));
}

/// Forward secrecy in TLS 1.3: after the key leaks the observer holds it, the randoms and the
/// shares, and nothing that opens the recording.
#[test]
fn a_recorded_tls13_session_resists_the_stolen_key() {
    let t = run_in(Protocol::Tls13, Scenario::StolenKey, true);
    let last = t.steps.last().unwrap();
    assert_eq!(last.from, Actor::Network);
    let observer: Vec<ValueName> = last.knowledge.observer.iter().map(|k| k.name).collect();
    for public in [
        ValueName::ServerPrivateKey,
        ValueName::ClientRandom,
        ValueName::ServerRandom,
        ValueName::ClientShare,
        ValueName::ServerShare,
    ] {
        assert!(observer.contains(&public), "{public:?} in {observer:?}");
    }
    assert_eq!(observer.len(), 5, "nothing secret: {observer:?}");
    assert!(texts(&t, Actor::Network).is_empty(), "nothing decrypted");
}

/// The chapters of a TLS 1.3 run: the hellos (a retry and the compatibility change_cipher_spec
/// among them), the server's proof, then the server's Finished before the client's, and no
/// premaster chapter at all.
#[test]
fn a_tls13_run_tells_its_chapters_server_finished_first() {
    let chapters = |scenario| -> Vec<(String, u8)> {
        run_in(Protocol::Tls13, scenario, true)
            .steps
            .iter()
            .map(|s| (s.title.clone(), s.chapter as u8))
            .collect()
    };
    let happy = chapters(Scenario::Happy);
    let expected = [
        ("ClientHello", 1),
        ("ServerHello", 2),
        ("ChangeCipherSpec", 2),
        ("EncryptedExtensions", 2),
        ("Certificate", 3),
        ("CertificateVerify", 3),
        ("Finished", 6),
        ("ChangeCipherSpec", 5),
        ("Finished", 5),
        ("ApplicationData", 7),
    ];
    let expected: Vec<(String, u8)> = expected.iter().map(|(s, c)| (s.to_string(), *c)).collect();
    assert_eq!(happy[..expected.len()], expected[..], "{happy:?}");
    assert!(
        happy[expected.len()..].iter().all(|(_, c)| *c == 7),
        "{happy:?}"
    );
    let retry = chapters(Scenario::HelloRetry);
    let hello = retry.iter().rposition(|(s, _)| s == "ServerHello").unwrap();
    assert!(retry[1..=hello].iter().all(|(_, c)| *c == 2), "{retry:?}");
    assert!(!happy.iter().chain(&retry).any(|(_, c)| *c == 4));
}

/// TLS 1.3 saves a round trip (RFC 8446 section 2), and a HelloRetryRequest costs it back;
/// its records go from the clear to handshake keys to application keys.
#[test]
fn round_trips_and_record_keys_follow_the_protocol() {
    use tlslab_core::timeline::RecordKeys::{Application, Clear, Handshake};
    for (protocol, scenario, trips) in [
        (Protocol::Tls12Rsa, Scenario::Happy, 2),
        (Protocol::Tls12Ecdhe, Scenario::Happy, 2),
        (Protocol::Tls13, Scenario::Happy, 1),
        (Protocol::Tls13, Scenario::HelloRetry, 2),
    ] {
        let t = run_in(protocol, scenario, true);
        assert_eq!(
            t.round_trips_before_data(),
            Some(trips),
            "{protocol:?} {scenario:?}"
        );
    }
    assert_eq!(
        run_in(Protocol::Tls13, Scenario::Expired, true).round_trips_before_data(),
        None
    );
    let t = run_in(Protocol::Tls13, Scenario::Happy, true);
    let keys: Vec<_> = (0..10).map(|i| t.keys_of(i)).collect();
    assert_eq!(
        keys,
        [
            Clear,
            Clear,
            Clear,
            Handshake,
            Handshake,
            Handshake,
            Handshake,
            Clear,
            Handshake,
            Application
        ]
    );
    let t = run(Scenario::Happy, true);
    let finished = t.steps.iter().position(|s| s.title == "Finished").unwrap();
    assert_eq!(t.keys_of(finished - 1), Clear, "ChangeCipherSpec");
    assert_eq!(
        t.keys_of(finished),
        Application,
        "TLS 1.2 has one set of keys"
    );
}
