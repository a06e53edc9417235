//! Validating the server's certificate chain, one visible check at a time.
//!
//! The client builds a path from the leaf (RFC 5246 section 7.4.2: "The sender's certificate
//! MUST come first in the list. Each following certificate MUST directly certify the one
//! preceding it.") up to a certificate issued by one of its trust anchors, then runs the
//! checks of RFC 5280 section 6.1 on every certificate of that path, and the TLS-specific
//! ones (RFC 6125 host name, RFC 5246 key usage for RSA key exchange) on the leaf:
//!
//! | kind                 | applies to          | fails with              |
//! |----------------------|---------------------|-------------------------|
//! | `parse`              | every certificate   | decode_error, bad_certificate, unsupported_certificate |
//! | `trust_anchor`       | top of the path     | unknown_ca              |
//! | `signature`          | every path cert     | decrypt_error           |
//! | `validity`           | every path cert     | certificate_expired     |
//! | `key_size`           | every path cert     | unsupported_certificate |
//! | `basic_constraints`  | issuers             | bad_certificate         |
//! | `key_usage`          | every path cert     | unsupported_certificate |
//! | `extended_key_usage` | leaf                | unsupported_certificate |
//! | `host_name`          | leaf                | bad_certificate         |
//!
//! Every check that can run does run, so a student sees all verdicts, and the chain is rejected
//! with the alert of the first failure in the order of that table (parse, then trust, then
//! signatures, validity, constraints and usages, host name last). The trust anchors themselves
//! are not checked (RFC 5280 section 6.1.1 (d): the trust anchor is an input, not a certificate
//! of the path).

use core::time::Duration;

use der::DateTime;
use rsa::PublicKey;
use rsa::traits::PublicKeyParts;
use x509_cert::ext::pkix::name::GeneralName;

use super::cert::ParsedCert;
use super::hostname::{self, NameMatch};
use super::keys::{self, DEFAULT_MIN_RSA_BITS};
use super::oids;
use super::pkcs1;
use crate::bytes::Bytes;
use crate::msgs::enums::AlertDescription;
use crate::timeline::{CertCheck, CertRef, CheckInput, CheckKind, CheckValue};

/// What the client accepts beyond RFC 5280's rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Smallest RSA modulus, in bits, accepted in the path (default 2048).
    pub min_rsa_bits: usize,
    /// RFC 6125 section 6.4.4: match the subject CN when the certificate has no
    /// subjectAltName extension at all (never when it has one). Default false, as browsers
    /// do (CA/Browser Forum Baseline Requirements 7.1.4.2.1: SAN is required).
    pub common_name_fallback: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            min_rsa_bits: DEFAULT_MIN_RSA_BITS,
            common_name_fallback: false,
        }
    }
}

impl Policy {
    /// The default policy with another minimum key size (Go's test certificates are 1024-bit).
    pub fn with_min_rsa_bits(min_rsa_bits: usize) -> Self {
        Policy {
            min_rsa_bits,
            ..Policy::default()
        }
    }
}

/// Why the chain was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainError {
    /// The fatal alert the client sends (RFC 5246 section 7.2.2).
    pub alert: AlertDescription,
    pub reason: String,
    /// Index in [`ChainValidation::checks`] of the failed check that decided the alert.
    pub check: Option<usize>,
}

/// A certificate on the validated path, from the leaf up to the trust anchor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathCert {
    pub subject: String,
    pub issuer: String,
    /// Position in the chain the server sent, if it came from there.
    pub chain_index: Option<usize>,
    /// Position in the trust store, if it is a trust anchor.
    pub anchor_index: Option<usize>,
}

/// Everything the client found out about the chain.
#[derive(Clone, Debug)]
pub struct ChainValidation {
    pub checks: Vec<CertCheck>,
    /// Leaf first; ends with the trust anchor when one was reached.
    pub path: Vec<PathCert>,
    /// The leaf's public key (for encrypting the premaster secret), or why the chain is rejected.
    pub result: Result<PublicKey, ChainError>,
}

impl ChainValidation {
    pub fn is_trusted(&self) -> bool {
        self.result.is_ok()
    }

    /// The alert, if the chain was rejected.
    pub fn alert(&self) -> Option<AlertDescription> {
        self.result.as_ref().err().map(|e| e.alert)
    }

    /// The first check of `kind`, if any.
    pub fn check(&self, kind: CheckKind) -> Option<&CertCheck> {
        self.checks.iter().find(|c| c.kind == kind)
    }
}

