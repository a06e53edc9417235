//! Hostile input: whatever a peer sends, malformed, out of order or tampered with, the
//! connection ends with a reason and the fatal alert RFC 5246 section 7.2.2 prescribes, never a
//! panic or a hang.
//!
//! A clean handshake between a real client and a real server is captured flight by flight
//! (ClientHello; ServerHello + Certificate + ServerHelloDone; ClientKeyExchange +
//! ChangeCipherSpec + Finished; ChangeCipherSpec + Finished). Each test feeds a fresh peer those
//! flights, tampered with, cut, reordered or replaced, and checks what it answers: the
//! `AlertSent` event and the alert record on the wire, decrypted when the peer had already
//! switched to its new keys. Peers are deterministic (seeded `Drbg`), so a fresh client or
//! server given the same flights says the same thing as the one that was captured.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::Duration;
use tlslab_core::Connection;
use tlslab_core::crypto::prf::{self, LABEL_SERVER_FINISHED, PrfHash};
use tlslab_core::crypto::{self, RecordProtector, SuiteParams, ecdhe, key_exchange_signature};
use tlslab_core::driver;
use tlslab_core::msgs::enums::{
    AlertDescription, CipherSuite, ContentType, ExtensionType, HandshakeType, NamedGroup,
    SignatureScheme,
};
use tlslab_core::msgs::handshake::{
    CertificateRequest, ClientHello, Extension, HandshakePayload, KeyExchange, ServerHello,
    ServerKeyExchange, TLS12,
};
use tlslab_core::record::Deframer;
use tlslab_core::rng::Drbg;
use tlslab_core::timeline::{
    AlertInfo, AlertLevel, Computation, ConnectionEvent, EventKind, KeyBlock, PremasterEncryption,
};
use tlslab_core::tls12::ClientConfig;
use tlslab_core::tls12::ServerConfig;

#[path = "support/flights.rs"]
mod flights;
use flights::{
    ALERT, APPLICATION_DATA, CHANGE_CIPHER_SPEC, HANDSHAKE, VERIFY_DATA_OF_THE_WRONG_LENGTH,
    client_hello_record, decode, demo_premaster, handshake, handshake_messages, handshake_record,
    record, record_v, records,
};

/// 2026-11-26T00:00:00Z: inside the demo certificates' validity.
const NOW: u64 = 1_795_651_200;

use AlertDescription::{
    BadRecordMac, CloseNotify, DecodeError, DecryptError, HandshakeFailure, IllegalParameter,
    ProtocolVersion, RecordOverflow, UnexpectedMessage, UnsupportedExtension,
};

// ---- the two peers ----

/// How both peers are configured, and the seed of their randomness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Setup {
    seed: u64,
    /// Both sides restricted to this suite; by default the client offers all and the server
    /// picks AES-128-GCM.
    suite: Option<CipherSuite>,
    extended_master_secret: bool,
}

const DEFAULT: Setup = Setup {
    seed: 1,
    suite: None,
    extended_master_secret: true,
};

impl Setup {
    fn suite(suite: CipherSuite) -> Self {
        Setup {
            suite: Some(suite),
            ..DEFAULT
        }
    }

    fn client_config(&self) -> ClientConfig {
        let mut config = flights::demo_client_config(NOW);
        config.offer_extended_master_secret = self.extended_master_secret;
        if let Some(suite) = self.suite {
            config.cipher_suites = vec![suite];
        }
        config
    }

    fn server_config(&self) -> ServerConfig {
        static BASE: OnceLock<ServerConfig> = OnceLock::new();
        let mut config = BASE
            .get_or_init(|| {
                let pki = driver::demo_pki().expect("demo PKI loads");
                ServerConfig::new(pki.chain(), Arc::new(pki.leaf_key().clone()))
            })
            .clone();
        if let Some(suite) = self.suite {
            config.cipher_suites = vec![suite];
        }
        config
    }

    fn rng(&self, who: &str) -> Drbg {
        Drbg::from_u64(self.seed).fork(who)
    }
}

/// One side of a connection, with everything it has written and reported since it started.
struct Peer {
    conn: Connection,
    wire: Vec<u8>,
    events: Vec<ConnectionEvent>,
}

/// A record a peer wrote, opened with its own write keys when it was protected.
#[derive(Debug)]
struct Written {
    content_type: ContentType,
    encrypted: bool,
    raw: Vec<u8>,
    plaintext: Vec<u8>,
}

impl Peer {
    fn client(setup: Setup) -> Self {
        Self::new(Connection::client(
            setup.client_config(),
            Box::new(setup.rng("client")),
        ))
    }

    fn server(setup: Setup) -> Self {
        Self::new(Connection::server(
            setup.server_config(),
            Box::new(setup.rng("server")),
        ))
    }

    fn new(conn: Connection) -> Self {
        let mut peer = Peer {
            conn,
            wire: Vec::new(),
            events: Vec::new(),
        };
        peer.collect();
        peer
    }

    /// Drains events and output; returns the new output.
    fn collect(&mut self) -> Vec<u8> {
        while let Some(e) = self.conn.poll_event() {
            self.events.push(e);
        }
        let out = self.conn.take_output();
        self.wire.extend_from_slice(&out);
        out
    }

    /// Delivers `bytes` in one piece; returns what the peer wrote in answer.
    fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
        self.conn.receive(bytes);
        self.collect()
    }

    /// Delivers each of `parts` as its own `receive` call.
    fn feed_all(&mut self, parts: &[&[u8]]) -> Vec<u8> {
        parts.iter().flat_map(|p| self.feed(p)).collect()
    }

    fn alerts(&self, sent: bool) -> Vec<&AlertInfo> {
        self.events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::AlertSent(a) if sent => Some(a),
                EventKind::AlertReceived(a) if !sent => Some(a),
                _ => None,
            })
            .collect()
    }

    fn computations(&self) -> impl Iterator<Item = &Computation> {
        self.events.iter().filter_map(|e| match &e.kind {
            EventKind::Computation(c) => Some(c),
            _ => None,
        })
    }

    fn suite_params(&self) -> &'static SuiteParams {
        self.computations()
            .find_map(|c| match c {
                Computation::CipherStateChanged { cipher_suite, .. } => {
                    crypto::params(CipherSuite::from_name(cipher_suite)?)
                }
                _ => None,
            })
            .expect("the peer switched to a negotiated suite")
    }

    fn key_block(&self) -> KeyBlock {
        self.computations()
            .find_map(|c| match c {
                Computation::KeyBlock { keys, .. } => Some(keys.clone()),
                _ => None,
            })
            .expect("the peer derived a key block")
    }

    fn master_secret(&self) -> Vec<u8> {
        self.computations()
            .find_map(|c| match c {
                Computation::MasterSecret(m) => Some(m.master_secret.0.clone()),
                _ => None,
            })
            .expect("the peer derived a master secret")
    }

    /// Every handshake message sent or received, in order: the transcript as this peer saw it.
    fn handshake_messages(&self) -> Vec<u8> {
        self.events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::MessageSent(m) | EventKind::MessageReceived(m)
                    if m.content_type == "handshake" =>
                {
                    Some(m.bytes.0.clone())
                }
                _ => None,
            })
            .flatten()
            .collect()
    }

    fn is_client(&self) -> bool {
        self.conn.actor() == tlslab_core::timeline::Actor::Client
    }

    /// The records this peer wrote, those after its ChangeCipherSpec opened with its write keys.
    fn written(&self) -> Vec<Written> {
        let mut deframer = Deframer::default();
        deframer.push(&self.wire);
        let mut protector: Option<RecordProtector> = None;
        let mut out = Vec::new();
        while let Some((rec, raw)) = deframer.next_record().expect("own records frame") {
            let (plaintext, encrypted) = match protector.as_mut() {
                Some(p) => {
                    let opened = p
                        .open(rec.content_type, rec.version, &rec.fragment)
                        .expect("own records open with own keys");
                    (opened.plaintext, true)
                }
                None => (rec.fragment.clone(), false),
            };
            if rec.content_type == ContentType::ChangeCipherSpec {
                let keys = self.key_block();
                let keys = if self.is_client() {
                    keys.client_keys()
                } else {
                    keys.server_keys()
                };
                protector = Some(RecordProtector::new(self.suite_params(), keys));
            }
            out.push(Written {
                content_type: rec.content_type,
                encrypted,
                raw,
                plaintext,
            });
        }
        assert_eq!(deframer.pending(), 0, "the peer wrote a partial record");
        out
    }
}

// ---- what a peer may do with hostile input ----

/// Checks that `peer` refused what it was fed with exactly one fatal `expected` alert: in its
/// events (with a reason), as the last record on the wire, and that it stays closed.
#[track_caller]
fn assert_fatal(peer: &mut Peer, expected: AlertDescription) -> String {
    let sent = peer.alerts(true);
    assert_eq!(
        sent.len(),
        1,
        "expected one fatal {}, alerts sent: {sent:?}",
        expected.name()
    );
    let alert = sent[0].clone();
    assert_eq!(
        (alert.level.as_str(), alert.description.clone()),
        ("fatal", expected.name()),
        "wrong alert; reason given: {}",
        alert.reason
    );
    assert!(!alert.reason.is_empty(), "a fatal alert says why");
    assert!(peer.conn.is_closed(), "a fatal alert closes the connection");
    assert!(!peer.conn.is_connected());

    let written = peer.written();
    let alerts: Vec<&Written> = written
        .iter()
        .filter(|w| w.content_type == ContentType::Alert)
        .collect();
    assert_eq!(alerts.len(), 1, "one alert record on the wire");
    let last = written.last().expect("something was written");
    assert_eq!(
        last.content_type,
        ContentType::Alert,
        "the alert comes last"
    );
    assert_eq!(last.plaintext, [2, expected.to_wire()]);
    if !last.encrypted {
        assert_eq!(last.raw, [0x15, 3, 3, 0, 2, 2, expected.to_wire()]);
    }

    // Closed means closed: more bytes, even valid ones, change nothing.
    let events = peer.events.len();
    let more = peer.feed(&record(
        HANDSHAKE,
        &HandshakePayload::ServerHelloDone.encode(),
    ));
    assert!(more.is_empty() && peer.events.len() == events);
    alert.reason
}

