//! A timeline file is untrusted input to the web app: reading it never panics, and whatever it
//! accepts can be exported (capture, key log, recipes for every event) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlslab_core::export::{self, reproduce};
use tlslab_core::timeline::Timeline;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(t) = Timeline::import(text) else {
        return;
    };
    let pcap = export::pcap(&t);
    assert!(pcap.len() >= 24, "a capture always has its global header");
    drop(export::keylog(&t));
    for i in 0..t.events.len() {
        drop(reproduce::recipes(&t, i));
    }
});
