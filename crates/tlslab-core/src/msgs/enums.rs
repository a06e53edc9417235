//! Protocol constants (RFC 5246 section 7 and appendix A, RFC 6066, RFC 5746, RFC 7627).
//!
//! Every enum keeps values it does not know as `Unknown(n)`, so a decoder can show what a peer
//! sent instead of dropping it.

use serde::{Deserialize, Serialize};

/// Declares a protocol constant enum over `u8` or `u16` with its wire values and RFC names.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident: $repr:ty { $($(#[$vmeta:meta])* $variant:ident = $value:literal => $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            Unknown($repr),
        }

        impl $name {
            pub fn to_wire(self) -> $repr {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(v) => v,
                }
            }

            pub fn from_wire(v: $repr) -> Self {
                match v {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other),
                }
            }

            /// The name the RFC (or the IANA registry) gives this value.
            pub fn name(self) -> String {
                match self {
                    $(Self::$variant => $text.to_string(),)*
                    Self::Unknown(v) => format!("unknown({v:#x})"),
                }
            }
        }
    };
}

wire_enum! {
    /// RFC 5246 section 6.2.1.
    ContentType: u8 {
        ChangeCipherSpec = 20 => "change_cipher_spec",
        Alert = 21 => "alert",
        Handshake = 22 => "handshake",
        ApplicationData = 23 => "application_data",
    }
}

wire_enum! {
    /// RFC 5246 section 7.4.
    HandshakeType: u8 {
        HelloRequest = 0 => "hello_request",
        ClientHello = 1 => "client_hello",
        ServerHello = 2 => "server_hello",
        NewSessionTicket = 4 => "new_session_ticket",
        EndOfEarlyData = 5 => "end_of_early_data",
        EncryptedExtensions = 8 => "encrypted_extensions",
        Certificate = 11 => "certificate",
        ServerKeyExchange = 12 => "server_key_exchange",
        CertificateRequest = 13 => "certificate_request",
        ServerHelloDone = 14 => "server_hello_done",
        CertificateVerify = 15 => "certificate_verify",
        ClientKeyExchange = 16 => "client_key_exchange",
        Finished = 20 => "finished",
        KeyUpdate = 24 => "key_update",
        MessageHash = 254 => "message_hash",
    }
}

wire_enum! {
    /// RFC 5246 section 7.2.
    AlertLevel: u8 {
        Warning = 1 => "warning",
        Fatal = 2 => "fatal",
    }
}

wire_enum! {
    /// RFC 5246 section 7.2.
    AlertDescription: u8 {
        CloseNotify = 0 => "close_notify",
        UnexpectedMessage = 10 => "unexpected_message",
        BadRecordMac = 20 => "bad_record_mac",
        RecordOverflow = 22 => "record_overflow",
        HandshakeFailure = 40 => "handshake_failure",
        BadCertificate = 42 => "bad_certificate",
        UnsupportedCertificate = 43 => "unsupported_certificate",
        CertificateRevoked = 44 => "certificate_revoked",
        CertificateExpired = 45 => "certificate_expired",
        CertificateUnknown = 46 => "certificate_unknown",
        IllegalParameter = 47 => "illegal_parameter",
        UnknownCa = 48 => "unknown_ca",
        AccessDenied = 49 => "access_denied",
        DecodeError = 50 => "decode_error",
        DecryptError = 51 => "decrypt_error",
        ProtocolVersion = 70 => "protocol_version",
        InsufficientSecurity = 71 => "insufficient_security",
        InternalError = 80 => "internal_error",
        UserCanceled = 90 => "user_canceled",
        NoRenegotiation = 100 => "no_renegotiation",
        MissingExtension = 109 => "missing_extension",
        UnsupportedExtension = 110 => "unsupported_extension",
        UnrecognizedName = 112 => "unrecognized_name",
    }
}

wire_enum! {
    /// IANA TLS Cipher Suites registry, spelled as IANA does so the names match everywhere.
    #[allow(non_camel_case_types)]
    CipherSuite: u16 {
        TLS_AES_128_GCM_SHA256 = 0x1301 => "TLS_AES_128_GCM_SHA256",
        TLS_AES_256_GCM_SHA384 = 0x1302 => "TLS_AES_256_GCM_SHA384",
        TLS_CHACHA20_POLY1305_SHA256 = 0x1303 => "TLS_CHACHA20_POLY1305_SHA256",
        TLS_RSA_WITH_AES_128_GCM_SHA256 = 0x009c => "TLS_RSA_WITH_AES_128_GCM_SHA256",
        TLS_RSA_WITH_AES_128_CBC_SHA256 = 0x003c => "TLS_RSA_WITH_AES_128_CBC_SHA256",
        TLS_RSA_WITH_AES_128_CBC_SHA = 0x002f => "TLS_RSA_WITH_AES_128_CBC_SHA",
        TLS_RSA_WITH_AES_256_GCM_SHA384 = 0x009d => "TLS_RSA_WITH_AES_256_GCM_SHA384",
        TLS_RSA_WITH_AES_256_CBC_SHA = 0x0035 => "TLS_RSA_WITH_AES_256_CBC_SHA",
        TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA = 0xc013 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xc02f => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xc030 => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xc02b => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca8 => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff => "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
    }
}

impl CipherSuite {
    /// The suites this crate implements, most preferred first: what a server accepts. ECDHE
    /// first, as servers prefer forward secrecy.
    pub const SUPPORTED: [CipherSuite; 8] = [
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA256,
        CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA,
        CipherSuite::TLS_RSA_WITH_AES_256_GCM_SHA384,
    ];

