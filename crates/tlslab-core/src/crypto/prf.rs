//! The TLS 1.2 pseudorandom function and everything derived with it.
//!
//! RFC 5246 section 5: "In this section, we define one PRF, based on HMAC. This PRF with the
//! SHA-256 hash function is used for all cipher suites defined in this document and in TLS
//! documents published prior to this document when TLS 1.2 is negotiated." The suites here use
//! P_SHA256 (including `TLS_RSA_WITH_AES_128_CBC_SHA`, whose MAC is HMAC-SHA1), except
//! `TLS_RSA_WITH_AES_256_GCM_SHA384`, which uses P_SHA384 (RFC 5288 section 3); the Finished
//! transcript hash is the PRF's hash ([`PrfHash`]).

pub use super::suite::PrfHash;

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

/// P_hash, the data expansion function of RFC 5246 section 5:
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
pub fn p_hash(hash: PrfHash, secret: &[u8], seed: &[&[u8]], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 48);
    // A(1) = HMAC_hash(secret, A(0)) with A(0) = seed.
    let mut a = hash.hmac(secret, seed);
    while out.len() < len {
        let mut parts: Vec<&[u8]> = Vec::with_capacity(seed.len() + 1);
        parts.push(&a);
        parts.extend_from_slice(seed);
        out.extend_from_slice(&hash.hmac(secret, &parts));
        a = hash.hmac(secret, &[&a]);
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
/// with `<hash>` the suite's (SHA-256 or SHA-384), producing `len` bytes.
pub fn prf(hash: PrfHash, secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    p_hash(hash, secret, &[label, seed], len)
}

/// The PRF output as a fixed-size array (the length is fixed by `N`, so no slicing can fail).
fn prf_array<const N: usize>(
    hash: PrfHash,
    secret: &[u8],
    label: &[u8],
    seed: &[&[u8]],
) -> [u8; N] {
    let mut parts: Vec<&[u8]> = vec![label];
    parts.extend_from_slice(seed);
    let mut out = [0u8; N];
    for (o, b) in out.iter_mut().zip(p_hash(hash, secret, &parts, N)) {
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
    hash: PrfHash,
    premaster: &[u8],
    client_random: &[u8],
    server_random: &[u8],
) -> [u8; MASTER_SECRET_LEN] {
    prf_array(
        hash,
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
pub fn extended_master_secret(
    hash: PrfHash,
    premaster: &[u8],
    session_hash: &[u8],
) -> [u8; MASTER_SECRET_LEN] {
    prf_array(
        hash,
        premaster,
        LABEL_EXTENDED_MASTER_SECRET,
        &[session_hash],
    )
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
pub fn key_block(
    hash: PrfHash,
    master: &[u8],
    server_random: &[u8],
    client_random: &[u8],
    len: usize,
) -> Vec<u8> {
    p_hash(
        hash,
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
pub fn verify_data(
    hash: PrfHash,
    master: &[u8],
    label: &[u8],
    handshake_hash: &[u8],
) -> [u8; VERIFY_DATA_LEN] {
    prf_array(hash, master, label, &[handshake_hash])
}

/// `Hash(handshake_messages)` (RFC 5246 section 7.4.9: "the Hash MUST be the Hash used as the
/// basis for the PRF"): the PRF's hash of the concatenated handshake messages (headers
/// included, record headers excluded).
pub fn handshake_hash(hash: PrfHash, handshake_messages: &[u8]) -> Vec<u8> {
    hash.digest(handshake_messages)
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
        let sha256 = PrfHash::Sha256;
        assert_eq!(prf(sha256, &secret, b"test label", &seed, 100), expected);
        // Shorter outputs are prefixes; zero length is empty.
        assert_eq!(
            prf(sha256, &secret, b"test label", &seed, 33),
            expected[..33]
        );
        assert!(prf(sha256, &secret, b"test label", &seed, 0).is_empty());
    }

    /// P_SHA384 vector from the same source (/work/shared/vectors/prf_vectors.txt [P_SHA384]),
    /// the PRF of TLS_RSA_WITH_AES_256_GCM_SHA384.
    #[test]
    fn prf_sha384_known_answer() {
        let secret = hex("b80b733d6ceefcdc71566ea48e5567df");
        let seed = hex("cd665cf6a8447dd6ff8b27555edb7465");
        let expected = hex(
            "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd\
             e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd\
             8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425\
             9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6\
             91c8f3a26854308d5eaa3be85e0990703d73e56f",
        );
        assert_eq!(
            prf(PrfHash::Sha384, &secret, b"test label", &seed, 148),
            expected
        );
        assert_ne!(
            prf(PrfHash::Sha256, &secret, b"test label", &seed, 148),
            expected
        );
    }

    #[test]
    fn derived_values_are_the_prf_with_their_labels() {
        for h in [PrfHash::Sha256, PrfHash::Sha384] {
            let premaster = [7u8; 48];
            let (cr, sr) = ([1u8; 32], [2u8; 32]);
            let ms = master_secret(h, &premaster, &cr, &sr);
            assert_eq!(
                ms.to_vec(),
                prf(h, &premaster, b"master secret", &[cr, sr].concat(), 48)
            );
            let session_hash = handshake_hash(h, b"messages");
            assert_eq!(
                session_hash.len(),
                if h == PrfHash::Sha256 { 32 } else { 48 }
            );
            let ems = extended_master_secret(h, &premaster, &session_hash);
            assert_eq!(
                ems.to_vec(),
                prf(h, &premaster, b"extended master secret", &session_hash, 48)
            );
            assert_ne!(ms, ems);
            assert_eq!(
                key_block(h, &ms, &sr, &cr, 104),
                prf(h, &ms, b"key expansion", &[sr, cr].concat(), 104)
            );
            let vd = verify_data(h, &ms, LABEL_CLIENT_FINISHED, &session_hash);
            assert_eq!(
                vd.to_vec(),
                prf(h, &ms, b"client finished", &session_hash, 12)
            );
        }
    }
}
