//! Chain validation scenarios: the demo chain passes, and each check fails, for the right
//! reason and with the right alert, on a certificate issued at test time to fail it.

use std::sync::OnceLock;

use super::demo::{self, DemoIssuer, DemoPki};
use super::issue::{BasicConstraintsSpec, CertSpec, ExtKeyUsage, Issuer, KeyUsageBit, issue};
use super::pem;
use super::validate::{ChainValidation, LeafKeyUse, Policy, validate_chain};
use crate::bytes::from_hex;
use crate::msgs::enums::AlertDescription;
use crate::timeline::{CheckKind, CheckValue};

/// 2026-11-26T00:00:00Z.
const NOW: u64 = 1_795_651_200;
/// 2024-01-01T00:00:00Z.
const Y2024: u64 = 1_704_067_200;

fn pki() -> &'static DemoPki {
    static PKI: OnceLock<DemoPki> = OnceLock::new();
    PKI.get_or_init(|| DemoPki::load().expect("embedded demo keys decode"))
}

/// The demo leaf spec changed by `change`, issued by the demo intermediate for the leaf key.
fn leaf_with(change: impl FnOnce(&mut CertSpec)) -> Vec<u8> {
    let mut spec = DemoPki::leaf_spec();
    change(&mut spec);
    pki()
        .issue(
            &spec,
            pki().leaf_key().as_public_key(),
            DemoIssuer::Intermediate,
        )
        .unwrap()
}

fn validate(chain: &[Vec<u8>], name: &str) -> ChainValidation {
    validate_chain(chain, &pki().trust_anchors(), name, NOW, &Policy::default())
}

fn with_intermediate(leaf: Vec<u8>) -> Vec<Vec<u8>> {
    vec![leaf, demo::INTERMEDIATE_CA_CERT.to_vec()]
}

/// The chain is rejected with `alert`, decided by a failed `kind` check on certificate `index`.
#[track_caller]
fn assert_rejected(v: &ChainValidation, alert: AlertDescription, kind: CheckKind, index: usize) {
    let err = v
        .result
        .as_ref()
        .err()
        .unwrap_or_else(|| panic!("chain accepted: {:#?}", v.checks));
    let check = &v.checks[err.check.unwrap()];
    assert_eq!(
        (err.alert, check.kind, check.certificate.index),
        (alert, kind, index),
        "{check:#?}"
    );
    assert!(!check.passed);
    assert_eq!(err.reason, check.explanation);
}

fn failed_kinds(v: &ChainValidation) -> Vec<(CheckKind, usize)> {
    v.checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| (c.kind, c.certificate.index))
        .collect()
}

#[test]
fn demo_chain_is_trusted_for_both_names() {
    for name in ["example.com", "www.example.com", "WWW.Example.COM."] {
        let v = validate(&pki().chain(), name);
        assert!(v.is_trusted(), "{name}: {:#?}", v.result);
        assert!(v.checks.iter().all(|c| c.passed));
        assert_eq!(v.result.as_ref().unwrap(), pki().leaf_key().as_public_key());
        use CheckKind::*;
        let kinds: Vec<(CheckKind, usize)> = v
            .checks
            .iter()
            .map(|c| (c.kind, c.certificate.index))
            .collect();
        assert_eq!(
            kinds,
            [
                (Parse, 0),
                (Parse, 1),
                (TrustAnchor, 1),
                (Signature, 0),
                (Validity, 0),
                (KeySize, 0),
                (KeyUsage, 0),
                (ExtendedKeyUsage, 0),
                (HostName, 0),
                (Signature, 1),
                (Validity, 1),
                (KeySize, 1),
                (BasicConstraints, 1),
                (KeyUsage, 1),
            ]
        );
        let subjects: Vec<&str> = v.path.iter().map(|p| p.subject.as_str()).collect();
        assert_eq!(
            subjects,
            [
                "CN=example.com",
                "CN=tlslab Demo Intermediate CA,O=tlslab",
                "CN=tlslab Demo Root CA,O=tlslab"
            ]
        );
        assert_eq!(v.path[2].anchor_index, Some(0));
    }
}

