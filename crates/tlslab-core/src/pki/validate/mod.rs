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

use super::cert::ParsedCert;
use super::keys::DEFAULT_MIN_RSA_BITS;
use crate::msgs::enums::AlertDescription;
use crate::timeline::{CertCheck, CertRef, CheckInput, CheckKind, CheckValue};

mod certificate;
mod path;

use path::{End, Signer, build_path};

/// What the client accepts beyond RFC 5280's rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Smallest RSA modulus, in bits, accepted in the path (default 2048).
    pub min_rsa_bits: usize,
    /// RFC 6125 section 6.4.4: match the subject CN when the certificate has no
    /// subjectAltName extension at all (never when it has one). Default false, as browsers
    /// do (CA/Browser Forum Baseline Requirements 7.1.4.2.1: SAN is required).
    pub common_name_fallback: bool,
    /// What the server's key is for in this handshake, so what the leaf's keyUsage must allow.
    /// The clients set it for each handshake from the key exchange they negotiated.
    pub(crate) leaf_key_use: LeafKeyUse,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            min_rsa_bits: DEFAULT_MIN_RSA_BITS,
            common_name_fallback: false,
            leaf_key_use: LeafKeyUse::RsaKeyExchange,
        }
    }
}

/// What the client will do with the server's key (RFC 5280 section 4.2.1.3: the leaf's
/// keyUsage, when present, must allow it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeafKeyUse {
    /// Encrypt the premaster to it: keyEncipherment (RFC 5246 section 7.4.2).
    RsaKeyExchange,
    /// Check its signature over ServerKeyExchange: digitalSignature (RFC 8422 section 5.3).
    EcdheSignature,
    /// Check its signature in CertificateVerify: digitalSignature (RFC 8446 section 4.4.2.2).
    Tls13Signature,
}

impl LeafKeyUse {
    /// Where the handshake's version says how a chain is sent: the server's own certificate
    /// first, each next one certifying the one before.
    pub fn chain_order_rfc(self) -> &'static str {
        match self {
            LeafKeyUse::Tls13Signature => "RFC 8446 section 4.4.2",
            _ => "RFC 5246 section 7.4.2",
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
    run.trust_check(
        &path,
        &parsed,
        &anchors,
        trust_anchors.len(),
        policy.leaf_key_use,
    );

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
        run.key_usage_check(i, cert, policy.leaf_key_use);
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
}
