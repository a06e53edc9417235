//! Runs a scenario in memory and records the timeline.
//!
//! The driver is the network. It owns the connections (client, server, and in some scenarios
//! an attacker's), carries each one's output to its peer, lets the scenario's attacker change
//! messages in transit, and, as a passive observer, notes what anyone on the wire can read.

use crate::Connection;
use crate::client::ClientConfig;
use crate::crypto::record_cipher::RecordProtector;
use crate::crypto::suite::{self, KeyBlock};
use crate::crypto::{prf, rsa_kx};
use crate::http;
use crate::msgs::enums::{CipherSuite, ContentType, ExtensionType};
use crate::msgs::handshake::{HandshakePayload, TLS12};
use crate::pki::{self, CertSpec, DemoIssuer, DemoPki};
use crate::record::{Deframer, Record};
use crate::rng::Drbg;
use crate::scenario::Scenario;
use crate::server::ServerConfig;
use crate::timeline::{
    About, Actor, Computation, Endpoint as StepEndpoint, Event, EventKind, Known, Outcome,
    Timeline, group_steps,
};
use rsa::traits::PublicKeyParts;
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
    pub scenario: Scenario,
}

impl RunConfig {
    pub fn new(seed: u64, now: u64) -> Self {
        RunConfig {
            seed,
            now,
            suite: None,
            extended_master_secret: true,
            scenario: Scenario::Happy,
        }
    }
}

/// Why a scenario could not be set up (the embedded demo keys did not decode, or a run-time
/// certificate could not be issued). Tests guard against both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupError(pub String);

impl core::fmt::Display for SetupError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SetupError {}

/// The host name the demo client asks for.
pub const SERVER_NAME: &str = "example.com";

/// Upper bound on exchanges: two handshakes, a request and a response take a handful; anything
/// more means nobody can progress, which is reported instead of looped on.
const MAX_ROUNDS: usize = 64;

/// The demo PKI, decoded once per process.
pub fn demo_pki() -> Result<&'static DemoPki, SetupError> {
    static PKI: OnceLock<Result<DemoPki, String>> = OnceLock::new();
    PKI.get_or_init(|| DemoPki::load().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| SetupError(format!("the demo keys do not decode: {e}")))
}

/// One complete run of `config.scenario`: the handshake(s), an HTTP request and response when
/// they get that far, close_notify.
pub fn run(config: &RunConfig) -> Result<Timeline, SetupError> {
    let pki = demo_pki()?;
    let mut rng = Drbg::from_u64(config.seed);
    let mut net = Net::default();
    let scenario = config.scenario;
    set_up(scenario, config, pki, &mut rng, &mut net)?;
    net.exchange();
    if scenario == Scenario::StolenKey && net.outcome() == Outcome::Success {
        net.key_leak(pki.leaf_key(), &mut rng);
    }
    let endpoints: Vec<StepEndpoint> = net
        .endpoints
        .iter()
        .map(|e| StepEndpoint {
            lane: e.lane,
            peer: e.peer,
            server_side: e.server_side,
        })
        .collect();
    let steps = group_steps(&mut net.events, &endpoints);
    let outcome = match net.outcome() {
        Outcome::Alert {
            sender,
            description,
            reason,
            ..
        } => {
            let step = net.events.iter().find_map(|e| match &e.kind {
                EventKind::AlertSent(a) if a.level == "fatal" => Some(e.step),
                _ => None,
            });
            Outcome::Alert {
                sender,
                description,
                reason,
                step: step.unwrap_or(0),
            }
        }
        other => other,
    };
    Ok(Timeline {
        format: Timeline::FORMAT,
        seed: config.seed,
        now: config.now,
        server_name: net.server_name.clone(),
        scenario,
        network: scenario.network(),
        steps,
        outcome,
        events: net.events,
        recorded: None,
    })
}

