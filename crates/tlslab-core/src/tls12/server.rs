//! The TLS 1.2 server (RFC 5246 section 7.3; RSA key exchange, or ECDHE_RSA with a signed
//! ServerKeyExchange, RFC 8422), sans-IO.

use super::EcdhSide;
use crate::common::{CommonState, Incoming};
use crate::crypto::ecdhe::{self, EphemeralKey};
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
    ClientHello, Extension, HandshakePayload, KeyExchange, ServerHello, ServerKeyExchange, TLS12,
    duplicate_extension,
};
use crate::msgs::tls13::{DOWNGRADE_TO_TLS12, SupportedVersions};
use crate::timeline::{Computation, EventKind, ValueName};
use std::sync::Arc;

/// The server's certificate, key and choices.
#[derive(Clone)]
pub struct ServerConfig {
    /// DER certificates, the server's own first (RFC 5246 section 7.4.2).
    pub certificate_chain: Vec<Vec<u8>>,
    pub private_key: Arc<rsa::PrivateKey>,
    /// Suites the server accepts, most preferred first; it picks by its own preference.
    pub cipher_suites: Vec<CipherSuite>,
    /// Agree to RFC 7627's extended master secret when the client offers it.
    pub extended_master_secret: bool,
    /// Groups for ECDHE, most preferred first (RFC 8422 section 5.1.1).
    pub groups: Vec<NamedGroup>,
}

impl ServerConfig {
    pub fn new(certificate_chain: Vec<Vec<u8>>, private_key: Arc<rsa::PrivateKey>) -> Self {
        ServerConfig {
            certificate_chain,
            private_key,
            cipher_suites: CipherSuite::SUPPORTED.to_vec(),
            extended_master_secret: true,
            groups: ecdhe::GROUPS.to_vec(),
        }
    }
}

struct Hello {
    client_version: [u8; 2],
    client_random: [u8; 32],
    server_random: [u8; 32],
    suite: &'static SuiteParams,
    extended_master_secret: bool,
    /// With an ECDHE suite: the server's key pair for this handshake.
    ephemeral: Option<EphemeralKey>,
}

enum State {
    ExpectClientHello,
    ExpectClientKeyExchange(Hello),
    ExpectChangeCipherSpec(Hello, [u8; 48], RecordProtector, RecordProtector),
    ExpectFinished(Hello, [u8; 48], RecordProtector),
    Connected,
    /// A message was refused; the connection is over.
    Failed,
}

/// The server's side of the handshake; [`crate::Connection`] runs it.
pub(crate) struct Machine {
    config: ServerConfig,
    /// The server speaks TLS 1.3 too: its random carries the downgrade sentinel (RFC 8446
    /// section 4.1.3).
    speaks_tls13: bool,
    state: State,
}

impl Machine {
    /// A server for `config`'s TLS 1.2 suites (its key and certificate already held).
    pub(crate) fn new(mut config: ServerConfig) -> Self {
        let (tls13, tls12) = crate::tls13::split_suites(&config.cipher_suites);
        config.cipher_suites = tls12;
        Machine {
            config,
            speaks_tls13: !tls13.is_empty(),
            state: State::ExpectClientHello,
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
            (State::ExpectClientHello, Incoming::Handshake(HandshakePayload::ClientHello(ch))) => {
                State::ExpectClientKeyExchange(self.client_hello(common, &ch)?)
            }
            (
                State::ExpectClientKeyExchange(hello),
                Incoming::Handshake(HandshakePayload::ClientKeyExchange(encrypted)),
            ) if hello.ephemeral.is_none() => {
                self.client_key_exchange(common, hello, &encrypted)?
            }
            (
                State::ExpectClientKeyExchange(hello),
                Incoming::Handshake(HandshakePayload::ClientKeyExchangeEcdh(share)),
            ) if hello.ephemeral.is_some() => self.client_ecdh(common, hello, &share)?,
            (
                State::ExpectChangeCipherSpec(hello, master, reader, writer),
                Incoming::ChangeCipherSpec,
            ) => {
                common.set_read(reader);
                State::ExpectFinished(hello, master, writer)
            }
            (
                State::ExpectFinished(hello, master, writer),
                Incoming::Handshake(HandshakePayload::Finished(received)),
            ) => self.finished(common, hello, &master, writer, received)?,
            (state, msg) => return Err(TlsError::unexpected(&msg.describe(), state.expecting())),
        };
        Ok(())
    }

