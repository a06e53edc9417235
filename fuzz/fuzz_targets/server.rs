//! The server state machine fed arbitrary client bytes, in pieces (byte 0 sets the piece size;
//! 0 means all at once). Seeds include the real client flights.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [piece, ref bytes @ ..] = *data else {
        return;
    };
    let mut server = tlslab_fuzz::server();
    tlslab_fuzz::feed(&mut server, bytes, usize::from(piece));
});
