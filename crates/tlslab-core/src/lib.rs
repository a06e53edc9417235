//! A sans-IO TLS 1.2 client and server (RSA key exchange) that record everything they do.
//!
//! Bytes go in, bytes and [`timeline`] events come out. Time and randomness are inputs, so a run
//! is reproducible from a seed.
#![forbid(unsafe_code)]

pub mod bytes;
pub mod codec;
pub(crate) mod common;
pub mod connection;
pub mod crypto;
pub mod driver;
pub mod error;
pub mod export;
pub mod http;
pub mod msgs;
pub mod pki;
pub mod record;
pub mod rng;
pub mod scenario;
pub mod timeline;
pub mod tls12;
pub mod tls13;
pub(crate) mod transcript;

pub use connection::Connection;
