//! The six chapters of the popular explanation, and what really crosses the wire in each
//! (RFC 5246 unless another RFC is named). Every sentence here describes what the core does.

use tlslab_core::timeline::Chapter;

pub struct Story {
    pub chapter: Chapter,
    pub number: u8,
    pub title: &'static str,
    /// The simplified story, as it is usually told.
    pub simple: &'static str,
    /// What the running code actually does, with its RFC sections.
    pub wire: &'static [&'static str],
}

pub const CHAPTERS: [Story; 6] = [
    Story {
        chapter: Chapter::ClientHello,
        number: 1,
        title: "ClientHello",
        simple: "The client says hello: the TLS versions and cipher suites it supports, and a random number.",
        wire: &[
            "ClientHello (RFC 5246 §7.4.1.2) carries client_version 3,3 (TLS 1.2), a 32-byte client_random, an empty session_id, the offered cipher_suites, the compression methods (only null) and extensions.",
            "The extensions: server_name with example.com (RFC 6066 §3), signature_algorithms (§7.4.1.4.1), an empty renegotiation_info (RFC 5746 §3.4) and extended_master_secret (RFC 7627 §5.1).",
            "It travels in a handshake record (§6.2.1) in the clear: anyone on the path can read it.",
            "Correction: a TLS 1.2 ClientHello does not list versions. client_version is the highest version the client supports, and the server answers with the version to use (§7.4.1.2, Appendix E.1).",
        ],
    },
    Story {
        chapter: Chapter::ServerHello,
        number: 2,
        title: "ServerHello",
        simple: "The server answers with the cipher suite it picked, its own random number and its certificate.",
        wire: &[
            "ServerHello (RFC 5246 §7.4.1.3) carries a 32-byte server_random, the one suite the server chose from the client's list (by its own preference) and the extensions it agrees to: renegotiation_info and extended_master_secret.",
            "Correction: the certificate is not part of ServerHello. It follows in a Certificate message of its own, and ServerHelloDone ends the server's flight.",
        ],
    },
    Story {
        chapter: Chapter::Authentication,
        number: 3,
        title: "Authentication",
        simple: "The client checks the server's certificate with its issuer.",
        wire: &[
            "Certificate (RFC 5246 §7.4.2) carries the chain: the server's certificate first, then the intermediate CA. ServerHelloDone (§7.4.5) says the server is done.",
            "Correction: the client validates the chain locally, against the root certificates it already trusts (RFC 5280 §6.1). It does not contact the issuer.",
            "Each signature is checked with the issuer's public key (RSASSA-PKCS1-v1_5, RFC 8017 §8.2.2), the validity period against the client's clock, the host name against subjectAltName (RFC 6125 §6.4), basicConstraints and keyUsage (RFC 5280 §4.2.1), and the path must end at a trust anchor.",
            "RFC 5280 §6.1.3 (a)(3) makes \"not revoked\" part of path validation; this client skips it, having no CRL or OCSP response. Browsers rarely fetch CRLs or OCSP during a handshake: they rely on revocation lists pushed with their updates (Chrome's CRLSets, Firefox's CRLite) or on an OCSP response the server staples (RFC 6066 §8).",
        ],
    },
    Story {
        chapter: Chapter::Premaster,
        number: 4,
        title: "Premaster secret",
        simple: "The client makes a random secret and encrypts it with the server's public key.",
        wire: &[
            "ClientKeyExchange (RFC 5246 §7.4.7.1) carries the premaster secret: 48 bytes, client_version (03 03) followed by 46 random bytes.",
            "It is padded with PKCS#1 v1.5 (00 02, non-zero random padding, 00, the secret; RFC 8017 §7.2.1) to the size of the modulus and encrypted with the RSA public key from the server's certificate.",
            "The server decrypts it. If the padding or the length is wrong it does not say so: it carries on with a random premaster (§7.4.7.1), so an attacker learns nothing (Bleichenbacher's attack).",
        ],
    },
    Story {
        chapter: Chapter::ClientFinished,
        number: 5,
        title: "Client Finished",
        simple: "The client sends Finished, encrypted with the premaster secret.",
        wire: &[
            "Both sides derive the master secret = PRF(premaster, \"master secret\", client_random + server_random) (RFC 5246 §8.1), or with the extended master secret PRF(premaster, \"extended master secret\", session_hash) (RFC 7627 §4), then the key block, cut into the MAC keys (CBC suites only), the write keys and the write IVs, in that order (§6.3).",
            "ChangeCipherSpec (§7.1) switches the client's sending side to those keys.",
            "Correction: Finished (§7.4.9) is protected with the client write key derived from the master secret, not with the premaster secret. It carries verify_data = PRF(master_secret, \"client finished\", SHA-256(all handshake messages so far)), 12 bytes, proving the client saw the same transcript.",
        ],
    },
    Story {
        chapter: Chapter::ServerFinished,
        number: 6,
        title: "Server Finished",
        simple: "The server sends its Finished, and the handshake is complete.",
        wire: &[
            "The server checks the client's verify_data, then sends its own ChangeCipherSpec and Finished, whose verify_data covers the transcript including the client's Finished (label \"server finished\", RFC 5246 §7.4.9). The client checks it.",
            "Then application data flows encrypted under the record keys (§6.2.3): here an HTTP request and its response. Each side ends with a close_notify alert (§7.2.1).",
        ],
    },
];

pub fn story(chapter: Chapter) -> &'static Story {
    let index = CHAPTERS
        .iter()
        .position(|s| s.chapter == chapter)
        .unwrap_or(0);
    &CHAPTERS[index]
}
