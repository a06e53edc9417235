//! Record protection: `TLSCompressed` to `TLSCiphertext.fragment` and back.
//!
//! - AES-128-GCM and AES-256-GCM: RFC 5246 section 6.2.3.3 (AEAD ciphers) with the nonce of
//!   RFC 5288 section 3.
//! - ChaCha20-Poly1305: the same AEAD construction with the nonce of RFC 7905 section 2.
//! - AES-128-CBC with HMAC: RFC 5246 section 6.2.3.2 (CBC block cipher), MAC-then-encrypt.
//! - TLS 1.3 (RFC 8446 section 5.2): the same AEADs, the nonce the write IV XOR the sequence
//!   number (section 5.3), the additional data the record header alone. The plaintext given
//!   and returned is the TLSInnerPlaintext (content, type, padding): `crate::tls13::record`
//!   builds and reads it.
//!
//! One [`RecordProtector`] protects one direction of a connection and keeps that direction's
//! sequence number (RFC 5246 section 6.1: "Each connection state contains a sequence number,
//! which is maintained separately for read and write states. The sequence number MUST be set to
//! zero whenever a connection state is made the active state.").
//!
//! Opening fails with one error, [`CipherError::BadRecordMac`], whatever went wrong (RFC 5246
//! section 7.2.2: bad_record_mac is "returned if a record is received that cannot be
//! deciphered"), so a peer learns nothing about which check failed.

use core::fmt;

use aes::Aes128;
use aes_gcm::aead::{AeadInOut, KeyInit, Nonce, Tag};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use chacha20poly1305::ChaCha20Poly1305;
use subtle::{
    Choice, ConditionallySelectable, ConstantTimeEq, ConstantTimeGreater, ConstantTimeLess,
};

use super::suite::{Bulk, DirectionKeys, SuiteParams};
use crate::bytes::Bytes;
use crate::msgs::enums::{AlertDescription, ContentType};
use crate::msgs::handshake::KeyExchange;
use crate::rng::RandomSource;
use crate::timeline::{CbcRecord, GcmRecord, MacAlgorithm, Protection};

// The record layer's limits (RFC 5246 sections 6.2.1 and 6.2.3). Longer fragments are not
// opened; the deframer sends record_overflow before they get here.
use crate::record::{MAX_CIPHERTEXT as MAX_CIPHERTEXT_LEN, MAX_PLAINTEXT as MAX_PLAINTEXT_LEN};

/// The AEAD ciphers: AES-GCM with the suite's key size, and ChaCha20-Poly1305. All take a
/// 12-byte nonce and give a 16-byte tag.
enum Aead {
    Aes128(Aes128Gcm),
    Aes256(Aes256Gcm),
    ChaCha(ChaCha20Poly1305),
}

impl Aead {
    /// Encrypts `buffer` in place; the tag.
    fn seal(
        &self,
        nonce: [u8; 12],
        aad: &[u8],
        buffer: &mut [u8],
    ) -> Result<Tag<Aes128Gcm>, aes_gcm::Error> {
        match self {
            Aead::Aes128(c) => {
                c.encrypt_inout_detached(&Nonce::<Aes128Gcm>::from(nonce), aad, buffer.into())
            }
            Aead::Aes256(c) => {
                c.encrypt_inout_detached(&Nonce::<Aes256Gcm>::from(nonce), aad, buffer.into())
            }
            Aead::ChaCha(c) => c.encrypt_inout_detached(
                &Nonce::<ChaCha20Poly1305>::from(nonce),
                aad,
                buffer.into(),
            ),
        }
    }

    /// Decrypts `buffer` in place if `tag` authenticates it.
    fn open(
        &self,
        nonce: [u8; 12],
        aad: &[u8],
        buffer: &mut [u8],
        tag: &Tag<Aes128Gcm>,
    ) -> Result<(), aes_gcm::Error> {
        match self {
            Aead::Aes128(c) => {
                c.decrypt_inout_detached(&Nonce::<Aes128Gcm>::from(nonce), aad, buffer.into(), tag)
            }
            Aead::Aes256(c) => {
                c.decrypt_inout_detached(&Nonce::<Aes256Gcm>::from(nonce), aad, buffer.into(), tag)
            }
            Aead::ChaCha(c) => c.decrypt_inout_detached(
                &Nonce::<ChaCha20Poly1305>::from(nonce),
                aad,
                buffer.into(),
                tag,
            ),
        }
    }
}

const AES_BLOCK: usize = 16;
/// GCM's tag and Poly1305's.
const AEAD_TAG_LEN: usize = 16;
const GCM_EXPLICIT_NONCE_LEN: usize = 8;
const GCM_FIXED_IV_LEN: usize = 4;

/// Why a record could not be protected or opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CipherError {
    /// Opening failed: the fragment is too short or badly sized, the tag or MAC does not verify,
    /// or the CBC padding is malformed. Deliberately one value for all of these.
    BadRecordMac,
    /// The plaintext given to seal is longer than 2^14 bytes.
    PlaintextTooLong,
    /// The sequence number would wrap (RFC 5246 section 6.1: "Sequence numbers do not wrap.").
    SequenceExhausted,
    /// The keys do not have the lengths the suite needs (a bug in the caller, not the peer).
    InvalidKeys,
}