    /// RFC 5246 sections 7.4.1.2-7.4.1.4, RFC 5746 section 3.6, RFC 7627 section 5.2; then
    /// ServerHello, Certificate and ServerHelloDone.
    fn client_hello(
        &mut self,
        common: &mut CommonState,
        ch: &ClientHello,
    ) -> Result<Hello, TlsError> {
        if ch.client_version < TLS12 {
            return Err(TlsError::new(
                AlertDescription::ProtocolVersion,
                format!(
                    "client offers at most version {}.{}; this server needs TLS 1.2",
                    ch.client_version[0], ch.client_version[1]
                ),
            ));
        }
        // RFC 8446 section 4.2.1: a server that speaks TLS 1.3 negotiates by supported_versions
        // when the client sends it, not by legacy_version.
        if let Some(Extension::SupportedVersions(SupportedVersions::Offered(versions))) =
            ch.extension(ExtensionType::SupportedVersions)
            && self.speaks_tls13
            && !versions.contains(&TLS12)
        {
            return Err(TlsError::new(
                AlertDescription::ProtocolVersion,
                "supported_versions offers neither TLS 1.3 nor TLS 1.2 (RFC 8446 section 4.2.1)",
            ));
        }
        if let Some(typ) = duplicate_extension(&ch.extensions) {
            return Err(TlsError::new(
                AlertDescription::IllegalParameter,
                format!(
                    "duplicate {} extension (RFC 5246 section 7.4.1.4)",
                    typ.name()
                ),
            ));
        }
        if !ch.compression_methods.contains(&0) {
            return Err(TlsError::new(
                AlertDescription::IllegalParameter,
                "client does not offer the null compression method",
            ));
        }
        // An ECDHE suite also needs a group and a signature scheme both sides have (RFC 8422
        // section 5.1): without them the server goes on to the next suite.
        let ecdhe = self.ecdhe_terms(ch);
        let chosen = self
            .config
            .cipher_suites
            .iter()
            .filter(|s| ch.cipher_suites.contains(s))
            .filter_map(|s| suite::params(*s))
            .find(|p| p.kx == KeyExchange::Rsa || ecdhe.is_some())
            .ok_or_else(|| {
                TlsError::new(
                    AlertDescription::HandshakeFailure,
                    format!(
                        "No cipher suite in common: the client offers {}",
                        ch.cipher_suites
                            .iter()
                            .map(|s| s.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
        // RFC 5746 section 3.6: the client signals support with the SCSV or the extension.
        let secure_renegotiation = ch
            .cipher_suites
            .contains(&CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV)
            || match ch.extension(ExtensionType::RenegotiationInfo) {
                Some(Extension::RenegotiationInfo(data)) if data.is_empty() => true,
                Some(_) => {
                    return Err(TlsError::new(
                        AlertDescription::HandshakeFailure,
                        "non-empty renegotiation_info on an initial handshake (RFC 5746 section 3.6)",
                    ));
                }
                None => false,
            };
        let extended_master_secret = self.config.extended_master_secret
            && ch.extension(ExtensionType::ExtendedMasterSecret).is_some();
        // The client_random is learned on the step that brings it; the rest belongs to the
        // ServerHello this side now prepares.
        common.learn(ValueName::ClientRandom, &ch.random);
        common.prepare();
        common.compute(Computation::SuiteSelected {
            cipher_suite: chosen.suite.name(),
            offered: ch.cipher_suites.iter().map(|s| s.name()).collect(),
            extended_master_secret,
        });

        let mut server_random = [0u8; 32];
        common.rng.fill(&mut server_random);
        if self.speaks_tls13 {
            server_random[24..].copy_from_slice(&DOWNGRADE_TO_TLS12);
        }
        common.compute(Computation::Random {
            name: ValueName::ServerRandom,
            value: server_random.to_vec().into(),
        });
        common.learn(ValueName::ServerRandom, &server_random);

        let mut extensions = Vec::new();
        if secure_renegotiation {
            extensions.push(Extension::RenegotiationInfo(Vec::new()));
        }
        if extended_master_secret {
            extensions.push(Extension::ExtendedMasterSecret);
        }
        let ecdhe = ecdhe.filter(|_| chosen.kx == KeyExchange::Ecdhe);
        // RFC 8422 section 5.2: the point formats echo the client's, uncompressed only.
        if ecdhe.is_some() && ch.extension(ExtensionType::EcPointFormats).is_some() {
            extensions.push(Extension::EcPointFormats(vec![EcPointFormat::Uncompressed]));
        }
        common.key_exchange = chosen.kx;
        let hello = ServerHello {
            server_version: TLS12,
            random: server_random,
            session_id: Vec::new(),
            cipher_suite: chosen.suite,
            compression_method: 0,
            extensions,
        };
        common.send_handshake(&HandshakePayload::ServerHello(hello))?;
        common.send_handshake(&HandshakePayload::Certificate(
            self.config.certificate_chain.clone(),
        ))?;
        let ephemeral = match ecdhe {
            Some((group, scheme)) => {
                Some(self.server_key_exchange(common, group, scheme, &ch.random, &server_random)?)
            }
            None => None,
        };
        common.send_handshake(&HandshakePayload::ServerHelloDone)?;
        Ok(Hello {
            client_version: ch.client_version,
            client_random: ch.random,
            server_random,
            suite: chosen,
            extended_master_secret,
            ephemeral,
        })
    }

    /// The group and signature scheme an ECDHE suite would use with this client: our first
    /// group it lists (secp256r1 when it lists none, RFC 8422 section 4), and our first
    /// scheme it lists in signature_algorithms (RFC 5246 section 7.4.1.4.1; without the
    /// extension it could only take SHA-1, which this server does not sign with).
    fn ecdhe_terms(&self, ch: &ClientHello) -> Option<(NamedGroup, SignatureScheme)> {
        let group = match ch.extension(ExtensionType::SupportedGroups) {
            Some(Extension::SupportedGroups(offered)) => self
                .config
                .groups
                .iter()
                .copied()
                .find(|g| offered.contains(g)),
            _ => Some(NamedGroup::Secp256r1).filter(|g| self.config.groups.contains(g)),
        }?;
        let scheme = match ch.extension(ExtensionType::SignatureAlgorithms) {
            Some(Extension::SignatureAlgorithms(offered)) => {
                key_exchange_signature::choose(offered)
            }
            _ => None,
        }?;
        Some((group, scheme))
    }

    /// RFC 8422 section 5.4: a key pair for this handshake, its public share and the
    /// signature over both randoms and the share.
    fn server_key_exchange(
        &mut self,
        common: &mut CommonState,
        group: NamedGroup,
        scheme: SignatureScheme,
        client_random: &[u8],
        server_random: &[u8],
    ) -> Result<EphemeralKey, TlsError> {
        let key = common.ecdh_key_pair(group, EcdhSide::Server)?;
        let mut ske = ServerKeyExchange {
            group,
            public: key.public.clone(),
            scheme,
            signature: Vec::new(),
        };
        let signed = ske.signed_content(client_random, server_random);
        ske.signature = key_exchange_signature::sign(
            &self.config.private_key,
            scheme,
            &signed,
            common.rng.as_mut(),
        )
        .ok_or_else(|| {
            TlsError::new(
                AlertDescription::InternalError,
                format!("cannot sign with {}", scheme.name()),
            )
        })?;
        common.compute(Computation::KeyExchangeSignature {
            scheme: scheme.name(),
            signed: signed.into(),
            signature: ske.signature.clone().into(),
            verified: None,
        });
        common.send_handshake(&HandshakePayload::ServerKeyExchange(ske))?;
        Ok(key)
    }

    /// RFC 8422 section 5.7 and 5.10: the client's share, checked, gives the premaster.
    fn client_ecdh(
        &mut self,
        common: &mut CommonState,
        hello: Hello,
        share: &[u8],
    ) -> Result<State, TlsError> {
        let Some(key) = &hello.ephemeral else {
            return Err(TlsError::new(
                AlertDescription::InternalError,
                "an ECDHE handshake without a server key",
            ));
        };
        common.learn(ValueName::ClientShare, share);
        let premaster = common.ecdh_premaster(key, share, ValueName::Premaster)?;
        self.switch_keys(common, hello, &premaster)
    }

    /// RFC 5246 section 7.4.7.1, with the Bleichenbacher countermeasure inside
    /// `rsa_kx::decrypt_premaster`: whatever the ciphertext, the handshake goes on.
    fn client_key_exchange(
        &mut self,
        common: &mut CommonState,
        hello: Hello,
        encrypted: &[u8],
    ) -> Result<State, TlsError> {
        let premaster = rsa_kx::decrypt_premaster(
            &self.config.private_key,
            hello.client_version,
            encrypted,
            common.rng.as_mut(),
        );
        common.compute(Computation::PremasterDecrypted {
            ciphertext: encrypted.into(),
            premaster: premaster.to_vec().into(),
        });
        common.learn(ValueName::Premaster, &premaster);
        self.switch_keys(common, hello, &premaster)
    }

    /// The key schedule from the premaster, and the record keys for both directions.
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
        let reader = RecordProtector::new(hello.suite, keys.client_keys());
        let writer = RecordProtector::new(hello.suite, keys.server_keys());
        Ok(State::ExpectChangeCipherSpec(hello, master, reader, writer))
    }

    /// Checks the client's Finished, then sends ChangeCipherSpec and our Finished.
    fn finished(
        &mut self,
        common: &mut CommonState,
        hello: Hello,
        master: &[u8; 48],
        writer: RecordProtector,
        received: Vec<u8>,
    ) -> Result<State, TlsError> {
        common.check_finished(hello.suite, master, LABEL_CLIENT_FINISHED, received)?;
        common.prepare();
        common.send_change_cipher_spec()?;
        common.set_write(writer);
        common.emit(EventKind::HandshakeComplete {
            cipher_suite: hello.suite.suite.name(),
            extended_master_secret: hello.extended_master_secret,
        });
        common.send_finished(hello.suite, master, LABEL_SERVER_FINISHED)?;
        Ok(State::Connected)
    }
}

impl State {
    fn expecting(&self) -> &'static str {
        match self {
            State::ExpectClientHello => "expecting ClientHello",
            State::ExpectClientKeyExchange(_) => "expecting ClientKeyExchange",
            State::ExpectChangeCipherSpec(..) => "expecting ChangeCipherSpec",
            State::ExpectFinished(..) => "expecting Finished",
            State::Connected => "connected",
            State::Failed => "failed",
        }
    }
}