/// [`assert_fatal`] for one case of a table: a missing or wrong alert names the case.
#[track_caller]
fn assert_fatal_case(peer: &mut Peer, expected: AlertDescription, case: &str) -> String {
    let sent: Vec<String> = peer
        .alerts(true)
        .iter()
        .map(|a| a.description.clone())
        .collect();
    assert_eq!(sent, [expected.name()], "{case}");
    assert_fatal(peer, expected)
}

/// Checks that `peer` is just waiting for more bytes: nothing refused, nothing sent in alarm.
#[track_caller]
fn assert_waiting(peer: &Peer) {
    assert!(
        peer.alerts(true).is_empty(),
        "no alert expected, sent {:?}",
        peer.alerts(true)
    );
    assert!(!peer.conn.is_closed());
    assert!(!peer.conn.is_connected());
}

/// Where a peer may be after any `receive`.
#[derive(Debug, PartialEq, Eq)]
enum Status {
    Waiting,
    Connected,
    /// Refused the input with this fatal alert.
    Refused(String),
    /// The input held an alert; the peer closed (answering close_notify with its own).
    ClosedByPeer,
}

/// The invariant of hostile input: waiting, connected, closed after exactly one fatal alert
/// (the last record it wrote), or closed by an alert it received. Returns which.
#[track_caller]
fn status(peer: &Peer, context: &dyn Fn() -> String) -> Status {
    let sent = peer.alerts(true);
    let received = peer.alerts(false);
    let closed = peer.conn.is_closed();
    if peer.conn.is_connected() {
        assert!(
            !closed && sent.is_empty(),
            "connected yet closed or alerting: {}",
            context()
        );
        return Status::Connected;
    }
    if !closed {
        assert!(
            sent.is_empty(),
            "alert sent {sent:?} but not closed: {}",
            context()
        );
        return Status::Waiting;
    }
    if !received.is_empty() {
        let close_notify = received.iter().any(|a| a.description == "close_notify");
        let ok = sent.is_empty()
            || (close_notify
                && sent.len() == 1
                && sent[0].level == AlertLevel::Warning
                && sent[0].description == "close_notify");
        assert!(
            ok,
            "received {received:?}, answered {sent:?}: {}",
            context()
        );
        return Status::ClosedByPeer;
    }
    assert_eq!(sent.len(), 1, "closed with {sent:?}: {}", context());
    assert_eq!(sent[0].level, AlertLevel::Fatal, "{}", context());
    assert!(!sent[0].reason.is_empty());
    let written = peer.written();
    let last = written.last().expect("the alert was written");
    assert_eq!(last.content_type, ContentType::Alert, "{}", context());
    assert_eq!(last.plaintext[0], 2, "{}", context());
    assert_eq!(
        AlertDescription::from_wire(last.plaintext[1]).name(),
        sent[0].description,
        "{}",
        context()
    );
    Status::Refused(sent[0].description.clone())
}

/// Runs `f` on another thread and fails if it has not finished within `limit`: a `receive`
/// that loops forever shows up as a failure, not as a test run that never ends.
fn within(limit: Duration, f: impl FnOnce() + Send + 'static) {
    let (tx, rx) = mpsc::channel();
    let handle = thread::spawn(move || {
        f();
        let _ = tx.send(());
    });
    match rx.recv_timeout(limit) {
        Ok(()) => handle.join().expect("finished"),
        Err(RecvTimeoutError::Disconnected) => match handle.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the thread ends by sending or panicking"),
        },
        Err(RecvTimeoutError::Timeout) => panic!("no answer within {limit:?}: a hang"),
    }
}

/// One `#[test]` per case of a table: `table_tests! { run; name: case, ... }` makes each
/// `fn name()` call `run("name", case)`, so a failure names its case.
macro_rules! table_tests {
    ($run:ident; $($name:ident: $case:expr,)*) => {
        $(
            #[test]
            fn $name() {
                $run(stringify!($name), $case);
            }
        )*
    };
}

/// The RSA key exchange suites: the flights and forgeries here are RSA's (ECDHE's hostile
/// peers are still to be written, issue 15).
fn rsa_suites() -> impl Iterator<Item = CipherSuite> {
    CipherSuite::SUPPORTED
        .into_iter()
        .filter(|s| tlslab_core::crypto::params(*s).is_some_and(|p| p.kx == KeyExchange::Rsa))
}

// ---- flights and records ----

/// What each side wrote in a clean handshake, flight by flight.
struct Flights {
    client_hello: Vec<u8>,
    server_first: Vec<u8>,
    client_second: Vec<u8>,
    server_second: Vec<u8>,
}

impl Flights {
    /// The clean flights for `setup` (one handshake per setup and test process).
    fn of(setup: Setup) -> Arc<Flights> {
        static CACHE: Mutex<Vec<(Setup, Arc<Flights>)>> = Mutex::new(Vec::new());
        if let Some((_, f)) = CACHE.lock().unwrap().iter().find(|(s, _)| *s == setup) {
            return f.clone();
        }
        let flights = Arc::new(Self::capture(setup));
        CACHE.lock().unwrap().push((setup, flights.clone()));
        flights
    }

    fn capture(setup: Setup) -> Flights {
        let mut client = Peer::client(setup);
        let mut server = Peer::server(setup);
        let client_hello = client.wire.clone();
        let server_first = server.feed(&client_hello);
        let client_second = client.feed(&server_first);
        let server_second = server.feed(&client_second);
        assert!(client.feed(&server_second).is_empty());
        assert!(client.conn.is_connected() && server.conn.is_connected());
        let f = Flights {
            client_hello,
            server_first,
            client_second,
            server_second,
        };
        // One message per record, as the tests below assume.
        assert_eq!(records(&f.client_hello).len(), 1);
        assert_eq!(records(&f.server_first).len(), 3);
        assert_eq!(records(&f.client_second).len(), 3);
        assert_eq!(records(&f.server_second).len(), 2);
        f
    }

    fn default() -> Arc<Flights> {
        Self::of(DEFAULT)
    }

    /// ServerHello, Certificate, ServerHelloDone as records.
    fn server_records(&self) -> Vec<Vec<u8>> {
        records(&self.server_first)
    }

    /// ClientKeyExchange, ChangeCipherSpec, Finished as records.
    fn client_records(&self) -> Vec<Vec<u8>> {
        records(&self.client_second)
    }

    /// The client's second flight built by hand after these first flights, with the premaster
    /// and the verify_data the test chooses (see [`flights::forge_client_flight`]).
    fn forge_client_flight(
        &self,
        premaster: &PremasterEncryption,
        tamper_verify_data: impl FnOnce(Vec<u8>) -> Vec<u8>,
    ) -> Vec<u8> {
        flights::forge_client_flight(
            &self.client_hello[5..],
            &handshake_messages(&self.server_first),
            premaster,
            tamper_verify_data,
        )
    }

    fn client_hello_msg(&self) -> ClientHello {
        match decode(&self.client_hello[5..]) {
            HandshakePayload::ClientHello(ch) => ch,
            other => panic!("not a ClientHello: {other:?}"),
        }
    }

    fn server_hello_msg(&self) -> ServerHello {
        match decode(&self.server_records()[0][5..]) {
            HandshakePayload::ServerHello(sh) => sh,
            other => panic!("not a ServerHello: {other:?}"),
        }
    }

    /// The server's first flight with its ServerHello replaced.
    fn server_first_with(&self, sh: ServerHello) -> Vec<u8> {
        let recs = self.server_records();
        [
            handshake_record(&HandshakePayload::ServerHello(sh)),
            recs[1].clone(),
            recs[2].clone(),
        ]
        .concat()
    }

    /// The server's first flight with its Certificate message replaced.
    fn server_first_with_certificate(&self, body: &[u8]) -> Vec<u8> {
        let recs = self.server_records();
        [
            recs[0].clone(),
            record(HANDSHAKE, &handshake(HandshakeType::Certificate, body)),
            recs[2].clone(),
        ]
        .concat()
    }
}

/// A server that has answered the clean ClientHello.
fn server_after_hello() -> Peer {
    let f = Flights::default();
    let mut server = Peer::server(DEFAULT);
    assert_eq!(server.feed(&f.client_hello), f.server_first);
    server
}

/// A client that has received the clean server flight and sent its own.
fn client_after_key_exchange(setup: Setup) -> Peer {
    let f = Flights::of(setup);
    let mut client = Peer::client(setup);
    assert_eq!(client.feed(&f.server_first), f.client_second);
    client
}

/// A fresh server set up as `setup` fed the clean (default) ClientHello as `edit` changed it.
fn server_fed_client_hello(setup: Setup, edit: impl FnOnce(&mut ClientHello)) -> Peer {
    let mut ch = Flights::default().client_hello_msg();
    edit(&mut ch);
    let mut server = Peer::server(setup);
    server.feed(&client_hello_record(ch));
    server
}

