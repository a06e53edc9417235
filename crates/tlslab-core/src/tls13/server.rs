//! The TLS 1.3 server (RFC 8446), sans-IO: the full 1-RTT handshake of `super::client`, from
//! the other side, with a HelloRetryRequest when the client's key share is on a group the
//! server does not take but the client supports one it does (section 4.1.4). A client without
//! TLS 1.3 gets protocol_version here; a server with TLS 1.2 suites too answers it with the
//! TLS 1.2 machine instead (`Connection::choose_version`).

use std::sync::Arc;

use crate::common::{CommonState, Incoming};
use crate::crypto::key_exchange_signature;
use crate::crypto::suite::{self, SuiteParams};
use crate::error::TlsError;
use crate::msgs::enums::{
    AlertDescription, CipherSuite, ExtensionType, NamedGroup, SignatureScheme,
};
use crate::msgs::handshake::{ClientHello, Extension, HandshakePayload, KeyExchange, ServerHello};
use crate::msgs::tls13::{
    Certificate, CertificateEntry, CertificateVerify, HELLO_RETRY_REQUEST_RANDOM, KeyShare,
    KeyShareEntry, SupportedVersions, TLS13,
};
use crate::timeline::{Computation, ValueName};
use crate::tls12::{EcdhSide, ServerConfig};

use super::certificate_verify_content;
use super::key_schedule::{HandshakeStage, KeySchedule};

struct Session {
    suite: &'static SuiteParams,
    ks: KeySchedule,
    stage: HandshakeStage,
    /// The client's application traffic secret, installed once its Finished checks out.
    client_application: Vec<u8>,
    /// Ours, already in use.
    server_application: Vec<u8>,
}

enum State {
    ExpectClientHello,
    /// After our HelloRetryRequest: the first ClientHello, and the group we asked for.
    ExpectSecondClientHello(Box<ClientHello>, NamedGroup),
    ExpectFinished(Session),
    Connected(Box<super::Traffic>),
    Failed,
}

/// The server's side of a TLS 1.3 handshake; [`crate::Connection`] runs it.
pub(crate) struct Machine {
    config: ServerConfig,
    state: State,
}

impl Machine {
    /// A server for `config`'s TLS 1.3 suites (its key and certificate already held).
    pub(crate) fn new(mut config: ServerConfig) -> Self {
        config
            .cipher_suites
            .retain(|s| CipherSuite::TLS13.contains(s));
        Machine {
            config,
            state: State::ExpectClientHello,
        }
    }

    pub(crate) fn is_connected(&self) -> bool {
        matches!(self.state, State::Connected(_))
    }

    pub fn handle(&mut self, common: &mut CommonState, msg: Incoming) -> Result<(), TlsError> {
        let state = std::mem::replace(&mut self.state, State::Failed);
        self.state = match (state, msg) {
            (State::ExpectClientHello, Incoming::Handshake(HandshakePayload::ClientHello(ch))) => {
                super::refuse_duplicates(&ch.extensions)?;
                common.learn(ValueName::ClientRandom, &ch.random);
                let (suite, share) = self.negotiate(&ch)?;
                match share {
                    Ok(share) => {
                        State::ExpectFinished(self.handshake(common, &ch, suite, &share, false)?)
                    }
                    Err(group) => {
                        self.hello_retry_request(common, &ch, suite, group)?;
                        State::ExpectSecondClientHello(Box::new(ch), group)
                    }
                }
            }
            // Appendix D.4: the client's compatibility change_cipher_spec before ClientHello2.
            (State::ExpectSecondClientHello(first, group), Incoming::ChangeCipherSpec) => {
                State::ExpectSecondClientHello(first, group)
            }
            (
                State::ExpectSecondClientHello(first, group),
                Incoming::Handshake(HandshakePayload::ClientHello(ch)),
            ) => {
                super::refuse_duplicates(&ch.extensions)?;
                let share = second_client_hello(&first, &ch, group)?;
                let (suite, _) = self.negotiate(&ch)?;
                State::ExpectFinished(self.handshake(common, &ch, suite, &share, true)?)
            }
            (
                State::ExpectFinished(mut session),
                Incoming::Handshake(HandshakePayload::Finished(received)),
            ) => {
                let client_hs = session.stage.traffic.client.clone();
                common.check_finished13(
                    &mut session.ks,
                    &client_hs,
                    "client finished",
                    received,
                )?;
                let client_app = std::mem::take(&mut session.client_application);
                let reader =
                    common.traffic_protector(&mut session.ks, session.suite, &client_app)?;
                common.set_read(reader);
                common.handshake_complete13(session.suite.suite);
                State::Connected(Box::new(super::Traffic {
                    ks: session.ks,
                    suite: session.suite,
                    read: client_app,
                    write: session.server_application,
                }))
            }
            (
                State::Connected(mut traffic),
                Incoming::Handshake(HandshakePayload::KeyUpdate(r)),
            ) => {
                traffic.received(common, r)?;
                State::Connected(traffic)
            }
            (state, msg) => {
                return Err(TlsError::unexpected(&msg.describe(), state.expecting()));
            }
        };
        Ok(())
    }

