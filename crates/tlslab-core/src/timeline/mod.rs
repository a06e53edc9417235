//! The timeline: an ordered record of everything a run did, the contract with the UI.
//!
//! Every value a viewer shows is in here, computed by the protocol code; the UI renders it and
//! computes nothing. Bytes serialize as lowercase hex. This module owns the shape of the JSON
//! file (`Timeline::FORMAT`; `tests/golden.rs` pins it): the types inside events are defined
//! here ([`detail`]) and filled in by the codec, the crypto and the validator.
//!
//! - [`recorder`]: connections report [`ConnectionEvent`]s; the recorder gives each event its
//!   actor and step.
//! - [`query`]: what views, exporters and the CLI ask of a timeline (the fatal alert, the
//!   outcome, a step's computations, what crossed the wire).
//! - [`import`]: reading an untrusted timeline file.

pub mod detail;
pub mod import;
mod packed;
pub mod query;
pub mod recorder;

pub use detail::*;
pub use import::ImportError;
pub use query::Link;
pub use recorder::Recorder;

use crate::bytes::Bytes;
use crate::msgs::enums;
use crate::scenario::{NetworkRole, Scenario};
use serde::{Deserialize, Serialize};

/// Who did something.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Client,
    Server,
    /// A passive eavesdropper or an active attacker between the two.
    Network,
}

impl Actor {
    /// The other end of the connection (the network's peer is taken to be the client).
    pub fn peer(self) -> Actor {
        match self {
            Actor::Client => Actor::Server,
            Actor::Server | Actor::Network => Actor::Client,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Event {
    pub actor: Actor,
    /// Index into [`Timeline::steps`] of the step this event belongs to.
    pub step: usize,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What a connection reports: an event, and which of its own messages it is about. The
/// [`Recorder`], which knows who talks to whom, turns it into an [`Event`] of a step.
#[derive(Clone, Debug)]
pub struct ConnectionEvent {
    pub about: MessageRef,
    pub kind: EventKind,
}

/// One of a connection's own messages, counted from 0: the `n`th it sent (or is preparing), or
/// the `n`th it received.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageRef {
    Sent(usize),
    Received(usize),
    /// Not about a message: what the side holds before the run begins (its key, its trust
    /// anchors), shown from the first step.
    Held,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
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
    /// `actor` now holds this value (for the network actor: a passive observer read it).
    Learned(Known),
    /// The network changed a message in transit.
    Tampered {
        what: String,
        before: Bytes,
        after: Bytes,
    },
    /// A moment of the story that is not a message, such as a key leaking later.
    Episode {
        title: String,
        text: String,
    },
}

/// A protocol message (handshake, ChangeCipherSpec, alert or application data).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Message {
    /// "ClientHello", "ChangeCipherSpec", "Alert", "ApplicationData", ...
    pub title: String,
    pub content_type: String,
    pub bytes: Bytes,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WireRecord {
    pub content_type: String,
    /// The whole record: header and fragment.
    pub bytes: Bytes,
    pub fields: Field,
    /// Present when the record was encrypted and authenticated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protection: Option<Protection>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AlertInfo {
    pub level: AlertLevel,
    /// The RFC name, e.g. `unknown_ca`.
    pub description: String,
    /// Why it was sent, in words (empty for alerts received).
    pub reason: String,
}

/// A computation with its inputs and outputs.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "computation", rename_all = "snake_case")]
pub enum Computation {
    /// A 32-byte hello random (RFC 5246 section 7.4.1.2).
    Random { name: ValueName, value: Bytes },
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
    MasterSecret(MasterSecretDerivation),
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
    /// An ephemeral ECDH key pair for this handshake (RFC 8422 sections 5.4 and 5.7). The
    /// private scalar never leaves the side that made it.
    EcdhKeyPair {
        group: String,
        private: Bytes,
        public: Bytes,
    },
    /// The premaster from our private scalar and the peer's share (RFC 8422 section 5.10).
    EcdhSharedSecret {
        group: String,
        peer_public: Bytes,
        premaster: Bytes,
    },
    /// The server's signature over client_random + server_random + its ECDH parameters
    /// (RFC 8422 section 5.4): made by the server, checked by the client (`verified`).
    KeyExchangeSignature {
        scheme: String,
        signed: Bytes,
        signature: Bytes,
        #[serde(skip_serializing_if = "Option::is_none")]
        verified: Option<bool>,
    },
    /// TLS 1.3: HKDF-Extract(salt, IKM) = secret, one stage of the key schedule (RFC 8446
    /// section 7.1): `name` is "early", "handshake" or "master".
    HkdfExtract {
        name: String,
        salt: Bytes,
        ikm: Bytes,
        secret: Bytes,
    },
    /// TLS 1.3: HKDF-Expand-Label(secret, label, context, length) = output (RFC 8446 section
    /// 7.1); `info` is the HkdfLabel structure, the label without its "tls13 " prefix.
    HkdfExpandLabel {
        label: String,
        secret: Bytes,
        context: Bytes,
        info: Bytes,
        output: Bytes,
    },
    /// Someone holding the server's RSA key ran the attack on RSA key exchange against a
    /// recording whose premaster was not encrypted to that key: the RSA decryption of the
    /// ClientKeyExchange (`ciphertext`) gave `premaster`, a random value (RFC 5246 section
    /// 7.4.7.1), and the keys derived from it did not open `record`.
    RecordingNotDecrypted {
        ciphertext: Bytes,
        premaster: Bytes,
        record: Bytes,
        error: String,
    },
}

/// How a master secret was derived: `PRF(premaster, label, seed)[0..47]`, the seed being the
/// two randoms (RFC 5246 section 8.1) or the session hash (RFC 7627 section 4).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MasterSecretDerivation {
    pub extended: bool,
    pub premaster: Bytes,
    pub label: String,
    pub seed: Bytes,
    pub master_secret: Bytes,
}

/// One secret (or public value) someone holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Known {
    pub name: ValueName,
    pub value: Bytes,
}

/// The values the who-knows-what view tracks, by the names the timeline gives them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueName {
    ClientRandom,
    ServerRandom,
    /// The 48-byte premaster secret (RFC 5246 section 7.4.7.1).
    Premaster,
    /// ClientKeyExchange's body: the premaster encrypted with the server's public key.
    EncryptedPremaster,
    MasterSecret,
    KeyBlock,
    /// The server's RSA private exponent d, standing for its whole private key.
    ServerPrivateKey,
    /// The server's own certificate (DER), the first of the chain it sends.
    ServerCertificate,
    /// The client's ephemeral ECDH private scalar (RFC 8422 section 5.10): never sent.
    ClientEphemeralKey,
    /// The server's ephemeral ECDH private scalar: never sent.
    ServerEphemeralKey,
    /// The client's ephemeral public share, in its ClientKeyExchange (RFC 8422 section 5.7).
    ClientShare,
    /// The server's ephemeral public share, in its ServerKeyExchange (RFC 8422 section 5.4).
    ServerShare,
    /// A root certificate (DER) the client trusts, from its trust store.
    TrustAnchor,
    /// TLS 1.3's (EC)DHE shared secret, the input of the handshake secret (RFC 8446 section
    /// 7.1); TLS 1.2's is its premaster.
    SharedSecret,
}

