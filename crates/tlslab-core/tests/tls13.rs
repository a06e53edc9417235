//! TLS 1.3 between the engine's own client and server, in memory: every suite on both groups,
//! the record layer's TLS 1.3 shape on the wire, and a refused certificate.

use std::sync::Arc;
use tlslab_core::Connection;
use tlslab_core::crypto::params;
use tlslab_core::driver::{self, SERVER_NAME};
use tlslab_core::msgs::enums::{CipherSuite, NamedGroup};
use tlslab_core::rng::Drbg;
use tlslab_core::timeline::{Computation, ConnectionEvent, EventKind};
use tlslab_core::tls12::{ClientConfig, ServerConfig};

/// 2026-11-26T00:00:00Z: inside the demo certificates' validity.
const NOW: u64 = 1_795_651_200;

struct Run {
    wire: Vec<(bool, Vec<u8>)>,
    client: Vec<ConnectionEvent>,
    server: Vec<ConnectionEvent>,
    client_got: Vec<u8>,
    server_got: Vec<u8>,
    connected: (bool, bool),
}

fn configs(suite: CipherSuite, group: NamedGroup) -> (ClientConfig, ServerConfig) {
    let pki = driver::demo_pki().expect("demo PKI");
    let mut client = ClientConfig::new(SERVER_NAME, pki.trust_anchors(), NOW);
    client.cipher_suites = vec![suite];
    client.groups = vec![group];
    let mut server = ServerConfig::new(pki.chain(), Arc::new(pki.leaf_key().clone()));
    server.cipher_suites = CipherSuite::TLS13.to_vec();
    (client, server)
}

/// The handshake, a request and a response, then close_notify both ways.
fn run(client: ClientConfig, server: ServerConfig, seed: u64) -> Run {
    let mut rng = Drbg::from_u64(seed);
    let mut c = Connection::client(client, Box::new(rng.fork("client")));
    let mut s = Connection::server(server, Box::new(rng.fork("server")));
    let mut r = Run {
        wire: Vec::new(),
        client: Vec::new(),
        server: Vec::new(),
        client_got: Vec::new(),
        server_got: Vec::new(),
        connected: (false, false),
    };
    let (mut requested, mut answered) = (false, false);
    for _ in 0..32 {
        if c.is_connected() && !requested {
            c.send_application_data(b"GET / HTTP/1.1\r\n\r\n").unwrap();
            requested = true;
        }
        let out = c.take_output();
        if !out.is_empty() {
            r.wire.push((true, out.clone()));
            s.receive(&out);
            r.connected.1 |= s.is_connected();
        }
        r.server_got.extend(s.take_app_data());
        if s.is_connected() && !answered && !r.server_got.is_empty() {
            s.send_application_data(b"HTTP/1.1 200 OK\r\n\r\nhi")
                .unwrap();
            s.close();
            answered = true;
        }
        let back = s.take_output();
        if !back.is_empty() {
            r.wire.push((false, back.clone()));
            c.receive(&back);
            r.connected.0 |= c.is_connected();
        }
        r.client_got.extend(c.take_app_data());
        if out.is_empty() && back.is_empty() {
            break;
        }
    }
    while let Some(e) = c.poll_event() {
        r.client.push(e);
    }
    while let Some(e) = s.poll_event() {
        r.server.push(e);
    }
    r
}

fn shared_secret(events: &[ConnectionEvent]) -> Option<Vec<u8>> {
    events.iter().find_map(|e| match &e.kind {
        EventKind::Computation(Computation::EcdhSharedSecret { premaster, .. }) => {
            Some(premaster.0.clone())
        }
        _ => None,
    })
}

fn alert_sent(events: &[ConnectionEvent]) -> Option<String> {
    events.iter().find_map(|e| match &e.kind {
        EventKind::AlertSent(a) if a.is_fatal() => Some(a.description.clone()),
        _ => None,
    })
}

/// The records on the wire: (from the client, content type byte).
fn record_types(bytes: &[u8]) -> Vec<u8> {
    let mut types = Vec::new();
    let mut at = 0;
    while at + 5 <= bytes.len() {
        types.push(bytes[at]);
        at += 5 + usize::from(u16::from_be_bytes([bytes[at + 3], bytes[at + 4]]));
    }
    types
}

