//! The record layer's framing (RFC 5246 section 6.2).
//!
//! ```text
//! struct {
//!     ContentType type;
//!     ProtocolVersion version;
//!     uint16 length;
//!     opaque fragment[TLSPlaintext.length];
//! } TLSPlaintext;
//! ```

use crate::codec::{DecodeResult, Reader, Writer};
use crate::error::TlsError;
use crate::msgs::enums::{AlertDescription, AlertLevel, ContentType};
use crate::timeline::Field;

/// The largest plaintext fragment, 2^14 bytes (section 6.2.1).
pub const MAX_PLAINTEXT: usize = 1 << 14;
/// The largest protected fragment, 2^14 + 2048 bytes (section 6.2.3).
pub const MAX_CIPHERTEXT: usize = MAX_PLAINTEXT + 2048;
pub const HEADER_LEN: usize = 5;

/// One record as it crosses the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub content_type: ContentType,
    pub version: [u8; 2],
    pub fragment: Vec<u8>,
}

impl Record {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u8(self.content_type.to_wire());
        w.bytes(&self.version);
        w.opaque(2, &self.fragment);
        w.buf
    }

    /// The field tree of an encoded record's header, with `fragment` as the last field; its
    /// children are the fields of whatever the fragment holds, shifted to record offsets.
    pub fn fields(encoded: &[u8], fragment_name: &str, fragment_children: Vec<Field>) -> Field {
        let mut r = Reader::new(encoded);
        // The header is written by `encode` or checked by the deframer, so it always decodes;
        // a short buffer just yields fewer fields.
        let _ = r.group("record", |r| -> DecodeResult<()> {
            let t = ContentType::from_wire(r.u8("type")?);
            r.describe_last(t.name());
            let v = r.u16("version")?.to_be_bytes();
            r.describe_last(format!("{}.{}", v[0], v[1]));
            r.u16("length")?;
            r.rest(fragment_name)?;
            Ok(())
        });
        let mut root = r.into_fields().pop().unwrap_or(Field {
            name: "record".into(),
            start: 0,
            len: encoded.len(),
            value: None,
            children: Vec::new(),
        });
        if let Some(fragment) = root.children.last_mut() {
            for mut child in fragment_children {
                child.shift(HEADER_LEN);
                fragment.children.push(child);
            }
        }
        root
    }
}

/// Cuts a byte stream into records, whatever the reads look like: a record split across reads
/// waits for its rest, several records in one read come out one by one.
#[derive(Default)]
pub struct Deframer {
    buf: Vec<u8>,
}

impl Deframer {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete record and its encoded bytes, `None` until one has fully arrived.
    /// A header that can never start a valid record is an error at once, so a peer cannot make
    /// us buffer more than one maximal record.
    pub fn next_record(&mut self) -> Result<Option<(Record, Vec<u8>)>, TlsError> {
        if self.buf.len() < HEADER_LEN {
            return Ok(None);
        }
        let content_type = ContentType::from_wire(self.buf[0]);
        if let ContentType::Unknown(t) = content_type {
            return Err(TlsError::new(
                AlertDescription::UnexpectedMessage,
                format!("record of unknown content type {t}"),
            ));
        }
        let version = [self.buf[1], self.buf[2]];
        if version[0] != 3 {
            return Err(TlsError::new(
                AlertDescription::ProtocolVersion,
                format!("record version {}.{} is not TLS", version[0], version[1]),
            ));
        }
        let len = usize::from(u16::from_be_bytes([self.buf[3], self.buf[4]]));
        if len > MAX_CIPHERTEXT {
            return Err(TlsError::new(
                AlertDescription::RecordOverflow,
                format!("record of {len} bytes exceeds 2^14 + 2048"),
            ));
        }
        if self.buf.len() < HEADER_LEN + len {
            return Ok(None);
        }
        let encoded: Vec<u8> = self.buf.drain(..HEADER_LEN + len).collect();
        let fragment = encoded[HEADER_LEN..].to_vec();
        Ok(Some((
            Record {
                content_type,
                version,
                fragment,
            },
            encoded,
        )))
    }

    /// Bytes received that do not yet form a record.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }
}

