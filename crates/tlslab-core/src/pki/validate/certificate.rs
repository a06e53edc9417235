//! The checks of one certificate of the path: it parses (RFC 5280 section 4.1), its validity,
//! key size, basic constraints and key usage (section 6.1), and for the leaf the extended key
//! usage and the host name (RFC 6125).

use x509_cert::ext::pkix::name::GeneralName;

use super::{LeafKeyUse, Policy, Rank, Run, cert_ref, input, role, text, time};
use crate::msgs::enums::AlertDescription;
use crate::pki::cert::ParsedCert;
use crate::pki::hostname::{self, NameMatch};
use crate::pki::keys::{self};
use crate::pki::oids;
use crate::timeline::{CertCheck, CertRef, CheckKind, CheckValue};

impl Run {
    /// RFC 5280 section 4.1: the certificate decodes as DER, names an RSA PKCS#1 v1.5 signature
    /// algorithm consistently, carries an RSA key, and has no unrecognised critical extension.
    pub(super) fn parse_check(&mut self, index: usize, der: &[u8]) -> Option<ParsedCert> {
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

    /// RFC 5280 section 6.1.3 (a)(2): "The certificate validity period includes the current
    /// time." Section 4.1.2.5: "the period of time from notBefore through notAfter, inclusive."
    pub(super) fn validity_check(&mut self, index: usize, cert: &ParsedCert, now: u64) {
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

    pub(super) fn key_size_check(&mut self, index: usize, cert: &ParsedCert, policy: &Policy) {
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
    pub(super) fn basic_constraints_check(
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
    /// the keyCertSign bit is set." Leaf: what `leaf` does with the key: RSA key exchange needs
    /// keyEncipherment (RFC 5246 section 7.4.2), a signing key exchange digitalSignature (RFC
    /// 8422 section 5.3, RFC 8446 section 4.4.2.2), when the extension is present.
    pub(super) fn key_usage_check(&mut self, index: usize, cert: &ParsedCert, leaf: LeafKeyUse) {
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
        // The bit, where it is required, what the key may do with it, what it must do; and
        // whether the certificate allows it (no keyUsage extension: anything).
        let sign = ku.is_none_or(|k| k.digital_signature());
        let (required, rfc, may, must, ok) = match (index, leaf) {
            (0, LeafKeyUse::RsaKeyExchange) => (
                "keyEncipherment",
                "RFC 5246 section 7.4.2; RFC 5280 section 4.2.1.3",
                "the client may encrypt the premaster secret with this key",
                "with RSA key exchange the client must encrypt the premaster secret with this key",
                ku.is_none_or(|k| k.key_encipherment()),
            ),
            (0, LeafKeyUse::EcdheSignature) => (
                "digitalSignature",
                "RFC 8422 section 5.3; RFC 5280 section 4.2.1.3",
                "the server may sign its ServerKeyExchange with this key",
                "with ECDHE the server must sign its key share with this key",
                sign,
            ),
            (0, LeafKeyUse::Tls13Signature) => (
                "digitalSignature",
                "RFC 8446 section 4.4.2.2; RFC 5280 section 4.2.1.3",
                "the server may sign the handshake (CertificateVerify) with this key",
                "in TLS 1.3 the server must sign CertificateVerify with this key",
                sign,
            ),
            _ => (
                "keyCertSign",
                "RFC 5280 section 6.1.4 (n) and 4.2.1.3",
                "this key may sign certificates",
                "this key must sign certificates",
                ku.is_none_or(|k| k.key_cert_sign()),
            ),
        };
        let explanation = match (ku.is_some(), ok) {
            (false, _) => format!("No keyUsage extension: the key may be used for {required}."),
            (true, true) => format!("keyUsage allows {required}: {may}."),
            (true, false) => {
                format!("keyUsage lacks {required}: {must}, which the certificate forbids.")
            }
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
    pub(super) fn extended_key_usage_check(&mut self, cert: &ParsedCert) {
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
    pub(super) fn host_name_check(
        &mut self,
        cert: &ParsedCert,
        server_name: &str,
        policy: &Policy,
    ) {
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