#[test]
fn signature_check_shows_the_pkcs1_maths() {
    let v = validate(&pki().chain(), "example.com");
    let sig = v.check(CheckKind::Signature).unwrap();
    let bytes = |name| match sig.input(name) {
        Some(CheckValue::Bytes(b)) => b.0.clone(),
        other => panic!("{name}: {other:?}"),
    };
    let em = bytes("recovered_block");
    assert_eq!(em.len(), 256);
    assert_eq!(&em[..3], &[0x00, 0x01, 0xff]);
    assert_eq!(em, bytes("expected_block"));
    let t = bytes("recovered_digest_info");
    assert_eq!(t, bytes("expected_digest_info"));
    let sha256_prefix = from_hex("3031300d060960864801650304020105000420").unwrap();
    assert_eq!(t, [sha256_prefix, bytes("tbs_hash")].concat());
    assert_eq!(
        bytes("tbs_hash"),
        super::pkcs1::HashAlg::Sha256.digest(&bytes("tbs_certificate"))
    );
    assert_eq!(sig.input("e"), Some(&CheckValue::Number(65537)));

    let leaf_key = v.result.as_ref().expect("trusted");
    assert_eq!(super::keys::modulus_bits(leaf_key), 2048);
    let json = serde_json::to_value(&v.checks).unwrap();
    assert_eq!(json[3]["kind"], "signature");
    assert_eq!(json[3]["inputs"][0]["value"]["type"], "text");
}

#[test]
fn server_sending_the_root_too_is_fine() {
    let mut chain = pki().chain();
    chain.push(demo::ROOT_CA_CERT.to_vec());
    let v = validate(&chain, "example.com");
    assert!(v.is_trusted(), "{:#?}", v.checks);
    assert_eq!(v.path.len(), 3);
    assert_eq!(
        (v.path[2].chain_index, v.path[2].anchor_index),
        (None, Some(0))
    );
    let trust = v.check(CheckKind::TrustAnchor).unwrap();
    assert_eq!(
        trust.input("unused_certificates"),
        Some(&CheckValue::List(vec![
            "2: CN=tlslab Demo Root CA,O=tlslab".into()
        ]))
    );
}

#[test]
fn a_leaf_in_the_trust_store_is_trusted_directly() {
    let self_signed = issue(
        &DemoPki::leaf_spec(),
        pki().leaf_key().as_public_key(),
        Issuer::SelfSigned {
            key: pki().leaf_key(),
        },
    )
    .unwrap();
    let chain = [self_signed];
    let v = validate(&chain, "example.com");
    assert_rejected(&v, AlertDescription::UnknownCa, CheckKind::TrustAnchor, 0);
    assert!(
        v.check(CheckKind::Signature).unwrap().passed,
        "its self-signature is shown, and valid"
    );
    let v = validate_chain(&chain, &chain, "example.com", NOW, &Policy::default());
    assert!(v.is_trusted(), "{:#?}", v.checks);
    assert_eq!(v.path.len(), 1);
    assert_eq!(
        (v.path[0].chain_index, v.path[0].anchor_index),
        (Some(0), Some(0))
    );
    assert!(v.check(CheckKind::Signature).is_none());
    assert_rejected(
        &validate_chain(&chain, &chain, "example.org", NOW, &Policy::default()),
        AlertDescription::BadCertificate,
        CheckKind::HostName,
        0,
    );
}

