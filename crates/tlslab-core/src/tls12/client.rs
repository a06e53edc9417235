//! The TLS 1.2 client (RFC 5246 section 7.3; RSA key exchange, or ECDHE_RSA, RFC 8422),
//! sans-IO.
//!
//! ```text
//! ClientHello          -------->
//!                                       ServerHello
//!                                       Certificate
//!                                 ServerKeyExchange  (ECDHE only)
//!                      <--------    ServerHelloDone
//! ClientKeyExchange
//! [ChangeCipherSpec]
//! Finished             -------->
//!                                [ChangeCipherSpec]
//!                      <--------           Finished
//! Application Data     <------->   Application Data
//! ```

use super::EcdhSide;
use crate::common::{CommonState, Incoming};
use crate::crypto::ecdhe;
use crate::crypto::key_exchange_signature;
use crate::crypto::prf::{LABEL_CLIENT_FINISHED, LABEL_SERVER_FINISHED};
use crate::crypto::record_cipher::RecordProtector;
use crate::crypto::rsa_kx;
use crate::crypto::suite::{self, SuiteParams};
use crate::error::TlsError;
use crate::msgs::enums::{
    AlertDescription, CipherSuite, EcPointFormat, ExtensionType, NamedGroup, SignatureScheme,
};
use crate::msgs::handshake::{
    ClientHello, Extension, HandshakePayload, KeyExchange, ServerKeyExchange, TLS12,
    duplicate_extension,
};
use crate::pki::{self, Policy};
use crate::timeline::{Computation, EventKind, ValueName};

/// What the client offers and whom it trusts.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The host name to ask for (server_name) and to check the certificate against.
    pub server_name: String,
    /// Offered suites, most preferred first.
    pub cipher_suites: Vec<CipherSuite>,
    /// Offer RFC 7627's extended master secret.
    pub offer_extended_master_secret: bool,
    /// Trust anchors (root certificates, DER).
    pub trust_anchors: Vec<Vec<u8>>,
    /// The client's clock, seconds since the Unix epoch, for certificate validity.
    pub now: u64,
    pub policy: Policy,
    /// Groups for ECDHE, most preferred first (offered when an ECDHE suite is).
    pub groups: Vec<NamedGroup>,
}

impl ClientConfig {
    /// Offers every implemented suite and the extended master secret; trusts `trust_anchors`.
    pub fn new(server_name: &str, trust_anchors: Vec<Vec<u8>>, now: u64) -> Self {
        ClientConfig {
            server_name: server_name.into(),
            cipher_suites: CipherSuite::OFFERED.to_vec(),
            offer_extended_master_secret: true,
            trust_anchors,
            now,
            policy: Policy::default(),
            groups: ecdhe::GROUPS.to_vec(),
        }
    }
}

/// The PKCS#1 v1.5 signature schemes a TLS 1.2 client accepts (RFC 5246 section 7.4.1.4.1).
pub(crate) const PKCS1_SCHEMES: [SignatureScheme; 3] = [
    SignatureScheme::RsaPkcs1Sha256,
    SignatureScheme::RsaPkcs1Sha384,
    SignatureScheme::RsaPkcs1Sha512,
];

/// Whether `config` offers an ECDHE suite (then it also offers groups and point formats).
fn offers_ecdhe(config: &ClientConfig) -> bool {
    config
        .cipher_suites
        .iter()
        .filter_map(|s| suite::params(*s))
        .any(|p| p.kx == KeyExchange::Ecdhe)
}

fn client_hello(config: &ClientConfig, random: [u8; 32]) -> ClientHello {
    let ecdhe = offers_ecdhe(config);
    // With ECDHE the server signs its share: the schemes it may use, PSS first as browsers
    // list it. Without, the list every RSA link has always carried.
    let mut schemes = PKCS1_SCHEMES.to_vec();
    if ecdhe {
        schemes.insert(0, SignatureScheme::RsaPssRsaeSha256);
    }
    let mut extensions = vec![
        Extension::ServerName(config.server_name.clone()),
        Extension::SignatureAlgorithms(schemes),
    ];
    extensions.extend(tls12_only_extensions(config));
    if ecdhe {
        // RFC 8422 section 5.1.1.
        extensions.insert(
            extensions.len() - 1,
            Extension::SupportedGroups(config.groups.clone()),
        );
    }
    ClientHello {
        client_version: TLS12,
        random,
        session_id: Vec::new(),
        cipher_suites: config.cipher_suites.clone(),
        compression_methods: vec![0],
        extensions,
    }
}

