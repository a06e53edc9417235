//! Runs a client and a server against each other in memory and records the timeline.
//!
//! The driver is the network: it carries each side's output to the other and, as a passive
//! observer, notes what anyone on the wire can read.

use crate::Connection;
use crate::client::ClientConfig;
use crate::http;
use crate::msgs::enums::{CipherSuite, ContentType};
use crate::msgs::handshake::HandshakePayload;
use crate::pki::{DemoPki, KeyError};
use crate::record::Deframer;
use crate::rng::Drbg;
use crate::server::ServerConfig;
use crate::timeline::{About, Actor, Event, EventKind, Known, Outcome, Timeline, group_steps};
use std::sync::{Arc, OnceLock};

/// What to run.
#[derive(Clone, Debug)]
pub struct RunConfig {
    pub seed: u64,
    /// The client's clock (seconds since the Unix epoch).
    pub now: u64,
    /// Restrict both sides to this suite (default: the client offers all, server picks GCM).
    pub suite: Option<CipherSuite>,
    pub extended_master_secret: bool,
}

impl RunConfig {
    pub fn new(seed: u64, now: u64) -> Self {
        RunConfig {
            seed,
            now,
            suite: None,
            extended_master_secret: true,
        }
    }
}

/// The host name the demo client asks for.
pub const SERVER_NAME: &str = "example.com";

/// Upper bound on exchanges: a handshake, a request and a response take a handful; anything
/// more means neither side can progress, which is reported instead of looped on.
const MAX_ROUNDS: usize = 32;

/// The demo PKI, decoded once per process.
pub fn demo_pki() -> Result<&'static DemoPki, KeyError> {
    static PKI: OnceLock<Result<DemoPki, KeyError>> = OnceLock::new();
    PKI.get_or_init(DemoPki::load)
        .as_ref()
        .map_err(Clone::clone)
}

/// One complete run with the demo PKI: handshake, an HTTP request and response, close_notify.
/// Fails only if the embedded demo keys do not decode (a test guards against that).
pub fn run(config: &RunConfig) -> Result<Timeline, KeyError> {
    let pki = demo_pki()?;
    let mut rng = Drbg::from_u64(config.seed);
    let mut client_config = ClientConfig::new(SERVER_NAME, pki.trust_anchors(), config.now);
    client_config.offer_extended_master_secret = config.extended_master_secret;
    let mut server_config = ServerConfig::new(pki.chain(), Arc::new(pki.leaf_key().clone()));
    if let Some(suite) = config.suite {
        client_config.cipher_suites = vec![suite];
        server_config.cipher_suites = vec![suite];
    }
    let client = Connection::client(client_config, Box::new(rng.fork("client")));
    let server = Connection::server(server_config, Box::new(rng.fork("server")));
    let mut run = InMemory::new(client, server);
    run.exchange();
    let steps = group_steps(&mut run.events);
    Ok(Timeline {
        format: Timeline::FORMAT,
        seed: config.seed,
        now: config.now,
        server_name: SERVER_NAME.into(),
        steps,
        outcome: run.outcome(),
        events: run.events,
    })
}

/// Two peers, the wire between them, and everything that happened.
pub struct InMemory {
    pub client: Connection,
    pub server: Connection,
    pub events: Vec<Event>,
    observer: Observer,
    request_sent: bool,
    response_sent: bool,
}

impl InMemory {
    pub fn new(client: Connection, server: Connection) -> Self {
        InMemory {
            client,
            server,
            events: Vec::new(),
            observer: Observer::default(),
            request_sent: false,
            response_sent: false,
        }
    }

    /// Carries bytes back and forth until both sides are done or stuck.
    pub fn exchange(&mut self) {
        self.drain_events();
        for _ in 0..MAX_ROUNDS {
            let to_server = self.client.take_output();
            let to_client = self.server.take_output();
            if to_server.is_empty() && to_client.is_empty() {
                if !self.application_step() {
                    break;
                }
                continue;
            }
            if !to_server.is_empty() {
                self.observer
                    .see(Actor::Client, &to_server, &mut self.events);
                self.server.receive(&to_server);
                self.drain_events();
            }
            if !to_client.is_empty() {
                self.observer
                    .see(Actor::Server, &to_client, &mut self.events);
                self.client.receive(&to_client);
                self.drain_events();
            }
        }
    }

