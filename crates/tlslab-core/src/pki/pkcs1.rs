//! RSASSA-PKCS1-v1_5 signature verification, step by step (RFC 8017 sections 8.2.2 and 9.2).
//!
//! This is the real verification used by the chain validator, written out so that every
//! intermediate value (the hash, the block recovered with the public key, the block expected
//! for that hash) can be shown to a student:
//!
//! ```text
//! RSASSA-PKCS1-V1_5-VERIFY ((n, e), M, S)
//!    1. Length checking: If the length of the signature S is not k octets,
//!       output "invalid signature" and stop.
//!    2. RSA verification:
//!       a. s = OS2IP (S).
//!       b. m = RSAVP1 ((n, e), s).        -- m = s^e mod n, after checking 0 <= s < n
//!       c. EM = I2OSP (m, k).
//!    3. EMSA-PKCS1-v1_5 encoding: EM' = EMSA-PKCS1-V1_5-ENCODE (M, k).
//!    4. Compare the encoded message EM and the second encoded message EM'.
//!       If they are the same, output "valid signature"; otherwise, output "invalid signature".
//! ```
//!
//! Comparing whole blocks (rather than parsing the recovered one) is what RFC 8017 prescribes
//! and what defeats the Bleichenbacher-2006 signature forgery against lenient parsers.
//! Signatures and keys are public, so the comparison need not be constant time.

use rsa::hazmat::rsa_encrypt;
use rsa::traits::PublicKeyParts;
use rsa::{BoxedUint, PublicKey};
use serde::Serialize;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

/// The hash functions that can appear in an RSASSA-PKCS1-v1_5 certificate signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HashAlg {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    /// The name used in RFC 8017 and the IANA registries.
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
        }
    }

    /// `H = Hash(M)`.
    pub fn digest(self, message: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha1 => Sha1::digest(message).to_vec(),
            HashAlg::Sha256 => Sha256::digest(message).to_vec(),
            HashAlg::Sha384 => Sha384::digest(message).to_vec(),
            HashAlg::Sha512 => Sha512::digest(message).to_vec(),
        }
    }

    /// The DER prefix of `DigestInfo` for this hash, from RFC 8017 section 9.2, note 1:
    ///
    /// ```text
    /// DigestInfo ::= SEQUENCE {
    ///     digestAlgorithm AlgorithmIdentifier,
    ///     digest OCTET STRING
    /// }
    /// SHA-1:   (0x)30 21 30 09 06 05 2b 0e 03 02 1a 05 00 04 14 || H.
    /// SHA-256: (0x)30 31 30 0d 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20 || H.
    /// SHA-384: (0x)30 41 30 0d 06 09 60 86 48 01 65 03 04 02 02 05 00 04 30 || H.
    /// SHA-512: (0x)30 51 30 0d 06 09 60 86 48 01 65 03 04 02 03 05 00 04 40 || H.
    /// ```
    pub fn digest_info_prefix(self) -> &'static [u8] {
        match self {
            HashAlg::Sha1 => &[
                0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
                0x14,
            ],
            HashAlg::Sha256 => &[
                0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20,
            ],
            HashAlg::Sha384 => &[
                0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x02, 0x05, 0x00, 0x04, 0x30,
            ],
            HashAlg::Sha512 => &[
                0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x03, 0x05, 0x00, 0x04, 0x40,
            ],
        }
    }

    /// `T`, the DER encoding of `DigestInfo` for the digest `h`.
    pub fn digest_info(self, h: &[u8]) -> Vec<u8> {
        let mut t = self.digest_info_prefix().to_vec();
        t.extend_from_slice(h);
        t
    }
}

