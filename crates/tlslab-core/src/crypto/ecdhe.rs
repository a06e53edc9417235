//! Ephemeral elliptic-curve Diffie-Hellman for TLS 1.2's ECDHE key exchange (RFC 8422), on the
//! two groups browsers offer first: x25519 (RFC 7748) and secp256r1 (NIST P-256, SEC 1).
//!
//! Each side makes a key pair for one handshake from the caller's randomness, sends the public
//! share, and computes the premaster secret from its private key and the peer's share
//! (RFC 8422 section 5.10): the x-coordinate of the shared point for secp256r1, the X25519
//! output for x25519. The private keys never leave the side that made them, which is why a
//! server's long-term key cannot open a recorded ECDHE handshake (forward secrecy).

use core::fmt;

use crate::msgs::enums::NamedGroup;
use crate::rng::RandomSource;

/// The groups this crate implements, most preferred first (as browsers order them).
pub const GROUPS: [NamedGroup; 2] = [NamedGroup::X25519, NamedGroup::Secp256r1];

/// One side's key pair for one handshake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EphemeralKey {
    pub group: NamedGroup,
    /// The private scalar as the group's encoding has it (32 bytes for both groups here).
    pub private: Vec<u8>,
    /// The public share as it crosses the wire: 32 bytes (x25519), or an uncompressed point
    /// 04 || X || Y, 65 bytes (secp256r1; RFC 8422 section 5.4.1).
    pub public: Vec<u8>,
}

/// Why a share or a shared secret was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EcdheError {
    /// A group this crate does not implement.
    UnsupportedGroup(NamedGroup),
    /// A share that is not one of the group's points: wrong length, compressed or hybrid
    /// encoding, or not on the curve (RFC 8422 section 5.11).
    BadShare(&'static str),
    /// X25519 gave the all-zero value: the peer's share was a small-order point (RFC 7748
    /// section 6.1, RFC 8422 section 5.11).
    AllZeroSecret,
    /// The random source gave no valid secp256r1 scalar in 64 draws (all zeros, say).
    BadRandomness,
}

impl fmt::Display for EcdheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EcdheError::UnsupportedGroup(g) => write!(f, "unsupported group {}", g.name()),
            EcdheError::BadShare(why) => write!(f, "bad key share: {why}"),
            EcdheError::AllZeroSecret => {
                write!(
                    f,
                    "the X25519 shared secret is all zeros (a small-order share)"
                )
            }
            EcdheError::BadRandomness => {
                write!(f, "the random source gave no valid secp256r1 private key")
            }
        }
    }
}

/// A key pair for `group` from the caller's randomness: the same stream, the same key.
pub fn generate(group: NamedGroup, rng: &mut dyn RandomSource) -> Result<EphemeralKey, EcdheError> {
    match group {
        NamedGroup::X25519 => {
            // RFC 7748 section 5: any 32 bytes are a private key (the function clamps them).
            let mut private = [0u8; 32];
            rng.fill(&mut private);
            let public = x25519_dalek::x25519(private, x25519_dalek::X25519_BASEPOINT_BYTES);
            Ok(EphemeralKey {
                group,
                private: private.to_vec(),
                public: public.to_vec(),
            })
        }
        NamedGroup::Secp256r1 => {
            // A scalar in [1, n-1] (SEC 1 section 3.2.1): draw 32 bytes until one is. A good
            // source needs a second draw with probability below 2^-32; one that keeps giving
            // zeros or bytes above n is refused rather than looped on.
            for _ in 0..64 {
                let mut candidate = [0u8; 32];
                rng.fill(&mut candidate);
                if let Ok(secret) = p256::SecretKey::from_slice(&candidate) {
                    let public = p256_uncompressed(&secret.public_key());
                    return Ok(EphemeralKey {
                        group,
                        private: candidate.to_vec(),
                        public,
                    });
                }
            }
            Err(EcdheError::BadRandomness)
        }
        other => Err(EcdheError::UnsupportedGroup(other)),
    }
}

