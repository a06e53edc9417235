//! Messages between the page and the worker that runs the handshake.

use serde::{Deserialize, Serialize};

/// What to run. Seeds stay below 2^53 so they survive JavaScript numbers and URLs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRequest {
    /// Echoed in the reply, so the page can ignore answers to requests it has replaced.
    pub id: u64,
    pub seed: u64,
    /// The client's clock, seconds since the Unix epoch.
    pub now: u64,
    /// An IANA suite name to restrict the run to, or none for the default negotiation.
    pub suite: Option<String>,
    /// A scenario id (`happy`, `mitm`, ...).
    pub scenario: String,
    /// Offer the extended master secret (RFC 7627).
    pub ems: bool,
}

/// The worker's answer: the timeline as JSON, or why there is none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunReply {
    pub id: u64,
    pub result: Result<String, String>,
    /// Milliseconds the handshake took inside the worker's wasm.
    pub run_ms: f64,
}

/// Everything the worker says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// Its wasm is loaded and it listens: messages sent before this would be lost.
    Ready,
    Reply(RunReply),
}

/// The largest seed handed out: JavaScript's Number.MAX_SAFE_INTEGER.
pub const MAX_SEED: u64 = (1 << 53) - 1;
