//! TLS 1.3 between the engine's own client and server, in memory: every suite on both groups,
//! the record layer's TLS 1.3 shape on the wire, a HelloRetryRequest, a refused certificate,
//! and hostile input refused with the alert RFC 8446 names.

use std::sync::Arc;
use tlslab_core::Connection;
use tlslab_core::crypto::params;
use tlslab_core::driver::{self, SERVER_NAME};
use tlslab_core::msgs::enums::{CipherSuite, ContentType, ExtensionType, NamedGroup};
use tlslab_core::msgs::handshake::{Extension, HandshakePayload};
use tlslab_core::msgs::tls13::KeyShare;
use tlslab_core::record::Record;
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

// ---- hostile input: each refused with the alert RFC 8446 names ----

/// The records in `bytes`, each (content type, fragment).
fn records(bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 5 <= bytes.len() {
        let len = usize::from(u16::from_be_bytes([bytes[at + 3], bytes[at + 4]]));
        out.push((bytes[at], bytes[at + 5..at + 5 + len].to_vec()));
        at += 5 + len;
    }
    out
}

fn handshake_record(payload: &HandshakePayload) -> Vec<u8> {
    Record {
        content_type: ContentType::Handshake,
        version: [3, 3],
        fragment: payload.encode(),
    }
    .encode()
}

fn decode13(bytes: &[u8]) -> HandshakePayload {
    HandshakePayload::decode_in(bytes, tlslab_core::msgs::handshake::KeyExchange::KeyShare)
        .expect("decodes")
        .0
}

fn peers() -> (Connection, Connection) {
    let (client, server) = configs(CipherSuite::TLS_AES_128_GCM_SHA256, NamedGroup::X25519);
    let mut rng = Drbg::from_u64(2);
    (
        Connection::client(client, Box::new(rng.fork("client"))),
        Connection::server(server, Box::new(rng.fork("server"))),
    )
}

fn fatal(conn: &mut Connection) -> Option<String> {
    let events: Vec<ConnectionEvent> = std::iter::from_fn(|| conn.poll_event()).collect();
    alert_sent(&events)
}

/// The client's ClientHello, changed by `edit`, fed to a fresh server.
fn server_fed(edit: impl FnOnce(&mut tlslab_core::msgs::handshake::ClientHello)) -> Connection {
    let (mut c, mut s) = peers();
    let flight = c.take_output();
    let (_, fragment) = &records(&flight)[0];
    let HandshakePayload::ClientHello(mut ch) = decode13(fragment) else {
        panic!("a ClientHello");
    };
    edit(&mut ch);
    s.receive(&handshake_record(&HandshakePayload::ClientHello(ch)));
    s
}

#[test]
fn a_duplicate_extension_is_illegal_parameter() {
    let mut s = server_fed(|ch| {
        let again = ch
            .extension(ExtensionType::SupportedVersions)
            .unwrap()
            .clone();
        ch.extensions.push(again);
    });
    assert_eq!(fatal(&mut s).as_deref(), Some("illegal_parameter"));
}

#[test]
fn an_unknown_extension_is_ignored() {
    let mut s = server_fed(|ch| {
        ch.extensions.push(Extension::Unknown(
            ExtensionType::Unknown(0x7a7a),
            vec![1, 2, 3],
        ))
    });
    assert_eq!(fatal(&mut s), None);
    assert_eq!(records(&s.take_output())[0].0, 22, "a ServerHello");
}

#[test]
fn a_client_hello_without_key_share_is_missing_extension() {
    let mut s = server_fed(|ch| ch.extensions.retain(|e| e.typ() != ExtensionType::KeyShare));
    assert_eq!(fatal(&mut s).as_deref(), Some("missing_extension"));
}

/// The server's first flight, the ServerHello record first.
fn server_flight() -> (Connection, Vec<(u8, Vec<u8>)>) {
    let (mut c, mut s) = peers();
    s.receive(&c.take_output());
    let flight = records(&s.take_output());
    (c, flight)
}

#[test]
fn a_server_share_on_a_group_not_offered_is_illegal_parameter() {
    let (mut c, flight) = server_flight();
    let HandshakePayload::ServerHello(mut sh) = decode13(&flight[0].1) else {
        panic!("a ServerHello");
    };
    for e in &mut sh.extensions {
        if let Extension::KeyShare(KeyShare::Chosen(entry)) = e {
            entry.group = NamedGroup::Secp256r1;
        }
    }
    c.receive(&handshake_record(&HandshakePayload::ServerHello(sh)));
    assert_eq!(fatal(&mut c).as_deref(), Some("illegal_parameter"));
}

