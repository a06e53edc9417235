//! The `flights` target on the ECDHE handshake (RFC 8422): ServerKeyExchange, its signature,
//! the shares and the ECDH ClientKeyExchange changed in flight and replayed to a fresh peer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlslab_core::driver::Protocol;
use tlslab_fuzz::Handshake;

fuzz_target!(|data: &[u8]| tlslab_fuzz::replay_mutated_in(
    Handshake::Tls12(Protocol::Tls12Ecdhe),
    data
));
