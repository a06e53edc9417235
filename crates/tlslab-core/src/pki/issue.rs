//! Issuing X.509 v3 certificates (RFC 5280 section 4.1), signed with sha256WithRSAEncryption.
//!
//! ```text
//! TBSCertificate  ::=  SEQUENCE  {
//!      version         [0]  EXPLICIT Version DEFAULT v1,     -- v3
//!      serialNumber         CertificateSerialNumber,
//!      signature            AlgorithmIdentifier,             -- sha256WithRSAEncryption, NULL
//!      issuer               Name,                            -- the issuer's subject, verbatim
//!      validity             Validity,
//!      subject              Name,                            -- O=..., CN=...
//!      subjectPublicKeyInfo SubjectPublicKeyInfo,
//!      extensions      [3]  EXPLICIT Extensions OPTIONAL }
//! ```
//!
//! The signature is RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 section 8.2.1), which is
//! deterministic: issuing the same spec with the same keys twice gives identical DER. That is
//! what lets the demo certificates be committed as data and checked against this code.

use core::fmt;
use core::time::Duration;

use der::asn1::{BitString, Ia5String, OctetString, Utf8StringRef};
use der::flagset::FlagSet;
use der::{Any, DateTime, Decode, Encode, Sequence};
use rsa::pkcs8::EncodePublicKey;
use rsa::{PrivateKey, PublicKey};
use serde::{Deserialize, Serialize};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};
use x509_cert::{Certificate, Version};

use super::oids;

/// What goes into a certificate, apart from keys. Every extension is optional so that scenarios
/// can issue certificates that lack exactly the thing a check looks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertSpec {
    /// RFC 5280 section 4.1.2.2: a positive integer, unique per issuer.
    pub serial: u64,
    /// Subject `CN`.
    pub common_name: String,
    /// Subject `O`, placed before `CN` as is customary.
    pub organization: Option<String>,
    /// Unix seconds (RFC 5280 section 4.1.2.5: inclusive bounds).
    pub not_before: u64,
    pub not_after: u64,
    /// subjectAltName dNSName entries; no extension when empty.
    pub dns_names: Vec<String>,
    /// basicConstraints; `None` leaves the extension out.
    pub basic_constraints: Option<BasicConstraintsSpec>,
    /// keyUsage bits; `None` leaves the extension out.
    pub key_usage: Option<Vec<KeyUsageBit>>,
    /// extKeyUsage purposes; `None` leaves the extension out.
    pub extended_key_usage: Option<Vec<ExtKeyUsage>>,
    /// Include subjectKeyIdentifier and authorityKeyIdentifier (RFC 5280 4.2.1.1, 4.2.1.2).
    pub key_identifiers: bool,
}

/// RFC 5280 section 4.2.1.9:
/// ```text
/// BasicConstraints ::= SEQUENCE {
///      cA                      BOOLEAN DEFAULT FALSE,
///      pathLenConstraint       INTEGER (0..MAX) OPTIONAL }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasicConstraintsSpec {
    pub ca: bool,
    pub path_len: Option<u8>,
}

/// RFC 5280 section 4.2.1.3 `KeyUsage` bits used by TLS certificates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyUsageBit {
    DigitalSignature,
    /// RFC 5246 section 7.4.2: with RSA key exchange, "RSA public key; the certificate MUST
    /// allow the key to be used for encryption (the keyEncipherment bit MUST be set if the key
    /// usage extension is present)."
    KeyEncipherment,
    KeyCertSign,
    CrlSign,
}

/// RFC 5280 section 4.2.1.12 key purposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ExtKeyUsage {
    ServerAuth,
    ClientAuth,
}

impl CertSpec {
    /// A CA (a root when it signs itself): basicConstraints cA (critical), keyUsage
    /// keyCertSign + cRLSign, no path length limit.
    pub fn ca(
        serial: u64,
        common_name: &str,
        organization: &str,
        not_before: u64,
        not_after: u64,
    ) -> Self {
        CertSpec {
            serial,
            common_name: common_name.into(),
            organization: Some(organization.into()),
            not_before,
            not_after,
            dns_names: Vec::new(),
            basic_constraints: Some(BasicConstraintsSpec {
                ca: true,
                path_len: None,
            }),
            key_usage: Some(vec![KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign]),
            extended_key_usage: None,
            key_identifiers: true,
        }
    }