#[test]
fn an_unprotected_handshake_record_after_server_hello_is_unexpected_message() {
    let (mut c, flight) = server_flight();
    c.receive(
        &Record {
            content_type: ContentType::Handshake,
            version: [3, 3],
            fragment: flight[0].1.clone(),
        }
        .encode(),
    );
    // The ServerHello again, now in the clear after the handshake keys.
    c.receive(
        &Record {
            content_type: ContentType::Handshake,
            version: [3, 3],
            fragment: flight[0].1.clone(),
        }
        .encode(),
    );
    assert_eq!(fatal(&mut c).as_deref(), Some("unexpected_message"));
}

#[test]
fn a_record_over_2_14_plus_256_is_record_overflow() {
    let (mut c, flight) = server_flight();
    c.receive(
        &Record {
            content_type: ContentType::Handshake,
            version: [3, 3],
            fragment: flight[0].1.clone(),
        }
        .encode(),
    );
    let oversized = Record {
        content_type: ContentType::ApplicationData,
        version: [3, 3],
        fragment: vec![0; (1 << 14) + 257],
    };
    c.receive(&oversized.encode());
    assert_eq!(fatal(&mut c).as_deref(), Some("record_overflow"));
}

#[test]
fn a_change_cipher_spec_other_than_one_byte_0x01_is_unexpected_message() {
    let (mut c, flight) = server_flight();
    c.receive(
        &Record {
            content_type: ContentType::Handshake,
            version: [3, 3],
            fragment: flight[0].1.clone(),
        }
        .encode(),
    );
    c.receive(
        &Record {
            content_type: ContentType::ChangeCipherSpec,
            version: [3, 3],
            fragment: vec![1],
        }
        .encode(),
    );
    assert_eq!(
        fatal(&mut c),
        None,
        "the compatibility change_cipher_spec is dropped"
    );
    c.receive(
        &Record {
            content_type: ContentType::ChangeCipherSpec,
            version: [3, 3],
            fragment: vec![2],
        }
        .encode(),
    );
    assert_eq!(fatal(&mut c).as_deref(), Some("unexpected_message"));
}

/// Section 4.6.3: a KeyUpdate asking the peer to update too; both directions move to the next
/// application traffic secret, and data still flows both ways. A request_update other than
/// 0 or 1 is illegal_parameter.
#[test]
fn key_update_both_ways_and_data_still_flows() {
    let (client, server) = configs(CipherSuite::TLS_AES_256_GCM_SHA384, NamedGroup::X25519);
    let mut rng = Drbg::from_u64(9);
    let mut c = Connection::client(client, Box::new(rng.fork("client")));
    let mut s = Connection::server(server, Box::new(rng.fork("server")));
    for _ in 0..4 {
        s.receive(&c.take_output());
        c.receive(&s.take_output());
    }
    assert!(c.is_connected() && s.is_connected());
    let updates = |events: &[ConnectionEvent]| {
        events
            .iter()
            .filter(|e| matches!(&e.kind, EventKind::Computation(Computation::HkdfExpandLabel { label, .. }) if label == "traffic upd"))
            .count()
    };
    let (before_c, before_s): (Vec<_>, Vec<_>) = (
        std::iter::from_fn(|| c.poll_event()).collect(),
        std::iter::from_fn(|| s.poll_event()).collect(),
    );
    assert_eq!((updates(&before_c), updates(&before_s)), (0, 0));
    c.key_update(true).unwrap();
    s.receive(&c.take_output());
    c.receive(&s.take_output());
    let (after_c, after_s): (Vec<_>, Vec<_>) = (
        std::iter::from_fn(|| c.poll_event()).collect(),
        std::iter::from_fn(|| s.poll_event()).collect(),
    );
    // Each side moved both its write and its read secret.
    assert_eq!((updates(&after_c), updates(&after_s)), (2, 2));
    c.send_application_data(b"after the update").unwrap();
    s.receive(&c.take_output());
    assert_eq!(s.take_app_data(), b"after the update");
    s.send_application_data(b"and back").unwrap();
    c.receive(&s.take_output());
    assert_eq!(c.take_app_data(), b"and back");
    assert!(alert_sent(&after_c).is_none() && alert_sent(&after_s).is_none());
    // A TLS 1.2 connection has no KeyUpdate.
    let (mut client12, mut server12) =
        configs(CipherSuite::TLS_AES_128_GCM_SHA256, NamedGroup::X25519);
    client12.cipher_suites = vec![CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256];
    server12.cipher_suites = vec![CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256];
    let mut c = Connection::client(client12, Box::new(rng.fork("client12")));
    let mut s = Connection::server(server12, Box::new(rng.fork("server12")));
    for _ in 0..4 {
        s.receive(&c.take_output());
        c.receive(&s.take_output());
    }
    assert!(c.is_connected());
    assert!(c.key_update(false).is_err());
}