#[test]
fn every_suite_on_both_groups_completes_and_carries_data() {
    for suite in CipherSuite::TLS13 {
        for group in [NamedGroup::X25519, NamedGroup::Secp256r1] {
            let (client, server) = configs(suite, group);
            let r = run(client, server, 7);
            let what = format!("{} on {}", suite.name(), group.name());
            assert_eq!(
                r.connected,
                (true, true),
                "{what}: client {:?} server {:?}",
                alert_sent(&r.client),
                alert_sent(&r.server)
            );
            assert_eq!(r.server_got, b"GET / HTTP/1.1\r\n\r\n", "{what}");
            assert_eq!(r.client_got, b"HTTP/1.1 200 OK\r\n\r\nhi", "{what}");
            let secret = shared_secret(&r.client);
            assert!(secret.is_some(), "{what}");
            assert_eq!(secret, shared_secret(&r.server), "{what}: both sides agree");
            assert!(params(suite).is_some());
            // On the wire: the hellos in handshake records, the compatibility
            // change_cipher_spec of each side, everything else application_data.
            let client_types: Vec<u8> = r
                .wire
                .iter()
                .filter(|(c, _)| *c)
                .flat_map(|(_, b)| record_types(b))
                .collect();
            let server_types: Vec<u8> = r
                .wire
                .iter()
                .filter(|(c, _)| !*c)
                .flat_map(|(_, b)| record_types(b))
                .collect();
            assert_eq!(client_types[..2], [22, 20], "{what}: ClientHello, then CCS");
            assert!(
                client_types[2..].iter().all(|&t| t == 23),
                "{what}: {client_types:?}"
            );
            assert_eq!(server_types[..2], [22, 20], "{what}: ServerHello, then CCS");
            assert!(
                server_types[2..].iter().all(|&t| t == 23),
                "{what}: {server_types:?}"
            );
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let wire = |seed| {
        let (client, server) = configs(CipherSuite::TLS_AES_128_GCM_SHA256, NamedGroup::X25519);
        run(client, server, seed).wire
    };
    assert_eq!(wire(3), wire(3));
    assert_ne!(wire(3), wire(4));
}

#[test]
fn an_untrusted_certificate_ends_in_unknown_ca_and_no_data_is_sent() {
    let pki = driver::demo_pki().expect("demo PKI");
    let (mut client, server) = configs(CipherSuite::TLS_AES_128_GCM_SHA256, NamedGroup::X25519);
    client.trust_anchors = vec![pki.attacker_root_cert().to_vec()];
    let r = run(client, server, 1);
    assert_eq!(alert_sent(&r.client).as_deref(), Some("unknown_ca"));
    assert_eq!(r.connected, (false, false));
    assert!(r.server_got.is_empty());
}

#[test]
fn a_tls12_client_gets_protocol_version_from_a_tls13_server() {
    let (mut client, server) = configs(CipherSuite::TLS_AES_128_GCM_SHA256, NamedGroup::X25519);
    client.cipher_suites = vec![CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256];
    let r = run(client, server, 1);
    assert_eq!(alert_sent(&r.server).as_deref(), Some("protocol_version"));
}

/// Section 4.1.4: the client's share is on x25519, the server takes only secp256r1 (which
/// the client supports): a HelloRetryRequest, a second ClientHello with a share on
/// secp256r1, and the handshake completes over the rewritten transcript (message_hash).
#[test]
fn a_hello_retry_request_brings_a_share_on_the_servers_group() {
    let (mut client, mut server) = configs(CipherSuite::TLS_AES_128_GCM_SHA256, NamedGroup::X25519);
    client.groups = vec![NamedGroup::X25519, NamedGroup::Secp256r1];
    server.groups = vec![NamedGroup::Secp256r1];
    let r = run(client, server, 5);
    assert_eq!(
        r.connected,
        (true, true),
        "client {:?} server {:?}",
        alert_sent(&r.client),
        alert_sent(&r.server)
    );
    assert_eq!(r.client_got, b"HTTP/1.1 200 OK\r\n\r\nhi");
    let groups: Vec<String> = r
        .client
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Computation(Computation::EcdhKeyPair { group, .. }) => Some(group.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        groups,
        ["x25519", "secp256r1"],
        "a new key pair for the second ClientHello"
    );
    let client_types: Vec<u8> = r
        .wire
        .iter()
        .filter(|(c, _)| *c)
        .flat_map(|(_, b)| record_types(b))
        .collect();
    let server_types: Vec<u8> = r
        .wire
        .iter()
        .filter(|(c, _)| !*c)
        .flat_map(|(_, b)| record_types(b))
        .collect();
    assert_eq!(
        client_types[..3],
        [22, 22, 20],
        "ClientHello, ClientHello again, then CCS"
    );
    assert_eq!(
        server_types[..3],
        [22, 20, 22],
        "HelloRetryRequest, CCS, then ServerHello"
    );
    // Both transcripts start with the message_hash of the first ClientHello.
    let hashed = |events: &[ConnectionEvent]| {
        events.iter().any(|e| {
            matches!(&e.kind, EventKind::Computation(Computation::TranscriptHash { messages, .. })
                if messages.first().is_some_and(|m| m == "message_hash(ClientHello1)"))
        })
    };
    assert!(hashed(&r.client) && hashed(&r.server));
}

/// No group in common at all: handshake_failure, not a HelloRetryRequest.
#[test]
fn no_group_in_common_is_handshake_failure() {
    let (client, mut server) = configs(CipherSuite::TLS_AES_128_GCM_SHA256, NamedGroup::X25519);
    server.groups = vec![NamedGroup::Secp256r1];
    let r = run(client, server, 5);
    assert_eq!(alert_sent(&r.server).as_deref(), Some("handshake_failure"));
}
