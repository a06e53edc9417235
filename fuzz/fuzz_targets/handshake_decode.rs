//! Every handshake message decoder, through `HandshakePayload::decode` (the type byte picks
//! the decoder). What decodes must encode and decode back to the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlslab_core::msgs::handshake::HandshakePayload;

fuzz_target!(|data: &[u8]| {
    if let Ok((msg, _fields)) = HandshakePayload::decode(data) {
        let encoded = msg.encode();
        let (again, _) = HandshakePayload::decode(&encoded).expect("re-encoded message decodes");
        assert_eq!(again, msg, "decode(encode(m)) == m");
    }
});
