//! TLS 1.2 messages: constants, the handshake messages and their codecs.

pub mod enums;
pub mod handshake;
