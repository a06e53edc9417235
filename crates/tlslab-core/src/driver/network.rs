//! The in-memory network: the connections, the bytes carried between them (through the
//! attacker's hands and past the observer's eyes) and the demo applications at either end.

use super::attacker::Tamper;
use super::observer::Observer;
use super::{MAX_ROUNDS, SERVER_NAME};
use crate::Connection;
use crate::http;
use crate::rng::Drbg;
use crate::timeline::{Actor, Event, Recorder, Step};
use crate::tls12::ServerConfig;

/// What an endpoint's application does once its handshake is done.
pub(super) enum App {
    /// Sends one GET request; `answered` once a response came back.
    Browser { sent: bool, answered: bool },
    /// Answers one request, then closes.
    WebServer { request: Vec<u8>, answered: bool },
    /// A man in the middle: passes whatever it decrypts to its other connection.
    Relay { partner: usize },
    /// Does nothing after the handshake.
    Idle,
}

impl App {
    pub(super) fn browser() -> App {
        App::Browser {
            sent: false,
            answered: false,
        }
    }
}

struct Endpoint {
    conn: Connection,
    lane: Actor,
    peer: usize,
    app: App,
    /// `Some` while the endpoint reads nothing: what its peer sent meanwhile (see
    /// [`Net::intercept`]).
    held: Option<Vec<u8>>,
}

/// An intercepting proxy's connection to the real server, made up front (so its randomness
/// is forked in the same order as every other connection's) and opened when the client's
/// first bytes reach the proxy.
pub(super) struct Upstream {
    /// The proxy's connection with the client.
    pub proxy: usize,
    /// The proxy's own client connection, and the real server.
    pub client: Connection,
    pub server: Connection,
}

/// The connections, the wire between them, and the record of everything that happened.
pub(super) struct Net {
    endpoints: Vec<Endpoint>,
    recorder: Recorder,
    pub tamper: Tamper,
    observer: Observer,
    /// The host name the browser asks for.
    pub server_name: String,
    /// Not opened yet.
    upstream: Option<Upstream>,
}

impl Default for Net {
    fn default() -> Self {
        Net {
            endpoints: Vec::new(),
            recorder: Recorder::default(),
            tamper: Tamper::None,
            observer: Observer::default(),
            server_name: SERVER_NAME.into(),
            upstream: None,
        }
    }
}

impl Net {
    /// The real server's connection.
    pub fn web_server(config: ServerConfig, rng: &mut Drbg) -> Connection {
        Connection::server(config, Box::new(rng.fork("server")))
    }

    /// The real server, answering one request.
    pub fn add_web_server(&mut self, conn: Connection) -> usize {
        let app = App::WebServer {
            request: Vec::new(),
            answered: false,
        };
        self.add(conn, Actor::Server, true, app)
    }

    /// A connection drawn in `lane`, running `app`; returns its number.
    pub fn add(&mut self, conn: Connection, lane: Actor, server_side: bool, app: App) -> usize {
        let i = self.recorder.connection(lane, server_side);
        self.endpoints.push(Endpoint {
            conn,
            lane,
            peer: usize::MAX,
            app,
            held: None,
        });
        self.drain(i);
        i
    }

    pub fn link(&mut self, a: usize, b: usize) {
        self.endpoints[a].peer = b;
        self.endpoints[b].peer = a;
        self.recorder.link(a, b);
    }

    pub fn set_app(&mut self, i: usize, app: App) {
        if let Some(end) = self.endpoints.get_mut(i) {
            end.app = app;
        }
    }

    /// `upstream.proxy` behaves as an intercepting proxy does: when the client's first bytes
    /// arrive it opens `upstream` and completes that handshake before it reads them, so each
    /// handshake is told in one piece. If the upstream handshake fails, it closes the client's
    /// connection unread.
    pub fn intercept(&mut self, upstream: Upstream) {
        if let Some(end) = self.endpoints.get_mut(upstream.proxy) {
            end.held = Some(Vec::new());
        }
        self.upstream = Some(upstream);
    }

    /// Whether the browser got its response: the recording is complete.
    pub fn browser_answered(&self) -> bool {
        self.endpoints
            .iter()
            .any(|e| matches!(e.app, App::Browser { answered: true, .. }))
    }

