//! What the client and the server state machines share: the record layer with its protection,
//! handshake reassembly, the transcript, the event queue and what this side knows. Each side's
//! state machine (`tls12::client`, `tls12::server`) drives one `CommonState`.

mod record_io;

use crate::crypto::record_cipher::RecordProtector;
use crate::error::TlsError;
use crate::msgs::enums::{AlertDescription, AlertLevel, ContentType};
use crate::msgs::handshake::HandshakePayload;
use crate::msgs::handshake::KeyExchange;
use crate::record::{Alert, Deframer};
use crate::rng::RandomSource;
use crate::timeline::{
    Actor, AlertInfo, Computation, ConnectionEvent, EventKind, Known, MessageRef, ValueName,
};
use crate::transcript::Transcript;
use std::collections::VecDeque;

/// A message that arrived, decoded.
pub(crate) enum Incoming {
    Handshake(HandshakePayload),
    ChangeCipherSpec,
    Alert(Alert),
    ApplicationData(Vec<u8>),
}

impl Incoming {
    /// A short name, for error messages.
    pub fn describe(&self) -> String {
        match self {
            Incoming::Handshake(p) => p.title(),
            Incoming::ChangeCipherSpec => "ChangeCipherSpec".into(),
            Incoming::Alert(a) => format!("alert {}", a.description.name()),
            Incoming::ApplicationData(_) => "application data".into(),
        }
    }
}

pub(crate) struct CommonState {
    pub actor: Actor,
    pub rng: Box<dyn RandomSource>,
    deframer: Deframer,
    handshake_buf: Vec<u8>,
    read: Option<RecordProtector>,
    write: Option<RecordProtector>,
    pub transcript: Transcript,
    events: VecDeque<ConnectionEvent>,
    out: Vec<u8>,
    app_data: Vec<u8>,
    /// Set once a fatal alert was sent or received, or close_notify exchanged.
    pub closed: bool,
    /// The negotiated key exchange, which decides how a ClientKeyExchange reads (RSA until a
    /// suite says otherwise).
    pub key_exchange: KeyExchange,
    /// TLS 1.3: the peer's Finished checked out; a compatibility change_cipher_spec after it is
    /// no longer dropped (RFC 8446 section 5).
    pub peer_finished: bool,
    /// Which message the events emitted now are about (see [`MessageRef`]).
    phase: Phase,
    sent: usize,
    received: usize,
}

/// Whether this side is preparing its next message or processing one it received.
#[derive(Clone, Copy)]
enum Phase {
    Preparing,
    Processing(usize),
}

impl CommonState {
    pub fn new(actor: Actor, rng: Box<dyn RandomSource>) -> Self {
        CommonState {
            actor,
            rng,
            deframer: Deframer::default(),
            handshake_buf: Vec::new(),
            read: None,
            write: None,
            transcript: Transcript::default(),
            events: VecDeque::new(),
            out: Vec::new(),
            app_data: Vec::new(),
            closed: false,
            key_exchange: KeyExchange::Rsa,
            peer_finished: false,
            phase: Phase::Preparing,
            sent: 0,
            received: 0,
        }
    }

    // ---- the sans-IO surface ----

    pub fn push_received(&mut self, bytes: &[u8]) {
        self.deframer.push(bytes);
    }

    pub fn take_output(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.out)
    }

    pub fn poll_event(&mut self) -> Option<ConnectionEvent> {
        self.events.pop_front()
    }

    pub fn take_app_data(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.app_data)
    }

    // ---- events ----

    pub fn emit(&mut self, kind: EventKind) {
        let about = match self.phase {
            Phase::Preparing => MessageRef::Sent(self.sent),
            Phase::Processing(n) => MessageRef::Received(n),
        };
        self.events.push_back(ConnectionEvent { about, kind });
    }

    /// From here on, events belong to the next message this side sends, not to the message
    /// it is processing (for example the premaster belongs to ClientKeyExchange, not to the
    /// ServerHelloDone that triggered it).
    pub fn prepare(&mut self) {
        self.phase = Phase::Preparing;
    }

    pub fn compute(&mut self, c: Computation) {
        self.emit(EventKind::Computation(c));
    }

    /// Records that this side holds `value` before the run begins (its key, its trust anchors).
    pub fn hold(&mut self, name: ValueName, value: &[u8]) {
        self.events.push_back(ConnectionEvent {
            about: MessageRef::Held,
            kind: EventKind::Learned(Known {
                name,
                value: value.into(),
            }),
        });
    }

    /// Records that this side now holds `value` (for the who-knows-what view).
    pub fn learn(&mut self, name: ValueName, value: &[u8]) {
        self.emit(EventKind::Learned(Known {
            name,
            value: value.into(),
        }));
    }

    // ---- alerts, cipher state, application data ----

    /// Sends an alert; a fatal one closes the connection. Errors sending it are ignored: the
    /// connection is over either way.
    pub fn send_alert(&mut self, level: AlertLevel, description: AlertDescription, reason: &str) {
        // The alert, with its reason, is a step of its own.
        self.prepare();
        let alert = Alert { level, description };
        let bytes = alert.encode();
        let fields = Alert::decode(&bytes).map(|(_, f)| f).unwrap_or_default();
        self.emit(EventKind::AlertSent(AlertInfo::new(
            level,
            description,
            reason,
        )));
        let _ = self.send(ContentType::Alert, "Alert", bytes, fields);
        if level == AlertLevel::Fatal || description == AlertDescription::CloseNotify {
            self.closed = true;
        }
    }

    pub fn fail(&mut self, e: &TlsError) {
        if !self.closed {
            self.send_alert(AlertLevel::Fatal, e.alert, &e.reason);
        }
    }

    pub fn set_write(&mut self, p: RecordProtector) {
        let suite = p.params().suite.name();
        self.write = Some(p);
        self.compute(Computation::CipherStateChanged {
            direction: "write".into(),
            cipher_suite: suite,
        });
    }

    pub fn set_read(&mut self, p: RecordProtector) {
        let suite = p.params().suite.name();
        self.read = Some(p);
        self.compute(Computation::CipherStateChanged {
            direction: "read".into(),
            cipher_suite: suite,
        });
    }

    /// Delivers received application data to the application.
    pub fn deliver(&mut self, data: Vec<u8>) {
        self.emit(EventKind::ApplicationData {
            text: String::from_utf8_lossy(&data).into_owned(),
            data: data.clone().into(),
        });
        self.app_data.extend_from_slice(&data);
    }
}
