//! The TLS 1.3 key schedule (RFC 8446 section 7.1), with HKDF (RFC 5869) on the suite's hash:
//!
//! ```text
//!              0
//!              |
//!    PSK ->  HKDF-Extract = Early Secret
//!              |
//!        Derive-Secret(., "derived", "")
//!              v
//! (EC)DHE -> HKDF-Extract = Handshake Secret
//!              +-----> Derive-Secret(., "c hs traffic", ClientHello...ServerHello)
//!              +-----> Derive-Secret(., "s hs traffic", ClientHello...ServerHello)
//!        Derive-Secret(., "derived", "")
//!              v
//!    0 -> HKDF-Extract = Master Secret
//!              +-----> Derive-Secret(., "c ap traffic", ClientHello...server Finished)
//!              +-----> Derive-Secret(., "s ap traffic", ClientHello...server Finished)
//!              +-----> Derive-Secret(., "exp master", ClientHello...server Finished)
//!              +-----> Derive-Secret(., "res master", ClientHello...client Finished)
//! ```
//!
//! Every value is computed by one function here and returned with the [`Derivation`] that
//! records it (its inputs, its label, its output), so the peers, the observer, the exporters
//! and the tests all see the same steps. No PSK: the early secret is HKDF-Extract(0, 0).

use crate::crypto::suite::PrfHash;
use hkdf::Hkdf;
use sha2::{Sha256, Sha384};

/// One step of the schedule, as the timeline shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Derivation {
    /// HKDF-Extract(salt, IKM) = secret (RFC 5869 section 2.2).
    Extract {
        /// "early", "handshake" or "master".
        name: &'static str,
        salt: Vec<u8>,
        ikm: Vec<u8>,
        secret: Vec<u8>,
    },
    /// HKDF-Expand-Label(secret, label, context, length) = output (RFC 8446 section 7.1).
    ExpandLabel {
        /// Without the "tls13 " prefix: "c hs traffic", "key", "finished", ...
        label: &'static str,
        secret: Vec<u8>,
        context: Vec<u8>,
        /// The HkdfLabel structure, HKDF-Expand's info.
        info: Vec<u8>,
        output: Vec<u8>,
    },
}

impl Derivation {
    /// What it computed.
    pub fn output(&self) -> &[u8] {
        match self {
            Derivation::Extract { secret, .. } => secret,
            Derivation::ExpandLabel { output, .. } => output,
        }
    }
}

/// HKDF-Extract(salt, IKM) with `hash`; an empty salt is HashLen zero bytes (RFC 5869 2.2).
pub fn extract(hash: PrfHash, salt: &[u8], ikm: &[u8]) -> Vec<u8> {
    let salt = (!salt.is_empty()).then_some(salt);
    match hash {
        PrfHash::Sha256 => Hkdf::<Sha256>::extract(salt, ikm).0.to_vec(),
        PrfHash::Sha384 => Hkdf::<Sha384>::extract(salt, ikm).0.to_vec(),
    }
}

/// RFC 8446 section 7.1:
///
/// ```text
/// struct {
///     uint16 length = Length;
///     opaque label<7..255> = "tls13 " + Label;
///     opaque context<0..255> = Context;
/// } HkdfLabel;
/// ```
///
/// None when a field does not fit its length (no label or context here comes close).
pub fn hkdf_label(label: &str, context: &[u8], len: usize) -> Option<Vec<u8>> {
    let full = [b"tls13 ", label.as_bytes()].concat();
    let mut info = Vec::with_capacity(4 + full.len() + context.len());
    info.extend_from_slice(&u16::try_from(len).ok()?.to_be_bytes());
    info.push(u8::try_from(full.len()).ok()?);
    info.extend_from_slice(&full);
    info.push(u8::try_from(context.len()).ok()?);
    info.extend_from_slice(context);
    Some(info)
}

/// HKDF-Expand-Label(secret, label, context, len), recorded. None when `secret` is shorter
/// than the hash or `len` beyond 255 hashes (RFC 5869 section 2.3): callers pass the suite's
/// own lengths, so None means a bug, reported as internal_error.
pub fn expand_label(
    hash: PrfHash,
    secret: &[u8],
    label: &'static str,
    context: &[u8],
    len: usize,
) -> Option<Derivation> {
    let info = hkdf_label(label, context, len)?;
    let mut output = vec![0u8; len];
    match hash {
        PrfHash::Sha256 => Hkdf::<Sha256>::from_prk(secret)
            .ok()?
            .expand(&info, &mut output)
            .ok()?,
        PrfHash::Sha384 => Hkdf::<Sha384>::from_prk(secret)
            .ok()?
            .expand(&info, &mut output)
            .ok()?,
    }
    Some(Derivation::ExpandLabel {
        label,
        secret: secret.to_vec(),
        context: context.to_vec(),
        info,
        output,
    })
}

/// Derive-Secret(secret, label, messages) = HKDF-Expand-Label(secret, label,
/// Transcript-Hash(messages), Hash.length); the caller hashes the messages.
pub fn derive_secret(
    hash: PrfHash,
    secret: &[u8],
    label: &'static str,
    transcript_hash: &[u8],
) -> Option<Derivation> {
    expand_label(hash, secret, label, transcript_hash, hash.output_len())
}

/// Why the schedule could not go on: a length the suite fixes did not fit HKDF. Only a bug
/// gets here; the handshake reports it as internal_error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScheduleError;

impl core::fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a key schedule length does not fit HKDF")
    }
}

impl std::error::Error for ScheduleError {}

/// A pair of traffic secrets, one per direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrafficSecrets {
    pub client: Vec<u8>,
    pub server: Vec<u8>,
}

