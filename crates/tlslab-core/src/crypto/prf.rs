//! The TLS 1.2 pseudorandom function and everything derived with it.
//!
//! RFC 5246 section 5: "In this section, we define one PRF, based on HMAC. This PRF with the
//! SHA-256 hash function is used for all cipher suites defined in this document and in TLS
//! documents published prior to this document when TLS 1.2 is negotiated." All three suites this
//! crate implements (including `TLS_RSA_WITH_AES_128_CBC_SHA`, whose MAC is HMAC-SHA1) use
//! P_SHA256, and SHA-256 for the Finished transcript hash.

use hmac::Hmac;
use sha2::{Digest, Sha256};

use super::hmac;

/// RFC 5246 section 8.1: `PRF(pre_master_secret, "master secret", ...)`.
pub const LABEL_MASTER_SECRET: &[u8] = b"master secret";
/// RFC 7627 section 4: `PRF(pre_master_secret, "extended master secret", session_hash)`.
pub const LABEL_EXTENDED_MASTER_SECRET: &[u8] = b"extended master secret";
/// RFC 5246 section 6.3: `PRF(SecurityParameters.master_secret, "key expansion", ...)`.
pub const LABEL_KEY_EXPANSION: &[u8] = b"key expansion";
/// RFC 5246 section 7.4.9: "For Finished messages sent by the client, the string
/// "client finished"."
pub const LABEL_CLIENT_FINISHED: &[u8] = b"client finished";
/// RFC 5246 section 7.4.9: "For Finished messages sent by the server, the string
/// "server finished"."
pub const LABEL_SERVER_FINISHED: &[u8] = b"server finished";

/// RFC 5246 section 8.1: "The master secret is always exactly 48 bytes in length."
pub const MASTER_SECRET_LEN: usize = 48;
/// RFC 5246 section 7.4.9: "In previous versions of TLS, the verify_data was always 12 octets
/// long. In the current version of TLS, it depends on the cipher suite." (12 for all suites
/// here.)
pub const VERIFY_DATA_LEN: usize = 12;

/// P_SHA256, the data expansion function of RFC 5246 section 5:
///
/// ```text
/// P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) +
///                        HMAC_hash(secret, A(2) + seed) +
///                        HMAC_hash(secret, A(3) + seed) + ...
/// A(0) = seed
/// A(i) = HMAC_hash(secret, A(i-1))
/// ```
///
/// iterated "as many times as necessary to produce the required quantity of data", the excess
/// discarded.
pub fn p_sha256(secret: &[u8], seed: &[&[u8]], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    // A(1) = HMAC_hash(secret, A(0)) with A(0) = seed.
    let mut a = hmac::<Hmac<Sha256>>(secret, seed);
    while out.len() < len {
        let mut parts: Vec<&[u8]> = Vec::with_capacity(seed.len() + 1);
        parts.push(&a);
        parts.extend_from_slice(seed);
        out.extend_from_slice(&hmac::<Hmac<Sha256>>(secret, &parts));
        a = hmac::<Hmac<Sha256>>(secret, &[&a]);
    }
    out.truncate(len);
    out
}

/// The TLS 1.2 PRF, RFC 5246 section 5:
///
/// ```text
/// PRF(secret, label, seed) = P_<hash>(secret, label + seed)
/// ```
///
/// with `<hash>` = SHA-256, producing `len` bytes.
pub fn prf(secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    p_sha256(secret, &[label, seed], len)
}

/// The PRF output as a fixed-size array (the length is fixed by `N`, so no slicing can fail).
fn prf_array<const N: usize>(secret: &[u8], label: &[u8], seed: &[&[u8]]) -> [u8; N] {
    let mut parts: Vec<&[u8]> = vec![label];
    parts.extend_from_slice(seed);
    let mut out = [0u8; N];
    for (o, b) in out.iter_mut().zip(p_sha256(secret, &parts, N)) {
        *o = b;
    }
    out
}

/// RFC 5246 section 8.1:
///
/// ```text
/// master_secret = PRF(pre_master_secret, "master secret",
///                     ClientHello.random + ServerHello.random)
///                     [0..47];
/// ```
pub fn master_secret(
    premaster: &[u8],
    client_random: &[u8],
    server_random: &[u8],
) -> [u8; MASTER_SECRET_LEN] {
    prf_array(
        premaster,
        LABEL_MASTER_SECRET,
        &[client_random, server_random],
    )
}