/// A fresh server fed a ClientHello message with any `body`, in one record whose length and
/// the message's agree with what is there.
fn server_fed_client_hello_body(body: &[u8]) -> Peer {
    let mut server = Peer::server(DEFAULT);
    server.feed(&record(
        HANDSHAKE,
        &handshake(HandshakeType::ClientHello, body),
    ));
    server
}

/// A fresh client fed the clean server flight with its ServerHello as `edit` changed it.
fn client_fed_server_hello(setup: Setup, edit: impl FnOnce(&mut ServerHello)) -> Peer {
    let f = Flights::of(setup);
    let mut sh = f.server_hello_msg();
    edit(&mut sh);
    let mut client = Peer::client(setup);
    client.feed(&f.server_first_with(sh));
    client
}

/// A fresh server fed the clean ClientHello, then a client flight forged with `premaster` and
/// the verify_data `tamper_verify_data` makes of the right one.
fn server_fed_forged_flight(
    premaster: &PremasterEncryption,
    tamper_verify_data: impl FnOnce(Vec<u8>) -> Vec<u8>,
) -> Peer {
    let f = Flights::default();
    let mut server = Peer::server(DEFAULT);
    server.feed(&f.client_hello);
    server.feed(&f.forge_client_flight(premaster, tamper_verify_data));
    server
}

/// The server's ChangeCipherSpec and Finished built by hand for `client` (which has sent its
/// second flight), with the keys and transcript it derived, and the records the test chooses
/// after the ChangeCipherSpec (each sealed as the content type given).
fn forge_server_flight(client: &Peer, protected: &[(ContentType, Vec<u8>)]) -> Vec<u8> {
    let params = client.suite_params();
    let mut writer = RecordProtector::new(params, client.key_block().server_keys());
    let mut out = record(CHANGE_CIPHER_SPEC, &[1]);
    for (content_type, plaintext) in protected {
        let sealed = writer
            .seal(*content_type, TLS12, plaintext, &mut Drbg::from_u64(6))
            .expect("seal");
        out.extend(record(content_type.to_wire(), &sealed.fragment));
    }
    out
}

/// A client that has sent its second flight, then fed the server's ChangeCipherSpec and a
/// Finished whose verify_data `tamper_verify_data` makes of the one the client expects.
fn client_fed_server_finished(tamper_verify_data: impl FnOnce(Vec<u8>) -> Vec<u8>) -> Peer {
    let mut client = client_after_key_exchange(DEFAULT);
    let hash = prf::handshake_hash(PrfHash::Sha256, &client.handshake_messages());
    let verify_data = prf::verify_data(
        PrfHash::Sha256,
        &client.master_secret(),
        LABEL_SERVER_FINISHED,
        &hash,
    );
    let finished = handshake(
        HandshakeType::Finished,
        &tamper_verify_data(verify_data.to_vec()),
    );
    client.feed(&forge_server_flight(
        &client,
        &[(ContentType::Handshake, finished)],
    ));
    client
}

// ======== the server, fed by a hostile client ========

#[test]
fn server_refuses_unknown_content_types_from_the_header() {
    for content_type in [0u8, 19, 24, 99, 255] {
        let mut server = Peer::server(DEFAULT);
        // The header alone is enough to refuse it.
        server.feed(&[content_type, 3, 3, 0, 1]);
        let reason = assert_fatal(&mut server, UnexpectedMessage);
        assert!(reason.contains("content type"), "{reason}");
    }
    // Also in the middle of the handshake.
    let mut server = server_after_hello();
    server.feed(&record(24, &[1, 0, 0]));
    assert_fatal(&mut server, UnexpectedMessage);
}

#[test]
fn server_refuses_records_longer_than_the_limit_from_the_header() {
    // 2^14 + 2049 and 65535: refused before the body arrives, so nothing is buffered.
    for len in [(1u16 << 14) + 2049, u16::MAX] {
        let mut server = Peer::server(DEFAULT);
        let [hi, lo] = len.to_be_bytes();
        server.feed(&[HANDSHAKE, 3, 3, hi, lo]);
        assert_fatal(&mut server, RecordOverflow);
    }
    // A plaintext record may carry at most 2^14 bytes (section 6.2.1).
    let mut server = Peer::server(DEFAULT);
    server.feed(&record(HANDSHAKE, &vec![0; (1 << 14) + 1]));
    assert_fatal(&mut server, RecordOverflow);
}

#[test]
fn server_refuses_record_versions_that_are_not_tls() {
    let f = Flights::default();
    for version in [[2, 0], [0, 0], [1, 0], [0xfe, 0xfd], [4, 3]] {
        let mut server = Peer::server(DEFAULT);
        server.feed(&record_v(HANDSHAKE, version, &f.client_hello[5..]));
        assert_fatal(&mut server, ProtocolVersion);
    }
    // RFC 5246 appendix E.1: the record version of a ClientHello may be any {03,XX}.
    for version in [[3, 0], [3, 1]] {
        let mut server = Peer::server(DEFAULT);
        let answer = server.feed(&record_v(HANDSHAKE, version, &f.client_hello[5..]));
        assert_eq!(answer, f.server_first);
    }
}

#[test]
fn server_refuses_a_client_hello_cut_short_inside_its_body() {
    let f = Flights::default();
    let msg = &f.client_hello[5..];
    let ch = f.client_hello_msg();
    // Cut right after compression_methods the message is a valid hello without extensions.
    let without_extensions = 4
        + 2
        + 32
        + 1
        + ch.session_id.len()
        + 2
        + 2 * ch.cipher_suites.len()
        + 1
        + ch.compression_methods.len();
    for cut in 4..msg.len() {
        // The handshake and record lengths agree with what is there; the fields inside lie.
        let mut server = server_fed_client_hello_body(&msg[4..cut]);
        if cut == without_extensions {
            assert!(
                !server.conn.is_closed(),
                "a hello without extensions is valid"
            );
        } else {
            assert_fatal(&mut server, DecodeError);
        }
    }
}

#[test]
fn server_refuses_a_client_hello_with_trailing_bytes() {
    let f = Flights::default();
    let msg = &f.client_hello[5..];
    for garbage in [&[0u8][..], &[0, 0, 0], &[0xff; 40]] {
        let body = [&msg[4..], garbage].concat();
        let mut server = server_fed_client_hello_body(&body);
        assert_fatal(&mut server, DecodeError);
    }
    // Bytes after the extensions vector of a hello that has one, inside the message.
    let mut ch = f.client_hello_msg();
    ch.extensions.truncate(1);
    let mut body = HandshakePayload::ClientHello(ch).encode()[4..].to_vec();
    body.extend_from_slice(&[0, 0]);
    let mut server = server_fed_client_hello_body(&body);
    assert_fatal(&mut server, DecodeError);
}

#[test]
fn server_refuses_a_client_hello_without_a_common_suite() {
    for suites in [
        vec![CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256],
        vec![
            CipherSuite::TLS_RSA_WITH_AES_256_CBC_SHA,
            // A TLS 1.3 suite is no use to a TLS 1.2 handshake.
            CipherSuite::TLS_AES_128_GCM_SHA256,
            CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
        ],
    ] {
        let mut server = server_fed_client_hello(DEFAULT, |ch| ch.cipher_suites = suites);
        assert_fatal(&mut server, HandshakeFailure);
    }
    // A suite the server implements but was configured without.
    let mut server = server_fed_client_hello(
        Setup::suite(CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256),
        |ch| ch.cipher_suites = vec![CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA],
    );
    assert_fatal(&mut server, HandshakeFailure);
}

#[test]
fn server_refuses_a_client_hello_without_null_compression() {
    for methods in [vec![1u8], vec![1, 2, 64]] {
        let mut server = server_fed_client_hello(DEFAULT, |ch| ch.compression_methods = methods);
        assert_fatal(&mut server, IllegalParameter);
    }
}

#[test]
fn server_refuses_client_versions_below_tls12() {
    for version in [[3, 1], [3, 2], [3, 0], [2, 0]] {
        let mut server = server_fed_client_hello(DEFAULT, |ch| ch.client_version = version);
        assert_fatal(&mut server, ProtocolVersion);
    }
    // A newer client gets TLS 1.2 (RFC 5246 appendix E.1).
    let server = server_fed_client_hello(DEFAULT, |ch| ch.client_version = [3, 4]);
    assert_waiting(&server);
    let sh = match decode(&records(&server.wire)[0][5..]) {
        HandshakePayload::ServerHello(sh) => sh,
        other => panic!("{other:?}"),
    };
    assert_eq!(sh.server_version, TLS12);
}

/// RFC 5246 section 7.4.1.2: `session_id<0..32>`, `cipher_suites<2..2^16-2>`,
/// `compression_methods<1..2^8-1>`; a vector outside its bounds "could not be decoded because
/// some field was out of the specified range" (section 7.2.2): decode_error.
#[test]
fn server_refuses_client_hello_vectors_out_of_bounds() {
    type Edit = fn(&mut ClientHello);
    let cases: [(&str, Edit); 3] = [
        ("33-byte session_id", |ch| ch.session_id = vec![7; 33]),
        ("empty cipher_suites", |ch| ch.cipher_suites.clear()),
        ("empty compression_methods", |ch| {
            ch.compression_methods.clear()
        }),
    ];
    let outcomes: Vec<(&str, Vec<String>)> = cases
        .into_iter()
        .map(|(what, edit)| {
            let server = server_fed_client_hello(DEFAULT, edit);
            let sent = server.alerts(true);
            (what, sent.iter().map(|a| a.description.clone()).collect())
        })
        .collect();
    for (what, sent) in &outcomes {
        assert_eq!(sent, &[DecodeError.name()], "{what}; all: {outcomes:?}");
    }
}

