//! The timeline: an ordered record of everything a run did, the contract with the UI.
//!
//! Every value a viewer shows is in here, computed by the protocol code; the UI renders it and
//! computes nothing. Bytes serialize as lowercase hex.

use crate::bytes::Bytes;
use crate::codec::Field;
use crate::crypto::record_cipher::Protection;
use crate::crypto::rsa_kx::PremasterEncryption;
use crate::crypto::suite::KeyBlock;
use crate::pki::CertCheck;
use serde::Serialize;

/// Who did something.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Client,
    Server,
    /// A passive eavesdropper or an active attacker between the two.
    Network,
}

#[derive(Clone, Debug, Serialize)]
pub struct Event {
    pub actor: Actor,
    #[serde(flatten)]
    pub kind: EventKind,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// A message `actor` built, before record protection: its bytes and their field tree.
    MessageSent(Message),
    /// A record leaving `actor`, exactly as it crosses the wire.
    RecordSent(WireRecord),
    /// A record arriving at `actor`, with how it was opened when it was protected.
    RecordReceived(WireRecord),
    /// A message `actor` decoded from what arrived.
    MessageReceived(Message),
    Computation(Computation),
    CertificateCheck(CertCheck),
    /// `actor` sent an alert: fatal ones end the connection (RFC 5246 section 7.2).
    AlertSent(AlertInfo),
    AlertReceived(AlertInfo),
    /// RFC 5246 section 7.4.9: both Finished messages verified.
    HandshakeComplete {
        cipher_suite: String,
        extended_master_secret: bool,
    },
    /// Decrypted application data delivered to `actor`.
    ApplicationData {
        data: Bytes,
        text: String,
    },
    /// What each party knows at this point (added by the driver after each flight).
    Knowledge(Knowledge),
}

/// A protocol message (handshake, ChangeCipherSpec, alert or application data).
#[derive(Clone, Debug, Serialize)]
pub struct Message {
    /// "ClientHello", "ChangeCipherSpec", "Alert", "ApplicationData", ...
    pub title: String,
    pub content_type: String,
    pub bytes: Bytes,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, Serialize)]
pub struct WireRecord {
    pub content_type: String,
    /// The whole record: header and fragment.
    pub bytes: Bytes,
    pub fields: Field,
    /// Present when the record was encrypted and authenticated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protection: Option<Protection>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AlertInfo {
    pub level: String,
    /// The RFC name, e.g. `unknown_ca`.
    pub description: String,
    /// Why it was sent, in words (empty for alerts received).
    pub reason: String,
}

/// A computation with its inputs and outputs.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "computation", rename_all = "snake_case")]
pub enum Computation {
    /// A 32-byte hello random (RFC 5246 section 7.4.1.2).
    Random { name: String, value: Bytes },
    /// The server's choice among the client's suites (section 7.4.1.3).
    SuiteSelected {
        cipher_suite: String,
        offered: Vec<String>,
        extended_master_secret: bool,
    },
    /// The client encrypts the premaster with the server's public key (section 7.4.7.1).
    PremasterEncrypted(PremasterEncryption),
    /// The server decrypts it. Whether the padding was valid is deliberately not observable:
    /// on any failure the server goes on with a random premaster (section 7.4.7.1).
    PremasterDecrypted { ciphertext: Bytes, premaster: Bytes },
    /// The transcript hash over the handshake messages so far (sections 7.4.9, RFC 7627 3).
    TranscriptHash {
        purpose: String,
        messages: Vec<String>,
        input: Bytes,
        hash: Bytes,
    },
    /// master_secret = PRF(pre_master_secret, label, seed)[0..47] (section 8.1, RFC 7627 4).
    MasterSecret {
        extended: bool,
        premaster: Bytes,
        label: String,
        seed: Bytes,
        master_secret: Bytes,
    },
    /// key_block = PRF(master_secret, "key expansion", server_random + client_random) (6.3).
    KeyBlock {
        label: String,
        seed: Bytes,
        key_block: Bytes,
        keys: KeyBlock,
    },
    /// verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11] (7.4.9).
    VerifyData {
        label: String,
        handshake_hash: Bytes,
        verify_data: Bytes,
        /// When checking a received Finished: what the peer sent, and whether it matched.
        #[serde(skip_serializing_if = "Option::is_none")]
        received: Option<Bytes>,
        #[serde(skip_serializing_if = "Option::is_none")]
        matches: Option<bool>,
    },
    /// ChangeCipherSpec switched one direction to the new keys (section 7.1).
    CipherStateChanged {
        direction: String,
        cipher_suite: String,
    },
}

/// One secret (or public value) someone holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Known {
    pub name: String,
    pub value: Bytes,
}

/// Who knows what after a step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Knowledge {
    pub client: Vec<Known>,
    pub server: Vec<Known>,
    /// A passive observer of the wire.
    pub observer: Vec<Known>,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    /// Handshake done, request answered, connection closed cleanly.
    Success,
    /// A fatal alert ended it.
    Alert {
        sender: Actor,
        description: String,
        reason: String,
    },
    /// Neither side could make progress (should not happen; reported rather than looped).
    Stalled,
}

/// The whole run.
#[derive(Clone, Debug, Serialize)]
pub struct Timeline {
    /// Version of this JSON shape.
    pub format: u32,
    pub seed: u64,
    /// The client's clock, seconds since the Unix epoch.
    pub now: u64,
    pub server_name: String,
    pub events: Vec<Event>,
    pub outcome: Outcome,
}

impl Timeline {
    pub const FORMAT: u32 = 1;
}