// ---- one side speaking both versions (section 4.2.1), the downgrade sentinel (4.1.3) ----

/// A client offering TLS 1.3 and TLS 1.2 (every suite), a server accepting both.
fn both_versions() -> (ClientConfig, ServerConfig) {
    let (mut client, mut server) = configs(CipherSuite::TLS_AES_128_GCM_SHA256, NamedGroup::X25519);
    client.cipher_suites = [&CipherSuite::TLS13[..], &CipherSuite::SUPPORTED[..]].concat();
    server.cipher_suites = client.cipher_suites.clone();
    (client, server)
}

fn suite_completed(events: &[ConnectionEvent]) -> Option<String> {
    events.iter().find_map(|e| match &e.kind {
        EventKind::HandshakeComplete { cipher_suite, .. } => Some(cipher_suite.clone()),
        _ => None,
    })
}

/// The server's random as it recorded drawing it.
fn server_random(events: &[ConnectionEvent]) -> Vec<u8> {
    events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Computation(Computation::Random { name, value })
                if *name == tlslab_core::timeline::ValueName::ServerRandom =>
            {
                Some(value.0.clone())
            }
            _ => None,
        })
        .expect("the server drew its random")
}

#[test]
fn both_sides_speaking_both_versions_agree_on_tls13() {
    let (client, server) = both_versions();
    let r = run(client, server, 11);
    assert_eq!(r.connected, (true, true));
    assert_eq!(
        suite_completed(&r.client).as_deref(),
        Some("TLS_AES_128_GCM_SHA256")
    );
    assert_eq!(r.client_got, b"HTTP/1.1 200 OK\r\n\r\nhi");
    assert!(!server_random(&r.server).ends_with(b"DOWNGRD\x01"));
}

/// A TLS 1.2 client of a server that speaks both: TLS 1.2, with the sentinel in the server's
/// random (the TLS 1.2 client does not look for it).
#[test]
fn a_tls12_client_gets_tls12_and_the_sentinel_from_a_server_speaking_both() {
    for suite in [
        CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    ] {
        let (mut client, server) = both_versions();
        client.cipher_suites = vec![suite];
        let r = run(client, server, 12);
        assert_eq!(r.connected, (true, true), "{}", suite.name());
        assert_eq!(suite_completed(&r.server), Some(suite.name()));
        assert!(server_random(&r.server).ends_with(b"DOWNGRD\x01"));
    }
}

/// A client offering both, a server speaking TLS 1.2 only (no sentinel): the client's TLS 1.2
/// machine takes over from its ClientHello and completes, with the extended master secret.
#[test]
fn a_client_offering_both_completes_tls12_with_a_tls12_server() {
    for suite in [
        CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA,
    ] {
        let (client, mut server) = both_versions();
        server.cipher_suites = vec![suite];
        let r = run(client, server, 13);
        assert_eq!(
            r.connected,
            (true, true),
            "{}: {:?}",
            suite.name(),
            alert_sent(&r.client)
        );
        assert!(r.client.iter().any(|e| matches!(&e.kind,
            EventKind::HandshakeComplete { cipher_suite, extended_master_secret: true }
                if *cipher_suite == suite.name())));
        assert_eq!(r.client_got, b"HTTP/1.1 200 OK\r\n\r\nhi");
    }
}

/// Section 4.1.3: someone removes TLS 1.3 from the client's offer; the server, which speaks
/// it, answers in TLS 1.2 with the sentinel, and the client refuses with illegal_parameter
/// before it sends anything more.
#[test]
fn a_downgrade_to_tls12_is_caught_by_the_sentinel() {
    let (client, server) = both_versions();
    let mut rng = Drbg::from_u64(14);
    let mut c = Connection::client(client, Box::new(rng.fork("client")));
    let mut s = Connection::server(server, Box::new(rng.fork("server")));
    let (_, fragment) = &records(&c.take_output())[0];
    let HandshakePayload::ClientHello(mut ch) = decode13(fragment) else {
        panic!("a ClientHello");
    };
    ch.extensions
        .retain(|e| !matches!(e, Extension::SupportedVersions(_)));
    s.receive(&handshake_record(&HandshakePayload::ClientHello(ch)));
    assert_eq!(fatal(&mut s), None, "the server answers in TLS 1.2");
    c.receive(&s.take_output());
    assert_eq!(fatal(&mut c).as_deref(), Some("illegal_parameter"));
    let sent = records(&c.take_output());
    assert_eq!(sent.len(), 1, "only the alert");
    assert_eq!(sent[0].0, 21);
}