#[test]
fn expired_and_not_yet_valid_leaves() {
    let expired = leaf_with(|s| {
        s.not_before = Y2024 - 365 * 86_400;
        s.not_after = Y2024;
    });
    let v = validate(&with_intermediate(expired), "example.com");
    assert_rejected(
        &v,
        AlertDescription::CertificateExpired,
        CheckKind::Validity,
        0,
    );
    assert!(
        v.check(CheckKind::Validity)
            .unwrap()
            .explanation
            .contains("expired")
    );

    let future = leaf_with(|s| s.not_before = NOW + 86_400);
    let v = validate(&with_intermediate(future), "example.com");
    assert_rejected(
        &v,
        AlertDescription::CertificateExpired,
        CheckKind::Validity,
        0,
    );
    assert!(
        v.check(CheckKind::Validity)
            .unwrap()
            .explanation
            .contains("not valid yet")
    );

    // The embedded chain itself, with the client's clock moved.
    let at = |now| {
        validate_chain(
            &pki().chain(),
            &pki().trust_anchors(),
            "example.com",
            now,
            &Policy::default(),
        )
    };
    assert_rejected(
        &at(demo::LEAF_NOT_AFTER + 1),
        AlertDescription::CertificateExpired,
        CheckKind::Validity,
        0,
    );
    assert!(
        at(demo::LEAF_NOT_AFTER).is_trusted(),
        "notAfter is inclusive"
    );
    assert!(at(demo::NOT_BEFORE).is_trusted(), "notBefore is inclusive");
    assert_rejected(
        &at(demo::NOT_BEFORE - 1),
        AlertDescription::CertificateExpired,
        CheckKind::Validity,
        0,
    );
}

#[test]
fn wrong_host_name() {
    for name in [
        "example.org",
        "a.www.example.com",
        "mail.example.com",
        "com",
        "",
        "127.0.0.1",
    ] {
        let v = validate(&pki().chain(), name);
        assert_rejected(&v, AlertDescription::BadCertificate, CheckKind::HostName, 0);
        assert_eq!(failed_kinds(&v), [(CheckKind::HostName, 0)], "{name}");
    }
}

#[test]
fn wildcard_rules() {
    let wildcard = with_intermediate(leaf_with(|s| s.dns_names = vec!["*.example.com".into()]));
    assert!(validate(&wildcard, "a.example.com").is_trusted());
    assert!(validate(&wildcard, "WWW.EXAMPLE.COM").is_trusted());
    for name in ["example.com", "a.b.example.com", "a.example.org"] {
        assert_rejected(
            &validate(&wildcard, name),
            AlertDescription::BadCertificate,
            CheckKind::HostName,
            0,
        );
    }
    let too_broad = with_intermediate(leaf_with(|s| s.dns_names = vec!["*.com".into()]));
    assert_rejected(
        &validate(&too_broad, "example.com"),
        AlertDescription::BadCertificate,
        CheckKind::HostName,
        0,
    );
    let partial = with_intermediate(leaf_with(|s| s.dns_names = vec!["w*.example.com".into()]));
    assert_rejected(
        &validate(&partial, "www.example.com"),
        AlertDescription::BadCertificate,
        CheckKind::HostName,
        0,
    );
}

#[test]
fn common_name_is_used_only_without_subject_alt_name() {
    // SAN present: CN=example.com is not consulted.
    let san_www = with_intermediate(leaf_with(|s| s.dns_names = vec!["www.example.com".into()]));
    assert_eq!(
        validate(&san_www, "www.example.com")
            .check(CheckKind::HostName)
            .map(|c| c.passed),
        Some(true)
    );
    let v = validate(&san_www, "example.com");
    assert_rejected(&v, AlertDescription::BadCertificate, CheckKind::HostName, 0);
    assert!(
        v.check(CheckKind::HostName)
            .unwrap()
            .input("common_name")
            .is_none()
    );

    // No SAN: like browsers, the default policy never falls back to the CN; RFC 6125
    // section 6.4.4 allows it when a policy asks for it.
    let no_san = with_intermediate(leaf_with(|s| s.dns_names.clear()));
    let v = validate(&no_san, "example.com");
    assert_rejected(&v, AlertDescription::BadCertificate, CheckKind::HostName, 0);
    let lenient = Policy {
        common_name_fallback: true,
        ..Policy::default()
    };
    let v = validate_chain(
        &no_san,
        &pki().trust_anchors(),
        "example.com",
        NOW,
        &lenient,
    );
    assert!(v.is_trusted());
}