/// Validates `chain` (DER, leaf first, as in the Certificate message) for `server_name` at
/// `now_unix` against `trust_anchors` (DER certificates). Never panics, whatever the bytes.
pub fn validate_chain(
    chain: &[Vec<u8>],
    trust_anchors: &[Vec<u8>],
    server_name: &str,
    now_unix: u64,
    policy: &Policy,
) -> ChainValidation {
    let mut run = Run::default();

    // RFC 8446 section 4.4.2.4 (and every TLS 1.2 client): an empty chain is a decode error.
    if chain.is_empty() {
        run.push(
            Rank::Parse,
            AlertDescription::DecodeError,
            CertCheck {
                kind: CheckKind::Parse,
                certificate: CertRef {
                    index: 0,
                    subject: "(none)".into(),
                },
                rfc: "RFC 5246 section 7.4.2".into(),
                inputs: vec![input(
                    "certificates",
                    "Certificates received",
                    CheckValue::Number(0),
                )],
                passed: false,
                explanation: "The server's Certificate message contains no certificate.".into(),
            },
        );
        return run.finish(Vec::new(), None);
    }

    let parsed: Vec<Option<ParsedCert>> = chain
        .iter()
        .enumerate()
        .map(|(i, der)| run.parse_check(i, der))
        .collect();
    let anchors: Vec<(usize, ParsedCert)> = trust_anchors
        .iter()
        .enumerate()
        .filter_map(|(i, der)| ParsedCert::parse(der).ok().map(|p| (i, p)))
        .collect();
    let Some(leaf) = parsed.first().and_then(Option::as_ref) else {
        return run.finish(Vec::new(), None);
    };

    let path = build_path(&parsed, &anchors);
    run.trust_check(&path, &parsed, &anchors, trust_anchors.len());

    for (pos, &i) in path.certs.iter().enumerate() {
        let Some(cert) = parsed[i].as_ref() else {
            continue;
        };
        let signer = match path.certs.get(pos + 1) {
            Some(&j) => parsed[j].as_ref().map(|c| Signer::Chain(j, c)),
            None => match path.end {
                End::IssuedByAnchor(a) => anchors
                    .get(a)
                    .map(|(store_index, c)| Signer::Anchor(*store_index, c)),
                End::LeafIsAnchor(_) => None,
                End::Broken { .. } => cert.is_self_issued().then_some(Signer::Itself),
            },
        };
        if let Some(signer) = signer {
            run.signature_check(i, cert, signer);
        }
        run.validity_check(i, cert, now_unix);
        run.key_size_check(i, cert, policy);
        if i > 0 {
            let below = path.certs[1..pos]
                .iter()
                .filter(|&&j| parsed[j].as_ref().is_some_and(|c| !c.is_self_issued()))
                .count();
            run.basic_constraints_check(i, cert, below);
        }
        run.key_usage_check(i, cert);
        if i == 0 {
            run.extended_key_usage_check(cert);
            run.host_name_check(cert, server_name, policy);
        }
    }

    let mut path_out: Vec<PathCert> = path
        .certs
        .iter()
        .filter_map(|&i| parsed[i].as_ref().map(|c| (i, c)))
        .map(|(i, c)| PathCert {
            subject: c.subject.clone(),
            issuer: c.issuer.clone(),
            chain_index: Some(i),
            anchor_index: None,
        })
        .collect();
    match path.end {
        End::IssuedByAnchor(a) => {
            if let Some((store_index, c)) = anchors.get(a) {
                path_out.push(PathCert {
                    subject: c.subject.clone(),
                    issuer: c.issuer.clone(),
                    chain_index: None,
                    anchor_index: Some(*store_index),
                });
            }
        }
        End::LeafIsAnchor(a) => {
            if let (Some(leaf), Some((store_index, _))) = (path_out.first_mut(), anchors.get(a)) {
                leaf.anchor_index = Some(*store_index);
            }
        }
        End::Broken { .. } => {}
    }
    run.finish(path_out, Some(leaf.key.clone()))
}

/// The order in which failures decide the alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Parse,
    Trust,
    Signature,
    Validity,
    Constraints,
    HostName,
}

#[derive(Default)]
struct Run {
    checks: Vec<CertCheck>,
    /// Parallel to `checks`: rank and the alert if it fails.
    meta: Vec<(Rank, AlertDescription)>,
}

/// Who signed a certificate of the path.
#[derive(Clone, Copy)]
enum Signer<'a> {
    Chain(usize, &'a ParsedCert),
    Anchor(usize, &'a ParsedCert),
    /// A self-issued certificate at the top of a path that reached no anchor.
    Itself,
}

/// How the path ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    /// The last path certificate was issued by `anchors[_]`. (A root the server sends along is
    /// never used: the certificate below it names it as issuer, which finds the anchor first.)
    IssuedByAnchor(usize),
    /// The leaf itself is in the trust store (directly trusted, no signature to check).
    LeafIsAnchor(usize),
    /// No anchor reached: `chain[top]` is the last certificate whose issuer was found.
    Broken { top: usize },
}