    /// Section 4.1.2: the client's offer checked; the suite, and the client's share on our
    /// most preferred group it sent one for, or (`Err`) the group to ask for in a
    /// HelloRetryRequest.
    fn negotiate(
        &self,
        ch: &ClientHello,
    ) -> Result<(&'static SuiteParams, Result<KeyShareEntry, NamedGroup>), TlsError> {
        if !super::offers_tls13(ch) {
            return Err(TlsError::new(
                AlertDescription::ProtocolVersion,
                "the client does not offer TLS 1.3, and this server speaks nothing older",
            ));
        }
        if ch.compression_methods != [0] {
            return Err(TlsError::new(
                AlertDescription::IllegalParameter,
                "legacy_compression_methods must be exactly null (section 4.1.2)",
            ));
        }
        let Some(suite) = self
            .config
            .cipher_suites
            .iter()
            .find(|s| ch.cipher_suites.contains(s))
            .and_then(|s| suite::params(*s))
        else {
            return Err(TlsError::new(
                AlertDescription::HandshakeFailure,
                "no TLS 1.3 suite in common",
            ));
        };
        let offered_pss = matches!(
            ch.extension(ExtensionType::SignatureAlgorithms),
            Some(Extension::SignatureAlgorithms(s)) if s.contains(&SignatureScheme::RsaPssRsaeSha256)
        );
        if !offered_pss {
            return Err(TlsError::new(
                AlertDescription::HandshakeFailure,
                "the client does not accept rsa_pss_rsae_sha256, the only scheme this RSA server signs with",
            ));
        }
        let Some(Extension::KeyShare(KeyShare::Offered(shares))) =
            ch.extension(ExtensionType::KeyShare)
        else {
            return Err(TlsError::new(
                AlertDescription::MissingExtension,
                "a TLS 1.3 ClientHello without key_share (section 9.2)",
            ));
        };
        if let Some(share) = self
            .config
            .groups
            .iter()
            .find_map(|g| shares.iter().find(|s| s.group == *g))
        {
            return Ok((suite, Ok(share.clone())));
        }
        // Section 4.1.4: no usable share, but a group we take among those the client supports.
        let supported = match ch.extension(ExtensionType::SupportedGroups) {
            Some(Extension::SupportedGroups(groups)) => groups.clone(),
            _ => Vec::new(),
        };
        match self.config.groups.iter().find(|g| supported.contains(g)) {
            Some(group) => Ok((suite, Err(*group))),
            None => Err(TlsError::new(
                AlertDescription::HandshakeFailure,
                "no group in common for the key exchange",
            )),
        }
    }

    /// Section 4.1.4: a HelloRetryRequest asking for a share on `group`; the first
    /// ClientHello becomes its message_hash in the transcript (section 4.4.1).
    fn hello_retry_request(
        &self,
        common: &mut CommonState,
        ch: &ClientHello,
        suite: &'static SuiteParams,
        group: NamedGroup,
    ) -> Result<(), TlsError> {
        common.prepare();
        common.transcript.replace_first_with_message_hash(suite.prf);
        common.send_handshake(&HandshakePayload::ServerHello(ServerHello {
            server_version: crate::msgs::handshake::TLS12,
            random: HELLO_RETRY_REQUEST_RANDOM,
            session_id: ch.session_id.clone(),
            cipher_suite: suite.suite,
            compression_method: 0,
            extensions: vec![
                Extension::SupportedVersions(SupportedVersions::Selected(TLS13)),
                Extension::KeyShare(KeyShare::Retry(group)),
            ],
        }))?;
        // Appendix D.4: the compatibility change_cipher_spec follows our first message.
        if !ch.session_id.is_empty() {
            common.send_change_cipher_spec()?;
        }
        Ok(())
    }