#[test]
fn untrusted_roots_end_in_unknown_ca() {
    // The man in the middle's own CA: a perfectly valid chain, to a root nobody trusts.
    let v = validate(&pki().attacker_chain(), "example.com");
    assert_rejected(&v, AlertDescription::UnknownCa, CheckKind::TrustAnchor, 1);
    assert_eq!(failed_kinds(&v), [(CheckKind::TrustAnchor, 1)]);
    assert!(
        v.check(CheckKind::TrustAnchor)
            .unwrap()
            .explanation
            .contains("self-signed")
    );
    // Its signatures verify (with the attacker's keys): only trust is missing.
    assert!(
        v.checks
            .iter()
            .filter(|c| c.kind == CheckKind::Signature)
            .all(|c| c.passed)
    );

    // The attacker's leaf alone.
    let v = validate(&pki().attacker_chain()[..1], "example.com");
    assert_rejected(&v, AlertDescription::UnknownCa, CheckKind::TrustAnchor, 0);

    // The demo chain for a client that trusts another root, or nothing.
    let other = vec![demo::ATTACKER_ROOT_CA_CERT.to_vec()];
    let v = validate_chain(
        &pki().chain(),
        &other,
        "example.com",
        NOW,
        &Policy::default(),
    );
    assert_rejected(&v, AlertDescription::UnknownCa, CheckKind::TrustAnchor, 1);
    let v = validate_chain(&pki().chain(), &[], "example.com", NOW, &Policy::default());
    assert_rejected(&v, AlertDescription::UnknownCa, CheckKind::TrustAnchor, 1);

    // A server that forgets its intermediate.
    let v = validate(&pki().chain()[..1], "example.com");
    assert_rejected(&v, AlertDescription::UnknownCa, CheckKind::TrustAnchor, 0);
    assert!(
        v.check(CheckKind::TrustAnchor)
            .unwrap()
            .explanation
            .contains("tlslab Demo Intermediate CA")
    );

    // Unknown CA outranks an expired certificate and a wrong name.
    let expired = leaf_with(|s| s.not_after = Y2024);
    let v = validate_chain(
        &[expired],
        &pki().trust_anchors(),
        "example.org",
        NOW,
        &Policy::default(),
    );
    assert_rejected(&v, AlertDescription::UnknownCa, CheckKind::TrustAnchor, 0);
}

#[test]
fn forged_signatures_end_in_decrypt_error() {
    // Claims the demo intermediate as issuer, but is signed with Mallory's key.
    let spec = DemoPki::leaf_spec();
    let forged = issue(
        &spec,
        pki().attacker_leaf_key().as_public_key(),
        Issuer::Ca {
            certificate: demo::INTERMEDIATE_CA_CERT,
            key: pki().attacker_leaf_key(),
        },
    )
    .unwrap();
    let v = validate(&with_intermediate(forged), "example.com");
    assert_rejected(&v, AlertDescription::DecryptError, CheckKind::Signature, 0);
    assert_eq!(failed_kinds(&v), [(CheckKind::Signature, 0)]);
    let check = v.check(CheckKind::Signature).unwrap();
    assert!(matches!(
        check.input("recovered_digest_info"),
        Some(CheckValue::Text(_))
    ));

    // The real leaf with one byte of its tbsCertificate changed ("example.com" -> "fxample.com").
    let mut tampered = demo::LEAF_CERT.to_vec();
    let at = tampered
        .windows(11)
        .rposition(|w| w == b"example.com")
        .unwrap();
    tampered[at] = b'f';
    let v = validate(&with_intermediate(tampered), "fxample.com");
    assert_rejected(&v, AlertDescription::DecryptError, CheckKind::Signature, 0);

    // A fake root with the real root's name: names chain up to the real anchor, whose key
    // does not verify the fake intermediate.
    let fake_root_key = pki().attacker_root_key();
    let fake_root = issue(
        &DemoPki::root_spec(),
        fake_root_key.as_public_key(),
        Issuer::SelfSigned { key: fake_root_key },
    )
    .unwrap();
    let fake_intermediate = issue(
        &DemoPki::intermediate_spec(),
        pki().intermediate_key().as_public_key(),
        Issuer::Ca {
            certificate: &fake_root,
            key: fake_root_key,
        },
    )
    .unwrap();
    let v = validate(
        &[demo::LEAF_CERT.to_vec(), fake_intermediate],
        "example.com",
    );
    assert_rejected(&v, AlertDescription::DecryptError, CheckKind::Signature, 1);
}

