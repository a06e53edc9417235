//! Every handshake message decoder, through `HandshakePayload::decode_in` for each key
//! exchange (the type byte picks the decoder; TLS 1.3's messages under `KeyShare`). What
//! decodes must encode and decode back to the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlslab_core::msgs::handshake::{HandshakePayload, KeyExchange};

fuzz_target!(|data: &[u8]| {
    for kx in [KeyExchange::Rsa, KeyExchange::Ecdhe, KeyExchange::KeyShare] {
        if let Ok((msg, _fields)) = HandshakePayload::decode_in(data, kx) {
            let encoded = msg.encode();
            let (again, _) =
                HandshakePayload::decode_in(&encoded, kx).expect("re-encoded message decodes");
            assert_eq!(again, msg, "decode(encode(m)) == m");
        }
    }
});