struct Path {
    /// Chain indices, leaf first.
    certs: Vec<usize>,
    end: End,
    /// Why the path is broken, for the explanation.
    broken_reason: String,
}

/// Follows issuer names from the leaf: at each certificate, first look for a trust anchor whose
/// subject is the certificate's issuer, then at the next certificate of the chain.
fn build_path(parsed: &[Option<ParsedCert>], anchors: &[(usize, ParsedCert)]) -> Path {
    let mut certs = Vec::new();
    let mut i = 0;
    if let Some(Some(leaf)) = parsed.first()
        && let Some(a) = anchors
            .iter()
            .position(|(_, anchor)| anchor.der == leaf.der)
    {
        return Path {
            certs: vec![0],
            end: End::LeafIsAnchor(a),
            broken_reason: String::new(),
        };
    }
    loop {
        let Some(cert) = parsed.get(i).and_then(Option::as_ref) else {
            // Unreachable for i = 0 (the caller checked the leaf); for i > 0 the previous
            // iteration only moves on to a decoded certificate.
            let top = i.saturating_sub(1);
            return Path {
                certs,
                end: End::Broken { top },
                broken_reason: String::new(),
            };
        };
        certs.push(i);
        let named: Vec<usize> = anchors
            .iter()
            .enumerate()
            .filter(|(_, (_, a))| a.subject_name() == cert.issuer_name())
            .map(|(k, _)| k)
            .collect();
        if let Some(&first) = named.first() {
            // Several anchors may share a name; prefer the one whose key verifies.
            let verifying = named.iter().copied().find(|&k| {
                anchors.get(k).is_some_and(|(_, a)| {
                    pkcs1::verify(&a.key, cert.hash, &cert.tbs_der, &cert.signature).valid
                })
            });
            return Path {
                certs,
                end: End::IssuedByAnchor(verifying.unwrap_or(first)),
                broken_reason: String::new(),
            };
        }
        let broken_reason = match parsed.get(i + 1) {
            Some(Some(next)) if next.subject_name() == cert.issuer_name() => {
                i += 1;
                continue;
            }
            Some(Some(next)) => format!(
                "the next certificate in the chain is {}, not the issuer {}",
                next.subject, cert.issuer
            ),
            Some(None) => "the next certificate in the chain could not be decoded".into(),
            None if cert.is_self_issued() => format!(
                "{} is self-signed and is not in the trust store: anyone can make such a certificate",
                cert.subject
            ),
            None => format!(
                "its issuer {} is neither a trust anchor nor among the certificates sent",
                cert.issuer
            ),
        };
        return Path {
            certs,
            end: End::Broken { top: i },
            broken_reason,
        };
    }
}

fn input(name: &'static str, label: &'static str, value: CheckValue) -> CheckInput {
    CheckInput {
        name: name.into(),
        label: label.into(),
        value,
    }
}

fn text(s: impl Into<String>) -> CheckValue {
    CheckValue::Text(s.into())
}

fn time(unix: u64) -> CheckValue {
    let utc = DateTime::from_unix_duration(Duration::from_secs(unix))
        .map(|d| d.to_string())
        .unwrap_or_else(|_| "(outside years 1970..9999)".into());
    CheckValue::Time { unix, utc }
}

fn cert_ref(index: usize, cert: &ParsedCert) -> CertRef {
    CertRef {
        index,
        subject: cert.subject.clone(),
    }
}

fn role(index: usize) -> &'static str {
    if index == 0 { "leaf" } else { "CA" }
}

impl Run {
    fn push(&mut self, rank: Rank, alert: AlertDescription, check: CertCheck) {
        self.checks.push(check);
        self.meta.push((rank, alert));
    }

    fn finish(self, path: Vec<PathCert>, leaf_key: Option<PublicKey>) -> ChainValidation {
        let first_failure = self
            .meta
            .iter()
            .zip(&self.checks)
            .enumerate()
            .filter(|(_, (_, c))| !c.passed)
            .min_by_key(|(i, ((rank, _), _))| (*rank, *i))
            .map(|(i, ((_, alert), c))| ChainError {
                alert: *alert,
                reason: c.explanation.clone(),
                check: Some(i),
            });
        let result = match (first_failure, leaf_key) {
            (Some(e), _) => Err(e),
            (None, Some(key)) => Ok(key),
            (None, None) => Err(ChainError {
                alert: AlertDescription::BadCertificate,
                reason: "no usable leaf certificate".into(),
                check: None,
            }),
        };
        ChainValidation {
            checks: self.checks,
            path,
            result,
        }
    }