#[test]
fn issuers_must_be_cas_within_their_path_length() {
    let root = pki().issuer(DemoIssuer::Root);
    let int_key = pki().intermediate_key();
    let leaf_spec = DemoPki::leaf_spec();
    let leaf_key = pki().leaf_key().as_public_key();
    let chain_under = |int_spec: CertSpec| {
        let int = issue(&int_spec, int_key.as_public_key(), root).unwrap();
        let leaf = issue(
            &leaf_spec,
            leaf_key,
            Issuer::Ca {
                certificate: &int,
                key: int_key,
            },
        )
        .unwrap();
        vec![leaf, int]
    };

    let no_bc = chain_under(CertSpec {
        basic_constraints: None,
        ..DemoPki::intermediate_spec()
    });
    let v = validate(&no_bc, "example.com");
    assert_rejected(
        &v,
        AlertDescription::BadCertificate,
        CheckKind::BasicConstraints,
        1,
    );
    assert_eq!(failed_kinds(&v), [(CheckKind::BasicConstraints, 1)]);

    let not_ca = chain_under(CertSpec {
        basic_constraints: Some(BasicConstraintsSpec {
            ca: false,
            path_len: None,
        }),
        ..DemoPki::intermediate_spec()
    });
    assert_rejected(
        &validate(&not_ca, "example.com"),
        AlertDescription::BadCertificate,
        CheckKind::BasicConstraints,
        1,
    );

    // An end-entity certificate used as an issuer: the demo leaf "signs" a certificate.
    let by_leaf = issue(
        &CertSpec {
            serial: 9,
            ..leaf_spec.clone()
        },
        leaf_key,
        Issuer::Ca {
            certificate: demo::LEAF_CERT,
            key: pki().leaf_key(),
        },
    )
    .unwrap();
    let v = validate(
        &[
            by_leaf,
            demo::LEAF_CERT.to_vec(),
            demo::INTERMEDIATE_CA_CERT.to_vec(),
        ],
        "example.com",
    );
    assert_rejected(
        &v,
        AlertDescription::BadCertificate,
        CheckKind::BasicConstraints,
        1,
    );
    assert!(
        failed_kinds(&v).contains(&(CheckKind::KeyUsage, 1)),
        "the leaf lacks keyCertSign too"
    );

    // pathLenConstraint 0 on the demo intermediate forbids a second intermediate below it.
    let sub_key = pki().attacker_leaf_key();
    let sub = pki()
        .issue(
            &CertSpec::ca(
                10,
                "tlslab Sub CA",
                "tlslab",
                demo::NOT_BEFORE,
                demo::LEAF_NOT_AFTER,
            )
            .with_path_len_zero(),
            sub_key.as_public_key(),
            DemoIssuer::Intermediate,
        )
        .unwrap();
    let leaf = issue(
        &leaf_spec,
        leaf_key,
        Issuer::Ca {
            certificate: &sub,
            key: sub_key,
        },
    )
    .unwrap();
    let v = validate(
        &[leaf, sub, demo::INTERMEDIATE_CA_CERT.to_vec()],
        "example.com",
    );
    assert_rejected(
        &v,
        AlertDescription::BadCertificate,
        CheckKind::BasicConstraints,
        2,
    );
    assert_eq!(failed_kinds(&v), [(CheckKind::BasicConstraints, 2)]);
}

#[test]
fn leaf_usages_for_rsa_key_exchange() {
    let client_only = with_intermediate(leaf_with(|s| {
        s.extended_key_usage = Some(vec![ExtKeyUsage::ClientAuth])
    }));
    let v = validate(&client_only, "example.com");
    assert_rejected(
        &v,
        AlertDescription::UnsupportedCertificate,
        CheckKind::ExtendedKeyUsage,
        0,
    );
    assert_eq!(failed_kinds(&v), [(CheckKind::ExtendedKeyUsage, 0)]);
    let no_eku = with_intermediate(leaf_with(|s| s.extended_key_usage = None));
    assert!(validate(&no_eku, "example.com").is_trusted());

    let sign_only = with_intermediate(leaf_with(|s| {
        s.key_usage = Some(vec![KeyUsageBit::DigitalSignature])
    }));
    let v = validate(&sign_only, "example.com");
    assert_rejected(
        &v,
        AlertDescription::UnsupportedCertificate,
        CheckKind::KeyUsage,
        0,
    );
    assert_eq!(failed_kinds(&v), [(CheckKind::KeyUsage, 0)]);
    assert!(
        v.check(CheckKind::KeyUsage)
            .unwrap()
            .explanation
            .contains("premaster")
    );
    let no_ku = with_intermediate(leaf_with(|s| s.key_usage = None));
    assert!(validate(&no_ku, "example.com").is_trusted());
}

