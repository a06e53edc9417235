//! The TLS 1.2 server (RFC 5246 section 7.3, RSA key exchange), sans-IO.

use crate::client::describe;
use crate::conn::{Conn, Incoming};
use crate::crypto::prf::{LABEL_CLIENT_FINISHED, LABEL_SERVER_FINISHED};
use crate::crypto::record_cipher::RecordProtector;
use crate::crypto::rsa_kx;
use crate::crypto::suite::{self, SuiteParams};
use crate::error::TlsError;
use crate::msgs::enums::{AlertDescription, AlertLevel, CipherSuite, ExtensionType};
use crate::msgs::handshake::{ClientHello, Extension, HandshakePayload, ServerHello, TLS12};
use crate::rng::RandomSource;
use crate::timeline::{Actor, Computation, Event, EventKind};
use std::sync::Arc;
use subtle::ConstantTimeEq;

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
}

impl ServerConfig {
    pub fn new(certificate_chain: Vec<Vec<u8>>, private_key: Arc<rsa::PrivateKey>) -> Self {
        ServerConfig {
            certificate_chain,
            private_key,
            cipher_suites: CipherSuite::SUPPORTED.to_vec(),
            extended_master_secret: true,
        }
    }
}

struct Hello {
    client_version: [u8; 2],
    client_random: [u8; 32],
    server_random: [u8; 32],
    suite: &'static SuiteParams,
    extended_master_secret: bool,
}

enum State {
    ExpectClientHello,
    ExpectClientKeyExchange(Hello),
    ExpectChangeCipherSpec(Hello, [u8; 48], RecordProtector, RecordProtector),
    ExpectFinished(Hello, [u8; 48], RecordProtector),
    Connected,
    Closed,
}

pub struct Server {
    config: ServerConfig,
    conn: Conn,
    state: State,
}

impl Server {
    pub fn new(config: ServerConfig, rng: Box<dyn RandomSource>) -> Self {
        let mut conn = Conn::new(Actor::Server, rng);
        conn.learn("server_private_key", b"(the RSA private key)");
        Server {
            config,
            conn,
            state: State::ExpectClientHello,
        }
    }

    // ---- sans-IO surface (as the client's) ----

    pub fn receive(&mut self, bytes: &[u8]) {
        if matches!(self.state, State::Closed) {
            return;
        }
        self.conn.push_received(bytes);
        loop {
            match self.conn.next_incoming() {
                Ok(Some(msg)) => {
                    if let Err(e) = self.handle(msg) {
                        self.fail(e);
                        return;
                    }
                    if matches!(self.state, State::Closed) {
                        return;
                    }
                }
                Ok(None) => return,
                Err(e) => {
                    self.fail(e);
                    return;
                }
            }
        }
    }

    pub fn take_output(&mut self) -> Vec<u8> {
        self.conn.take_output()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.conn.poll_event()
    }

    pub fn take_app_data(&mut self) -> Vec<u8> {
        self.conn.take_app_data()
    }

    pub fn is_connected(&self) -> bool {
        matches!(self.state, State::Connected)
    }

    pub fn is_closed(&self) -> bool {
        matches!(self.state, State::Closed)
    }

    pub fn knows(&self) -> &[crate::timeline::Known] {
        self.conn.known()
    }

    pub fn send_application_data(&mut self, data: &[u8]) -> Result<(), TlsError> {
        if !self.is_connected() {
            return Err(TlsError::new(
                AlertDescription::InternalError,
                "handshake not complete",
            ));
        }
        let r = self.conn.send_application_data(data);
        if let Err(e) = &r {
            self.fail(e.clone());
        }
        r
    }

    pub fn close(&mut self) {
        if !self.is_closed() {
            self.conn
                .send_alert(AlertLevel::Warning, AlertDescription::CloseNotify, "done");
            self.state = State::Closed;
        }
    }

    fn fail(&mut self, e: TlsError) {
        self.conn.fail(&e);
        self.state = State::Closed;
    }

    // ---- the state machine ----

    fn handle(&mut self, msg: Incoming) -> Result<(), TlsError> {
        let state = core::mem::replace(&mut self.state, State::Closed);
        self.state = match (state, msg) {
            (_, Incoming::Alert(alert)) => {
                if alert.description == AlertDescription::CloseNotify && !self.conn.closed {
                    self.conn.send_alert(
                        AlertLevel::Warning,
                        AlertDescription::CloseNotify,
                        "reply to close_notify",
                    );
                }
                self.conn.closed = true;
                State::Closed
            }
            (State::ExpectClientHello, Incoming::Handshake(HandshakePayload::ClientHello(ch))) => {
                State::ExpectClientKeyExchange(self.client_hello(&ch)?)
            }
            (
                State::ExpectClientKeyExchange(hello),
                Incoming::Handshake(HandshakePayload::ClientKeyExchange(encrypted)),
            ) => self.client_key_exchange(hello, &encrypted)?,
            (
                State::ExpectChangeCipherSpec(hello, master, reader, writer),
                Incoming::ChangeCipherSpec,
            ) => {
                self.conn.set_read(reader);
                State::ExpectFinished(hello, master, writer)
            }
            (
                State::ExpectFinished(hello, master, writer),
                Incoming::Handshake(HandshakePayload::Finished(received)),
            ) => self.finished(hello, &master, writer, received)?,
            (State::Connected, Incoming::ApplicationData(data)) => {
                self.conn.deliver(data);
                State::Connected
            }
            (state, msg) => return Err(TlsError::unexpected(&describe(&msg), state.expecting())),
        };
        Ok(())
    }

