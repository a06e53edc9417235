//! Scenarios: the happy path and the ways a handshake goes wrong, each a configuration of the
//! two peers plus what the network does between them. `driver::run` plays them all through the
//! same client, server and record code.

use crate::driver::Protocol;
use serde::{Deserialize, Serialize};

/// Every scenario, by the id used in URLs, on the command line and in tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    #[default]
    Happy,
    Expired,
    NotYetValid,
    WrongHost,
    UntrustedRoot,
    ForgedSignature,
    Mitm,
    MitmTrusted,
    Downgrade,
    BitFlip,
    NoSharedSuite,
    BadPremaster,
    StolenKey,
    SwappedShare,
    HelloRetry,
    ForgedCertificateVerify,
}

/// What sits on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkRole {
    /// Reads and records, changes nothing.
    Observer,
    /// Changes, drops or answers messages.
    Attacker,
}

impl Scenario {
    pub const ALL: [Scenario; 16] = [
        Scenario::Happy,
        Scenario::Expired,
        Scenario::NotYetValid,
        Scenario::WrongHost,
        Scenario::UntrustedRoot,
        Scenario::ForgedSignature,
        Scenario::Mitm,
        Scenario::MitmTrusted,
        Scenario::Downgrade,
        Scenario::BitFlip,
        Scenario::NoSharedSuite,
        Scenario::BadPremaster,
        Scenario::StolenKey,
        Scenario::SwappedShare,
        Scenario::HelloRetry,
        Scenario::ForgedCertificateVerify,
    ];

    /// Whether it means something under `protocol`: the malformed premaster attacks RSA key
    /// exchange only, the swapped share TLS 1.2's ECDHE only; a HelloRetryRequest and
    /// CertificateVerify exist in TLS 1.3 only.
    pub fn applies_to(self, protocol: Protocol) -> bool {
        match self {
            Scenario::BadPremaster => protocol == Protocol::Tls12Rsa,
            Scenario::SwappedShare => protocol == Protocol::Tls12Ecdhe,
            Scenario::HelloRetry | Scenario::ForgedCertificateVerify => protocol == Protocol::Tls13,
            _ => true,
        }
    }

