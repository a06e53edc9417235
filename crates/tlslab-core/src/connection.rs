//! A TLS connection, client or server: the sans-IO surface the driver, the CLI and the web app
//! use. Bytes go in with [`Connection::receive`]; bytes to send come out of
//! [`Connection::take_output`] and events out of [`Connection::poll_event`].

use crate::common::{CommonState, Incoming};
use crate::error::TlsError;
use crate::msgs::enums::{AlertDescription, AlertLevel};
use crate::msgs::handshake::HandshakePayload;
use crate::rng::RandomSource;
use crate::timeline::{Actor, ConnectionEvent};
use crate::tls12::{ClientConfig, ServerConfig, client, server};
use crate::tls13;

/// The state machine behind a connection. A client's suites say which versions it offers
/// (TLS 1.3's first, when it has any); a server's machine waits for the ClientHello.
enum Side {
    Client(client::Machine),
    Server(server::Machine),
    Client13(tls13::client::Machine),
    Server13(tls13::server::Machine),
    /// A server before the ClientHello: the version it offers decides (RFC 8446 section 4.2.1).
    ServerAwaitingHello(ServerConfig),
}

pub struct Connection {
    common: CommonState,
    /// `None` once the side could not even start (its first flight failed).
    side: Option<Side>,
}

impl Connection {
    /// A client that has queued its ClientHello.
    pub fn client(config: ClientConfig, rng: Box<dyn RandomSource>) -> Self {
        let mut common = CommonState::new(Actor::Client, rng);
        let (tls13_suites, _) = tls13::split_suites(&config.cipher_suites);
        let started = if !tls13_suites.is_empty() {
            tls13::client::Machine::start(config, &mut common).map(Side::Client13)
        } else {
            client::Machine::start(config, &mut common).map(Side::Client)
        };
        let side = match started {
            Ok(side) => Some(side),
            Err(e) => {
                common.fail(&e);
                None
            }
        };
        Connection { common, side }
    }

    /// A server waiting for a ClientHello.
    pub fn server(config: ServerConfig, rng: Box<dyn RandomSource>) -> Self {
        let mut common = CommonState::new(Actor::Server, rng);
        common.start_server(&config);
        Connection {
            common,
            side: Some(Side::ServerAwaitingHello(config)),
        }
    }

    /// The machine that answers `msg`, the first message a server receives: TLS 1.3's when
    /// the client offers it and we have a TLS 1.3 suite, else TLS 1.2's (which puts the
    /// downgrade sentinel in its random if we speak TLS 1.3 too, section 4.1.3), unless we
    /// speak TLS 1.3 only.
    fn server_side(config: ServerConfig, msg: &Incoming) -> Side {
        let (tls13_suites, tls12_suites) = tls13::split_suites(&config.cipher_suites);
        let offers_tls13 = matches!(msg,
            Incoming::Handshake(HandshakePayload::ClientHello(ch)) if tls13::offers_tls13(ch));
        if !tls13_suites.is_empty() && (offers_tls13 || tls12_suites.is_empty()) {
            Side::Server13(tls13::server::Machine::new(config))
        } else {
            Side::Server(server::Machine::new(config))
        }
    }

    pub fn actor(&self) -> Actor {
        self.common.actor
    }

    /// Feeds bytes from the peer. Anything malformed or unexpected ends the connection with a
    /// fatal alert, queued in the output; nothing the peer sends can make this panic.
    pub fn receive(&mut self, bytes: &[u8]) {
        if self.common.closed {
            return;
        }
        self.common.push_received(bytes);
        while !self.common.closed {
            let step = match self.common.next_incoming() {
                Ok(Some(msg)) => self.handle(msg),
                Ok(None) => return,
                Err(e) => Err(e),
            };
            if let Err(e) = step {
                self.common.fail(&e);
            }
        }
    }

