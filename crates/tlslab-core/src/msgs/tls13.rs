//! What TLS 1.3 adds to the messages (RFC 8446 section 4): the supported_versions, key_share,
//! cookie and psk_key_exchange_modes extensions, and the EncryptedExtensions, Certificate,
//! CertificateVerify, NewSessionTicket and KeyUpdate messages. `super::handshake` holds them
//! in its `Extension` and `HandshakePayload`.

use super::enums::{NamedGroup, SignatureScheme};
use super::handshake::{Extension, ExtensionContext};
use crate::codec::{DecodeResult, Reader, Writer};

/// The legacy_version and the version TLS 1.3 is named by in supported_versions.
pub const TLS13: [u8; 2] = [3, 4];

/// RFC 8446 section 4.1.3: a HelloRetryRequest is a ServerHello whose random is
/// SHA-256("HelloRetryRequest").
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// RFC 8446 section 4.1.3: the last eight bytes of the random of a server that speaks TLS 1.3
/// but negotiates TLS 1.2 ("DOWNGRD" and 01), or TLS 1.1 and below ("DOWNGRD" and 00).
pub const DOWNGRADE_TO_TLS12: [u8; 8] = *b"DOWNGRD\x01";
pub const DOWNGRADE_TO_TLS11: [u8; 8] = *b"DOWNGRD\x00";

/// Whether a ServerHello's random ends in either downgrade sentinel.
pub fn has_downgrade_sentinel(server_random: &[u8; 32]) -> bool {
    let tail = &server_random[24..];
    tail == DOWNGRADE_TO_TLS12 || tail == DOWNGRADE_TO_TLS11
}

/// RFC 8446 section 4.2.1: `ProtocolVersion versions<2..254>` in a ClientHello,
/// `ProtocolVersion selected_version` in a ServerHello or HelloRetryRequest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SupportedVersions {
    Offered(Vec<[u8; 2]>),
    Selected([u8; 2]),
}

/// RFC 8446 section 4.2.8: `struct { NamedGroup group; opaque key_exchange<1..2^16-1>; }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyShareEntry {
    pub group: NamedGroup,
    pub key_exchange: Vec<u8>,
}

/// RFC 8446 section 4.2.8: the client's shares (`client_shares<0..2^16-1>`), the server's
/// one share, or the group a HelloRetryRequest asks for (`selected_group`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyShare {
    Offered(Vec<KeyShareEntry>),
    Chosen(KeyShareEntry),
    Retry(NamedGroup),
}

fn version_name(v: [u8; 2]) -> String {
    match v {
        [3, 3] => "TLS 1.2 (3,3)".into(),
        [3, 4] => "TLS 1.3 (3,4)".into(),
        [a, b] => format!("({a},{b})"),
    }
}

impl SupportedVersions {
    pub(super) fn encode(&self, w: &mut Writer) {
        match self {
            SupportedVersions::Offered(versions) => {
                w.vector(1, |w| versions.iter().for_each(|v| w.bytes(v)))
            }
            SupportedVersions::Selected(v) => w.bytes(v),
        }
    }

    pub(super) fn decode(r: &mut Reader, context: ExtensionContext) -> DecodeResult<Self> {
        let mut version = |r: &mut Reader| -> DecodeResult<[u8; 2]> {
            let v = r.u16("version")?.to_be_bytes();
            r.describe_last(version_name(v));
            Ok(v)
        };
        Ok(match context {
            ExtensionContext::ClientHello => {
                let versions = r.vector("versions", 1, |r| r.until_empty(&mut version))?;
                r.require(
                    !versions.is_empty(),
                    "versions",
                    "versions<2..254> is empty",
                )?;
                SupportedVersions::Offered(versions)
            }
            _ => SupportedVersions::Selected(version(r)?),
        })
    }
}

impl KeyShareEntry {
    fn encode(&self, w: &mut Writer) {
        w.u16(self.group.to_wire());
        w.opaque(2, &self.key_exchange);
    }