/// EMSA-PKCS1-v1_5-ENCODE (RFC 8017 section 9.2), from the digest `h` onwards:
///
/// ```text
/// 3. If emLen < tLen + 11, output "intended encoded message length too short" and stop.
/// 4. Generate an octet string PS consisting of emLen - tLen - 3 octets with
///    hexadecimal value 0xff.
/// 5. Concatenate PS, the DER encoding T, and other padding to form the encoded message EM as
///    EM = 0x00 || 0x01 || PS || 0x00 || T.
/// ```
pub fn emsa_pkcs1_v1_5_encode(hash: HashAlg, h: &[u8], em_len: usize) -> Option<Vec<u8>> {
    let t = hash.digest_info(h);
    let ps_len = em_len.checked_sub(t.len() + 3).filter(|n| *n >= 8)?;
    let mut em = Vec::with_capacity(em_len);
    em.extend_from_slice(&[0x00, 0x01]);
    em.resize(2 + ps_len, 0xff);
    em.push(0x00);
    em.extend_from_slice(&t);
    Some(em)
}

/// The `T` (DigestInfo) part of a recovered block, if the block has the form
/// `00 01 FF..FF 00 T` with at least eight 0xff octets. Only for display: validity is decided by
/// comparing whole blocks.
pub fn digest_info_of_block(em: &[u8]) -> Option<&[u8]> {
    let rest = em.strip_prefix(&[0x00, 0x01])?;
    let ps_len = rest.iter().take_while(|b| **b == 0xff).count();
    if ps_len < 8 {
        return None;
    }
    rest.get(ps_len..)?.strip_prefix(&[0x00])
}

/// Everything computed while verifying one signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    pub hash: HashAlg,
    /// `k`, the length of the modulus in octets.
    pub k: usize,
    /// `H = Hash(M)`.
    pub digest: Vec<u8>,
    /// `EM = I2OSP(s^e mod n, k)`: what the public key recovers from the signature.
    /// `None` when step 1 or the range check of RSAVP1 already failed.
    pub recovered_block: Option<Vec<u8>>,
    /// `EM' = EMSA-PKCS1-V1_5-ENCODE(M, k)`: what a valid signature must recover.
    /// `None` when `k` is too short for this hash.
    pub expected_block: Option<Vec<u8>>,
    /// `T` found inside `EM`, if `EM` has the padding form.
    pub recovered_digest_info: Option<Vec<u8>>,
    /// `T` for `H`.
    pub expected_digest_info: Vec<u8>,
    /// Step 4: `EM == EM'`.
    pub valid: bool,
    /// Why verification stopped early or failed, in the RFC's words where it has them.
    pub failure: Option<String>,
}

/// RSASSA-PKCS1-V1_5-VERIFY of `signature` on `message` with `key`, keeping every step.
pub fn verify(key: &PublicKey, hash: HashAlg, message: &[u8], signature: &[u8]) -> Verification {
    let k = key.size();
    let digest = hash.digest(message);
    let expected_digest_info = hash.digest_info(&digest);
    let expected_block = emsa_pkcs1_v1_5_encode(hash, &digest, k);
    let mut v = Verification {
        hash,
        k,
        digest,
        recovered_block: None,
        expected_block,
        recovered_digest_info: None,
        expected_digest_info,
        valid: false,
        failure: None,
    };

    // Step 1: length checking.
    if signature.len() != k {
        v.failure = Some(format!(
            "invalid signature: the signature is {} octets, the modulus k = {k} octets",
            signature.len()
        ));
        return v;
    }
    // Step 2a-2c: s = OS2IP(S); m = RSAVP1((n, e), s); EM = I2OSP(m, k).
    let recovered = match rsavp1(key, signature) {
        Ok(em) => em,
        Err(why) => {
            v.failure = Some(why);
            return v;
        }
    };
    v.recovered_digest_info = digest_info_of_block(&recovered).map(<[u8]>::to_vec);
    // Step 3 happened above; step 4 compares the blocks.
    v.valid = v.expected_block.as_deref() == Some(&recovered[..]);
    v.failure = match (&v.expected_block, v.valid) {
        (None, _) => Some("intended encoded message length too short".into()),
        (Some(_), true) => None,
        (Some(_), false) if v.recovered_digest_info.is_none() => Some(
            "invalid signature: the recovered block does not have the form 00 01 FF..FF 00 T"
                .into(),
        ),
        (Some(_), false) => {
            Some("invalid signature: the recovered DigestInfo differs from the expected one".into())
        }
    };
    v.recovered_block = Some(recovered);
    v
}

