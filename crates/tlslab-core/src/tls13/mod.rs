//! TLS 1.3 (RFC 8446) on the engine TLS 1.2 runs on: the key schedule, record protection and
//! a 1-RTT client and server (full handshake, certificate authentication, (EC)DHE on x25519 or
//! secp256r1). A config with TLS 1.3 suites speaks TLS 1.3; one with TLS 1.2 suites too
//! speaks both, and the hellos decide ([`split_suites`], [`offers_tls13`]): the client offers
//! both in supported_versions, the server answers a TLS 1.2 client in TLS 1.2 with the
//! downgrade sentinel in its random, and the client refuses that sentinel (section 4.1.3).

pub mod client;
pub mod key_schedule;
pub mod record;
pub mod server;

use crate::common::CommonState;
use crate::crypto::suite::{PrfHash, SuiteParams};
use crate::error::TlsError;
use crate::msgs::enums::{AlertDescription, CipherSuite, ExtensionType};
use crate::msgs::handshake::{ClientHello, Extension, HandshakePayload};
use crate::msgs::tls13::{SupportedVersions, TLS13};
use crate::timeline::{Computation, EventKind};
use key_schedule::{Derivation, KeySchedule, ScheduleError};
use subtle::ConstantTimeEq;

/// A configuration's suites by version: TLS 1.3's, then TLS 1.2's, each in its order. A side
/// with both speaks both, and the hellos decide (RFC 8446 section 4.2.1).
pub fn split_suites(suites: &[CipherSuite]) -> (Vec<CipherSuite>, Vec<CipherSuite>) {
    suites.iter().partition(|s| CipherSuite::TLS13.contains(s))
}

/// Whether a ClientHello offers TLS 1.3 in supported_versions (section 4.2.1: without the
/// extension a client speaks TLS 1.2 at most, whatever else it sends).
pub fn offers_tls13(ch: &ClientHello) -> bool {
    matches!(
        ch.extension(ExtensionType::SupportedVersions),
        Some(Extension::SupportedVersions(SupportedVersions::Offered(v))) if v.contains(&TLS13)
    )
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

/// After the handshake: the application traffic secrets in use, one per direction, which a
/// KeyUpdate replaces (RFC 8446 sections 4.6.3 and 7.2).
pub(crate) struct Traffic {
    pub ks: KeySchedule,
    pub suite: &'static SuiteParams,
    pub read: Vec<u8>,
    pub write: Vec<u8>,
}

impl Traffic {
    /// The peer's KeyUpdate: our read side moves to the next secret; if the peer asked, we
    /// answer with our own KeyUpdate (not requesting one) and move our write side.
    pub(crate) fn received(
        &mut self,
        common: &mut CommonState,
        request: u8,
    ) -> Result<(), TlsError> {
        if request > 1 {
            return Err(TlsError::new(
                AlertDescription::IllegalParameter,
                format!("KeyUpdate with request_update {request}, neither 0 nor 1"),
            ));
        }
        self.read = self.ks.next_traffic_secret(&self.read)?;
        let reader = common.traffic_protector(&mut self.ks, self.suite, &self.read.clone())?;
        common.set_read(reader);
        if request == 1 {
            self.send(common, false)?;
        }
        Ok(())
    }

    /// Our KeyUpdate, under the current keys; then our write side moves to the next secret.
    pub(crate) fn send(
        &mut self,
        common: &mut CommonState,
        request_peer: bool,
    ) -> Result<(), TlsError> {
        common.prepare();
        common.send_handshake(&HandshakePayload::KeyUpdate(u8::from(request_peer)))?;
        self.write = self.ks.next_traffic_secret(&self.write)?;
        let writer = common.traffic_protector(&mut self.ks, self.suite, &self.write.clone())?;
        common.set_write(writer);
        Ok(())
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
        self.peer_finished = true;
        Ok(())
    }

    pub(crate) fn handshake_complete13(&mut self, suite: CipherSuite) {
        self.emit(EventKind::HandshakeComplete {
            cipher_suite: suite.name(),
            extended_master_secret: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Drbg;
    use crate::timeline::Actor;

    /// Section 4.6.3: request_update is 0 or 1; anything else is illegal_parameter.
    #[test]
    fn a_key_update_request_of_2_is_illegal_parameter() {
        let mut common = CommonState::new(Actor::Server, Box::new(Drbg::from_u64(1)));
        let suite = crate::crypto::params(CipherSuite::TLS_AES_128_GCM_SHA256).unwrap();
        let mut traffic = Traffic {
            ks: KeySchedule::new(suite.prf),
            suite,
            read: vec![1; 32],
            write: vec![2; 32],
        };
        let refused = traffic.received(&mut common, 2).unwrap_err();
        assert_eq!(refused.alert, AlertDescription::IllegalParameter);
        assert_eq!(traffic.read, vec![1; 32], "nothing moved");
        traffic.received(&mut common, 0).unwrap();
        assert_ne!(traffic.read, vec![1; 32]);
        assert_eq!(
            traffic.write,
            vec![2; 32],
            "not asked to update: our side stays"
        );
    }
}