/// Configures the connections and the network for `scenario`.
fn set_up(
    scenario: Scenario,
    config: &RunConfig,
    pki: &'static DemoPki,
    rng: &mut Drbg,
    net: &mut Net,
) -> Result<(), SetupError> {
    let issue = |spec: &CertSpec, key: &rsa::PrivateKey, by: DemoIssuer| {
        pki.issue(spec, key.as_public_key(), by)
            .map_err(|e| SetupError(e.to_string()))
    };
    let year = 365 * 24 * 3600;
    let mut client = ClientConfig::new(SERVER_NAME, pki.trust_anchors(), config.now);
    client.offer_extended_master_secret = config.extended_master_secret;
    let mut server = ServerConfig::new(pki.chain(), Arc::new(pki.leaf_key().clone()));
    if let Some(suite) = config.suite {
        client.cipher_suites = vec![suite];
        server.cipher_suites = vec![suite];
    }
    match scenario {
        Scenario::Happy | Scenario::StolenKey => {}
        Scenario::Expired => {
            let spec = CertSpec {
                not_before: config.now.saturating_sub(2 * year),
                not_after: config.now.saturating_sub(year / 12),
                ..DemoPki::leaf_spec()
            };
            server.certificate_chain[0] = issue(&spec, pki.leaf_key(), DemoIssuer::Intermediate)?;
        }
        Scenario::NotYetValid => {
            let spec = CertSpec {
                not_before: config.now + year / 12,
                not_after: config.now + year,
                ..DemoPki::leaf_spec()
            };
            server.certificate_chain[0] = issue(&spec, pki.leaf_key(), DemoIssuer::Intermediate)?;
        }
        Scenario::WrongHost => {
            client.server_name = "www.example.org".into();
            net.server_name = client.server_name.clone();
        }
        Scenario::UntrustedRoot => client.trust_anchors = vec![pki.attacker_root_cert().to_vec()],
        Scenario::ForgedSignature => {
            // Names the intermediate as issuer, but the signature is made with another key.
            let forged = pki::issue(
                &DemoPki::leaf_spec(),
                pki.leaf_key().as_public_key(),
                crate::pki::issue::Issuer::Ca {
                    certificate: pki.intermediate_cert(),
                    key: pki.attacker_leaf_key(),
                },
            )
            .map_err(|e| SetupError(e.to_string()))?;
            server.certificate_chain[0] = forged;
        }
        Scenario::Mitm | Scenario::MitmTrusted => {
            if scenario == Scenario::MitmTrusted {
                client.trust_anchors.push(pki.attacker_root_cert().to_vec());
            }
            let fake = ServerConfig {
                certificate_chain: pki.attacker_chain(),
                private_key: Arc::new(pki.attacker_leaf_key().clone()),
                ..server.clone()
            };
            let c = net.add(
                Connection::client(client, Box::new(rng.fork("client"))),
                Actor::Client,
                false,
                App::Browser { sent: false },
            );
            let a = net.add(
                Connection::server(fake, Box::new(rng.fork("attacker-server"))),
                Actor::Network,
                true,
                App::Idle,
            );
            net.link(c, a);
            if scenario == Scenario::MitmTrusted {
                // The attacker's own, ordinary connection to the real server, and a relay
                // between the two.
                let onward = ClientConfig::new(SERVER_NAME, pki.trust_anchors(), config.now);
                let b = net.add(
                    Connection::client(onward, Box::new(rng.fork("attacker-client"))),
                    Actor::Network,
                    false,
                    App::Relay { partner: a },
                );
                let s = net.add_web_server(server, rng);
                net.link(b, s);
                net.endpoints[a].app = App::Relay { partner: b };
            }
            return Ok(());
        }
        Scenario::Downgrade => {
            net.tamper = Tamper::DropSuite {
                suite: CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
            };
            client.cipher_suites = CipherSuite::SUPPORTED.to_vec();
            server.cipher_suites = CipherSuite::SUPPORTED.to_vec();
        }
        Scenario::BitFlip => net.tamper = Tamper::FlipBit,
        Scenario::NoSharedSuite => {
            client.cipher_suites = vec![CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA];
            server.cipher_suites = vec![CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256];
        }
        Scenario::BadPremaster => {
            net.tamper = Tamper::BreakPremaster {
                key: pki.leaf_key().to_public_key(),
                rng: rng.fork("attacker"),
            }
        }
    }
    let c = net.add(
        Connection::client(client, Box::new(rng.fork("client"))),
        Actor::Client,
        false,
        App::Browser { sent: false },
    );
    let s = net.add_web_server(server, rng);
    net.link(c, s);
    Ok(())
}