impl CipherError {
    /// The alert to send for this error.
    pub fn alert(self) -> AlertDescription {
        match self {
            CipherError::BadRecordMac => AlertDescription::BadRecordMac,
            CipherError::PlaintextTooLong
            | CipherError::SequenceExhausted
            | CipherError::InvalidKeys => AlertDescription::InternalError,
        }
    }
}

impl fmt::Display for CipherError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CipherError::BadRecordMac => "record could not be deciphered (bad_record_mac)",
            CipherError::PlaintextTooLong => "plaintext longer than 2^14 bytes",
            CipherError::SequenceExhausted => "sequence number exhausted",
            CipherError::InvalidKeys => "record keys have the wrong lengths for the suite",
        })
    }
}

impl std::error::Error for CipherError {}

/// A protected record: the `TLSCiphertext.fragment` to send, and how it was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    pub fragment: Vec<u8>,
    pub detail: Protection,
}

/// An opened record: the plaintext fragment, and how it was checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    pub plaintext: Vec<u8>,
    pub detail: Protection,
}

/// Protects (or opens) the records of one direction with its keys and sequence number.
#[derive(Clone, Debug)]
pub struct RecordProtector {
    params: &'static SuiteParams,
    keys: DirectionKeys,
    seq: u64,
}

/// `seq_num + type + version + length`: the GCM additional data (RFC 5246 section 6.2.3.3) and
/// the MAC header (section 6.2.3.1), which have the same layout.
fn record_header(seq: u64, content_type: ContentType, version: [u8; 2], len: usize) -> Vec<u8> {
    let mut h = Vec::with_capacity(13);
    h.extend_from_slice(&seq.to_be_bytes());
    h.push(content_type.to_wire());
    h.extend_from_slice(&version);
    // Callers bound `len` by MAX_CIPHERTEXT_LEN < 2^16, so the conversion always succeeds.
    h.extend_from_slice(&u16::try_from(len).unwrap_or(u16::MAX).to_be_bytes());
    h
}

impl RecordProtector {
    /// A protector for one direction, with its sequence number at zero.
    pub fn new(params: &'static SuiteParams, keys: DirectionKeys) -> Self {
        RecordProtector {
            params,
            keys,
            seq: 0,
        }
    }

