//! The `flights` target on the TLS 1.3 handshake (RFC 8446), the client offering TLS 1.2 too
//! as browsers do: ClientHello, ServerHello and the encrypted flight (EncryptedExtensions,
//! Certificate, CertificateVerify, Finished) changed in flight and replayed to a fresh peer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlslab_core::driver::Protocol;

fuzz_target!(|data: &[u8]| tlslab_fuzz::replay_mutated_in(Protocol::Tls13, data));