    /// Our ServerHello (with the compatibility change_cipher_spec after it, unless it followed
    /// a HelloRetryRequest already), then EncryptedExtensions, Certificate, CertificateVerify
    /// and Finished under the handshake keys.
    fn handshake(
        &self,
        common: &mut CommonState,
        ch: &ClientHello,
        suite: &'static SuiteParams,
        client_share: &KeyShareEntry,
        retried: bool,
    ) -> Result<Session, TlsError> {
        common.learn(ValueName::ClientShare, &client_share.key_exchange);
        let key = common.ecdh_key_pair(client_share.group, EcdhSide::Server)?;
        let mut random = [0u8; 32];
        common.rng.fill(&mut random);
        common.compute(Computation::Random {
            name: ValueName::ServerRandom,
            value: random.to_vec().into(),
        });
        common.learn(ValueName::ServerRandom, &random);
        common.compute(Computation::SuiteSelected {
            cipher_suite: suite.suite.name(),
            offered: ch.cipher_suites.iter().map(|s| s.name()).collect(),
            extended_master_secret: false,
        });
        let shared =
            common.ecdh_premaster(&key, &client_share.key_exchange, ValueName::SharedSecret)?;
        common.prepare();
        common.send_handshake(&HandshakePayload::ServerHello(ServerHello {
            server_version: crate::msgs::handshake::TLS12,
            random,
            session_id: ch.session_id.clone(),
            cipher_suite: suite.suite,
            compression_method: 0,
            extensions: vec![
                Extension::KeyShare(KeyShare::Chosen(KeyShareEntry {
                    group: key.group,
                    key_exchange: key.public.clone(),
                })),
                Extension::SupportedVersions(SupportedVersions::Selected(TLS13)),
            ],
        }))?;
        common.key_exchange = KeyExchange::KeyShare;
        // Appendix D.4: in compatibility mode, a change_cipher_spec right after ServerHello.
        if !ch.session_id.is_empty() && !retried {
            common.send_change_cipher_spec()?;
        }
        let mut ks = KeySchedule::new(suite.prf);
        let (hello_hash, computation) = common
            .transcript
            .hash(suite.prf, "ClientHello..ServerHello");
        common.compute(computation);
        let stage = ks.handshake(&shared, &hello_hash)?;
        common.record_schedule(&mut ks);
        let writer = common.traffic_protector(&mut ks, suite, &stage.traffic.server)?;
        common.set_write(writer);
        let reader = common.traffic_protector(&mut ks, suite, &stage.traffic.client)?;
        common.set_read(reader);
        common.send_handshake(&HandshakePayload::EncryptedExtensions(Vec::new()))?;
        common.send_handshake(&HandshakePayload::Certificate13(Certificate {
            context: Vec::new(),
            entries: self
                .config
                .certificate_chain
                .iter()
                .map(|c| CertificateEntry {
                    cert_data: c.clone(),
                    extensions: Vec::new(),
                })
                .collect(),
        }))?;
        self.certificate_verify(common, suite)?;
        let server_hs = stage.traffic.server.clone();
        common.send_finished13(&mut ks, &server_hs, "server finished")?;
        let (finished_hash, computation) = common
            .transcript
            .hash(suite.prf, "ClientHello..server Finished");
        common.compute(computation);
        let app = ks.application(&stage.handshake_secret, &finished_hash)?;
        common.record_schedule(&mut ks);
        let writer = common.traffic_protector(&mut ks, suite, &app.traffic.server)?;
        common.set_write(writer);
        Ok(Session {
            suite,
            ks,
            stage,
            client_application: app.traffic.client,
            server_application: app.traffic.server,
        })
    }

