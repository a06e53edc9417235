//! The passive observer: counts the messages on the wire, reads those in the clear, records
//! the rest, and (in the stolen-key scenario) decrypts the recording once it holds the server's
//! private key, with the same key schedule the peers run.

use crate::crypto::record_cipher::RecordProtector;
use crate::crypto::{prf, rsa_kx, suite};
use crate::msgs::enums::{ContentType, ExtensionType};
use crate::msgs::handshake::{HandshakePayload, TLS12};
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
        let mut learned = Vec::new();
        let wire = self.wire(from);
        wire.deframer.push(bytes);
        let mut seen = Vec::new();
        while let Ok(Some((record, _))) = wire.deframer.next_record() {
            let n = wire.records;
            wire.records += 1;
            match record.content_type {
                ContentType::ChangeCipherSpec => wire.encrypted = true,
                _ if wire.encrypted => wire.recorded.push(record),
                ContentType::Handshake => {
                    if let Ok((msg, _)) = HandshakePayload::decode(&record.fragment) {
                        seen.push((n, msg, record.fragment));
                    }
                }
                _ => {}
            }
        }
        for (n, msg, bytes) in seen {
            for k in public_values(&msg) {
                if !self.known.contains(&k.name) {
                    self.known.push(k.name);
                    learned.push((n, EventKind::Learned(k)));
                }
            }
            self.handshake.push((from, msg, bytes));
        }
        learned
    }

    /// The episode of the stolen key: it leaks, and the observer decrypts its recording.
    pub fn key_leak(&self, key: &rsa::PrivateKey, rng: &mut Drbg) -> Vec<EventKind> {
        let d = rsa::traits::PrivateKeyParts::d(key).to_be_bytes_trimmed_vartime();
        let mut episode = vec![
            EventKind::Episode {
                title: "Later: the private key leaks".into(),
                text:
                    "The observer obtains the server's RSA private key and decrypts its recording offline."
                        .into(),
            },
            learned(ValueName::ServerPrivateKey, &d),
        ];
        episode.extend(self.decrypt_recording(key, rng));
        episode
    }

    /// With the server's private key: the premaster, the keys, and every recorded record.
    fn decrypt_recording(&self, key: &rsa::PrivateKey, rng: &mut Drbg) -> Vec<EventKind> {
        let mut out = Vec::new();
        let find =
            |f: &dyn Fn(&HandshakePayload) -> bool| self.handshake.iter().find(|(_, m, _)| f(m));
        let (
            Some((client, HandshakePayload::ClientHello(ch), _)),
            Some((_, HandshakePayload::ServerHello(sh), _)),
            Some((_, HandshakePayload::ClientKeyExchange(encrypted), _)),
        ) = (
            find(&|m| matches!(m, HandshakePayload::ClientHello(_))),
            find(&|m| matches!(m, HandshakePayload::ServerHello(_))),
            find(&|m| matches!(m, HandshakePayload::ClientKeyExchange(_))),
        )
        else {
            return out;
        };
        let Some(params) = suite::params(sh.cipher_suite) else {
            return out;
        };
        let premaster = rsa_kx::decrypt_premaster(key, ch.client_version, encrypted, rng);
        out.push(EventKind::Computation(Computation::PremasterDecrypted {
            ciphertext: encrypted.clone().into(),
            premaster: premaster.to_vec().into(),
        }));
        out.push(learned(ValueName::Premaster, &premaster));
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
        let [master_computation, key_block_computation] = derived.computations;
        out.push(EventKind::Computation(master_computation));
        out.push(learned(ValueName::MasterSecret, &derived.master_secret));
        out.push(learned(ValueName::KeyBlock, &derived.key_block));
        out.push(EventKind::Computation(key_block_computation));
        let keys = derived.keys;
        for (from, wire) in self.wires.iter().enumerate() {
            let direction = if from == *client {
                keys.client_keys()
            } else {
                keys.server_keys()
            };
            let mut reader = RecordProtector::new(params, direction);
            for record in &wire.recorded {
                let Ok(opened) = reader.open(record.content_type, TLS12, &record.fragment) else {
                    break;
                };
                if record.content_type == ContentType::ApplicationData {
                    out.push(EventKind::ApplicationData {
                        text: String::from_utf8_lossy(&opened.plaintext).into_owned(),
                        data: opened.plaintext.into(),
                    });
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
        HandshakePayload::ClientHello(ch) => vec![known(ValueName::ClientRandom, &ch.random)],
        HandshakePayload::ServerHello(sh) => vec![known(ValueName::ServerRandom, &sh.random)],
        HandshakePayload::ClientKeyExchange(c) => {
            vec![known(ValueName::EncryptedPremaster, c)]
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