    /// Carries bytes until nobody has anything to say.
    pub fn exchange(&mut self) {
        for _ in 0..MAX_ROUNDS {
            let mut moved = false;
            for i in 0..self.endpoints.len() {
                let out = self.endpoints[i].conn.take_output();
                if out.is_empty() {
                    continue;
                }
                moved = true;
                let out = self.carry(i, out);
                for (n, kind) in self.observer.see(i, &out) {
                    self.recorder.on_wire(i, n, kind);
                }
                let peer = self.endpoints[i].peer;
                self.deliver(peer, &out);
            }
            if !moved && !self.release_held() && !self.application_step() {
                break;
            }
        }
    }

    /// Later, the server's private key leaks: the observer decrypts what it recorded.
    pub fn key_leak(&mut self, key: &rsa::PrivateKey, rng: &mut Drbg) {
        let episode = self.observer.key_leak(key, rng);
        self.recorder.episode(Actor::Network, episode);
    }

    /// The steps and events of the run.
    pub fn finish(self) -> (Vec<Step>, Vec<Event>) {
        self.recorder.finish()
    }

    /// Connection `i` reads `bytes`, or holds them while it reads nothing yet; the first bytes a
    /// proxy holds open its connection to the real server.
    fn deliver(&mut self, i: usize, bytes: &[u8]) {
        let Some(end) = self.endpoints.get_mut(i) else {
            return;
        };
        match &mut end.held {
            Some(held) => {
                held.extend_from_slice(bytes);
                self.open_upstream();
            }
            None => {
                end.conn.receive(bytes);
                self.drain(i);
            }
        }
    }

    /// The proxy's own connection to the real server, relaying to and from the client's.
    /// Once only: later calls find nothing to open.
    fn open_upstream(&mut self) {
        let Some(Upstream {
            proxy,
            client,
            server,
        }) = self.upstream.take()
        else {
            return;
        };
        let b = self.add(client, Actor::Network, false, App::Relay { partner: proxy });
        let s = self.add_web_server(server);
        self.link(b, s);
        self.set_app(proxy, App::Relay { partner: b });
    }

    /// A proxy holding the client's bytes reads them once its relay partner (the connection to
    /// the real server) is connected, or closes the client's connection if that one failed.
    /// Returns whether one did.
    fn release_held(&mut self) -> bool {
        for i in 0..self.endpoints.len() {
            let end = &self.endpoints[i];
            let (Some(_), App::Relay { partner }) = (&end.held, &end.app) else {
                continue;
            };
            let Some(other) = self.endpoints.get(*partner) else {
                continue;
            };
            let (up, failed) = (other.conn.is_connected(), other.conn.is_closed());
            if !up && !failed {
                continue;
            }
            let end = &mut self.endpoints[i];
            let held = end.held.take().unwrap_or_default();
            if up {
                end.conn.receive(&held);
            } else {
                end.conn.close();
            }
            self.drain(i);
            return true;
        }
        false
    }

    /// Records connection `i`'s events.
    fn drain(&mut self, i: usize) {
        let Some(end) = self.endpoints.get_mut(i) else {
            return;
        };
        while let Some(e) = end.conn.poll_event() {
            self.recorder.record(i, e);
        }
    }

    /// The applications' turn. Returns whether anybody sent something.
    fn application_step(&mut self) -> bool {
        for i in 0..self.endpoints.len() {
            let connected = self.endpoints[i].conn.is_connected();
            let end = &mut self.endpoints[i];
            let acted = match &mut end.app {
                App::Browser { sent, answered } => {
                    *answered |= !end.conn.take_app_data().is_empty();
                    if connected && !*sent {
                        *sent = true;
                        let _ = end
                            .conn
                            .send_application_data(&http::request(&self.server_name, "/"));
                        true
                    } else {
                        false
                    }
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
        if matches!(self.tamper, Tamper::None) || self.endpoints[from].lane != self.tamper.acts_on()
        {
            return bytes;
        }
        let first = self.observer.count(from);
        let (out, changes) = self.tamper.apply(first, bytes);
        for (n, kind) in changes {
            self.recorder.on_wire(from, n, kind);
        }
        out
    }
}
