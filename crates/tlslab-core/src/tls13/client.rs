//! The TLS 1.3 client (RFC 8446), sans-IO, a full 1-RTT handshake:
//!
//! ```text
//! ClientHello (key_share, supported_versions)  -->
//!                                                  <--  ServerHello (key_share)
//!                                       {EncryptedExtensions, Certificate,
//!                                        CertificateVerify, Finished}
//! [ChangeCipherSpec] {Finished}                -->
//! [Application Data]                          <-->  [Application Data]
//! ```
//!
//! `{}` under the handshake traffic keys, `[]` under the application traffic keys; the
//! change_cipher_spec is the middlebox-compatibility one (appendix D.4), sent in the clear.
//! Shares the TLS 1.2 client's configuration ([`ClientConfig`]): its TLS 1.3 suites make it
//! this machine. With TLS 1.2 suites too, the ClientHello offers both versions, and a
//! ServerHello choosing TLS 1.2 hands the handshake to the TLS 1.2 machine ([`Machine::fall_back`],
//! with the downgrade check of section 4.1.3).

use crate::common::{CommonState, Incoming};
use crate::crypto::ecdhe::EphemeralKey;
use crate::crypto::key_exchange_signature;
use crate::crypto::suite::{self, SuiteParams};
use crate::error::TlsError;
use crate::msgs::enums::{AlertDescription, CipherSuite, ExtensionType, SignatureScheme};
use crate::msgs::handshake::TLS12;
use crate::msgs::handshake::{ClientHello, Extension, HandshakePayload, KeyExchange, ServerHello};
use crate::msgs::tls13::{
    Certificate, CertificateVerify, HELLO_RETRY_REQUEST_RANDOM, KeyShare, KeyShareEntry,
    SupportedVersions, TLS13, has_downgrade_sentinel,
};
use crate::pki;
use crate::timeline::{Computation, ValueName};
use crate::tls12::{self, ClientConfig, EcdhSide};

use super::certificate_verify_content;
use super::key_schedule::{HandshakeStage, KeySchedule};

/// What the handshake has fixed once ServerHello is in.
struct Session {
    suite: &'static SuiteParams,
    ks: KeySchedule,
    stage: HandshakeStage,
    /// The certificate_request_context of a CertificateRequest (section 4.3.2), if the
    /// server sent one: we answer it with an empty Certificate.
    certificate_requested: Option<Vec<u8>>,
}

/// Our ClientHello as sent, with the key behind its share; after a HelloRetryRequest, the
/// suite that request named (section 4.1.4: the ServerHello must keep it).
struct Offer {
    hello: ClientHello,
    key: EphemeralKey,
    retry_suite: Option<CipherSuite>,
}

enum State {
    ExpectServerHello(Box<Offer>),
    ExpectEncryptedExtensions(Session),
    ExpectCertificate(Session),
    ExpectCertificateVerify(Session, rsa::PublicKey),
    ExpectFinished(Session),
    Connected(Box<super::Traffic>),
    Failed,
}

/// The client's side of a TLS 1.3 handshake; [`crate::Connection`] runs it.
pub(crate) struct Machine {
    config: ClientConfig,
    state: State,
}

impl Machine {
    /// Queues the ClientHello, with a key share on the first of our groups. With TLS 1.2
    /// suites in `config` too, the ClientHello offers both versions and what TLS 1.2 needs.
    pub(crate) fn start(config: ClientConfig, common: &mut CommonState) -> Result<Self, TlsError> {
        let random = common.start_client(&config.trust_anchors);
        // Appendix D.4: a non-empty legacy_session_id puts the handshake in middlebox
        // compatibility mode, as browsers send it.
        let mut session_id = vec![0u8; 32];
        common.rng.fill(&mut session_id);
        let group = *config.groups.first().ok_or_else(|| {
            TlsError::new(
                AlertDescription::InternalError,
                "no group to offer a key share on",
            )
        })?;
        let key = common.ecdh_key_pair(group, EcdhSide::Client)?;
        let (_, tls12_suites) = super::split_suites(&config.cipher_suites);
        let mut versions = vec![TLS13];
        // Section 4.2.3: PSS for TLS 1.3's CertificateVerify; a TLS 1.2 server may sign its
        // ServerKeyExchange with PKCS#1 v1.5 as well.
        let mut schemes = vec![SignatureScheme::RsaPssRsaeSha256];
        if !tls12_suites.is_empty() {
            versions.push(TLS12);
            schemes.extend(tls12::client::PKCS1_SCHEMES);
        }
        let mut extensions = vec![
            Extension::ServerName(config.server_name.clone()),
            Extension::SupportedGroups(config.groups.clone()),
            Extension::SignatureAlgorithms(schemes),
            Extension::SupportedVersions(SupportedVersions::Offered(versions)),
            Extension::KeyShare(KeyShare::Offered(vec![KeyShareEntry {
                group,
                key_exchange: key.public.clone(),
            }])),
        ];
        if !tls12_suites.is_empty() {
            extensions.extend(tls12::client::tls12_only_extensions(&config));
        }
        let hello = ClientHello {
            client_version: TLS12,
            random,
            session_id,
            cipher_suites: config.cipher_suites.clone(),
            compression_methods: vec![0],
            extensions,
        };
        common.send_handshake(&HandshakePayload::ClientHello(hello.clone()))?;
        Ok(Machine {
            config,
            state: State::ExpectServerHello(Box::new(Offer {
                hello,
                key,
                retry_suite: None,
            })),
        })
    }

