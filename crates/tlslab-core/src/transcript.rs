//! The handshake transcript: every handshake message so far, as sent (RFC 5246 section 7.4.9:
//! "all of the data from all messages in this handshake (not including any HelloRequest
//! messages) up to, but not including, this message").

use crate::crypto::prf;
use crate::timeline::Computation;

#[derive(Default)]
pub(crate) struct Transcript {
    bytes: Vec<u8>,
    titles: Vec<String>,
}

impl Transcript {
    pub fn add(&mut self, title: &str, message: &[u8]) {
        self.bytes.extend_from_slice(message);
        self.titles.push(title.into());
    }

    /// `Hash(handshake_messages)` with the PRF's hash, recorded with which messages went in and
    /// what it is for.
    pub fn hash(&self, prf_hash: prf::PrfHash, purpose: &str) -> (Vec<u8>, Computation) {
        let hash = prf::handshake_hash(prf_hash, &self.bytes);
        let computation = Computation::TranscriptHash {
            purpose: purpose.into(),
            messages: self.titles.clone(),
            input: self.bytes.clone().into(),
            hash: hash.clone().into(),
        };
        (hash, computation)
    }
}
