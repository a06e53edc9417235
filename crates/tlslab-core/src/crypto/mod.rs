//! The cryptography of TLS 1.2 with RSA key exchange, one RFC section per function.
//!
//! - [`prf`]: the PRF and what is derived with it (RFC 5246 sections 5, 8.1, 6.3, 7.4.9;
//!   RFC 7627 section 4).
//! - [`suite`]: what each implemented cipher suite needs, and the key block split (RFC 5246
//!   section 6.3, appendix C).
//! - [`record_cipher`]: record protection, AES-128-GCM and AES-128-CBC + HMAC (RFC 5246
//!   sections 6.2.3.2 and 6.2.3.3, RFC 5288 section 3).
//! - [`rsa_kx`]: the premaster secret, PKCS#1 v1.5 and RSA (RFC 5246 section 7.4.7.1, RFC 8017
//!   section 7.2).
//! - [`ecdhe`]: ephemeral ECDH on x25519 and secp256r1 (RFC 8422, RFC 7748).
//!
//! Every function returns the intermediate values the visualizer shows, so nothing it displays
//! is recomputed elsewhere.

pub mod ecdhe;
pub mod key_exchange_signature;
pub mod prf;
pub mod record_cipher;
pub mod rsa_kx;
pub mod suite;

pub use record_cipher::{CipherError, Opened, RecordProtector, Sealed};
pub use suite::{Bulk, DirectionKeys, SuiteParams, params};

use hmac::{KeyInit, Mac};

/// HMAC (RFC 2104) of the concatenation of `parts`, with the MAC type `M` (for example
/// `Hmac<Sha256>`).
pub(crate) fn hmac<M: Mac + KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    // HMAC accepts keys of any length (RFC 2104 section 2: longer keys are hashed first, shorter
    // ones padded), and the hmac crate's `new_from_slice` only fails for fixed-size keys, so this
    // branch cannot be taken.
    let mut mac = <M as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::rng::RandomSource;

    /// A random source that only ever returns zero bytes (what Go's recorded server used).
    pub struct ZeroRandom;

    impl RandomSource for ZeroRandom {
        fn fill(&mut self, out: &mut [u8]) {
            out.fill(0);
        }
    }

    /// Path of a file under the shared known-answer vectors (`../shared/vectors` from the
    /// project root).
    pub fn vector_path(rel: &str) -> String {
        format!(
            "{}/../../../shared/vectors/{rel}",
            env!("CARGO_MANIFEST_DIR")
        )
    }

    pub fn hex(s: &str) -> Vec<u8> {
        crate::bytes::from_hex(s).unwrap_or_else(|| panic!("bad hex in test data: {s}"))
    }

    /// Go's 1024-bit test key `testRSAPrivateKey` (golang/go src/crypto/tls, BSD-3-Clause),
    /// from /work/shared/vectors/go-tls12-rsa/testRSAPrivateKey.pkcs1.hex.
    pub fn go_test_key() -> rsa::PrivateKey {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        let text = std::fs::read_to_string(vector_path("go-tls12-rsa/testRSAPrivateKey.pkcs1.hex"))
            .expect("read testRSAPrivateKey.pkcs1.hex");
        rsa::PrivateKey::from_pkcs1_der(&hex(&text)).expect("parse Go test key")
    }
}

/// Known-answer test against a real recorded TLS 1.2 RSA session (OpenSSL client, Go server,
/// TLS_RSA_WITH_AES_128_CBC_SHA): golang/go src/crypto/tls/testdata/Server-TLSv12-RSA-AES at
/// commit f2cb9d1f (BSD-3-Clause), stored in /work/shared/vectors/go-tls12-rsa/. The expected
/// values are copied from that folder's EXPECTED.txt; the records are read from the hex dump.
#[cfg(test)]
mod go_session_tests {
    use super::prf::{self, LABEL_CLIENT_FINISHED, LABEL_SERVER_FINISHED, PrfHash};
    use super::rsa_kx::{decrypt_premaster, rsa_encrypt_raw};
    use super::test_support::{ZeroRandom, go_test_key, hex, vector_path};
    use super::*;
    use crate::msgs::enums::{CipherSuite, ContentType};
    use crate::timeline::KeyBlock;

