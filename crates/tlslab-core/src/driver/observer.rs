//! The passive observer: counts the messages on the wire, reads those in the clear, records
//! the rest, and (in the stolen-key scenario) decrypts the recording once it holds the server's
//! private key, with the same key schedule the peers run. After an ECDHE handshake it tries
//! the same and fails: the key decrypts nothing, because nothing was encrypted to it. After a
//! TLS 1.3 handshake there is not even a ClientKeyExchange to try it on.

use crate::crypto::record_cipher::RecordProtector;
use crate::crypto::{prf, rsa_kx, suite};
use crate::msgs::enums::{ContentType, ExtensionType};
use crate::msgs::handshake::{
    ClientHello, Extension, HandshakePayload, KeyExchange, ServerHello, TLS12,
};
use crate::msgs::tls13::{HELLO_RETRY_REQUEST_RANDOM, KeyShare, SupportedVersions, TLS13};
use crate::record::{Deframer, Record};
use crate::rng::Drbg;
use crate::timeline::{Computation, EventKind, Known, ValueName};
use crate::tls12::key_schedule;

/// A passive eavesdropper: counts the messages on the wire (our peers send one message per
/// record, so the `n`th record is the `n`th message), reads those in the clear and records
/// the rest.
#[derive(Default)]
pub(super) struct Observer {
    wires: Vec<Wire>,
    known: Vec<ValueName>,
    /// The plaintext handshake messages, in wire order.
    handshake: Vec<(usize, HandshakePayload, Vec<u8>)>,
    /// What a ClientKeyExchange carries, once a ServerHello named the suite.
    key_exchange: Option<KeyExchange>,
    /// A ServerHello selected TLS 1.3.
    tls13: bool,
    /// The last ServerHello was a HelloRetryRequest.
    retried: bool,
}

#[derive(Default)]
struct Wire {
    deframer: Deframer,
    records: usize,
    encrypted: bool,
    /// Protected records, in order.
    recorded: Vec<Record>,
}

impl Observer {
    fn wire(&mut self, from: usize) -> &mut Wire {
        if self.wires.len() <= from {
            self.wires.resize_with(from + 1, Wire::default);
        }
        &mut self.wires[from]
    }

    pub fn count(&mut self, from: usize) -> usize {
        self.wire(from).records
    }

    /// Reads what connection `from` sent; returns what it learned, each with the number of
    /// the message it read it from.
    pub fn see(&mut self, from: usize, bytes: &[u8]) -> Vec<(usize, EventKind)> {
        let wire = self.wire(from);
        wire.deframer.push(bytes);
        let mut records = Vec::new();
        while let Ok(Some((record, _))) = wire.deframer.next_record() {
            records.push(record);
        }
        let mut learned = Vec::new();
        for record in records {
            let tls13 = self.tls13;
            let wire = self.wire(from);
            let n = wire.records;
            wire.records += 1;
            match record.content_type {
                // TLS 1.2's change_cipher_spec starts protection; TLS 1.3's is a dummy for
                // middleboxes, and every protected record is application_data (RFC 8446
                // section 5 and appendix D.4).
                ContentType::ChangeCipherSpec if !tls13 => wire.encrypted = true,
                ContentType::ChangeCipherSpec => {}
                ContentType::ApplicationData => wire.recorded.push(record),
                _ if wire.encrypted => wire.recorded.push(record),
                ContentType::Handshake => learned.extend(self.read(from, n, record.fragment)),
                _ => {}
            }
        }
        learned
    }

