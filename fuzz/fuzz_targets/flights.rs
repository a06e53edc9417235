//! Structure-aware: a real captured handshake replayed to a fresh peer with one flight
//! changed (see `tlslab_fuzz::replay_mutated`), so changes reach the later states.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| tlslab_fuzz::replay_mutated(data));
