//! RFC 8448 section 3 (Simple 1-RTT Handshake), byte for byte: from the trace's x25519 keys and
//! messages, the engine's key schedule gives every secret, key, IV and Finished value the trace
//! prints, and its record layer opens every protected record of the trace and seals the same
//! plaintext into the same bytes. Section 5's schedule after a HelloRetryRequest likewise. And
//! the engine's own server, given the trace server's key, certificate and randomness, answers
//! the ClientHello of sections 3 and 7 with the trace's ServerHello (and section 7's
//! change_cipher_spec) byte for byte.

#[path = "support/rfc8448.rs"]
mod rfc8448;

use rfc8448::Trace;
use tlslab_core::crypto::suite::PrfHash;
use tlslab_core::crypto::{RecordProtector, ecdhe, params};
use tlslab_core::msgs::enums::NamedGroup;
use tlslab_core::msgs::enums::{CipherSuite, ContentType};
use tlslab_core::tls13::key_schedule::KeySchedule;
use tlslab_core::tls13::key_schedule::TrafficKeys;
use tlslab_core::tls13::record;

const SHA256: PrfHash = PrfHash::Sha256;

#[test]
fn the_parser_reads_every_value_it_needs() {
    let t = Trace::section(3);
    assert_eq!(
        t.get("client", "construct a ClientHello", "ClientHello")
            .len(),
        196
    );
    assert_eq!(
        t.get("server", "construct a Certificate", "Certificate")
            .len(),
        445
    );
    assert_eq!(
        t.get("server", "send handshake record", "complete record")
            .len(),
        95
    );
    assert_eq!(
        t.nth("server", "send handshake record", "complete record", 1)
            .len(),
        679
    );
}

