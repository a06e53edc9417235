//! What the client and the server share: record I/O, handshake reassembly, the transcript, the
//! key schedule and the event queue. Each side's state machine drives one of these.

use crate::bytes::Bytes;
use crate::codec::Field;
use crate::crypto::prf;
use crate::crypto::record_cipher::{Protection, RecordProtector};
use crate::crypto::suite::{KeyBlock, SuiteParams};
use crate::error::TlsError;
use crate::msgs::enums::{AlertDescription, AlertLevel, ContentType, HandshakeType};
use crate::msgs::handshake::{HandshakePayload, TLS12};
use crate::record::{self, Alert, Deframer, MAX_PLAINTEXT, Record};
use crate::rng::RandomSource;
use crate::timeline::Actor;
use crate::timeline::{
    About, AlertInfo, Computation, Event, EventKind, Known, Message, WireRecord,
};
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use subtle::ConstantTimeEq;

/// The largest handshake message accepted: certificate chains are the big ones, and real
/// ones stay well below this. Bounds what a peer can make us buffer.
pub const MAX_HANDSHAKE_MESSAGE: usize = 1 << 17;

/// A message that arrived, decoded.
pub(crate) enum Incoming {
    Handshake(HandshakePayload),
    ChangeCipherSpec,
    Alert(Alert),
    ApplicationData(Vec<u8>),
}

/// The handshake messages so far, for Finished and the extended master secret.
#[derive(Default)]
pub(crate) struct Transcript {
    bytes: Vec<u8>,
    titles: Vec<String>,
}

