//! The active attacker: what it changes in messages on their way (the downgrades, the flipped
//! bit and the broken premaster in the client's; the swapped key share in the server's). Each
//! change is recorded with the bytes before and after.

use crate::bytes::to_hex;
use crate::crypto::{ecdhe, rsa_kx};
use crate::msgs::enums::{CipherSuite, ContentType};
use crate::msgs::handshake::{Extension, HandshakePayload};
use crate::record::{Deframer, Record};
use crate::rng::Drbg;
use crate::timeline::{Actor, EventKind};
use rsa::traits::PublicKeyParts;

/// What the attacker does to messages in transit (one side's messages, counted from 0).
pub(super) enum Tamper {
    None,
    /// Removes `suites` from the ClientHello.
    DropSuites {
        suites: Vec<CipherSuite>,
    },
    /// Removes supported_versions from the ClientHello: TLS 1.3 is no longer offered.
    DropVersions,
    /// Flips one bit of the client's encrypted HTTP request, its first application_data
    /// record after `skip` others.
    FlipBit {
        skip: usize,
    },
    /// Replaces the encrypted premaster with one whose PKCS#1 padding is broken.
    BreakPremaster {
        key: rsa::PublicKey,
        rng: Drbg,
    },
    /// Replaces the server's ECDH share in ServerKeyExchange with one of its own.
    SwapShare {
        rng: Drbg,
    },
}

impl Tamper {
    /// Whose messages it changes.
    pub fn acts_on(&self) -> Actor {
        match self {
            Tamper::SwapShare { .. } => Actor::Server,
            _ => Actor::Client,
        }
    }

    /// The client's records in `bytes`, the first of them its `first`th message, as they
    /// arrive; with each change, the message it changed and its `Tampered` event.
    pub fn apply(&mut self, first: usize, bytes: Vec<u8>) -> (Vec<u8>, Vec<(usize, EventKind)>) {
        let mut deframer = Deframer::default();
        deframer.push(&bytes);
        let mut out = Vec::new();
        let mut changes = Vec::new();
        let mut n = first;
        while let Ok(Some((record, encoded))) = deframer.next_record() {
            match self.change(n, &record) {
                Some((what, changed)) => {
                    let after = changed.encode();
                    out.extend_from_slice(&after);
                    changes.push((
                        n,
                        EventKind::Tampered {
                            what,
                            before: encoded.into(),
                            after: after.into(),
                        },
                    ));
                }
                None => out.extend(encoded),
            }
            n += 1;
        }
        (out, changes)
    }

    /// The changed record, if the attacker changes the `n`th message.
    fn change(&mut self, n: usize, record: &Record) -> Option<(String, Record)> {
        match self {
            Tamper::None => None,
            Tamper::DropSuites { suites } if n == 0 => {
                let (HandshakePayload::ClientHello(mut ch), _) =
                    HandshakePayload::decode(&record.fragment).ok()?
                else {
                    return None;
                };
                ch.cipher_suites.retain(|s| !suites.contains(s));
                let fragment = HandshakePayload::ClientHello(ch).encode();
                let names: Vec<String> = suites.iter().map(|s| s.name()).collect();
                let names = match names.as_slice() {
                    [rest @ .., last] if !rest.is_empty() => {
                        format!("{} and {last}", rest.join(", "))
                    }
                    _ => names.join(""),
                };
                Some((
                    format!("removed {names} from the offered cipher suites"),
                    Record {
                        fragment,
                        ..record.clone()
                    },
                ))
            }
            Tamper::DropVersions if n == 0 => {
                let (HandshakePayload::ClientHello(mut ch), _) =
                    HandshakePayload::decode(&record.fragment).ok()?
                else {
                    return None;
                };
                ch.extensions
                    .retain(|e| !matches!(e, Extension::SupportedVersions(_)));
                Some((
                    "removed the supported_versions extension from the ClientHello: TLS 1.3 is no longer offered".into(),
                    Record {
                        fragment: HandshakePayload::ClientHello(ch).encode(),
                        ..record.clone()
                    },
                ))
            }
            Tamper::FlipBit { skip } if record.content_type == ContentType::ApplicationData => {
                if *skip > 0 {
                    *skip -= 1;
                    return None;
                }
                let mut fragment = record.fragment.clone();
                // A bit in the middle of the ciphertext (past TLS 1.2 GCM's 8-byte explicit
                // nonce).
                let at = 8 + fragment.len().saturating_sub(24) / 2;
                *fragment.get_mut(at)? ^= 0x04;
                *self = Tamper::None;
                Some((
                    format!(
                        "flipped one bit (0x04) of byte {} of the encrypted fragment",
                        at
                    ),
                    Record {
                        fragment,
                        ..record.clone()
                    },
                ))
            }
            Tamper::BreakPremaster { key, rng } if n == 1 => {
                // EM = 00 03 || PS || 00 || 48 bytes: block type 03 does not exist.
                let k = key.size();
                let mut block = vec![0u8; k];
                block[1] = 3;
                let mut fill = vec![0u8; k.saturating_sub(3)];
                rng.fill(&mut fill);
                for (slot, b) in block[2..].iter_mut().zip(fill) {
                    *slot = b | 1;
                }
                let sep = k.saturating_sub(49);
                block[sep] = 0;
                let ciphertext = rsa_kx::rsa_encrypt_raw(key, &block).ok()?;
                let fragment = HandshakePayload::ClientKeyExchange(ciphertext).encode();
                Some((
                    format!(
                        "replaced the encrypted premaster with RSA(00 03 …), a block whose PKCS#1 v1.5 padding is broken: {}",
                        to_hex(&block[..8])
                    ),
                    Record {
                        fragment,
                        ..record.clone()
                    },
                ))
            }
            Tamper::SwapShare { rng } if record.content_type == ContentType::Handshake => {
                let (HandshakePayload::ServerKeyExchange(mut ske), _) =
                    HandshakePayload::decode(&record.fragment).ok()?
                else {
                    return None;
                };
                // The attacker's own key pair: with it, it would share a premaster with the
                // client. The server's signature stays as it was.
                let own = ecdhe::generate(ske.group, rng).ok()?;
                ske.public = own.public;
                let fragment = HandshakePayload::ServerKeyExchange(ske).encode();
                *self = Tamper::None;
                Some((
                    "replaced the server's ECDH share with the attacker's own, keeping the server's signature".into(),
                    Record {
                        fragment,
                        ..record.clone()
                    },
                ))
            }
            _ => None,
        }
    }
}
