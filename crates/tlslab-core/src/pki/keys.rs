//! RSA keys in their standard encodings, with an explicit minimum modulus size.
//!
//! - Public keys come out of a certificate's SubjectPublicKeyInfo (RFC 5280 section 4.1.2.7,
//!   RFC 3279 section 2.3.1):
//!   ```text
//!   SubjectPublicKeyInfo  ::=  SEQUENCE  {
//!        algorithm            AlgorithmIdentifier,   -- rsaEncryption, parameters NULL
//!        subjectPublicKey     BIT STRING  }          -- DER of RSAPublicKey
//!   RSAPublicKey ::= SEQUENCE {
//!        modulus            INTEGER,    -- n
//!        publicExponent     INTEGER  }  -- e
//!   ```
//! - Private keys are PKCS#8 `PrivateKeyInfo` (RFC 5208 section 5) or the bare PKCS#1
//!   `RSAPrivateKey` (RFC 8017 appendix A.1.2).
//!
//! The minimum size is a parameter, not a constant: the default policy is 2048 bits
//! ([`DEFAULT_MIN_RSA_BITS`]), but a test may explicitly accept Go's 1024-bit test key.

use core::fmt;

use der::{Decode, Tagged, zeroize::Zeroizing};
use rsa::pkcs1::{DecodeRsaPrivateKey, RsaPublicKeyRef};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rsa::traits::PublicKeyParts;
use rsa::{BoxedUint, PrivateKey, PublicKey};
use x509_cert::Certificate;
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use super::oids;

/// The default minimum RSA modulus size in bits (NIST SP 800-131A: 2048 bits since 2014).
pub const DEFAULT_MIN_RSA_BITS: usize = 2048;

/// Below this size a key is not even decoded: such a key cannot hold a PKCS#1 v1.5 signature
/// of any of the supported hashes. Between this floor and the policy minimum, the key decodes
/// and the validator's `key_size` check reports it as too small.
pub const PARSE_FLOOR_BITS: usize = 512;

/// Why a key could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyError {
    /// The bytes are not a well-formed encoding of the expected structure.
    Malformed(String),
    /// The key is not an RSA key (the algorithm identifier names something else).
    NotRsa(String),
    /// The modulus is shorter than the required minimum.
    TooSmall { bits: usize, min_bits: usize },
    /// The modulus or exponent is outside what the RSA implementation accepts.
    Invalid(String),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Malformed(why) => write!(f, "malformed key: {why}"),
            KeyError::NotRsa(alg) => write!(f, "not an RSA key (algorithm {alg})"),
            KeyError::TooSmall { bits, min_bits } => {
                write!(
                    f,
                    "RSA key of {bits} bits is smaller than the minimum {min_bits} bits"
                )
            }
            KeyError::Invalid(why) => write!(f, "invalid RSA key: {why}"),
        }
    }
}

impl std::error::Error for KeyError {}

/// The modulus length in bits (`modBits` in RFC 8017), the number people call the key size.
pub fn modulus_bits(key: &impl PublicKeyParts) -> usize {
    key.n().bit_width_vartime() as usize
}

/// The public key of a DER certificate (the leaf of a chain, typically), refusing a modulus
/// smaller than `min_bits`. This is the key the client encrypts the premaster secret with.
pub fn leaf_public_key(certificate_der: &[u8], min_bits: usize) -> Result<PublicKey, KeyError> {
    let cert = Certificate::from_der(certificate_der)
        .map_err(|e| KeyError::Malformed(format!("certificate: {e}")))?;
    public_key_from_spki(cert.tbs_certificate().subject_public_key_info(), min_bits)
}

/// The RSA public key in a SubjectPublicKeyInfo, refusing a modulus smaller than `min_bits`.
pub fn public_key_from_spki(
    spki: &SubjectPublicKeyInfoOwned,
    min_bits: usize,
) -> Result<PublicKey, KeyError> {
    if spki.algorithm.oid != oids::RSA_ENCRYPTION {
        return Err(KeyError::NotRsa(oids::name(&spki.algorithm.oid)));
    }
    // RFC 3279 section 2.3.1: "the parameters field MUST have ASN.1 type NULL for this
    // algorithm identifier." (Absent parameters are tolerated, as most implementations do.)
    if let Some(params) = &spki.algorithm.parameters
        && (params.tag() != der::Tag::Null || !params.value().is_empty())
    {
        return Err(KeyError::Malformed(
            "rsaEncryption parameters are not NULL".into(),
        ));
    }
    let bits = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| KeyError::Malformed("subjectPublicKey has unused bits".into()))?;
    let rsa_key = RsaPublicKeyRef::from_der(bits)
        .map_err(|e| KeyError::Malformed(format!("RSAPublicKey: {e}")))?;
    let n = uint(rsa_key.modulus.as_bytes())?;
    let e = uint(rsa_key.public_exponent.as_bytes())?;
    let bits = n.bit_width_vartime() as usize;
    if bits < min_bits.max(PARSE_FLOOR_BITS) {
        return Err(KeyError::TooSmall {
            bits,
            min_bits: min_bits.max(PARSE_FLOOR_BITS),
        });
    }
    PublicKey::new_with_size_limits(n, e, PARSE_FLOOR_BITS..=PublicKey::MAX_SIZE)
        .map_err(|e| KeyError::Invalid(e.to_string()))
}

