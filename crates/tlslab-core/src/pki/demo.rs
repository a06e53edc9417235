//! The demo PKI every scenario starts from.
//!
//! ```text
//! tlslab Demo Root CA            (trust anchor, self-signed, 2025-01-01 .. 2045-01-01)
//!  └─ tlslab Demo Intermediate CA  (pathLenConstraint 0,      2025-01-01 .. 2040-01-01)
//!      └─ example.com              (SAN example.com, www.example.com, 2025-01-01 .. 2035-01-01)
//!
//! tlslab Attacker Root CA        (Mallory's own CA, in nobody's trust store)
//!  └─ example.com                (what a man in the middle presents)
//! ```
//!
//! The RSA-2048 keys were generated once with `openssl genpkey -algorithm RSA -pkeyopt
//! rsa_keygen_bits:2048 -outform DER` (PKCS#8) and are committed under `data/demo/`. The
//! certificates were issued by [`super::issue`] from the specs below and committed too, so the
//! hot path costs no RSA private-key operation; a test re-issues them and requires identical
//! bytes. To regenerate after changing a spec:
//! `cargo test -p tlslab-core pki::demo::tests::regenerate_demo_certificates -- --ignored`.
//!
//! These keys are public: they are for demonstrations only.

use rsa::{PrivateKey, PublicKey};

use super::issue::{CertSpec, IssueError, Issuer, issue};
use super::keys::{self, KeyError};

pub const ROOT_CA_KEY: &[u8] = include_bytes!("../../data/demo/root-ca.key.der");
pub const INTERMEDIATE_CA_KEY: &[u8] = include_bytes!("../../data/demo/intermediate-ca.key.der");
pub const LEAF_KEY: &[u8] = include_bytes!("../../data/demo/leaf.key.der");
pub const ATTACKER_ROOT_CA_KEY: &[u8] = include_bytes!("../../data/demo/attacker-root-ca.key.der");
pub const ATTACKER_LEAF_KEY: &[u8] = include_bytes!("../../data/demo/attacker-leaf.key.der");

pub const ROOT_CA_CERT: &[u8] = include_bytes!("../../data/demo/root-ca.crt.der");
pub const INTERMEDIATE_CA_CERT: &[u8] = include_bytes!("../../data/demo/intermediate-ca.crt.der");
pub const LEAF_CERT: &[u8] = include_bytes!("../../data/demo/leaf.crt.der");
pub const ATTACKER_ROOT_CA_CERT: &[u8] = include_bytes!("../../data/demo/attacker-root-ca.crt.der");
pub const ATTACKER_LEAF_CERT: &[u8] = include_bytes!("../../data/demo/attacker-leaf.crt.der");

/// 2025-01-01T00:00:00Z.
pub const NOT_BEFORE: u64 = 1_735_689_600;
/// 2035-01-01T00:00:00Z, end of the leaf certificates.
pub const LEAF_NOT_AFTER: u64 = 2_051_222_400;
/// 2040-01-01T00:00:00Z, end of the intermediate.
pub const INTERMEDIATE_NOT_AFTER: u64 = 2_208_988_800;
/// 2045-01-01T00:00:00Z, end of the roots.
pub const ROOT_NOT_AFTER: u64 = 2_366_841_600;

/// The names in the demo leaf's subjectAltName.
pub const LEAF_DNS_NAMES: [&str; 2] = ["example.com", "www.example.com"];

/// Which demo key signs a certificate issued at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemoIssuer {
    Root,
    Intermediate,
    AttackerRoot,
}

/// The demo keys (decoded) and certificates (DER).
pub struct DemoPki {
    root_key: PrivateKey,
    intermediate_key: PrivateKey,
    leaf_key: PrivateKey,
    attacker_root_key: PrivateKey,
    attacker_leaf_key: PrivateKey,
}