#[test]
fn section_3_key_schedule_and_records() {
    let t = Trace::section(3);
    let client_hello = t.get("client", "construct a ClientHello", "ClientHello");
    let server_hello = t.get("server", "construct a ServerHello", "ServerHello");
    // The (EC)DHE input: our x25519 with the client's private key and the server's share.
    let shared = ecdhe::shared_secret(
        NamedGroup::X25519,
        &t.get("client", "create an ephemeral x25519", "private key"),
        &t.get("server", "create an ephemeral x25519", "public key"),
    )
    .expect("a valid share");
    assert_eq!(
        shared,
        t.get("server", "extract secret \"handshake\"", "IKM")
    );

    let mut ks = KeySchedule::new(SHA256);
    let hello_hash = SHA256.digest(&[client_hello.as_slice(), &server_hello].concat());
    let hs = ks.handshake(&shared, &hello_hash).expect("schedule");
    assert_eq!(
        hs.handshake_secret,
        t.get("server", "extract secret \"handshake\"", "secret")
    );
    assert_eq!(
        hs.traffic.client,
        t.get("server", "derive secret \"tls13 c hs traffic\"", "expanded")
    );
    assert_eq!(
        hs.traffic.server,
        t.get("server", "derive secret \"tls13 s hs traffic\"", "expanded")
    );
    // Every derivation recorded, with the HkdfLabel the trace prints as info.
    let done = ks.take();
    assert_eq!(
        done[0].output(),
        t.get("server", "extract secret \"early\"", "secret")
    );
    let infos: Vec<Vec<u8>> = done
        .iter()
        .filter_map(|d| match d {
            tlslab_core::tls13::key_schedule::Derivation::ExpandLabel { info, .. } => {
                Some(info.clone())
            }
            _ => None,
        })
        .collect();
    assert!(infos.contains(&t.get("server", "derive secret \"tls13 c hs traffic\"", "info")));

    let server_hs = ks.traffic_keys(&hs.traffic.server, 16, 12).unwrap();
    assert_eq!(
        server_hs.key,
        t.get(
            "server",
            "derive write traffic keys for handshake data",
            "key expanded"
        )
    );
    assert_eq!(
        server_hs.iv,
        t.get(
            "server",
            "derive write traffic keys for handshake data",
            "iv expanded"
        )
    );
    let client_hs = ks.traffic_keys(&hs.traffic.client, 16, 12).unwrap();
    assert_eq!(
        client_hs.key,
        t.get(
            "server",
            "derive read traffic keys for handshake data",
            "key expanded"
        )
    );

    // The server's Finished over ClientHello..CertificateVerify, then the application stage.
    let flight: Vec<u8> = [
        "construct an EncryptedExtensions",
        "construct a Certificate",
        "construct a CertificateVerify",
    ]
    .iter()
    .flat_map(|step| {
        let name = step.rsplit(' ').next().unwrap();
        t.get("server", step, name)
    })
    .collect();
    let transcript = [client_hello.as_slice(), &server_hello, &flight].concat();
    let server_finished = ks
        .verify_data(&hs.traffic.server, &SHA256.digest(&transcript))
        .unwrap();
    assert_eq!(
        server_finished,
        t.get("server", "calculate finished", "finished")
    );
    let finished_message = t.get("server", "construct a Finished", "Finished");
    assert_eq!(finished_message[4..], server_finished[..]);
    let transcript = [transcript, finished_message].concat();
    let app = ks
        .application(&hs.handshake_secret, &SHA256.digest(&transcript))
        .unwrap();
    assert_eq!(
        app.master_secret,
        t.get("server", "extract secret \"master\"", "secret")
    );
    assert_eq!(
        app.traffic.client,
        t.get("server", "derive secret \"tls13 c ap traffic\"", "expanded")
    );
    assert_eq!(
        app.traffic.server,
        t.get("server", "derive secret \"tls13 s ap traffic\"", "expanded")
    );
    assert_eq!(
        app.exporter_master_secret,
        t.get("server", "derive secret \"tls13 exp master\"", "expanded")
    );
    let server_ap = ks.traffic_keys(&app.traffic.server, 16, 12).unwrap();
    assert_eq!(
        server_ap.key,
        t.get(
            "server",
            "derive write traffic keys for application data",
            "key expanded"
        )
    );
    assert_eq!(
        server_ap.iv,
        t.get(
            "server",
            "derive write traffic keys for application data",
            "iv expanded"
        )
    );

    // The client's Finished over the transcript through the server's Finished.
    let client_finished = ks
        .verify_data(&hs.traffic.client, &SHA256.digest(&transcript))
        .unwrap();
    assert_eq!(
        client_finished,
        t.get("client", "calculate finished", "finished")
    );
    let client_ap = ks.traffic_keys(&app.traffic.client, 16, 12).unwrap();
    assert_eq!(
        client_ap.key,
        t.get(
            "client",
            "derive write traffic keys for application data",
            "key expanded"
        )
    );
    let transcript = [
        transcript,
        t.get("client", "construct a Finished", "Finished"),
    ]
    .concat();
    let resumption = ks
        .resumption_master(&app.master_secret, &SHA256.digest(&transcript))
        .unwrap();
    assert_eq!(
        resumption,
        t.get("client", "derive secret \"tls13 res master\"", "expanded")
    );
    // Every protected record: opened to the trace's payload with its real type, and the same
    // payload sealed again (no padding in the trace) into the same bytes.
    let mut records = Records::default();
    let handshake = ContentType::Handshake;
    records.check(
        &t,
        "server",
        "send handshake record",
        1,
        &server_hs,
        0,
        handshake,
    );
    records.check(
        &t,
        "client",
        "send handshake record",
        1,
        &client_hs,
        0,
        handshake,
    );
    records.check(
        &t,
        "server",
        "send handshake record",
        2,
        &server_ap,
        0,
        handshake,
    );
    let data = ContentType::ApplicationData;
    records.check(
        &t,
        "client",
        "send application_data record",
        0,
        &client_ap,
        0,
        data,
    );
    records.check(
        &t,
        "server",
        "send application_data record",
        0,
        &server_ap,
        1,
        data,
    );
    records.check(
        &t,
        "client",
        "send alert record",
        0,
        &client_ap,
        1,
        ContentType::Alert,
    );
    records.check(
        &t,
        "server",
        "send alert record",
        0,
        &server_ap,
        2,
        ContentType::Alert,
    );
    assert_eq!(records.0, 7);
}

/// Checks protected records against the trace; counts them.
#[derive(Default)]
struct Records(usize);