    /// This CA limited to issuing end-entity certificates (pathLenConstraint 0), as an
    /// intermediate CA is.
    pub fn with_path_len_zero(self) -> Self {
        CertSpec {
            basic_constraints: Some(BasicConstraintsSpec {
                ca: true,
                path_len: Some(0),
            }),
            ..self
        }
    }

    /// A TLS server certificate for RSA key exchange: cA FALSE, keyUsage digitalSignature +
    /// keyEncipherment, extKeyUsage serverAuth, the DNS names in subjectAltName.
    pub fn tls_server(serial: u64, dns_names: &[&str], not_before: u64, not_after: u64) -> Self {
        CertSpec {
            serial,
            common_name: dns_names.first().copied().unwrap_or_default().into(),
            organization: None,
            not_before,
            not_after,
            dns_names: dns_names.iter().map(|s| s.to_string()).collect(),
            basic_constraints: Some(BasicConstraintsSpec {
                ca: false,
                path_len: None,
            }),
            key_usage: Some(vec![
                KeyUsageBit::DigitalSignature,
                KeyUsageBit::KeyEncipherment,
            ]),
            extended_key_usage: Some(vec![ExtKeyUsage::ServerAuth]),
            key_identifiers: true,
        }
    }
}

/// Who signs the certificate.
#[derive(Clone, Copy)]
pub enum Issuer<'a> {
    /// The subject signs its own certificate with `key` (issuer name = subject name).
    SelfSigned { key: &'a PrivateKey },
    /// A CA: the issuer name (and key identifier) come from its certificate, the signature from
    /// `key`. Nothing checks that `key` matches the certificate, so a scenario can forge.
    Ca {
        certificate: &'a [u8],
        key: &'a PrivateKey,
    },
}

/// Why a certificate could not be issued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssueError {
    /// The spec cannot be encoded (serial 0, non-ASCII DNS name, unrepresentable time).
    InvalidSpec(String),
    /// The issuer certificate does not decode.
    IssuerCertificate(String),
    /// DER encoding failed.
    Encoding(String),
    /// The RSA signature operation failed.
    Signing(String),
}

impl fmt::Display for IssueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IssueError::InvalidSpec(why) => write!(f, "invalid certificate spec: {why}"),
            IssueError::IssuerCertificate(why) => write!(f, "issuer certificate: {why}"),
            IssueError::Encoding(why) => write!(f, "DER encoding failed: {why}"),
            IssueError::Signing(why) => write!(f, "signing failed: {why}"),
        }
    }
}

impl std::error::Error for IssueError {}

fn encoding(e: der::Error) -> IssueError {
    IssueError::Encoding(e.to_string())
}

/// `TBSCertificate` as this crate writes it (always v3, extensions always present).
#[derive(Sequence)]
struct TbsCertificateOut {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    version: Version,
    serial_number: SerialNumber,
    signature: AlgorithmIdentifierOwned,
    issuer: Name,
    validity: Validity,
    subject: Name,
    subject_public_key_info: SubjectPublicKeyInfoOwned,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT")]
    extensions: Vec<Extension>,
}

