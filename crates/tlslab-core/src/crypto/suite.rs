//! What each implemented cipher suite needs (RFC 5246 appendix C) and the key block split
//! (RFC 5246 section 6.3).

use hmac::Hmac;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384};

use super::hmac;
use crate::bytes::Bytes;
use crate::msgs::enums::CipherSuite;
use crate::msgs::handshake::KeyExchange;
use crate::timeline::{KeyBlock, MacAlgorithm};

/// The bulk encryption algorithm (RFC 5246 section 6.1 `BulkCipherAlgorithm` with its
/// `CipherType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bulk {
    /// AES-128 in Galois/Counter Mode, an AEAD cipher (RFC 5288).
    Aes128Gcm,
    /// AES-256 in Galois/Counter Mode (RFC 5288).
    Aes256Gcm,
    /// ChaCha20 with Poly1305, an AEAD cipher (RFC 8439; in TLS 1.2, RFC 7905).
    ChaCha20Poly1305,
    /// AES-128 in CBC mode, a block cipher used with a separate HMAC (RFC 5246 section 6.2.3.2).
    Aes128Cbc,
}

// The timeline names the MAC and holds the key block (`crate::timeline`); what they mean for
// the cryptography is here.

impl MacAlgorithm {
    /// `SecurityParameters.mac_length` (RFC 5246 appendix C: 20 for SHA, 32 for SHA256).
    pub fn output_len(self) -> usize {
        match self {
            MacAlgorithm::HmacSha1 => 20,
            MacAlgorithm::HmacSha256 => 32,
        }
    }

    /// The name RFC 5246 section 6.1 gives it.
    pub fn name(self) -> &'static str {
        match self {
            MacAlgorithm::HmacSha1 => "hmac_sha1",
            MacAlgorithm::HmacSha256 => "hmac_sha256",
        }
    }

    /// HMAC of the concatenation of `parts` with `key`.
    pub fn mac(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        match self {
            MacAlgorithm::HmacSha1 => hmac::<Hmac<Sha1>>(key, parts),
            MacAlgorithm::HmacSha256 => hmac::<Hmac<Sha256>>(key, parts),
        }
    }
}

impl Bulk {
    /// The name the pages and recipes use: "AES-128-GCM", "AES-256-GCM", "AES-128-CBC".
    pub fn name(self) -> &'static str {
        match self {
            Bulk::Aes128Gcm => "AES-128-GCM",
            Bulk::Aes256Gcm => "AES-256-GCM",
            Bulk::Aes128Cbc => "AES-128-CBC",
            Bulk::ChaCha20Poly1305 => "ChaCha20-Poly1305",
        }
    }

    pub fn is_aead(self) -> bool {
        matches!(
            self,
            Bulk::Aes128Gcm | Bulk::Aes256Gcm | Bulk::ChaCha20Poly1305
        )
    }
}

/// The hash of the PRF and of the Finished transcript. RFC 5246 section 5: the PRF "with the
/// SHA-256 hash function is used for all cipher suites defined in this document", and new
/// suites "MUST explicitly specify a PRF"; RFC 5288 section 3 gives the _SHA384 GCM suites
/// P_SHA384. Section 7.4.9: "the Hash MUST be the Hash used as the basis for the PRF".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrfHash {
    Sha256,
    Sha384,
}

impl PrfHash {
    /// "SHA-256" or "SHA-384".
    pub fn name(self) -> &'static str {
        match self {
            PrfHash::Sha256 => "SHA-256",
            PrfHash::Sha384 => "SHA-384",
        }
    }

    /// Which hash made a digest of `len` bytes (a recorded transcript hash says by its length).
    pub fn of_digest_len(len: usize) -> Option<PrfHash> {
        match len {
            32 => Some(PrfHash::Sha256),
            48 => Some(PrfHash::Sha384),
            _ => None,
        }
    }

    /// The length of its digests: 32 or 48 bytes (TLS 1.3's Hash.length).
    pub fn output_len(self) -> usize {
        match self {
            PrfHash::Sha256 => 32,
            PrfHash::Sha384 => 48,
        }
    }

    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            PrfHash::Sha256 => Sha256::digest(data).to_vec(),
            PrfHash::Sha384 => Sha384::digest(data).to_vec(),
        }
    }

    /// HMAC with this hash of the concatenation of `parts`.
    pub fn hmac(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        match self {
            PrfHash::Sha256 => hmac::<Hmac<Sha256>>(key, parts),
            PrfHash::Sha384 => hmac::<Hmac<Sha384>>(key, parts),
        }
    }
}