#[test]
fn server_refuses_client_hello_vectors_of_impossible_lengths() {
    let f = Flights::default();
    let msg = &f.client_hello[5..];
    // cipher_suites holds two-byte values: an odd length cannot be decoded.
    let sid_len = usize::from(msg[4 + 34]);
    let at = 4 + 35 + sid_len;
    let suites_len = usize::from(u16::from_be_bytes([msg[at], msg[at + 1]]));
    let mut body = msg[4..].to_vec();
    let b = at - 4;
    let odd = u16::try_from(suites_len - 1).unwrap().to_be_bytes();
    body[b..b + 2].copy_from_slice(&odd);
    body.remove(b + 2 + suites_len - 1);
    let mut server = server_fed_client_hello_body(&body);
    assert_fatal(&mut server, DecodeError);
}

/// RFC 5246 section 7.4.1.4: "There MUST NOT be more than one extension of the same type."
/// The client refuses duplicates in a ServerHello with illegal_parameter; the server should
/// refuse them in a ClientHello too (decode_error would also be a defensible choice).
#[test]
fn server_refuses_duplicate_extensions() {
    let server = server_fed_client_hello(DEFAULT, |ch| {
        ch.extensions.push(Extension::ExtendedMasterSecret)
    });
    let sent = server.alerts(true);
    assert_eq!(sent.len(), 1, "refused: {sent:?}");
    assert!(
        [IllegalParameter.name(), DecodeError.name()].contains(&sent[0].description),
        "{sent:?}"
    );
}

#[test]
fn server_refuses_a_second_client_hello() {
    let f = Flights::default();
    let mut server = server_after_hello();
    server.feed(&f.client_hello);
    let reason = assert_fatal(&mut server, UnexpectedMessage);
    assert!(reason.contains("ClientHello"), "{reason}");
    // The server's own flight went out before the alert, untouched.
    assert!(server.wire.starts_with(&f.server_first));
}

#[test]
fn server_refuses_messages_out_of_order() {
    let f = Flights::default();
    let recs = f.client_records();
    let finished_clear = handshake_record(&HandshakePayload::Finished(vec![0; 12]));
    let app_data = record(APPLICATION_DATA, b"GET / HTTP/1.1\r\n\r\n");
    let ccs = record(CHANGE_CIPHER_SPEC, &[1]);

    // Before the ClientHello: anything else.
    for first in [
        &ccs,
        &app_data,
        &finished_clear,
        &recs[0],
        &record(APPLICATION_DATA, &[]),
    ] {
        let mut server = Peer::server(DEFAULT);
        server.feed(first);
        assert_fatal(&mut server, UnexpectedMessage);
    }

    // After the ClientHello, instead of ClientKeyExchange.
    let server_side = |t: HandshakeType, body: &[u8]| record(HANDSHAKE, &handshake(t, body));
    let wrong = [
        ccs.clone(),
        app_data.clone(),
        finished_clear.clone(),
        f.server_records()[0].clone(),
        f.server_records()[1].clone(),
        f.server_records()[2].clone(),
        server_side(HandshakeType::HelloRequest, &[]),
        server_side(HandshakeType::CertificateVerify, &[0, 0]),
        server_side(HandshakeType::Unknown(99), &[1, 2, 3]),
    ];
    for (i, rec) in wrong.iter().enumerate() {
        let mut server = server_after_hello();
        server.feed(rec);
        let reason = assert_fatal(&mut server, UnexpectedMessage);
        assert!(reason.contains("ClientKeyExchange"), "{i}: {reason}");
    }
}

#[test]
fn server_refuses_a_flipped_bit_in_the_client_finished_record() {
    for suite in rsa_suites() {
        let setup = Setup::suite(suite);
        let f = Flights::of(setup);
        let recs = f.client_records();
        let finished = &recs[2];
        // In the explicit nonce or IV, in the middle, in the tag or MAC and padding.
        for at in [5, finished.len() / 2, finished.len() - 1] {
            let mut tampered = finished.clone();
            tampered[at] ^= 0x01;
            let mut server = Peer::server(setup);
            server.feed(&f.client_hello);
            server.feed_all(&[&recs[0], &recs[1]]);
            assert_waiting(&server);
            server.feed(&tampered);
            assert_fatal(&mut server, BadRecordMac);
        }
    }
}

/// RFC 5246 section 7.4.7.1: "a TLS server MUST NOT generate an alert if processing an
/// RSA-encrypted premaster secret message fails". Whatever the ciphertext, the server goes on
/// with a random premaster and the handshake fails at the client's Finished, the same way each
/// time (no padding oracle).
#[test]
fn server_answers_a_bad_key_exchange_only_at_finished_and_always_alike() {
    let f = Flights::default();
    let recs = f.client_records();
    let good = match decode(&recs[0][5..]) {
        HandshakePayload::ClientKeyExchange(c) => c,
        other => panic!("{other:?}"),
    };
    let mut flipped = good.clone();
    flipped[100] ^= 0x80;
    let bad_ciphertexts: Vec<Vec<u8>> = vec![
        Vec::new(),
        vec![0x42; 10],
        Drbg::from_u64(3).bytes(255),
        // Below the modulus, but not a PKCS#1 v1.5 block.
        [vec![0], Drbg::from_u64(4).bytes(255)].concat(),
        flipped,
        [good.clone(), vec![0]].concat(),
        vec![0xff; 256],
    ];
    let mut reasons = Vec::new();
    for (i, ciphertext) in bad_ciphertexts.iter().enumerate() {
        let mut server = Peer::server(DEFAULT);
        server.feed(&f.client_hello);
        server.feed(&handshake_record(&HandshakePayload::ClientKeyExchange(
            ciphertext.clone(),
        )));
        assert_waiting(&server);
        assert_eq!(server.wire, f.server_first, "{i}: nothing more to say yet");
        let premaster = server
            .computations()
            .find_map(|c| match c {
                Computation::PremasterDecrypted { premaster, .. } => Some(premaster.0.clone()),
                _ => None,
            })
            .expect("the server derived a premaster anyway");
        assert_eq!((premaster.len(), &premaster[..2]), (48, &[3u8, 3][..]));
        server.feed(&recs[1]);
        assert_waiting(&server);
        server.feed(&recs[2]);
        reasons.push(assert_fatal(&mut server, BadRecordMac));
    }
    assert!(reasons.windows(2).all(|w| w[0] == w[1]), "{reasons:?}");
}

/// The version rollback check (RFC 5246 section 7.4.7.1): the server replaces the premaster's
/// first two bytes with ClientHello.client_version, so a premaster claiming TLS 1.0 gives other
/// keys. A hand-built client flight with the right version is accepted (the control).
#[test]
fn server_refuses_a_premaster_with_a_rolled_back_version_at_finished() {
    for (version, accepted) in [([3, 3], true), ([3, 1], false), ([0, 0], false)] {
        let mut server = server_fed_forged_flight(&demo_premaster(version), |v| v);
        if accepted {
            assert!(
                server.conn.is_connected(),
                "the forged flight is a real one"
            );
        } else {
            assert_fatal(&mut server, BadRecordMac);
        }
    }
}

#[test]
fn server_refuses_a_client_finished_with_wrong_verify_data() {
    let premaster = demo_premaster(TLS12);
    let mut server = server_fed_forged_flight(&premaster, |mut v| {
        v[11] ^= 1;
        v
    });
    let reason = assert_fatal(&mut server, DecryptError);
    assert!(reason.contains("Finished"), "{reason}");
    let mut server = server_fed_forged_flight(&premaster, |_| vec![0; 12]);
    assert_fatal(&mut server, DecryptError);
}

/// RFC 5246 section 7.4.9: verify_data is exactly 12 bytes for these suites; a Finished of
/// another length is a message whose "length ... was incorrect" (section 7.2.2): decode_error,
/// as OpenSSL and BoringSSL send.
#[test]
fn finished_of_the_wrong_length_is_a_decode_error() {
    let premaster = demo_premaster(TLS12);
    for (what, tamper) in VERIFY_DATA_OF_THE_WRONG_LENGTH {
        let mut server = server_fed_forged_flight(&premaster, tamper);
        assert_fatal_case(&mut server, DecodeError, &format!("client Finished {what}"));
    }
    // And the client, for the server's Finished.
    for (what, tamper) in VERIFY_DATA_OF_THE_WRONG_LENGTH {
        let mut client = client_fed_server_finished(tamper);
        assert_fatal_case(&mut client, DecodeError, &format!("server Finished {what}"));
    }
}

#[test]
fn server_accepts_handshake_messages_split_across_records() {
    let f = Flights::default();
    let mut server = Peer::server(DEFAULT);
    // ClientHello one byte per record, in one call.
    let hello: Vec<u8> = f.client_hello[5..]
        .iter()
        .flat_map(|b| record(HANDSHAKE, &[*b]))
        .collect();
    assert_eq!(server.feed(&hello), f.server_first);
    // ClientKeyExchange in records of 1, 2, 3, ... bytes, one call each.
    let recs = f.client_records();
    let cke = &recs[0][5..];
    let mut at = 0;
    let mut size = 1;
    while at < cke.len() {
        let end = (at + size).min(cke.len());
        assert!(server.feed(&record(HANDSHAKE, &cke[at..end])).is_empty());
        at = end;
        size += 1;
    }
    assert_waiting(&server);
    assert_eq!(server.feed_all(&[&recs[1], &recs[2]]), f.server_second);
    assert!(server.conn.is_connected());
}