    /// RFC 5280 section 4.1: the certificate decodes as DER, names an RSA PKCS#1 v1.5 signature
    /// algorithm consistently, carries an RSA key, and has no unrecognised critical extension.
    fn parse_check(&mut self, index: usize, der: &[u8]) -> Option<ParsedCert> {
        let rfc = "RFC 5280 section 4.1 (and 4.2 for critical extensions)";
        match ParsedCert::parse(der) {
            Ok(cert) => {
                let tbs = cert.cert.tbs_certificate();
                let ext: Vec<String> = cert
                    .ext
                    .listed
                    .iter()
                    .map(|(n, critical)| {
                        if *critical {
                            format!("{n} (critical)")
                        } else {
                            n.clone()
                        }
                    })
                    .collect();
                let inputs = vec![
                    input(
                        "der_length",
                        "DER length (bytes)",
                        CheckValue::Number(der.len() as u64),
                    ),
                    input("version", "Version", text(format!("{:?}", tbs.version()))),
                    input(
                        "serial",
                        "Serial number",
                        CheckValue::Bytes(tbs.serial_number().as_bytes().into()),
                    ),
                    input("subject", "Subject", text(cert.subject.clone())),
                    input("issuer", "Issuer", text(cert.issuer.clone())),
                    input("not_before", "Not before", time(cert.not_before)),
                    input("not_after", "Not after", time(cert.not_after)),
                    input(
                        "signature_algorithm",
                        "Signature algorithm",
                        text(oids::name(&cert.cert.signature_algorithm().oid)),
                    ),
                    input(
                        "public_key",
                        "Public key",
                        text(format!("RSA {} bits", keys::modulus_bits(&cert.key))),
                    ),
                    input("extensions", "Extensions", CheckValue::List(ext)),
                ];
                self.push(
                    Rank::Parse,
                    AlertDescription::DecodeError,
                    CertCheck {
                        kind: CheckKind::Parse,
                        certificate: cert_ref(index, &cert),
                        rfc: rfc.into(),
                        inputs,
                        passed: true,
                        explanation: format!(
                            "Certificate {index} ({}) decodes: an X.509 certificate with an RSA key, signed with {}.",
                            role(index),
                            oids::name(&cert.cert.signature_algorithm().oid)
                        ),
                    },
                );
                Some(cert)
            }
            Err(failure) => {
                self.push(
                    Rank::Parse,
                    failure.alert,
                    CertCheck {
                        kind: CheckKind::Parse,
                        certificate: CertRef {
                            index,
                            subject: "(undecodable certificate)".into(),
                        },
                        rfc: rfc.into(),
                        inputs: vec![
                            input(
                                "der_length",
                                "DER length (bytes)",
                                CheckValue::Number(der.len() as u64),
                            ),
                            input(
                                "der_prefix",
                                "First bytes",
                                CheckValue::Bytes(der[..der.len().min(16)].into()),
                            ),
                        ],
                        passed: false,
                        explanation: format!(
                            "Certificate {index} cannot be used: {}.",
                            failure.reason
                        ),
                    },
                );
                None
            }
        }
    }

