//! TLS messages: constants, the handshake messages and their codecs (TLS 1.2, and what TLS 1.3
//! adds in `tls13`).

pub mod enums;
pub mod handshake;
pub mod tls13;