#[test]
fn server_accepts_a_large_client_hello_across_two_records() {
    let f = Flights::default();
    let mut ch = f.client_hello_msg();
    ch.extensions.push(Extension::Unknown(
        ExtensionType::Unknown(0x4242),
        vec![0x5a; 20_000],
    ));
    let msg = HandshakePayload::ClientHello(ch).encode();
    let (first, rest) = msg.split_at(1 << 14);
    let mut server = Peer::server(DEFAULT);
    server.feed(&record(HANDSHAKE, first));
    assert_waiting(&server);
    assert!(server.wire.is_empty());
    server.feed(&record(HANDSHAKE, rest));
    assert_waiting(&server);
    assert_eq!(records(&server.wire).len(), 3, "the server answered");
}

/// RFC 5246 section 7.4.1.2 with every vector at the largest size its bounds allow: a 32-byte
/// session_id, 32,767 cipher suites (<2..2^16-2>), 255 compression methods (<1..2^8-1>) and
/// 65,535 bytes of extensions (<0..2^16-1>): 131,396 bytes, in nine records.
#[test]
fn server_answers_the_largest_client_hello_the_rfc_allows() {
    let mut body = vec![0x03, 0x03];
    body.extend([0x11; 32]);
    body.push(32);
    body.extend([0x22; 32]);
    body.extend(65_534u16.to_be_bytes());
    body.extend([0x00, 0x9c]); // TLS_RSA_WITH_AES_128_GCM_SHA256, then suites nobody runs
    for i in 1..32_767u16 {
        body.extend((0x8000 + i).to_be_bytes());
    }
    body.push(255);
    body.extend(0..=254u8); // null first
    body.extend(65_535u16.to_be_bytes());
    body.extend([0xff, 0x01, 0x00, 0x01, 0x00]); // an empty renegotiation_info (RFC 5746)
    body.extend([0x42, 0x42]); // and one extension nobody knows, filling the rest
    body.extend(65_526u16.to_be_bytes());
    body.extend(vec![0x5a; 65_526]);
    assert_eq!(body.len(), 131_396);
    let message = handshake(HandshakeType::ClientHello, &body);
    let stream: Vec<u8> = message
        .chunks(1 << 14)
        .flat_map(|c| record(HANDSHAKE, c))
        .collect();
    assert_eq!(records(&stream).len(), 9);
    let mut server = Peer::server(DEFAULT);
    server.feed(&stream);
    assert_waiting(&server);
    assert_eq!(
        records(&server.wire).len(),
        3,
        "ServerHello, Certificate, ServerHelloDone"
    );
}

#[test]
fn client_accepts_several_messages_in_one_record_and_one_message_in_many() {
    let setup = DEFAULT;
    let f = Flights::of(setup);
    let messages: Vec<u8> = f
        .server_records()
        .iter()
        .flat_map(|r| r[5..].to_vec())
        .collect();
    // All three in one record.
    let mut client = Peer::client(setup);
    assert_eq!(client.feed(&record(HANDSHAKE, &messages)), f.client_second);
    // In records of 7 bytes, so message boundaries fall inside records.
    let mut client = Peer::client(setup);
    let sevens: Vec<u8> = messages
        .chunks(7)
        .flat_map(|c| record(HANDSHAKE, c))
        .collect();
    assert_eq!(client.feed(&sevens), f.client_second);
    client.feed(&f.server_second);
    assert!(client.conn.is_connected());
}

#[test]
fn a_handshake_message_interrupted_by_another_content_type_is_refused() {
    let f = Flights::default();
    let msg = &f.client_hello[5..];
    for other in [
        record(CHANGE_CIPHER_SPEC, &[1]),
        record(APPLICATION_DATA, b"x"),
    ] {
        let mut server = Peer::server(DEFAULT);
        server.feed(&record(HANDSHAKE, &msg[..20]));
        server.feed(&other);
        assert_fatal(&mut server, UnexpectedMessage);
    }
}

#[test]
fn server_refuses_announced_handshake_messages_over_the_limit() {
    // 2^20 and 2^18 + 1: refused from the four header bytes, before the body arrives.
    for len in [1u32 << 20, (1 << 18) + 1, 0xff_ffff] {
        let header = handshake(HandshakeType::ClientHello, &[]);
        let mut msg = header.clone();
        msg[1..4].copy_from_slice(&len.to_be_bytes()[1..]);
        let mut server = Peer::server(DEFAULT);
        server.feed(&record(HANDSHAKE, &msg));
        assert_fatal(&mut server, DecodeError);
    }
    // 2^18 exactly is allowed: the server waits for it.
    let mut server = Peer::server(DEFAULT);
    server.feed(&record(HANDSHAKE, &[1, 4, 0, 0, 0x03, 0x03]));
    assert_waiting(&server);
}

#[test]
fn server_refuses_a_change_cipher_spec_that_is_not_the_byte_1() {
    let f = Flights::default();
    let recs = f.client_records();
    for body in [&[2u8][..], &[1, 1], &[], &[0]] {
        // Early (where it is unexpected anyway, the body is checked first) and in its place.
        let mut server = server_after_hello();
        server.feed(&record(CHANGE_CIPHER_SPEC, body));
        assert_fatal(&mut server, DecodeError);
    }
    let mut server = server_after_hello();
    server.feed(&recs[0]);
    server.feed(&record(CHANGE_CIPHER_SPEC, &[1, 1]));
    assert_fatal(&mut server, DecodeError);
}

#[test]
fn server_refuses_empty_and_malformed_records() {
    // Zero-length handshake fragments are forbidden (section 6.2.1).
    let mut server = Peer::server(DEFAULT);
    server.feed(&record(HANDSHAKE, &[]));
    assert_fatal(&mut server, UnexpectedMessage);
    // An alert is exactly two bytes.
    for body in [&[][..], &[2], &[2, 40, 0]] {
        let mut server = server_after_hello();
        server.feed(&record(ALERT, body));
        assert_fatal(&mut server, DecodeError);
    }
}

#[test]
fn server_closes_silently_on_a_client_alert_and_answers_close_notify() {
    let f = Flights::default();
    let recs = f.client_records();
    for (when, level, description) in [
        (0, 2, 40),  // fatal handshake_failure, before anything
        (1, 2, 48),  // fatal unknown_ca, after the hello
        (1, 1, 90),  // warning user_canceled
        (2, 2, 80),  // fatal internal_error, after ClientKeyExchange
        (1, 9, 250), // unknown level and description
    ] {
        let mut server = Peer::server(DEFAULT);
        if when >= 1 {
            server.feed(&f.client_hello);
        }
        if when >= 2 {
            server.feed(&recs[0]);
        }
        let before = server.wire.len();
        let answer = server.feed(&record(ALERT, &[level, description]));
        assert!(answer.is_empty(), "no alert answers an alert");
        assert_eq!(server.wire.len(), before);
        assert!(server.conn.is_closed() && server.alerts(true).is_empty());
        assert_eq!(server.alerts(false).len(), 1);
        // And nothing more is read.
        assert!(server.feed(&recs[1]).is_empty());
    }
    // close_notify is answered with close_notify (section 7.2.1).
    let mut server = server_after_hello();
    let answer = server.feed(&record(ALERT, &[1, CloseNotify.to_wire()]));
    assert_eq!(answer, [0x15, 3, 3, 0, 2, 1, 0]);
    assert!(server.conn.is_closed());
}

// ======== the client, fed by a hostile server ========

#[test]
fn client_refuses_a_suite_it_did_not_offer() {
    let setup = Setup::suite(CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256);
    for suite in [
        CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA,
        CipherSuite::TLS_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
        CipherSuite::Unknown(0x0000),
    ] {
        let mut client = client_fed_server_hello(setup, |sh| sh.cipher_suite = suite);
        assert_fatal(&mut client, IllegalParameter);
    }
}

#[test]
fn client_refuses_server_versions_other_than_tls12() {
    for version in [[3, 1], [3, 2], [3, 0], [3, 4], [2, 0]] {
        let mut client = client_fed_server_hello(DEFAULT, |sh| sh.server_version = version);
        assert_fatal(&mut client, ProtocolVersion);
    }
}

#[test]
fn client_refuses_extensions_it_did_not_offer() {
    let unoffered = [
        Extension::Unknown(ExtensionType::EncryptThenMac, Vec::new()),
        Extension::Unknown(ExtensionType::SessionTicket, Vec::new()),
        Extension::Unknown(ExtensionType::Alpn, vec![0, 3, 2, b'h', b'2']),
        Extension::Unknown(ExtensionType::Unknown(0x4242), vec![1]),
        Extension::SignatureAlgorithms(vec![]),
        // server_name is acknowledged with an empty extension only.
        Extension::ServerName("example.com".into()),
    ];
    for ext in unoffered {
        let mut client = client_fed_server_hello(DEFAULT, |sh| sh.extensions.push(ext.clone()));
        let reason = assert_fatal(&mut client, UnsupportedExtension);
        assert!(reason.contains(&ext.typ().name()), "{reason}");
    }
    // extended_master_secret when the client did not offer it.
    let setup = Setup {
        extended_master_secret: false,
        ..DEFAULT
    };
    let mut client = client_fed_server_hello(setup, |sh| {
        sh.extensions.push(Extension::ExtendedMasterSecret)
    });
    assert_fatal(&mut client, UnsupportedExtension);
}