/// `Certificate` around an encoded `TBSCertificateOut`.
#[derive(Sequence)]
struct CertificateOut {
    tbs_certificate: TbsCertificateOut,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

/// Issues a certificate for `subject_key` described by `spec`, signed by `issuer`. Returns DER.
pub fn issue(
    spec: &CertSpec,
    subject_key: &PublicKey,
    issuer: Issuer<'_>,
) -> Result<Vec<u8>, IssueError> {
    if spec.serial == 0 {
        return Err(IssueError::InvalidSpec(
            "serial numbers must be positive".into(),
        ));
    }
    let spki_der = subject_key
        .to_public_key_der()
        .map_err(|e| IssueError::Encoding(e.to_string()))?;
    let spki = SubjectPublicKeyInfoOwned::from_der(spki_der.as_bytes()).map_err(encoding)?;
    let subject_key_id = key_identifier(&spki);
    let subject = name(spec)?;

    let (issuer_name, authority_key_id, signing_key) = match issuer {
        Issuer::SelfSigned { key } => (subject.clone(), subject_key_id.clone(), key),
        Issuer::Ca { certificate, key } => {
            let ca = Certificate::from_der(certificate)
                .map_err(|e| IssueError::IssuerCertificate(e.to_string()))?;
            let tbs = ca.tbs_certificate();
            let ski = tbs
                .get_extension::<SubjectKeyIdentifier>()
                .map_err(|e| IssueError::IssuerCertificate(e.to_string()))?
                .map(|(_, ski)| ski.0.as_bytes().to_vec())
                .unwrap_or_else(|| key_identifier(tbs.subject_public_key_info()));
            (tbs.subject().clone(), ski, key)
        }
    };

    let tbs = TbsCertificateOut {
        version: Version::V3,
        serial_number: SerialNumber::new(&spec.serial.to_be_bytes()).map_err(encoding)?,
        signature: sha256_with_rsa(),
        issuer: issuer_name,
        validity: Validity::new(time(spec.not_before)?, time(spec.not_after)?),
        subject,
        subject_public_key_info: spki,
        extensions: extensions(spec, subject_key_id, authority_key_id)?,
    };
    let tbs_der = tbs.to_der().map_err(encoding)?;
    let signature = signing_key
        .pkcs1v15_sign::<Sha256>(&tbs_der)
        .map_err(|e| IssueError::Signing(e.to_string()))?;
    let cert = CertificateOut {
        tbs_certificate: tbs,
        signature_algorithm: sha256_with_rsa(),
        signature: BitString::from_bytes(&signature).map_err(encoding)?,
    };
    let der = cert.to_der().map_err(encoding)?;
    // What we wrote must be something we (and everyone else) can read back.
    Certificate::from_der(&der).map_err(encoding)?;
    Ok(der)
}

/// `sha256WithRSAEncryption` with NULL parameters (RFC 4055 section 5).
fn sha256_with_rsa() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: oids::SHA256_WITH_RSA,
        parameters: Some(Any::from(der::asn1::Null)),
    }
}

/// RFC 5280 section 4.2.1.2, method (1): "The keyIdentifier is composed of the 160-bit SHA-1
/// hash of the value of the BIT STRING subjectPublicKey (excluding the tag, length, and number
/// of unused bits)."
fn key_identifier(spki: &SubjectPublicKeyInfoOwned) -> Vec<u8> {
    Sha1::digest(spki.subject_public_key.raw_bytes()).to_vec()
}

/// RFC 5280 section 4.1.2.5: "CAs conforming to this profile MUST always encode certificate
/// validity dates through the year 2049 as UTCTime; certificate validity dates in 2050 or later
/// MUST be encoded as GeneralizedTime."
fn time(unix: u64) -> Result<Time, IssueError> {
    let dt = DateTime::from_unix_duration(Duration::from_secs(unix))
        .map_err(|e| IssueError::InvalidSpec(format!("time {unix}: {e}")))?;
    Ok(Time::from(dt))
}

/// `O=organization, CN=common_name` as UTF8Strings (RFC 5280 section 4.1.2.4: "CAs conforming to
/// this profile MUST use either the PrintableString or UTF8String encoding of DirectoryString").
fn name(spec: &CertSpec) -> Result<Name, IssueError> {
    let mut rdns = RdnSequence::default();
    let attributes = spec
        .organization
        .iter()
        .map(|o| (oids::ORGANIZATION, o.as_str()))
        .chain([(oids::COMMON_NAME, spec.common_name.as_str())]);
    for (oid, value) in attributes {
        let value = Any::from(Utf8StringRef::new(value).map_err(encoding)?);
        let mut rdn = RelativeDistinguishedName::default();
        rdn.insert(AttributeTypeAndValue { oid, value })
            .map_err(encoding)?;
        rdns.push(rdn);
    }
    // `Name ::= CHOICE { rdnSequence RDNSequence }`: the two encode identically.
    Name::from_der(&rdns.to_der().map_err(encoding)?).map_err(encoding)
}

fn extension(
    value: &impl Encode,
    oid: der::oid::ObjectIdentifier,
    critical: bool,
) -> Result<Extension, IssueError> {
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(value.to_der().map_err(encoding)?).map_err(encoding)?,
    })
}