    fn handle(&mut self, msg: Incoming) -> Result<(), TlsError> {
        match msg {
            // RFC 5246 section 7.2.1: answer close_notify with our own; any alert ends it.
            Incoming::Alert(alert) => {
                if alert.description == AlertDescription::CloseNotify {
                    self.common.send_alert(
                        AlertLevel::Warning,
                        AlertDescription::CloseNotify,
                        "reply to close_notify",
                    );
                }
                self.common.closed = true;
                Ok(())
            }
            Incoming::ApplicationData(data) if self.is_connected() => {
                self.common.deliver(data);
                Ok(())
            }
            msg => {
                self.choose_version(&msg)?;
                match &mut self.side {
                    Some(Side::Client(m)) => m.handle(&mut self.common, msg),
                    Some(Side::Server(m)) => m.handle(&mut self.common, msg),
                    Some(Side::Client13(m)) => m.handle(&mut self.common, msg),
                    Some(Side::Server13(m)) => m.handle(&mut self.common, msg),
                    Some(Side::ServerAwaitingHello(_)) | None => Ok(()),
                }
            }
        }
    }

    /// The hellos decide the version: a server's machine is chosen by the first message it
    /// receives, and a client that offered both versions hands over to its TLS 1.2 machine
    /// when the ServerHello negotiates TLS 1.2 (unless that is a downgrade, section 4.1.3).
    fn choose_version(&mut self, msg: &Incoming) -> Result<(), TlsError> {
        let chosen = match (&self.side, msg) {
            (Some(Side::ServerAwaitingHello(config)), msg) => {
                Some(Self::server_side(config.clone(), msg))
            }
            (Some(Side::Client13(m)), Incoming::Handshake(HandshakePayload::ServerHello(sh))) => {
                m.fall_back(sh)?.map(Side::Client)
            }
            _ => None,
        };
        if let Some(side) = chosen {
            self.side = Some(side);
        }
        Ok(())
    }

    /// Bytes to send to the peer (drained).
    pub fn take_output(&mut self) -> Vec<u8> {
        self.common.take_output()
    }

    /// The next event, in the order things happened.
    pub fn poll_event(&mut self) -> Option<ConnectionEvent> {
        self.common.poll_event()
    }

    /// Application data received so far (drained).
    pub fn take_app_data(&mut self) -> Vec<u8> {
        self.common.take_app_data()
    }

    /// Both Finished messages checked, and not closed.
    pub fn is_connected(&self) -> bool {
        !self.common.closed
            && match &self.side {
                Some(Side::Client(m)) => m.is_connected(),
                Some(Side::Server(m)) => m.is_connected(),
                Some(Side::Client13(m)) => m.is_connected(),
                Some(Side::Server13(m)) => m.is_connected(),
                Some(Side::ServerAwaitingHello(_)) | None => false,
            }
    }

    /// A fatal alert was sent or received, or close_notify exchanged.
    pub fn is_closed(&self) -> bool {
        self.common.closed
    }

    pub fn send_application_data(&mut self, data: &[u8]) -> Result<(), TlsError> {
        if self.common.closed {
            return Err(TlsError::new(
                AlertDescription::InternalError,
                "the connection is closed (the peer sent close_notify or an alert)",
            ));
        }
        if !self.is_connected() {
            return Err(TlsError::new(
                AlertDescription::InternalError,
                "the handshake is not complete",
            ));
        }
        let sent = self.common.send_application_data(data);
        if let Err(e) = &sent {
            self.common.fail(e);
        }
        sent
    }

    /// TLS 1.3: sends a KeyUpdate and moves our write keys on; with `request_peer`, asks the
    /// peer to do the same (RFC 8446 section 4.6.3). TLS 1.2 has no KeyUpdate.
    pub fn key_update(&mut self, request_peer: bool) -> Result<(), TlsError> {
        if !self.is_connected() {
            return Err(TlsError::new(
                AlertDescription::InternalError,
                "the handshake is not complete",
            ));
        }
        let sent = match &mut self.side {
            Some(Side::Client13(m)) => m.key_update(&mut self.common, request_peer),
            Some(Side::Server13(m)) => m.key_update(&mut self.common, request_peer),
            _ => Err(TlsError::new(
                AlertDescription::InternalError,
                "KeyUpdate exists in TLS 1.3 only",
            )),
        };
        if let Err(e) = &sent {
            self.common.fail(e);
        }
        sent
    }

    /// Sends close_notify (RFC 5246 section 7.2.1).
    pub fn close(&mut self) {
        if !self.common.closed {
            self.common
                .send_alert(AlertLevel::Warning, AlertDescription::CloseNotify, "done");
        }
    }
}