impl Records {
    /// The `nth` record of `actor`'s `step`, the `seq`th under `keys`.
    #[allow(clippy::too_many_arguments)]
    fn check(
        &mut self,
        t: &Trace,
        actor: &str,
        step: &str,
        nth: usize,
        keys: &TrafficKeys,
        seq: u64,
        typ: ContentType,
    ) {
        let params = params(CipherSuite::TLS_AES_128_GCM_SHA256).unwrap();
        let complete = t.nth(actor, step, "complete record", nth);
        let payload = t.nth(actor, step, "payload", nth);
        assert_eq!(
            complete[..3],
            [0x17, 0x03, 0x03],
            "{actor} {step}: an application_data header"
        );
        let at = || {
            let mut p = record::protector(params, keys.clone());
            for _ in 0..seq {
                skip(&mut p);
            }
            p
        };
        let opened = at()
            .open(ContentType::ApplicationData, [3, 3], &complete[5..])
            .unwrap_or_else(|e| panic!("{actor} {step} #{nth}: {e}"));
        assert_eq!(
            record::split_inner(&opened.plaintext),
            Ok((&payload[..], typ)),
            "{actor} {step} #{nth}"
        );
        let sealed = record::seal(&mut at(), &payload, typ, 0).unwrap();
        assert_eq!(sealed, complete[5..], "{actor} {step} #{nth}: sealed again");
        self.0 += 1;
    }
}

/// Moves a protector's sequence number on by one record.
fn skip(p: &mut RecordProtector) {
    record::seal(p, b"", ContentType::ApplicationData, 0).unwrap();
}

/// Every handshake message of section 3, and section 5's HelloRetryRequest and second
/// ClientHello, decode as TLS 1.3's, encode back to the same bytes, and fail on every
/// truncation.
#[test]
fn every_message_decodes_and_encodes_back() {
    use tlslab_core::msgs::enums::ExtensionType;
    use tlslab_core::msgs::handshake::{Extension, HandshakePayload, KeyExchange, ServerHello};
    use tlslab_core::msgs::tls13::{KeyShare, SupportedVersions, TLS13};
    let decode = |bytes: &[u8]| {
        let (msg, _) = HandshakePayload::decode_in(bytes, KeyExchange::KeyShare)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(msg.encode(), bytes, "{} encodes back", msg.title());
        for cut in 0..bytes.len() {
            assert!(
                HandshakePayload::decode_in(&bytes[..cut], KeyExchange::KeyShare).is_err(),
                "{} truncated to {cut} bytes decoded",
                msg.title()
            );
        }
        msg
    };
    let t = Trace::section(3);
    let HandshakePayload::ClientHello(ch) =
        decode(&t.get("client", "construct a ClientHello", "ClientHello"))
    else {
        panic!("a ClientHello");
    };
    assert_eq!(
        ch.extension(ExtensionType::SupportedVersions),
        Some(&Extension::SupportedVersions(SupportedVersions::Offered(
            vec![TLS13]
        )))
    );
    let Some(Extension::KeyShare(KeyShare::Offered(shares))) =
        ch.extension(ExtensionType::KeyShare)
    else {
        panic!("client key shares");
    };
    assert_eq!(
        shares[0].key_exchange,
        t.get("client", "create an ephemeral x25519", "public key")
    );
    let HandshakePayload::ServerHello(sh) =
        decode(&t.get("server", "construct a ServerHello", "ServerHello"))
    else {
        panic!("a ServerHello");
    };
    let server_share = |sh: &ServerHello| match sh.extension(ExtensionType::KeyShare) {
        Some(Extension::KeyShare(KeyShare::Chosen(entry))) => entry.key_exchange.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        server_share(&sh),
        t.get("server", "create an ephemeral x25519", "public key")
    );
    let titles: Vec<String> = [
        (
            "server",
            "construct an EncryptedExtensions",
            "EncryptedExtensions",
        ),
        ("server", "construct a Certificate", "Certificate"),
        (
            "server",
            "construct a CertificateVerify",
            "CertificateVerify",
        ),
        ("server", "construct a Finished", "Finished"),
        ("client", "construct a Finished", "Finished"),
        ("server", "construct a NewSessionTicket", "NewSessionTicket"),
    ]
    .iter()
    .map(|(actor, step, name)| decode(&t.get(actor, step, name)).title())
    .collect();
    assert_eq!(
        titles,
        [
            "EncryptedExtensions",
            "Certificate",
            "CertificateVerify",
            "Finished",
            "Finished",
            "NewSessionTicket"
        ]
    );
    let HandshakePayload::Certificate13(certificate) =
        decode(&t.get("server", "construct a Certificate", "Certificate"))
    else {
        panic!("TLS 1.3's Certificate");
    };
    assert_eq!(certificate.chain().len(), 1);

    // Section 5: the HelloRetryRequest asks for secp256r1 and sends a cookie.
    let t = Trace::section(5);
    let HandshakePayload::ServerHello(hrr) =
        decode(&t.get("server", "construct a ServerHello", "ServerHello"))
    else {
        panic!("a HelloRetryRequest");
    };
    assert_eq!(
        hrr.extension(ExtensionType::KeyShare),
        Some(&Extension::KeyShare(KeyShare::Retry(
            tlslab_core::msgs::enums::NamedGroup::Secp256r1
        )))
    );
    assert!(
        matches!(hrr.extension(ExtensionType::Cookie), Some(Extension::Cookie(c)) if !c.is_empty())
    );
    let second = t.nth("client", "construct a ClientHello", "ClientHello", 1);
    let HandshakePayload::ClientHello(ch2) = decode(&second) else {
        panic!("a second ClientHello");
    };
    assert!(matches!(
        ch2.extension(ExtensionType::Cookie),
        Some(Extension::Cookie(_))
    ));
}

