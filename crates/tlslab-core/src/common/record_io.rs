//! The record layer of one side: framing and protecting what it sends, deframing, opening and
//! reassembling what arrives (RFC 5246 sections 6.2 and 7.4), each step an event. Under TLS 1.3
//! keys (RFC 8446 section 5.2) a protected record is application_data on the wire with its
//! real type inside, and an unprotected change_cipher_spec of one byte 0x01 is dropped
//! (section 5, middlebox compatibility).

use super::{CommonState, Incoming, Phase};
use crate::bytes::Bytes;
use crate::error::TlsError;
use crate::msgs::enums::{AlertDescription, ContentType, HandshakeType};
use crate::msgs::handshake::{HandshakePayload, KeyExchange, TLS12};
use crate::record::{self, Alert, MAX_PLAINTEXT, Record};
use crate::timeline::{Actor, AlertInfo, EventKind, Field, Message, WireRecord};
use crate::timeline::{CbcRecord, GcmRecord, Protection};
use crate::tls13;

/// The largest handshake message accepted, which bounds what a peer can make us buffer. It is
/// above the largest ClientHello RFC 5246 section 7.4.1.2 allows (131,396 bytes, every vector
/// at its bound), and real certificate chains, the other big messages, stay well below it.
pub const MAX_HANDSHAKE_MESSAGE: usize = 1 << 18;

impl CommonState {
    // ---- sending ----

    /// Sends one handshake message and adds it to the transcript.
    pub fn send_handshake(&mut self, payload: &HandshakePayload) -> Result<(), TlsError> {
        let bytes = payload.encode();
        // We decode what we encoded, so the annotation comes from the decoder.
        let fields = HandshakePayload::decode_in(&bytes, self.key_exchange)
            .map(|(_, f)| vec![f])
            .unwrap_or_default();
        self.transcript.add(&payload.title(), &bytes);
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
        let fields = vec![application_data_field(data)];
        self.send(
            ContentType::ApplicationData,
            "ApplicationData",
            data.to_vec(),
            fields,
        )
    }