    fn trust_check(
        &mut self,
        path: &Path,
        parsed: &[Option<ParsedCert>],
        anchors: &[(usize, ParsedCert)],
        store_len: usize,
    ) {
        let top_index = match path.end {
            End::Broken { top } => top,
            End::IssuedByAnchor(_) | End::LeafIsAnchor(_) => {
                path.certs.last().copied().unwrap_or(0)
            }
        };
        let Some(top) = parsed.get(top_index).and_then(Option::as_ref) else {
            return;
        };
        let store: Vec<String> = anchors.iter().map(|(_, a)| a.subject.clone()).collect();
        let mut inputs = vec![
            input(
                "issuer",
                "Issuer of the top certificate",
                text(top.issuer.clone()),
            ),
            input(
                "trust_store",
                "Trust anchors of the client",
                CheckValue::List(store),
            ),
            input(
                "chain_length",
                "Certificates sent by the server",
                CheckValue::Number(parsed.len() as u64),
            ),
        ];
        let unused: Vec<String> = parsed
            .iter()
            .enumerate()
            .filter(|(i, _)| !path.certs.contains(i))
            .map(|(i, c)| match c {
                Some(c) => format!("{i}: {}", c.subject),
                None => format!("{i}: (undecodable)"),
            })
            .collect();
        if !unused.is_empty() {
            inputs.push(input(
                "unused_certificates",
                "Certificates sent but not on the path (a root sent along is ignored: the client uses its own copy)",
                CheckValue::List(unused),
            ));
        }
        if anchors.len() < store_len {
            inputs.push(input(
                "unusable_anchors",
                "Trust store entries that do not decode (ignored)",
                CheckValue::Number((store_len - anchors.len()) as u64),
            ));
        }
        let anchor_name = |a: usize| {
            anchors
                .get(a)
                .map(|(_, c)| c.subject.clone())
                .unwrap_or_default()
        };
        let (passed, explanation) = match path.end {
            End::IssuedByAnchor(a) => (
                true,
                format!(
                    "{} was issued by {}, which is in the client's trust store: the path ends at a trust anchor.",
                    top.subject,
                    anchor_name(a)
                ),
            ),
            End::LeafIsAnchor(a) => (
                true,
                format!(
                    "The leaf certificate {} is itself in the trust store.",
                    anchor_name(a)
                ),
            ),
            End::Broken { .. } => (
                false,
                format!(
                    "No path to a trust anchor: the chain stops at {}, and {}.",
                    top.subject, path.broken_reason
                ),
            ),
        };
        if let End::IssuedByAnchor(a) | End::LeafIsAnchor(a) = path.end {
            inputs.push(input(
                "anchor",
                "Trust anchor reached",
                text(anchor_name(a)),
            ));
        }
        self.push(
            Rank::Trust,
            AlertDescription::UnknownCa,
            CertCheck {
                kind: CheckKind::TrustAnchor,
                certificate: cert_ref(top_index, top),
                rfc: "RFC 5280 section 6.1 (path from a trust anchor); RFC 5246 section 7.4.2 (chain order)".into(),
                inputs,
                passed,
                explanation,
            },
        );
    }

    /// RFC 5280 section 6.1.3 (a)(1): "The signature on the certificate can be verified using
    /// working_public_key_algorithm, the working_public_key, and the
    /// working_public_key_parameters." Here: RSASSA-PKCS1-v1_5 over the tbsCertificate bytes.
    fn signature_check(&mut self, index: usize, cert: &ParsedCert, signer: Signer<'_>) {
        let (signer_cert, signer_desc) = match signer {
            Signer::Chain(j, c) => (c, format!("{} (certificate {j} of the chain)", c.subject)),
            Signer::Anchor(k, c) => (c, format!("{} (trust anchor {k})", c.subject)),
            Signer::Itself => (cert, format!("{} (itself: self-signed)", cert.subject)),
        };
        let key = &signer_cert.key;
        let v = pkcs1::verify(key, cert.hash, &cert.tbs_der, &cert.signature);
        let e = key.e_bytes().iter().fold(0u64, |acc, b| {
            acc.saturating_mul(256).saturating_add(u64::from(*b))
        });
        let opt_bytes = |b: &Option<Vec<u8>>, none: &str| match b {
            Some(b) => CheckValue::Bytes(Bytes(b.clone())),
            None => text(none),
        };
        let inputs = vec![
            input(
                "signature_algorithm",
                "Signature algorithm",
                text(oids::name(&cert.cert.signature_algorithm().oid)),
            ),
            input("signer", "Signed by", text(signer_desc.clone())),
            input(
                "n",
                "n (signer's modulus)",
                CheckValue::Bytes(Bytes(key.n_bytes().to_vec())),
            ),
            input("e", "e (signer's public exponent)", CheckValue::Number(e)),
            input(
                "k",
                "k (modulus length in bytes)",
                CheckValue::Number(v.k as u64),
            ),
            input(
                "tbs_certificate",
                "tbsCertificate (the signed bytes)",
                CheckValue::Bytes(Bytes(cert.tbs_der.clone())),
            ),
            input("hash_algorithm", "Hash", text(cert.hash.name())),
            input(
                "tbs_hash",
                "H = Hash(tbsCertificate)",
                CheckValue::Bytes(Bytes(v.digest.clone())),
            ),
            input(
                "signature",
                "s (signature)",
                CheckValue::Bytes(Bytes(cert.signature.clone())),
            ),
            input(
                "recovered_block",
                "EM = s^e mod n (recovered with the public key)",
                opt_bytes(&v.recovered_block, "(not computed)"),
            ),
            input(
                "recovered_digest_info",
                "DigestInfo found in EM",
                opt_bytes(
                    &v.recovered_digest_info,
                    "(EM is not of the form 00 01 FF..FF 00 DigestInfo)",
                ),
            ),
            input(
                "expected_block",
                "EM' = EMSA-PKCS1-v1_5-ENCODE(H) (expected)",
                opt_bytes(&v.expected_block, "(modulus too short for this hash)"),
            ),
            input(
                "expected_digest_info",
                "DigestInfo expected for H",
                CheckValue::Bytes(Bytes(v.expected_digest_info.clone())),
            ),
        ];
        let explanation = if v.valid {
            format!(
                "Raising the signature to the power e modulo {signer_desc}'s n gives 00 01 FF..FF 00 followed by the DigestInfo of {} of this certificate's tbsCertificate: EM = EM', the signature is valid.",
                cert.hash.name()
            )
        } else {
            format!(
                "The signature does not verify with the public key of {signer_desc}: {}. The certificate was not signed by that key, or was altered after signing.",
                v.failure.as_deref().unwrap_or("EM differs from EM'")
            )
        };
        self.push(
            Rank::Signature,
            AlertDescription::DecryptError,
            CertCheck {
                kind: CheckKind::Signature,
                certificate: cert_ref(index, cert),
                rfc: "RFC 5280 section 6.1.3 (a)(1); RFC 8017 sections 8.2.2 and 9.2".into(),
                inputs,
                passed: v.valid,
                explanation,
            },
        );
    }