/// RFC 7627 section 4:
///
/// ```text
/// master_secret = PRF(pre_master_secret, "extended master secret",
///                     session_hash)
///                     [0..47];
/// ```
///
/// where `session_hash` is the hash of the handshake messages up to and including
/// ClientKeyExchange (section 3).
pub fn extended_master_secret(premaster: &[u8], session_hash: &[u8]) -> [u8; MASTER_SECRET_LEN] {
    prf_array(premaster, LABEL_EXTENDED_MASTER_SECRET, &[session_hash])
}

/// RFC 5246 section 6.3:
///
/// ```text
/// key_block = PRF(SecurityParameters.master_secret,
///                 "key expansion",
///                 SecurityParameters.server_random +
///                 SecurityParameters.client_random);
/// ```
///
/// "until enough output has been generated" (`len` bytes, see
/// `KeyBlock::len` in [`super::suite`]). Note the order: server random first, unlike
/// the master secret.
pub fn key_block(master: &[u8], server_random: &[u8], client_random: &[u8], len: usize) -> Vec<u8> {
    p_sha256(
        master,
        &[LABEL_KEY_EXPANSION, server_random, client_random],
        len,
    )
}

/// RFC 5246 section 7.4.9:
///
/// ```text
/// verify_data
///    PRF(master_secret, finished_label, Hash(handshake_messages))
///       [0..verify_data_length-1];
/// ```
///
/// `label` is [`LABEL_CLIENT_FINISHED`] or [`LABEL_SERVER_FINISHED`]; `handshake_hash` is
/// [`handshake_hash`] of the messages so far.
pub fn verify_data(master: &[u8], label: &[u8], handshake_hash: &[u8]) -> [u8; VERIFY_DATA_LEN] {
    prf_array(master, label, &[handshake_hash])
}

/// `Hash(handshake_messages)` for TLS 1.2 with the suites here (RFC 5246 section 7.4.9: "the
/// Hash MUST be the Hash used as the basis for the PRF"): SHA-256 of the concatenated handshake
/// messages (headers included, record headers excluded).
pub fn handshake_hash(handshake_messages: &[u8]) -> [u8; 32] {
    Sha256::digest(handshake_messages).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::test_support::hex;

    /// P_SHA256 vector from the IETF TLS list ("TLS 1.2 Test vectors", 2 Nov 2010), as copied in
    /// /work/shared/vectors/prf_vectors.txt section [P_SHA256] (also in Botan's tls_prf.vec and
    /// Netty's PseudoRandomFunctionTest).
    #[test]
    fn prf_sha256_known_answer() {
        let secret = hex("9bbe436ba940f017b17652849a71db35");
        let seed = hex("a0ba9f936cda311827a6f796ffd5198c");
        let expected = hex(
            "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a\
             6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab\
             4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701\
             87347b66",
        );
        assert_eq!(prf(&secret, b"test label", &seed, 100), expected);
        // Shorter outputs are prefixes; zero length is empty.
        assert_eq!(prf(&secret, b"test label", &seed, 33), expected[..33]);
        assert!(prf(&secret, b"test label", &seed, 0).is_empty());
    }

    #[test]
    fn derived_values_are_the_prf_with_their_labels() {
        let premaster = [7u8; 48];
        let (cr, sr) = ([1u8; 32], [2u8; 32]);
        let ms = master_secret(&premaster, &cr, &sr);
        assert_eq!(
            ms.to_vec(),
            prf(&premaster, b"master secret", &[cr, sr].concat(), 48)
        );
        let session_hash = [3u8; 32];
        let ems = extended_master_secret(&premaster, &session_hash);
        assert_eq!(
            ems.to_vec(),
            prf(&premaster, b"extended master secret", &session_hash, 48)
        );
        assert_ne!(ms, ems);
        assert_eq!(
            key_block(&ms, &sr, &cr, 104),
            prf(&ms, b"key expansion", &[sr, cr].concat(), 104)
        );
        let vd = verify_data(&ms, LABEL_CLIENT_FINISHED, &session_hash);
        assert_eq!(vd.to_vec(), prf(&ms, b"client finished", &session_hash, 12));
    }
}