    /// Frames `plaintext` into records of at most 2^14 bytes, protected once a
    /// ChangeCipherSpec has been sent.
    pub(super) fn send(
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
        // TLS 1.3's change_cipher_spec is never protected (RFC 8446 section 5).
        let tls13 = self
            .write
            .as_ref()
            .is_some_and(|w| w.params().kx == KeyExchange::KeyShare);
        let protect = !(tls13 && content_type == ContentType::ChangeCipherSpec);
        let outer = if tls13 && protect {
            ContentType::ApplicationData
        } else {
            content_type
        };
        for chunk in chunks {
            let (fragment, protection) = match self.write.as_mut().filter(|_| protect) {
                Some(w) => {
                    let inner = if tls13 {
                        tls13::record::inner_plaintext(&chunk, content_type, 0)
                    } else {
                        chunk
                    };
                    let sealed = w
                        .seal(outer, TLS12, &inner, self.rng.as_mut())
                        .map_err(|e| TlsError::new(e.alert(), e.to_string()))?;
                    (sealed.fragment, Some(sealed.detail))
                }
                None => (chunk, None),
            };
            let record = Record {
                content_type: outer,
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
            let Some((content_type, plaintext)) = self.open(&rec, encoded)? else {
                continue;
            };
            if let Some(msg) = self.incoming(content_type, plaintext)? {
                return Ok(Some(msg));
            }
        }
    }

    /// Opens a record with the read keys, once a ChangeCipherSpec (TLS 1.2) or the key
    /// schedule (TLS 1.3) has switched them on, and records it as it arrived (RFC 5246 section
    /// 6.2.3): its content type (the inner one under TLS 1.3) and plaintext, or `None` for a
    /// TLS 1.3 compatibility change_cipher_spec, dropped.
    fn open(
        &mut self,
        rec: &Record,
        encoded: Vec<u8>,
    ) -> Result<Option<(ContentType, Vec<u8>)>, TlsError> {
        let tls13 = self
            .read
            .as_ref()
            .is_some_and(|r| r.params().kx == KeyExchange::KeyShare);
        if tls13 && rec.content_type != ContentType::ApplicationData {
            self.phase = Phase::Processing(self.received);
            self.emit(EventKind::RecordReceived(WireRecord {
                content_type: rec.content_type.name(),
                fields: Record::fields(&encoded, "fragment", Vec::new()),
                bytes: encoded.into(),
                protection: None,
            }));
            // RFC 8446 section 5: a change_cipher_spec of the single byte 0x01 before the
            // peer's Finished is dropped; anything else unprotected is unexpected_message.
            if rec.content_type == ContentType::ChangeCipherSpec
                && rec.fragment == [1]
                && !self.peer_finished
            {
                // Received all the same: the peer counted it among the messages it sent.
                let fields = record::decode_change_cipher_spec(&rec.fragment)?;
                self.received("ChangeCipherSpec", rec.content_type, &rec.fragment, fields);
                return Ok(None);
            }
            return Err(TlsError::new(
                AlertDescription::UnexpectedMessage,
                format!(
                    "an unprotected {} record after the handshake keys (RFC 8446 section 5)",
                    rec.content_type.name()
                ),
            ));
        }
        // RFC 8446 section 5.2: a TLSCiphertext longer than 2^14 + 256 is record_overflow.
        if tls13 && rec.fragment.len() > MAX_PLAINTEXT + 256 {
            return Err(TlsError::new(
                AlertDescription::RecordOverflow,
                "a TLS 1.3 record longer than 2^14 + 256 bytes (RFC 8446 section 5.2)",
            ));
        }
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
        // TLS 1.3: TLSInnerPlaintext, the real type its last non-zero byte (section 5.4).
        let (content_type, plaintext) = if tls13 {
            let (content, typ) = tls13::record::split_inner(&plaintext).map_err(|_| {
                TlsError::new(
                    AlertDescription::UnexpectedMessage,
                    "a protected record with no content type, only padding (RFC 8446 section 5.4)",
                )
            })?;
            (typ, content.to_vec())
        } else {
            (rec.content_type, plaintext)
        };
        if plaintext.len() > MAX_PLAINTEXT {
            return Err(TlsError::new(
                AlertDescription::RecordOverflow,
                "record plaintext longer than 2^14 bytes",
            ));
        }
        let children = protection
            .as_ref()
            .map(protected_fields)
            .unwrap_or_default();
        self.phase = Phase::Processing(self.received);
        self.emit(EventKind::RecordReceived(WireRecord {
            content_type: rec.content_type.name(),
            fields: Record::fields(&encoded, "fragment", children),
            bytes: encoded.into(),
            protection,
        }));
        // A protected change_cipher_spec does not exist in TLS 1.3 (section 5).
        if tls13 && content_type == ContentType::ChangeCipherSpec {
            return Err(TlsError::new(
                AlertDescription::UnexpectedMessage,
                "a protected change_cipher_spec (RFC 8446 section 5)",
            ));
        }
        Ok(Some((content_type, plaintext)))
    }

    /// What a record's plaintext carries: a whole message, or (`None`) part of a handshake
    /// message, kept for reassembly (RFC 5246 section 6.2.1).
    fn incoming(
        &mut self,
        content_type: ContentType,
        plaintext: Vec<u8>,
    ) -> Result<Option<Incoming>, TlsError> {
        if content_type != ContentType::Handshake && !self.handshake_buf.is_empty() {
            return Err(TlsError::new(
                AlertDescription::UnexpectedMessage,
                "a record of another type arrived in the middle of a handshake message",
            ));
        }
        let message = match content_type {
            ContentType::Handshake => {
                if plaintext.is_empty() {
                    return Err(TlsError::new(
                        AlertDescription::UnexpectedMessage,
                        "empty handshake record (RFC 5246 section 6.2.1)",
                    ));
                }
                self.handshake_buf.extend_from_slice(&plaintext);
                return Ok(None);
            }
            ContentType::ChangeCipherSpec => {
                let fields = record::decode_change_cipher_spec(&plaintext)?;
                self.received("ChangeCipherSpec", content_type, &plaintext, fields);
                Incoming::ChangeCipherSpec
            }
            ContentType::Alert => {
                let (alert, fields) = Alert::decode(&plaintext)?;
                self.received("Alert", content_type, &plaintext, fields);
                let info = AlertInfo::new(alert.level, alert.description, "");
                self.emit(EventKind::AlertReceived(info));
                Incoming::Alert(alert)
            }
            ContentType::ApplicationData => {
                let fields = vec![application_data_field(&plaintext)];
                self.received("ApplicationData", content_type, &plaintext, fields);
                Incoming::ApplicationData(plaintext)
            }
            // The deframer refuses unknown content types.
            ContentType::Unknown(t) => {
                return Err(TlsError::new(
                    AlertDescription::UnexpectedMessage,
                    format!("record of unknown content type {t}"),
                ));
            }
        };
        Ok(Some(message))
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
        let (payload, field) = HandshakePayload::decode_in(&bytes, self.key_exchange)?;
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
            self.transcript.add(&payload.title(), &bytes);
        }
        Ok(Some(payload))
    }
}

/// The field tree of application data: one leaf, shown as text.
fn application_data_field(data: &[u8]) -> Field {
    Field {
        name: "application_data".into(),
        start: 0,
        len: data.len(),
        value: Some(String::from_utf8_lossy(data).into_owned()),
        children: Vec::new(),
    }
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
        Protection::Gcm(GcmRecord {
            nonce_explicit,
            ciphertext,
            tag,
            ..
        }) => {
            // TLS 1.3 sends no explicit nonce (RFC 8446 section 5.3); TLS 1.2's GCM does.
            let explicit =
                (!nonce_explicit.is_empty()).then(|| leaf("nonce_explicit", 0, nonce_explicit));
            explicit
                .into_iter()
                .chain([
                    leaf("encrypted content", nonce_explicit.len(), ciphertext),
                    leaf("tag", nonce_explicit.len() + ciphertext.len(), tag),
                ])
                .collect()
        }
        Protection::Cbc(CbcRecord { iv, ciphertext, .. }) => vec![
            leaf("IV", 0, iv),
            leaf("encrypted content + MAC + padding", iv.len(), ciphertext),
        ],
        // RFC 7905: no nonce travels, only the ciphertext and its tag.
        Protection::ChaCha20Poly1305(GcmRecord {
            ciphertext, tag, ..
        }) => vec![
            leaf("encrypted content", 0, ciphertext),
            leaf("tag", ciphertext.len(), tag),
        ],
    }
}
