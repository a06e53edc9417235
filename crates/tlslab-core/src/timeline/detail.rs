//! The records inside events: annotated fields, record protection, the premaster's
//! encryption, the key block and certificate checks. The timeline owns their shape; the codec,
//! the record layer, the key exchange and the validator fill them in.

use crate::bytes::Bytes;
use serde::{Deserialize, Serialize};

/// One decoded field: its name, where its bytes are, a readable value, and its parts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    /// Offset of the first byte, relative to the start of the decoded buffer.
    pub start: usize,
    pub len: usize,
    /// The value as a person reads it (a number, a name, hex), when there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub children: Vec<Field>,
}

impl Field {
    /// This field and all below it lie within `len` bytes (a check on fields read from a file).
    pub fn check_within(&self, len: usize) -> Result<(), String> {
        match self.start.checked_add(self.len) {
            Some(end) if end <= len => self.children.iter().try_for_each(|c| c.check_within(len)),
            _ => Err(format!(
                "field {:?} ({} bytes at {}) lies outside its {len} bytes",
                self.name, self.len, self.start
            )),
        }
    }

    /// The field named `name` at any depth below this one, first match in reading order.
    pub fn find(&self, name: &str) -> Option<&Field> {
        self.children.iter().find_map(|c| {
            if c.name == name {
                Some(c)
            } else {
                c.find(name)
            }
        })
    }

    /// Moves this field and all its parts `by` bytes further into an enclosing buffer.
    pub fn shift(&mut self, by: usize) {
        self.start += by;
        for c in &mut self.children {
            c.shift(by);
        }
    }
}

/// What protecting or opening one record computed, for the visualizer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Protection {
    Gcm(GcmRecord),
    Cbc(CbcRecord),
    /// ChaCha20-Poly1305 (RFC 7905): the AEAD fields of a GCM record, with no explicit nonce
    /// (`nonce_explicit` is empty; the nonce is the write IV XOR the sequence number).
    ChaCha20Poly1305(GcmRecord),
}

/// An AES-GCM record: RFC 5246 section 6.2.3.3 with RFC 5288 section 3.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GcmRecord {
    /// `seq_num`, the implicit 64-bit record sequence number.
    pub seq_num: u64,
    /// `nonce_explicit`, the 8 bytes sent at the start of the fragment.
    pub nonce_explicit: Bytes,
    /// `salt || nonce_explicit`, the 12-byte GCM nonce (salt = `*_write_IV`).
    pub nonce: Bytes,
    /// `seq_num + TLSCompressed.type + TLSCompressed.version + TLSCompressed.length`.
    pub additional_data: Bytes,
    pub plaintext: Bytes,
    /// The encrypted content (as long as the plaintext).
    pub ciphertext: Bytes,
    /// The 16-byte authentication tag, at the end of the fragment.
    pub tag: Bytes,
}

/// A CBC record: RFC 5246 section 6.2.3.2 (CBC block cipher) with the MAC of section 6.2.3.1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CbcRecord {
    pub seq_num: u64,
    pub mac_algorithm: MacAlgorithm,
    /// The explicit IV sent at the start of the fragment.
    pub iv: Bytes,
    /// The MAC input before the content:
    /// `seq_num + TLSCompressed.type + TLSCompressed.version + TLSCompressed.length`.
    pub mac_header: Bytes,
    /// `MAC(MAC_write_key, mac_header + TLSCompressed.fragment)`.
    pub mac: Bytes,
    /// The padding bytes followed by the `padding_length` byte (all of value
    /// `padding_length`).
    pub padding: Bytes,
    pub plaintext: Bytes,
    /// AES-CBC of `plaintext + mac + padding` (the fragment minus the IV).
    pub ciphertext: Bytes,
}

/// The record MAC (RFC 5246 section 6.1 `MACAlgorithm`), by its RFC name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MacAlgorithm {
    HmacSha1,
    HmacSha256,
}

/// Everything the client computed to make ClientKeyExchange, for the visualizer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PremasterEncryption {
    /// `client_version || random[46]`.
    pub premaster: Bytes,
    /// `EM = 0x00 || 0x02 || PS || 0x00 || premaster`, as long as the modulus.
    pub pkcs1_block: Bytes,
    /// `C = I2OSP(EM^e mod n, k)`, the `EncryptedPreMasterSecret` body.
    pub ciphertext: Bytes,
    pub modulus_bits: usize,
    /// The modulus `n`, big-endian without leading zeros.
    pub modulus: Bytes,
    /// The public exponent `e`, big-endian without leading zeros (usually `010001`).
    pub public_exponent: Bytes,
}

/// The key block split into its parts, in the order of RFC 5246 section 6.3 (the split is
/// `crypto::suite`'s).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyBlock {
    pub client_write_mac_key: Bytes,
    pub server_write_mac_key: Bytes,
    pub client_write_key: Bytes,
    pub server_write_key: Bytes,
    pub client_write_iv: Bytes,
    pub server_write_iv: Bytes,
}

impl KeyBlock {
    /// The parts this suite uses (an empty part is not generated), in the order of section 6.3,
    /// by the RFC's names, with the side whose writes each protects.
    pub fn parts(&self) -> impl Iterator<Item = (&'static str, &Bytes, super::Actor)> {
        use super::Actor::{Client, Server};
        [
            ("client_write_MAC_key", &self.client_write_mac_key, Client),
            ("server_write_MAC_key", &self.server_write_mac_key, Server),
            ("client_write_key", &self.client_write_key, Client),
            ("server_write_key", &self.server_write_key, Server),
            ("client_write_IV", &self.client_write_iv, Client),
            ("server_write_IV", &self.server_write_iv, Server),
        ]
        .into_iter()
        .filter(|(_, part, _)| !part.is_empty())
    }
}

/// Text that is usually a literal but can be read back from a timeline file.
pub type Text = std::borrow::Cow<'static, str>;

/// Which check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    Parse,
    Signature,
    Validity,
    BasicConstraints,
    KeyUsage,
    ExtendedKeyUsage,
    HostName,
    TrustAnchor,
    KeySize,
}

/// The certificate a check is about: its position in the chain the server sent (0 = leaf).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertRef {
    pub index: usize,
    pub subject: String,
}

/// A value shown with a check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum CheckValue {
    Text(String),
    Bytes(Bytes),
    Number(u64),
    Bool(bool),
    /// A point in time as unix seconds and as `YYYY-MM-DDTHH:MM:SSZ`.
    Time {
        unix: u64,
        utc: String,
    },
    List(Vec<String>),
}

/// One named input of a check: `name` is a stable key, `label` what the UI prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInput {
    pub name: Text,
    pub label: Text,
    pub value: CheckValue,
}

/// One check with its inputs and verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertCheck {
    pub kind: CheckKind,
    pub certificate: CertRef,
    /// The specification text this check implements, e.g. "RFC 5280 section 6.1.3".
    pub rfc: Text,
    pub inputs: Vec<CheckInput>,
    pub passed: bool,
    pub explanation: String,
}

impl CertCheck {
    /// The value of the input called `name`.
    pub fn input(&self, name: &str) -> Option<&CheckValue> {
        self.inputs
            .iter()
            .find(|i| i.name == name)
            .map(|i| &i.value)
    }
}