    /// RFC 5280 section 6.1.3 (a)(2): "The certificate validity period includes the current
    /// time." Section 4.1.2.5: "the period of time from notBefore through notAfter, inclusive."
    fn validity_check(&mut self, index: usize, cert: &ParsedCert, now: u64) {
        let (passed, explanation) = if now < cert.not_before {
            (
                false,
                format!(
                    "{} is not valid yet: the client's clock is before notBefore.",
                    cert.subject
                ),
            )
        } else if now > cert.not_after {
            (
                false,
                format!(
                    "{} has expired: the client's clock is after notAfter.",
                    cert.subject
                ),
            )
        } else {
            (
                true,
                format!(
                    "The client's clock is between notBefore and notAfter of {}.",
                    cert.subject
                ),
            )
        };
        self.push(
            Rank::Validity,
            AlertDescription::CertificateExpired,
            CertCheck {
                kind: CheckKind::Validity,
                certificate: cert_ref(index, cert),
                rfc: "RFC 5280 section 6.1.3 (a)(2) and 4.1.2.5".into(),
                inputs: vec![
                    input("not_before", "Not before", time(cert.not_before)),
                    input("not_after", "Not after", time(cert.not_after)),
                    input("now", "Client's current time", time(now)),
                ],
                passed,
                explanation,
            },
        );
    }

    fn key_size_check(&mut self, index: usize, cert: &ParsedCert, policy: &Policy) {
        let bits = keys::modulus_bits(&cert.key);
        let passed = bits >= policy.min_rsa_bits;
        let explanation = if passed {
            format!(
                "The RSA modulus has {bits} bits, at least the {} the client requires.",
                policy.min_rsa_bits
            )
        } else {
            format!(
                "The RSA modulus has only {bits} bits; the client requires at least {}: smaller keys can be factored.",
                policy.min_rsa_bits
            )
        };
        self.push(
            Rank::Constraints,
            AlertDescription::UnsupportedCertificate,
            CertCheck {
                kind: CheckKind::KeySize,
                certificate: cert_ref(index, cert),
                rfc: "NIST SP 800-131A (RSA keys of at least 2048 bits); RFC 8017 section 3.1"
                    .into(),
                inputs: vec![
                    input(
                        "modulus_bits",
                        "Modulus size (bits)",
                        CheckValue::Number(bits as u64),
                    ),
                    input(
                        "minimum_bits",
                        "Minimum accepted (bits)",
                        CheckValue::Number(policy.min_rsa_bits as u64),
                    ),
                ],
                passed,
                explanation,
            },
        );
    }

