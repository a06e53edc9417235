//! RSA key exchange: the premaster secret, encrypted with RSAES-PKCS1-v1_5.
//!
//! RFC 5246 section 7.4.7.1:
//!
//! ```text
//! struct {
//!     ProtocolVersion client_version;
//!     opaque random[46];
//! } PreMasterSecret;
//!
//! struct {
//!     public-key-encrypted PreMasterSecret pre_master_secret;
//! } EncryptedPreMasterSecret;
//! ```
//!
//! The client builds the PKCS#1 v1.5 block itself (RFC 8017 section 7.2.1) so the visualizer can
//! show it, then applies the raw RSA public operation. The server decrypts with the `rsa` crate
//! (constant-time, implicit rejection) and applies the section 7.4.7.1 countermeasure against
//! Bleichenbacher's attack.

use core::fmt;

use rsa::hazmat::rsa_encrypt;
use rsa::traits::PublicKeyParts;
use rsa::{BoxedUint, PrivateKey, PublicKey};
use subtle::{Choice, ConditionallySelectable};

use crate::bytes::Bytes;
use crate::rng::{CryptoRngAdapter, Drbg, RandomSource};
use crate::timeline::PremasterEncryption;

/// RFC 5246 section 8.1.1: "a 48-byte pre_master_secret".
pub const PREMASTER_LEN: usize = 48;

/// RFC 8017 section 7.2.1: "PS ... The length of PS will be at least eight octets."
pub const MIN_PS_LEN: usize = 8;

/// How many times one padding byte is redrawn while the random source keeps returning zero.
/// A real source returns 64 zero bytes in a row with probability 2^-512; a source that does is
/// broken (for example an all-zero test source) and gets an error instead of an endless loop.
const MAX_REDRAWS_PER_BYTE: usize = 64;

/// Why the premaster secret could not be encrypted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KxError {
    /// The modulus is too short for a 48-byte message: RFC 8017 section 7.2.1 needs
    /// `mLen <= k - 11`.
    KeyTooSmall,
    /// The block to encrypt is not exactly as long as the modulus, or not below it.
    BlockOutOfRange,
    /// The random source kept returning zero bytes for the non-zero padding string.
    RandomSourceStuck,
    /// The RSA operation itself failed.
    Rsa,
}

impl fmt::Display for KxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KxError::KeyTooSmall => "RSA modulus too short for a 48-byte premaster secret",
            KxError::BlockOutOfRange => "block to encrypt does not match the RSA modulus",
            KxError::RandomSourceStuck => "random source returned only zero bytes",
            KxError::Rsa => "RSA operation failed",
        })
    }
}

impl std::error::Error for KxError {}

/// Bit length of the RSA modulus.
pub fn rsa_public_key_bits(key: &PublicKey) -> usize {
    key.n().bit_width() as usize
}