    /// A handshake message in the clear, message `n` of connection `from`.
    fn read(&mut self, from: usize, n: usize, bytes: Vec<u8>) -> Vec<(usize, EventKind)> {
        // A ClientKeyExchange reads as the suite of the ServerHello before it says.
        let kx = self.key_exchange.unwrap_or(KeyExchange::Rsa);
        let Ok((msg, _)) = HandshakePayload::decode_in(&bytes, kx) else {
            return Vec::new();
        };
        // RFC 8446 section 4.1.4: after a HelloRetryRequest the second ClientHello's share is
        // the one the handshake uses.
        if matches!(msg, HandshakePayload::ClientHello(_)) && self.retried {
            self.known.retain(|k| *k != ValueName::ClientShare);
            self.retried = false;
        }
        if let HandshakePayload::ServerHello(sh) = &msg {
            self.retried = sh.random == HELLO_RETRY_REQUEST_RANDOM;
            self.key_exchange = suite::params(sh.cipher_suite).map(|p| p.kx);
            self.tls13 = matches!(
                sh.extension(ExtensionType::SupportedVersions),
                Some(Extension::SupportedVersions(SupportedVersions::Selected(
                    TLS13
                )))
            );
        }
        let mut learned = Vec::new();
        for k in public_values(&msg) {
            if !self.known.contains(&k.name) {
                self.known.push(k.name);
                learned.push((n, EventKind::Learned(k)));
            }
        }
        self.handshake.push((from, msg, bytes));
        learned
    }

    /// The episode of the stolen key: it leaks, and the observer tries to decrypt its
    /// recording with it.
    pub fn key_leak(&self, key: &rsa::PrivateKey, rng: &mut Drbg) -> Vec<EventKind> {
        let d = rsa::traits::PrivateKeyParts::d(key).to_be_bytes_trimmed_vartime();
        let text = match self.key_exchange {
            _ if self.tls13 => {
                "The observer obtains the server's RSA private key. In TLS 1.3 no recorded message was encrypted to it: the key only signed CertificateVerify, and the traffic secrets come from the two key shares, whose private halves never crossed the wire. There is nothing to decrypt with it."
            }
            Some(KeyExchange::Ecdhe) => {
                "The observer obtains the server's RSA private key and tries what breaks RSA key exchange: decrypt the recorded ClientKeyExchange with it, derive the keys, open the records."
            }
            _ => {
                "The observer obtains the server's RSA private key and decrypts its recording offline."
            }
        };
        let mut episode = vec![
            EventKind::Episode {
                title: "Later: the private key leaks".into(),
                text: text.into(),
            },
            learned(ValueName::ServerPrivateKey, &d),
        ];
        if !self.tls13 {
            episode.extend(self.decrypt_recording(key, rng));
        }
        episode
    }

    /// The recorded handshake: the client's wire, its hellos and its ClientKeyExchange body.
    fn session(&self) -> Option<(usize, &ClientHello, &ServerHello, &[u8])> {
        let mut client_hello = None;
        let mut server_hello = None;
        let mut key_exchange = None;
        for (from, msg, _) in &self.handshake {
            match msg {
                HandshakePayload::ClientHello(ch) => client_hello = Some((*from, ch)),
                HandshakePayload::ServerHello(sh) => server_hello = Some(sh),
                HandshakePayload::ClientKeyExchange(body)
                | HandshakePayload::ClientKeyExchangeEcdh(body) => key_exchange = Some(body),
                _ => {}
            }
        }
        let (client, ch) = client_hello?;
        Some((client, ch, server_hello?, key_exchange?.as_slice()))
    }