    pub fn params(&self) -> &'static SuiteParams {
        self.params
    }

    /// The sequence number the next record will use.
    pub fn sequence_number(&self) -> u64 {
        self.seq
    }

    /// Protects one record's plaintext (`TLSCompressed.fragment`, null compression) and returns
    /// the `TLSCiphertext.fragment`. CBC draws its explicit IV from `rng`; GCM draws nothing.
    pub fn seal(
        &mut self,
        content_type: ContentType,
        version: [u8; 2],
        plaintext: &[u8],
        rng: &mut dyn RandomSource,
    ) -> Result<Sealed, CipherError> {
        if plaintext.len() > MAX_PLAINTEXT_LEN {
            return Err(CipherError::PlaintextTooLong);
        }
        let next = self
            .seq
            .checked_add(1)
            .ok_or(CipherError::SequenceExhausted)?;
        let sealed = match (self.params.bulk, self.params.mac) {
            (Bulk::Aes128Gcm | Bulk::Aes256Gcm | Bulk::ChaCha20Poly1305, _) => {
                self.seal_aead(content_type, version, plaintext)?
            }
            (Bulk::Aes128Cbc, Some(mac)) => {
                self.seal_cbc(mac, content_type, version, plaintext, rng)?
            }
            (Bulk::Aes128Cbc, None) => return Err(CipherError::InvalidKeys),
        };
        self.seq = next;
        Ok(sealed)
    }

    /// Opens one record's `TLSCiphertext.fragment`. Every failure caused by the fragment is
    /// [`CipherError::BadRecordMac`]; the sequence number advances only on success.
    pub fn open(
        &mut self,
        content_type: ContentType,
        version: [u8; 2],
        fragment: &[u8],
    ) -> Result<Opened, CipherError> {
        let next = self
            .seq
            .checked_add(1)
            .ok_or(CipherError::SequenceExhausted)?;
        if fragment.len() > MAX_CIPHERTEXT_LEN {
            return Err(CipherError::BadRecordMac);
        }
        let opened = match (self.params.bulk, self.params.mac) {
            (Bulk::Aes128Gcm | Bulk::Aes256Gcm | Bulk::ChaCha20Poly1305, _) => {
                self.open_aead(content_type, version, fragment)?
            }
            (Bulk::Aes128Cbc, Some(mac)) => self.open_cbc(mac, content_type, version, fragment)?,
            (Bulk::Aes128Cbc, None) => return Err(CipherError::InvalidKeys),
        };
        self.seq = next;
        Ok(opened)
    }

    fn aead(&self) -> Result<Aead, CipherError> {
        let key = &self.keys.enc_key;
        match self.params.bulk {
            Bulk::Aes256Gcm => Aes256Gcm::new_from_slice(key).map(Aead::Aes256),
            Bulk::ChaCha20Poly1305 => ChaCha20Poly1305::new_from_slice(key).map(Aead::ChaCha),
            _ => Aes128Gcm::new_from_slice(key).map(Aead::Aes128),
        }
        .map_err(|_| CipherError::InvalidKeys)
    }

    /// The record's nonce from the write IV and the explicit part the record carries (GCM's
    /// 8 bytes in TLS 1.2; none for ChaCha20-Poly1305 and in TLS 1.3).
    ///
    /// - RFC 5288 section 3: `GCMNonce { opaque salt[4]; opaque nonce_explicit[8]; }`, the
    ///   salt being the write IV.
    /// - RFC 7905 section 2: "The 64-bit record sequence number is serialized as an 8-byte,
    ///   big-endian value and padded on the left with four 0x00 bytes. The padded sequence
    ///   number is XORed with the client_write_IV (when the client is sending) or
    ///   server_write_IV (when the server is sending)."
    /// - RFC 8446 section 5.3: the same, for every TLS 1.3 AEAD.
    fn nonce(&self, explicit: &[u8]) -> Result<[u8; 12], CipherError> {
        let iv = &self.keys.fixed_iv;
        match self.params.record_iv_len {
            0 => <[u8; 12]>::try_from(iv.as_slice())
                .map(|iv| chacha_nonce(iv, self.seq))
                .map_err(|_| CipherError::InvalidKeys),
            _ => {
                let salt = <[u8; GCM_FIXED_IV_LEN]>::try_from(iv.as_slice())
                    .map_err(|_| CipherError::InvalidKeys)?;
                let explicit = <[u8; GCM_EXPLICIT_NONCE_LEN]>::try_from(explicit)
                    .map_err(|_| CipherError::BadRecordMac)?;
                Ok(gcm_nonce(salt, explicit))
            }
        }
    }

    /// The AEAD's additional data for a record of `plaintext_len` bytes sent as a fragment of
    /// `fragment_len`: TLS 1.2's `seq_num + type + version + length` (RFC 5246 section
    /// 6.2.3.3), or TLS 1.3's record header, `opaque_type || legacy_record_version || length`
    /// (RFC 8446 section 5.2).
    fn additional_data(
        &self,
        content_type: ContentType,
        version: [u8; 2],
        plaintext_len: usize,
        fragment_len: usize,
    ) -> Vec<u8> {
        if self.params.kx == KeyExchange::KeyShare {
            record_header(self.seq, content_type, version, fragment_len).split_off(8)
        } else {
            record_header(self.seq, content_type, version, plaintext_len)
        }
    }

    /// The record's details, as GCM or ChaCha20-Poly1305 shows them.
    fn aead_detail(&self, record: GcmRecord) -> Protection {
        match self.params.bulk {
            Bulk::ChaCha20Poly1305 => Protection::ChaCha20Poly1305(record),
            _ => Protection::Gcm(record),
        }
    }

    /// RFC 5246 section 6.2.3.3:
    ///
    /// ```text
    /// additional_data = seq_num + TLSCompressed.type +
    ///                   TLSCompressed.version + TLSCompressed.length;
    /// AEADEncrypted = AEAD-Encrypt(write_key, nonce, plaintext,
    ///                              additional_data)
    /// ```
    ///
    /// The fragment is `nonce_explicit || ciphertext || tag`. RFC 5288 section 3: "The
    /// nonce_explicit MAY be the 64-bit sequence number." (as OpenSSL does); ChaCha20-Poly1305
    /// sends none (`record_iv_length` 0).
    fn seal_aead(
        &self,
        content_type: ContentType,
        version: [u8; 2],
        plaintext: &[u8],
    ) -> Result<Sealed, CipherError> {
        let cipher = self.aead()?;
        let seq = self.seq.to_be_bytes();
        let explicit = seq
            .get(..self.params.record_iv_len)
            .ok_or(CipherError::InvalidKeys)?;
        let nonce = self.nonce(explicit)?;
        let additional_data = self.additional_data(
            content_type,
            version,
            plaintext.len(),
            plaintext.len() + AEAD_TAG_LEN,
        );
        let mut ciphertext = plaintext.to_vec();
        let tag = cipher
            .seal(nonce, &additional_data, &mut ciphertext)
            // Only fails beyond the ciphers' limits (2^36 bytes and more); records are 2^14.
            .map_err(|_| CipherError::PlaintextTooLong)?;
        let fragment = [explicit, &ciphertext, &tag].concat();
        Ok(Sealed {
            fragment,
            detail: self.aead_detail(GcmRecord {
                seq_num: self.seq,
                nonce_explicit: Bytes::from(explicit),
                nonce: Bytes::from(&nonce[..]),
                additional_data: Bytes(additional_data),
                plaintext: Bytes::from(plaintext),
                ciphertext: Bytes(ciphertext),
                tag: Bytes::from(tag.as_slice()),
            }),
        })
    }

    /// RFC 5246 section 6.2.3.3: "In order to decrypt and verify, the cipher takes as input the
    /// key, nonce, additional_data, and the AEADEncrypted value. ... If the decryption fails, a
    /// fatal bad_record_mac alert MUST be generated." The plaintext length in additional_data is
    /// the fragment length minus the explicit nonce and the tag.
    fn open_aead(
        &self,
        content_type: ContentType,
        version: [u8; 2],
        fragment: &[u8],
    ) -> Result<Opened, CipherError> {
        let cipher = self.aead()?;
        let (explicit, rest) = fragment
            .split_at_checked(self.params.record_iv_len)
            .ok_or(CipherError::BadRecordMac)?;
        let body_len = rest
            .len()
            .checked_sub(AEAD_TAG_LEN)
            .ok_or(CipherError::BadRecordMac)?;
        let (ciphertext, tag) = rest
            .split_at_checked(body_len)
            .ok_or(CipherError::BadRecordMac)?;
        let tag_array = Tag::<Aes128Gcm>::try_from(tag).map_err(|_| CipherError::BadRecordMac)?;
        let nonce = self.nonce(explicit)?;
        let additional_data =
            self.additional_data(content_type, version, ciphertext.len(), fragment.len());
        let mut plaintext = ciphertext.to_vec();
        cipher
            .open(nonce, &additional_data, &mut plaintext, &tag_array)
            .map_err(|_| CipherError::BadRecordMac)?;
        Ok(Opened {
            detail: self.aead_detail(GcmRecord {
                seq_num: self.seq,
                nonce_explicit: Bytes::from(explicit),
                nonce: Bytes::from(&nonce[..]),
                additional_data: Bytes(additional_data),
                plaintext: Bytes::from(plaintext.as_slice()),
                ciphertext: Bytes::from(ciphertext),
                tag: Bytes::from(tag),
            }),
            plaintext,
        })
    }

    /// RFC 5246 section 6.2.3.2:
    ///
    /// ```text
    /// struct {
    ///     opaque IV[SecurityParameters.record_iv_length];
    ///     block-ciphered struct {
    ///         opaque content[TLSCompressed.length];
    ///         opaque MAC[SecurityParameters.mac_length];
    ///         uint8 padding[GenericBlockCipher.padding_length];
    ///         uint8 padding_length;
    ///     };
    /// } GenericBlockCipher;
    /// ```
    ///
    /// with the MAC of section 6.2.3.1:
    ///
    /// ```text
    /// MAC(MAC_write_key, seq_num +
    ///                       TLSCompressed.type +
    ///                       TLSCompressed.version +
    ///                       TLSCompressed.length +
    ///                       TLSCompressed.fragment);
    /// ```
    ///
    /// "The Initialization Vector (IV) SHOULD be chosen at random" (drawn from `rng`). The
    /// padding is the shortest that makes the block-ciphered part a multiple of 16 bytes ("Each
    /// uint8 in the padding data vector MUST be filled with the padding length value").
    fn seal_cbc(
        &self,
        mac_algorithm: MacAlgorithm,
        content_type: ContentType,
        version: [u8; 2],
        plaintext: &[u8],
        rng: &mut dyn RandomSource,
    ) -> Result<Sealed, CipherError> {
        self.check_cbc_keys(mac_algorithm)?;
        let mac_header = record_header(self.seq, content_type, version, plaintext.len());
        let mac = mac_algorithm.mac(&self.keys.mac_key, &[&mac_header, plaintext]);
        let unpadded = plaintext.len() + mac.len() + 1;
        let padding_length = (AES_BLOCK - unpadded % AES_BLOCK) % AES_BLOCK;
        // padding_length < 16, so it fits in a byte.
        let padding = vec![padding_length as u8; padding_length + 1];

        let mut iv = [0u8; AES_BLOCK];
        rng.fill(&mut iv);

        let mut buf = Vec::with_capacity(unpadded + padding_length);
        buf.extend_from_slice(plaintext);
        buf.extend_from_slice(&mac);
        buf.extend_from_slice(&padding);
        let msg_len = buf.len();
        let encryptor = cbc::Encryptor::<Aes128>::new_from_slices(&self.keys.enc_key, &iv)
            .map_err(|_| CipherError::InvalidKeys)?;
        let ciphertext = encryptor
            .encrypt_padded::<NoPadding>(&mut buf, msg_len)
            // The buffer is a whole number of blocks by construction.
            .map_err(|_| CipherError::InvalidKeys)?
            .to_vec();

        let mut fragment = Vec::with_capacity(iv.len() + ciphertext.len());
        fragment.extend_from_slice(&iv);
        fragment.extend_from_slice(&ciphertext);
        Ok(Sealed {
            fragment,
            detail: Protection::Cbc(CbcRecord {
                seq_num: self.seq,
                mac_algorithm,
                iv: Bytes::from(&iv[..]),
                mac_header: Bytes(mac_header),
                mac: Bytes(mac),
                padding: Bytes(padding),
                plaintext: Bytes::from(plaintext),
                ciphertext: Bytes(ciphertext),
            }),
        })
    }

    /// Decrypts, then checks padding and MAC together without revealing which failed.
    ///
    /// RFC 5246 section 6.2.3.2: "implementations MUST ensure that record processing time is
    /// essentially the same whether or not the padding is correct. In general, the best way to
    /// do this is to compute the MAC even if the padding is incorrect, and only then reject the
    /// packet. For instance, if the pad appears to be incorrect, the implementation might assume
    /// a zero-length pad and then compute the MAC." That is what this does: the padding check is
    /// constant-time over the last 256 bytes, a bad pad is replaced by a zero-length one, the MAC
    /// is always computed and compared in constant time. As the RFC notes, "This leaves a small
    /// timing channel" (the MAC input length depends on the pad; Lucky Thirteen), which this
    /// teaching implementation does not close.
    fn open_cbc(
        &self,
        mac_algorithm: MacAlgorithm,
        content_type: ContentType,
        version: [u8; 2],
        fragment: &[u8],
    ) -> Result<Opened, CipherError> {
        self.check_cbc_keys(mac_algorithm)?;
        let mac_len = mac_algorithm.output_len();
        let (iv, ciphertext) = fragment
            .split_at_checked(AES_BLOCK)
            .ok_or(CipherError::BadRecordMac)?;
        // Public length checks: whole blocks, room for the MAC and the padding_length byte.
        if ciphertext.is_empty()
            || ciphertext.len() % AES_BLOCK != 0
            || ciphertext.len() < mac_len + 1
        {
            return Err(CipherError::BadRecordMac);
        }
        let decryptor = cbc::Decryptor::<Aes128>::new_from_slices(&self.keys.enc_key, iv)
            .map_err(|_| CipherError::InvalidKeys)?;
        let mut buf = ciphertext.to_vec();
        let decrypted = decryptor
            .decrypt_padded::<NoPadding>(&mut buf)
            .map_err(|_| CipherError::BadRecordMac)?;
        let total = decrypted.len();
        let pad = *decrypted.last().ok_or(CipherError::BadRecordMac)?;

        // padding_length + 1 + mac_len must fit in the record ...
        let fits = !(u64::from(pad) + 1 + mac_len as u64).ct_gt(&(total as u64));
        // ... and each of the last padding_length + 1 bytes must equal padding_length.
        let mut pad_ok = fits;
        for (i, byte) in decrypted.iter().rev().take(256).enumerate() {
            let in_pad = (i as u64).ct_lt(&(u64::from(pad) + 1));
            pad_ok &= !(in_pad & !byte.ct_eq(&pad));
        }
        let effective_pad = u8::conditional_select(&0, &pad, pad_ok);
        let content_len = total
            .checked_sub(usize::from(effective_pad) + 1 + mac_len)
            .ok_or(CipherError::BadRecordMac)?;
        let (content, rest) = decrypted
            .split_at_checked(content_len)
            .ok_or(CipherError::BadRecordMac)?;
        let (received_mac, padding) = rest
            .split_at_checked(mac_len)
            .ok_or(CipherError::BadRecordMac)?;
        let mac_header = record_header(self.seq, content_type, version, content_len);
        let mac = mac_algorithm.mac(&self.keys.mac_key, &[&mac_header, content]);
        let ok: Choice = pad_ok & mac.as_slice().ct_eq(received_mac);
        if !bool::from(ok) {
            return Err(CipherError::BadRecordMac);
        }
        Ok(Opened {
            plaintext: content.to_vec(),
            detail: Protection::Cbc(CbcRecord {
                seq_num: self.seq,
                mac_algorithm,
                iv: Bytes::from(iv),
                mac_header: Bytes(mac_header),
                mac: Bytes(mac),
                padding: Bytes::from(padding),
                plaintext: Bytes::from(content),
                ciphertext: Bytes::from(ciphertext),
            }),
        })
    }

    fn check_cbc_keys(&self, mac_algorithm: MacAlgorithm) -> Result<(), CipherError> {
        if self.keys.enc_key.len() != self.params.enc_key_len
            || self.keys.mac_key.len() != self.params.mac_key_len
            || self.params.mac_key_len != mac_algorithm.output_len()
        {
            return Err(CipherError::InvalidKeys);
        }
        Ok(())
    }
}

