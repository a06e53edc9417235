//! TLS 1.3 (RFC 8446) on the engine TLS 1.2 runs on: the key schedule, record protection and
//! a 1-RTT client and server (full handshake, certificate authentication, (EC)DHE on x25519 or
//! secp256r1). A config whose suites are TLS 1.3's speaks TLS 1.3 ([`is_tls13`]).

pub mod client;
pub mod key_schedule;
pub mod record;
pub mod server;

use crate::common::CommonState;
use crate::crypto::suite::{PrfHash, SuiteParams};
use crate::error::TlsError;
use crate::msgs::enums::{AlertDescription, CipherSuite};
use crate::msgs::handshake::HandshakePayload;
use crate::timeline::{Computation, EventKind};
use key_schedule::{Derivation, KeySchedule, ScheduleError};
use subtle::ConstantTimeEq;

/// Whether `suites` asks for TLS 1.3: every one of them is a TLS 1.3 suite.
pub fn is_tls13(suites: &[CipherSuite]) -> bool {
    !suites.is_empty() && suites.iter().all(|s| CipherSuite::TLS13.contains(s))
}

/// RFC 8446 section 4.4.1: after a HelloRetryRequest the first ClientHello stands in the
/// transcript as `message_hash` (254), `00 00 Hash.length`, `Hash(ClientHello1)`.
pub fn message_hash(hash: PrfHash, client_hello1: &[u8]) -> Vec<u8> {
    let digest = hash.digest(client_hello1);
    // A digest is 32 or 48 bytes: it fits the one-byte length.
    let len = u8::try_from(digest.len()).unwrap_or(u8::MAX);
    [&[254u8, 0, 0, len][..], &digest].concat()
}

/// RFC 8446 section 4.4.3: what CertificateVerify signs, 64 spaces, the context string, a zero
/// byte and the transcript hash.
pub fn certificate_verify_content(server: bool, transcript_hash: &[u8]) -> Vec<u8> {
    let context: &[u8] = if server {
        b"TLS 1.3, server CertificateVerify"
    } else {
        b"TLS 1.3, client CertificateVerify"
    };
    [&[0x20u8; 64][..], context, &[0], transcript_hash].concat()
}

/// RFC 8446 section 4.2: "There MUST NOT be more than one extension of the same type in a
/// given extension block"; refused with illegal_parameter, as the TLS 1.2 machines do.
pub(crate) fn refuse_duplicates(
    extensions: &[crate::msgs::handshake::Extension],
) -> Result<(), TlsError> {
    match crate::msgs::handshake::duplicate_extension(extensions) {
        Some(typ) => Err(TlsError::new(
            AlertDescription::IllegalParameter,
            format!("duplicate {} extension (RFC 8446 section 4.2)", typ.name()),
        )),
        None => Ok(()),
    }
}

impl From<ScheduleError> for TlsError {
    fn from(e: ScheduleError) -> Self {
        TlsError::new(AlertDescription::InternalError, e.to_string())
    }
}

/// The key schedule and Finished as a side runs them, each derivation recorded.
impl CommonState {
    /// Records the derivations `ks` made since the last call.
    pub(crate) fn record_schedule(&mut self, ks: &mut KeySchedule) {
        for d in ks.take() {
            self.compute(match d {
                Derivation::Extract {
                    name,
                    salt,
                    ikm,
                    secret,
                } => Computation::HkdfExtract {
                    name: name.into(),
                    salt: salt.into(),
                    ikm: ikm.into(),
                    secret: secret.into(),
                },
                Derivation::ExpandLabel {
                    label,
                    secret,
                    context,
                    info,
                    output,
                } => Computation::HkdfExpandLabel {
                    label: label.into(),
                    secret: secret.into(),
                    context: context.into(),
                    info: info.into(),
                    output: output.into(),
                },
            });
        }
    }

    /// A record protector for a traffic secret (RFC 8446 section 7.3).
    pub(crate) fn traffic_protector(
        &mut self,
        ks: &mut KeySchedule,
        params: &'static SuiteParams,
        secret: &[u8],
    ) -> Result<crate::crypto::RecordProtector, TlsError> {
        let keys = ks.traffic_keys(secret, params.enc_key_len, params.fixed_iv_len)?;
        self.record_schedule(ks);
        Ok(record::protector(params, keys))
    }

    /// Sends our Finished: HMAC(finished_key(base_key), transcript hash) (RFC 8446 4.4.4).
    pub(crate) fn send_finished13(
        &mut self,
        ks: &mut KeySchedule,
        base_key: &[u8],
        label: &str,
    ) -> Result<(), TlsError> {
        let (hash, computation) = self.transcript.hash(ks.hash, label);
        self.compute(computation);
        let verify_data = ks.verify_data(base_key, &hash)?;
        self.record_schedule(ks);
        self.compute(Computation::VerifyData {
            label: label.into(),
            handshake_hash: hash.into(),
            verify_data: verify_data.clone().into(),
            received: None,
            matches: None,
        });
        self.send_handshake(&HandshakePayload::Finished(verify_data))
    }

    /// Checks the peer's Finished, then adds it to the transcript. A wrong one is
    /// decrypt_error (RFC 8446 section 4.4.4).
    pub(crate) fn check_finished13(
        &mut self,
        ks: &mut KeySchedule,
        base_key: &[u8],
        label: &str,
        received: Vec<u8>,
    ) -> Result<(), TlsError> {
        let (hash, computation) = self.transcript.hash(ks.hash, label);
        self.compute(computation);
        let expected = ks.verify_data(base_key, &hash)?;
        self.record_schedule(ks);
        let matches = received.len() == expected.len() && bool::from(expected.ct_eq(&received));
        self.compute(Computation::VerifyData {
            label: label.into(),
            handshake_hash: hash.into(),
            verify_data: expected.into(),
            received: Some(received.clone().into()),
            matches: Some(matches),
        });
        if !matches {
            return Err(TlsError::new(
                AlertDescription::DecryptError,
                format!("the peer's Finished ({label}) does not match the transcript"),
            ));
        }
        let bytes = HandshakePayload::Finished(received).encode();
        self.transcript.add("Finished", &bytes);
        Ok(())
    }

    pub(crate) fn handshake_complete13(&mut self, suite: CipherSuite) {
        self.emit(EventKind::HandshakeComplete {
            cipher_suite: suite.name(),
            extended_master_secret: false,
        });
    }
}