/// What an endpoint's application does once its handshake is done.
enum App {
    /// Sends one GET request.
    Browser { sent: bool },
    /// Answers one request, then closes.
    WebServer { request: Vec<u8>, answered: bool },
    /// A man in the middle: passes whatever it decrypts to its other connection.
    Relay { partner: usize },
    /// Does nothing after the handshake.
    Idle,
}

struct Endpoint {
    conn: Connection,
    lane: Actor,
    peer: usize,
    server_side: bool,
    app: App,
}

/// What the attacker does to messages in transit (the client's messages, counted from 0).
enum Tamper {
    None,
    /// Removes `suite` from the ClientHello.
    DropSuite {
        suite: CipherSuite,
    },
    /// Flips one bit of the client's encrypted HTTP request.
    FlipBit,
    /// Replaces the encrypted premaster with one whose PKCS#1 padding is broken.
    BreakPremaster {
        key: rsa::PublicKey,
        rng: Drbg,
    },
}

/// The connections, the wire between them, and everything that happened.
struct Net {
    endpoints: Vec<Endpoint>,
    events: Vec<Event>,
    tamper: Tamper,
    observer: Observer,
    server_name: String,
}

impl Default for Net {
    fn default() -> Self {
        Net {
            endpoints: Vec::new(),
            events: Vec::new(),
            tamper: Tamper::None,
            observer: Observer::default(),
            server_name: SERVER_NAME.into(),
        }
    }
}

impl Net {
    /// The real server, answering one request.
    fn add_web_server(&mut self, config: ServerConfig, rng: &mut Drbg) -> usize {
        let conn = Connection::server(config, Box::new(rng.fork("server")));
        self.add(
            conn,
            Actor::Server,
            true,
            App::WebServer {
                request: Vec::new(),
                answered: false,
            },
        )
    }

    fn add(&mut self, conn: Connection, lane: Actor, server_side: bool, app: App) -> usize {
        self.endpoints.push(Endpoint {
            conn,
            lane,
            peer: usize::MAX,
            server_side,
            app,
        });
        let i = self.endpoints.len() - 1;
        self.drain(i);
        i
    }

    fn link(&mut self, a: usize, b: usize) {
        self.endpoints[a].peer = b;
        self.endpoints[b].peer = a;
    }

    /// Carries bytes until nobody has anything to say.
    fn exchange(&mut self) {
        for _ in 0..MAX_ROUNDS {
            let mut moved = false;
            for i in 0..self.endpoints.len() {
                let out = self.endpoints[i].conn.take_output();
                if out.is_empty() {
                    continue;
                }
                moved = true;
                let out = self.carry(i, out);
                self.observer.see(i, &out, &mut self.events);
                let peer = self.endpoints[i].peer;
                if let Some(p) = self.endpoints.get_mut(peer) {
                    p.conn.receive(&out);
                }
                self.drain(peer);
            }
            if !moved && !self.application_step() {
                break;
            }
        }
    }

