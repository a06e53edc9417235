//! PEM, the textual encoding of DER (RFC 7468):
//!
//! ```text
//! -----BEGIN CERTIFICATE-----         (section 5: label CERTIFICATE, an X.509 Certificate)
//! MIIDRjCCAi6gAwIBAgIBAzANBgkqhkiG9w0BAQsFADA8MQ8wDQYDVQQKDAZ0bHNs
//! ...                                 (base64 of the DER, 64 characters a line)
//! -----END CERTIFICATE-----
//! ```
//!
//! Private keys are accepted as `PRIVATE KEY` (section 10: PKCS#8 PrivateKeyInfo) or the older
//! `RSA PRIVATE KEY` (PKCS#1 RSAPrivateKey, what `openssl genrsa` wrote before 3.0), and written
//! as PKCS#8. A file may carry several blocks (a chain, leaf first) and text between them
//! (section 5.2: "parsers MUST ignore" explanatory text outside the encapsulation boundaries).

use core::fmt;

use der::pem::{self as rfc7468, LineEnding};
use der::zeroize::Zeroizing;
use rsa::PrivateKey;

use super::keys::{self, KeyError};

const CERTIFICATE: &str = "CERTIFICATE";
const PRIVATE_KEY: &str = "PRIVATE KEY";
const RSA_PRIVATE_KEY: &str = "RSA PRIVATE KEY";

/// Why a PEM document could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PemError {
    /// A block's boundaries or base64 are malformed.
    Malformed(String),
    /// A block has a label other than the one expected here.
    UnexpectedLabel {
        found: String,
        expected: &'static str,
    },
    /// The text contains no block with the expected label.
    Missing(&'static str),
    /// The text contains more blocks than expected.
    TooMany(&'static str),
    /// The key block decoded but the key is not usable.
    Key(KeyError),
}

impl fmt::Display for PemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PemError::Malformed(why) => write!(f, "malformed PEM: {why}"),
            PemError::UnexpectedLabel { found, expected } => {
                write!(f, "PEM block is {found:?}, expected {expected:?}")
            }
            PemError::Missing(label) => write!(f, "no PEM block labelled {label:?}"),
            PemError::TooMany(label) => write!(f, "more than one PEM block labelled {label:?}"),
            PemError::Key(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for PemError {}

/// One decoded block: its label and DER contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub label: String,
    pub der: Vec<u8>,
}

/// Encodes DER as one PEM block with `label` (64-character lines, LF line endings).
pub fn encode(label: &str, der: &[u8]) -> Result<String, PemError> {
    rfc7468::encode_string(label, LineEnding::LF, der)
        .map_err(|e| PemError::Malformed(e.to_string()))
}

/// Every `-----BEGIN ...-----` ... `-----END ...-----` block in `text`, in order.
pub fn decode_all(text: &str) -> Result<Vec<Block>, PemError> {
    const BEGIN: &str = "-----BEGIN ";
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let from_begin = &rest[start..];
        let label_end = from_begin[BEGIN.len()..]
            .find("-----")
            .ok_or_else(|| PemError::Malformed("unterminated BEGIN line".into()))?;
        let label = &from_begin[BEGIN.len()..BEGIN.len() + label_end];
        let end_line = format!("-----END {label}-----");
        let end = from_begin
            .find(&end_line)
            .ok_or_else(|| PemError::Malformed(format!("no END line for {label:?}")))?
            + end_line.len();
        let (found, der) = rfc7468::decode_vec(&from_begin.as_bytes()[..end])
            .map_err(|e| PemError::Malformed(format!("{label}: {e}")))?;
        blocks.push(Block {
            label: found.to_string(),
            der,
        });
        rest = &from_begin[end..];
    }
    Ok(blocks)
}

/// A certificate as a PEM `CERTIFICATE` block.
pub fn cert_to_pem(der: &[u8]) -> Result<String, PemError> {
    encode(CERTIFICATE, der)
}

/// Several certificates as consecutive PEM blocks (a chain file, leaf first).
pub fn certs_to_pem(ders: &[Vec<u8>]) -> Result<String, PemError> {
    ders.iter().map(|d| cert_to_pem(d)).collect()
}

/// The certificates of a PEM chain file, in file order (leaf first). Fails on any block that
/// is not a certificate, and when there is no certificate at all.
pub fn certs_from_pem(text: &str) -> Result<Vec<Vec<u8>>, PemError> {
    let blocks = decode_all(text)?;
    if blocks.is_empty() {
        return Err(PemError::Missing(CERTIFICATE));
    }
    blocks
        .into_iter()
        .map(|b| match b.label.as_str() {
            CERTIFICATE => Ok(b.der),
            _ => Err(PemError::UnexpectedLabel {
                found: b.label,
                expected: CERTIFICATE,
            }),
        })
        .collect()
}

/// The single certificate of a PEM document.
pub fn cert_from_pem(text: &str) -> Result<Vec<u8>, PemError> {
    let mut certs = certs_from_pem(text)?;
    match (certs.pop(), certs.is_empty()) {
        (Some(der), true) => Ok(der),
        (Some(_), false) => Err(PemError::TooMany(CERTIFICATE)),
        (None, _) => Err(PemError::Missing(CERTIFICATE)),
    }
}