impl ValueName {
    /// The name as the timeline writes it (`client_random`, `master_secret`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ValueName::ClientRandom => "client_random",
            ValueName::ServerRandom => "server_random",
            ValueName::Premaster => "premaster",
            ValueName::EncryptedPremaster => "encrypted_premaster",
            ValueName::MasterSecret => "master_secret",
            ValueName::KeyBlock => "key_block",
            ValueName::ServerPrivateKey => "server_private_key",
            ValueName::ServerCertificate => "server_certificate",
            ValueName::ClientEphemeralKey => "client_ephemeral_key",
            ValueName::ServerEphemeralKey => "server_ephemeral_key",
            ValueName::ClientShare => "client_share",
            ValueName::ServerShare => "server_share",
            ValueName::TrustAnchor => "trust_anchor",
            ValueName::SharedSecret => "shared_secret",
        }
    }

    /// Values a side holds before the run begins (`MessageRef::Held`), not learned in it.
    pub fn is_held(self) -> bool {
        matches!(
            self,
            ValueName::TrustAnchor | ValueName::ServerCertificate | ValueName::ServerPrivateKey
        )
    }

    /// Values that must stay secret (the others cross the wire in the clear).
    pub fn is_secret(self) -> bool {
        matches!(
            self,
            ValueName::Premaster
                | ValueName::SharedSecret
                | ValueName::MasterSecret
                | ValueName::KeyBlock
                | ValueName::ServerPrivateKey
                | ValueName::ClientEphemeralKey
                | ValueName::ServerEphemeralKey
        )
    }
}

/// An alert's level (RFC 5246 section 7.2), by its RFC name; a level no RFC defines is kept as
/// the decoder named it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum AlertLevel {
    Warning,
    Fatal,
    Other(String),
}

impl From<String> for AlertLevel {
    fn from(name: String) -> Self {
        match name.as_str() {
            "warning" => AlertLevel::Warning,
            "fatal" => AlertLevel::Fatal,
            _ => AlertLevel::Other(name),
        }
    }
}

impl From<AlertLevel> for String {
    fn from(level: AlertLevel) -> Self {
        level.as_str().into()
    }
}

impl AlertLevel {
    pub fn as_str(&self) -> &str {
        match self {
            AlertLevel::Warning => "warning",
            AlertLevel::Fatal => "fatal",
            AlertLevel::Other(name) => name,
        }
    }
}

