//! The server's signature over its ECDHE parameters (RFC 8422 section 5.4, RFC 5246 section
//! 7.4.3): made with the certificate's RSA key, checked with the certificate's public key. It
//! is what stops a man in the middle from swapping the server's share for his own.
//!
//! Two schemes, as TLS 1.2 peers use them: rsa_pkcs1_sha256 (RSASSA-PKCS1-v1_5, RFC 8017
//! section 8.2) and rsa_pss_rsae_sha256 (RSASSA-PSS with a salt as long as the hash, RFC 8446
//! section 4.2.3, which RFC 8422's peers also accept in TLS 1.2).

use rsa::signature::{RandomizedSigner, SignatureEncoding, Verifier};
use rsa::{PrivateKey, PublicKey};
use sha2::Sha256;

use crate::msgs::enums::SignatureScheme;
use crate::pki::pkcs1::{self, HashAlg};
use crate::rng::{CryptoRngAdapter, RandomSource};

/// The schemes a server here signs with, most preferred first.
pub const SCHEMES: [SignatureScheme; 2] = [
    SignatureScheme::RsaPssRsaeSha256,
    SignatureScheme::RsaPkcs1Sha256,
];

/// The scheme to sign with: the first of ours the client lists (RFC 5246 section 7.4.1.4.1).
pub fn choose(offered: &[SignatureScheme]) -> Option<SignatureScheme> {
    SCHEMES.into_iter().find(|s| offered.contains(s))
}

/// Signs `message`; `None` for a scheme not in [`SCHEMES`] or a key too small for it.
pub fn sign(
    key: &PrivateKey,
    scheme: SignatureScheme,
    message: &[u8],
    rng: &mut dyn RandomSource,
) -> Option<Vec<u8>> {
    match scheme {
        SignatureScheme::RsaPkcs1Sha256 => {
            let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone());
            let signature: rsa::pkcs1v15::Signature =
                rsa::signature::Signer::try_sign(&signer, message).ok()?;
            Some(signature.to_vec())
        }
        SignatureScheme::RsaPssRsaeSha256 => {
            let signer = rsa::pss::SigningKey::<Sha256>::new(key.clone());
            let signature = signer
                .try_sign_with_rng(&mut CryptoRngAdapter(rng), message)
                .ok()?;
            Some(signature.to_vec())
        }
        _ => None,
    }
}

/// Whether `signature` is `scheme`'s signature of `message` under `key`.
pub fn verify(key: &PublicKey, scheme: SignatureScheme, message: &[u8], signature: &[u8]) -> bool {
    match scheme {
        // The step-by-step verification the chain validator uses (RFC 8017 section 8.2.2).
        SignatureScheme::RsaPkcs1Sha256 => {
            pkcs1::verify(key, HashAlg::Sha256, message, signature).valid
        }
        SignatureScheme::RsaPssRsaeSha256 => {
            let Ok(signature) = rsa::pss::Signature::try_from(signature) else {
                return false;
            };
            rsa::pss::VerifyingKey::<Sha256>::new(key.clone())
                .verify(message, &signature)
                .is_ok()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::demo_pki;
    use crate::rng::Drbg;

    #[test]
    fn both_schemes_sign_and_verify_and_refuse_other_messages() {
        let pki = demo_pki().expect("demo PKI");
        let key = pki.leaf_key();
        let public = key.to_public_key();
        for scheme in SCHEMES {
            let signature =
                sign(key, scheme, b"randoms and params", &mut Drbg::from_u64(1)).expect("signs");
            assert_eq!(signature.len(), 256);
            assert!(verify(&public, scheme, b"randoms and params", &signature));
            assert!(!verify(&public, scheme, b"other randoms", &signature));
            let mut flipped = signature.clone();
            flipped[100] ^= 1;
            assert!(!verify(&public, scheme, b"randoms and params", &flipped));
        }
        assert_eq!(
            choose(&[SignatureScheme::RsaPkcs1Sha256]),
            Some(SignatureScheme::RsaPkcs1Sha256)
        );
        assert_eq!(choose(&[SignatureScheme::RsaPkcs1Sha1]), None);
    }
}