/// The secrets after ServerHello: the handshake secret (for the next stage) and the handshake
/// traffic secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandshakeStage {
    pub handshake_secret: Vec<u8>,
    pub traffic: TrafficSecrets,
}

/// The secrets after the server's Finished.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicationStage {
    pub master_secret: Vec<u8>,
    pub traffic: TrafficSecrets,
    pub exporter_master_secret: Vec<u8>,
}

/// A key and IV for one direction (RFC 8446 section 7.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrafficKeys {
    pub key: Vec<u8>,
    pub iv: Vec<u8>,
}

/// The schedule of one connection: its hash, and every derivation made so far, in order.
#[derive(Clone, Debug)]
pub struct KeySchedule {
    pub hash: PrfHash,
    done: Vec<Derivation>,
}

impl KeySchedule {
    pub fn new(hash: PrfHash) -> Self {
        KeySchedule {
            hash,
            done: Vec::new(),
        }
    }

    /// The derivations made since the last call, oldest first.
    pub fn take(&mut self) -> Vec<Derivation> {
        std::mem::take(&mut self.done)
    }

    fn extract(&mut self, name: &'static str, salt: &[u8], ikm: &[u8]) -> Vec<u8> {
        let secret = extract(self.hash, salt, ikm);
        self.done.push(Derivation::Extract {
            name,
            salt: salt.to_vec(),
            ikm: ikm.to_vec(),
            secret: secret.clone(),
        });
        secret
    }

    fn expand(
        &mut self,
        secret: &[u8],
        label: &'static str,
        context: &[u8],
        len: usize,
    ) -> Result<Vec<u8>, ScheduleError> {
        let d = expand_label(self.hash, secret, label, context, len).ok_or(ScheduleError)?;
        let out = d.output().to_vec();
        self.done.push(d);
        Ok(out)
    }

    fn derive(
        &mut self,
        secret: &[u8],
        label: &'static str,
        transcript_hash: &[u8],
    ) -> Result<Vec<u8>, ScheduleError> {
        self.expand(secret, label, transcript_hash, self.hash.output_len())
    }

    /// Early secret (no PSK: HKDF-Extract(0, 0)), then the handshake secret from the (EC)DHE
    /// shared secret, then the handshake traffic secrets over Hash(ClientHello..ServerHello).
    pub fn handshake(
        &mut self,
        shared_secret: &[u8],
        hello_hash: &[u8],
    ) -> Result<HandshakeStage, ScheduleError> {
        let zeros = vec![0u8; self.hash.output_len()];
        let early = self.extract("early", &[], &zeros);
        let empty_hash = self.hash.digest(&[]);
        let salt = self.derive(&early, "derived", &empty_hash)?;
        let handshake_secret = self.extract("handshake", &salt, shared_secret);
        let client = self.derive(&handshake_secret, "c hs traffic", hello_hash)?;
        let server = self.derive(&handshake_secret, "s hs traffic", hello_hash)?;
        Ok(HandshakeStage {
            handshake_secret,
            traffic: TrafficSecrets { client, server },
        })
    }

    /// The master secret, then the application traffic secrets and the exporter master secret
    /// over Hash(ClientHello..server Finished).
    pub fn application(
        &mut self,
        handshake_secret: &[u8],
        finished_hash: &[u8],
    ) -> Result<ApplicationStage, ScheduleError> {
        let empty_hash = self.hash.digest(&[]);
        let salt = self.derive(handshake_secret, "derived", &empty_hash)?;
        let zeros = vec![0u8; self.hash.output_len()];
        let master_secret = self.extract("master", &salt, &zeros);
        let client = self.derive(&master_secret, "c ap traffic", finished_hash)?;
        let server = self.derive(&master_secret, "s ap traffic", finished_hash)?;
        let exporter_master_secret = self.derive(&master_secret, "exp master", finished_hash)?;
        Ok(ApplicationStage {
            master_secret,
            traffic: TrafficSecrets { client, server },
            exporter_master_secret,
        })
    }

    /// The resumption master secret over Hash(ClientHello..client Finished).
    pub fn resumption_master(
        &mut self,
        master_secret: &[u8],
        client_finished_hash: &[u8],
    ) -> Result<Vec<u8>, ScheduleError> {
        self.derive(master_secret, "res master", client_finished_hash)
    }

    /// The write key and IV of a traffic secret (RFC 8446 section 7.3).
    pub fn traffic_keys(
        &mut self,
        secret: &[u8],
        key_len: usize,
        iv_len: usize,
    ) -> Result<TrafficKeys, ScheduleError> {
        Ok(TrafficKeys {
            key: self.expand(secret, "key", &[], key_len)?,
            iv: self.expand(secret, "iv", &[], iv_len)?,
        })
    }

    /// Finished's verify_data (RFC 8446 section 4.4.4): HMAC(finished_key, transcript hash),
    /// finished_key = HKDF-Expand-Label(base_key, "finished", "", Hash.length).
    pub fn verify_data(
        &mut self,
        base_key: &[u8],
        transcript_hash: &[u8],
    ) -> Result<Vec<u8>, ScheduleError> {
        let finished_key = self.expand(base_key, "finished", &[], self.hash.output_len())?;
        Ok(self.hash.hmac(&finished_key, &[transcript_hash]))
    }

    /// The next traffic secret after a KeyUpdate (RFC 8446 section 7.2).
    pub fn next_traffic_secret(&mut self, secret: &[u8]) -> Result<Vec<u8>, ScheduleError> {
        self.expand(secret, "traffic upd", &[], self.hash.output_len())
    }
}