/// The premaster secret from our private key and the peer's public share (RFC 8422 section
/// 5.10), after checking the share is a point of the group.
pub fn shared_secret(
    group: NamedGroup,
    private: &[u8],
    peer_public: &[u8],
) -> Result<Vec<u8>, EcdheError> {
    match group {
        NamedGroup::X25519 => {
            let private = <[u8; 32]>::try_from(private)
                .map_err(|_| EcdheError::BadShare("an X25519 private key is 32 bytes"))?;
            let peer = <[u8; 32]>::try_from(peer_public)
                .map_err(|_| EcdheError::BadShare("an X25519 share is 32 bytes"))?;
            let secret = x25519_dalek::x25519(private, peer);
            // RFC 7748 section 6.1: "check ... whether the output is the all-zero value and
            // abort if so".
            if secret == [0u8; 32] {
                return Err(EcdheError::AllZeroSecret);
            }
            Ok(secret.to_vec())
        }
        NamedGroup::Secp256r1 => {
            // RFC 8422 section 5.1.2: only the uncompressed form; section 5.11: the point must
            // be on the curve (from_sec1_bytes checks the equation and rejects the identity).
            if peer_public.len() != 65 || peer_public.first() != Some(&4) {
                return Err(EcdheError::BadShare(
                    "a secp256r1 share is an uncompressed point: 04, then 32-byte X and Y",
                ));
            }
            let peer = p256::PublicKey::from_sec1_bytes(peer_public)
                .map_err(|_| EcdheError::BadShare("the point is not on the secp256r1 curve"))?;
            let secret = p256::SecretKey::from_slice(private)
                .map_err(|_| EcdheError::BadShare("not a secp256r1 private key"))?;
            let shared = p256::ecdh::diffie_hellman(secret.to_nonzero_scalar(), peer.as_affine());
            Ok(shared.raw_secret_bytes().to_vec())
        }
        other => Err(EcdheError::UnsupportedGroup(other)),
    }
}