/// The security parameters a cipher suite fixes (RFC 5246 section 6.1 and appendix C).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SuiteParams {
    pub suite: CipherSuite,
    /// How the premaster is agreed: RSA encryption or ECDHE (RFC 8422).
    pub kx: KeyExchange,
    pub bulk: Bulk,
    /// `SecurityParameters.prf_algorithm`.
    pub prf: PrfHash,
    /// `None` for AEAD suites: "AEAD ciphers ... do not use a MAC key" (RFC 5246 section 6.2.3.3).
    pub mac: Option<MacAlgorithm>,
    /// `SecurityParameters.mac_key_length`.
    pub mac_key_len: usize,
    /// `SecurityParameters.enc_key_length`.
    pub enc_key_len: usize,
    /// `SecurityParameters.fixed_iv_length`: the IV taken from the key block.
    pub fixed_iv_len: usize,
    /// `SecurityParameters.record_iv_length`: the IV sent in each record (GCM's nonce_explicit,
    /// CBC's explicit IV).
    pub record_iv_len: usize,
}

impl SuiteParams {
    /// Length of the AEAD authentication tag, or of the MAC, appended to each record.
    pub fn tag_len(&self) -> usize {
        match (self.bulk, self.mac) {
            (Bulk::Aes128Gcm | Bulk::Aes256Gcm | Bulk::ChaCha20Poly1305, _) => 16,
            (Bulk::Aes128Cbc, Some(mac)) => mac.output_len(),
            (Bulk::Aes128Cbc, None) => 0,
        }
    }
}

/// The suites this crate implements, in [`CipherSuite::SUPPORTED`] order.
///
/// For the CBC suites `fixed_iv_len` is 0: "the client_write_IV and server_write_IV are only
/// generated for implicit nonce techniques" (RFC 5246 section 6.3), and a TLS 1.2 CBC record
/// carries its own explicit IV (section 6.2.3.2). Appendix C's "IV Size 16" for AES_128_CBC is
/// the block size, which becomes `record_iv_length`. So the CBC key block is 72 bytes
/// (HMAC-SHA1) or 96 (HMAC-SHA256). OpenSSL and Go derive 32 bytes more (two IVs, TLS 1.0's
/// first chaining IVs) and never use them; the PRF output is a stream, so the bytes both
/// derive are the same.
static SUITES: [SuiteParams; 8] = [
    // RFC 7905 section 2: a 32-byte key, a 12-byte write IV from the key block, no IV in the
    // record (the nonce is the IV XOR the sequence number), the SHA-256 PRF.
    SuiteParams {
        suite: CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        kx: KeyExchange::Ecdhe,
        bulk: Bulk::ChaCha20Poly1305,
        prf: PrfHash::Sha256,
        mac: None,
        mac_key_len: 0,
        enc_key_len: 32,
        fixed_iv_len: 12,
        record_iv_len: 0,
    },
    // RFC 8422 section 6, with RFC 5289's GCM suites: the RSA suites' protection and PRF, the
    // premaster agreed by ECDHE and the server's parameters signed with its RSA key.
    SuiteParams {
        suite: CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        kx: KeyExchange::Ecdhe,
        bulk: Bulk::Aes128Gcm,
        prf: PrfHash::Sha256,
        mac: None,
        mac_key_len: 0,
        enc_key_len: 16,
        fixed_iv_len: 4,
        record_iv_len: 8,
    },
    SuiteParams {
        suite: CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        kx: KeyExchange::Ecdhe,
        bulk: Bulk::Aes256Gcm,
        prf: PrfHash::Sha384,
        mac: None,
        mac_key_len: 0,
        enc_key_len: 32,
        fixed_iv_len: 4,
        record_iv_len: 8,
    },
    SuiteParams {
        suite: CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        kx: KeyExchange::Ecdhe,
        bulk: Bulk::Aes128Cbc,
        prf: PrfHash::Sha256,
        mac: Some(MacAlgorithm::HmacSha1),
        mac_key_len: 20,
        enc_key_len: 16,
        fixed_iv_len: 0,
        record_iv_len: 16,
    },
    // RFC 5288 section 3: "The fixed_iv_length is 4 ... the record_iv_length is 8".
    SuiteParams {
        suite: CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
        kx: KeyExchange::Rsa,
        bulk: Bulk::Aes128Gcm,
        prf: PrfHash::Sha256,
        mac: None,
        mac_key_len: 0,
        enc_key_len: 16,
        fixed_iv_len: 4,
        record_iv_len: 8,
    },
    SuiteParams {
        suite: CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA256,
        kx: KeyExchange::Rsa,
        bulk: Bulk::Aes128Cbc,
        prf: PrfHash::Sha256,
        mac: Some(MacAlgorithm::HmacSha256),
        mac_key_len: 32,
        enc_key_len: 16,
        fixed_iv_len: 0,
        record_iv_len: 16,
    },
    SuiteParams {
        suite: CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA,
        kx: KeyExchange::Rsa,
        bulk: Bulk::Aes128Cbc,
        // Its MAC is HMAC-SHA1, its PRF still P_SHA256 (RFC 5246 section 5).
        prf: PrfHash::Sha256,
        mac: Some(MacAlgorithm::HmacSha1),
        mac_key_len: 20,
        enc_key_len: 16,
        fixed_iv_len: 0,
        record_iv_len: 16,
    },
    // RFC 5288 section 3, with "the PRF ... P_SHA384" and a 32-byte key.
    SuiteParams {
        suite: CipherSuite::TLS_RSA_WITH_AES_256_GCM_SHA384,
        kx: KeyExchange::Rsa,
        bulk: Bulk::Aes256Gcm,
        prf: PrfHash::Sha384,
        mac: None,
        mac_key_len: 0,
        enc_key_len: 32,
        fixed_iv_len: 4,
        record_iv_len: 8,
    },
];