    /// RFC 5280 section 6.1.4 (k): "If certificate i is a version 3 certificate, verify that the
    /// basicConstraints extension is present and that cA is set to TRUE." (l)/(m): the
    /// pathLenConstraint bounds the number of non-self-issued intermediate certificates that may
    /// follow it in the path.
    fn basic_constraints_check(
        &mut self,
        index: usize,
        cert: &ParsedCert,
        intermediates_below: usize,
    ) {
        let bc = cert.ext.basic_constraints.as_ref();
        let shown = match bc {
            None => "absent".to_string(),
            Some(bc) => match bc.path_len_constraint {
                Some(n) => format!("cA={}, pathLenConstraint={n}", bc.ca),
                None => format!("cA={}", bc.ca),
            },
        };
        let (passed, explanation) = match bc {
            None => (
                false,
                format!(
                    "{} signed another certificate but has no basicConstraints extension: it is not a CA.",
                    cert.subject
                ),
            ),
            Some(bc) if !bc.ca => (
                false,
                format!(
                    "{} signed another certificate but its basicConstraints say cA=FALSE: an end-entity certificate cannot issue certificates.",
                    cert.subject
                ),
            ),
            Some(bc) => match bc.path_len_constraint {
                Some(n) if intermediates_below > usize::from(n) => (
                    false,
                    format!(
                        "{} allows at most {n} intermediate CA certificates below it, but the path has {intermediates_below}.",
                        cert.subject
                    ),
                ),
                _ => (
                    true,
                    format!(
                        "{} is a CA (cA=TRUE) and the path length is within its limit.",
                        cert.subject
                    ),
                ),
            },
        };
        self.push(
            Rank::Constraints,
            AlertDescription::BadCertificate,
            CertCheck {
                kind: CheckKind::BasicConstraints,
                certificate: cert_ref(index, cert),
                rfc: "RFC 5280 section 6.1.4 (k), (l), (m) and 4.2.1.9".into(),
                inputs: vec![
                    input("basic_constraints", "basicConstraints", text(shown)),
                    input(
                        "intermediates_below",
                        "Intermediate CA certificates below it in the path",
                        CheckValue::Number(intermediates_below as u64),
                    ),
                ],
                passed,
                explanation,
            },
        );
    }

    /// Issuers: RFC 5280 section 6.1.4 (n): "If a key usage extension is present, verify that
    /// the keyCertSign bit is set." Leaf: RFC 5246 section 7.4.2, RSA key exchange: "the
    /// keyEncipherment bit MUST be set if the key usage extension is present".
    fn key_usage_check(&mut self, index: usize, cert: &ParsedCert) {
        let ku = cert.ext.key_usage.as_ref();
        let shown: Vec<String> = match ku {
            None => vec!["(extension absent: no restriction)".into()],
            Some(ku) => [
                (ku.digital_signature(), "digitalSignature"),
                (ku.non_repudiation(), "nonRepudiation"),
                (ku.key_encipherment(), "keyEncipherment"),
                (ku.data_encipherment(), "dataEncipherment"),
                (ku.key_agreement(), "keyAgreement"),
                (ku.key_cert_sign(), "keyCertSign"),
                (ku.crl_sign(), "cRLSign"),
                (ku.encipher_only(), "encipherOnly"),
                (ku.decipher_only(), "decipherOnly"),
            ]
            .iter()
            .filter(|(set, _)| *set)
            .map(|(_, n)| n.to_string())
            .collect(),
        };
        let (required, rfc, ok) = if index == 0 {
            (
                "keyEncipherment",
                "RFC 5246 section 7.4.2; RFC 5280 section 4.2.1.3",
                ku.is_none_or(|k| k.key_encipherment()),
            )
        } else {
            (
                "keyCertSign",
                "RFC 5280 section 6.1.4 (n) and 4.2.1.3",
                ku.is_none_or(|k| k.key_cert_sign()),
            )
        };
        let explanation = match (ku.is_some(), ok, index) {
            (false, _, _) => format!("No keyUsage extension: the key may be used for {required}."),
            (true, true, 0) => "keyUsage allows keyEncipherment: the client may encrypt the premaster secret with this key.".into(),
            (true, true, _) => "keyUsage allows keyCertSign: this key may sign certificates.".into(),
            (true, false, 0) => "keyUsage lacks keyEncipherment: with RSA key exchange the client must encrypt the premaster secret with this key, which the certificate forbids.".into(),
            (true, false, _) => "keyUsage lacks keyCertSign: this key may not sign certificates.".into(),
        };
        self.push(
            Rank::Constraints,
            AlertDescription::UnsupportedCertificate,
            CertCheck {
                kind: CheckKind::KeyUsage,
                certificate: cert_ref(index, cert),
                rfc: rfc.into(),
                inputs: vec![
                    input("key_usage", "keyUsage", CheckValue::List(shown)),
                    input("required", "Required bit", text(required)),
                ],
                passed: ok,
                explanation,
            },
        );
    }