/// 04 || X || Y (SEC 1 section 2.3.3).
fn p256_uncompressed(public: &p256::PublicKey) -> Vec<u8> {
    use p256::elliptic_curve::sec1::ToSec1Point;
    public.to_sec1_point(false).as_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::test_support::hex;
    use crate::rng::Drbg;

    /// RFC 7748 section 5.2, the first two X25519 test vectors.
    #[test]
    fn x25519_rfc7748_vectors() {
        let cases = [
            (
                "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
                "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
            ),
            (
                "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
                "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
                "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
            ),
        ];
        for (scalar, u, out) in cases {
            assert_eq!(
                shared_secret(NamedGroup::X25519, &hex(scalar), &hex(u)),
                Ok(hex(out))
            );
        }
    }

    /// RFC 7748 section 6.1: Alice's and Bob's keys, and the secret they share.
    #[test]
    fn x25519_rfc7748_diffie_hellman() {
        let alice = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        let bob = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        let alice_public = hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        let bob_public = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        let shared = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        let key = |private: &[u8]| {
            let mut rng = Fixed(private.to_vec());
            generate(NamedGroup::X25519, &mut rng).expect("x25519")
        };
        assert_eq!(key(&alice).public, alice_public);
        assert_eq!(key(&bob).public, bob_public);
        assert_eq!(
            shared_secret(NamedGroup::X25519, &alice, &bob_public),
            Ok(shared.clone())
        );
        assert_eq!(
            shared_secret(NamedGroup::X25519, &bob, &alice_public),
            Ok(shared)
        );
    }

    /// The Illustrated TLS 1.2 session (../shared/vectors/illustrated-tls12): the client's
    /// private key 20..3f and the server's share from its ServerKeyExchange give its premaster.
    #[test]
    fn x25519_illustrated_tls12_premaster() {
        let client_private: Vec<u8> = (0x20..=0x3f).collect();
        let server_private: Vec<u8> = (0x90..=0xaf).collect();
        let server_public = hex("9fd7ad6dcff4298dd3f96d5b1b2af910a0535b1488d7f8fabb349a982880b615");
        let premaster = hex("df4a291baa1eb7cfa6934b29b474baad2697e29f1f920dcc77c8a0a088447624");
        let mut rng = Fixed(server_private.clone());
        let server = generate(NamedGroup::X25519, &mut rng).expect("x25519");
        assert_eq!(server.public, server_public);
        assert_eq!(
            shared_secret(NamedGroup::X25519, &client_private, &server_public),
            Ok(premaster)
        );
    }

    #[test]
    fn x25519_refuses_a_small_order_share_and_wrong_lengths() {
        let private = [7u8; 32];
        // u = 0 and u = 1 are small-order points: the output is all zeros.
        assert_eq!(
            shared_secret(NamedGroup::X25519, &private, &[0u8; 32]),
            Err(EcdheError::AllZeroSecret)
        );
        let mut one = [0u8; 32];
        one[0] = 1;
        assert_eq!(
            shared_secret(NamedGroup::X25519, &private, &one),
            Err(EcdheError::AllZeroSecret)
        );
        for len in [0, 31, 33, 65] {
            assert!(matches!(
                shared_secret(NamedGroup::X25519, &private, &vec![9u8; len]),
                Err(EcdheError::BadShare(_))
            ));
        }
    }

    #[test]
    fn secp256r1_both_sides_agree_and_a_seed_gives_the_same_key() {
        let client = generate(NamedGroup::Secp256r1, &mut Drbg::from_u64(1)).expect("p256");
        let server = generate(NamedGroup::Secp256r1, &mut Drbg::from_u64(2)).expect("p256");
        assert_eq!(client.public.len(), 65);
        assert_eq!(client.public[0], 4);
        let a = shared_secret(NamedGroup::Secp256r1, &client.private, &server.public);
        let b = shared_secret(NamedGroup::Secp256r1, &server.private, &client.public);
        assert_eq!(a, b);
        assert_eq!(a.as_ref().map(Vec::len), Ok(32));
        let again = generate(NamedGroup::Secp256r1, &mut Drbg::from_u64(1)).expect("p256");
        assert_eq!(again, client);
    }

    /// An independent computation (Python's cryptography, OpenSSL underneath): the private
    /// scalars 01..20 and 21..40, their public points and the x-coordinate they share.
    #[test]
    fn secp256r1_known_answer() {
        let ours: Vec<u8> = (1..=0x20).collect();
        let ours_public = hex(
            "04515c3d6eb9e396b904d3feca7f54fdcd0cc1e997bf375dca515ad0a6c3b4035f\
             4536be3a50f318fbf9a5475902a221502bef0d57e08c53b2cc0a56f17d9f9354",
        );
        let theirs_public = hex(
            "041f140146bfb1b251f84f4ddbe0d4cdcfd77afd984a9520e35794021f8312bb9e\
             ec995a08b1fa7704df3dcc0b50a9665263fb7711f95f9f8a449c5096e47c892b",
        );
        let shared = hex("4fe243908f378aa1c2a69538822e6ed908c3225d8692575507c649901245150a");
        let key = generate(NamedGroup::Secp256r1, &mut Fixed(ours.clone())).expect("p256");
        assert_eq!(key.public, ours_public);
        assert_eq!(
            shared_secret(NamedGroup::Secp256r1, &ours, &theirs_public),
            Ok(shared)
        );
    }

    #[test]
    fn secp256r1_refuses_points_off_the_curve_and_other_encodings() {
        let ours = generate(NamedGroup::Secp256r1, &mut Drbg::from_u64(3)).expect("p256");
        let theirs = generate(NamedGroup::Secp256r1, &mut Drbg::from_u64(4)).expect("p256");
        // One bit of Y changed: the point leaves the curve.
        let mut off = theirs.public.clone();
        off[64] ^= 1;
        // Compressed (02/03 || X), the identity, a wrong length.
        let compressed = [&[2u8][..], &theirs.public[1..33]].concat();
        for bad in [off, compressed, vec![0u8], theirs.public[..64].to_vec()] {
            assert!(
                matches!(
                    shared_secret(NamedGroup::Secp256r1, &ours.private, &bad),
                    Err(EcdheError::BadShare(_))
                ),
                "{bad:02x?}"
            );
        }
    }

    #[test]
    fn a_random_source_of_zeros_is_refused_not_looped_on() {
        assert_eq!(
            generate(NamedGroup::Secp256r1, &mut Fixed(Vec::new())),
            Err(EcdheError::BadRandomness)
        );
    }

    #[test]
    fn other_groups_are_refused() {
        assert_eq!(
            generate(NamedGroup::Secp384r1, &mut Drbg::from_u64(1)),
            Err(EcdheError::UnsupportedGroup(NamedGroup::Secp384r1))
        );
    }

    /// Returns the bytes it was given, then zeros.
    struct Fixed(Vec<u8>);

    impl RandomSource for Fixed {
        fn fill(&mut self, out: &mut [u8]) {
            for (i, b) in out.iter_mut().enumerate() {
                *b = self.0.get(i).copied().unwrap_or(0);
            }
            self.0.drain(..out.len().min(self.0.len()));
        }
    }
}