/// RFC 5288 section 3: `struct { opaque salt[4]; opaque nonce_explicit[8]; } GCMNonce;`
/// RFC 7905 section 2: the write IV XOR the sequence number, left-padded to 12 bytes.
fn chacha_nonce(iv: [u8; 12], seq: u64) -> [u8; 12] {
    let mut nonce = iv;
    for (n, s) in nonce[4..].iter_mut().zip(seq.to_be_bytes()) {
        *n ^= s;
    }
    nonce
}

fn gcm_nonce(salt: [u8; GCM_FIXED_IV_LEN], explicit: [u8; GCM_EXPLICIT_NONCE_LEN]) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[..GCM_FIXED_IV_LEN].copy_from_slice(&salt);
    nonce[GCM_FIXED_IV_LEN..].copy_from_slice(&explicit);
    nonce
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::suite::params;
    use crate::crypto::test_support::ZeroRandom;
    use crate::msgs::enums::CipherSuite;
    use crate::rng::Drbg;
    use crate::timeline::KeyBlock;

    const V12: [u8; 2] = [3, 3];

    #[test]
    fn chacha_nonce_is_the_iv_xor_the_padded_sequence_number() {
        let iv = [0xa0; 12];
        assert_eq!(chacha_nonce(iv, 0), iv);
        let n = chacha_nonce(iv, 0x0102_0304_0506_0708);
        assert_eq!(n[..4], [0xa0; 4]);
        assert_eq!(n[4..], [0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8]);
    }

    fn pair(suite: CipherSuite, seed: u64) -> (RecordProtector, RecordProtector) {
        let p = params(suite).expect("supported suite");
        let block = Drbg::from_u64(seed).bytes(KeyBlock::len(p));
        let kb = KeyBlock::split(&block, p).expect("split");
        (
            RecordProtector::new(p, kb.client_keys()),
            RecordProtector::new(p, kb.client_keys()),
        )
    }

    #[test]
    fn round_trip_all_suites_and_sequence_numbers_advance() {
        let mut rng = Drbg::from_u64(1);
        for suite in CipherSuite::SUPPORTED {
            let (mut writer, mut reader) = pair(suite, 2);
            let max = vec![0x5a; MAX_PLAINTEXT_LEN];
            let records: [(ContentType, &[u8]); 5] = [
                (ContentType::Handshake, b"\x14\x00\x00\x0c0123456789ab"),
                (ContentType::ApplicationData, b""),
                (ContentType::ApplicationData, b"x"),
                (ContentType::Alert, b"\x01\x00"),
                (ContentType::ApplicationData, &max),
            ];
            for (i, (ct, plaintext)) in records.into_iter().enumerate() {
                assert_eq!(writer.sequence_number(), i as u64);
                let sealed = writer.seal(ct, V12, plaintext, &mut rng).expect("seal");
                let opened = reader.open(ct, V12, &sealed.fragment).expect("open");
                assert_eq!(opened.plaintext, plaintext, "{suite:?} record {i}");
                // Both sides computed (and show) the same values.
                assert_eq!(opened.detail, sealed.detail);
                assert_eq!(reader.sequence_number(), i as u64 + 1);
                match &sealed.detail {
                    Protection::Gcm(GcmRecord {
                        seq_num,
                        nonce_explicit,
                        nonce,
                        additional_data,
                        tag,
                        ..
                    }) => {
                        assert_eq!(*seq_num, i as u64);
                        assert_eq!(nonce_explicit.0, (i as u64).to_be_bytes());
                        assert_eq!(nonce.len(), 12);
                        assert_eq!(additional_data.len(), 13);
                        assert_eq!(tag.len(), 16);
                        assert_eq!(sealed.fragment.len(), 8 + plaintext.len() + 16);
                    }
                    Protection::ChaCha20Poly1305(GcmRecord {
                        seq_num,
                        nonce,
                        tag,
                        ..
                    }) => {
                        assert_eq!(*seq_num, i as u64);
                        // RFC 7905: the nonce is not sent (see chacha_nonce_is_the_iv_xor_seq).
                        assert_eq!(nonce.len(), 12);
                        assert_eq!(tag.len(), 16);
                        assert_eq!(sealed.fragment.len(), plaintext.len() + 16);
                    }
                    Protection::Cbc(CbcRecord {
                        seq_num,
                        iv,
                        mac,
                        padding,
                        ciphertext,
                        ..
                    }) => {
                        assert_eq!(*seq_num, i as u64);
                        assert_eq!(iv.len(), 16);
                        assert_eq!(mac.len(), params(suite).map_or(0, |p| p.mac_key_len));
                        assert!(
                            padding
                                .0
                                .iter()
                                .all(|&b| usize::from(b) + 1 == padding.len())
                        );
                        assert_eq!(ciphertext.len() % 16, 0);
                        assert_eq!(sealed.fragment.len(), 16 + ciphertext.len());
                    }
                }
            }
            // A record out of order (replayed) does not open.
            let sealed = writer
                .seal(ContentType::ApplicationData, V12, b"a", &mut rng)
                .expect("seal");
            let _ = writer
                .seal(ContentType::ApplicationData, V12, b"b", &mut rng)
                .expect("seal");
            let mut skipped = reader.clone();
            skipped.seq += 1;
            assert_eq!(
                skipped.open(ContentType::ApplicationData, V12, &sealed.fragment),
                Err(CipherError::BadRecordMac)
            );
            // Type and version are authenticated.
            assert!(
                reader
                    .clone()
                    .open(ContentType::Handshake, V12, &sealed.fragment)
                    .is_err()
            );
            assert!(
                reader
                    .clone()
                    .open(ContentType::ApplicationData, [3, 1], &sealed.fragment)
                    .is_err()
            );
            assert!(
                reader
                    .open(ContentType::ApplicationData, V12, &sealed.fragment)
                    .is_ok()
            );
        }
    }

    #[test]
    fn every_truncation_and_bit_flip_is_bad_record_mac() {
        let mut rng = Drbg::from_u64(3);
        for suite in CipherSuite::SUPPORTED {
            for len in [0usize, 1, 15, 16, 31, 40] {
                let (mut writer, mut reader) = pair(suite, 4);
                let plaintext: Vec<u8> = (0..len as u8).collect();
                let sealed = writer
                    .seal(ContentType::ApplicationData, V12, &plaintext, &mut rng)
                    .expect("seal");
                let fragment = &sealed.fragment;
                for cut in 0..fragment.len() {
                    assert_eq!(
                        reader.open(ContentType::ApplicationData, V12, &fragment[..cut]),
                        Err(CipherError::BadRecordMac),
                        "{suite:?} len {len} truncated to {cut}"
                    );
                }
                for bit in 0..fragment.len() * 8 {
                    let mut tampered = fragment.clone();
                    tampered[bit / 8] ^= 1 << (bit % 8);
                    assert_eq!(
                        reader.open(ContentType::ApplicationData, V12, &tampered),
                        Err(CipherError::BadRecordMac),
                        "{suite:?} len {len} bit {bit}"
                    );
                }
                let mut extended = fragment.clone();
                extended.push(0);
                assert!(
                    reader
                        .open(ContentType::ApplicationData, V12, &extended)
                        .is_err()
                );
                assert_eq!(reader.sequence_number(), 0, "failures do not advance");
                let opened = reader
                    .open(ContentType::ApplicationData, V12, fragment)
                    .expect("open");
                assert_eq!(opened.plaintext, plaintext);
            }
        }
    }

    #[test]
    fn arbitrary_fragments_never_panic() {
        let mut rng = Drbg::from_u64(5);
        for suite in CipherSuite::SUPPORTED {
            let (_, mut reader) = pair(suite, 6);
            for len in 0..=300 {
                for fragment in [vec![0u8; len], vec![0xff; len], rng.bytes(len)] {
                    assert_eq!(
                        reader.open(ContentType::ApplicationData, V12, &fragment),
                        Err(CipherError::BadRecordMac)
                    );
                }
            }
            assert_eq!(
                reader.open(
                    ContentType::ApplicationData,
                    V12,
                    &vec![0; MAX_CIPHERTEXT_LEN + 1]
                ),
                Err(CipherError::BadRecordMac)
            );
        }
    }

    /// GCM record layout check. Expected fragments computed with Python `cryptography`'s AESGCM
    /// (independent of this code and of the aes-gcm crate), from the RFC 5246 6.2.3.3 / RFC 5288
    /// layout: nonce = salt || seq, additional_data = seq || type || 0303 || length,
    /// fragment = seq || ciphertext || tag. Key 000102..0f, salt a0a1a2a3.
    #[test]
    fn gcm_known_answer() {
        let p = params(CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256).expect("params");
        let keys = DirectionKeys {
            mac_key: vec![],
            enc_key: (0..16).collect(),
            fixed_iv: vec![0xa0, 0xa1, 0xa2, 0xa3],
        };
        let finished: Vec<u8> = [vec![0x14, 0, 0, 12], (0..12).collect()].concat();
        let records: [(ContentType, &[u8], &str); 2] = [
            (
                ContentType::Handshake,
                &finished,
                "00000000000000009e5dce91478e366c57c32c2479c371ab82143e062462e6fe65bafa55ba3b6f1b",
            ),
            (
                ContentType::ApplicationData,
                b"hello, world\n",
                "00000000000000012e14709e03a85727e81e2a73d149bf1a2a02a83e4946984959dae7dd49",
            ),
        ];
        let mut writer = RecordProtector::new(p, keys.clone());
        let mut reader = RecordProtector::new(p, keys);
        for (ct, plaintext, expected) in records {
            let expected = crate::crypto::test_support::hex(expected);
            let sealed = writer
                .seal(ct, V12, plaintext, &mut ZeroRandom)
                .expect("seal");
            assert_eq!(sealed.fragment, expected);
            assert_eq!(
                reader.open(ct, V12, &expected).expect("open").plaintext,
                plaintext
            );
        }
    }

    /// Encrypts `content || mac || padding` exactly as given, to build records with unusual
    /// (valid or invalid) padding.
    fn cbc_record(keys: &DirectionKeys, iv: [u8; 16], mut inner: Vec<u8>) -> Vec<u8> {
        let len = inner.len();
        let ct = cbc::Encryptor::<Aes128>::new_from_slices(&keys.enc_key, &iv)
            .expect("keys")
            .encrypt_padded::<NoPadding>(&mut inner, len)
            .expect("whole blocks")
            .to_vec();
        [iv.to_vec(), ct].concat()
    }

    #[test]
    fn cbc_padding_is_checked_whatever_its_length() {
        for suite in [
            CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA,
            CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA256,
        ] {
            let p = params(suite).expect("params");
            let mac_alg = p.mac.expect("mac");
            let kb = KeyBlock::split(&Drbg::from_u64(7).bytes(KeyBlock::len(p)), p).expect("split");
            let keys = kb.client_keys();
            let content = b"GET / HTTP/1.1\r\n\r\n".to_vec();
            let header = record_header(0, ContentType::ApplicationData, V12, content.len());
            let mac = mac_alg.mac(&keys.mac_key, &[&header, &content]);
            let base = content.len() + mac.len() + 1;
            // A longer than minimal padding (RFC 5246 allows up to 255 bytes) is accepted.
            let pad_len = (16 - base % 16) % 16 + 32;
            let good = [
                content.clone(),
                mac.clone(),
                vec![pad_len as u8; pad_len + 1],
            ]
            .concat();
            let mut reader = RecordProtector::new(p, keys.clone());
            let opened = reader
                .clone()
                .open(
                    ContentType::ApplicationData,
                    V12,
                    &cbc_record(&keys, [9; 16], good.clone()),
                )
                .expect("long padding opens");
            assert_eq!(opened.plaintext, content);
            // One wrong padding byte anywhere in the padding fails, with the correct MAC.
            for i in 0..pad_len {
                let mut bad = good.clone();
                bad[content.len() + mac.len() + i] ^= 1;
                assert_eq!(
                    reader.open(
                        ContentType::ApplicationData,
                        V12,
                        &cbc_record(&keys, [9; 16], bad)
                    ),
                    Err(CipherError::BadRecordMac)
                );
            }
            // A padding_length larger than the record fails too.
            let mut huge = good.clone();
            let last = huge.len() - 1;
            huge[last] = 255;
            assert_eq!(
                reader.open(
                    ContentType::ApplicationData,
                    V12,
                    &cbc_record(&keys, [9; 16], huge)
                ),
                Err(CipherError::BadRecordMac)
            );
        }
    }

    #[test]
    fn seal_rejects_what_it_cannot_protect() {
        let mut rng = ZeroRandom;
        let (mut writer, _) = pair(CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256, 8);
        assert_eq!(
            writer.seal(
                ContentType::ApplicationData,
                V12,
                &vec![0; MAX_PLAINTEXT_LEN + 1],
                &mut rng
            ),
            Err(CipherError::PlaintextTooLong)
        );
        writer.seq = u64::MAX;
        assert_eq!(
            writer.seal(ContentType::ApplicationData, V12, b"", &mut rng),
            Err(CipherError::SequenceExhausted)
        );
        for suite in CipherSuite::SUPPORTED {
            let p = params(suite).expect("params");
            let keys = DirectionKeys {
                mac_key: vec![1; 3],
                enc_key: vec![2; 5],
                fixed_iv: vec![],
            };
            let mut bad = RecordProtector::new(p, keys);
            assert_eq!(
                bad.seal(ContentType::ApplicationData, V12, b"x", &mut rng),
                Err(CipherError::InvalidKeys)
            );
            assert_eq!(
                bad.open(ContentType::ApplicationData, V12, &[0; 64]),
                Err(CipherError::InvalidKeys)
            );
        }
        assert_eq!(
            CipherError::BadRecordMac.alert(),
            AlertDescription::BadRecordMac
        );
    }

    #[test]
    fn protection_serializes_with_kind_and_hex() {
        let mut rng = ZeroRandom;
        let (mut writer, _) = pair(CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256, 9);
        let sealed = writer
            .seal(ContentType::Alert, V12, b"\x01\x00", &mut rng)
            .expect("seal");
        let json = serde_json::to_value(&sealed.detail).expect("json");
        assert_eq!(json["kind"], "gcm");
        assert_eq!(json["nonce_explicit"], "0000000000000000");
        assert_eq!(
            json["additional_data"],
            "000000000000000015030300 02".replace(' ', "")
        );
        assert_eq!(json["plaintext"], "0100");
        let (mut writer, _) = pair(CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA, 9);
        let sealed = writer
            .seal(ContentType::Alert, V12, b"\x01\x00", &mut rng)
            .expect("seal");
        let json = serde_json::to_value(&sealed.detail).expect("json");
        assert_eq!(json["kind"], "cbc");
        assert_eq!(json["mac_algorithm"], "hmac_sha1");
        assert_eq!(json["iv"], "00".repeat(16));
        // 2 + 20 + 1 = 23 bytes: 9 padding bytes of value 9 plus the length byte.
        assert_eq!(json["padding"], "09".repeat(10));
    }
}