    /// What a client offers unless told otherwise. The first three suites, as ever: every
    /// existing link's ClientHello keeps its bytes. TLS_RSA_WITH_AES_256_GCM_SHA384 (SHA-384
    /// PRF) is run by asking for it.
    pub const OFFERED: [CipherSuite; 3] = [
        CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA256,
        CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA,
    ];

    /// The TLS 1.3 suites (RFC 8446 appendix B.4), most preferred first. They name only the
    /// AEAD and the hash; the key exchange is in key_share.
    pub const TLS13: [CipherSuite; 3] = [
        CipherSuite::TLS_AES_128_GCM_SHA256,
        CipherSuite::TLS_AES_256_GCM_SHA384,
        CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
    ];

    /// What a browser offers: TLS 1.3's suites, then TLS 1.2's ECDHE ones for older servers.
    pub const BROWSER: [CipherSuite; 7] = [
        CipherSuite::TLS_AES_128_GCM_SHA256,
        CipherSuite::TLS_AES_256_GCM_SHA384,
        CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
    ];

    /// The ECDHE suites (RFC 8422), what a client offers for forward secrecy.
    pub const ECDHE: [CipherSuite; 4] = [
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
    ];

    /// Parses an IANA name such as `TLS_RSA_WITH_AES_128_GCM_SHA256`.
    /// Only the suites this crate implements, TLS 1.2's and TLS 1.3's.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::SUPPORTED
            .into_iter()
            .chain(Self::TLS13)
            .find(|s| s.name() == name)
    }
}

wire_enum! {
    /// IANA TLS ExtensionType registry (the ones this crate decodes or names).
    ExtensionType: u16 {
        ServerName = 0 => "server_name",
        StatusRequest = 5 => "status_request",
        SupportedGroups = 10 => "supported_groups",
        EcPointFormats = 11 => "ec_point_formats",
        SignatureAlgorithms = 13 => "signature_algorithms",
        Alpn = 16 => "application_layer_protocol_negotiation",
        SignedCertificateTimestamp = 18 => "signed_certificate_timestamp",
        EncryptThenMac = 22 => "encrypt_then_mac",
        ExtendedMasterSecret = 23 => "extended_master_secret",
        RecordSizeLimit = 28 => "record_size_limit",
        SessionTicket = 35 => "session_ticket",
        PreSharedKey = 41 => "pre_shared_key",
        EarlyData = 42 => "early_data",
        SupportedVersions = 43 => "supported_versions",
        Cookie = 44 => "cookie",
        PskKeyExchangeModes = 45 => "psk_key_exchange_modes",
        PostHandshakeAuth = 49 => "post_handshake_auth",
        SignatureAlgorithmsCert = 50 => "signature_algorithms_cert",
        KeyShare = 51 => "key_share",
        RenegotiationInfo = 0xff01 => "renegotiation_info",
    }
}

wire_enum! {
    /// The IANA TLS Supported Groups registry (RFC 8422 section 5.1.1, RFC 7748).
    NamedGroup: u16 {
        Secp256r1 = 23 => "secp256r1",
        Secp384r1 = 24 => "secp384r1",
        Secp521r1 = 25 => "secp521r1",
        X25519 = 29 => "x25519",
        X448 = 30 => "x448",
    }
}

wire_enum! {
    /// RFC 8422 section 5.1.2 (only `uncompressed` is still allowed).
    EcPointFormat: u8 {
        Uncompressed = 0 => "uncompressed",
        AnsiX962CompressedPrime = 1 => "ansiX962_compressed_prime",
        AnsiX962CompressedChar2 = 2 => "ansiX962_compressed_char2",
    }
}

wire_enum! {
    /// RFC 8446 section 4.2.3 names (the TLS 1.2 hash/signature pairs share the code points).
    SignatureScheme: u16 {
        RsaPkcs1Sha1 = 0x0201 => "rsa_pkcs1_sha1",
        RsaPkcs1Sha256 = 0x0401 => "rsa_pkcs1_sha256",
        RsaPkcs1Sha384 = 0x0501 => "rsa_pkcs1_sha384",
        RsaPkcs1Sha512 = 0x0601 => "rsa_pkcs1_sha512",
        EcdsaSecp256r1Sha256 = 0x0403 => "ecdsa_secp256r1_sha256",
        EcdsaSecp384r1Sha384 = 0x0503 => "ecdsa_secp384r1_sha384",
        RsaPssRsaeSha256 = 0x0804 => "rsa_pss_rsae_sha256",
        RsaPssRsaeSha384 = 0x0805 => "rsa_pss_rsae_sha384",
        RsaPssRsaeSha512 = 0x0806 => "rsa_pss_rsae_sha512",
        Ed25519 = 0x0807 => "ed25519",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_values_round_trip_and_unknowns_are_kept() {
        for v in 0..=255u8 {
            assert_eq!(AlertDescription::from_wire(v).to_wire(), v);
        }
        assert_eq!(
            CipherSuite::from_wire(0x009c),
            CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256
        );
        assert_eq!(CipherSuite::from_wire(0x1234), CipherSuite::Unknown(0x1234));
        assert_eq!(AlertDescription::UnknownCa.name(), "unknown_ca");
        assert_eq!(
            CipherSuite::from_name("TLS_RSA_WITH_AES_128_CBC_SHA"),
            Some(CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA)
        );
    }
}