/// The client side of RFC 5246 section 7.4.7.1: "the client generates a 48-byte premaster
/// secret, encrypts it using the public key from the server's certificate, and sends the result
/// in an encrypted premaster secret message."
///
/// `client_version` is "The latest (newest) version supported by the client", the version of
/// ClientHello (not the negotiated one). The PKCS#1 block is RFC 8017 section 7.2.1 step 2:
///
/// ```text
/// EM = 0x00 || 0x02 || PS || 0x00 || M
/// ```
///
/// "Generate an octet string PS of length k - mLen - 3 consisting of pseudo-randomly generated
/// nonzero octets." Then RSAEP and I2OSP (steps 3.a-3.c), see [`rsa_encrypt_raw`].
///
/// Randomness drawn from `rng`, in order: the 46 premaster bytes, then the padding string
/// (zero bytes redrawn one at a time).
pub fn encrypt_premaster(
    server_key: &PublicKey,
    client_version: [u8; 2],
    rng: &mut dyn RandomSource,
) -> Result<PremasterEncryption, KxError> {
    let k = server_key.size();
    let ps_len = k
        .checked_sub(PREMASTER_LEN + 3)
        .filter(|&n| n >= MIN_PS_LEN)
        .ok_or(KxError::KeyTooSmall)?;

    let mut premaster = [0u8; PREMASTER_LEN];
    premaster[..2].copy_from_slice(&client_version);
    rng.fill(&mut premaster[2..]);

    let mut ps = vec![0u8; ps_len];
    rng.fill(&mut ps);
    for byte in ps.iter_mut() {
        let mut redraws = 0;
        while *byte == 0 {
            if redraws == MAX_REDRAWS_PER_BYTE {
                return Err(KxError::RandomSourceStuck);
            }
            rng.fill(core::slice::from_mut(byte));
            redraws += 1;
        }
    }

    let mut em = Vec::with_capacity(k);
    em.extend_from_slice(&[0x00, 0x02]);
    em.extend_from_slice(&ps);
    em.push(0x00);
    em.extend_from_slice(&premaster);

    let ciphertext = rsa_encrypt_raw(server_key, &em)?;
    Ok(PremasterEncryption {
        premaster: Bytes::from(&premaster[..]),
        pkcs1_block: Bytes(em),
        ciphertext: Bytes(ciphertext),
        modulus_bits: rsa_public_key_bits(server_key),
        modulus: Bytes::from(&*server_key.n_bytes()),
        public_exponent: Bytes::from(&*server_key.e_bytes()),
    })
}

/// RSAEP with the octet-string conversions, RFC 8017 section 7.2.1 step 3:
///
/// ```text
/// a. m = OS2IP (EM)
/// b. c = RSAEP ((n, e), m)      (c = m^e mod n)
/// c. C = I2OSP (c, k)
/// ```
///
/// `block` must be exactly `k` bytes (the modulus length) and, as an integer, below `n`. Any
/// block is accepted, padded or not, so scenarios can also encrypt malformed ones.
pub fn rsa_encrypt_raw(server_key: &PublicKey, block: &[u8]) -> Result<Vec<u8>, KxError> {
    let k = server_key.size();
    if block.len() != k {
        return Err(KxError::BlockOutOfRange);
    }
    let m = BoxedUint::from_be_slice(block, server_key.n_bits_precision())
        .map_err(|_| KxError::BlockOutOfRange)?;
    if m >= *server_key.n().as_ref() {
        return Err(KxError::BlockOutOfRange);
    }
    let c = rsa_encrypt(server_key, &m).map_err(|_| KxError::Rsa)?;
    // I2OSP(c, k): `to_be_bytes` gives the full storage width (at least k bytes); c < n < 256^k,
    // so everything before the last k bytes is zero.
    let wide = c.to_be_bytes();
    let (high, low) = wide
        .split_at_checked(wide.len().checked_sub(k).ok_or(KxError::Rsa)?)
        .ok_or(KxError::Rsa)?;
    if high.iter().any(|&b| b != 0) {
        return Err(KxError::Rsa);
    }
    Ok(low.to_vec())
}

