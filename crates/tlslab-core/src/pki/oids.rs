//! Object identifiers used by the PKI code, spelled out so a reader can match them to the RFCs.
//!
//! `ObjectIdentifier::new_unwrap` runs at compile time in these `const` items: a malformed
//! literal is a build error, never a run-time panic.

use der::oid::ObjectIdentifier;

/// RFC 8017 appendix A.1: `rsaEncryption OBJECT IDENTIFIER ::= { pkcs-1 1 }`.
pub const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// RFC 8017 appendix A.2.4: `sha1WithRSAEncryption ::= { pkcs-1 5 }`.
pub const SHA1_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");
/// RFC 8017 appendix A.2.4: `sha256WithRSAEncryption ::= { pkcs-1 11 }`.
pub const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
/// RFC 8017 appendix A.2.4: `sha384WithRSAEncryption ::= { pkcs-1 12 }`.
pub const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
/// RFC 8017 appendix A.2.4: `sha512WithRSAEncryption ::= { pkcs-1 13 }`.
pub const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");

/// X.520 `id-at-commonName` (2.5.4.3).
pub const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
/// X.520 `id-at-organizationName` (2.5.4.10).
pub const ORGANIZATION: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");

/// RFC 5280 section 4.2.1.2 `id-ce-subjectKeyIdentifier`.
pub const SUBJECT_KEY_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
/// RFC 5280 section 4.2.1.3 `id-ce-keyUsage`.
pub const KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
/// RFC 5280 section 4.2.1.6 `id-ce-subjectAltName`.
pub const SUBJECT_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
/// RFC 5280 section 4.2.1.9 `id-ce-basicConstraints`.
pub const BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
/// RFC 5280 section 4.2.1.1 `id-ce-authorityKeyIdentifier`.
pub const AUTHORITY_KEY_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
/// RFC 5280 section 4.2.1.12 `id-ce-extKeyUsage`.
pub const EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
/// RFC 5280 section 4.2.1.12 `anyExtendedKeyUsage`.
pub const ANY_EXTENDED_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37.0");
/// RFC 5280 section 4.2.1.12 `id-kp-serverAuth`.
pub const KP_SERVER_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1");
/// RFC 5280 section 4.2.1.12 `id-kp-clientAuth`.
pub const KP_CLIENT_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");

/// The extensions this crate processes during validation; RFC 5280 section 4.2 requires
/// rejecting a certificate with a critical extension that is not in this list.
pub const UNDERSTOOD_EXTENSIONS: [ObjectIdentifier; 6] = [
    SUBJECT_KEY_IDENTIFIER,
    KEY_USAGE,
    SUBJECT_ALT_NAME,
    BASIC_CONSTRAINTS,
    AUTHORITY_KEY_IDENTIFIER,
    EXT_KEY_USAGE,
];

/// A readable name for an OID, falling back to the dotted form.
pub fn name(oid: &ObjectIdentifier) -> String {
    let known = [
        (RSA_ENCRYPTION, "rsaEncryption"),
        (SHA1_WITH_RSA, "sha1WithRSAEncryption"),
        (SHA256_WITH_RSA, "sha256WithRSAEncryption"),
        (SHA384_WITH_RSA, "sha384WithRSAEncryption"),
        (SHA512_WITH_RSA, "sha512WithRSAEncryption"),
        (SUBJECT_KEY_IDENTIFIER, "subjectKeyIdentifier"),
        (KEY_USAGE, "keyUsage"),
        (SUBJECT_ALT_NAME, "subjectAltName"),
        (BASIC_CONSTRAINTS, "basicConstraints"),
        (AUTHORITY_KEY_IDENTIFIER, "authorityKeyIdentifier"),
        (EXT_KEY_USAGE, "extKeyUsage"),
        (ANY_EXTENDED_KEY_USAGE, "anyExtendedKeyUsage"),
        (KP_SERVER_AUTH, "serverAuth"),
        (KP_CLIENT_AUTH, "clientAuth"),
    ];
    known
        .iter()
        .find(|(k, _)| k == oid)
        .map(|(_, n)| format!("{n} ({oid})"))
        .unwrap_or_else(|| oid.to_string())
}