/// A TLS 1.3 ServerHello must choose a TLS 1.3 suite; a TLS 1.2 one, though offered for
/// TLS 1.2, is illegal_parameter.
#[test]
fn a_tls13_server_hello_with_a_tls12_suite_is_illegal_parameter() {
    let (client, server) = both_versions();
    let mut rng = Drbg::from_u64(15);
    let mut c = Connection::client(client, Box::new(rng.fork("client")));
    let mut s = Connection::server(server, Box::new(rng.fork("server")));
    s.receive(&c.take_output());
    let flight = records(&s.take_output());
    let HandshakePayload::ServerHello(mut sh) = decode13(&flight[0].1) else {
        panic!("a ServerHello");
    };
    sh.cipher_suite = CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
    c.receive(&handshake_record(&HandshakePayload::ServerHello(sh)));
    assert_eq!(fatal(&mut c).as_deref(), Some("illegal_parameter"));
}

/// Section 5: "An implementation which receives any other change_cipher_spec value or which
/// receives a protected change_cipher_spec record MUST abort the handshake with an
/// "unexpected_message" alert." The server's handshake traffic key, from its own record of
/// the schedule, seals a change_cipher_spec.
#[test]
fn a_protected_change_cipher_spec_is_unexpected_message() {
    use tlslab_core::tls13::key_schedule::KeySchedule;
    let (mut c, mut s) = peers();
    s.receive(&c.take_output());
    let flight = records(&s.take_output());
    let events: Vec<ConnectionEvent> = std::iter::from_fn(|| s.poll_event()).collect();
    let secret = events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Computation(Computation::HkdfExpandLabel { label, output, .. })
                if label == "s hs traffic" =>
            {
                Some(output.0.clone())
            }
            _ => None,
        })
        .expect("the server derived its handshake traffic secret");
    let params = params(CipherSuite::TLS_AES_128_GCM_SHA256).unwrap();
    let keys = KeySchedule::new(params.prf)
        .traffic_keys(&secret, 16, 12)
        .unwrap();
    let mut protector = tlslab_core::tls13::record::protector(params, keys);
    let ccs =
        tlslab_core::tls13::record::seal(&mut protector, &[1], ContentType::ChangeCipherSpec, 0)
            .unwrap();
    // ServerHello in the clear, then the protected change_cipher_spec as the first record
    // under the handshake keys.
    c.receive(
        &Record {
            content_type: ContentType::Handshake,
            version: [3, 3],
            fragment: flight[0].1.clone(),
        }
        .encode(),
    );
    c.receive(
        &Record {
            content_type: ContentType::ApplicationData,
            version: [3, 3],
            fragment: ccs,
        }
        .encode(),
    );
    assert_eq!(fatal(&mut c).as_deref(), Some("unexpected_message"));
}

/// The client's ServerHello, taken from a server speaking both versions, changed by `edit`
/// and fed back to the client offering both; the alert it sends.
fn client_fed_server_hello(
    client: ClientConfig,
    server: ServerConfig,
    edit: impl FnOnce(&mut tlslab_core::msgs::handshake::ServerHello, &[u8]),
) -> Option<String> {
    let mut rng = Drbg::from_u64(16);
    let mut c = Connection::client(client, Box::new(rng.fork("client")));
    let mut s = Connection::server(server, Box::new(rng.fork("server")));
    let hello = c.take_output();
    let (_, ch) = &records(&hello)[0];
    let HandshakePayload::ClientHello(ch) = decode13(ch) else {
        panic!("a ClientHello");
    };
    s.receive(&hello);
    let flight = records(&s.take_output());
    let HandshakePayload::ServerHello(mut sh) = decode13(&flight[0].1) else {
        panic!("a ServerHello");
    };
    edit(&mut sh, &ch.session_id);
    c.receive(&handshake_record(&HandshakePayload::ServerHello(sh)));
    fatal(&mut c)
}

