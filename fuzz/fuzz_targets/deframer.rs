//! The record deframer, fed a byte stream in pieces (byte 0 sets the piece size), and each
//! complete record's plaintext decoder (alert, ChangeCipherSpec, handshake message). Checks
//! the bound on buffered bytes: never more than one maximal record plus one piece.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlslab_core::msgs::enums::ContentType;
use tlslab_core::msgs::handshake::HandshakePayload;
use tlslab_core::record::{self, Alert, Deframer, HEADER_LEN, MAX_CIPHERTEXT};

fuzz_target!(|data: &[u8]| {
    let [piece, ref stream @ ..] = *data else {
        return;
    };
    let piece = usize::from(piece).max(1);
    let mut deframer = Deframer::default();
    for chunk in stream.chunks(piece) {
        deframer.push(chunk);
        loop {
            match deframer.next_record() {
                Ok(Some((rec, encoded))) => {
                    assert_eq!(encoded.len(), HEADER_LEN + rec.fragment.len());
                    assert!(rec.fragment.len() <= MAX_CIPHERTEXT);
                    match rec.content_type {
                        ContentType::Alert => drop(Alert::decode(&rec.fragment)),
                        ContentType::ChangeCipherSpec => {
                            drop(record::decode_change_cipher_spec(&rec.fragment))
                        }
                        ContentType::Handshake => drop(HandshakePayload::decode(&rec.fragment)),
                        _ => {}
                    }
                }
                Ok(None) => break,
                Err(_) => return,
            }
        }
        assert!(deframer.pending() < HEADER_LEN + MAX_CIPHERTEXT + piece);
    }
});