/// The extensions only TLS 1.2 reads: renegotiation_info (RFC 5746 section 3.4: empty on an
/// initial handshake), extended_master_secret (RFC 7627) when offered, and with ECDHE
/// ec_point_formats (RFC 8422 section 5.1.2).
pub(crate) fn tls12_only_extensions(config: &ClientConfig) -> Vec<Extension> {
    let mut extensions = vec![Extension::RenegotiationInfo(Vec::new())];
    if config.offer_extended_master_secret {
        extensions.push(Extension::ExtendedMasterSecret);
    }
    if offers_ecdhe(config) {
        extensions.push(Extension::EcPointFormats(vec![EcPointFormat::Uncompressed]));
    }
    extensions
}

/// Values fixed once the hellos are exchanged.
struct Hello {
    client_random: [u8; 32],
    server_random: [u8; 32],
    suite: &'static SuiteParams,
    extended_master_secret: bool,
    /// With an ECDHE suite, the server's signed share once its ServerKeyExchange is checked.
    server_share: Option<(NamedGroup, Vec<u8>)>,
}

enum State {
    ExpectServerHello {
        client_random: [u8; 32],
    },
    ExpectCertificate(Hello),
    /// The flag records a CertificateRequest (RFC 5246 section 7.4.4).
    ExpectServerHelloDone(Hello, rsa::PublicKey, bool),
    ExpectChangeCipherSpec(Hello, [u8; 48], RecordProtector),
    ExpectFinished(Hello, [u8; 48]),
    Connected,
    /// A message was refused; the connection is over.
    Failed,
}

/// The client's side of the handshake; [`crate::Connection`] runs it.
pub(crate) struct Machine {
    config: ClientConfig,
    state: State,
}

impl Machine {
    /// Queues the ClientHello on `conn`.
    pub(crate) fn start(config: ClientConfig, common: &mut CommonState) -> Result<Self, TlsError> {
        let client_random = common.start_client(&config.trust_anchors);
        common.send_handshake(&HandshakePayload::ClientHello(client_hello(
            &config,
            client_random,
        )))?;
        Ok(Machine::offered(config, client_random))
    }

    /// The machine once a ClientHello with `client_random` offering `config`'s suites is sent
    /// (by us, or by a TLS 1.3 client that offered TLS 1.2 too and hands over).
    pub(crate) fn offered(config: ClientConfig, client_random: [u8; 32]) -> Self {
        Machine {
            config,
            state: State::ExpectServerHello { client_random },
        }
    }

    pub(crate) fn is_connected(&self) -> bool {
        matches!(self.state, State::Connected)
    }

    // ---- the state machine ----

    /// Advances the handshake with one message; alerts and application data never reach here.
    pub fn handle(&mut self, common: &mut CommonState, msg: Incoming) -> Result<(), TlsError> {
        let state = core::mem::replace(&mut self.state, State::Failed);
        self.state = match (state, msg) {
            (
                State::ExpectServerHello { client_random },
                Incoming::Handshake(HandshakePayload::ServerHello(sh)),
            ) => State::ExpectCertificate(self.server_hello(common, client_random, &sh)?),
            (
                State::ExpectCertificate(hello),
                Incoming::Handshake(HandshakePayload::Certificate(chain)),
            ) => {
                let key = self.validate(common, &chain, hello.suite.kx)?;
                State::ExpectServerHelloDone(hello, key, false)
            }
            (
                State::ExpectServerHelloDone(mut hello, key, false),
                Incoming::Handshake(HandshakePayload::ServerKeyExchange(ske)),
            ) if hello.suite.kx == KeyExchange::Ecdhe && hello.server_share.is_none() => {
                hello.server_share = Some(self.server_key_exchange(common, &hello, &key, ske)?);
                State::ExpectServerHelloDone(hello, key, false)
            }
            (
                State::ExpectServerHelloDone(hello, key, false),
                Incoming::Handshake(HandshakePayload::CertificateRequest(_)),
            ) if hello.suite.kx == KeyExchange::Rsa || hello.server_share.is_some() => {
                State::ExpectServerHelloDone(hello, key, true)
            }
            (
                State::ExpectServerHelloDone(hello, key, certificate_requested),
                Incoming::Handshake(HandshakePayload::ServerHelloDone),
            ) if hello.suite.kx == KeyExchange::Rsa || hello.server_share.is_some() => {
                common.prepare();
                if certificate_requested {
                    // RFC 5246 section 7.4.6: with no certificate to offer, the client sends an
                    // empty Certificate message (and then no CertificateVerify).
                    common.send_handshake(&HandshakePayload::Certificate(Vec::new()))?;
                }
                self.key_exchange(common, hello, &key)?
            }
            (State::ExpectChangeCipherSpec(hello, master, reader), Incoming::ChangeCipherSpec) => {
                common.set_read(reader);
                State::ExpectFinished(hello, master)
            }
            (
                State::ExpectFinished(hello, master),
                Incoming::Handshake(HandshakePayload::Finished(received)),
            ) => {
                common.check_finished(hello.suite, &master, LABEL_SERVER_FINISHED, received)?;
                common.emit(EventKind::HandshakeComplete {
                    cipher_suite: hello.suite.suite.name(),
                    extended_master_secret: hello.extended_master_secret,
                });
                State::Connected
            }
            (state, msg) => {
                return Err(TlsError::unexpected(&msg.describe(), state.expecting()));
            }
        };
        Ok(())
    }