    const CLIENT_RANDOM: &str = "7ae586e20a53e7ba32d15747ed45291b332c58338f362c506ff9c73b124023e2";
    const SERVER_RANDOM: [u8; 32] = [0; 32];
    const ENCRYPTED_PREMASTER: &str = "8f13d1231b8d28c7a397669f8ac113a1c93b25937aea5458fc5741ca927799130161e47390c7f12b5e5e79cf697d6b3f6e5f2eb0f5f7532b4615926c20956b446a0a3d0b566653ff55ec3810cf762c0eab457a026a750711806cd05779edd64bb8a00491a0d44b76389cb3a62e0c3e63a81815c9ab5469cde56f3c56a65fa7e0";
    const PREMASTER: &str = "0303b6b556eb465bca682c0b3753066b5103550439a03e43f09a26b1a418d81d2979be436a7edb66b7670f8b064ba623";
    const EM: &str = "0002039bdb4c69533464c7a6b40fc7f84875ca26cec240d87761240bdfd16626b4831e9e2e7a37efda05141fd6781e9ff45331ec083a22d2cb9e35757f59fa3f88a722b9ad552704154958c94687d8000303b6b556eb465bca682c0b3753066b5103550439a03e43f09a26b1a418d81d2979be436a7edb66b7670f8b064ba623";
    const MASTER: &str = "e473ab758123eeb035b4608f4d662dbe810bf0eb0bb716e9abc2562d70f3499f5636fff45c84f3c168508da44e550bca";
    const CLIENT_MAC: &str = "80568275f4a3077c426ae2e94f018c60dc33ae36";
    const SERVER_MAC: &str = "aa3ab73ce37860f94bfdd40173706381cfb4d5aa";
    const CLIENT_KEY: &str = "99dc119552f8ebfea919e2d92107374f";
    const SERVER_KEY: &str = "197b62be642c9f50f7c0a27e5d8c04f6";
    const CLIENT_IV: &str = "a162f4d725505be6af1bbc97cf4e7854";
    const SERVER_IV: &str = "3455efb2d865a7f832148a5f5c0ad5c3";
    const HASH_TO_CKE: &str = "c8c5961f5292291feff234d16d1a90e53c756b63822b3b08403891feb222296b";
    const CLIENT_VERIFY: &str = "1b5b60daa5d60690b4b24eaa";
    const HASH_TO_CLIENT_FINISHED: &str =
        "5838b9e18f49bd2ebf13b8be19b84d6abb168f012935763f9f96b062f4f5a3ab";
    const SERVER_VERIFY: &str = "e8c13f77ac11b3ee958bf11c";

    struct Record {
        content_type: u8,
        version: [u8; 2],
        fragment: Vec<u8>,
    }

    /// The flows of the hex dump (`>>> Flow n` headers, then `offset  hex bytes  |ascii|`
    /// lines), each split into records.
    fn flows() -> Vec<Vec<Record>> {
        let path = vector_path("go-tls12-rsa/Server-TLSv12-RSA-AES.f2cb9d1f.txt");
        let text = std::fs::read_to_string(path).expect("read the Go session dump");
        let mut raw: Vec<Vec<u8>> = Vec::new();
        for line in text.lines() {
            if line.starts_with(">>> Flow") {
                raw.push(Vec::new());
            } else if let Some((hex_part, _ascii)) = line.split_once("  |") {
                let bytes = hex(&hex_part[8..]);
                raw.last_mut().expect("a flow header first").extend(bytes);
            }
        }
        raw.into_iter()
            .map(|mut bytes| {
                let mut records = Vec::new();
                while !bytes.is_empty() {
                    let len = usize::from(u16::from_be_bytes([bytes[3], bytes[4]]));
                    let rest = bytes.split_off(5 + len);
                    records.push(Record {
                        content_type: bytes[0],
                        version: [bytes[1], bytes[2]],
                        fragment: bytes[5..].to_vec(),
                    });
                    bytes = rest;
                }
                records
            })
            .collect()
    }

