//! A decoded certificate with the pieces validation needs (RFC 5280 section 4.1):
//!
//! ```text
//! Certificate  ::=  SEQUENCE  {
//!      tbsCertificate       TBSCertificate,
//!      signatureAlgorithm   AlgorithmIdentifier,
//!      signatureValue       BIT STRING  }
//! ```
//!
//! The signature covers the DER bytes of `tbsCertificate` *as received*, so those bytes are cut
//! out of the input rather than re-encoded from the decoded structure.

use der::{Decode, Reader, SliceReader, Tagged};
use rsa::PublicKey;
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAltName};
use x509_cert::name::Name;

use super::keys::{self, KeyError};
use super::pkcs1::HashAlg;
use super::{dn, oids};
use crate::msgs::enums::AlertDescription;

/// A certificate that decoded, uses RSA, and whose extensions were understood.
pub(crate) struct ParsedCert {
    pub der: Vec<u8>,
    pub cert: Certificate,
    /// The DER of `tbsCertificate` exactly as it appears in `der`.
    pub tbs_der: Vec<u8>,
    pub subject: String,
    pub issuer: String,
    pub hash: HashAlg,
    pub signature: Vec<u8>,
    pub key: PublicKey,
    pub not_before: u64,
    pub not_after: u64,
    pub ext: Extensions,
}

/// The extensions validation looks at, decoded. `critical` flags are kept for display.
#[derive(Default)]
pub(crate) struct Extensions {
    pub basic_constraints: Option<BasicConstraints>,
    pub key_usage: Option<KeyUsage>,
    pub ext_key_usage: Option<ExtendedKeyUsage>,
    pub subject_alt_name: Option<Vec<GeneralName>>,
    /// `(name, critical)` of every extension, in order, for display.
    pub listed: Vec<(String, bool)>,
}

/// Why a certificate could not be used at all, with the alert it ends in.
pub(crate) struct ParseFailure {
    pub alert: AlertDescription,
    pub reason: String,
}

fn fail(alert: AlertDescription, reason: impl Into<String>) -> ParseFailure {
    ParseFailure {
        alert,
        reason: reason.into(),
    }
}

impl ParsedCert {
    pub fn parse(der: &[u8]) -> Result<ParsedCert, ParseFailure> {
        let cert = Certificate::from_der(der).map_err(|e| {
            fail(
                AlertDescription::DecodeError,
                format!("not a DER X.509 certificate: {e}"),
            )
        })?;
        let tbs_der = raw_tbs(der).map_err(|e| {
            fail(
                AlertDescription::DecodeError,
                format!("tbsCertificate: {e}"),
            )
        })?;
        let tbs = cert.tbs_certificate();

        // RFC 5280 section 4.1.1.2: "This field MUST contain the same algorithm identifier as
        // the signature field in the sequence tbsCertificate."
        if tbs.signature() != cert.signature_algorithm() {
            return Err(fail(
                AlertDescription::BadCertificate,
                "signatureAlgorithm differs from tbsCertificate.signature (RFC 5280 4.1.1.2)",
            ));
        }
        let hash = signature_hash(cert.signature_algorithm())?;
        let signature = cert
            .signature()
            .as_bytes()
            .ok_or_else(|| fail(AlertDescription::DecodeError, "signature has unused bits"))?
            .to_vec();
        let key = keys::public_key_from_spki(tbs.subject_public_key_info(), 0).map_err(|e| {
            let alert = match e {
                KeyError::Malformed(_) => AlertDescription::DecodeError,
                _ => AlertDescription::UnsupportedCertificate,
            };
            fail(alert, format!("subject public key: {e}"))
        })?;
        let ext = extensions(&cert)?;
        Ok(ParsedCert {
            der: der.to_vec(),
            subject: dn::to_string(tbs.subject()),
            issuer: dn::to_string(tbs.issuer()),
            not_before: tbs.validity().not_before.to_unix_duration().as_secs(),
            not_after: tbs.validity().not_after.to_unix_duration().as_secs(),
            tbs_der,
            hash,
            signature,
            key,
            ext,
            cert,
        })
    }

    pub fn subject_name(&self) -> &Name {
        self.cert.tbs_certificate().subject()
    }

    pub fn issuer_name(&self) -> &Name {
        self.cert.tbs_certificate().issuer()
    }

    /// RFC 5280 section 6.1: "A certificate is self-issued if the same DN appears in the subject
    /// and issuer fields".
    pub fn is_self_issued(&self) -> bool {
        self.subject_name() == self.issuer_name()
    }