    /// RFC 5246 section 7.4.1.3, RFC 5746 section 3.4, RFC 7627 section 5.2.
    fn server_hello(
        &mut self,
        common: &mut CommonState,
        client_random: [u8; 32],
        sh: &crate::msgs::handshake::ServerHello,
    ) -> Result<Hello, TlsError> {
        if sh.server_version != TLS12 {
            return Err(TlsError::new(
                AlertDescription::ProtocolVersion,
                format!(
                    "server chose version {}.{}; this client speaks TLS 1.2 only",
                    sh.server_version[0], sh.server_version[1]
                ),
            ));
        }
        if !self.config.cipher_suites.contains(&sh.cipher_suite) {
            return Err(TlsError::new(
                AlertDescription::IllegalParameter,
                format!(
                    "server chose {}, which we did not offer",
                    sh.cipher_suite.name()
                ),
            ));
        }
        let suite = suite::params(sh.cipher_suite).ok_or_else(|| {
            TlsError::new(
                AlertDescription::IllegalParameter,
                "server chose a suite we cannot run",
            )
        })?;
        if sh.compression_method != 0 {
            return Err(TlsError::new(
                AlertDescription::IllegalParameter,
                "server chose compression",
            ));
        }
        if let Some(typ) = duplicate_extension(&sh.extensions) {
            return Err(TlsError::new(
                AlertDescription::IllegalParameter,
                format!("duplicate {} extension", typ.name()),
            ));
        }
        for ext in &sh.extensions {
            let typ = ext.typ();
            let offered = match ext {
                Extension::RenegotiationInfo(data) => {
                    if !data.is_empty() {
                        return Err(TlsError::new(
                            AlertDescription::HandshakeFailure,
                            "non-empty renegotiation_info on an initial handshake (RFC 5746 section 3.4)",
                        ));
                    }
                    true
                }
                Extension::ExtendedMasterSecret => self.config.offer_extended_master_secret,
                // RFC 8422 section 5.2: echoed only to a client that offered ECDHE.
                Extension::EcPointFormats(formats) => {
                    offers_ecdhe(&self.config) && formats.contains(&EcPointFormat::Uncompressed)
                }
                // RFC 5246 section 7.4.1.4: only extensions we offered may come back; a server
                // acknowledges server_name with an empty one, which decodes as Unknown.
                Extension::Unknown(ExtensionType::ServerName, data) => data.is_empty(),
                _ => false,
            };
            if !offered {
                return Err(TlsError::new(
                    AlertDescription::UnsupportedExtension,
                    format!("server sent {} which we did not offer", typ.name()),
                ));
            }
        }
        let extended_master_secret = sh.extension(ExtensionType::ExtendedMasterSecret).is_some();
        common.learn(ValueName::ServerRandom, &sh.random);
        common.key_exchange = suite.kx;
        Ok(Hello {
            client_random,
            server_random: sh.random,
            suite,
            extended_master_secret,
            server_share: None,
        })
    }

    /// RFC 8422 section 5.4: the server's share, in a group we offered, signed with a scheme
    /// we offered by the key of the certificate we accepted. A bad signature is decrypt_error
    /// (RFC 5246 section 7.2.2: "a ... signature could not be correctly verified").
    fn server_key_exchange(
        &mut self,
        common: &mut CommonState,
        hello: &Hello,
        server_key: &rsa::PublicKey,
        ske: ServerKeyExchange,
    ) -> Result<(NamedGroup, Vec<u8>), TlsError> {
        if !self.config.groups.contains(&ske.group) {
            return Err(TlsError::new(
                AlertDescription::IllegalParameter,
                format!(
                    "server chose group {}, which we did not offer",
                    ske.group.name()
                ),
            ));
        }
        if !key_exchange_signature::SCHEMES.contains(&ske.scheme) {
            return Err(TlsError::new(
                AlertDescription::IllegalParameter,
                format!(
                    "server signed with {}, which we did not offer",
                    ske.scheme.name()
                ),
            ));
        }
        let signed = ske.signed_content(&hello.client_random, &hello.server_random);
        let valid = key_exchange_signature::verify(server_key, ske.scheme, &signed, &ske.signature);
        common.compute(Computation::KeyExchangeSignature {
            scheme: ske.scheme.name(),
            signed: signed.into(),
            signature: ske.signature.into(),
            verified: Some(valid),
        });
        if !valid {
            return Err(TlsError::new(
                AlertDescription::DecryptError,
                "the ServerKeyExchange signature does not verify with the certificate's key: someone other than the certificate's holder chose this share",
            ));
        }
        common.learn(ValueName::ServerShare, &ske.public);
        Ok((ske.group, ske.public))
    }