pub(crate) struct Conn {
    pub actor: Actor,
    pub rng: Box<dyn RandomSource>,
    deframer: Deframer,
    handshake_buf: Vec<u8>,
    read: Option<RecordProtector>,
    write: Option<RecordProtector>,
    transcript: Transcript,
    events: VecDeque<Event>,
    out: Vec<u8>,
    app_data: Vec<u8>,
    /// Set once a fatal alert was sent or received, or close_notify exchanged.
    pub closed: bool,
    /// Which message the events emitted now are about (see [`About`]).
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

impl Conn {
    pub fn new(actor: Actor, rng: Box<dyn RandomSource>) -> Self {
        Conn {
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

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    pub fn take_app_data(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.app_data)
    }

    pub fn emit(&mut self, kind: EventKind) {
        let about = match self.phase {
            Phase::Preparing => About::Sent(self.sent),
            Phase::Processing(n) => About::Received(n),
        };
        self.events.push_back(Event {
            actor: self.actor,
            step: 0,
            about: Some(about),
            kind,
        });
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

    /// Records that this side now holds `value` under `name` (for the who-knows-what view).
    pub fn learn(&mut self, name: &str, value: &[u8]) {
        self.emit(EventKind::Learned(Known {
            name: name.into(),
            value: value.into(),
        }));
    }

    // ---- sending ----

    /// Sends one handshake message and adds it to the transcript.
    pub fn send_handshake(&mut self, payload: &HandshakePayload) -> Result<(), TlsError> {
        let bytes = payload.encode();
        // We decode what we encoded, so the annotation comes from the decoder.
        let fields = HandshakePayload::decode(&bytes)
            .map(|(_, f)| vec![f])
            .unwrap_or_default();
        self.transcript.bytes.extend_from_slice(&bytes);
        self.transcript.titles.push(payload.title());
        self.send(ContentType::Handshake, &payload.title(), bytes, fields)
    }

    pub fn send_change_cipher_spec(&mut self) -> Result<(), TlsError> {
        let bytes = record::CHANGE_CIPHER_SPEC.to_vec();
        let fields = record::decode_change_cipher_spec(&bytes).unwrap_or_default();
        self.send(
            ContentType::ChangeCipherSpec,
            "ChangeCipherSpec",
            bytes,
            fields,
        )
    }

    pub fn send_application_data(&mut self, data: &[u8]) -> Result<(), TlsError> {
        let fields = vec![Field {
            name: "application_data".into(),
            start: 0,
            len: data.len(),
            value: Some(String::from_utf8_lossy(data).into_owned()),
            children: Vec::new(),
        }];
        self.send(
            ContentType::ApplicationData,
            "ApplicationData",
            data.to_vec(),
            fields,
        )
    }

    /// Sends an alert; a fatal one closes the connection. Errors sending it are ignored: the
    /// connection is over either way.
    pub fn send_alert(&mut self, level: AlertLevel, description: AlertDescription, reason: &str) {
        // The alert, with its reason, is a step of its own.
        self.prepare();
        let alert = Alert { level, description };
        let bytes = alert.encode();
        let fields = Alert::decode(&bytes).map(|(_, f)| f).unwrap_or_default();
        self.emit(EventKind::AlertSent(AlertInfo {
            level: level.name(),
            description: description.name(),
            reason: reason.into(),
        }));
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

    /// Frames `plaintext` into records of at most 2^14 bytes, protected once a
    /// ChangeCipherSpec has been sent.
    fn send(
        &mut self,
        content_type: ContentType,
        title: &str,
        plaintext: Vec<u8>,
        fields: Vec<Field>,
    ) -> Result<(), TlsError> {
        let chunks: Vec<Vec<u8>> = plaintext
            .chunks(MAX_PLAINTEXT)
            .map(<[u8]>::to_vec)
            .collect();
        let single = chunks.len() == 1;
        self.phase = Phase::Preparing;
        self.emit(EventKind::MessageSent(Message {
            title: title.into(),
            content_type: content_type.name(),
            bytes: plaintext.into(),
            fields: fields.clone(),
        }));
        for chunk in chunks {
            let (fragment, protection) = match self.write.as_mut() {
                Some(w) => {
                    let sealed = w
                        .seal(content_type, TLS12, &chunk, self.rng.as_mut())
                        .map_err(|e| TlsError::new(e.alert(), e.to_string()))?;
                    (sealed.fragment, Some(sealed.detail))
                }
                None => (chunk, None),
            };
            let record = Record {
                content_type,
                version: TLS12,
                fragment,
            };
            let bytes = record.encode();
            let children = match &protection {
                Some(p) => protected_fields(p),
                None if single => fields.clone(),
                None => Vec::new(),
            };
            let tree = Record::fields(&bytes, "fragment", children);
            self.out.extend_from_slice(&bytes);
            self.emit(EventKind::RecordSent(WireRecord {
                content_type: content_type.name(),
                bytes: bytes.into(),
                fields: tree,
                protection,
            }));
        }
        self.sent += 1;
        Ok(())
    }

    // ---- receiving ----

    /// The next complete message from what has arrived, `None` if more bytes are needed.
    pub fn next_incoming(&mut self) -> Result<Option<Incoming>, TlsError> {
        loop {
            if let Some(msg) = self.next_handshake_message()? {
                // RFC 5246 section 7.4.1.1: a client ignores HelloRequest while negotiating,
                // and this one never renegotiates.
                if self.actor == Actor::Client && msg.typ() == HandshakeType::HelloRequest {
                    continue;
                }
                return Ok(Some(Incoming::Handshake(msg)));
            }
            let Some((rec, encoded)) = self.deframer.next_record()? else {
                return Ok(None);
            };
            let (plaintext, protection) = match self
                .read
                .as_mut()
                .map(|r| r.open(rec.content_type, rec.version, &rec.fragment))
            {
                Some(Ok(opened)) => (opened.plaintext, Some(opened.detail)),
                Some(Err(e)) => {
                    // The record arrived; that it failed is the point of the story.
                    self.phase = Phase::Processing(self.received);
                    self.emit(EventKind::RecordReceived(WireRecord {
                        content_type: rec.content_type.name(),
                        fields: Record::fields(&encoded, "fragment", Vec::new()),
                        bytes: encoded.into(),
                        protection: None,
                    }));
                    return Err(TlsError::new(
                        e.alert(),
                        "The record does not authenticate: it was encrypted with other keys, or changed in transit",
                    ));
                }
                None => (rec.fragment.clone(), None),
            };
            if plaintext.len() > MAX_PLAINTEXT {
                return Err(TlsError::new(
                    AlertDescription::RecordOverflow,
                    "record plaintext longer than 2^14 bytes",
                ));
            }
            let children = match &protection {
                Some(p) => protected_fields(p),
                None => Vec::new(),
            };
            self.phase = Phase::Processing(self.received);
            self.emit(EventKind::RecordReceived(WireRecord {
                content_type: rec.content_type.name(),
                fields: Record::fields(&encoded, "fragment", children),
                bytes: encoded.into(),
                protection,
            }));
            if rec.content_type != ContentType::Handshake && !self.handshake_buf.is_empty() {
                return Err(TlsError::new(
                    AlertDescription::UnexpectedMessage,
                    "a record of another type arrived in the middle of a handshake message",
                ));
            }
            match rec.content_type {
                ContentType::Handshake => {
                    if plaintext.is_empty() {
                        return Err(TlsError::new(
                            AlertDescription::UnexpectedMessage,
                            "empty handshake record (RFC 5246 section 6.2.1)",
                        ));
                    }
                    self.handshake_buf.extend_from_slice(&plaintext);
                }
                ContentType::ChangeCipherSpec => {
                    let fields = record::decode_change_cipher_spec(&plaintext)?;
                    self.received(
                        "ChangeCipherSpec",
                        ContentType::ChangeCipherSpec,
                        &plaintext,
                        fields,
                    );
                    return Ok(Some(Incoming::ChangeCipherSpec));
                }
                ContentType::Alert => {
                    let (alert, fields) = Alert::decode(&plaintext)?;
                    self.received("Alert", ContentType::Alert, &plaintext, fields);
                    self.emit(EventKind::AlertReceived(AlertInfo {
                        level: alert.level.name(),
                        description: alert.description.name(),
                        reason: String::new(),
                    }));
                    return Ok(Some(Incoming::Alert(alert)));
                }
                ContentType::ApplicationData => {
                    let field = Field {
                        name: "application_data".into(),
                        start: 0,
                        len: plaintext.len(),
                        value: Some(String::from_utf8_lossy(&plaintext).into_owned()),
                        children: Vec::new(),
                    };
                    self.received(
                        "ApplicationData",
                        ContentType::ApplicationData,
                        &plaintext,
                        vec![field],
                    );
                    return Ok(Some(Incoming::ApplicationData(plaintext)));
                }
                // The deframer refuses unknown content types.
                ContentType::Unknown(t) => {
                    return Err(TlsError::new(
                        AlertDescription::UnexpectedMessage,
                        format!("record of unknown content type {t}"),
                    ));
                }
            }
        }
    }

    fn received(&mut self, title: &str, ct: ContentType, bytes: &[u8], fields: Vec<Field>) {
        self.phase = Phase::Processing(self.received);
        self.emit(EventKind::MessageReceived(Message {
            title: title.into(),
            content_type: ct.name(),
            bytes: bytes.into(),
            fields,
        }));
        self.received += 1;
    }

    /// Cuts one complete handshake message off the reassembly buffer, if there is one.
    fn next_handshake_message(&mut self) -> Result<Option<HandshakePayload>, TlsError> {
        let Some(header) = self.handshake_buf.get(..4) else {
            return Ok(None);
        };
        let len =
            usize::from(header[1]) << 16 | usize::from(header[2]) << 8 | usize::from(header[3]);
        if len > MAX_HANDSHAKE_MESSAGE {
            return Err(TlsError::new(
                AlertDescription::DecodeError,
                format!(
                    "handshake message of {len} bytes is larger than this implementation accepts"
                ),
            ));
        }
        if self.handshake_buf.len() < 4 + len {
            return Ok(None);
        }
        let bytes: Vec<u8> = self.handshake_buf.drain(..4 + len).collect();
        let (payload, field) = HandshakePayload::decode(&bytes)?;
        self.received(
            &payload.title(),
            ContentType::Handshake,
            &bytes,
            vec![field],
        );
        // HelloRequest is not part of the transcript (RFC 5246 section 7.4.1.1); every other
        // message is, and Finished is added by the caller after it has been checked.
        if !matches!(
            payload.typ(),
            HandshakeType::Finished | HandshakeType::HelloRequest
        ) {
            self.add_to_transcript(&payload.title(), &bytes);
        }
        Ok(Some(payload))
    }

    pub fn add_to_transcript(&mut self, title: &str, bytes: &[u8]) {
        self.transcript.bytes.extend_from_slice(bytes);
        self.transcript.titles.push(title.into());
    }

    // ---- the key schedule (RFC 5246 sections 6.3, 7.4.9, 8.1; RFC 7627) ----

    /// Hash(handshake_messages so far), recorded with which messages went in.
    pub fn transcript_hash(&mut self, purpose: &str) -> [u8; 32] {
        let hash: [u8; 32] = Sha256::digest(&self.transcript.bytes).into();
        self.compute(Computation::TranscriptHash {
            purpose: purpose.into(),
            messages: self.transcript.titles.clone(),
            input: self.transcript.bytes.clone().into(),
            hash: hash.to_vec().into(),
        });
        hash
    }

    /// The master secret, classic or extended (RFC 7627 section 4: the seed is the session
    /// hash, the transcript through ClientKeyExchange).
    fn master_secret(
        &mut self,
        premaster: &[u8],
        client_random: &[u8],
        server_random: &[u8],
        extended: bool,
    ) -> [u8; 48] {
        let (label, seed, master) = if extended {
            let session_hash = self.transcript_hash("session_hash");
            let master = prf::extended_master_secret(premaster, &session_hash);
            (
                prf::LABEL_EXTENDED_MASTER_SECRET,
                session_hash.to_vec(),
                master,
            )
        } else {
            let seed = [client_random, server_random].concat();
            let master = prf::master_secret(premaster, client_random, server_random);
            (prf::LABEL_MASTER_SECRET, seed, master)
        };
        self.compute(Computation::MasterSecret {
            extended,
            premaster: premaster.into(),
            label: String::from_utf8_lossy(label).into_owned(),
            seed: seed.into(),
            master_secret: master.to_vec().into(),
        });
        self.learn("master_secret", &master);
        master
    }

    /// The master secret and the key block from the premaster: the schedule both sides run.
    pub fn derive_keys(
        &mut self,
        premaster: &[u8],
        client_random: &[u8],
        server_random: &[u8],
        extended: bool,
        params: &'static SuiteParams,
    ) -> Result<([u8; 48], KeyBlock), TlsError> {
        let master = self.master_secret(premaster, client_random, server_random, extended);
        let keys = self.key_block(&master, client_random, server_random, params)?;
        Ok((master, keys))
    }

    fn key_block(
        &mut self,
        master: &[u8],
        client_random: &[u8],
        server_random: &[u8],
        params: &'static SuiteParams,
    ) -> Result<KeyBlock, TlsError> {
        let block = prf::key_block(master, server_random, client_random, KeyBlock::len(params));
        let keys = KeyBlock::split(&block, params).ok_or_else(|| {
            TlsError::new(
                AlertDescription::InternalError,
                "key block of the wrong length",
            )
        })?;
        self.compute(Computation::KeyBlock {
            label: String::from_utf8_lossy(prf::LABEL_KEY_EXPANSION).into_owned(),
            seed: [server_random, client_random].concat().into(),
            key_block: block.into(),
            keys: keys.clone(),
        });
        self.learn("key_block", &keys_bytes(&keys));
        Ok(keys)
    }

    /// Computes our verify_data for `label` ("client finished" or "server finished") and sends
    /// it in a Finished message (RFC 5246 section 7.4.9).
    pub fn send_finished(&mut self, master: &[u8], label: &[u8]) -> Result<(), TlsError> {
        let (hash, verify_data) = self.verify_data(master, label);
        self.compute(Computation::VerifyData {
            label: String::from_utf8_lossy(label).into_owned(),
            handshake_hash: hash.to_vec().into(),
            verify_data: verify_data.to_vec().into(),
            received: None,
            matches: None,
        });
        self.send_handshake(&HandshakePayload::Finished(verify_data.to_vec()))
    }

    /// Checks the peer's Finished against the verify_data we compute for `label`, then adds it
    /// to the transcript.
    pub fn check_finished(
        &mut self,
        master: &[u8],
        label: &[u8],
        received: Vec<u8>,
    ) -> Result<(), TlsError> {
        if received.len() != prf::VERIFY_DATA_LEN {
            return Err(TlsError::new(
                AlertDescription::DecodeError,
                format!(
                    "Finished carries {} bytes of verify_data, not 12",
                    received.len()
                ),
            ));
        }
        let (hash, expected) = self.verify_data(master, label);
        let matches = bool::from(expected.ct_eq(received.as_slice()));
        self.compute(Computation::VerifyData {
            label: String::from_utf8_lossy(label).into_owned(),
            handshake_hash: hash.to_vec().into(),
            verify_data: expected.to_vec().into(),
            received: Some(received.clone().into()),
            matches: Some(matches),
        });
        if !matches {
            return Err(TlsError::new(
                AlertDescription::DecryptError,
                format!(
                    "the peer's Finished does not match our transcript ({})",
                    String::from_utf8_lossy(label)
                ),
            ));
        }
        self.add_to_transcript("Finished", &HandshakePayload::Finished(received).encode());
        Ok(())
    }

    /// verify_data for `label` over the transcript so far.
    fn verify_data(&mut self, master: &[u8], label: &[u8]) -> ([u8; 32], [u8; 12]) {
        let purpose = String::from_utf8_lossy(label).replace(' ', "_");
        let hash = self.transcript_hash(&purpose);
        (hash, prf::verify_data(master, label, &hash))
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

fn keys_bytes(k: &KeyBlock) -> Vec<u8> {
    [
        &k.client_write_mac_key,
        &k.server_write_mac_key,
        &k.client_write_key,
        &k.server_write_key,
        &k.client_write_iv,
        &k.server_write_iv,
    ]
    .iter()
    .flat_map(|b| b.0.iter().copied())
    .collect()
}

/// Field tree of a protected fragment: the parts that travel in the clear around the ciphertext.
fn protected_fields(p: &Protection) -> Vec<Field> {
    let leaf = |name: &str, start: usize, b: &Bytes| Field {
        name: name.into(),
        start,
        len: b.len(),
        value: Some(b.hex()),
        children: Vec::new(),
    };
    match p {
        Protection::Gcm {
            nonce_explicit,
            ciphertext,
            tag,
            ..
        } => vec![
            leaf("nonce_explicit", 0, nonce_explicit),
            leaf("encrypted content", nonce_explicit.len(), ciphertext),
            leaf("tag", nonce_explicit.len() + ciphertext.len(), tag),
        ],
        Protection::Cbc { iv, ciphertext, .. } => vec![
            leaf("IV", 0, iv),
            leaf("encrypted content + MAC + padding", iv.len(), ciphertext),
        ],
    }
}