impl DemoPki {
    /// Decodes the embedded keys (no RSA private-key operation, no key generation).
    pub fn load() -> Result<DemoPki, KeyError> {
        let key = |der| keys::private_key_from_pkcs8_der(der, keys::DEFAULT_MIN_RSA_BITS);
        Ok(DemoPki {
            root_key: key(ROOT_CA_KEY)?,
            intermediate_key: key(INTERMEDIATE_CA_KEY)?,
            leaf_key: key(LEAF_KEY)?,
            attacker_root_key: key(ATTACKER_ROOT_CA_KEY)?,
            attacker_leaf_key: key(ATTACKER_LEAF_KEY)?,
        })
    }

    /// What the demo server sends in its Certificate message: leaf first, then intermediate
    /// (RFC 5246 section 7.4.2; the root is omitted, the client already has it).
    pub fn chain(&self) -> Vec<Vec<u8>> {
        vec![LEAF_CERT.to_vec(), INTERMEDIATE_CA_CERT.to_vec()]
    }

    /// The client's trust store: the demo root only.
    pub fn trust_anchors(&self) -> Vec<Vec<u8>> {
        vec![ROOT_CA_CERT.to_vec()]
    }

    pub fn root_cert(&self) -> &'static [u8] {
        ROOT_CA_CERT
    }

    pub fn intermediate_cert(&self) -> &'static [u8] {
        INTERMEDIATE_CA_CERT
    }

    pub fn leaf_cert(&self) -> &'static [u8] {
        LEAF_CERT
    }

    /// The server's private key (decrypts the premaster secret).
    pub fn leaf_key(&self) -> &PrivateKey {
        &self.leaf_key
    }

    pub fn root_key(&self) -> &PrivateKey {
        &self.root_key
    }

    pub fn intermediate_key(&self) -> &PrivateKey {
        &self.intermediate_key
    }

    /// Mallory's own root CA, trusted by nobody.
    pub fn attacker_root_cert(&self) -> &'static [u8] {
        ATTACKER_ROOT_CA_CERT
    }

    pub fn attacker_root_key(&self) -> &PrivateKey {
        &self.attacker_root_key
    }

    /// Mallory's example.com certificate, issued by her root: what a man in the middle sends.
    pub fn attacker_chain(&self) -> Vec<Vec<u8>> {
        vec![ATTACKER_LEAF_CERT.to_vec(), ATTACKER_ROOT_CA_CERT.to_vec()]
    }

    /// Mallory's server key (hers, not example.com's).
    pub fn attacker_leaf_key(&self) -> &PrivateKey {
        &self.attacker_leaf_key
    }

    /// The issuer (certificate and key) for certificates issued at run time.
    pub fn issuer(&self, which: DemoIssuer) -> Issuer<'_> {
        match which {
            DemoIssuer::Root => Issuer::Ca {
                certificate: ROOT_CA_CERT,
                key: &self.root_key,
            },
            DemoIssuer::Intermediate => Issuer::Ca {
                certificate: INTERMEDIATE_CA_CERT,
                key: &self.intermediate_key,
            },
            DemoIssuer::AttackerRoot => Issuer::Ca {
                certificate: ATTACKER_ROOT_CA_CERT,
                key: &self.attacker_root_key,
            },
        }
    }

    /// Issues a certificate at run time (one RSA-2048 signature), e.g. an expired leaf:
    /// `pki.issue(&CertSpec { not_after: past, ..DemoPki::leaf_spec() }, pki.leaf_key().as_public_key(), DemoIssuer::Intermediate)`.
    pub fn issue(
        &self,
        spec: &CertSpec,
        subject_key: &PublicKey,
        issuer: DemoIssuer,
    ) -> Result<Vec<u8>, IssueError> {
        issue(spec, subject_key, self.issuer(issuer))
    }

    /// The spec of the embedded root certificate.
    pub fn root_spec() -> CertSpec {
        CertSpec::ca(
            0x01,
            "tlslab Demo Root CA",
            "tlslab",
            NOT_BEFORE,
            ROOT_NOT_AFTER,
        )
    }

    /// The spec of the embedded intermediate certificate.
    pub fn intermediate_spec() -> CertSpec {
        CertSpec::ca(
            0x02,
            "tlslab Demo Intermediate CA",
            "tlslab",
            NOT_BEFORE,
            INTERMEDIATE_NOT_AFTER,
        )
        .with_path_len_zero()
    }

    /// The spec of the embedded example.com certificate (a starting point for variants).
    pub fn leaf_spec() -> CertSpec {
        CertSpec::tls_server(0x03, &LEAF_DNS_NAMES, NOT_BEFORE, LEAF_NOT_AFTER)
    }

    /// The spec of Mallory's root certificate.
    pub fn attacker_root_spec() -> CertSpec {
        CertSpec::ca(
            0x66,
            "tlslab Attacker Root CA",
            "Mallory",
            NOT_BEFORE,
            ROOT_NOT_AFTER,
        )
    }

    /// The spec of Mallory's example.com certificate: the same names as the real one.
    pub fn attacker_leaf_spec() -> CertSpec {
        CertSpec {
            serial: 0x67,
            ..Self::leaf_spec()
        }
    }

    /// Issues all five embedded certificates again from their specs: root, intermediate, leaf,
    /// attacker root, attacker leaf. Five RSA signatures; used by the reproducibility test.
    pub fn reissue_all(&self) -> Result<[Vec<u8>; 5], IssueError> {
        let root = issue(
            &Self::root_spec(),
            self.root_key.as_public_key(),
            Issuer::SelfSigned {
                key: &self.root_key,
            },
        )?;
        let intermediate = issue(
            &Self::intermediate_spec(),
            self.intermediate_key.as_public_key(),
            Issuer::Ca {
                certificate: &root,
                key: &self.root_key,
            },
        )?;
        let leaf = issue(
            &Self::leaf_spec(),
            self.leaf_key.as_public_key(),
            Issuer::Ca {
                certificate: &intermediate,
                key: &self.intermediate_key,
            },
        )?;
        let attacker_root = issue(
            &Self::attacker_root_spec(),
            self.attacker_root_key.as_public_key(),
            Issuer::SelfSigned {
                key: &self.attacker_root_key,
            },
        )?;
        let attacker_leaf = issue(
            &Self::attacker_leaf_spec(),
            self.attacker_leaf_key.as_public_key(),
            Issuer::Ca {
                certificate: &attacker_root,
                key: &self.attacker_root_key,
            },
        )?;
        Ok([root, intermediate, leaf, attacker_root, attacker_leaf])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILES: [&str; 5] = [
        "root-ca.crt.der",
        "intermediate-ca.crt.der",
        "leaf.crt.der",
        "attacker-root-ca.crt.der",
        "attacker-leaf.crt.der",
    ];

    #[test]
    fn embedded_certificates_are_reproduced_byte_for_byte() {
        let pki = DemoPki::load().unwrap();
        let again = pki.reissue_all().unwrap();
        let embedded = [
            ROOT_CA_CERT,
            INTERMEDIATE_CA_CERT,
            LEAF_CERT,
            ATTACKER_ROOT_CA_CERT,
            ATTACKER_LEAF_CERT,
        ];
        for ((name, fresh), committed) in FILES.iter().zip(&again).zip(embedded) {
            assert_eq!(
                fresh.as_slice(),
                committed,
                "data/demo/{name} differs from what issue() produces"
            );
        }
    }

    #[test]
    fn keys_are_distinct_2048_bit_keys() {
        let pki = DemoPki::load().unwrap();
        let keys = [
            pki.root_key(),
            pki.intermediate_key(),
            pki.leaf_key(),
            pki.attacker_root_key(),
            pki.attacker_leaf_key(),
        ];
        for (i, a) in keys.iter().enumerate() {
            assert_eq!(keys::modulus_bits(*a), 2048);
            assert!(keys[i + 1..].iter().all(|b| b != a));
        }
    }

    /// Writes the certificates under `data/demo/` (run with `--ignored` after changing a spec).
    #[test]
    #[ignore]
    fn regenerate_demo_certificates() {
        let pki = DemoPki::load().unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
        for (name, der) in FILES.iter().zip(pki.reissue_all().unwrap()) {
            std::fs::write(dir.join(name), der).unwrap();
        }
    }
}