/// Section 5 (HelloRetryRequest): with the first ClientHello replaced by its message_hash,
/// the transcript through the second ServerHello gives the trace's handshake traffic secrets,
/// from the secp256r1 shares.
#[test]
fn section_5_key_schedule_after_a_hello_retry_request() {
    let t = Trace::section(5);
    let ch1 = t.nth("client", "construct a ClientHello", "ClientHello", 0);
    let hrr = t.nth("server", "construct a ServerHello", "ServerHello", 0);
    let ch2 = t.nth("client", "construct a ClientHello", "ClientHello", 1);
    let sh = t.nth("server", "construct a ServerHello", "ServerHello", 1);
    let shared = ecdhe::shared_secret(
        NamedGroup::Secp256r1,
        &t.get("client", "create an ephemeral P-256", "private key"),
        &t.get("server", "create an ephemeral P-256", "public key"),
    )
    .expect("a valid P-256 share");
    assert_eq!(
        shared,
        t.get("server", "extract secret \"handshake\"", "IKM")
    );
    let transcript = [tlslab_core::tls13::message_hash(SHA256, &ch1), hrr, ch2, sh].concat();
    let mut ks = KeySchedule::new(SHA256);
    let hs = ks.handshake(&shared, &SHA256.digest(&transcript)).unwrap();
    assert_eq!(
        hs.traffic.client,
        t.get("server", "derive secret \"tls13 c hs traffic\"", "expanded")
    );
    assert_eq!(
        hs.traffic.server,
        t.get("server", "derive secret \"tls13 s hs traffic\"", "expanded")
    );
}

/// The trace's randomness, replayed in the order the engine draws it; then a seeded stream
/// (the RSA blinding and PSS salt need real-looking bytes: all zeros are never invertible).
struct Replay(Vec<u8>, tlslab_core::rng::Drbg);

impl tlslab_core::rng::RandomSource for Replay {
    fn fill(&mut self, out: &mut [u8]) {
        let n = out.len().min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0.drain(..n);
        self.1.fill(&mut out[n..]);
    }
}