/// TLS 1.3's suites (RFC 8446 appendix B.4, section 5.3): the AEAD and the hash of HKDF and
/// the transcript. `fixed_iv_len` is the 12-byte write IV of section 7.3, and no record
/// carries an IV: the nonce is that IV XOR the sequence number.
static TLS13_SUITES: [SuiteParams; 3] = [
    SuiteParams {
        suite: CipherSuite::TLS_AES_128_GCM_SHA256,
        kx: KeyExchange::KeyShare,
        bulk: Bulk::Aes128Gcm,
        prf: PrfHash::Sha256,
        mac: None,
        mac_key_len: 0,
        enc_key_len: 16,
        fixed_iv_len: 12,
        record_iv_len: 0,
    },
    SuiteParams {
        suite: CipherSuite::TLS_AES_256_GCM_SHA384,
        kx: KeyExchange::KeyShare,
        bulk: Bulk::Aes256Gcm,
        prf: PrfHash::Sha384,
        mac: None,
        mac_key_len: 0,
        enc_key_len: 32,
        fixed_iv_len: 12,
        record_iv_len: 0,
    },
    SuiteParams {
        suite: CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
        kx: KeyExchange::KeyShare,
        bulk: Bulk::ChaCha20Poly1305,
        prf: PrfHash::Sha256,
        mac: None,
        mac_key_len: 0,
        enc_key_len: 32,
        fixed_iv_len: 12,
        record_iv_len: 0,
    },
];

/// The parameters of `suite`, or `None` if this crate does not implement it.
pub fn params(suite: CipherSuite) -> Option<&'static SuiteParams> {
    SUITES
        .iter()
        .chain(&TLS13_SUITES)
        .find(|p| p.suite == suite)
}

/// The parameters of the suite with this IANA name (as a timeline records it).
pub fn params_named(name: &str) -> Option<&'static SuiteParams> {
    CipherSuite::from_name(name).and_then(params)
}

/// The keys of one direction, taken from the key block (see [`KeyBlock::client_keys`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectionKeys {
    /// `*_write_MAC_key` (empty for GCM).
    pub mac_key: Vec<u8>,
    /// `*_write_key`.
    pub enc_key: Vec<u8>,
    /// `*_write_IV`: GCM's 4-byte salt; empty for CBC (RFC 5246 section 6.3).
    pub fixed_iv: Vec<u8>,
}