    /// RFC 5246 sections 7.4.1.2-7.4.1.4, RFC 5746 section 3.6, RFC 7627 section 5.2; then
    /// ServerHello, Certificate and ServerHelloDone.
    fn client_hello(&mut self, ch: &ClientHello) -> Result<Hello, TlsError> {
        if ch.client_version < TLS12 {
            return Err(TlsError::new(
                AlertDescription::ProtocolVersion,
                format!(
                    "client offers at most version {}.{}; this server needs TLS 1.2",
                    ch.client_version[0], ch.client_version[1]
                ),
            ));
        }
        if !ch.compression_methods.contains(&0) {
            return Err(TlsError::new(
                AlertDescription::IllegalParameter,
                "client does not offer the null compression method",
            ));
        }
        let chosen = self
            .config
            .cipher_suites
            .iter()
            .find(|s| ch.cipher_suites.contains(s))
            .and_then(|s| suite::params(*s))
            .ok_or_else(|| {
                TlsError::new(
                    AlertDescription::HandshakeFailure,
                    format!(
                        "no cipher suite in common: client offers {}",
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
        self.conn.compute(Computation::SuiteSelected {
            cipher_suite: chosen.suite.name(),
            offered: ch.cipher_suites.iter().map(|s| s.name()).collect(),
            extended_master_secret,
        });

        let mut server_random = [0u8; 32];
        self.conn.rng.fill(&mut server_random);
        self.conn.compute(Computation::Random {
            name: "server_random".into(),
            value: server_random.to_vec().into(),
        });
        self.conn.learn("client_random", &ch.random);
        self.conn.learn("server_random", &server_random);

        let mut extensions = Vec::new();
        if secure_renegotiation {
            extensions.push(Extension::RenegotiationInfo(Vec::new()));
        }
        if extended_master_secret {
            extensions.push(Extension::ExtendedMasterSecret);
        }
        let hello = ServerHello {
            server_version: TLS12,
            random: server_random,
            session_id: Vec::new(),
            cipher_suite: chosen.suite,
            compression_method: 0,
            extensions,
        };
        self.conn
            .send_handshake(&HandshakePayload::ServerHello(hello))?;
        self.conn.send_handshake(&HandshakePayload::Certificate(
            self.config.certificate_chain.clone(),
        ))?;
        self.conn
            .send_handshake(&HandshakePayload::ServerHelloDone)?;
        Ok(Hello {
            client_version: ch.client_version,
            client_random: ch.random,
            server_random,
            suite: chosen,
            extended_master_secret,
        })
    }

    /// RFC 5246 section 7.4.7.1, with the Bleichenbacher countermeasure inside
    /// `rsa_kx::decrypt_premaster`: whatever the ciphertext, the handshake goes on.
    fn client_key_exchange(&mut self, hello: Hello, encrypted: &[u8]) -> Result<State, TlsError> {
        let premaster = rsa_kx::decrypt_premaster(
            &self.config.private_key,
            hello.client_version,
            encrypted,
            self.conn.rng.as_mut(),
        );
        self.conn.compute(Computation::PremasterDecrypted {
            ciphertext: encrypted.into(),
            premaster: premaster.to_vec().into(),
        });
        self.conn.learn("premaster", &premaster);
        let master = self.conn.master_secret(
            &premaster,
            &hello.client_random,
            &hello.server_random,
            hello.extended_master_secret,
        );
        let keys = self.conn.key_block(
            &master,
            &hello.client_random,
            &hello.server_random,
            hello.suite,
        )?;
        let reader = RecordProtector::new(hello.suite, keys.client_keys());
        let writer = RecordProtector::new(hello.suite, keys.server_keys());
        Ok(State::ExpectChangeCipherSpec(hello, master, reader, writer))
    }

    /// Checks the client's Finished, then sends ChangeCipherSpec and our Finished.
    fn finished(
        &mut self,
        hello: Hello,
        master: &[u8; 48],
        writer: RecordProtector,
        received: Vec<u8>,
    ) -> Result<State, TlsError> {
        let (hash, expected) =
            self.conn
                .verify_data(master, LABEL_CLIENT_FINISHED, "client_finished");
        let matches = bool::from(expected.ct_eq(received.as_slice()));
        self.conn.compute(Computation::VerifyData {
            label: "client finished".into(),
            handshake_hash: hash.to_vec().into(),
            verify_data: expected.to_vec().into(),
            received: Some(received.clone().into()),
            matches: Some(matches),
        });
        if !matches {
            return Err(TlsError::new(
                AlertDescription::DecryptError,
                "the client's Finished does not match our transcript",
            ));
        }
        self.conn
            .add_to_transcript("Finished", &HandshakePayload::Finished(received).encode());
        self.conn.send_change_cipher_spec()?;
        self.conn.set_write(writer);
        let (hash, verify_data) =
            self.conn
                .verify_data(master, LABEL_SERVER_FINISHED, "server_finished");
        self.conn.compute(Computation::VerifyData {
            label: "server finished".into(),
            handshake_hash: hash.to_vec().into(),
            verify_data: verify_data.to_vec().into(),
            received: None,
            matches: None,
        });
        self.conn
            .send_handshake(&HandshakePayload::Finished(verify_data.to_vec()))?;
        self.conn.emit(EventKind::HandshakeComplete {
            cipher_suite: hello.suite.suite.name(),
            extended_master_secret: hello.extended_master_secret,
        });
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
            State::Closed => "closed",
        }
    }
}