    #[test]
    fn recorded_go_rsa_session_is_reproduced() {
        let flows = flows();
        let shape: Vec<Vec<(u8, usize)>> = flows
            .iter()
            .map(|f| {
                f.iter()
                    .map(|r| (r.content_type, r.fragment.len()))
                    .collect()
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                vec![(0x16, 93)],
                vec![(0x16, 49), (0x16, 601), (0x16, 4)],
                vec![(0x16, 134), (0x14, 1), (0x16, 64)],
                vec![(0x14, 1), (0x16, 64), (0x17, 64), (0x15, 48)],
            ]
        );
        let client_hello = &flows[0][0].fragment;
        assert_eq!(client_hello[6..38], hex(CLIENT_RANDOM)[..]);

        // ClientKeyExchange: 10 | 000082 | 0080 | EncryptedPreMasterSecret.
        let cke = &flows[2][0].fragment;
        assert_eq!(cke[..6], [0x10, 0x00, 0x00, 0x82, 0x00, 0x80]);
        let encrypted = &cke[6..];
        assert_eq!(encrypted, hex(ENCRYPTED_PREMASTER));

        // The server's RSA decryption and the 7.4.7.1 processing.
        let key = go_test_key();
        let premaster = decrypt_premaster(&key, [3, 3], encrypted, &mut ZeroRandom);
        assert_eq!(premaster.to_vec(), hex(PREMASTER));
        // The client's side: encrypting the recorded PKCS#1 block gives the recorded bytes.
        let public = rsa::PublicKey::from(&key);
        assert_eq!(rsa_encrypt_raw(&public, &hex(EM)).expect("rsa"), encrypted);

        // Master secret and key block.
        let master = prf::master_secret(
            PrfHash::Sha256,
            &premaster,
            &hex(CLIENT_RANDOM),
            &SERVER_RANDOM,
        );
        assert_eq!(master.to_vec(), hex(MASTER));
        let p = params(CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA).expect("suite 0x002f");
        let block = prf::key_block(
            PrfHash::Sha256,
            &master,
            &SERVER_RANDOM,
            &hex(CLIENT_RANDOM),
            KeyBlock::len(p),
        );
        let kb = KeyBlock::split(&block, p).expect("split");
        assert_eq!(kb.client_write_mac_key.0, hex(CLIENT_MAC));
        assert_eq!(kb.server_write_mac_key.0, hex(SERVER_MAC));
        assert_eq!(kb.client_write_key.0, hex(CLIENT_KEY));
        assert_eq!(kb.server_write_key.0, hex(SERVER_KEY));
        // Go (like OpenSSL) goes on to derive two IVs, which TLS 1.2 CBC never uses (RFC 5246
        // section 6.3 generates none): the same PRF stream, 32 bytes longer.
        assert!(kb.client_write_iv.is_empty() && kb.server_write_iv.is_empty());
        let longer = prf::key_block(
            PrfHash::Sha256,
            &master,
            &SERVER_RANDOM,
            &hex(CLIENT_RANDOM),
            block.len() + 32,
        );
        assert_eq!(longer[..block.len()], block[..]);
        assert_eq!(
            longer[block.len()..],
            [hex(CLIENT_IV), hex(SERVER_IV)].concat()[..]
        );

        // Transcript hashes from the recorded handshake messages, and both verify_data.
        let mut transcript: Vec<u8> = Vec::new();
        for record in [
            &flows[0][0],
            &flows[1][0],
            &flows[1][1],
            &flows[1][2],
            &flows[2][0],
        ] {
            transcript.extend_from_slice(&record.fragment);
        }
        assert_eq!(
            prf::handshake_hash(PrfHash::Sha256, &transcript).to_vec(),
            hex(HASH_TO_CKE)
        );
        let client_verify = prf::verify_data(
            PrfHash::Sha256,
            &master,
            LABEL_CLIENT_FINISHED,
            &hex(HASH_TO_CKE),
        );
        assert_eq!(client_verify.to_vec(), hex(CLIENT_VERIFY));
        let client_finished = [vec![0x14, 0, 0, 12], client_verify.to_vec()].concat();
        transcript.extend_from_slice(&client_finished);
        assert_eq!(
            prf::handshake_hash(PrfHash::Sha256, &transcript).to_vec(),
            hex(HASH_TO_CLIENT_FINISHED)
        );
        let server_verify = prf::verify_data(
            PrfHash::Sha256,
            &master,
            LABEL_SERVER_FINISHED,
            &hex(HASH_TO_CLIENT_FINISHED),
        );
        assert_eq!(server_verify.to_vec(), hex(SERVER_VERIFY));
        let server_finished = [vec![0x14, 0, 0, 12], server_verify.to_vec()].concat();

        // The client's encrypted Finished (the first record after its ChangeCipherSpec).
        let mut from_client = RecordProtector::new(p, kb.client_keys());
        let rec = &flows[2][2];
        let opened = from_client
            .open(ContentType::Handshake, rec.version, &rec.fragment)
            .expect("client Finished opens");
        assert_eq!(opened.plaintext, client_finished);

        // The server's Finished, application data and close_notify alert.
        let mut from_server = RecordProtector::new(p, kb.server_keys());
        let expected: [(ContentType, &[u8]); 3] = [
            (ContentType::Handshake, &server_finished),
            (ContentType::ApplicationData, b"hello, world\n"),
            (ContentType::Alert, &[0x01, 0x00]),
        ];
        for (rec, (ct, plaintext)) in flows[3][1..].iter().zip(expected) {
            assert_eq!(rec.content_type, ct.to_wire());
            let opened = from_server
                .open(ct, rec.version, &rec.fragment)
                .expect("server record opens");
            assert_eq!(opened.plaintext, plaintext);
        }

        // Go's server used an all-zero random source, so its explicit CBC IVs are zero: sealing
        // the same plaintexts with zero randomness reproduces its records byte for byte.
        let mut server_writer = RecordProtector::new(p, kb.server_keys());
        for (rec, (ct, plaintext)) in flows[3][1..].iter().zip(expected) {
            let sealed = server_writer
                .seal(ct, [3, 3], plaintext, &mut ZeroRandom)
                .expect("seal");
            assert_eq!(sealed.fragment, rec.fragment);
        }
    }
}