    /// RFC 5280 section 4.2.1.12: "If the extension is present, then the certificate MUST only
    /// be used for one of the purposes indicated." A TLS server certificate needs id-kp-serverAuth
    /// (or anyExtendedKeyUsage).
    fn extended_key_usage_check(&mut self, cert: &ParsedCert) {
        let eku = cert.ext.ext_key_usage.as_ref();
        let shown: Vec<String> = match eku {
            None => vec!["(extension absent: any purpose)".into()],
            Some(e) => e.0.iter().map(oids::name).collect(),
        };
        let passed = eku.is_none_or(|e| {
            e.0.iter()
                .any(|o| *o == oids::KP_SERVER_AUTH || *o == oids::ANY_EXTENDED_KEY_USAGE)
        });
        let explanation = match (eku.is_some(), passed) {
            (false, _) => "No extKeyUsage extension: the certificate is not restricted to other purposes.".into(),
            (true, true) => "extKeyUsage includes serverAuth: the certificate may identify a TLS server.".into(),
            (true, false) => "extKeyUsage does not include serverAuth: this certificate may not be used to identify a TLS server.".into(),
        };
        self.push(
            Rank::Constraints,
            AlertDescription::UnsupportedCertificate,
            CertCheck {
                kind: CheckKind::ExtendedKeyUsage,
                certificate: cert_ref(0, cert),
                rfc: "RFC 5280 section 4.2.1.12".into(),
                inputs: vec![
                    input("extended_key_usage", "extKeyUsage", CheckValue::List(shown)),
                    input(
                        "required",
                        "Required purpose",
                        text(oids::name(&oids::KP_SERVER_AUTH)),
                    ),
                ],
                passed,
                explanation,
            },
        );
    }

    /// RFC 6125 section 6.4: compare the reference identifier (the name the client connects to)
    /// with the DNS-IDs of subjectAltName; the CN-ID only when there is no subjectAltName
    /// (section 6.4.4: "a client MUST NOT seek a match for a reference identifier of CN-ID if the
    /// presented identifiers include a DNS-ID"). An IP address is compared with iPAddress
    /// entries (RFC 2818 section 3.1), never with DNS names.
    fn host_name_check(&mut self, cert: &ParsedCert, server_name: &str, policy: &Policy) {
        let san = cert.ext.subject_alt_name.as_deref();
        let dns_names: Vec<String> = san
            .unwrap_or(&[])
            .iter()
            .filter_map(|g| match g {
                GeneralName::DnsName(n) => Some(n.to_string()),
                _ => None,
            })
            .collect();
        let mut inputs = vec![
            input(
                "server_name",
                "Name the client asked for",
                text(server_name),
            ),
            input(
                "san_dns_names",
                "subjectAltName dNSName entries",
                CheckValue::List(if san.is_some() {
                    dns_names.clone()
                } else {
                    vec!["(no subjectAltName extension)".into()]
                }),
            ),
        ];
        let mut comparisons = Vec::new();
        let mut matched = None;

        if let Ok(ip) = server_name.parse::<core::net::IpAddr>() {
            let octets = match ip {
                core::net::IpAddr::V4(v4) => v4.octets().to_vec(),
                core::net::IpAddr::V6(v6) => v6.octets().to_vec(),
            };
            for g in san.unwrap_or(&[]) {
                if let GeneralName::IpAddress(a) = g {
                    let same = a.as_bytes() == octets.as_slice();
                    comparisons.push(format!(
                        "IP {}: {}",
                        crate::bytes::to_hex(a.as_bytes()),
                        if same { "matches" } else { "does not match" }
                    ));
                    if same && matched.is_none() {
                        matched = Some(format!("iPAddress {ip}"));
                    }
                }
            }
        } else {
            let mut candidates: Vec<(String, &str)> =
                dns_names.iter().map(|n| (n.clone(), "DNS")).collect();
            if san.is_none() && policy.common_name_fallback {
                let cns = cert.common_names();
                inputs.push(input(
                    "common_name",
                    "Subject CN (fallback: no subjectAltName)",
                    CheckValue::List(cns.clone()),
                ));
                candidates.extend(cns.into_iter().map(|n| (n, "CN")));
            }
            for (presented, source) in &candidates {
                let m = hostname::match_dns_name(presented, server_name);
                comparisons.push(format!("{source} {presented}: {}", m.describe()));
                if m.matched() && matched.is_none() {
                    matched = Some(format!(
                        "{source} {presented}{}",
                        if m == NameMatch::Wildcard {
                            " (wildcard)"
                        } else {
                            ""
                        }
                    ));
                }
            }
        }
        inputs.push(input(
            "comparisons",
            "Comparisons",
            CheckValue::List(comparisons),
        ));
        let passed = matched.is_some();
        let explanation = match matched {
            Some(m) => format!("{server_name} matches the certificate's {m}."),
            None => format!(
                "None of the names in the certificate matches {server_name}: this certificate belongs to another site."
            ),
        };
        self.push(
            Rank::HostName,
            AlertDescription::BadCertificate,
            CertCheck {
                kind: CheckKind::HostName,
                certificate: cert_ref(0, cert),
                rfc: "RFC 6125 sections 6.4.1, 6.4.3, 6.4.4; RFC 2818 section 3.1".into(),
                inputs,
                passed,
                explanation,
            },
        );
    }
}