/// The private key of a PEM document holding exactly one `PRIVATE KEY` (PKCS#8) or
/// `RSA PRIVATE KEY` (PKCS#1) block, refusing moduli smaller than `min_bits`
/// ([`keys::DEFAULT_MIN_RSA_BITS`] unless a caller explicitly accepts less). Other blocks (a
/// certificate in the same file, say) are ignored.
pub fn private_key_from_pem(text: &str, min_bits: usize) -> Result<PrivateKey, PemError> {
    let blocks = decode_all(text)?;
    let mut keys = blocks
        .iter()
        .filter(|b| b.label == PRIVATE_KEY || b.label == RSA_PRIVATE_KEY);
    let block = keys.next().ok_or(PemError::Missing(PRIVATE_KEY))?;
    if keys.next().is_some() {
        return Err(PemError::TooMany(PRIVATE_KEY));
    }
    let der = Zeroizing::new(block.der.clone());
    let key = if block.label == PRIVATE_KEY {
        keys::private_key_from_pkcs8_der(&der, min_bits)
    } else {
        keys::private_key_from_pkcs1_der(&der, min_bits)
    };
    key.map_err(PemError::Key)
}

/// A private key as a PKCS#8 `PRIVATE KEY` block (wiped from memory when dropped).
pub fn private_key_to_pem(key: &PrivateKey) -> Result<Zeroizing<String>, PemError> {
    let der = keys::private_key_to_pkcs8_der(key).map_err(PemError::Key)?;
    Ok(Zeroizing::new(encode(PRIVATE_KEY, &der)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bytes::from_hex;
    use crate::pki::demo::{self, DemoPki};

    const GO_KEY_PEM: &str = include_str!("../../data/go/testRSAPrivateKey.pem");
    const GO_KEY_PKCS1_HEX: &str = include_str!("../../data/go/testRSAPrivateKey.pkcs1.hex");

    #[test]
    fn certificate_round_trip() {
        let pem = cert_to_pem(demo::LEAF_CERT).unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(pem.lines().all(|l| l.len() <= 64));
        assert_eq!(cert_from_pem(&pem).unwrap(), demo::LEAF_CERT);
    }

    #[test]
    fn chain_round_trip_keeps_order_and_ignores_text_between_blocks() {
        let pki = DemoPki::load().unwrap();
        let chain = pki.chain();
        let pem = certs_to_pem(&chain).unwrap();
        assert_eq!(certs_from_pem(&pem).unwrap(), chain);
        let annotated = format!(
            "subject=example.com\n{}\nissuer stuff\r\n",
            pem.replace('\n', "\r\n")
        );
        assert_eq!(certs_from_pem(&annotated).unwrap(), chain);
        assert_eq!(cert_from_pem(&pem), Err(PemError::TooMany("CERTIFICATE")));
    }

    #[test]
    fn private_keys_pkcs8_and_pkcs1_with_explicit_minimum() {
        // Go's test key is 1024 bits: refused by default, accepted when asked for.
        assert!(matches!(
            private_key_from_pem(GO_KEY_PEM, keys::DEFAULT_MIN_RSA_BITS),
            Err(PemError::Key(KeyError::TooSmall {
                bits: 1024,
                min_bits: 2048
            }))
        ));
        let go = private_key_from_pem(GO_KEY_PEM, 1024).unwrap();
        let pkcs1 = encode("RSA PRIVATE KEY", &from_hex(GO_KEY_PKCS1_HEX).unwrap()).unwrap();
        assert_eq!(private_key_from_pem(&pkcs1, 1024).unwrap(), go);

        let pki = DemoPki::load().unwrap();
        let pem = private_key_to_pem(pki.leaf_key()).unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let back = private_key_from_pem(&pem, keys::DEFAULT_MIN_RSA_BITS).unwrap();
        assert_eq!(&back, pki.leaf_key());
        // A key and its certificate in one file.
        let both = format!("{}{}", cert_to_pem(demo::LEAF_CERT).unwrap(), *pem);
        assert_eq!(&private_key_from_pem(&both, 2048).unwrap(), pki.leaf_key());
    }

    #[test]
    fn malformed_pem_is_an_error_not_a_panic() {
        let leaf = cert_to_pem(demo::LEAF_CERT).unwrap();
        let cases = [
            String::new(),
            "no pem here".into(),
            "-----BEGIN CERTIFICATE-----\n".into(),
            "-----BEGIN CERTIFICATE".into(),
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n".into(),
            leaf.replace("END CERTIFICATE", "END CERTIFICATES"),
            leaf.replace("CERTIFICATE", "PRIVATE KEY"),
            leaf[..leaf.len() / 2].to_string(),
            "-----BEGIN é-----\n-----END é-----".into(),
        ];
        for case in &cases {
            assert!(cert_from_pem(case).is_err(), "{case:?}");
            assert!(private_key_from_pem(case, 1024).is_err(), "{case:?}");
        }
    }
}