/// RSAVP1 (RFC 8017 section 5.2.2) followed by I2OSP to `k` octets:
///
/// ```text
/// 1. If the signature representative s is not between 0 and n - 1, output
///    "signature representative out of range" and stop.
/// 2. Let m = s^e mod n.
/// ```
fn rsavp1(key: &PublicKey, signature: &[u8]) -> Result<Vec<u8>, String> {
    let k = key.size();
    let s = BoxedUint::from_be_slice(signature, key.n_bits_precision())
        .map_err(|e| format!("signature does not fit the modulus: {e:?}"))?;
    if s >= **key.n() {
        return Err("signature representative out of range".into());
    }
    let m = rsa_encrypt(key, &s).map_err(|e| format!("RSAVP1 failed: {e}"))?;
    i2osp(&m.to_be_bytes(), k).ok_or_else(|| "integer too large".into())
}

/// I2OSP (RFC 8017 section 4.1): `x` as exactly `len` big-endian octets, or `None` ("integer too
/// large") if it does not fit.
fn i2osp(x: &[u8], len: usize) -> Option<Vec<u8>> {
    let significant = x.iter().position(|b| *b != 0).map_or(&[][..], |i| &x[i..]);
    let pad = len.checked_sub(significant.len())?;
    let mut out = vec![0u8; pad];
    out.extend_from_slice(significant);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::demo::DemoPki;

    #[test]
    fn encoding_matches_rfc_8017_layout() {
        let h = [0xab; 32];
        let em = emsa_pkcs1_v1_5_encode(HashAlg::Sha256, &h, 256).unwrap();
        assert_eq!(em.len(), 256);
        assert_eq!(&em[..2], &[0x00, 0x01]);
        assert!(em[2..256 - 52].iter().all(|b| *b == 0xff));
        assert_eq!(em[256 - 52], 0x00);
        assert_eq!(
            digest_info_of_block(&em).unwrap(),
            &HashAlg::Sha256.digest_info(&h)[..]
        );
        assert_eq!(
            emsa_pkcs1_v1_5_encode(HashAlg::Sha512, &[0; 64], 64 + 19 + 10),
            None
        );
    }

    #[test]
    fn agrees_with_the_rsa_crate() {
        let pki = DemoPki::load().unwrap();
        let key = pki.leaf_key();
        let msg = b"tlslab";
        for (hash, sig) in [
            (HashAlg::Sha256, key.pkcs1v15_sign::<Sha256>(msg).unwrap()),
            (HashAlg::Sha384, key.pkcs1v15_sign::<Sha384>(msg).unwrap()),
            (HashAlg::Sha512, key.pkcs1v15_sign::<Sha512>(msg).unwrap()),
        ] {
            let v = verify(key.as_public_key(), hash, msg, &sig);
            assert!(v.valid, "{v:?}");
            assert_eq!(v.recovered_block, v.expected_block);
            assert_eq!(
                v.recovered_digest_info.as_ref(),
                Some(&v.expected_digest_info)
            );
            assert!(!verify(key.as_public_key(), hash, b"tlslaB", &sig).valid);
            let mut bad = sig.clone();
            bad[10] ^= 1;
            let v = verify(key.as_public_key(), hash, msg, &bad);
            assert!(!v.valid && v.recovered_digest_info.is_none(), "{v:?}");
        }
    }

    #[test]
    fn hostile_signatures_are_rejected_without_panicking() {
        let pki = DemoPki::load().unwrap();
        let key = pki.leaf_key().as_public_key();
        for sig in [
            vec![],
            vec![0xff; 255],
            vec![0xff; 256],
            vec![0xff; 257],
            vec![0; 256],
        ] {
            assert!(!verify(key, HashAlg::Sha256, b"m", &sig).valid);
        }
        let n = key.n_bytes().to_vec();
        let v = verify(key, HashAlg::Sha256, b"m", &n);
        assert_eq!(
            v.failure.as_deref(),
            Some("signature representative out of range")
        );
    }
}