    /// The subject common name(s), for the RFC 6125 CN-ID fallback.
    pub fn common_names(&self) -> Vec<String> {
        self.subject_name()
            .iter()
            .filter(|atv| atv.oid == oids::COMMON_NAME)
            .filter_map(|atv| directory_string(&atv.value))
            .collect()
    }
}

fn directory_string(value: &der::Any) -> Option<String> {
    use der::asn1::{Ia5StringRef, PrintableStringRef, Utf8StringRef};
    match value.tag() {
        der::Tag::Utf8String => Utf8StringRef::try_from(value).ok().map(|s| s.to_string()),
        der::Tag::PrintableString => PrintableStringRef::try_from(value)
            .ok()
            .map(|s| s.to_string()),
        der::Tag::Ia5String => Ia5StringRef::try_from(value).ok().map(|s| s.to_string()),
        _ => None,
    }
}

/// Cuts the first element (tbsCertificate) out of the outer SEQUENCE.
fn raw_tbs(der: &[u8]) -> der::Result<Vec<u8>> {
    let mut reader = SliceReader::new(der)?;
    let outer = der::Header::decode(&mut reader)?;
    outer.tag().assert_eq(der::Tag::Sequence)?;
    Ok(reader.tlv_bytes()?.to_vec())
}

fn signature_hash(
    alg: &x509_cert::spki::AlgorithmIdentifierOwned,
) -> Result<HashAlg, ParseFailure> {
    let hash = match alg.oid {
        oids::SHA1_WITH_RSA => HashAlg::Sha1,
        oids::SHA256_WITH_RSA => HashAlg::Sha256,
        oids::SHA384_WITH_RSA => HashAlg::Sha384,
        oids::SHA512_WITH_RSA => HashAlg::Sha512,
        other => {
            return Err(fail(
                AlertDescription::UnsupportedCertificate,
                format!(
                    "signature algorithm {} is not RSASSA-PKCS1-v1_5",
                    oids::name(&other)
                ),
            ));
        }
    };
    // RFC 4055 section 5: "When any of these four object identifiers appears within an
    // AlgorithmIdentifier, the parameters MUST be NULL. Implementations MUST accept the
    // parameters being absent as well as present."
    if let Some(p) = &alg.parameters
        && (p.tag() != der::Tag::Null || !p.value().is_empty())
    {
        return Err(fail(
            AlertDescription::BadCertificate,
            "signature algorithm parameters are not NULL",
        ));
    }
    Ok(hash)
}

/// Decodes the extensions validation needs.
///
/// RFC 5280 section 4.2: "A certificate MUST NOT include more than one instance of a particular
/// extension." and "A certificate-using system MUST reject the certificate if it encounters a
/// critical extension it does not recognize or a critical extension that contains information
/// that it cannot process."
fn extensions(cert: &Certificate) -> Result<Extensions, ParseFailure> {
    let mut out = Extensions::default();
    let list = cert
        .tbs_certificate()
        .extensions()
        .map(|e| e.as_slice())
        .unwrap_or(&[]);
    for (i, e) in list.iter().enumerate() {
        let name = oids::name(&e.extn_id);
        if list[..i].iter().any(|p| p.extn_id == e.extn_id) {
            return Err(fail(
                AlertDescription::BadCertificate,
                format!("extension {name} appears twice"),
            ));
        }
        if e.critical && !oids::UNDERSTOOD_EXTENSIONS.contains(&e.extn_id) {
            return Err(fail(
                AlertDescription::UnsupportedCertificate,
                format!("unrecognised critical extension {name}"),
            ));
        }
        let value = e.extn_value.as_bytes();
        let bad = |err: der::Error| {
            fail(
                AlertDescription::BadCertificate,
                format!("extension {name}: {err}"),
            )
        };
        match e.extn_id {
            oids::BASIC_CONSTRAINTS => {
                out.basic_constraints = Some(BasicConstraints::from_der(value).map_err(bad)?)
            }
            oids::KEY_USAGE => out.key_usage = Some(KeyUsage::from_der(value).map_err(bad)?),
            oids::EXT_KEY_USAGE => {
                out.ext_key_usage = Some(ExtendedKeyUsage::from_der(value).map_err(bad)?)
            }
            oids::SUBJECT_ALT_NAME => {
                out.subject_alt_name = Some(SubjectAltName::from_der(value).map_err(bad)?.0)
            }
            _ => {}
        }
        out.listed.push((name, e.critical));
    }
    Ok(out)
}
