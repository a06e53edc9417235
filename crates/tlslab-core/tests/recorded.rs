//! Runs recorded by one client (`tlslab connect`): only the client's events are known, so the
//! server's messages make steps from where the client received them, and an alert the client
//! only received stands for the server's. Real servers are in `crates/tlslab/tests/interop.rs`;
//! here a server of ours plays the real one, and only the client's events are kept.

use std::sync::Arc;
use tlslab_core::Connection;
use tlslab_core::driver;
use tlslab_core::msgs::enums::CipherSuite;
use tlslab_core::rng::Drbg;
use tlslab_core::timeline::{Actor, ConnectionEvent, Outcome, Timeline};
use tlslab_core::tls12::{ClientConfig, ServerConfig};

/// 2026-11-26T00:00:00Z: inside the demo certificates' validity.
const NOW: u64 = 1_795_651_200;

/// The client's events of a conversation with a server configured by `server_suites`, the
/// client sending one request once connected.
fn recorded(server_suites: &[CipherSuite]) -> Timeline {
    let pki = driver::demo_pki().expect("the demo PKI loads");
    let config = ClientConfig::new(driver::SERVER_NAME, pki.trust_anchors(), NOW);
    let mut client = Connection::client(config, Box::new(Drbg::from_u64(1)));
    let mut server_config = ServerConfig::new(pki.chain(), Arc::new(pki.leaf_key().clone()));
    server_config.cipher_suites = server_suites.to_vec();
    let mut server = Connection::server(server_config, Box::new(Drbg::from_u64(2)));
    let mut events: Vec<ConnectionEvent> = Vec::new();
    let mut requested = false;
    for _ in 0..32 {
        let to_server = client.take_output();
        server.receive(&to_server);
        while server.poll_event().is_some() {}
        if server.is_connected() && !server.take_app_data().is_empty() {
            let _ = server.send_application_data(b"HTTP/1.1 200 OK\r\n\r\nhello");
            server.close();
        }
        let to_client = server.take_output();
        client.receive(&to_client);
        if client.is_connected() && !requested {
            requested = true;
            let _ = client.send_application_data(b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
        }
        while let Some(e) = client.poll_event() {
            events.push(e);
        }
        if to_server.is_empty() && to_client.is_empty() {
            break;
        }
    }
    Timeline::recorded_by_client(events, NOW, driver::SERVER_NAME, "127.0.0.1:4433")
}

#[test]
fn an_alert_the_client_only_received_is_the_servers() {
    // The client offers the three suites; this server accepts only one it does not offer.
    let t = recorded(&[CipherSuite::TLS_RSA_WITH_AES_256_GCM_SHA384]);
    let titles: Vec<&str> = t.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["ClientHello", "Alert"]);
    assert_eq!(
        (t.steps[1].from, t.steps[1].to),
        (Actor::Server, Actor::Client)
    );
    let Outcome::Alert {
        sender,
        description,
        step,
        ..
    } = &t.outcome
    else {
        panic!("the run ends with an alert: {:?}", t.outcome)
    };
    assert_eq!(
        (*sender, description.as_str(), *step),
        (Actor::Server, "handshake_failure", 1)
    );
    let (alert_sender, alert) = t.alert_in(1).expect("the Alert step carries the alert");
    assert_eq!(alert_sender, Actor::Server);
    assert!(alert.is_fatal());
    assert!(t.alert_in(0).is_none());
    // The server's record, as the client received it, is what crossed the wire.
    assert_eq!(t.crossing(1).records.len(), 1);
    t.check().expect("a recorded timeline holds together");
}

#[test]
fn a_recorded_run_that_got_its_answer_succeeded() {
    let t = recorded(&CipherSuite::SUPPORTED);
    assert_eq!(t.outcome, Outcome::Success, "{:?}", t.outcome);
    let servers: Vec<&str> = t
        .steps
        .iter()
        .filter(|s| s.from == Actor::Server)
        .map(|s| s.title.as_str())
        .collect();
    assert_eq!(
        &servers[..5],
        [
            "ServerHello",
            "Certificate",
            "ServerHelloDone",
            "ChangeCipherSpec",
            "Finished"
        ]
    );
    assert!(t.recorded.is_some());
    t.check().expect("a recorded timeline holds together");
}
