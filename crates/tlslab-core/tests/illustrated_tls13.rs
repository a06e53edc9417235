//! Known answers from "The Illustrated TLS 1.3 Connection" (../shared/vectors/illustrated-tls13):
//! a TLS 1.3 handshake on x25519 with TLS_AES_256_GCM_SHA384, recorded from a real client and
//! server with predictable randomness. From the recorded hellos and the two ephemeral private
//! keys, this engine's own functions give the shared secret and every traffic secret of the
//! session's key log, verify the server's CertificateVerify and both Finished, and open every
//! protected record to the recorded plaintext, sealing it back to the same bytes.

use tlslab_core::crypto::suite::PrfHash;
use tlslab_core::crypto::{RecordProtector, ecdhe, key_exchange_signature, params};
use tlslab_core::msgs::enums::{CipherSuite, ContentType, ExtensionType, NamedGroup};
use tlslab_core::msgs::handshake::{Extension, HandshakePayload, KeyExchange};
use tlslab_core::msgs::tls13::KeyShare;
use tlslab_core::pki::{keys, pem};
use tlslab_core::tls13::key_schedule::KeySchedule;
use tlslab_core::tls13::{certificate_verify_content, record};

const SHA384: PrfHash = PrfHash::Sha384;

fn vector(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../../shared/vectors/illustrated-tls13/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn text(name: &str) -> String {
    String::from_utf8(vector(name)).expect("text")
}

/// A captured record's fragment (each capture is one record).
fn fragment(capture: &str) -> Vec<u8> {
    vector(&format!("caps/{capture}"))[5..].to_vec()
}

/// The raw key at the end of a PEM X25519 key (PKCS#8 or SubjectPublicKeyInfo, RFC 8410).
fn x25519_key(file: &str) -> Vec<u8> {
    let der = &pem::decode_all(&text(&format!("files/{file}"))).expect("PEM")[0].der;
    der[der.len() - 32..].to_vec()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The key log's secret `label` (for the session's one client random).
fn logged(label: &str) -> Vec<u8> {
    let keylog = text("keylog.txt");
    let line = keylog
        .lines()
        .find(|l| l.starts_with(&format!("{label} ")))
        .unwrap_or_else(|| panic!("{label} in the key log"));
    let fields: Vec<&str> = line.split(' ').collect();
    assert_eq!(hex(fields[1]), (0x00..=0x1f).collect::<Vec<u8>>());
    hex(fields[2])
}

/// One direction's protected records, opened in order: each opens to the recorded inner
/// plaintext (content and real type), and that plaintext seals back to the same fragment.
struct Direction {
    opener: RecordProtector,
    sealer: RecordProtector,
}

impl Direction {
    fn new(ks: &mut KeySchedule, secret: &[u8]) -> Direction {
        let suite = params(CipherSuite::TLS_AES_256_GCM_SHA384).expect("implemented");
        let keys = ks.traffic_keys(secret, 32, 12).expect("keys");
        Direction {
            opener: record::protector(suite, keys.clone()),
            sealer: record::protector(suite, keys),
        }
    }

    /// The content of `encrypted`, checked against the recorded `plain`.
    fn open(&mut self, encrypted: &str, plain: &str) -> Vec<u8> {
        let sealed = fragment(encrypted);
        let inner = self
            .opener
            .open(ContentType::ApplicationData, [3, 3], &sealed)
            .unwrap_or_else(|e| panic!("{encrypted}: {e}"))
            .plaintext;
        assert_eq!(inner, vector(&format!("caps/{plain}")), "{encrypted}");
        let (content, typ) = record::split_inner(&inner).expect("a content type");
        let padding = inner.len() - content.len() - 1;
        let again = record::seal(&mut self.sealer, content, typ, padding).expect("seals");
        assert_eq!(again, sealed, "{encrypted} seals back to the same bytes");
        content.to_vec()
    }
}

#[test]
fn the_illustrated_tls13_session_byte_for_byte() {
    let client_hello = fragment("clienthello");
    let server_hello = fragment("serverhello");
    let (HandshakePayload::ClientHello(ch), _) =
        HandshakePayload::decode(&client_hello).expect("decodes")
    else {
        panic!("a ClientHello")
    };
    let (HandshakePayload::ServerHello(sh), _) =
        HandshakePayload::decode(&server_hello).expect("decodes")
    else {
        panic!("a ServerHello")
    };
    assert_eq!(sh.cipher_suite, CipherSuite::TLS_AES_256_GCM_SHA384);
    let Some(Extension::KeyShare(KeyShare::Offered(offered))) =
        ch.extension(ExtensionType::KeyShare)
    else {
        panic!("the client's key_share")
    };
    let Some(Extension::KeyShare(KeyShare::Chosen(chosen))) = sh.extension(ExtensionType::KeyShare)
    else {
        panic!("the server's key_share")
    };
    let client_share = &offered[0].key_exchange;
    let server_share = &chosen.key_exchange;
    assert_eq!(chosen.group, NamedGroup::X25519);
    assert_eq!(*client_share, x25519_key("client-ephemeral-public.key"));
    assert_eq!(*server_share, x25519_key("server-ephemeral-public.key"));

    // The same shared secret from either side's private key and the other's share.
    let x25519 = NamedGroup::X25519;
    let private = |side| x25519_key(&format!("{side}-ephemeral-private.key"));
    let shared = ecdhe::shared_secret(x25519, &private("client"), server_share).expect("valid");
    assert_eq!(
        shared,
        ecdhe::shared_secret(x25519, &private("server"), client_share).expect("valid")
    );

    let mut ks = KeySchedule::new(SHA384);
    let mut transcript = [client_hello, server_hello].concat();
    let hs = ks
        .handshake(&shared, &SHA384.digest(&transcript))
        .expect("schedule");
    assert_eq!(hs.traffic.server, logged("SERVER_HANDSHAKE_TRAFFIC_SECRET"));
    assert_eq!(hs.traffic.client, logged("CLIENT_HANDSHAKE_TRAFFIC_SECRET"));

    // The server's encrypted flight.
    let mut server = Direction::new(&mut ks, &hs.traffic.server);
    let extensions = server.open("serverencextensions", "serverextensions");
    let certificate = server.open("serverenccert", "servercert");
    transcript.extend([extensions, certificate.clone()].concat());
    let decoded = |bytes: &[u8]| {
        HandshakePayload::decode_in(bytes, KeyExchange::KeyShare)
            .expect("decodes")
            .0
    };
    let HandshakePayload::Certificate13(chain) = decoded(&certificate) else {
        panic!("a TLS 1.3 Certificate")
    };
    let recorded = pem::certs_from_pem(&text("server.crt")).expect("PEM");
    assert_eq!(chain.chain()[0], recorded[0]);
    let server_key = keys::leaf_public_key(&recorded[0], 2048).expect("an RSA-2048 key");
    let verify = server.open("serverenccertverify", "servercertverify");
    let HandshakePayload::CertificateVerify(cv) = decoded(&verify) else {
        panic!("a CertificateVerify")
    };
    let signed = certificate_verify_content(true, &SHA384.digest(&transcript));
    assert!(key_exchange_signature::verify(
        &server_key,
        cv.scheme,
        &signed,
        &cv.signature
    ));
    transcript.extend(verify);
    let finished = server.open("serverencfinished", "serverfinished");
    assert_eq!(
        finished[4..],
        ks.verify_data(&hs.traffic.server, &SHA384.digest(&transcript))
            .expect("verify_data")[..]
    );
    transcript.extend(finished);

    // The application stage, and the client's Finished over the same transcript.
    let app = ks
        .application(&hs.handshake_secret, &SHA384.digest(&transcript))
        .expect("schedule");
    assert_eq!(app.traffic.server, logged("SERVER_TRAFFIC_SECRET_0"));
    assert_eq!(app.traffic.client, logged("CLIENT_TRAFFIC_SECRET_0"));
    assert_eq!(app.exporter_master_secret, logged("EXPORTER_SECRET"));
    let mut client = Direction::new(&mut ks, &hs.traffic.client);
    let client_finished = client.open("clientencfinished", "clientfinished");
    assert_eq!(
        client_finished[4..],
        ks.verify_data(&hs.traffic.client, &SHA384.digest(&transcript))
            .expect("verify_data")[..]
    );

    // Application data both ways, and the server's two NewSessionTickets before its reply.
    let mut client = Direction::new(&mut ks, &app.traffic.client);
    assert_eq!(client.open("clientencdata", "clientdata"), b"ping");
    let mut server = Direction::new(&mut ks, &app.traffic.server);
    for (encrypted, plain) in [
        ("serverencticket1", "serverticket1"),
        ("serverencticket2", "serverticket2"),
    ] {
        let ticket = server.open(encrypted, plain);
        assert!(matches!(
            decoded(&ticket),
            HandshakePayload::NewSessionTicket(_)
        ));
    }
    assert_eq!(server.open("serverencdata", "serverdata"), b"pong");
}