    /// Section 4.1.3: a ServerHello that negotiates TLS 1.2 (no supported_versions) to a
    /// client that offered TLS 1.2 too. The TLS 1.2 machine takes over from our ClientHello,
    /// unless the random carries the downgrade sentinel: then someone removed TLS 1.3 from
    /// our offer, and we refuse with illegal_parameter. `None`: the message stays ours.
    pub(crate) fn fall_back(
        &self,
        sh: &ServerHello,
    ) -> Result<Option<tls12::client::Machine>, TlsError> {
        let State::ExpectServerHello(offer) = &self.state else {
            return Ok(None);
        };
        let (_, tls12_suites) = super::split_suites(&self.config.cipher_suites);
        let negotiates_tls12 = sh.random != HELLO_RETRY_REQUEST_RANDOM
            && sh.extension(ExtensionType::SupportedVersions).is_none();
        if !negotiates_tls12 || tls12_suites.is_empty() {
            return Ok(None);
        }
        let illegal = |why: &str| Err(TlsError::new(AlertDescription::IllegalParameter, why));
        // Section 4.1.4: the ServerHello must keep the version the HelloRetryRequest chose.
        if offer.retry_suite.is_some() {
            return illegal("a TLS 1.2 ServerHello after a HelloRetryRequest chose TLS 1.3");
        }
        // RFC 5246 section 7.4.1.3: echoing the session id resumes that session, and this
        // random id names none (a TLS 1.2 server makes up its own, or sends none).
        if !sh.session_id.is_empty() && sh.session_id == offer.hello.session_id {
            return illegal(
                "a TLS 1.2 ServerHello resuming our legacy_session_id, which names no session",
            );
        }
        if has_downgrade_sentinel(&sh.random) {
            return Err(TlsError::new(
                AlertDescription::IllegalParameter,
                "the ServerHello negotiates TLS 1.2, but its random ends in the downgrade \
                 sentinel: the server speaks TLS 1.3, so something removed it from our offer \
                 (RFC 8446 section 4.1.3)",
            ));
        }
        let config = ClientConfig {
            cipher_suites: tls12_suites,
            ..self.config.clone()
        };
        Ok(Some(tls12::client::Machine::offered(
            config,
            offer.hello.random,
        )))
    }

    pub(crate) fn is_connected(&self) -> bool {
        matches!(self.state, State::Connected(_))
    }

