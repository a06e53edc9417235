//! TLS 1.2 records, handshake messages and whole flights built by hand, for the tests that play
//! a hostile peer: `tlslab-core/tests/hostile.rs` (in memory) and
//! `tlslab/tests/hostile_peers.rs` (over loopback against `tlslab serve`).
// A file both test crates include with `#[path]` (both depend on tlslab-core): no dev crate needed.
// Each test crate that includes this module uses only part of it.
#![allow(dead_code)]

use tlslab_core::crypto::prf::{self, LABEL_CLIENT_FINISHED};
use tlslab_core::crypto::{self, RecordProtector, rsa_kx};
use tlslab_core::driver;
use tlslab_core::msgs::enums::{ContentType, ExtensionType, HandshakeType};
use tlslab_core::msgs::handshake::{ClientHello, HandshakePayload, ServerHello, TLS12};
use tlslab_core::pki;
use tlslab_core::record::Deframer;
use tlslab_core::rng::Drbg;
use tlslab_core::timeline::PremasterEncryption;
use tlslab_core::tls12::ClientConfig;
use tlslab_core::tls12::key_schedule;

// ---- records and messages ----

pub const CHANGE_CIPHER_SPEC: u8 = 20;
pub const ALERT: u8 = 21;
pub const HANDSHAKE: u8 = 22;
pub const APPLICATION_DATA: u8 = 23;

/// A plaintext record: type, version 3.3, length, fragment.
pub fn record(content_type: u8, fragment: &[u8]) -> Vec<u8> {
    record_v(content_type, [3, 3], fragment)
}

/// A plaintext record with the record version given.
pub fn record_v(content_type: u8, version: [u8; 2], fragment: &[u8]) -> Vec<u8> {
    let len = u16::try_from(fragment.len()).expect("fragment fits a record");
    [
        &[content_type, version[0], version[1]][..],
        &len.to_be_bytes(),
        fragment,
    ]
    .concat()
}

/// A handshake message with any body: msg_type, 24-bit length, body.
pub fn handshake(typ: HandshakeType, body: &[u8]) -> Vec<u8> {
    let len = u32::try_from(body.len())
        .expect("body fits a handshake message")
        .to_be_bytes();
    [&[typ.to_wire()][..], &len[1..], body].concat()
}

/// A handshake message, encoded, in a record of its own.
pub fn handshake_record(msg: &HandshakePayload) -> Vec<u8> {
    record(HANDSHAKE, &msg.encode())
}

pub fn client_hello_record(ch: ClientHello) -> Vec<u8> {
    handshake_record(&HandshakePayload::ClientHello(ch))
}

/// A well-formed handshake message, decoded.
pub fn decode(msg: &[u8]) -> HandshakePayload {
    HandshakePayload::decode(msg).expect("a clean message").0
}

/// Splits a stream of well-formed records into its records (header included).
pub fn records(stream: &[u8]) -> Vec<Vec<u8>> {
    let mut deframer = Deframer::default();
    deframer.push(stream);
    let mut out = Vec::new();
    while let Some((_, raw)) = deframer.next_record().expect("clean records") {
        out.push(raw);
    }
    assert_eq!(deframer.pending(), 0);
    out
}

/// The handshake messages (header included) in a stream of plaintext records, as far as it
/// goes: what a peer received so far, maybe cut short; other content types are skipped.
pub fn handshake_messages(stream: &[u8]) -> Vec<Vec<u8>> {
    let mut deframer = Deframer::default();
    deframer.push(stream);
    let mut hs = Vec::new();
    while let Ok(Some((rec, _))) = deframer.next_record() {
        if rec.content_type == ContentType::Handshake {
            hs.extend_from_slice(&rec.fragment);
        }
    }
    let mut msgs = Vec::new();
    let mut rest = &hs[..];
    while rest.len() >= 4 {
        let len =
            4 + (usize::from(rest[1]) << 16 | usize::from(rest[2]) << 8 | usize::from(rest[3]));
        let end = len.min(rest.len());
        msgs.push(rest[..end].to_vec());
        rest = &rest[end..];
    }
    msgs
}

