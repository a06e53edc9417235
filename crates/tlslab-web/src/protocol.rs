//! Messages between the page and the worker that runs the handshake.

use serde::{Deserialize, Serialize};
use tlslab_core::driver::Protocol;
use tlslab_core::msgs::enums::CipherSuite;
use tlslab_core::scenario::Scenario;

/// What to run. Seeds stay below 2^53 so they survive JavaScript numbers and URLs.
///
/// Every field is typed: a request naming a scenario or a suite the worker does not know fails
/// to deserialize, and the worker answers it with an error instead of running something else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRequest {
    /// Echoed in the reply, so the page can ignore answers to requests it has replaced.
    pub id: u64,
    pub seed: u64,
    /// The client's clock, seconds since the Unix epoch.
    pub now: u64,
    /// What the client offers; absent in requests from before ECDHE: RSA key exchange.
    #[serde(default)]
    pub protocol: Protocol,
    /// The suite to restrict the run to (one of the protocol's), or none for the default
    /// negotiation.
    pub suite: Option<Suite>,
    /// Carried by its id (`happy`, `mitm`, ...).
    pub scenario: Scenario,
    /// Offer the extended master secret (RFC 7627).
    pub ems: bool,
}

/// The worker's answer: the timeline, packed, or why there is none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunReply {
    pub id: u64,
    pub result: Result<Packed, String>,
    /// Milliseconds the handshake took inside the worker's wasm.
    pub run_ms: f64,
}

/// A timeline in its packed form (`Timeline::pack`), which crosses to the page as a Uint8Array:
/// reading it is far quicker, and takes far less code, than reading JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct Packed(pub Vec<u8>);

impl Serialize for Packed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Packed {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Packed, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Packed;
            fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
                f.write_str("a packed timeline")
            }
            fn visit_bytes<E>(self, bytes: &[u8]) -> Result<Packed, E> {
                Ok(Packed(bytes.to_vec()))
            }
            fn visit_byte_buf<E>(self, bytes: Vec<u8>) -> Result<Packed, E> {
                Ok(Packed(bytes))
            }
        }
        deserializer.deserialize_byte_buf(Visitor)
    }
}

/// The import worker's answer to a file's text: the timeline packed, or why it is not one.
pub type ImportReply = Result<Packed, String>;

/// Everything the worker says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// Its wasm is loaded and it listens (requests sent before wait in its script).
    Ready,
    Reply(RunReply),
}

/// The protocols the page runs, tells and offers in links, its picker and `setProtocol`.
pub const ON_PAGE: [Protocol; 3] = [Protocol::Tls12Rsa, Protocol::Tls12Ecdhe, Protocol::Tls13];

/// A protocol the page runs, by its id.
pub fn protocol_on_page(id: &str) -> Option<Protocol> {
    Protocol::from_id(id).filter(|p| ON_PAGE.contains(p))
}

/// Two different protocols the page runs, from `compare=` (`tls12-rsa,tls13`).
pub fn pair_on_page(ids: &str) -> Option<[Protocol; 2]> {
    let (a, b) = ids.split_once(',')?;
    let pair = [protocol_on_page(a)?, protocol_on_page(b)?];
    (pair[0] != pair[1]).then_some(pair)
}

/// `compare=`'s value for `pair`.
pub fn pair_id(pair: [Protocol; 2]) -> String {
    format!("{},{}", pair[0].id(), pair[1].id())
}

/// The largest seed handed out: JavaScript's Number.MAX_SAFE_INTEGER.
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// A suite a run can be restricted to: one of [`Suite::all`], written as its IANA
/// name (in links, in the suite menu and between page and worker). Any other name is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Suite(CipherSuite);

impl Suite {
    /// Every suite the page runs.
    pub fn all() -> impl Iterator<Item = Suite> {
        CipherSuite::SUPPORTED
            .into_iter()
            .chain(CipherSuite::TLS13)
            .map(Suite)
    }

    /// The suites of `protocol`, the ones its suite menu offers.
    pub fn of(protocol: Protocol) -> impl Iterator<Item = Suite> {
        Self::all().filter(move |s| s.protocol() == protocol)
    }

    /// The protocol it belongs to, by its key exchange.
    pub fn protocol(self) -> Protocol {
        Protocol::of_suite(self.0).unwrap_or_default()
    }

    /// Parses an IANA name such as `TLS_RSA_WITH_AES_128_GCM_SHA256`.
    pub fn from_name(name: &str) -> Option<Suite> {
        Self::all().find(|s| s.name() == name)
    }

    pub fn name(self) -> String {
        self.0.name()
    }

    pub fn cipher_suite(self) -> CipherSuite {
        self.0
    }
}

impl TryFrom<String> for Suite {
    type Error = String;

    fn try_from(name: String) -> Result<Suite, String> {
        Suite::from_name(&name).ok_or_else(|| format!("unknown cipher suite {name:?}"))
    }
}

impl From<Suite> for String {
    fn from(suite: Suite) -> String {
        suite.name()
    }
}