    /// Advances the handshake with one message.
    pub fn handle(&mut self, common: &mut CommonState, msg: Incoming) -> Result<(), TlsError> {
        let state = std::mem::replace(&mut self.state, State::Failed);
        self.state = match (state, msg) {
            (
                State::ExpectServerHello(offer),
                Incoming::Handshake(HandshakePayload::ServerHello(sh)),
            ) if sh.random == HELLO_RETRY_REQUEST_RANDOM => {
                super::refuse_duplicates(&sh.extensions)?;
                State::ExpectServerHello(Box::new(self.hello_retry_request(common, *offer, &sh)?))
            }
            (
                State::ExpectServerHello(offer),
                Incoming::Handshake(HandshakePayload::ServerHello(sh)),
            ) => {
                super::refuse_duplicates(&sh.extensions)?;
                State::ExpectEncryptedExtensions(self.server_hello(common, *offer, &sh)?)
            }
            // Appendix D.4: the server's compatibility change_cipher_spec, before our keys.
            (State::ExpectServerHello(offer), Incoming::ChangeCipherSpec) => {
                State::ExpectServerHello(offer)
            }
            (
                State::ExpectEncryptedExtensions(session),
                Incoming::Handshake(HandshakePayload::EncryptedExtensions(extensions)),
            ) => {
                super::refuse_duplicates(&extensions)?;
                // Section 4.2: only extensions that belong in EncryptedExtensions.
                if let Some(e) = extensions.iter().find(|e| {
                    matches!(
                        e.typ(),
                        ExtensionType::KeyShare
                            | ExtensionType::SupportedVersions
                            | ExtensionType::SignatureAlgorithms
                    )
                }) {
                    return Err(TlsError::new(
                        AlertDescription::IllegalParameter,
                        format!("{} does not belong in EncryptedExtensions", e.typ().name()),
                    ));
                }
                State::ExpectCertificate(session)
            }
            (
                State::ExpectCertificate(mut session),
                Incoming::Handshake(HandshakePayload::CertificateRequest13(request)),
            ) if session.certificate_requested.is_none() => {
                session.certificate_requested = Some(request.context);
                State::ExpectCertificate(session)
            }
            (
                State::ExpectCertificate(session),
                Incoming::Handshake(HandshakePayload::Certificate13(certificate)),
            ) => {
                let key = self.validate(common, &certificate)?;
                State::ExpectCertificateVerify(session, key)
            }
            (
                State::ExpectCertificateVerify(session, key),
                Incoming::Handshake(HandshakePayload::CertificateVerify(cv)),
            ) => {
                Self::certificate_verify(common, &session, &key, cv)?;
                State::ExpectFinished(session)
            }
            (
                State::ExpectFinished(mut session),
                Incoming::Handshake(HandshakePayload::Finished(received)),
            ) => {
                let server_hs = session.stage.traffic.server.clone();
                common.check_finished13(
                    &mut session.ks,
                    &server_hs,
                    "server finished",
                    received,
                )?;
                State::Connected(Box::new(Self::finish(common, session)?))
            }
            // Section 4.6.1: tickets are recorded and not used (no resumption here).
            (
                State::Connected(traffic),
                Incoming::Handshake(HandshakePayload::NewSessionTicket(_)),
            ) => State::Connected(traffic),
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

    /// Whether we offered `suite` as a TLS 1.3 suite (a TLS 1.2 suite in a TLS 1.3
    /// ServerHello was not offered for it).
    fn offers13(&self, suite: CipherSuite) -> bool {
        CipherSuite::TLS13.contains(&suite) && self.config.cipher_suites.contains(&suite)
    }

    /// Section 4.1.4: the server asks for a share on another group. Checked like a
    /// ServerHello, then our second ClientHello: the same, with one share on that group (and
    /// the cookie, if any); the first becomes its message_hash in the transcript.
    fn hello_retry_request(
        &self,
        common: &mut CommonState,
        offer: Offer,
        hrr: &ServerHello,
    ) -> Result<Offer, TlsError> {
        let illegal = |why: String| Err(TlsError::new(AlertDescription::IllegalParameter, why));
        if offer.retry_suite.is_some() {
            return Err(TlsError::new(
                AlertDescription::UnexpectedMessage,
                "a second HelloRetryRequest (section 4.1.4)",
            ));
        }
        check_extensions(
            hrr,
            &offer.hello,
            &[
                ExtensionType::KeyShare,
                ExtensionType::SupportedVersions,
                ExtensionType::Cookie,
            ],
        )?;
        if !matches!(
            hrr.extension(ExtensionType::SupportedVersions),
            Some(Extension::SupportedVersions(SupportedVersions::Selected(
                TLS13
            )))
        ) {
            return illegal("a HelloRetryRequest that does not select TLS 1.3".into());
        }
        if hrr.session_id != offer.hello.session_id {
            return illegal("legacy_session_id_echo is not our legacy_session_id".into());
        }
        let Some(suite) =
            suite::params(hrr.cipher_suite).filter(|_| self.offers13(hrr.cipher_suite))
        else {
            return illegal(format!(
                "the server chose {}, which we did not offer",
                hrr.cipher_suite.name()
            ));
        };
        let group = match hrr.extension(ExtensionType::KeyShare) {
            Some(Extension::KeyShare(KeyShare::Retry(g)))
                if self.config.groups.contains(g) && *g != offer.key.group =>
            {
                *g
            }
            Some(Extension::KeyShare(KeyShare::Retry(g))) => {
                return illegal(format!(
                    "the HelloRetryRequest asks for {}, which we did not offer or already sent a share on",
                    g.name()
                ));
            }
            _ => return illegal("a HelloRetryRequest that asks for no group".into()),
        };
        common.transcript.replace_first_with_message_hash(suite.prf);
        common.prepare();
        let key = common.ecdh_key_pair(group, EcdhSide::Client)?;
        let mut hello = offer.hello;
        for extension in &mut hello.extensions {
            if let Extension::KeyShare(shares) = extension {
                *shares = KeyShare::Offered(vec![KeyShareEntry {
                    group,
                    key_exchange: key.public.clone(),
                }]);
            }
        }
        if let Some(cookie @ Extension::Cookie(_)) = hrr.extension(ExtensionType::Cookie) {
            hello.extensions.push(cookie.clone());
        }
        common.send_handshake(&HandshakePayload::ClientHello(hello.clone()))?;
        Ok(Offer {
            hello,
            key,
            retry_suite: Some(suite.suite),
        })
    }

    /// Section 4.1.3: the server's choices, checked; then the shared secret and the handshake
    /// traffic keys.
    fn server_hello(
        &self,
        common: &mut CommonState,
        offer: Offer,
        sh: &ServerHello,
    ) -> Result<Session, TlsError> {
        let Offer {
            hello,
            key,
            retry_suite,
        } = offer;
        let session_id = &hello.session_id;
        let illegal = |why: String| Err(TlsError::new(AlertDescription::IllegalParameter, why));
        check_extensions(
            sh,
            &hello,
            &[
                ExtensionType::KeyShare,
                ExtensionType::SupportedVersions,
                ExtensionType::PreSharedKey,
            ],
        )?;
        if retry_suite.is_some_and(|s| s != sh.cipher_suite) {
            return illegal("the ServerHello changes the suite of the HelloRetryRequest".into());
        }
        match sh.extension(ExtensionType::SupportedVersions) {
            Some(Extension::SupportedVersions(SupportedVersions::Selected(TLS13))) => {}
            Some(Extension::SupportedVersions(SupportedVersions::Selected(v))) => {
                return illegal(format!(
                    "the server selected version {v:?}, which we did not offer"
                ));
            }
            _ => {
                return Err(TlsError::new(
                    AlertDescription::ProtocolVersion,
                    "the server answered without supported_versions: it does not speak TLS 1.3, and this client speaks nothing older",
                ));
            }
        }
        if &sh.session_id != session_id {
            return illegal("legacy_session_id_echo is not our legacy_session_id".into());
        }
        if sh.compression_method != 0 {
            return illegal("legacy_compression_method is not 0".into());
        }
        let Some(suite) = suite::params(sh.cipher_suite).filter(|_| self.offers13(sh.cipher_suite))
        else {
            return illegal(format!(
                "the server chose {}, which we did not offer",
                sh.cipher_suite.name()
            ));
        };
        let share = match sh.extension(ExtensionType::KeyShare) {
            Some(Extension::KeyShare(KeyShare::Chosen(entry))) if entry.group == key.group => {
                entry.key_exchange.clone()
            }
            Some(Extension::KeyShare(KeyShare::Chosen(entry))) => {
                return illegal(format!(
                    "the server's key share is on {}, not on the group we offered",
                    entry.group.name()
                ));
            }
            _ => {
                return Err(TlsError::new(
                    AlertDescription::MissingExtension,
                    "ServerHello without a key_share (section 4.2.8)",
                ));
            }
        };
        common.learn(ValueName::ServerRandom, &sh.random);
        common.learn(ValueName::ServerShare, &share);
        common.key_exchange = KeyExchange::KeyShare;
        let shared = common.ecdh_premaster(&key, &share, ValueName::SharedSecret)?;
        let mut ks = KeySchedule::new(suite.prf);
        let (hello_hash, computation) = common
            .transcript
            .hash(suite.prf, "ClientHello..ServerHello");
        common.compute(computation);
        let stage = ks.handshake(&shared, &hello_hash)?;
        common.record_schedule(&mut ks);
        let reader = common.traffic_protector(&mut ks, suite, &stage.traffic.server)?;
        common.set_read(reader);
        Ok(Session {
            suite,
            ks,
            stage,
            certificate_requested: None,
        })
    }

    /// Certificate validation, each check an event (RFC 5280 section 6, RFC 6125).
    fn validate(
        &self,
        common: &mut CommonState,
        certificate: &Certificate,
    ) -> Result<rsa::PublicKey, TlsError> {
        // The leaf's key signs CertificateVerify (section 4.4.2.2).
        let policy = pki::Policy {
            leaf_key_use: pki::LeafKeyUse::Tls13Signature,
            ..self.config.policy.clone()
        };
        let report = pki::validate_chain(
            &certificate.chain(),
            &self.config.trust_anchors,
            &self.config.server_name,
            self.config.now,
            &policy,
        );
        for check in report.checks {
            common.emit(crate::timeline::EventKind::CertificateCheck(check));
        }
        report.result.map_err(|e| TlsError::new(e.alert, e.reason))
    }

    /// Section 4.4.3: the server's signature over the transcript so far, with the
    /// certificate's key; a bad one is decrypt_error.
    fn certificate_verify(
        common: &mut CommonState,
        session: &Session,
        key: &rsa::PublicKey,
        cv: CertificateVerify,
    ) -> Result<(), TlsError> {
        if cv.scheme != SignatureScheme::RsaPssRsaeSha256 {
            return Err(TlsError::new(
                AlertDescription::IllegalParameter,
                format!(
                    "CertificateVerify signed with {}, which we did not offer",
                    cv.scheme.name()
                ),
            ));
        }
        let (hash, computation) = common
            .transcript
            .hash_before_last(session.suite.prf, "ClientHello..Certificate");
        common.compute(computation);
        let signed = certificate_verify_content(true, &hash);
        let valid = key_exchange_signature::verify(key, cv.scheme, &signed, &cv.signature);
        common.compute(Computation::KeyExchangeSignature {
            scheme: cv.scheme.name(),
            signed: signed.into(),
            signature: cv.signature.into(),
            verified: Some(valid),
        });
        if !valid {
            return Err(TlsError::new(
                AlertDescription::DecryptError,
                "the CertificateVerify signature does not verify with the certificate's key",
            ));
        }
        Ok(())
    }

    /// Our second flight: the compatibility change_cipher_spec, Finished under the client
    /// handshake keys, then the application traffic keys both ways (section 7.1).
    fn finish(common: &mut CommonState, mut session: Session) -> Result<super::Traffic, TlsError> {
        let (finished_hash, computation) = common
            .transcript
            .hash(session.suite.prf, "ClientHello..server Finished");
        common.compute(computation);
        let app = session
            .ks
            .application(&session.stage.handshake_secret, &finished_hash)?;
        common.record_schedule(&mut session.ks);
        common.prepare();
        common.send_change_cipher_spec()?;
        let writer = common.traffic_protector(
            &mut session.ks,
            session.suite,
            &session.stage.traffic.client,
        )?;
        common.set_write(writer);
        // Section 4.4.2: with no certificate to offer, an empty Certificate (and then no
        // CertificateVerify).
        if let Some(context) = session.certificate_requested.take() {
            common.send_handshake(&HandshakePayload::Certificate13(Certificate {
                context,
                entries: Vec::new(),
            }))?;
        }
        let client_hs = session.stage.traffic.client.clone();
        common.send_finished13(&mut session.ks, &client_hs, "client finished")?;
        let writer =
            common.traffic_protector(&mut session.ks, session.suite, &app.traffic.client)?;
        common.set_write(writer);
        let reader =
            common.traffic_protector(&mut session.ks, session.suite, &app.traffic.server)?;
        common.set_read(reader);
        common.handshake_complete13(session.suite.suite);
        Ok(super::Traffic {
            ks: session.ks,
            suite: session.suite,
            read: app.traffic.server,
            write: app.traffic.client,
        })
    }

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

/// Sections 4.1.3, 4.1.4 and 4.2: a server's hello carries only extensions we sent (else
/// unsupported_extension; a HelloRetryRequest may add a cookie) and only those its message may
/// carry (else illegal_parameter): TLS 1.2's renegotiation_info or extended_master_secret, say,
/// answered in a TLS 1.3 ServerHello.
fn check_extensions(
    sh: &ServerHello,
    offered: &ClientHello,
    allowed: &[ExtensionType],
) -> Result<(), TlsError> {
    for extension in &sh.extensions {
        let typ = extension.typ();
        if typ != ExtensionType::Cookie && offered.extension(typ).is_none() {
            return Err(TlsError::new(
                AlertDescription::UnsupportedExtension,
                format!("the server answers {}, which we did not send", typ.name()),
            ));
        }
        if !allowed.contains(&typ) {
            return Err(TlsError::new(
                AlertDescription::IllegalParameter,
                format!(
                    "{} does not belong in this message (section 4.2)",
                    typ.name()
                ),
            ));
        }
    }
    Ok(())
}

impl State {
    fn expecting(&self) -> &'static str {
        match self {
            State::ExpectServerHello { .. } => "waiting for ServerHello",
            State::ExpectEncryptedExtensions(_) => "waiting for EncryptedExtensions",
            State::ExpectCertificate(_) => "waiting for Certificate",
            State::ExpectCertificateVerify(..) => "waiting for CertificateVerify",
            State::ExpectFinished(_) => "waiting for the server's Finished",
            State::Connected(_) => "connected",
            State::Failed => "after a fatal error",
        }
    }
}
