//! Building the path from the leaf to a trust anchor (RFC 5280 section 6.1, RFC 5246 section
//! 7.4.2), and the checks of its links: the anchor at the top and each issuer's signature.

use rsa::traits::PublicKeyParts;

use super::{LeafKeyUse, Rank, Run, cert_ref, input, text};
use crate::bytes::Bytes;
use crate::msgs::enums::AlertDescription;
use crate::pki::cert::ParsedCert;
use crate::pki::oids;
use crate::pki::pkcs1;
use crate::timeline::{CertCheck, CheckKind, CheckValue};

/// Who signed a certificate of the path.
#[derive(Clone, Copy)]
pub(super) enum Signer<'a> {
    Chain(usize, &'a ParsedCert),
    Anchor(usize, &'a ParsedCert),
    /// A self-issued certificate at the top of a path that reached no anchor.
    Itself,
}

/// How the path ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum End {
    /// The last path certificate was issued by `anchors[_]`. (A root the server sends along is
    /// never used: the certificate below it names it as issuer, which finds the anchor first.)
    IssuedByAnchor(usize),
    /// The leaf itself is in the trust store (directly trusted, no signature to check).
    LeafIsAnchor(usize),
    /// No anchor reached: `chain[top]` is the last certificate whose issuer was found.
    Broken { top: usize },
}

pub(super) struct Path {
    /// Chain indices, leaf first.
    pub(super) certs: Vec<usize>,
    pub(super) end: End,
    /// Why the path is broken, for the explanation.
    pub(super) broken_reason: String,
}

/// Follows issuer names from the leaf: at each certificate, first look for a trust anchor whose
/// subject is the certificate's issuer, then at the next certificate of the chain.
pub(super) fn build_path(parsed: &[Option<ParsedCert>], anchors: &[(usize, ParsedCert)]) -> Path {
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

impl Run {
    pub(super) fn trust_check(
        &mut self,
        path: &Path,
        parsed: &[Option<ParsedCert>],
        anchors: &[(usize, ParsedCert)],
        store_len: usize,
        leaf: LeafKeyUse,
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
                rfc: format!(
                    "RFC 5280 section 6.1 (path from a trust anchor); {} (chain order)",
                    leaf.chain_order_rfc()
                )
                .into(),
                inputs,
                passed,
                explanation,
            },
        );
    }

    /// RFC 5280 section 6.1.3 (a)(1): "The signature on the certificate can be verified using
    /// working_public_key_algorithm, the working_public_key, and the
    /// working_public_key_parameters." Here: RSASSA-PKCS1-v1_5 over the tbsCertificate bytes.
    pub(super) fn signature_check(&mut self, index: usize, cert: &ParsedCert, signer: Signer<'_>) {
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
}