    fn decode(r: &mut Reader) -> DecodeResult<Self> {
        r.group("key_share_entry", |r| {
            let group = NamedGroup::from_wire(r.u16("group")?);
            r.describe_last(group.name());
            let key_exchange = r.opaque("key_exchange", 2)?.to_vec();
            r.require(
                !key_exchange.is_empty(),
                "key_exchange",
                "key_exchange<1..2^16-1> is empty",
            )?;
            Ok(KeyShareEntry {
                group,
                key_exchange,
            })
        })
    }
}

impl KeyShare {
    pub(super) fn encode(&self, w: &mut Writer) {
        match self {
            KeyShare::Offered(entries) => w.vector(2, |w| entries.iter().for_each(|e| e.encode(w))),
            KeyShare::Chosen(entry) => entry.encode(w),
            KeyShare::Retry(group) => w.u16(group.to_wire()),
        }
    }

    pub(super) fn decode(r: &mut Reader, context: ExtensionContext) -> DecodeResult<Self> {
        Ok(match context {
            ExtensionContext::ClientHello => {
                KeyShare::Offered(
                    r.vector("client_shares", 2, |r| r.until_empty(KeyShareEntry::decode))?,
                )
            }
            ExtensionContext::HelloRetryRequest => {
                let group = NamedGroup::from_wire(r.u16("selected_group")?);
                r.describe_last(group.name());
                KeyShare::Retry(group)
            }
            _ => KeyShare::Chosen(KeyShareEntry::decode(r)?),
        })
    }
}

/// RFC 8446 section 4.4.2:
///
/// ```text
/// struct {
///     opaque cert_data<1..2^24-1>;
///     Extension extensions<0..2^16-1>;
/// } CertificateEntry;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateEntry {
    pub cert_data: Vec<u8>,
    pub extensions: Vec<Extension>,
}

/// RFC 8446 section 4.4.2: `opaque certificate_request_context<0..2^8-1>;
/// CertificateEntry certificate_list<0..2^24-1>;`, the sender's own certificate first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    pub context: Vec<u8>,
    pub entries: Vec<CertificateEntry>,
}

impl Certificate {
    /// The DER certificates, in order.
    pub fn chain(&self) -> Vec<Vec<u8>> {
        self.entries.iter().map(|e| e.cert_data.clone()).collect()
    }

    pub(super) fn encode(&self, w: &mut Writer) {
        w.opaque(1, &self.context);
        w.vector(3, |w| {
            for e in &self.entries {
                w.opaque(3, &e.cert_data);
                w.vector(2, |w| e.extensions.iter().for_each(|x| x.encode(w)));
            }
        });
    }

    pub(super) fn decode(r: &mut Reader) -> DecodeResult<Self> {
        let context = r.opaque("certificate_request_context", 1)?.to_vec();
        let entries = r.vector("certificate_list", 3, |r| {
            r.until_empty(|r| {
                r.group("certificate_entry", |r| {
                    let cert_data = r.opaque("cert_data", 3)?.to_vec();
                    r.require(
                        !cert_data.is_empty(),
                        "cert_data",
                        "cert_data<1..2^24-1> is empty",
                    )?;
                    // Always present, possibly empty (unlike a hello's extensions block).
                    let extensions = r.vector("extensions", 2, |r| {
                        r.until_empty(|r| Extension::decode(r, ExtensionContext::Other))
                    })?;
                    Ok(CertificateEntry {
                        cert_data,
                        extensions,
                    })
                })
            })
        })?;
        Ok(Certificate { context, entries })
    }
}

/// RFC 8446 section 4.3.2: `opaque certificate_request_context<0..2^8-1>; Extension
/// extensions<2..2^16-1>;` (signature_algorithms among them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRequest {
    pub context: Vec<u8>,
    pub extensions: Vec<Extension>,
}