/// An unsigned big-endian integer with a storage precision derived from its length only.
fn uint(bytes: &[u8]) -> Result<BoxedUint, KeyError> {
    let bits = bytes
        .len()
        .checked_mul(8)
        .and_then(|b| u32::try_from(b).ok())
        .filter(|b| *b > 0)
        .ok_or_else(|| KeyError::Malformed("integer of unusable length".into()))?;
    BoxedUint::from_be_slice(bytes, bits).map_err(|e| KeyError::Malformed(format!("{e:?}")))
}

/// A private key from PKCS#8 `PrivateKeyInfo` DER.
pub fn private_key_from_pkcs8_der(der: &[u8], min_bits: usize) -> Result<PrivateKey, KeyError> {
    let key = PrivateKey::from_pkcs8_der(der).map_err(|e| KeyError::Malformed(e.to_string()))?;
    check_size(key, min_bits)
}

/// A private key from PKCS#1 `RSAPrivateKey` DER.
pub fn private_key_from_pkcs1_der(der: &[u8], min_bits: usize) -> Result<PrivateKey, KeyError> {
    let key = PrivateKey::from_pkcs1_der(der).map_err(|e| KeyError::Malformed(e.to_string()))?;
    check_size(key, min_bits)
}

/// The PKCS#8 `PrivateKeyInfo` DER of a private key (wiped from memory when dropped).
pub fn private_key_to_pkcs8_der(key: &PrivateKey) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let doc = key
        .to_pkcs8_der()
        .map_err(|e| KeyError::Invalid(e.to_string()))?;
    Ok(doc.to_bytes())
}

fn check_size(key: PrivateKey, min_bits: usize) -> Result<PrivateKey, KeyError> {
    let bits = modulus_bits(&key);
    if bits < min_bits {
        return Err(KeyError::TooSmall { bits, min_bits });
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bytes::from_hex;

    const GO_CERT_HEX: &str = include_str!("../../data/go/testRSACertificate.der.hex");
    const GO_KEY_PKCS1_HEX: &str = include_str!("../../data/go/testRSAPrivateKey.pkcs1.hex");

    #[test]
    fn go_1024_bit_certificate_needs_an_explicit_minimum() {
        let der = from_hex(GO_CERT_HEX).unwrap();
        let key = leaf_public_key(&der, 1024).unwrap();
        assert_eq!(modulus_bits(&key), 1024);
        assert_eq!(
            leaf_public_key(&der, DEFAULT_MIN_RSA_BITS),
            Err(KeyError::TooSmall {
                bits: 1024,
                min_bits: 2048
            })
        );
    }

    #[test]
    fn pkcs1_private_key_matches_the_certificate() {
        let cert_key = leaf_public_key(&from_hex(GO_CERT_HEX).unwrap(), 1024).unwrap();
        let der = from_hex(GO_KEY_PKCS1_HEX).unwrap();
        let key = private_key_from_pkcs1_der(&der, 1024).unwrap();
        assert_eq!(key.to_public_key(), cert_key);
        assert!(matches!(
            private_key_from_pkcs1_der(&der, 2048),
            Err(KeyError::TooSmall { bits: 1024, .. })
        ));
        let pkcs8 = private_key_to_pkcs8_der(&key).unwrap();
        assert_eq!(private_key_from_pkcs8_der(&pkcs8, 1024).unwrap(), key);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bad in [
            &[][..],
            &[0x30],
            &[0x30, 0x03, 0x02, 0x01, 0x01],
            &[0xff; 64],
        ] {
            assert!(leaf_public_key(bad, 1024).is_err());
            assert!(private_key_from_pkcs8_der(bad, 1024).is_err());
            assert!(private_key_from_pkcs1_der(bad, 1024).is_err());
        }
    }
}
