//! Two peers in memory: every suite, with and without the extended master secret, and
//! reproducibility from the seed.

use tlslab_core::driver::{self, RunConfig};
use tlslab_core::msgs::enums::CipherSuite;
use tlslab_core::timeline::{
    Actor, Chapter, Computation, EventKind, MasterSecretDerivation, Outcome, Timeline,
};

/// 2026-11-26T00:00:00Z: inside the demo certificates' validity.
const NOW: u64 = 1_795_651_200;

fn run(seed: u64, suite: CipherSuite, ems: bool) -> Timeline {
    let mut config = RunConfig::new(seed, NOW);
    config.suite = Some(suite);
    config.protocol =
        tlslab_core::driver::Protocol::of_suite(suite).expect("a suite of a protocol");
    config.extended_master_secret = ems;
    driver::run(&config).expect("demo PKI loads")
}

fn wire(t: &Timeline) -> Vec<u8> {
    t.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::RecordSent(r) => Some(r.bytes.0.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

fn computed(t: &Timeline, actor: Actor) -> Vec<&Computation> {
    t.events
        .iter()
        .filter(|e| e.actor == actor)
        .filter_map(|e| match &e.kind {
            EventKind::Computation(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn master_secret(t: &Timeline, actor: Actor) -> (bool, Vec<u8>) {
    computed(t, actor)
        .into_iter()
        .find_map(|c| match c {
            Computation::MasterSecret(MasterSecretDerivation {
                extended,
                master_secret,
                ..
            }) => Some((*extended, master_secret.0.clone())),
            _ => None,
        })
        .expect("a master secret was derived")
}

#[test]
fn every_suite_completes_with_and_without_extended_master_secret() {
    for suite in CipherSuite::SUPPORTED {
        for ems in [true, false] {
            let t = run(1, suite, ems);
            assert_eq!(
                t.outcome,
                Outcome::Success,
                "{} ems={ems}: {:?}",
                suite.name(),
                t.outcome
            );
            let (client_ext, client_master) = master_secret(&t, Actor::Client);
            let (server_ext, server_master) = master_secret(&t, Actor::Server);
            assert_eq!((client_ext, server_ext), (ems, ems));
            assert_eq!(client_master, server_master);
            let complete: Vec<_> = t
                .events
                .iter()
                .filter_map(|e| match &e.kind {
                    EventKind::HandshakeComplete {
                        cipher_suite,
                        extended_master_secret,
                    } => Some((cipher_suite.clone(), *extended_master_secret)),
                    _ => None,
                })
                .collect();
            assert_eq!(complete, vec![(suite.name(), ems); 2]);
            let response = t.events.iter().find_map(|e| match &e.kind {
                EventKind::ApplicationData { text, .. } if e.actor == Actor::Client => Some(text),
                _ => None,
            });
            assert!(response.unwrap().starts_with("HTTP/1.1 200 OK"));
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_randoms() {
    let suite = CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256;
    let a = run(42, suite, true);
    let b = run(42, suite, true);
    let c = run(43, suite, true);
    assert_eq!(wire(&a), wire(&b));
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    let randoms = |t: &Timeline| -> Vec<Vec<u8>> {
        t.events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Computation(Computation::Random { value, .. }) => Some(value.0.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(randoms(&a).len(), 2);
    assert_ne!(randoms(&a)[0], randoms(&c)[0]);
    assert_ne!(randoms(&a)[1], randoms(&c)[1]);
    assert_ne!(wire(&a), wire(&c));
}

#[test]
fn the_default_run_negotiates_gcm_with_extended_master_secret() {
    let t = driver::run(&RunConfig::new(7, NOW)).unwrap();
    assert_eq!(t.outcome, Outcome::Success);
    assert!(t.events.iter().any(|e| matches!(&e.kind,
        EventKind::HandshakeComplete { cipher_suite, extended_master_secret: true }
            if cipher_suite == "TLS_RSA_WITH_AES_128_GCM_SHA256")));
}

#[test]
fn an_expired_certificate_ends_in_certificate_expired_from_the_client() {
    // 2036: after the demo leaf's notAfter.
    let t = driver::run(&RunConfig::new(7, 2_082_758_400)).unwrap();
    match t.outcome {
        Outcome::Alert {
            sender,
            description,
            ..
        } => {
            assert_eq!(sender, Actor::Client);
            assert_eq!(description, "certificate_expired");
        }
        other => panic!("expected an alert, got {other:?}"),
    }
}

#[test]
fn the_observer_sees_randoms_and_ciphertext_but_never_the_premaster() {
    let t = driver::run(&RunConfig::new(9, NOW)).unwrap();
    let names = |v: &[tlslab_core::timeline::Known]| -> Vec<String> {
        v.iter().map(|k| k.name.to_string()).collect()
    };
    let last = &t.steps.last().unwrap().knowledge;
    let observer = names(&last.observer);
    for public in ["client_random", "server_random", "encrypted_premaster"] {
        assert!(
            observer.contains(&public.to_string()),
            "observer lacks {public}"
        );
    }
    assert!(
        !observer
            .iter()
            .any(|n| n == "premaster" || n == "master_secret")
    );
    for secret in ["premaster", "master_secret", "key_block"] {
        assert!(names(&last.client).contains(&secret.to_string()));
        assert!(names(&last.server).contains(&secret.to_string()));
    }
    // Knowledge grows with the steps: after ClientHello nobody knows the premaster.
    let first = &t.steps[0].knowledge;
    assert!(!names(&first.client).contains(&"premaster".to_string()));
    assert!(names(&first.observer).contains(&"client_random".to_string()));
    // What each side holds before the run shows from the first step; the receiver learns the
    // client_random on the step it receives it.
    assert_eq!(
        names(&first.server),
        ["server_private_key", "server_certificate", "client_random"]
    );
    assert_eq!(names(&first.client), ["trust_anchor", "client_random"]);
}

#[test]
fn application_data_and_closure_are_a_chapter_of_their_own() {
    let t = driver::run(&RunConfig::new(5, NOW)).unwrap();
    let chapters: Vec<(&str, Chapter)> = t
        .steps
        .iter()
        .map(|s| (s.title.as_str(), s.chapter))
        .collect();
    let data = chapters
        .iter()
        .position(|(title, _)| *title == "ApplicationData")
        .unwrap();
    assert!(
        chapters[..data]
            .iter()
            .all(|(_, c)| *c <= Chapter::ServerFinished)
    );
    assert!(
        chapters[data..]
            .iter()
            .all(|(_, c)| *c == Chapter::ApplicationData)
    );
}

#[test]
fn steps_pair_each_message_with_both_sides_work_in_story_order() {
    let t = driver::run(&RunConfig::new(5, NOW)).unwrap();
    let titles: Vec<(Actor, &str)> = t.steps.iter().map(|s| (s.from, s.title.as_str())).collect();
    use Actor::{Client as C, Server as S};
    assert_eq!(
        titles,
        [
            (C, "ClientHello"),
            (S, "ServerHello"),
            (S, "Certificate"),
            (S, "ServerHelloDone"),
            (C, "ClientKeyExchange"),
            (C, "ChangeCipherSpec"),
            (C, "Finished"),
            (S, "ChangeCipherSpec"),
            (S, "Finished"),
            (C, "ApplicationData"),
            (S, "ApplicationData"),
            (S, "Alert"),
            (C, "Alert"),
        ]
    );
    // Chapters never go backwards, and every event belongs to exactly the step that lists it.
    assert!(t.steps.windows(2).all(|w| w[0].chapter <= w[1].chapter));
    for (i, s) in t.steps.iter().enumerate() {
        for &e in &s.events {
            assert_eq!(t.events[e].step, i);
        }
    }
    let total: usize = t.steps.iter().map(|s| s.events.len()).sum();
    assert_eq!(total, t.events.len());
    // The premaster is encrypted in the ClientKeyExchange step and the chain checked in the
    // Certificate step.
    let in_step = |i: usize, pred: &dyn Fn(&EventKind) -> bool| {
        t.steps[i].events.iter().any(|&e| pred(&t.events[e].kind))
    };
    assert!(in_step(4, &|k| matches!(
        k,
        EventKind::Computation(Computation::PremasterEncrypted(_))
    )));
    assert!(in_step(4, &|k| matches!(
        k,
        EventKind::Computation(Computation::PremasterDecrypted { .. })
    )));
    assert!(in_step(2, &|k| matches!(k, EventKind::CertificateCheck(_))));
}

#[test]
fn a_timeline_reads_back_from_its_json() {
    for suite in CipherSuite::SUPPORTED {
        let t = run(11, suite, true);
        let json = serde_json::to_string(&t).unwrap();
        let back: Timeline = serde_json::from_str(&json).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
    }
}

/// TLS 1.2 with ECDHE (RFC 8422): the client offers the ECDHE suites, the server signs its
/// x25519 share, both compute the same premaster from their own private keys, and the same
/// seed gives the same bytes. The certificate scenarios fail as they do under RSA.
#[test]
fn the_ecdhe_protocol_agrees_a_premaster_neither_side_sent() {
    use tlslab_core::driver::Protocol;
    use tlslab_core::scenario::Scenario;
    let ecdhe = |scenario: Scenario, seed: u64| {
        let mut config = RunConfig::new(seed, NOW);
        config.protocol = Protocol::Tls12Ecdhe;
        config.scenario = scenario;
        driver::run(&config).expect("demo PKI loads")
    };
    let t = ecdhe(Scenario::Happy, 3);
    assert!(matches!(t.outcome, Outcome::Success));
    assert_eq!(
        t.negotiated_suite(),
        Some("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
    );
    let secret = |actor| {
        computed(&t, actor).into_iter().find_map(|c| match c {
            Computation::EcdhSharedSecret {
                group, premaster, ..
            } => Some((group.clone(), premaster.clone())),
            _ => None,
        })
    };
    let (client, server) = (secret(Actor::Client), secret(Actor::Server));
    assert_eq!(client, server);
    assert_eq!(client.as_ref().map(|(g, _)| g.as_str()), Some("x25519"));
    // The premaster never crosses the wire: only the two public shares do.
    let premaster = client.map(|(_, p)| p.0).unwrap_or_default();
    assert!(!wire(&t).windows(premaster.len()).any(|w| w == premaster));
    assert!(computed(&t, Actor::Client).iter().any(|c| matches!(
        c,
        Computation::KeyExchangeSignature {
            verified: Some(true),
            ..
        }
    )));
    assert_eq!(
        wire(&ecdhe(Scenario::Happy, 3)),
        wire(&t),
        "the seed gives the bytes"
    );
    for (scenario, alert) in [
        (Scenario::Expired, "certificate_expired"),
        (Scenario::UntrustedRoot, "unknown_ca"),
        (Scenario::Mitm, "unknown_ca"),
    ] {
        match ecdhe(scenario, 1).outcome {
            Outcome::Alert { description, .. } => assert_eq!(description, alert, "{scenario:?}"),
            other => panic!("{scenario:?} ended {other:?}"),
        }
    }
}
