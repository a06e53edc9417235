//! Known answers from "The Illustrated TLS 1.2 Connection" (../shared/vectors/illustrated-tls12):
//! an ECDHE_RSA handshake on x25519 with TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, recorded from a
//! real client and server with predictable randomness. From its randoms and ephemeral private
//! keys, this engine's own functions give its premaster, master secret, key block and both
//! verify_data, check the server's signature, and open every record, byte for byte.

use tlslab_core::crypto::key_exchange_signature;
use tlslab_core::crypto::prf::{self, LABEL_CLIENT_FINISHED, LABEL_SERVER_FINISHED, PrfHash};
use tlslab_core::crypto::{RecordProtector, ecdhe, params};
use tlslab_core::msgs::enums::{CipherSuite, ContentType, NamedGroup, SignatureScheme};
use tlslab_core::msgs::handshake::{HandshakePayload, KeyExchange};
use tlslab_core::pki::{keys, pem};
use tlslab_core::timeline::KeyBlock;

fn vector(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../../shared/vectors/illustrated-tls12/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The record's fragment (each capture is one record).
fn fragment(capture: &str) -> Vec<u8> {
    vector(&format!("caps/{capture}"))[5..].to_vec()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn the_illustrated_tls12_session_byte_for_byte() {
    let client_random: Vec<u8> = (0x00..=0x1f).collect();
    let server_random: Vec<u8> = (0x70..=0x8f).collect();
    let client_private: Vec<u8> = (0x20..=0x3f).collect();
    let server_private: Vec<u8> = (0x90..=0xaf).collect();

    // The server's signed share: our decoder reads it, and the signature (rsa_pkcs1_sha256)
    // verifies with the certificate's key over client_random + server_random + params.
    let HandshakePayload::ServerKeyExchange(ske) =
        HandshakePayload::decode(&fragment("serverkeyexchange"))
            .expect("decodes")
            .0
    else {
        panic!("a ServerKeyExchange")
    };
    assert_eq!(ske.group, NamedGroup::X25519);
    assert_eq!(ske.scheme, SignatureScheme::RsaPkcs1Sha256);
    let cert = pem::certs_from_pem(&String::from_utf8(vector("server.crt")).expect("PEM text"))
        .expect("PEM");
    let server_key = keys::leaf_public_key(&cert[0], 2048).expect("an RSA-2048 key");
    let signed = ske.signed_content(&client_random, &server_random);
    assert!(key_exchange_signature::verify(
        &server_key,
        ske.scheme,
        &signed,
        &ske.signature
    ));

    // The client's share, read as an ECDHE ClientKeyExchange, is its private key's.
    let HandshakePayload::ClientKeyExchangeEcdh(client_share) =
        HandshakePayload::decode_in(&fragment("clientkeyexchange"), KeyExchange::Ecdhe)
            .expect("decodes")
            .0
    else {
        panic!("an ECDH ClientKeyExchange")
    };
    let x25519 = NamedGroup::X25519;
    let premaster = hex("df4a291baa1eb7cfa6934b29b474baad2697e29f1f920dcc77c8a0a088447624");
    assert_eq!(
        ecdhe::shared_secret(x25519, &client_private, &ske.public),
        Ok(premaster.clone())
    );
    assert_eq!(
        ecdhe::shared_secret(x25519, &server_private, &client_share),
        Ok(premaster.clone())
    );

    // The key schedule (RFC 5246 sections 8.1 and 6.3), no extended master secret.
    let suite = params(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA).expect("implemented");
    let master = prf::master_secret(PrfHash::Sha256, &premaster, &client_random, &server_random);
    assert_eq!(
        master.to_vec(),
        hex(
            "916abf9da55973e13614ae0a3f5d3f37b023ba129aee02cc9134338127cd7049781c8e19fc1eb2a7387ac06ae237344c"
        )
    );
    let block = prf::key_block(
        PrfHash::Sha256,
        &master,
        &server_random,
        &client_random,
        KeyBlock::len(suite),
    );
    let keys = KeyBlock::split(&block, suite).expect("72 bytes");
    assert_eq!(
        keys.client_write_mac_key.0,
        hex("1b7d117c7d5f690bc263cae8ef60af0f1878acc2")
    );
    assert_eq!(
        keys.server_write_mac_key.0,
        hex("2ad8bdd8c601a617126f63540eb20906f781fad2")
    );
    assert_eq!(
        keys.client_write_key.0,
        hex("f656d037b173ef3e11169f27231a84b6")
    );
    assert_eq!(
        keys.server_write_key.0,
        hex("752a18e7a9fcb7cbcdd8f98dd8f769eb")
    );
    // The session's 32 bytes more are TLS 1.0's chaining IVs, which a TLS 1.2 CBC record never
    // uses (RFC 5246 section 6.3); the PRF is a stream, so they continue our block.
    let longer = prf::key_block(
        PrfHash::Sha256,
        &master,
        &server_random,
        &client_random,
        104,
    );
    assert_eq!(longer[..72], block[..]);
    assert_eq!(
        longer[72..],
        hex("a0d2550c9238eebfef5c32251abb67d6434528db4937d540d393135e06a11bb8")[..]
    );

    // Both Finished (RFC 5246 section 7.4.9) over the transcript of the captured messages.
    let mut transcript: Vec<u8> = [
        "clienthello",
        "serverhello",
        "servercert",
        "serverkeyexchange",
        "serverhellodone",
        "clientkeyexchange",
    ]
    .iter()
    .flat_map(|c| fragment(c))
    .collect();
    let hash = prf::handshake_hash(PrfHash::Sha256, &transcript);
    let client_verify = prf::verify_data(PrfHash::Sha256, &master, LABEL_CLIENT_FINISHED, &hash);
    assert_eq!(client_verify.to_vec(), hex("cf919626f1360c536aaad73a"));

    // Every protected record opens with our record layer: Finished, the data, the alert.
    let mut client_reader = RecordProtector::new(suite, keys.client_keys());
    let mut server_reader = RecordProtector::new(suite, keys.server_keys());
    let open = |reader: &mut RecordProtector, typ, capture: &str| {
        reader
            .open(typ, [3, 3], &fragment(capture))
            .unwrap_or_else(|e| panic!("{capture}: {e:?}"))
            .plaintext
    };
    let client_finished = open(&mut client_reader, ContentType::Handshake, "clientfinished");
    assert_eq!(
        client_finished,
        [&hex("1400000c")[..], &client_verify].concat()
    );
    transcript.extend_from_slice(&client_finished);
    let hash = prf::handshake_hash(PrfHash::Sha256, &transcript);
    let server_verify = prf::verify_data(PrfHash::Sha256, &master, LABEL_SERVER_FINISHED, &hash);
    assert_eq!(server_verify.to_vec(), hex("844d3c10746dd722f92f0c7e"));
    let server_finished = open(&mut server_reader, ContentType::Handshake, "serverfinished");
    assert_eq!(
        server_finished,
        [&hex("1400000c")[..], &server_verify].concat()
    );
    assert_eq!(
        open(
            &mut client_reader,
            ContentType::ApplicationData,
            "clientdata"
        ),
        b"ping"
    );
    assert_eq!(
        open(
            &mut server_reader,
            ContentType::ApplicationData,
            "serverdata"
        ),
        b"pong"
    );
    assert_eq!(
        open(&mut client_reader, ContentType::Alert, "clientalert"),
        [1, 0]
    );
}