/// RFC 5246 section 7.4.1.3: a TLS 1.2 server echoing the random legacy_session_id of a
/// client offering both versions claims to resume a session that never was.
#[test]
fn a_tls12_server_hello_echoing_our_session_id_is_illegal_parameter() {
    let (client, mut server) = both_versions();
    server.cipher_suites = vec![CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256];
    let alert = client_fed_server_hello(client, server, |sh, ours| {
        sh.session_id = ours.to_vec();
    });
    assert_eq!(alert.as_deref(), Some("illegal_parameter"));
}

/// Section 4.2: a TLS 1.3 ServerHello may answer only key_share, supported_versions and
/// pre_shared_key; TLS 1.2's extended_master_secret (which the client did send) is
/// illegal_parameter, an extension the client never sent unsupported_extension.
#[test]
fn a_tls13_server_hello_with_extensions_it_may_not_carry_is_refused() {
    use tlslab_core::msgs::enums::ExtensionType;
    let cases: [(Extension, &str); 2] = [
        (Extension::ExtendedMasterSecret, "illegal_parameter"),
        (
            Extension::Unknown(ExtensionType::from_wire(0x7a7a), Vec::new()),
            "unsupported_extension",
        ),
    ];
    for (extra, alert) in cases {
        let (client, server) = both_versions();
        let got = client_fed_server_hello(client, server, |sh, _| sh.extensions.push(extra));
        assert_eq!(got.as_deref(), Some(alert));
    }
}

/// Section 4.1.4: after a HelloRetryRequest (which chose TLS 1.3) a ServerHello choosing
/// TLS 1.2 is illegal_parameter.
#[test]
fn a_tls12_server_hello_after_a_hello_retry_request_is_illegal_parameter() {
    let (mut client, mut server) = both_versions();
    client.groups = vec![NamedGroup::X25519, NamedGroup::Secp256r1];
    server.groups = vec![NamedGroup::Secp256r1];
    let mut rng = Drbg::from_u64(17);
    let mut c = Connection::client(client, Box::new(rng.fork("client")));
    let mut s = Connection::server(server, Box::new(rng.fork("server")));
    s.receive(&c.take_output());
    c.receive(&s.take_output());
    assert_eq!(fatal(&mut c), None, "the HelloRetryRequest is answered");
    let tls12 = tlslab_core::msgs::handshake::ServerHello {
        server_version: [3, 3],
        random: [7; 32],
        session_id: Vec::new(),
        cipher_suite: CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        compression_method: 0,
        extensions: Vec::new(),
    };
    c.receive(&handshake_record(&HandshakePayload::ServerHello(tls12)));
    assert_eq!(fatal(&mut c).as_deref(), Some("illegal_parameter"));
}

/// Section 5: a change_cipher_spec is dropped only until the peer's Finished; after it, it is
/// unexpected_message.
#[test]
fn a_change_cipher_spec_after_the_peers_finished_is_unexpected_message() {
    let (mut c, mut s) = peers();
    s.receive(&c.take_output());
    c.receive(&s.take_output());
    assert!(c.is_connected());
    assert_eq!(fatal(&mut c), None);
    c.receive(
        &Record {
            content_type: ContentType::ChangeCipherSpec,
            version: [3, 3],
            fragment: vec![1],
        }
        .encode(),
    );
    assert_eq!(fatal(&mut c).as_deref(), Some("unexpected_message"));
}

/// Section 4.2.1: a server speaking TLS 1.3 negotiates by supported_versions when it is
/// there; one that offers neither TLS 1.3 nor TLS 1.2 gets protocol_version, whatever its
/// legacy_version says.
#[test]
fn supported_versions_without_tls12_or_tls13_is_protocol_version() {
    let (client, server) = both_versions();
    let mut rng = Drbg::from_u64(18);
    let mut c = Connection::client(client, Box::new(rng.fork("client")));
    let mut s = Connection::server(server, Box::new(rng.fork("server")));
    let (_, fragment) = &records(&c.take_output())[0];
    let HandshakePayload::ClientHello(mut ch) = decode13(fragment) else {
        panic!("a ClientHello");
    };
    for e in &mut ch.extensions {
        if let Extension::SupportedVersions(v) = e {
            *v = tlslab_core::msgs::tls13::SupportedVersions::Offered(vec![[3, 2]]);
        }
    }
    s.receive(&handshake_record(&HandshakePayload::ClientHello(ch)));
    assert_eq!(fatal(&mut s).as_deref(), Some("protocol_version"));
}
