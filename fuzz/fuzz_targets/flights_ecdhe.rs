//! The `flights` target on the ECDHE handshake (RFC 8422): ServerKeyExchange, its signature,
//! the shares and the ECDH ClientKeyExchange changed in flight and replayed to a fresh peer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlslab_core::driver::Protocol;

fuzz_target!(|data: &[u8]| tlslab_fuzz::replay_mutated_in(Protocol::Tls12Ecdhe, data));