    pub fn id(self) -> &'static str {
        self.text().0
    }

    pub fn from_id(id: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.id() == id)
    }

    /// A short title for pickers.
    pub fn title(self) -> &'static str {
        self.text().1
    }

    /// What a browser would tell its user, under `protocol`.
    pub fn plain(self, protocol: Protocol) -> &'static str {
        match (self, protocol) {
            (Scenario::StolenKey, Protocol::Tls12Ecdhe | Protocol::Tls13) => {
                "Nothing visible at the time: the padlock appeared. And nothing later: the leaked key opens none of the recording."
            }
            _ => self.text().2,
        }
    }

    /// What happens in the protocol, with the RFC sections, for the defaults (TLS 1.2 with RSA
    /// key exchange and AES-128-GCM).
    pub fn technical(self) -> &'static str {
        self.text().3
    }

    /// What happens in a run of `protocol` that negotiated `suite` (its IANA name, if it got
    /// that far): the sentences about key exchange and record protection follow the run on
    /// screen.
    pub fn technical_for(self, protocol: Protocol, suite: Option<&str>) -> String {
        if protocol == Protocol::Tls13 {
            return self.technical13(suite);
        }
        let ecdhe = protocol == Protocol::Tls12Ecdhe;
        let cbc = suite.is_some_and(|s| s.contains("_CBC_"));
        let chacha = suite.is_some_and(|s| s.contains("_CHACHA20_"));
        let exchange = if ecdhe {
            "ECDHE key exchange signed with the server's RSA key (RFC 8422 §5.4)"
        } else {
            "RSA key exchange"
        };
        match (self, suite) {
            (Scenario::Happy, _) => format!(
                "A full TLS 1.2 handshake with {exchange} and {} (RFC 5246 §7.3), then an HTTP request and response as application data and close_notify alerts (§7.2.1).",
                suite.unwrap_or(if ecdhe { "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" } else { "AES-128-GCM" })
            ),
            (Scenario::BitFlip, _) if cbc => "One bit of the encrypted HTTP request changes on the wire. With a CBC suite the record is MAC-then-encrypt (RFC 5246 §6.2.3.1-2): once decrypted, the content no longer matches its HMAC (or its padding is broken), so the server refuses the record with bad_record_mac and never acts on a modified plaintext.".into(),
            (Scenario::BitFlip, _) if chacha => "One bit of the encrypted HTTP request changes on the wire. ChaCha20-Poly1305 authenticates the ciphertext and the additional data (RFC 7905, RFC 8439 §2.8): the Poly1305 tag no longer verifies, so the server refuses the record with bad_record_mac and never sees a modified plaintext.".into(),
            (Scenario::NoSharedSuite, _) if ecdhe => "The client offers only TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA; the server accepts only TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256. With no suite in common the server cannot send a ServerHello and ends with handshake_failure (RFC 5246 §7.4.1.3, §7.2.2).".into(),
            (Scenario::StolenKey, _) if ecdhe => "A passive observer records the whole session. Later the server's private key leaks (a breach, a subpoena, a careless backup). The observer runs the attack that breaks RSA key exchange: RSA-decrypt the recorded ClientKeyExchange, derive the keys, open the records. It fails at the first record (bad_record_mac). With ECDHE (RFC 8422) the ClientKeyExchange holds the client's public share, not an encrypted premaster: the premaster is computed on each side from its own ephemeral private key and the other's share (§5.10), and those private keys were never sent, and a real endpoint discards them after the handshake. The server's RSA key only signed the server's share (§5.4), so a stolen key cannot decrypt past sessions: forward secrecy. The key log, written by an endpoint that held the secrets, still decrypts the recording.".into(),
            _ => self.technical().into(),
        }
    }

    pub fn network(self) -> NetworkRole {
        match self {
            Scenario::Mitm
            | Scenario::MitmTrusted
            | Scenario::Downgrade
            | Scenario::BitFlip
            | Scenario::BadPremaster
            | Scenario::SwappedShare
            | Scenario::ForgedCertificateVerify => NetworkRole::Attacker,
            _ => NetworkRole::Observer,
        }
    }

    /// What happens under TLS 1.3 (RFC 8446), in a run that negotiated `suite`.
    fn technical13(self, suite: Option<&str>) -> String {
        let suite = suite.unwrap_or("TLS_AES_128_GCM_SHA256");
        let aead = if suite.contains("CHACHA20") {
            "ChaCha20-Poly1305"
        } else {
            "AES-GCM"
        };
        match self {
            Scenario::Happy => format!(
                "A full TLS 1.3 handshake (RFC 8446 §2): the ClientHello carries the client's x25519 key share (§4.2.8) and the server answers with its own in ServerHello. Everything after ServerHello is encrypted under handshake traffic keys derived with HKDF from the shared secret (§7.1): EncryptedExtensions, Certificate, CertificateVerify (an RSA-PSS signature over the transcript, §4.4.3) and Finished (an HMAC over the transcript, §4.4.4). {suite} then protects the HTTP request and response under the application traffic keys (§5.2), and close_notify alerts end it (§6.1)."
            ),
            Scenario::Expired => "The leaf's notAfter lies before the client's clock, so the validity check fails (RFC 5280 §4.1.2.5, §6.1.3 (a)(2)) and the client sends a fatal certificate_expired alert (RFC 8446 §6.2). The certificate crossed the wire encrypted under the server's handshake traffic key (RFC 8446 §4.4.2): only the two endpoints read it.".into(),
            Scenario::NotYetValid => "The leaf's notBefore lies after the client's clock, so the validity check fails (RFC 5280 §4.1.2.5, §6.1.3 (a)(2)). TLS 1.3 has no alert of its own for a certificate that is not yet valid; this client sends certificate_expired, which RFC 8446 §6.2 defines as \"a certificate has expired or is not currently valid\". OpenSSL sends bad_certificate instead.".into(),
            Scenario::WrongHost => "The client asked for www.example.org; the certificate's subjectAltName lists only example.com and www.example.com, so the identity check fails (RFC 6125 §6.4) and the client sends bad_certificate (RFC 8446 §6.2).".into(),
            Scenario::UntrustedRoot => "The chain is well formed and correctly signed, but it ends at tlslab Demo Root CA, which is not in this client's trust store, so no certification path exists (RFC 5280 §6.1) and the client sends unknown_ca (RFC 8446 §6.2).".into(),
            Scenario::ForgedSignature => "The leaf claims the demo intermediate as its issuer but was signed with another key: RSASSA-PKCS1-v1_5 verification with the intermediate's public key fails (RFC 8017 §8.2.2). The client sends decrypt_error, as OpenSSL does (RFC 8446 §6.2: \"unable to correctly verify a signature\").".into(),
            Scenario::Mitm => "An attacker on the path answers the ClientHello itself, with a certificate for example.com from its own CA, and signs the transcript with that certificate's key (RFC 8446 §4.4.3). The name matches and the signatures are valid, but the chain does not lead to a trusted root (RFC 5280 §6.1), so the client sends unknown_ca (RFC 8446 §6.2) and never sends its request.".into(),
            Scenario::MitmTrusted => "The attacker's root is in the client's trust store, so its certificate for example.com validates (RFC 5280 §6.1). There are two separate TLS 1.3 handshakes, client-attacker and attacker-server, each with its own (EC)DHE shared secret and traffic keys (RFC 8446 §7.1); the attacker decrypts, reads and re-encrypts the request and the response. TLS authenticates whoever the trust store vouches for.".into(),
            Scenario::Downgrade => "The client offers TLS 1.3 and, for older servers, TLS 1.2 (supported_versions, RFC 8446 §4.2.1). The attacker removes supported_versions from the ClientHello, so the server, which speaks TLS 1.3, sees a TLS 1.2 client and answers in TLS 1.2, with DOWNGRD 01 in the last eight bytes of its random as §4.1.3 requires. The client sees a TLS 1.2 ServerHello carrying that sentinel and aborts with illegal_parameter before sending anything else. The attacker cannot remove the sentinel unseen: the server's signature covers both randoms (RFC 8422 §5.4).".into(),
            Scenario::BitFlip => format!(
                "One bit of the encrypted HTTP request changes on the wire. TLS 1.3 protects every record with an AEAD (RFC 8446 §5.2): {aead} authenticates the ciphertext and the record header, so the tag no longer verifies, and the server refuses the record with bad_record_mac and never sees a modified plaintext."
            ),
            Scenario::NoSharedSuite => "The client offers only TLS_CHACHA20_POLY1305_SHA256; the server accepts only TLS_AES_128_GCM_SHA256. With no suite in common the server cannot send a ServerHello and ends with handshake_failure (RFC 8446 §4.1.1, §6.2).".into(),
            Scenario::StolenKey => "A passive observer records the whole session. Later the server's private key leaks (a breach, a subpoena, a careless backup). In TLS 1.3 nothing in the recording was encrypted to that key: the traffic secrets come from the (EC)DHE shared secret of the two key shares (RFC 8446 §4.2.8, §7.1), whose private halves never crossed the wire, and the server's RSA key only signed the transcript in CertificateVerify (§4.4.3). The stolen key opens none of the recording: forward secrecy, with no RSA key exchange left to fall back on (§1.2). The key log, written by an endpoint that held the secrets, still decrypts it.".into(),
            _ => self.technical().into(),
        }
    }

    /// (id, title, plain, technical).
    fn text(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Scenario::Happy => (
                "happy",
                "Happy path",
                "The padlock appears: the connection is private and the site is example.com.",
                "A full TLS 1.2 handshake with RSA key exchange and AES-128-GCM (RFC 5246 §7.3), then an HTTP request and response as application data and close_notify alerts (§7.2.1).",
            ),
            Scenario::Expired => (
                "expired",
                "Expired certificate",
                "\"Your connection is not private\" (NET::ERR_CERT_DATE_INVALID): the site's certificate has expired.",
                "The leaf's notAfter lies before the client's clock, so the validity check fails (RFC 5280 §4.1.2.5, §6.1.3 (a)(2)) and the client sends a fatal certificate_expired alert (RFC 5246 §7.2.2). Everything else about the chain is valid.",
            ),
            Scenario::NotYetValid => (
                "not-yet-valid",
                "Certificate not yet valid",
                "\"Your connection is not private\" (NET::ERR_CERT_DATE_INVALID): the certificate is not valid yet, or your clock is wrong.",
                "The leaf's notBefore lies after the client's clock, so the validity check fails (RFC 5280 §4.1.2.5, §6.1.3 (a)(2)). TLS 1.2 has no alert of its own for a certificate that is not yet valid; this client sends certificate_expired, which RFC 5246 §7.2.2 defines as \"a certificate has expired or is not currently valid\". OpenSSL sends bad_certificate instead (it keeps certificate_expired for an expired certificate); browsers abort the handshake and show NET::ERR_CERT_DATE_INVALID.",
            ),
            Scenario::WrongHost => (
                "wrong-host",
                "Wrong host name",
                "\"Your connection is not private\" (NET::ERR_CERT_COMMON_NAME_INVALID): this certificate is for another site.",
                "The client asked for www.example.org; the certificate's subjectAltName lists only example.com and www.example.com, so the identity check fails (RFC 6125 §6.4) and the client sends bad_certificate (RFC 5246 §7.2.2).",
            ),
            Scenario::UntrustedRoot => (
                "untrusted-root",
                "Untrusted root",
                "\"Your connection is not private\" (NET::ERR_CERT_AUTHORITY_INVALID): the certificate was issued by an authority this device does not trust.",
                "The chain is well formed and correctly signed, but it ends at tlslab Demo Root CA, which is not in this client's trust store, so no certification path exists (RFC 5280 §6.1) and the client sends unknown_ca (RFC 5246 §7.2.2).",
            ),
            Scenario::ForgedSignature => (
                "forged-signature",
                "Forged signature",
                "\"Your connection is not private\": the certificate's signature does not check out.",
                "The leaf claims the demo intermediate as its issuer but was signed with another key. RSASSA-PKCS1-v1_5 verification with the intermediate's public key recovers a block that does not match the expected DigestInfo (RFC 8017 §8.2.2). The client sends decrypt_error, as OpenSSL does: RFC 5246 §7.2.2 defines it as a cryptographic operation that failed, \"including being unable to correctly verify a signature\"; bad_certificate (\"contained signatures that did not verify correctly\") would fit the same section's wording too.",
            ),
            Scenario::Mitm => (
                "mitm",
                "Man in the middle",
                "\"Your connection is not private\" (NET::ERR_CERT_AUTHORITY_INVALID): someone may be trying to steal your information.",
                "An attacker on the path answers the ClientHello itself, with a certificate for example.com from its own CA. The name matches and the signatures are valid, but the chain does not lead to a trusted root (RFC 5280 §6.1), so the client sends unknown_ca before revealing anything (RFC 5246 §7.2.2).",
            ),
            Scenario::MitmTrusted => (
                "mitm-trusted",
                "Man in the middle, trusted",
                "No warning at all: the padlock appears, because this device was made to trust the attacker's root (a corporate proxy, or malware).",
                "The attacker's root is in the client's trust store, so its certificate for example.com validates (RFC 5280 §6.1). There are two separate handshakes, client-attacker and attacker-server, each with its own premaster and keys; the attacker decrypts, reads and re-encrypts the request and the response. TLS authenticates whoever the trust store vouches for.",
            ),
            Scenario::Downgrade => (
                "downgrade",
                "Downgrade attempt",
                "The page does not load: the connection was reset because the handshake was tampered with.",
                "The attacker removes the AEAD suites from the ClientHello in transit, and the server picks a CBC suite, the weaker construction (MAC-then-encrypt, RFC 5246 §6.2.3.2). Both Finished messages hash the whole transcript (RFC 5246 §7.4.9): the server's transcript holds the modified ClientHello, the client's the original. With the extended master secret (RFC 7627 §4) the session hash differs already, so the master secrets differ and the server cannot even decrypt the client's Finished: bad_record_mac. Without it the keys agree but verify_data differs: decrypt_error.",
            ),
            Scenario::BitFlip => (
                "bit-flip",
                "Bit flipped in transit",
                "The connection fails (ERR_SSL_BAD_RECORD_MAC_ALERT): the data was corrupted or tampered with.",
                "One bit of the encrypted HTTP request changes on the wire. AES-GCM authenticates the ciphertext and the additional data (RFC 5246 §6.2.3.3, RFC 5288): the tag no longer verifies, so the server refuses the record with bad_record_mac and never sees a modified plaintext.",
            ),
            Scenario::NoSharedSuite => (
                "no-shared-suite",
                "No shared cipher suite",
                "\"This site can't provide a secure connection\" (ERR_SSL_VERSION_OR_CIPHER_MISMATCH).",
                "The client offers only TLS_RSA_WITH_AES_128_CBC_SHA; the server accepts only AES-GCM. With no suite in common the server cannot send a ServerHello and ends with handshake_failure (RFC 5246 §7.4.1.3, §7.2.2).",
            ),
            Scenario::BadPremaster => (
                "bad-premaster",
                "Malformed premaster (Bleichenbacher)",
                "The connection fails; nothing tells the attacker why.",
                "The attacker replaces ClientKeyExchange with a ciphertext whose PKCS#1 v1.5 padding is broken, the probe of Bleichenbacher's attack (1998): a server that revealed padding errors would let an attacker decrypt any premaster, given enough such queries: on the order of a million (about 2^20) in the 1998 attack, thousands to tens of thousands in later variants, depending on what the oracle reveals (Bardou et al. 2012; ROBOT 2017). Following RFC 5246 §7.4.7.1, this server does not reveal it: it carries on with a random premaster, so its keys differ from the client's and the failure shows only at the client's Finished (bad_record_mac), exactly as for any other wrong key.",
            ),
            Scenario::StolenKey => (
                "stolen-key",
                "Recorded, then the key leaks",
                "Nothing visible at the time: the padlock appeared. The damage happens later.",
                "A passive observer records the whole session. Later the server's private key leaks (a breach, a subpoena, a careless backup). With RSA key exchange (RFC 5246 §7.4.7.1) the key decrypts the recorded ClientKeyExchange, giving the premaster, then the master secret and the record keys, and so every recorded byte. Forward-secret key exchange (ECDHE, RFC 8422) signs fresh ephemeral keys instead, so a stolen long-term key cannot decrypt past sessions. TLS 1.3 removed RSA key exchange (RFC 8446 §1.2); its (EC)DHE handshakes are forward-secret, though a resumption in psk_ke mode, without (EC)DHE, is not (§4.2.9).",
            ),
            Scenario::SwappedShare => (
                "swapped-share",
                "Key share swapped",
                "The connection fails before the browser sends its own key share: the site's key share was not signed by the site.",
                "An attacker on the path, without a certificate the client trusts, replaces the server's ephemeral public share in ServerKeyExchange with its own, so that it, not the server, would share the premaster with the client. The server's signature covers client_random + server_random + ServerECDHParams, the share among them (RFC 8422 §5.4, RFC 5246 §7.4.3), and is checked with the certificate's key: it no longer verifies, and the client sends decrypt_error (RFC 5246 §7.2.2) before sending its own share.",
            ),
            Scenario::HelloRetry => (
                "hello-retry",
                "HelloRetryRequest",
                "The padlock appears, one round trip later than usual: the browser had guessed a key-exchange group this site does not use.",
                "The client sends its key share on x25519; this server accepts only secp256r1, which the client lists in supported_groups. Instead of failing, the server answers with a HelloRetryRequest naming secp256r1 (RFC 8446 §4.1.4). The client sends a second ClientHello with a share on secp256r1, the first ClientHello enters the transcript as its hash (message_hash, §4.4.1), and the handshake completes, one round trip later.",
            ),
            Scenario::ForgedCertificateVerify => (
                "forged-certificate-verify",
                "Stolen certificate, no key",
                "\"This site can't provide a secure connection\": whoever answered has the site's certificate, but not its private key.",
                "An attacker on the path answers the ClientHello itself and presents the real server's certificate chain, which validates: certificates are public. It does not hold the certificate's private key, so it signs CertificateVerify (RSA-PSS over the transcript, RFC 8446 §4.4.3) with a key of its own. The signature does not verify with the certificate's public key, and the client sends decrypt_error (§6.2) before sending anything else. The certificate names the server; the signature proves it is there.",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_match_serde() {
        for s in Scenario::ALL {
            assert_eq!(Scenario::from_id(s.id()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.id())
            );
            assert!(s.technical().contains("RFC"), "{} cites an RFC", s.id());
            for protocol in Protocol::ALL {
                for suite in [None, Some("TLS_RSA_WITH_AES_128_CBC_SHA")] {
                    assert!(
                        s.technical_for(protocol, suite).contains("RFC"),
                        "{} cites an RFC",
                        s.id()
                    );
                }
            }
        }
        assert_eq!(Scenario::from_id("nope"), None);
    }
}