impl core::fmt::Display for AlertLevel {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::fmt::Display for ValueName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AlertInfo {
    /// The record of an alert, sent (with why) or received (with an empty reason).
    pub fn new(
        level: enums::AlertLevel,
        description: enums::AlertDescription,
        reason: &str,
    ) -> Self {
        let level = match level {
            enums::AlertLevel::Warning => AlertLevel::Warning,
            enums::AlertLevel::Fatal => AlertLevel::Fatal,
            other => AlertLevel::Other(other.name()),
        };
        AlertInfo {
            level,
            description: description.name(),
            reason: reason.into(),
        }
    }

    pub fn is_fatal(&self) -> bool {
        self.level == AlertLevel::Fatal
    }
}

/// Who knows what after a step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Knowledge {
    pub client: Vec<Known>,
    pub server: Vec<Known>,
    /// A passive observer of the wire.
    pub observer: Vec<Known>,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    /// Handshake done, request answered, connection closed cleanly.
    Success,
    /// A fatal alert ended it; `step` is the alert's own step.
    Alert {
        sender: Actor,
        description: String,
        reason: String,
        step: usize,
    },
    /// Neither side could make progress (should not happen; reported rather than looped).
    Stalled,
}

/// The keys a step's records were protected under (see [`Timeline::keys_of`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKeys {
    Clear,
    /// TLS 1.3's handshake traffic keys.
    Handshake,
    /// TLS 1.3's application traffic keys, or TLS 1.2's write keys.
    Application,
}

/// The chapters of the simplified story (six for the handshake, one for the data after it),
/// used as the UI's table of contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Chapter {
    ClientHello = 1,
    ServerHello = 2,
    Authentication = 3,
    Premaster = 4,
    ClientFinished = 5,
    ServerFinished = 6,
    /// The request, the response and the closing alerts (RFC 5246 sections 6.2.3 and 7.2.1).
    ApplicationData = 7,
}

impl Chapter {
    /// Where a message titled `title`, from a client or a server, falls in the story of a
    /// connection now at chapter `current`. Chapters move forward, with one exception: a TLS
    /// 1.3 server finishes first (RFC 8446 section 2), so its Finished is chapter 6 and the
    /// client's, after it, chapter 5. A message that starts no chapter (an alert, a ticket,
    /// TLS 1.3's compatibility change_cipher_spec right after a hello) stays in the current.
    pub(crate) fn of(server_side: bool, title: &str, current: Chapter) -> Chapter {
        let starts = match (server_side, title) {
            (_, "ClientHello") => Chapter::ClientHello,
            (_, "ServerHello" | "HelloRetryRequest" | "EncryptedExtensions") => {
                Chapter::ServerHello
            }
            // Under ECDHE the server proves it holds the certificate's key by signing its
            // share in ServerKeyExchange (RFC 8422 section 5.4), and under TLS 1.3 by signing
            // the transcript in CertificateVerify (RFC 8446 section 4.4.3): authentication.
            (
                true,
                "Certificate" | "ServerKeyExchange" | "CertificateRequest" | "ServerHelloDone"
                | "CertificateVerify",
            ) => Chapter::Authentication,
            (_, "ClientKeyExchange") => Chapter::Premaster,
            // TLS 1.3's dummy change_cipher_spec after a hello (RFC 8446 appendix D.4).
            (_, "ChangeCipherSpec") if current <= Chapter::ServerHello => current,
            (false, "ChangeCipherSpec" | "Finished") if current == Chapter::ServerFinished => {
                return Chapter::ClientFinished;
            }
            (false, "ChangeCipherSpec" | "Finished") => Chapter::ClientFinished,
            (true, "ChangeCipherSpec" | "Finished") => Chapter::ServerFinished,
            // A TLS 1.3 client's certificate travels with its Finished (RFC 8446 section 4.4).
            (false, "Certificate" | "CertificateVerify") if current == Chapter::ServerFinished => {
                return Chapter::ClientFinished;
            }
            (_, "ApplicationData") => Chapter::ApplicationData,
            _ => current,
        };
        starts.max(current)
    }
}

/// One message crossing the wire, with everything both sides did about it: the sender's
/// preparation and the receiver's processing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub title: String,
    pub from: Actor,
    pub to: Actor,
    pub chapter: Chapter,
    /// Indices into [`Timeline::events`].
    pub events: Vec<usize>,
    /// Who knows what once this step is done.
    pub knowledge: Knowledge,
}

/// The whole run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Timeline {
    /// Version of this JSON shape.
    pub format: u32,
    pub seed: u64,
    /// The client's clock, seconds since the Unix epoch.
    pub now: u64,
    pub server_name: String,
    pub scenario: Scenario,
    /// What sits on the wire in this scenario (drawn as a third lane).
    pub network: NetworkRole,
    pub steps: Vec<Step>,
    pub events: Vec<Event>,
    pub outcome: Outcome,
    /// Present when the run was recorded against a real server rather than simulated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<Recording>,
}

/// A run recorded by `tlslab connect`: only the client's side is known, and the server's
/// messages appear as the client received them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recording {
    /// The server's address as it was given (host:port).
    pub server: String,
}