// ---- the demo PKI's peers ----

/// A client that trusts the demo PKI and connects to its server name, its clock at `now`.
pub fn demo_client_config(now: u64) -> ClientConfig {
    let pki = driver::demo_pki().expect("demo PKI loads");
    ClientConfig::new(driver::SERVER_NAME, pki.trust_anchors(), now)
}

/// A premaster claiming `client_version`, encrypted to the demo server's key as a client
/// would (seeded: the same bytes every time).
pub fn demo_premaster(client_version: [u8; 2]) -> PremasterEncryption {
    let pki = driver::demo_pki().expect("demo PKI loads");
    let key = pki::leaf_public_key(pki.leaf_cert(), 2048).expect("leaf key");
    rsa_kx::encrypt_premaster(&key, client_version, &mut Drbg::from_u64(9)).expect("encrypt")
}

// ---- a forged flight ----

/// What a forging function makes of the right verify_data.
pub type TamperVerifyData = fn(Vec<u8>) -> Vec<u8>;

/// Ways to make a Finished's verify_data the wrong length (RFC 5246 section 7.4.9: 12 bytes for
/// these suites), each named, as `tamper_verify_data` for the forging functions.
pub const VERIFY_DATA_OF_THE_WRONG_LENGTH: [(&str, TamperVerifyData); 3] = [
    ("one byte too long", |mut v| {
        v.push(0);
        v
    }),
    ("one byte too short", |mut v| {
        v.pop();
        v
    }),
    ("empty", |_| Vec::new()),
];

/// The client's second flight (ClientKeyExchange, ChangeCipherSpec, Finished) built by hand,
/// as a real client would, after the ClientHello message `client_hello` and the server's first
/// flight `server_messages` (handshake messages, ServerHello first): with the premaster the
/// test chose and the verify_data `tamper_verify_data` makes of the right one.
pub fn forge_client_flight(
    client_hello: &[u8],
    server_messages: &[Vec<u8>],
    premaster: &PremasterEncryption,
    tamper_verify_data: impl FnOnce(Vec<u8>) -> Vec<u8>,
) -> Vec<u8> {
    let HandshakePayload::ClientHello(ch) = decode(client_hello) else {
        panic!("not a ClientHello")
    };
    let HandshakePayload::ServerHello(sh) = decode(&server_messages[0]) else {
        panic!("not a ServerHello")
    };
    let sh: ServerHello = sh;
    let params = crypto::params(sh.cipher_suite).expect("a suite we run");
    let cke = HandshakePayload::ClientKeyExchange(premaster.ciphertext.0.clone()).encode();
    let mut transcript = client_hello.to_vec();
    for m in server_messages {
        transcript.extend_from_slice(m);
    }
    transcript.extend_from_slice(&cke);
    // The key schedule the peers run (RFC 5246 8.1 and 6.3; RFC 7627 4 when negotiated).
    let session_hash = prf::handshake_hash(params.prf, &transcript);
    let ems = sh.extension(ExtensionType::ExtendedMasterSecret).is_some();
    let derived = key_schedule::derive(
        &premaster.premaster.0,
        &ch.random,
        &sh.random,
        ems.then_some(session_hash.as_slice()),
        params,
    )
    .expect("a suite we run");
    let verify_data = prf::verify_data(
        params.prf,
        &derived.master_secret,
        LABEL_CLIENT_FINISHED,
        &session_hash,
    );
    let finished = handshake(
        HandshakeType::Finished,
        &tamper_verify_data(verify_data.to_vec()),
    );
    let sealed = RecordProtector::new(params, derived.keys.client_keys())
        .seal(
            ContentType::Handshake,
            TLS12,
            &finished,
            &mut Drbg::from_u64(5),
        )
        .expect("seal");
    [
        record(HANDSHAKE, &cke),
        record(CHANGE_CIPHER_SPEC, &[1]),
        record(HANDSHAKE, &sealed.fragment),
    ]
    .concat()
}