    /// With the server's private key, the attack on RSA key exchange: RSA-decrypt the
    /// ClientKeyExchange to the premaster, derive the keys, open every recorded record. After
    /// ECDHE the same steps run and the first record does not open: the ClientKeyExchange
    /// holds the client's public share, and the server's decryption (RFC 5246 section 7.4.7.1)
    /// turns anything that is not its ciphertext into a random premaster.
    fn decrypt_recording(&self, key: &rsa::PrivateKey, rng: &mut Drbg) -> Vec<EventKind> {
        let mut out = Vec::new();
        let Some((client, ch, sh, body)) = self.session() else {
            return out;
        };
        let Some(params) = suite::params(sh.cipher_suite) else {
            return out;
        };
        let premaster = rsa_kx::decrypt_premaster(key, ch.client_version, body, rng);
        let rsa = params.kx == KeyExchange::Rsa;
        if rsa {
            out.push(EventKind::Computation(Computation::PremasterDecrypted {
                ciphertext: body.into(),
                premaster: premaster.to_vec().into(),
            }));
            out.push(learned(ValueName::Premaster, &premaster));
        }
        let extended = sh.extension(ExtensionType::ExtendedMasterSecret).is_some();
        // RFC 7627 section 3: the session hash covers the handshake through ClientKeyExchange.
        let session_hash = extended.then(|| {
            let transcript: Vec<u8> = self
                .handshake
                .iter()
                .take_while(|(_, m, _)| !matches!(m, HandshakePayload::Finished(_)))
                .flat_map(|(_, _, b)| b.clone())
                .collect();
            prf::handshake_hash(params.prf, &transcript)
        });
        let Some(derived) = key_schedule::derive(
            &premaster,
            &ch.random,
            &sh.random,
            session_hash.as_deref(),
            params,
        ) else {
            return out;
        };
        if rsa {
            let [master_computation, key_block_computation] = derived.computations;
            out.push(EventKind::Computation(master_computation));
            out.push(learned(ValueName::MasterSecret, &derived.master_secret));
            out.push(learned(ValueName::KeyBlock, &derived.key_block));
            out.push(EventKind::Computation(key_block_computation));
        }
        let keys = derived.keys;
        for (from, wire) in self.wires.iter().enumerate() {
            let direction = if from == client {
                keys.client_keys()
            } else {
                keys.server_keys()
            };
            let mut reader = RecordProtector::new(params, direction);
            for record in &wire.recorded {
                match reader.open(record.content_type, TLS12, &record.fragment) {
                    Ok(opened) if record.content_type == ContentType::ApplicationData => {
                        out.push(EventKind::ApplicationData {
                            text: String::from_utf8_lossy(&opened.plaintext).into_owned(),
                            data: opened.plaintext.into(),
                        });
                    }
                    Ok(_) => {}
                    Err(e) => {
                        out.push(EventKind::Computation(Computation::RecordingNotDecrypted {
                            ciphertext: body.into(),
                            premaster: premaster.to_vec().into(),
                            record: record.encode().into(),
                            error: e.to_string(),
                        }));
                        return out;
                    }
                }
            }
        }
        out
    }
}

/// What a handshake message in the clear tells anyone who reads it.
fn public_values(msg: &HandshakePayload) -> Vec<Known> {
    let known = |name, value: &[u8]| Known {
        name,
        value: value.into(),
    };
    match msg {
        HandshakePayload::ClientHello(ch) => {
            let mut values = vec![known(ValueName::ClientRandom, &ch.random)];
            if let Some(Extension::KeyShare(KeyShare::Offered(shares))) =
                ch.extension(ExtensionType::KeyShare)
            {
                values.extend(
                    shares
                        .first()
                        .map(|s| known(ValueName::ClientShare, &s.key_exchange)),
                );
            }
            values
        }
        HandshakePayload::ServerHello(sh) => {
            let mut values = vec![known(ValueName::ServerRandom, &sh.random)];
            if let Some(Extension::KeyShare(KeyShare::Chosen(share))) =
                sh.extension(ExtensionType::KeyShare)
            {
                values.push(known(ValueName::ServerShare, &share.key_exchange));
            }
            values
        }
        HandshakePayload::ClientKeyExchange(c) => {
            vec![known(ValueName::EncryptedPremaster, c)]
        }
        HandshakePayload::ServerKeyExchange(ske) => {
            vec![known(ValueName::ServerShare, &ske.public)]
        }
        HandshakePayload::ClientKeyExchangeEcdh(share) => {
            vec![known(ValueName::ClientShare, share)]
        }
        _ => Vec::new(),
    }
}

fn learned(name: ValueName, value: &[u8]) -> EventKind {
    EventKind::Learned(Known {
        name,
        value: value.into(),
    })
}
