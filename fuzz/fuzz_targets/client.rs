//! The client state machine fed arbitrary server bytes, in pieces (byte 0 sets the piece size;
//! 0 means all at once). Seeds include the real server flights.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [piece, ref bytes @ ..] = *data else {
        return;
    };
    let mut client = tlslab_fuzz::client();
    tlslab_fuzz::drain(&mut client);
    tlslab_fuzz::feed(&mut client, bytes, usize::from(piece));
});