/// An alert message (section 7.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Alert {
    pub level: AlertLevel,
    pub description: AlertDescription,
}

impl Alert {
    pub fn encode(&self) -> Vec<u8> {
        vec![self.level.to_wire(), self.description.to_wire()]
    }

    pub fn decode(bytes: &[u8]) -> DecodeResult<(Self, Vec<Field>)> {
        let mut r = Reader::new(bytes);
        let level = AlertLevel::from_wire(r.u8("level")?);
        r.describe_last(level.name());
        let description = AlertDescription::from_wire(r.u8("description")?);
        r.describe_last(description.name());
        r.expect_end("alert")?;
        Ok((Alert { level, description }, r.into_fields()))
    }
}

/// The ChangeCipherSpec message (section 7.1): one byte, 1.
pub const CHANGE_CIPHER_SPEC: [u8; 1] = [1];

pub fn decode_change_cipher_spec(bytes: &[u8]) -> DecodeResult<Vec<Field>> {
    let mut r = Reader::new(bytes);
    r.u8("type")?;
    r.describe_last("change_cipher_spec(1)");
    r.expect_end("ChangeCipherSpec")?;
    if bytes != CHANGE_CIPHER_SPEC {
        return Err(crate::codec::DecodeError {
            field: "ChangeCipherSpec".into(),
            offset: 0,
            problem: "ChangeCipherSpec must be the single byte 1",
        });
    }
    Ok(r.into_fields())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(len: usize) -> Vec<u8> {
        Record {
            content_type: ContentType::Handshake,
            version: [3, 3],
            fragment: vec![0xaa; len],
        }
        .encode()
    }

    #[test]
    fn records_split_across_reads_and_joined_in_one_read() {
        let mut stream = record(10);
        stream.extend(record(3));
        let mut d = Deframer::default();
        for b in &stream[..14] {
            d.push(&[*b]);
            assert!(d.next_record().unwrap().is_none());
        }
        d.push(&stream[14..17]);
        assert_eq!(d.next_record().unwrap().unwrap().0.fragment.len(), 10);
        assert!(d.next_record().unwrap().is_none());
        d.push(&stream[17..]);
        assert_eq!(d.next_record().unwrap().unwrap().1, record(3));
        assert!(d.next_record().unwrap().is_none());
        assert_eq!(d.pending(), 0);
    }

    #[test]
    fn oversized_unknown_and_non_tls_records_are_refused_from_the_header() {
        let mut d = Deframer::default();
        d.push(&[22, 3, 3, 0x48, 0x01]);
        assert_eq!(
            d.next_record().unwrap_err().alert,
            AlertDescription::RecordOverflow
        );
        let mut d = Deframer::default();
        d.push(&[99, 3, 3, 0, 1]);
        assert_eq!(
            d.next_record().unwrap_err().alert,
            AlertDescription::UnexpectedMessage
        );
        let mut d = Deframer::default();
        d.push(&[22, 2, 0, 0, 1]);
        assert_eq!(
            d.next_record().unwrap_err().alert,
            AlertDescription::ProtocolVersion
        );
        let mut d = Deframer::default();
        d.push(&record(MAX_CIPHERTEXT));
        assert!(d.next_record().unwrap().is_some());
    }

    #[test]
    fn alerts_and_change_cipher_spec_decode_strictly() {
        let a = Alert {
            level: AlertLevel::Fatal,
            description: AlertDescription::UnknownCa,
        };
        assert_eq!(Alert::decode(&a.encode()).unwrap().0, a);
        assert!(Alert::decode(&[2]).is_err());
        assert!(Alert::decode(&[2, 48, 0]).is_err());
        assert!(decode_change_cipher_spec(&CHANGE_CIPHER_SPEC).is_ok());
        assert!(decode_change_cipher_spec(&[2]).is_err());
        assert!(decode_change_cipher_spec(&[]).is_err());
    }

    #[test]
    fn record_fields_nest_the_fragment() {
        let bytes = record(4);
        let f = Record::fields(&bytes, "fragment", vec![]);
        assert_eq!(f.children.len(), 4);
        assert_eq!((f.children[3].start, f.children[3].len), (5, 4));
    }
}