    /// Collects connection `i`'s events, drawn in its lane, keyed by its messages.
    fn drain(&mut self, i: usize) {
        let Some(end) = self.endpoints.get_mut(i) else {
            return;
        };
        while let Some(mut e) = end.conn.poll_event() {
            e.actor = end.lane;
            e.about = match e.about {
                Some(About::Sent(n)) => Some(About::Message { sender: i, n }),
                Some(About::Received(n)) => Some(About::Message {
                    sender: end.peer,
                    n,
                }),
                other => other,
            };
            self.events.push(e);
        }
    }

    /// The applications' turn. Returns whether anybody sent something.
    fn application_step(&mut self) -> bool {
        for i in 0..self.endpoints.len() {
            let connected = self.endpoints[i].conn.is_connected();
            let end = &mut self.endpoints[i];
            let acted = match &mut end.app {
                App::Browser { sent } if connected && !*sent => {
                    *sent = true;
                    let _ = end
                        .conn
                        .send_application_data(&http::request(&self.server_name, "/"));
                    true
                }
                App::WebServer { request, answered } if connected && !*answered => {
                    request.extend(end.conn.take_app_data());
                    if http::request_complete(request) {
                        *answered = true;
                        let _ = end
                            .conn
                            .send_application_data(&http::response(http::GREETING));
                        end.conn.close();
                        true
                    } else {
                        false
                    }
                }
                App::Relay { partner } => {
                    let partner = *partner;
                    let data = end.conn.take_app_data();
                    let closed = end.conn.is_closed();
                    let Some(other) = self.endpoints.get_mut(partner) else {
                        continue;
                    };
                    if !data.is_empty() && other.conn.is_connected() {
                        let _ = other.conn.send_application_data(&data);
                        self.drain(partner);
                        return true;
                    }
                    if closed && !other.conn.is_closed() && other.conn.is_connected() {
                        other.conn.close();
                        self.drain(partner);
                        return true;
                    }
                    false
                }
                _ => false,
            };
            if acted {
                self.drain(i);
                return true;
            }
        }
        false
    }

    /// The attacker's hand on the wire: what arrives is what `from` sent, possibly changed.
    fn carry(&mut self, from: usize, bytes: Vec<u8>) -> Vec<u8> {
        if matches!(self.tamper, Tamper::None) || self.endpoints[from].lane != Actor::Client {
            return bytes;
        }
        let mut deframer = Deframer::default();
        deframer.push(&bytes);
        let mut out = Vec::new();
        let first = self.observer.count(from);
        let mut n = first;
        while let Ok(Some((record, encoded))) = deframer.next_record() {
            match self.tamper_record(n, &record) {
                Some((what, changed)) => {
                    let after = changed.encode();
                    self.events.push(Event {
                        actor: Actor::Network,
                        step: 0,
                        about: Some(About::Message { sender: from, n }),
                        kind: EventKind::Tampered {
                            what,
                            before: encoded.into(),
                            after: after.clone().into(),
                        },
                    });
                    out.extend(after);
                }
                None => out.extend(encoded),
            }
            n += 1;
        }
        out
    }