/// RFC 6066 section 3: a server that used the server_name "SHALL include an extension of type
/// "server_name" in the (extended) server hello. The "extension_data" field of this extension
/// SHALL be empty." client.rs accepts that (an empty ServerName decodes as Unknown, says its
/// comment), but the decoder never gets there.
#[test]
fn client_accepts_an_empty_server_name_acknowledgement() {
    let client = client_fed_server_hello(DEFAULT, |sh| {
        sh.extensions
            .push(Extension::Unknown(ExtensionType::ServerName, Vec::new()))
    });
    assert_waiting(&client);
    let second = &client.wire[Flights::default().client_hello.len()..];
    assert_eq!(records(second).len(), 3);
}

#[test]
fn client_refuses_duplicate_extensions_and_renegotiation_data() {
    let mut client = client_fed_server_hello(DEFAULT, |sh| {
        sh.extensions.push(Extension::RenegotiationInfo(Vec::new()))
    });
    assert_fatal(&mut client, IllegalParameter);

    for data in [vec![0u8; 24], vec![1]] {
        let mut client = client_fed_server_hello(DEFAULT, |sh| {
            sh.extensions = vec![Extension::RenegotiationInfo(data)]
        });
        assert_fatal(&mut client, HandshakeFailure);
    }
}

#[test]
fn client_refuses_compression() {
    let mut client = client_fed_server_hello(DEFAULT, |sh| sh.compression_method = 1);
    assert_fatal(&mut client, IllegalParameter);
}

/// RFC 5246 section 7.4.1.3: `SessionID session_id` is `opaque SessionID<0..32>`.
#[test]
fn client_refuses_an_oversized_session_id() {
    let mut client = client_fed_server_hello(DEFAULT, |sh| sh.session_id = vec![1; 33]);
    assert_fatal(&mut client, DecodeError);
}

#[test]
fn client_refuses_a_certificate_message_with_garbage() {
    let f = Flights::default();
    let list = |certs: &[&[u8]]| -> Vec<u8> {
        let inner: Vec<u8> = certs
            .iter()
            .flat_map(|c| [&u32::try_from(c.len()).unwrap().to_be_bytes()[1..], c].concat())
            .collect();
        [
            &u32::try_from(inner.len()).unwrap().to_be_bytes()[1..],
            &inner[..],
        ]
        .concat()
    };
    let pki = driver::demo_pki().unwrap();
    let mut truncated_leaf = pki.leaf_cert().to_vec();
    truncated_leaf.truncate(200);
    let cases: Vec<(Vec<u8>, &[AlertDescription])> = vec![
        // Not DER at all.
        (
            list(&[b"this is not a certificate"]),
            &[DecodeError, AlertDescription::BadCertificate],
        ),
        (
            list(&[&[0x30, 0x03, 1, 2, 3]]),
            &[DecodeError, AlertDescription::BadCertificate],
        ),
        (
            list(&[&truncated_leaf]),
            &[DecodeError, AlertDescription::BadCertificate],
        ),
        // An empty chain (section 7.4.2: the server's certificate must be there).
        (list(&[]), &[DecodeError]),
        // Lengths that lie: the list claims more than the message holds.
        (
            [&[0, 0x10, 0][..], &[0, 0, 1, 0x30]].concat(),
            &[DecodeError],
        ),
        // The certificate's length overruns the list.
        (vec![0, 0, 4, 0, 0, 5, 0x30], &[DecodeError]),
    ];
    for (i, (body, allowed)) in cases.into_iter().enumerate() {
        let mut client = Peer::client(DEFAULT);
        client.feed(&f.server_first_with_certificate(&body));
        let sent = client.alerts(true);
        assert_eq!(sent.len(), 1, "case {i}: {sent:?}");
        let expected = allowed
            .iter()
            .find(|a| a.name() == sent[0].description)
            .unwrap_or_else(|| panic!("case {i}: {sent:?} not in {allowed:?}"));
        assert_fatal(&mut client, *expected);
    }
}

#[test]
fn client_refuses_messages_out_of_order() {
    let f = Flights::default();
    let recs = f.server_records();
    let ccs = record(CHANGE_CIPHER_SPEC, &[1]);
    let finished_clear = handshake_record(&HandshakePayload::Finished(vec![0; 12]));
    let app_data = record(APPLICATION_DATA, b"HTTP/1.1 200 OK\r\n\r\n");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "ServerHelloDone before Certificate",
            [&recs[0][..], &recs[2]].concat(),
        ),
        ("Certificate before ServerHello", recs[1].clone()),
        ("ServerHelloDone first", recs[2].clone()),
        ("a ClientHello", f.client_hello.clone()),
        ("a second ServerHello", [&recs[0][..], &recs[0]].concat()),
        (
            "ChangeCipherSpec before ServerHelloDone",
            [&recs[0][..], &recs[1], &ccs].concat(),
        ),
        (
            "Finished in the clear",
            [&recs[0][..], &recs[1], &finished_clear].concat(),
        ),
        ("application data first", app_data.clone()),
        (
            "application data after ServerHello",
            [&recs[0][..], &app_data].concat(),
        ),
        (
            "ClientKeyExchange",
            [&recs[0][..], &f.client_records()[0]].concat(),
        ),
        // The server's Finished without its ChangeCipherSpec.
        ("Finished without ChangeCipherSpec", finished_clear.clone()),
    ];
    for (what, bytes) in cases {
        let mut client = Peer::client(DEFAULT);
        if what.starts_with("Finished without") {
            client.feed(&f.server_first);
        }
        client.feed(&bytes);
        assert_fatal_case(&mut client, UnexpectedMessage, what);
    }
}

/// RFC 5246 section 7.4.4: CertificateRequest comes after Certificate and before
/// ServerHelloDone, at most once. A client without a certificate answers with an empty
/// Certificate (section 7.4.6), which our server, never having asked, refuses.
#[test]
fn client_takes_a_certificate_request_only_in_its_place() {
    let f = Flights::default();
    let recs = f.server_records();
    let request = handshake_record(&HandshakePayload::CertificateRequest(CertificateRequest {
        certificate_types: vec![1],
        signature_algorithms: vec![SignatureScheme::RsaPkcs1Sha256],
        certificate_authorities: vec![],
    }));
    let mut client = Peer::client(DEFAULT);
    let second = client.feed(&[&recs[0][..], &recs[1], &request, &recs[2]].concat());
    let second_records = records(&second);
    assert_eq!(second_records.len(), 4);
    assert_eq!(
        second_records[0],
        handshake_record(&HandshakePayload::Certificate(Vec::new()))
    );
    assert_waiting(&client);
    let mut server = server_after_hello();
    server.feed(&second);
    assert_fatal(&mut server, UnexpectedMessage);

    let lying = record(
        HANDSHAKE,
        &handshake(HandshakeType::CertificateRequest, &[1, 1, 0, 4, 4, 1]),
    );
    for (bytes, expected) in [
        ([&recs[0][..], &request].concat(), UnexpectedMessage),
        (
            [&recs[0][..], &recs[1], &request, &request].concat(),
            UnexpectedMessage,
        ),
        ([&recs[0][..], &recs[1], &lying].concat(), DecodeError),
    ] {
        let mut client = Peer::client(DEFAULT);
        client.feed(&bytes);
        assert_fatal(&mut client, expected);
    }
}

/// The client's keys depend on the ServerHello random; a random changed in transit gives the
/// client other keys than the server, and the server's Finished record does not open.
#[test]
fn client_refuses_the_server_finished_after_a_tampered_server_random() {
    for ems in [true, false] {
        let setup = Setup {
            extended_master_secret: ems,
            ..DEFAULT
        };
        let f = Flights::of(setup);
        let mut client = client_fed_server_hello(setup, |sh| sh.random[31] ^= 1);
        let second = &client.wire[f.client_hello.len()..];
        assert_eq!(records(second).len(), 3, "the client went on");
        client.feed(&f.server_second);
        // The alert goes out under the client's new keys; `written` opens it.
        assert_fatal(&mut client, BadRecordMac);
        assert!(client.written().last().unwrap().encrypted);
    }
}

/// Without the extended master secret, a changed session_id leaves the keys alone but changes
/// the transcript: the server's Finished opens, and its verify_data is wrong.
#[test]
fn client_refuses_a_server_finished_over_another_transcript() {
    let setup = Setup {
        extended_master_secret: false,
        ..DEFAULT
    };
    let mut client = client_fed_server_hello(setup, |sh| sh.session_id = vec![0xab; 32]);
    client.feed(&Flights::of(setup).server_second);
    let reason = assert_fatal(&mut client, DecryptError);
    assert!(reason.contains("Finished"), "{reason}");
}