/// With ECDHE and in TLS 1.3 the server's key signs: the leaf's keyUsage must allow
/// digitalSignature (RFC 8422 section 5.3, RFC 8446 section 4.4.2.2), and keyEncipherment
/// alone does not do.
#[test]
fn leaf_usages_for_signing_key_exchanges() {
    let sign_only = with_intermediate(leaf_with(|s| {
        s.key_usage = Some(vec![KeyUsageBit::DigitalSignature])
    }));
    let encipher_only = with_intermediate(leaf_with(|s| {
        s.key_usage = Some(vec![KeyUsageBit::KeyEncipherment])
    }));
    for (leaf_key_use, words) in [
        (LeafKeyUse::EcdheSignature, "ServerKeyExchange"),
        (LeafKeyUse::Tls13Signature, "CertificateVerify"),
    ] {
        let policy = Policy {
            leaf_key_use,
            ..Policy::default()
        };
        let validate = |chain: &[Vec<u8>]| {
            validate_chain(chain, &pki().trust_anchors(), "example.com", NOW, &policy)
        };
        let v = validate(&sign_only);
        assert!(v.is_trusted(), "{leaf_key_use:?}");
        let check = v.check(CheckKind::KeyUsage).unwrap();
        assert!(check.explanation.contains(words), "{}", check.explanation);
        let v = validate(&encipher_only);
        assert_rejected(
            &v,
            AlertDescription::UnsupportedCertificate,
            CheckKind::KeyUsage,
            0,
        );
        assert!(
            v.check(CheckKind::KeyUsage)
                .unwrap()
                .explanation
                .contains("lacks digitalSignature")
        );
    }
}

#[test]
fn key_size_policy() {
    let strict = Policy::with_min_rsa_bits(3072);
    let v = validate_chain(
        &pki().chain(),
        &pki().trust_anchors(),
        "example.com",
        NOW,
        &strict,
    );
    assert_rejected(
        &v,
        AlertDescription::UnsupportedCertificate,
        CheckKind::KeySize,
        0,
    );
    assert_eq!(
        failed_kinds(&v),
        [(CheckKind::KeySize, 0), (CheckKind::KeySize, 1)]
    );
}

#[test]
fn go_test_certificate_with_pinned_time_and_1024_bit_policy() {
    let leaf = from_hex(include_str!("../../data/go/testRSACertificate.der.hex")).unwrap();
    let root = from_hex(include_str!(
        "../../data/go/testRSACertificateIssuer.der.hex"
    ))
    .unwrap();
    let go_time = 1_476_984_729; // 2016-10-20T17:32:09Z, the time Go's tests pin.
    let chain = [leaf];
    let anchors = [root];
    let v = validate_chain(
        &chain,
        &anchors,
        "example.golang",
        go_time,
        &Policy::with_min_rsa_bits(1024),
    );
    assert!(v.is_trusted(), "{:#?}", v.checks);
    assert_eq!(super::keys::modulus_bits(v.result.as_ref().unwrap()), 1024);
    let v = validate_chain(
        &chain,
        &anchors,
        "example.golang",
        go_time,
        &Policy::default(),
    );
    assert_rejected(
        &v,
        AlertDescription::UnsupportedCertificate,
        CheckKind::KeySize,
        0,
    );
    let v = validate_chain(
        &chain,
        &anchors,
        "example.golang",
        NOW,
        &Policy::with_min_rsa_bits(1024),
    );
    assert_rejected(
        &v,
        AlertDescription::CertificateExpired,
        CheckKind::Validity,
        0,
    );
}

