//! The handshake transcript: every handshake message so far, as sent (RFC 5246 section 7.4.9:
//! "all of the data from all messages in this handshake (not including any HelloRequest
//! messages) up to, but not including, this message").

use crate::crypto::prf;
use crate::timeline::Computation;

#[derive(Default)]
pub(crate) struct Transcript {
    bytes: Vec<u8>,
    titles: Vec<String>,
    /// Where each message starts in `bytes`.
    starts: Vec<usize>,
}

impl Transcript {
    pub fn add(&mut self, title: &str, message: &[u8]) {
        self.starts.push(self.bytes.len());
        self.bytes.extend_from_slice(message);
        self.titles.push(title.into());
    }

    /// RFC 8446 section 4.4.1: after a HelloRetryRequest, the first message (ClientHello1)
    /// is replaced by its `message_hash`; later messages stay.
    pub fn replace_first_with_message_hash(&mut self, hash: prf::PrfHash) {
        let end = self.starts.get(1).copied().unwrap_or(self.bytes.len());
        let replaced = crate::tls13::message_hash(hash, &self.bytes[..end]);
        let shift = replaced.len() as isize - end as isize;
        self.bytes.splice(..end, replaced);
        for start in self.starts.iter_mut().skip(1) {
            *start = start.saturating_add_signed(shift);
        }
        if let Some(title) = self.titles.first_mut() {
            *title = "message_hash(ClientHello1)".into();
        }
    }

    /// Like [`Transcript::hash`], over every message but the last one added: what a TLS 1.3
    /// CertificateVerify signs is the transcript before it (RFC 8446 section 4.4.3), and the
    /// record layer adds each message as it arrives.
    pub fn hash_before_last(&self, hash: prf::PrfHash, purpose: &str) -> (Vec<u8>, Computation) {
        let end = self.starts.last().copied().unwrap_or(0);
        let kept = self.starts.len().saturating_sub(1);
        let bytes = &self.bytes[..end];
        let digest = prf::handshake_hash(hash, bytes);
        let computation = Computation::TranscriptHash {
            purpose: purpose.into(),
            messages: self.titles[..kept].to_vec(),
            input: bytes.to_vec().into(),
            hash: digest.clone().into(),
        };
        (digest, computation)
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