#[test]
fn client_checks_the_server_finished() {
    // Control: a hand-built server Finished with the right verify_data is accepted.
    let client = client_fed_server_finished(|v| v);
    assert!(client.conn.is_connected());

    // One bit off.
    let mut client = client_fed_server_finished(|mut v| {
        v[0] ^= 0x80;
        v
    });
    assert_fatal(&mut client, DecryptError);

    // A flipped bit in the record: bad_record_mac, for every suite.
    for suite in rsa_suites() {
        let setup = Setup::suite(suite);
        let f = Flights::of(setup);
        let recs = records(&f.server_second);
        for at in [5, recs[1].len() / 2, recs[1].len() - 1] {
            let mut tampered = recs[1].clone();
            tampered[at] ^= 0x04;
            let mut client = client_after_key_exchange(setup);
            client.feed_all(&[&recs[0], &tampered]);
            assert_fatal(&mut client, BadRecordMac);
        }
    }
}

#[test]
fn client_refuses_protected_records_that_are_not_finished() {
    let cases = [
        // Application data before the handshake is complete.
        (
            ContentType::ApplicationData,
            b"HTTP/1.1 200 OK".to_vec(),
            UnexpectedMessage,
        ),
        // An empty handshake fragment.
        (ContentType::Handshake, Vec::new(), UnexpectedMessage),
        // Another handshake message where Finished belongs.
        (
            ContentType::Handshake,
            HandshakePayload::ServerHelloDone.encode(),
            UnexpectedMessage,
        ),
        (ContentType::ChangeCipherSpec, vec![1], UnexpectedMessage),
    ];
    for (content_type, plaintext, expected) in cases {
        let mut client = client_after_key_exchange(DEFAULT);
        client.feed(&forge_server_flight(&client, &[(content_type, plaintext)]));
        assert_fatal(&mut client, expected);
    }
}

/// RFC 5246 section 7.4.1.1: HelloRequest "will be ignored by the client if the client is
/// currently negotiating a session"; it is also not part of the transcript.
#[test]
fn client_ignores_a_hello_request_during_the_handshake() {
    let f = Flights::default();
    let recs = f.server_records();
    let hello_request = record(HANDSHAKE, &handshake(HandshakeType::HelloRequest, &[]));
    let mut client = Peer::client(DEFAULT);
    let second = client.feed(&[&recs[0][..], &hello_request, &recs[1], &recs[2]].concat());
    assert_waiting(&client);
    assert_eq!(second, f.client_second);
    client.feed(&f.server_second);
    assert!(client.conn.is_connected());
}

#[test]
fn client_waits_on_every_prefix_of_the_server_flight() {
    let f = Flights::default();
    for cut in 0..f.server_first.len() {
        let mut client = Peer::client(DEFAULT);
        let out = client.feed(&f.server_first[..cut]);
        assert!(out.is_empty(), "prefix of {cut} bytes: the client answered");
        assert_waiting(&client);
    }
    let mut client = Peer::client(DEFAULT);
    assert_eq!(client.feed(&f.server_first), f.client_second);
    assert_waiting(&client);
}

// ======== random bytes ========

/// Random bytes against fresh peers made by `peer`: 60 rounds of one string of each length in
/// `lens`, each fed three ways: raw (under a record header's worth, the peer waits), as the
/// fragment of a handshake record, and as the body of a `hello` message, never a valid one
/// (mostly decode_error; now and then the noise decodes and fails a check).
struct RandomBytesCase {
    seed: u64,
    lens: &'static [usize],
    peer: fn() -> Peer,
    hello: HandshakeType,
    /// Alerts that must be among the answers to raw noise and noise in a record.
    alerts_seen: &'static [AlertDescription],
}

fn random_bytes(name: &'static str, case: RandomBytesCase) {
    within(Duration::from_secs(120), move || {
        let mut rng = Drbg::from_u64(case.seed);
        let mut seen = Vec::new();
        for round in 0..60 {
            for &len in case.lens {
                let noise = rng.bytes(len);
                let ctx = || format!("{name}: round {round}, {len} random bytes");
                let mut peer = (case.peer)();
                peer.feed(&noise);
                let s = status(&peer, &ctx);
                if len < 5 {
                    assert_eq!(s, Status::Waiting, "{}", ctx());
                }
                seen.push(s);

                let mut peer = (case.peer)();
                peer.feed(&record(HANDSHAKE, &noise));
                seen.push(status(&peer, &ctx));

                let mut peer = (case.peer)();
                peer.feed(&record(HANDSHAKE, &handshake(case.hello, &noise)));
                let s = status(&peer, &ctx);
                assert!(matches!(s, Status::Refused(_)), "{s:?}: {}", ctx());
            }
        }
        assert!(seen.contains(&Status::Waiting), "{name}: never waiting");
        for alert in case.alerts_seen {
            assert!(
                seen.contains(&Status::Refused(alert.name())),
                "{name}: never {}",
                alert.name()
            );
        }
    });
}

table_tests! { random_bytes;
    server_survives_random_bytes: RandomBytesCase {
        seed: 0xbad_c0de,
        lens: &[1, 4, 5, 6, 9, 40, 300, 3000],
        peer: || Peer::server(DEFAULT),
        hello: HandshakeType::ClientHello,
        alerts_seen: &[UnexpectedMessage, DecodeError],
    },
    client_survives_random_bytes: RandomBytesCase {
        seed: 0xc11e,
        lens: &[1, 5, 6, 9, 40, 300, 3000],
        peer: || Peer::client(DEFAULT),
        hello: HandshakeType::ServerHello,
        alerts_seen: &[],
    },
}

// ======== delivery in pieces ========