    /// The application's turn: the client sends its request once connected, the server
    /// answers a complete request and closes. Returns whether anything was sent.
    fn application_step(&mut self) -> bool {
        if self.client.is_connected() && !self.request_sent {
            self.request_sent = true;
            let _ = self
                .client
                .send_application_data(&http::request(SERVER_NAME, "/"));
        } else if self.server.is_connected() && !self.response_sent {
            let received = self.server.take_app_data();
            if !http::request_complete(&received) {
                return false;
            }
            self.response_sent = true;
            let _ = self
                .server
                .send_application_data(&http::response(http::GREETING));
            self.server.close();
        } else {
            return false;
        }
        self.drain_events();
        true
    }

    fn drain_events(&mut self) {
        while let Some(e) = self.client.poll_event() {
            self.events.push(e);
        }
        while let Some(e) = self.server.poll_event() {
            self.events.push(e);
        }
    }

    /// How the run ended: the first fatal alert, or success if the response arrived.
    pub fn outcome(&self) -> Outcome {
        let fatal = self.events.iter().find_map(|e| match &e.kind {
            EventKind::AlertSent(a) if a.level == "fatal" => Some(Outcome::Alert {
                sender: e.actor,
                description: a.description.clone(),
                reason: a.reason.clone(),
            }),
            _ => None,
        });
        if let Some(outcome) = fatal {
            return outcome;
        }
        let got_response = self.events.iter().any(|e| {
            e.actor == Actor::Client && matches!(&e.kind, EventKind::ApplicationData { text, .. } if text.starts_with("HTTP/1.1 200"))
        });
        if got_response {
            Outcome::Success
        } else {
            Outcome::Stalled
        }
    }
}

/// A passive eavesdropper: counts the messages on the wire and reads those in the clear.
/// (Our peers send one message per record, so the `n`th record is the `n`th message.)
#[derive(Default)]
struct Observer {
    from_client: Wire,
    from_server: Wire,
    known: Vec<String>,
}

#[derive(Default)]
struct Wire {
    deframer: Deframer,
    records: usize,
    encrypted: bool,
}

impl Observer {
    fn see(&mut self, from: Actor, bytes: &[u8], events: &mut Vec<Event>) {
        let wire = match from {
            Actor::Server => &mut self.from_server,
            _ => &mut self.from_client,
        };
        wire.deframer.push(bytes);
        while let Ok(Some((record, _))) = wire.deframer.next_record() {
            let n = wire.records;
            wire.records += 1;
            match record.content_type {
                ContentType::ChangeCipherSpec => wire.encrypted = true,
                ContentType::Handshake if !wire.encrypted => {
                    let Ok((msg, _)) = HandshakePayload::decode(&record.fragment) else {
                        continue;
                    };
                    for k in public_values(&msg) {
                        if !self.known.contains(&k.name) {
                            self.known.push(k.name.clone());
                            events.push(Event {
                                actor: Actor::Network,
                                step: 0,
                                about: Some(About::Wire { from, n }),
                                kind: EventKind::Learned(k),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// What a handshake message in the clear tells anyone who reads it.
fn public_values(msg: &HandshakePayload) -> Vec<Known> {
    let known = |name: &str, value: &[u8]| Known {
        name: name.into(),
        value: value.into(),
    };
    match msg {
        HandshakePayload::ClientHello(ch) => vec![known("client_random", &ch.random)],
        HandshakePayload::ServerHello(sh) => vec![known("server_random", &sh.random)],
        HandshakePayload::Certificate(chain) => chain
            .first()
            .map(|leaf| vec![known("server_certificate", leaf)])
            .unwrap_or_default(),
        HandshakePayload::ClientKeyExchange(c) => vec![known("encrypted_premaster", c)],
        _ => Vec::new(),
    }
}