impl CertificateRequest {
    pub(super) fn encode(&self, w: &mut Writer) {
        w.opaque(1, &self.context);
        w.vector(2, |w| self.extensions.iter().for_each(|x| x.encode(w)));
    }

    pub(super) fn decode(r: &mut Reader) -> DecodeResult<Self> {
        let context = r.opaque("certificate_request_context", 1)?.to_vec();
        let extensions = r.vector("extensions", 2, |r| {
            r.until_empty(|r| Extension::decode(r, ExtensionContext::Other))
        })?;
        Ok(CertificateRequest {
            context,
            extensions,
        })
    }
}

/// RFC 8446 section 4.4.3: `SignatureScheme algorithm; opaque signature<0..2^16-1>;`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateVerify {
    pub scheme: SignatureScheme,
    pub signature: Vec<u8>,
}

impl CertificateVerify {
    pub(super) fn encode(&self, w: &mut Writer) {
        w.u16(self.scheme.to_wire());
        w.opaque(2, &self.signature);
    }

    pub(super) fn decode(r: &mut Reader) -> DecodeResult<Self> {
        let scheme = SignatureScheme::from_wire(r.u16("algorithm")?);
        r.describe_last(scheme.name());
        let signature = r.opaque("signature", 2)?.to_vec();
        Ok(CertificateVerify { scheme, signature })
    }
}

/// RFC 8446 section 4.6.1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSessionTicket {
    pub lifetime: u32,
    pub age_add: u32,
    /// `ticket_nonce<0..255>`.
    pub nonce: Vec<u8>,
    /// `ticket<1..2^16-1>`.
    pub ticket: Vec<u8>,
    pub extensions: Vec<Extension>,
}

impl NewSessionTicket {
    pub(super) fn encode(&self, w: &mut Writer) {
        w.u32(self.lifetime);
        w.u32(self.age_add);
        w.opaque(1, &self.nonce);
        w.opaque(2, &self.ticket);
        w.vector(2, |w| self.extensions.iter().for_each(|x| x.encode(w)));
    }

    pub(super) fn decode(r: &mut Reader) -> DecodeResult<Self> {
        let lifetime = r.u32("ticket_lifetime")?;
        let age_add = r.u32("ticket_age_add")?;
        let nonce = r.opaque("ticket_nonce", 1)?.to_vec();
        let ticket = r.opaque("ticket", 2)?.to_vec();
        r.require(!ticket.is_empty(), "ticket", "ticket<1..2^16-1> is empty")?;
        let extensions = r.vector("extensions", 2, |r| {
            r.until_empty(|r| Extension::decode(r, ExtensionContext::Other))
        })?;
        Ok(NewSessionTicket {
            lifetime,
            age_add,
            nonce,
            ticket,
            extensions,
        })
    }
}

/// EncryptedExtensions (RFC 8446 section 4.3.1): `Extension extensions<0..2^16-1>`, the
/// block always present.
pub(super) fn encode_encrypted_extensions(w: &mut Writer, extensions: &[Extension]) {
    w.vector(2, |w| extensions.iter().for_each(|x| x.encode(w)));
}

pub(super) fn decode_encrypted_extensions(r: &mut Reader) -> DecodeResult<Vec<Extension>> {
    r.vector("extensions", 2, |r| {
        r.until_empty(|r| Extension::decode(r, ExtensionContext::Other))
    })
}

/// KeyUpdate (RFC 8446 section 4.6.3): `enum { update_not_requested(0), update_requested(1),
/// (255) } KeyUpdateRequest;`. Any other value is illegal_parameter, for the state machine
/// to send; the codec keeps it.
pub(super) fn decode_key_update(r: &mut Reader) -> DecodeResult<u8> {
    let request = r.u8("request_update")?;
    r.describe_last(match request {
        0 => "update_not_requested",
        1 => "update_requested",
        _ => "not a KeyUpdateRequest",
    });
    Ok(request)
}