/// A whole conversation: handshake, a request, a response, close_notify both ways, with each
/// flight delivered in `chunk`-byte pieces (`None`: in one piece).
fn converse(setup: Setup, chunk: Option<usize>) -> (Peer, Peer) {
    let mut client = Peer::client(setup);
    let mut server = Peer::server(setup);
    let (mut to_server_at, mut to_client_at) = (0, 0);
    let mut app_step = 0;
    for _ in 0..32 {
        let to_server = client.wire[to_server_at..].to_vec();
        let to_client = server.wire[to_client_at..].to_vec();
        to_server_at = client.wire.len();
        to_client_at = server.wire.len();
        if to_server.is_empty() && to_client.is_empty() {
            match app_step {
                0 if client.conn.is_connected() => {
                    client
                        .conn
                        .send_application_data(b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")
                        .unwrap();
                }
                1 if server.conn.is_connected() => {
                    assert!(server.conn.take_app_data().starts_with(b"GET /"));
                    server
                        .conn
                        .send_application_data(b"HTTP/1.1 200 OK\r\n\r\nhello")
                        .unwrap();
                    server.conn.close();
                }
                _ => return (client, server),
            }
            app_step += 1;
            client.collect();
            server.collect();
            continue;
        }
        for (peer, bytes) in [(&mut server, to_server), (&mut client, to_client)] {
            match chunk {
                None => {
                    peer.feed(&bytes);
                }
                Some(n) => {
                    for piece in bytes.chunks(n) {
                        peer.feed(piece);
                    }
                }
            }
        }
    }
    panic!("the conversation did not end");
}

#[test]
fn byte_at_a_time_delivery_ends_exactly_like_delivery_in_one_piece() {
    let (client, server) = converse(DEFAULT, None);
    assert!(client.conn.is_closed() && server.conn.is_closed());
    assert!(
        client
            .alerts(true)
            .iter()
            .all(|a| a.description == "close_notify")
    );
    let events = |p: &Peer| format!("{:?}", p.events);
    let client_app = client.events.iter().any(
        |e| matches!(&e.kind, EventKind::ApplicationData { text, .. } if text.ends_with("hello")),
    );
    assert!(client_app);
    for chunk in [1, 2, 3, 7, 100] {
        let (c, s) = converse(DEFAULT, Some(chunk));
        assert_eq!(c.wire, client.wire, "client bytes, chunks of {chunk}");
        assert_eq!(s.wire, server.wire, "server bytes, chunks of {chunk}");
        assert_eq!(
            events(&c),
            events(&client),
            "client events, chunks of {chunk}"
        );
        assert_eq!(
            events(&s),
            events(&server),
            "server events, chunks of {chunk}"
        );
        assert!(c.conn.is_closed() && s.conn.is_closed());
    }
}

// ======== mutation fuzzing ========

/// Positions worth aiming at in a flight: every record header and the first bytes of every
/// fragment (handshake headers, vector lengths), and the whole of short records.
fn hot_spots(flight: &[u8]) -> Vec<usize> {
    let mut spots = Vec::new();
    let mut at = 0;
    for rec in records(flight) {
        let n = if rec.len() <= 100 { rec.len() } else { 5 + 12 };
        spots.extend(at..at + n);
        at += rec.len();
    }
    spots
}

/// `flight` with 1 to 3 bytes changed, each at a random position or, half the time when
/// `hot` is not empty, at one of the positions in `hot`.
fn mutate(flight: &[u8], hot: &[usize], rng: &mut Drbg) -> (Vec<u8>, Vec<usize>) {
    let mut out = flight.to_vec();
    let r = rng.bytes(16);
    let n = 1 + usize::from(r[0] % 3);
    let mut positions = Vec::new();
    for i in 0..n {
        let pick = usize::from(u16::from_be_bytes([r[1 + 3 * i], r[2 + 3 * i]]));
        let at = if hot.is_empty() || r[3 + 3 * i].is_multiple_of(2) {
            pick % out.len()
        } else {
            hot[pick % hot.len()]
        };
        // Non-zero, so the byte really changes.
        out[at] ^= r[10 + i] | 1;
        positions.push(at);
    }
    (out, positions)
}

/// Where fuzzed peers ended, to check that the fuzzing reached past the first check.
#[derive(Default, Debug)]
struct Tally {
    waiting: usize,
    connected: usize,
    closed_by_peer: usize,
    refused: Vec<(String, usize)>,
}

impl Tally {
    fn add(&mut self, s: Status) {
        match s {
            Status::Waiting => self.waiting += 1,
            Status::Connected => self.connected += 1,
            Status::ClosedByPeer => self.closed_by_peer += 1,
            Status::Refused(alert) => match self.refused.iter_mut().find(|(a, _)| *a == alert) {
                Some((_, n)) => *n += 1,
                None => self.refused.push((alert, 1)),
            },
        }
    }

    fn refused_with(&self, alert: AlertDescription) -> bool {
        self.refused.iter().any(|(a, _)| *a == alert.name())
    }
}

/// Which clean flight a fuzz case mutates.
#[derive(Clone, Copy, Debug)]
enum Flight {
    ClientHello,
    ServerFirst,
    ClientSecond,
    ServerSecond,
}

impl Flight {
    fn of(self, f: &Flights) -> &[u8] {
        match self {
            Flight::ClientHello => &f.client_hello,
            Flight::ServerFirst => &f.server_first,
            Flight::ClientSecond => &f.client_second,
            Flight::ServerSecond => &f.server_second,
        }
    }
}

/// One fuzzing run: `iterations` mutations of the clean (default) `flight`, aimed at its
/// headers when `aim`, each fed to a fresh peer made by `peer` (which may feed it earlier clean
/// flights first); after each `receive` the peer must satisfy [`status`]. Then the checks that
/// the fuzzing reached past the first check.
struct FuzzCase {
    seed: u64,
    iterations: usize,
    flight: Flight,
    aim: bool,
    peer: fn() -> Peer,
    /// Some mutation left the peer waiting for more.
    some_waiting: bool,
    /// At least this many different fatal alerts were sent.
    different_alerts: usize,
    /// This alert was among them.
    alert_seen: Option<AlertDescription>,
}

fn fuzz(name: &'static str, case: FuzzCase) {
    within(Duration::from_secs(120), move || {
        let f = Flights::default();
        let flight = case.flight.of(&f);
        let hot = if case.aim {
            hot_spots(flight)
        } else {
            Vec::new()
        };
        let mut rng = Drbg::from_u64(case.seed);
        let mut tally = Tally::default();
        for i in 0..case.iterations {
            let (mutated, at) = mutate(flight, &hot, &mut rng);
            let mut p = (case.peer)();
            p.feed(&mutated);
            tally.add(status(&p, &|| {
                format!("{name}: iteration {i}, bytes changed at {at:?}")
            }));
        }
        assert!(
            !case.some_waiting || tally.waiting > 0,
            "{name}: no mutation left the peer waiting: {tally:?}"
        );
        assert!(
            tally.refused.len() >= case.different_alerts,
            "{name}: fewer than {} different alerts: {tally:?}",
            case.different_alerts
        );
        if let Some(alert) = case.alert_seen {
            assert!(
                tally.refused_with(alert),
                "{name}: never {}: {tally:?}",
                alert.name()
            );
        }
    });
}

/// Fuzzing the server's and the client's first flights: 2000 iterations each.
const FUZZ_FIRST_FLIGHTS: usize = 2000;

/// Each iteration against a second flight costs a key exchange (an RSA-2048 private-key
/// operation for the server, about 30 ms in a debug build), so fewer of them keep this file
/// fast.
const FUZZ_SECOND_FLIGHTS: usize = 80;

table_tests! { fuzz;
    fuzz_the_client_hello_against_the_server: FuzzCase {
        seed: 0xf022_0001,
        iterations: FUZZ_FIRST_FLIGHTS,
        flight: Flight::ClientHello,
        aim: false,
        peer: || Peer::server(DEFAULT),
        some_waiting: true,
        different_alerts: 4,
        alert_seen: None,
    },
    fuzz_the_server_flight_against_the_client_anywhere: FuzzCase {
        seed: 0xf022_0002,
        iterations: FUZZ_FIRST_FLIGHTS / 2,
        flight: Flight::ServerFirst,
        aim: false,
        peer: || Peer::client(DEFAULT),
        some_waiting: false,
        different_alerts: 3,
        alert_seen: None,
    },
    fuzz_the_server_flight_against_the_client_in_its_headers: FuzzCase {
        seed: 0xf022_0003,
        iterations: FUZZ_FIRST_FLIGHTS / 2,
        flight: Flight::ServerFirst,
        aim: true,
        peer: || Peer::client(DEFAULT),
        some_waiting: true,
        different_alerts: 5,
        alert_seen: None,
    },
    fuzz_the_client_key_exchange_flight_against_the_server: FuzzCase {
        seed: 0xf022_0004,
        iterations: FUZZ_SECOND_FLIGHTS,
        flight: Flight::ClientSecond,
        aim: true,
        peer: server_after_hello,
        some_waiting: false,
        different_alerts: 2,
        alert_seen: Some(BadRecordMac),
    },
    fuzz_the_server_finished_flight_against_the_client: FuzzCase {
        seed: 0xf022_0005,
        iterations: 2 * FUZZ_SECOND_FLIGHTS,
        flight: Flight::ServerSecond,
        aim: true,
        peer: || client_after_key_exchange(DEFAULT),
        some_waiting: false,
        different_alerts: 2,
        alert_seen: Some(BadRecordMac),
    },
}

// ---- ECDHE (RFC 8422): the server's signed share, the client's share ----

/// The client, fed the server's first flight for an ECDHE `suite` with its ServerKeyExchange
/// (the third record) rewritten by `tamper`.
fn client_fed_server_key_exchange(
    suite: CipherSuite,
    tamper: impl FnOnce(&mut ServerKeyExchange),
) -> Peer {
    let setup = Setup::suite(suite);
    let mut client = Peer::client(setup);
    let mut server = Peer::server(setup);
    let flight = server.feed(&client.wire.clone());
    let mut flight = records(&flight);
    assert_eq!(
        flight.len(),
        4,
        "ServerHello, Certificate, ServerKeyExchange, ServerHelloDone"
    );
    let HandshakePayload::ServerKeyExchange(mut ske) = decode(&flight[2][5..]) else {
        panic!("the third record holds the ServerKeyExchange")
    };
    tamper(&mut ske);
    flight[2] = handshake_record(&HandshakePayload::ServerKeyExchange(ske));
    client.feed(&flight.concat());
    client
}

#[test]
fn client_refuses_a_server_key_exchange_the_certificate_did_not_sign() {
    let pki = driver::demo_pki().expect("demo PKI loads");
    for suite in CipherSuite::ECDHE {
        // A man in the middle swaps the share for his own: the signature no longer covers it.
        let mut client = client_fed_server_key_exchange(suite, |ske| ske.public[5] ^= 1);
        assert_fatal(&mut client, DecryptError);
        // A real signature by the server's key, over other randoms (a replayed message).
        let mut client = client_fed_server_key_exchange(suite, |ske| {
            let other = ske.signed_content(&[0; 32], &[0; 32]);
            ske.signature = key_exchange_signature::sign(
                pki.leaf_key(),
                ske.scheme,
                &other,
                &mut Drbg::from_u64(9),
            )
            .expect("signs");
        });
        assert_fatal(&mut client, DecryptError);
        // A group or a scheme the client did not offer.
        let mut client =
            client_fed_server_key_exchange(suite, |ske| ske.group = NamedGroup::Secp384r1);
        assert_fatal(&mut client, IllegalParameter);
        let mut client = client_fed_server_key_exchange(suite, |ske| {
            ske.scheme = SignatureScheme::RsaPkcs1Sha1;
        });
        assert_fatal(&mut client, IllegalParameter);
    }
}

/// The server, past its first flight for `suite` on `group`, fed a ClientKeyExchange carrying
/// `share`.
fn server_fed_client_share(suite: CipherSuite, group: NamedGroup, share: Vec<u8>) -> Peer {
    let setup = Setup::suite(suite);
    let mut config = setup.server_config();
    config.groups = vec![group];
    let mut server = Peer::new(Connection::server(config, Box::new(setup.rng("server"))));
    let client = Peer::client(setup);
    server.feed(&client.wire);
    server.feed(&handshake_record(&HandshakePayload::ClientKeyExchangeEcdh(
        share,
    )));
    server
}

#[test]
fn server_refuses_a_client_share_that_is_not_a_point_of_the_group() {
    let suite = CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
    let x25519 = NamedGroup::X25519;
    // RFC 7748 section 6.1: a small-order share makes the X25519 result all zeros.
    assert_fatal(
        &mut server_fed_client_share(suite, x25519, vec![0; 32]),
        IllegalParameter,
    );
    assert_fatal(
        &mut server_fed_client_share(suite, x25519, vec![9; 31]),
        IllegalParameter,
    );
    // RFC 8422 section 5.11: a secp256r1 point must be on the curve, uncompressed.
    let p256 = NamedGroup::Secp256r1;
    let mut rng = Drbg::from_u64(5);
    let mut point = ecdhe::generate(p256, &mut rng).expect("p256").public;
    point[64] ^= 1;
    assert_fatal(
        &mut server_fed_client_share(suite, p256, point.clone()),
        IllegalParameter,
    );
    assert_fatal(
        &mut server_fed_client_share(suite, p256, point[..33].to_vec()),
        IllegalParameter,
    );
    // An empty ECPoint does not decode (RFC 8422 section 5.7: ecdh_Yc<1..2^8-1>).
    assert_fatal(
        &mut server_fed_client_share(suite, x25519, vec![]),
        DecodeError,
    );
}