/// A value of section 2 ("Private Keys"), which names no actor: the hex after `label`.
fn section2(label: &str) -> rsa::BoxedUint {
    let path = format!(
        "{}/../../../shared/vectors/rfc8448.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("the RFC");
    let start = text.find(&format!("{label}:")).expect("the label") + label.len() + 1;
    let mut bytes = Vec::new();
    for line in text[start..].lines() {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let hex = !tokens.is_empty()
            && tokens
                .iter()
                .all(|t| t.len() == 2 && t.chars().all(|c| c.is_ascii_hexdigit()));
        if !hex {
            break;
        }
        bytes.extend(tokens.iter().map(|t| u8::from_str_radix(t, 16).unwrap()));
    }
    let bits = u32::try_from(bytes.len() * 8).unwrap();
    rsa::BoxedUint::from_be_slice(&bytes, bits).expect("a number")
}

/// The engine's own server, given what the server of sections 3 and 7 had (its certificate,
/// its RSA key from section 2, its x25519 private key and random) and fed the trace's
/// ClientHello record, sends the trace's ServerHello record byte for byte (in section 7,
/// compatibility mode, echoing the legacy_session_id and followed by the trace's
/// change_cipher_spec record) and derives its handshake traffic secrets, and its Certificate
/// message is the trace's. What follows differs, and why: the
/// trace's server answers record_size_limit (RFC 8449) and supported_groups in
/// EncryptedExtensions, which this server does not implement, so EncryptedExtensions, the
/// transcript from there on, CertificateVerify and Finished are its own (they are checked
/// against OpenSSL and GnuTLS instead).
#[test]
fn sections_3_and_7_the_engines_server_answers_the_traces_client_hello_byte_for_byte() {
    for section in [3, 7] {
        server_answers_byte_for_byte(section);
    }
}

fn server_answers_byte_for_byte(section: u8) {
    use tlslab_core::timeline::{Computation, EventKind};
    let t = Trace::section(section);
    let key = rsa::PrivateKey::from_components(
        section2("modulus (public)"),
        section2("public exponent"),
        section2("private exponent"),
        vec![section2("prime1"), section2("prime2")],
    )
    .expect("section 2's key");
    let certificate = t.get("server", "construct a Certificate", "Certificate");
    let tlslab_core::msgs::handshake::HandshakePayload::Certificate13(chain) =
        tlslab_core::msgs::handshake::HandshakePayload::decode_in(
            &certificate,
            tlslab_core::msgs::handshake::KeyExchange::KeyShare,
        )
        .expect("decodes")
        .0
    else {
        panic!("a TLS 1.3 Certificate");
    };
    let mut config = tlslab_core::tls12::ServerConfig::new(chain.chain(), std::sync::Arc::new(key));
    config.cipher_suites = CipherSuite::TLS13.to_vec();
    config.groups = vec![NamedGroup::X25519];
    let server_hello = t.get("server", "construct a ServerHello", "ServerHello");
    // The server draws its x25519 key, then its random (bytes 6..38 of ServerHello).
    let draws = [
        t.get("server", "create an ephemeral x25519", "private key"),
        server_hello[6..38].to_vec(),
    ]
    .concat();
    let mut server = tlslab_core::Connection::server(
        config,
        Box::new(Replay(draws, tlslab_core::rng::Drbg::from_u64(8448))),
    );
    server.receive(&t.get("client", "send handshake record", "complete record"));
    let out = server.take_output();
    let first = t.get("server", "send handshake record", "complete record");
    assert_eq!(
        out[..first.len()],
        first[..],
        "section {section}: the ServerHello record"
    );
    if section == 7 {
        let ccs = t.get(
            "server",
            "send change_cipher_spec record",
            "complete record",
        );
        assert_eq!(
            out[first.len()..first.len() + ccs.len()],
            ccs[..],
            "the change_cipher_spec"
        );
    }
    let events: Vec<EventKind> = std::iter::from_fn(|| server.poll_event())
        .map(|e| e.kind)
        .collect();
    let expanded = |label: &str| {
        events.iter().find_map(|e| match e {
            EventKind::Computation(Computation::HkdfExpandLabel {
                label: l, output, ..
            }) if l == label => Some(output.0.clone()),
            _ => None,
        })
    };
    assert_eq!(
        expanded("s hs traffic"),
        Some(t.get("server", "derive secret \"tls13 s hs traffic\"", "expanded")),
        "section {section}"
    );
    assert_eq!(
        expanded("c hs traffic"),
        Some(t.get("server", "derive secret \"tls13 c hs traffic\"", "expanded"))
    );
    let sent_certificate = events.iter().find_map(|e| match e {
        EventKind::MessageSent(m) if m.title == "Certificate" => Some(m.bytes.0.clone()),
        _ => None,
    });
    assert_eq!(sent_certificate, Some(certificate));
}