/// The server side of RFC 5246 section 7.4.7.1, with its countermeasure against
/// Bleichenbacher's attack:
///
/// ```text
/// 1. Generate a string R of 46 random bytes
/// 2. Decrypt the message to recover the plaintext M
/// 3. If the PKCS#1 padding is not correct, or the length of message
///    M is not exactly 48 bytes:
///       pre_master_secret = ClientHello.client_version || R
///    else If ClientHello.client_version <= TLS 1.0, and version
///    number check is explicitly disabled:
///       pre_master_secret = M
///    else:
///       pre_master_secret = ClientHello.client_version || M[2..47]
/// ```
///
/// "In any case, a TLS server MUST NOT generate an alert if processing an RSA-encrypted
/// premaster secret message fails, or the version number is not as expected." So this never
/// fails: a bad ciphertext only yields a premaster the client does not know, and the handshake
/// fails later at Finished. The version check is never disabled here; the version bytes of `M`
/// are always replaced by `client_version` (ClientHello.client_version).
///
/// R is drawn first, always. Then 32 more bytes seed a [`Drbg`] that supplies the RSA blinding
/// factors (so even an all-zero `rng` gives usable blinding; the rsa crate redraws a blinding
/// factor until it is invertible, which terminates for a generator whose output is not stuck).
/// The rsa crate's PKCS#1 v1.5 decryption implements implicit rejection
/// (draft-irtf-cfrg-rsa-guidance section 7.2): bad padding yields a synthetic message derived
/// from the private key and ciphertext instead of an error, without a padding-dependent branch.
/// If that synthetic message happens to be 48 bytes it is used instead of R; either way the
/// result is unknown to the client. Only public facts (a ciphertext not of length k or not
/// below n) make the crate return an error, and then R is used.
pub fn decrypt_premaster(
    server_key: &PrivateKey,
    client_version: [u8; 2],
    ciphertext: &[u8],
    rng: &mut dyn RandomSource,
) -> [u8; PREMASTER_LEN] {
    let mut r = [0u8; PREMASTER_LEN - 2];
    rng.fill(&mut r);
    let mut blinding_seed = [0u8; 32];
    rng.fill(&mut blinding_seed);
    let mut drbg = Drbg::from_seed(&blinding_seed);

    let decrypted =
        server_key.pkcs1v15_decrypt_with_rng(&mut CryptoRngAdapter(&mut drbg), ciphertext);

    // M if the decryption produced exactly 48 bytes (the length is public in implicit
    // rejection), else zeros that the selection below discards.
    let mut m = [0u8; PREMASTER_LEN];
    let mut use_m = Choice::from(0);
    if let Ok(plain) = &decrypted
        && let Ok(plain) = <[u8; PREMASTER_LEN]>::try_from(plain.as_slice())
    {
        m = plain;
        use_m = Choice::from(1);
    }

    let mut premaster = [0u8; PREMASTER_LEN];
    premaster[..2].copy_from_slice(&client_version);
    for ((out, from_m), from_r) in premaster[2..].iter_mut().zip(&m[2..]).zip(&r) {
        *out = u8::conditional_select(from_r, from_m, use_m);
    }
    premaster
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::test_support::{ZeroRandom, go_test_key};

    const V12: [u8; 2] = [3, 3];

    /// Builds `00 02 || PS (non-zero) || 00 || message` of length k, or something broken
    /// when the test tampers with it afterwards.
    fn block(k: usize, message: &[u8]) -> Vec<u8> {
        let ps_len = k - 3 - message.len();
        [vec![0, 2], vec![0x5a; ps_len], vec![0], message.to_vec()].concat()
    }

    #[test]
    fn encryption_builds_the_pkcs1_block_and_the_rsa_crate_decrypts_it() {
        let key = go_test_key();
        let public = PublicKey::from(&key);
        let mut rng = Drbg::from_u64(11);
        let enc = encrypt_premaster(&public, V12, &mut rng).expect("encrypt");
        let k = 128;
        assert_eq!((enc.modulus_bits, enc.modulus.len()), (1024, k));
        assert_eq!(enc.public_exponent.0, vec![1, 0, 1]);
        assert_eq!(enc.premaster.len(), 48);
        assert_eq!(enc.premaster.0[..2], V12);
        let em = &enc.pkcs1_block.0;
        assert_eq!(em.len(), k);
        assert_eq!(em[..2], [0, 2]);
        assert!(em[2..k - 49].iter().all(|&b| b != 0), "PS is non-zero");
        assert_eq!(em[k - 49], 0);
        assert_eq!(em[k - 48..], enc.premaster.0[..]);
        assert_eq!(enc.ciphertext.len(), k);
        // The rsa crate's own PKCS#1 v1.5 decryption (independent of our block building).
        assert_eq!(
            key.pkcs1v15_decrypt(&enc.ciphertext.0).expect("decrypt"),
            enc.premaster.0
        );
        // And the server side recovers it.
        let got = decrypt_premaster(&key, V12, &enc.ciphertext.0, &mut Drbg::from_u64(12));
        assert_eq!(got.to_vec(), enc.premaster.0);
        // Even with an all-zero random source (blinding comes from a DRBG seeded by it).
        let got = decrypt_premaster(&key, V12, &enc.ciphertext.0, &mut ZeroRandom);
        assert_eq!(got.to_vec(), enc.premaster.0);
    }

    #[test]
    fn encryption_refuses_stuck_randomness_and_small_keys() {
        let public = PublicKey::from(&go_test_key());
        assert_eq!(
            encrypt_premaster(&public, V12, &mut ZeroRandom),
            Err(KxError::RandomSourceStuck)
        );
        // A 400-bit modulus (k = 50 < 48 + 11). Not a real key; only its size matters.
        let n = BoxedUint::from_be_slice(&[0xff; 50], 448).expect("n");
        let small = PublicKey::new_unchecked(n, BoxedUint::from(65537u64));
        assert_eq!(
            encrypt_premaster(&small, V12, &mut Drbg::from_u64(1)),
            Err(KxError::KeyTooSmall)
        );
        assert_eq!(
            rsa_encrypt_raw(&public, &[0; 127]),
            Err(KxError::BlockOutOfRange)
        );
        assert_eq!(
            rsa_encrypt_raw(&public, &[0xff; 128]),
            Err(KxError::BlockOutOfRange)
        );
    }

    #[test]
    fn malformed_premaster_messages_give_a_secret_with_the_client_version() {
        let key = go_test_key();
        let public = PublicKey::from(&key);
        let k = 128;
        let real: Vec<u8> = [V12.to_vec(), vec![0x42; 46]].concat();

        // Wrong version inside M: RFC 5246 7.4.7.1 keeps M[2..48] and forces client_version.
        let wrong_version = [vec![3, 1], vec![0x42; 46]].concat();
        let ct = rsa_encrypt_raw(&public, &block(k, &wrong_version)).expect("encrypt");
        assert_eq!(
            decrypt_premaster(&key, V12, &ct, &mut ZeroRandom).to_vec(),
            real
        );

        // Valid padding but 47 or 49 bytes: client_version || R, and R is what the (all-zero)
        // source gave.
        let r_only: Vec<u8> = [V12.to_vec(), vec![0; 46]].concat();
        for len in [47, 49, 0] {
            let ct = rsa_encrypt_raw(&public, &block(k, &real.repeat(2)[..len])).expect("encrypt");
            assert_eq!(
                decrypt_premaster(&key, V12, &ct, &mut ZeroRandom).to_vec(),
                r_only,
                "len {len}"
            );
        }

        // Broken padding: the result is 48 bytes with client_version, not the real premaster.
        let good = block(k, &real);
        let mut broken = Vec::new();
        for (i, v) in [(0, 1u8), (1, 1), (1, 3), (k - 49, 0x11)] {
            let mut b = good.clone();
            b[i] = v;
            broken.push(b);
        }
        let mut short_ps = good.clone();
        short_ps[5] = 0; // separator after only 3 padding bytes
        broken.push(short_ps);
        for b in broken {
            let ct = rsa_encrypt_raw(&public, &b).expect("encrypt");
            let got = decrypt_premaster(&key, V12, &ct, &mut ZeroRandom);
            assert_eq!(got[..2], V12);
            assert_ne!(got.to_vec(), real);
        }

        // Ciphertexts the RSA operation rejects (wrong length, not below n): client_version || R.
        let mut rng = Drbg::from_u64(3);
        let mut expected_r = Drbg::from_u64(3);
        for ct in [vec![], vec![1], vec![0; 127], vec![0; 129], vec![0xff; 128]] {
            let got = decrypt_premaster(&key, [3, 1], &ct, &mut rng);
            let r = expected_r.bytes(46);
            let _blinding_seed = expected_r.bytes(32);
            assert_eq!(got.to_vec(), [vec![3, 1], r].concat());
        }
    }
}