    /// The changed record, if the attacker changes the client's `n`th message.
    fn tamper_record(&mut self, n: usize, record: &Record) -> Option<(String, Record)> {
        match &mut self.tamper {
            Tamper::None => None,
            Tamper::DropSuite { suite } if n == 0 => {
                let (HandshakePayload::ClientHello(mut ch), _) =
                    HandshakePayload::decode(&record.fragment).ok()?
                else {
                    return None;
                };
                ch.cipher_suites.retain(|s| s != suite);
                let fragment = HandshakePayload::ClientHello(ch).encode();
                Some((
                    format!("removed {} from the offered cipher suites", suite.name()),
                    Record {
                        fragment,
                        ..record.clone()
                    },
                ))
            }
            Tamper::FlipBit if record.content_type == ContentType::ApplicationData => {
                let mut fragment = record.fragment.clone();
                // A bit in the middle of the ciphertext, after GCM's 8-byte explicit nonce.
                let at = 8 + fragment.len().saturating_sub(24) / 2;
                *fragment.get_mut(at)? ^= 0x04;
                self.tamper = Tamper::None;
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
                        crate::bytes::to_hex(&block[..8])
                    ),
                    Record {
                        fragment,
                        ..record.clone()
                    },
                ))
            }
            _ => None,
        }
    }

    /// How the run ended: the first fatal alert, or success if the browser got its response.
    fn outcome(&self) -> Outcome {
        let fatal = self.events.iter().find_map(|e| match &e.kind {
            EventKind::AlertSent(a) if a.level == "fatal" => Some(Outcome::Alert {
                sender: e.actor,
                description: a.description.clone(),
                reason: a.reason.clone(),
                step: 0,
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

    /// Later, the server's private key leaks: the observer decrypts what it recorded.
    fn key_leak(&mut self, key: &rsa::PrivateKey, rng: &mut Drbg) {
        let about = Some(About::Episode(0));
        let push = |events: &mut Vec<Event>, kind: EventKind| {
            events.push(Event {
                actor: Actor::Network,
                step: 0,
                about,
                kind,
            })
        };
        push(
            &mut self.events,
            EventKind::Episode {
                title: "Later: the private key leaks".into(),
                text:
                    "The observer obtains the server's RSA private key and replays its recording."
                        .into(),
            },
        );
        let d = rsa::traits::PrivateKeyParts::d(key).to_be_bytes_trimmed_vartime();
        push(
            &mut self.events,
            EventKind::Learned(Known {
                name: "server_private_key".into(),
                value: d.to_vec().into(),
            }),
        );
        for kind in self.observer.decrypt_recording(key, rng) {
            push(&mut self.events, kind);
        }
    }
}

/// A passive eavesdropper: counts the messages on the wire (our peers send one message per
/// record, so the `n`th record is the `n`th message), reads those in the clear and records
/// the rest.
#[derive(Default)]
struct Observer {
    wires: Vec<Wire>,
    known: Vec<String>,
    /// The plaintext handshake messages, in wire order.
    handshake: Vec<(usize, HandshakePayload, Vec<u8>)>,
}

#[derive(Default)]
struct Wire {
    deframer: Deframer,
    records: usize,
    encrypted: bool,
    /// Protected records, in order.
    recorded: Vec<Record>,
}

impl Observer {
    fn wire(&mut self, from: usize) -> &mut Wire {
        if self.wires.len() <= from {
            self.wires.resize_with(from + 1, Wire::default);
        }
        &mut self.wires[from]
    }

    fn count(&mut self, from: usize) -> usize {
        self.wire(from).records
    }

    fn see(&mut self, from: usize, bytes: &[u8], events: &mut Vec<Event>) {
        let wire = self.wire(from);
        wire.deframer.push(bytes);
        let mut seen = Vec::new();
        while let Ok(Some((record, _))) = wire.deframer.next_record() {
            let n = wire.records;
            wire.records += 1;
            match record.content_type {
                ContentType::ChangeCipherSpec => wire.encrypted = true,
                _ if wire.encrypted => wire.recorded.push(record),
                ContentType::Handshake => {
                    if let Ok((msg, _)) = HandshakePayload::decode(&record.fragment) {
                        seen.push((n, msg, record.fragment));
                    }
                }
                _ => {}
            }
        }
        for (n, msg, bytes) in seen {
            for k in public_values(&msg) {
                if !self.known.contains(&k.name) {
                    self.known.push(k.name.clone());
                    events.push(Event {
                        actor: Actor::Network,
                        step: 0,
                        about: Some(About::Message { sender: from, n }),
                        kind: EventKind::Learned(k),
                    });
                }
            }
            self.handshake.push((from, msg, bytes));
        }
    }

    /// With the server's private key: the premaster, the keys, and every recorded record.
    fn decrypt_recording(&self, key: &rsa::PrivateKey, rng: &mut Drbg) -> Vec<EventKind> {
        let mut out = Vec::new();
        let find =
            |f: &dyn Fn(&HandshakePayload) -> bool| self.handshake.iter().find(|(_, m, _)| f(m));
        let (
            Some((client, HandshakePayload::ClientHello(ch), _)),
            Some((_, HandshakePayload::ServerHello(sh), _)),
            Some((_, HandshakePayload::ClientKeyExchange(encrypted), _)),
        ) = (
            find(&|m| matches!(m, HandshakePayload::ClientHello(_))),
            find(&|m| matches!(m, HandshakePayload::ServerHello(_))),
            find(&|m| matches!(m, HandshakePayload::ClientKeyExchange(_))),
        )
        else {
            return out;
        };
        let Some(params) = suite::params(sh.cipher_suite) else {
            return out;
        };
        let premaster = rsa_kx::decrypt_premaster(key, ch.client_version, encrypted, rng);
        out.push(EventKind::Computation(Computation::PremasterDecrypted {
            ciphertext: encrypted.clone().into(),
            premaster: premaster.to_vec().into(),
        }));
        out.push(EventKind::Learned(Known {
            name: "premaster".into(),
            value: premaster.to_vec().into(),
        }));
        let extended = sh.extension(ExtensionType::ExtendedMasterSecret).is_some();
        let (label, seed, master) = if extended {
            let transcript: Vec<u8> = self
                .handshake
                .iter()
                .take_while(|(_, m, _)| !matches!(m, HandshakePayload::Finished(_)))
                .flat_map(|(_, _, b)| b.clone())
                .collect();
            let hash = prf::handshake_hash(&transcript);
            (
                prf::LABEL_EXTENDED_MASTER_SECRET,
                hash.to_vec(),
                prf::extended_master_secret(&premaster, &hash),
            )
        } else {
            let seed = [ch.random.as_slice(), sh.random.as_slice()].concat();
            (
                prf::LABEL_MASTER_SECRET,
                seed,
                prf::master_secret(&premaster, &ch.random, &sh.random),
            )
        };
        out.push(EventKind::Computation(Computation::MasterSecret {
            extended,
            premaster: premaster.to_vec().into(),
            label: String::from_utf8_lossy(label).into_owned(),
            seed: seed.into(),
            master_secret: master.to_vec().into(),
        }));
        out.push(EventKind::Learned(Known {
            name: "master_secret".into(),
            value: master.to_vec().into(),
        }));
        let block = prf::key_block(&master, &sh.random, &ch.random, KeyBlock::len(params));
        let Some(keys) = KeyBlock::split(&block, params) else {
            return out;
        };
        out.push(EventKind::Learned(Known {
            name: "key_block".into(),
            value: block.clone().into(),
        }));
        out.push(EventKind::Computation(Computation::KeyBlock {
            label: String::from_utf8_lossy(prf::LABEL_KEY_EXPANSION).into_owned(),
            seed: [sh.random.as_slice(), ch.random.as_slice()].concat().into(),
            key_block: block.into(),
            keys: keys.clone(),
        }));
        for (from, wire) in self.wires.iter().enumerate() {
            let direction = if from == *client {
                keys.client_keys()
            } else {
                keys.server_keys()
            };
            let mut reader = RecordProtector::new(params, direction);
            for record in &wire.recorded {
                let Ok(opened) = reader.open(record.content_type, TLS12, &record.fragment) else {
                    break;
                };
                if record.content_type == ContentType::ApplicationData {
                    out.push(EventKind::ApplicationData {
                        text: String::from_utf8_lossy(&opened.plaintext).into_owned(),
                        data: opened.plaintext.into(),
                    });
                }
            }
        }
        out
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
        HandshakePayload::ClientKeyExchange(c) => vec![known("encrypted_premaster", c)],
        _ => Vec::new(),
    }
}