/// The key block split into its parts, RFC 5246 section 6.3 (the timeline holds them):
///
/// ```text
/// client_write_MAC_key[SecurityParameters.mac_key_length]
/// server_write_MAC_key[SecurityParameters.mac_key_length]
/// client_write_key[SecurityParameters.enc_key_length]
/// server_write_key[SecurityParameters.enc_key_length]
/// client_write_IV[SecurityParameters.fixed_iv_length]
/// server_write_IV[SecurityParameters.fixed_iv_length]
/// ```
impl KeyBlock {
    /// How many key block bytes `params` needs: `2 * (mac_key_len + enc_key_len + fixed_iv_len)`.
    pub fn len(params: &SuiteParams) -> usize {
        2 * (params.mac_key_len + params.enc_key_len + params.fixed_iv_len)
    }

    /// Splits `block` in the order of RFC 5246 section 6.3. `None` unless `block` is exactly
    /// [`KeyBlock::len`] bytes.
    pub fn split(block: &[u8], params: &SuiteParams) -> Option<KeyBlock> {
        if block.len() != Self::len(params) {
            return None;
        }
        let mut rest = block;
        let mut take = |n: usize| -> Option<Bytes> {
            let (head, tail) = rest.split_at_checked(n)?;
            rest = tail;
            Some(Bytes::from(head))
        };
        Some(KeyBlock {
            client_write_mac_key: take(params.mac_key_len)?,
            server_write_mac_key: take(params.mac_key_len)?,
            client_write_key: take(params.enc_key_len)?,
            server_write_key: take(params.enc_key_len)?,
            client_write_iv: take(params.fixed_iv_len)?,
            server_write_iv: take(params.fixed_iv_len)?,
        })
    }

    /// The keys protecting records the client sends (and the server receives).
    pub fn client_keys(&self) -> DirectionKeys {
        DirectionKeys {
            mac_key: self.client_write_mac_key.0.clone(),
            enc_key: self.client_write_key.0.clone(),
            fixed_iv: self.client_write_iv.0.clone(),
        }
    }

    /// The keys protecting records the server sends (and the client receives).
    pub fn server_keys(&self) -> DirectionKeys {
        DirectionKeys {
            mac_key: self.server_write_mac_key.0.clone(),
            enc_key: self.server_write_key.0.clone(),
            fixed_iv: self.server_write_iv.0.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_suites_have_params_and_key_block_lengths() {
        for suite in CipherSuite::SUPPORTED {
            assert_eq!(params(suite).map(|p| p.suite), Some(suite));
        }
        assert!(params(CipherSuite::TLS_RSA_WITH_AES_256_CBC_SHA).is_none());
        let len = |s| params(s).map(KeyBlock::len);
        assert_eq!(len(CipherSuite::TLS_RSA_WITH_AES_256_GCM_SHA384), Some(72));
        assert_eq!(len(CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256), Some(40));
        // RFC 5246 section 6.3: no write IVs for explicit-IV (CBC) suites.
        assert_eq!(len(CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA256), Some(96));
        assert_eq!(len(CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA), Some(72));
    }

    #[test]
    fn split_takes_the_rfc_order_and_rejects_other_lengths() {
        let Some(p) = params(CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256) else {
            panic!("gcm params")
        };
        let block: Vec<u8> = (0..40).collect();
        let kb = KeyBlock::split(&block, p).expect("split");
        assert!(kb.client_write_mac_key.is_empty() && kb.server_write_mac_key.is_empty());
        assert_eq!(kb.client_write_key.0, (0..16).collect::<Vec<u8>>());
        assert_eq!(kb.server_write_key.0, (16..32).collect::<Vec<u8>>());
        assert_eq!(kb.client_write_iv.0, vec![32, 33, 34, 35]);
        assert_eq!(kb.server_write_iv.0, vec![36, 37, 38, 39]);
        assert!(KeyBlock::split(&block[..39], p).is_none());
        assert!(KeyBlock::split(&[0; 41], p).is_none());
    }
}