    /// Section 4.4.3: rsa_pss_rsae_sha256 over the transcript through Certificate.
    fn certificate_verify(
        &self,
        common: &mut CommonState,
        suite: &'static SuiteParams,
    ) -> Result<(), TlsError> {
        let (hash, computation) = common
            .transcript
            .hash(suite.prf, "ClientHello..Certificate");
        common.compute(computation);
        let signed = certificate_verify_content(true, &hash);
        let scheme = SignatureScheme::RsaPssRsaeSha256;
        let key: &Arc<rsa::PrivateKey> = &self.config.private_key;
        let signature = key_exchange_signature::sign(key, scheme, &signed, common.rng.as_mut())
            .ok_or_else(|| TlsError::new(AlertDescription::InternalError, "signing failed"))?;
        common.compute(Computation::KeyExchangeSignature {
            scheme: scheme.name(),
            signed: signed.into(),
            signature: signature.clone().into(),
            verified: None,
        });
        common.send_handshake(&HandshakePayload::CertificateVerify(CertificateVerify {
            scheme,
            signature,
        }))
    }
}

/// Section 4.1.2: the second ClientHello may change only what a HelloRetryRequest asks for
/// (here the key share: exactly one, on `group`); anything else is illegal_parameter.
fn second_client_hello(
    first: &ClientHello,
    second: &ClientHello,
    group: NamedGroup,
) -> Result<KeyShareEntry, TlsError> {
    let illegal = |why: &str| TlsError::new(AlertDescription::IllegalParameter, why.to_string());
    if second.random != first.random
        || second.session_id != first.session_id
        || second.cipher_suites != first.cipher_suites
        || second.compression_methods != first.compression_methods
    {
        return Err(illegal(
            "the second ClientHello changes more than the key share (section 4.1.2)",
        ));
    }
    match second.extension(ExtensionType::KeyShare) {
        Some(Extension::KeyShare(KeyShare::Offered(shares)))
            if shares.len() == 1 && shares[0].group == group =>
        {
            Ok(shares[0].clone())
        }
        _ => Err(illegal(
            "the second ClientHello does not bring one key share on the group asked for",
        )),
    }
}

impl Machine {
    /// Sends a KeyUpdate (section 4.6.3), once connected.
    pub(crate) fn key_update(
        &mut self,
        common: &mut CommonState,
        request_peer: bool,
    ) -> Result<(), TlsError> {
        match &mut self.state {
            State::Connected(traffic) => traffic.send(common, request_peer),
            _ => Err(TlsError::new(
                AlertDescription::InternalError,
                "KeyUpdate before the handshake is complete",
            )),
        }
    }
}

impl State {
    fn expecting(&self) -> &'static str {
        match self {
            State::ExpectClientHello => "waiting for ClientHello",
            State::ExpectSecondClientHello(..) => "waiting for the second ClientHello",
            State::ExpectFinished(_) => "waiting for the client's Finished",
            State::Connected(_) => "connected",
            State::Failed => "after a fatal error",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msgs::enums::CipherSuite;

    fn hello(random: u8, group: NamedGroup) -> ClientHello {
        ClientHello {
            client_version: crate::msgs::handshake::TLS12,
            random: [random; 32],
            session_id: vec![1; 32],
            cipher_suites: vec![CipherSuite::TLS_AES_128_GCM_SHA256],
            compression_methods: vec![0],
            extensions: vec![Extension::KeyShare(KeyShare::Offered(vec![
                KeyShareEntry {
                    group,
                    key_exchange: vec![9; 32],
                },
            ]))],
        }
    }

    /// Section 4.1.2: only the key share may change, and it must be on the group asked for.
    #[test]
    fn a_second_client_hello_may_change_only_its_key_share() {
        let first = hello(7, NamedGroup::X25519);
        let second = hello(7, NamedGroup::Secp256r1);
        assert!(second_client_hello(&first, &second, NamedGroup::Secp256r1).is_ok());
        let illegal = |r: Result<KeyShareEntry, TlsError>| {
            r.map(|_| ()).unwrap_err().alert == AlertDescription::IllegalParameter
        };
        assert!(illegal(second_client_hello(
            &first,
            &hello(8, NamedGroup::Secp256r1),
            NamedGroup::Secp256r1
        )));
        assert!(illegal(second_client_hello(
            &first,
            &first,
            NamedGroup::Secp256r1
        )));
        let mut other_suites = second.clone();
        other_suites
            .cipher_suites
            .push(CipherSuite::TLS_AES_256_GCM_SHA384);
        assert!(illegal(second_client_hello(
            &first,
            &other_suites,
            NamedGroup::Secp256r1
        )));
    }
}