/// The extensions in the order OpenSSL writes them. Criticality follows RFC 5280: basicConstraints
/// "MUST [be marked] critical" in CA certificates (4.2.1.9), keyUsage "SHOULD" be critical
/// (4.2.1.3), authorityKeyIdentifier and subjectKeyIdentifier "MUST [be] non-critical"
/// (4.2.1.1, 4.2.1.2), subjectAltName non-critical when the subject is not empty (4.2.1.6).
fn extensions(
    spec: &CertSpec,
    subject_key_id: Vec<u8>,
    authority_key_id: Vec<u8>,
) -> Result<Vec<Extension>, IssueError> {
    let mut out = Vec::new();
    if let Some(bc) = spec.basic_constraints {
        let value = BasicConstraints {
            ca: bc.ca,
            path_len_constraint: bc.path_len,
        };
        out.push(extension(&value, oids::BASIC_CONSTRAINTS, true)?);
    }
    if let Some(bits) = &spec.key_usage {
        let mut flags = FlagSet::<KeyUsages>::default();
        for bit in bits {
            flags |= match bit {
                KeyUsageBit::DigitalSignature => KeyUsages::DigitalSignature,
                KeyUsageBit::KeyEncipherment => KeyUsages::KeyEncipherment,
                KeyUsageBit::KeyCertSign => KeyUsages::KeyCertSign,
                KeyUsageBit::CrlSign => KeyUsages::CRLSign,
            };
        }
        out.push(extension(&KeyUsage(flags), oids::KEY_USAGE, true)?);
    }
    if let Some(purposes) = &spec.extended_key_usage {
        let oids = purposes
            .iter()
            .map(|p| match p {
                ExtKeyUsage::ServerAuth => oids::KP_SERVER_AUTH,
                ExtKeyUsage::ClientAuth => oids::KP_CLIENT_AUTH,
            })
            .collect();
        out.push(extension(
            &ExtendedKeyUsage(oids),
            oids::EXT_KEY_USAGE,
            false,
        )?);
    }
    if spec.key_identifiers {
        let ski = SubjectKeyIdentifier(OctetString::new(subject_key_id).map_err(encoding)?);
        out.push(extension(&ski, oids::SUBJECT_KEY_IDENTIFIER, false)?);
        let aki = AuthorityKeyIdentifier {
            key_identifier: Some(OctetString::new(authority_key_id).map_err(encoding)?),
            authority_cert_issuer: None,
            authority_cert_serial_number: None,
        };
        out.push(extension(&aki, oids::AUTHORITY_KEY_IDENTIFIER, false)?);
    }
    if !spec.dns_names.is_empty() {
        let names = spec
            .dns_names
            .iter()
            .map(|n| {
                Ia5String::new(n)
                    .map(GeneralName::DnsName)
                    .map_err(|_| IssueError::InvalidSpec(format!("DNS name {n:?} is not ASCII")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.push(extension(
            &SubjectAltName(names),
            oids::SUBJECT_ALT_NAME,
            false,
        )?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::demo::DemoPki;

    #[test]
    fn issuing_is_deterministic_and_the_result_decodes() {
        let pki = DemoPki::load().unwrap();
        let spec = CertSpec::tls_server(7, &["a.example.com"], 1_735_689_600, 1_767_225_600);
        let issuer = pki.issuer(crate::pki::DemoIssuer::Intermediate);
        let a = issue(&spec, pki.leaf_key().as_public_key(), issuer).unwrap();
        let b = issue(&spec, pki.leaf_key().as_public_key(), issuer).unwrap();
        assert_eq!(a, b);
        let cert = Certificate::from_der(&a).unwrap();
        let tbs = cert.tbs_certificate();
        assert_eq!(tbs.version(), Version::V3);
        assert_eq!(tbs.serial_number().as_bytes(), &[7]);
        assert_eq!(
            tbs.issuer().to_string(),
            "CN=tlslab Demo Intermediate CA,O=tlslab"
        );
        assert_eq!(tbs.subject().to_string(), "CN=a.example.com");
        let (critical, ku) = tbs.get_extension::<KeyUsage>().unwrap().unwrap();
        assert!(critical && ku.digital_signature() && ku.key_encipherment() && !ku.key_cert_sign());
    }

    #[test]
    fn bad_specs_are_errors() {
        let pki = DemoPki::load().unwrap();
        let key = pki.leaf_key().as_public_key();
        let issuer = Issuer::SelfSigned {
            key: pki.leaf_key(),
        };
        let mut spec = CertSpec::tls_server(0, &["example.com"], 0, 1);
        assert!(matches!(
            issue(&spec, key, issuer),
            Err(IssueError::InvalidSpec(_))
        ));
        spec.serial = 1;
        spec.dns_names = vec!["bücher.example".into()];
        assert!(matches!(
            issue(&spec, key, issuer),
            Err(IssueError::InvalidSpec(_))
        ));
        let garbage = Issuer::Ca {
            certificate: b"not a certificate",
            key: pki.leaf_key(),
        };
        spec.dns_names.clear();
        assert!(matches!(
            issue(&spec, key, garbage),
            Err(IssueError::IssuerCertificate(_))
        ));
    }
}