#[test]
fn garbage_is_rejected_cleanly() {
    let v = validate(&[], "example.com");
    assert_rejected(&v, AlertDescription::DecodeError, CheckKind::Parse, 0);

    for garbage in [
        &b""[..],
        b"garbage",
        &[0x30, 0x82, 0xff, 0xff, 0x00],
        &[0x30, 0x00],
        &demo::LEAF_CERT[..100],
    ] {
        let v = validate(&[garbage.to_vec()], "example.com");
        assert_rejected(&v, AlertDescription::DecodeError, CheckKind::Parse, 0);
        assert_eq!(v.checks.len(), 1);
        // A bad intermediate: the parse failure decides, the leaf checks still run.
        let v = validate(&[demo::LEAF_CERT.to_vec(), garbage.to_vec()], "example.com");
        assert_rejected(&v, AlertDescription::DecodeError, CheckKind::Parse, 1);
        assert_eq!(
            failed_kinds(&v),
            [(CheckKind::Parse, 1), (CheckKind::TrustAnchor, 0)]
        );
    }
    // Garbage in the trust store is ignored.
    let mut anchors = pki().trust_anchors();
    anchors.insert(0, b"junk".to_vec());
    assert!(
        validate_chain(
            &pki().chain(),
            &anchors,
            "example.com",
            NOW,
            &Policy::default()
        )
        .is_trusted()
    );
}

#[test]
fn every_single_byte_change_or_truncation_is_rejected_without_panicking() {
    for (index, original) in [demo::LEAF_CERT, demo::INTERMEDIATE_CA_CERT]
        .into_iter()
        .enumerate()
    {
        for pos in (0..original.len()).step_by(3) {
            let mut chain = pki().chain();
            chain[index][pos] ^= 0x01;
            let v = validate(&chain, "example.com");
            assert!(
                !v.is_trusted(),
                "flipping byte {pos} of certificate {index} went unnoticed"
            );
        }
        for len in (0..original.len()).step_by(17) {
            let mut chain = pki().chain();
            chain[index].truncate(len);
            assert!(!validate(&chain, "example.com").is_trusted());
        }
    }
}

/// Runs the installed `openssl`, or explains why the test is skipped.
fn openssl(args: &[&str], dir: &std::path::Path) -> Option<std::process::Output> {
    match std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
    {
        Ok(out) => Some(out),
        Err(e) => {
            println!("skipping the OpenSSL cross-check: cannot run openssl ({e})");
            None
        }
    }
}

#[test]
fn openssl_accepts_the_demo_chain_and_shows_the_san() {
    let dir = std::env::temp_dir().join(format!("tlslab-pki-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (file, der) in [
        ("root.pem", demo::ROOT_CA_CERT),
        ("intermediate.pem", demo::INTERMEDIATE_CA_CERT),
        ("leaf.pem", demo::LEAF_CERT),
    ] {
        std::fs::write(dir.join(file), pem::cert_to_pem(der).unwrap()).unwrap();
    }
    let verify = [
        "verify",
        "-x509_strict",
        "-purpose",
        "sslserver",
        "-CAfile",
        "root.pem",
        "-untrusted",
        "intermediate.pem",
        "leaf.pem",
    ];
    if let Some(out) = openssl(&verify, &dir) {
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("leaf.pem: OK"),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    if let Some(out) = openssl(&["x509", "-in", "leaf.pem", "-noout", "-text"], &dir) {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("DNS:example.com, DNS:www.example.com"),
            "{text}"
        );
        assert!(
            text.contains("Digital Signature, Key Encipherment"),
            "{text}"
        );
        assert!(text.contains("TLS Web Server Authentication"), "{text}");
    }
    // And OpenSSL's key parser reads our PKCS#8 PEM.
    std::fs::write(
        dir.join("leaf.key"),
        pem::private_key_to_pem(pki().leaf_key())
            .unwrap()
            .as_bytes(),
    )
    .unwrap();
    if let Some(out) = openssl(&["pkey", "-in", "leaf.key", "-noout", "-check"], &dir) {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
