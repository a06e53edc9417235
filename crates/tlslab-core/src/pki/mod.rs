//! Public-key infrastructure: the "Authentication" chapter of the handshake.
//!
//! The client receives the server's certificate chain in the Certificate message (RFC 5246
//! section 7.4.2) and validates it **locally** against the trust anchors it already holds:
//!
//! ```text
//! [trust anchor]  tlslab Demo Root CA          (in the client's trust store, never sent)
//!        | signs
//! [chain[1]]      tlslab Demo Intermediate CA  (sent by the server)
//!        | signs
//! [chain[0]]      example.com                  (sent by the server, first)
//! ```
//!
//! Modules, each mirroring the specification it implements:
//! - [`issue`]: issuing X.509 v3 certificates (RFC 5280 section 4) signed with
//!   sha256WithRSAEncryption (RFC 8017 section 8.2, RFC 4055).
//! - [`demo`]: the demo PKI (root, intermediate, example.com leaf, an attacker's CA), with keys
//!   and certificates committed under `data/demo/` and embedded.
//! - [`pem`]: the textual encoding (RFC 7468) of certificates and private keys.
//! - [`keys`]: RSA keys from SubjectPublicKeyInfo, PKCS#8 and PKCS#1, with a minimum size.
//! - [`pkcs1`]: RSASSA-PKCS1-v1_5 verification done step by step (RFC 8017 sections 8.2.2, 9.2)
//!   so every intermediate value can be shown.
//! - [`hostname`]: server identity checks (RFC 6125 section 6.4).
//! - [`validate`]: certificate path validation (RFC 5280 section 6.1) as a list of separate
//!   checks, each with its inputs and verdict, ending in a TLS alert on failure.

mod cert;
pub mod demo;
mod dn;
pub mod hostname;
pub mod issue;
pub mod keys;
mod oids;
pub mod pem;
pub mod pkcs1;
#[cfg(test)]
mod tests;
pub mod validate;

pub use demo::{DemoIssuer, DemoPki};
pub use issue::{
    BasicConstraintsSpec, CertSpec, ExtKeyUsage, IssueError, Issuer, KeyUsageBit, issue,
};
pub use keys::{KeyError, leaf_public_key};
pub use pem::PemError;
pub use validate::{ChainError, ChainValidation, LeafKeyUse, PathCert, Policy, validate_chain};