    /// Certificate validation, each check an event (RFC 5280 section 6, RFC 6125).
    fn validate(
        &mut self,
        common: &mut CommonState,
        chain: &[Vec<u8>],
        kx: KeyExchange,
    ) -> Result<rsa::PublicKey, TlsError> {
        // The leaf's key encrypts the premaster (RSA) or signs the share (ECDHE).
        let policy = pki::Policy {
            leaf_key_use: match kx {
                KeyExchange::Rsa => pki::LeafKeyUse::RsaKeyExchange,
                _ => pki::LeafKeyUse::EcdheSignature,
            },
            ..self.config.policy.clone()
        };
        let report = pki::validate_chain(
            chain,
            &self.config.trust_anchors,
            &self.config.server_name,
            self.config.now,
            &policy,
        );
        for check in report.checks {
            common.emit(EventKind::CertificateCheck(check));
        }
        report.result.map_err(|e| TlsError::new(e.alert, e.reason))
    }

    /// ClientKeyExchange, ChangeCipherSpec and Finished (RFC 5246 sections 7.4.7, 7.1, 7.4.9).
    fn key_exchange(
        &mut self,
        common: &mut CommonState,
        hello: Hello,
        server_key: &rsa::PublicKey,
    ) -> Result<State, TlsError> {
        common.prepare();
        let premaster = match &hello.server_share {
            Some((group, share)) => self.ecdh(common, *group, share)?,
            None => Self::encrypt_premaster(common, server_key)?,
        };
        self.switch_keys(common, hello, &premaster)
    }

    /// RFC 8422 sections 5.7 and 5.10: our key pair on the server's group, our share sent,
    /// the premaster computed from our private scalar and the server's checked share.
    fn ecdh(
        &mut self,
        common: &mut CommonState,
        group: NamedGroup,
        server_share: &[u8],
    ) -> Result<Vec<u8>, TlsError> {
        let key = common.ecdh_key_pair(group, EcdhSide::Client)?;
        let premaster = common.ecdh_premaster(&key, server_share, ValueName::Premaster)?;
        common.send_handshake(&HandshakePayload::ClientKeyExchangeEcdh(key.public))?;
        Ok(premaster)
    }

    /// RFC 5246 section 7.4.7.1: a fresh premaster, encrypted to the certificate's key.
    fn encrypt_premaster(
        common: &mut CommonState,
        server_key: &rsa::PublicKey,
    ) -> Result<Vec<u8>, TlsError> {
        let encrypted = rsa_kx::encrypt_premaster(server_key, TLS12, common.rng.as_mut())
            .map_err(|e| TlsError::new(AlertDescription::InternalError, e.to_string()))?;
        let premaster = encrypted.premaster.clone();
        let ciphertext = encrypted.ciphertext.0.clone();
        common.learn(ValueName::Premaster, &premaster.0);
        common.compute(Computation::PremasterEncrypted(encrypted));
        common.send_handshake(&HandshakePayload::ClientKeyExchange(ciphertext))?;
        Ok(premaster.0)
    }

    /// The key schedule, ChangeCipherSpec and our Finished under the new keys.
    fn switch_keys(
        &mut self,
        common: &mut CommonState,
        hello: Hello,
        premaster: &[u8],
    ) -> Result<State, TlsError> {
        let (master, keys) = common.derive_keys(
            premaster,
            &hello.client_random,
            &hello.server_random,
            hello.extended_master_secret,
            hello.suite,
        )?;

        common.send_change_cipher_spec()?;
        common.set_write(RecordProtector::new(hello.suite, keys.client_keys()));
        common.send_finished(hello.suite, &master, LABEL_CLIENT_FINISHED)?;
        let reader = RecordProtector::new(hello.suite, keys.server_keys());
        Ok(State::ExpectChangeCipherSpec(hello, master, reader))
    }
}

impl State {
    fn expecting(&self) -> &'static str {
        match self {
            State::ExpectServerHello { .. } => "expecting ServerHello",
            State::ExpectCertificate(_) => "expecting Certificate",
            State::ExpectServerHelloDone(..) => "expecting ServerHelloDone",
            State::ExpectChangeCipherSpec(..) => "expecting ChangeCipherSpec",
            State::ExpectFinished(..) => "expecting Finished",
            State::Connected => "connected",
            State::Failed => "failed",
        }
    }
}
