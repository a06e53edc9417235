//! Runs a scenario in memory and records the timeline.
//!
//! The driver is the network. It owns the connections (client, server, and in some scenarios
//! an attacker's), carries each one's output to its peer, lets the scenario's attacker change
//! messages in transit, and, as a passive observer, notes what anyone on the wire can read.
//!
//! - [`setup`]: a scenario as configurations, certificates and who sits on the wire.
//! - [`network`]: the connections, the bytes between them and the demo applications.
//! - [`attacker`]: what an active attacker changes in transit.
//! - [`observer`]: what a passive eavesdropper reads, and decrypts once the key leaks.
//!
//! Invariant (bounded work): a run stops after [`MAX_ROUNDS`] exchanges.

mod attacker;
mod network;
mod observer;
mod setup;

use crate::msgs::enums::CipherSuite;
use crate::msgs::handshake::KeyExchange;
use crate::pki::DemoPki;
use crate::rng::Drbg;
use crate::scenario::Scenario;
use crate::timeline::{Outcome, Timeline};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Which handshake a run performs: what the client offers. Written as its id (`tls12-rsa`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Protocol {
    /// TLS 1.2 with RSA key exchange (RFC 5246 section 7.4.7.1): the usual story, and what
    /// every link without `protocol=` shows.
    #[default]
    #[serde(rename = "tls12-rsa")]
    Tls12Rsa,
    /// TLS 1.2 with ECDHE and an RSA signature (RFC 8422): forward secrecy.
    #[serde(rename = "tls12-ecdhe")]
    Tls12Ecdhe,
    /// TLS 1.3 (RFC 8446), offered as browsers offer it: TLS 1.2 with ECDHE too, for older
    /// servers; the server speaks both.
    #[serde(rename = "tls13")]
    Tls13,
}

impl Protocol {
    pub const ALL: [Protocol; 3] = [Protocol::Tls12Rsa, Protocol::Tls12Ecdhe, Protocol::Tls13];

    /// The name links and the command line use.
    pub fn id(self) -> &'static str {
        match self {
            Protocol::Tls12Rsa => "tls12-rsa",
            Protocol::Tls12Ecdhe => "tls12-ecdhe",
            Protocol::Tls13 => "tls13",
        }
    }

    pub fn from_id(id: &str) -> Option<Protocol> {
        Self::ALL.into_iter().find(|p| p.id() == id)
    }

    /// A name for pickers.
    pub fn title(self) -> &'static str {
        match self {
            Protocol::Tls12Rsa => "TLS 1.2, RSA",
            Protocol::Tls12Ecdhe => "TLS 1.2, ECDHE",
            Protocol::Tls13 => "TLS 1.3",
        }
    }

    /// The protocol `suite` belongs to, by its key exchange.
    pub fn of_suite(suite: CipherSuite) -> Option<Protocol> {
        let kx = crate::crypto::params(suite)?.kx;
        Self::ALL.into_iter().find(|p| p.key_exchange() == kx)
    }

    /// How its premaster is agreed.
    pub fn key_exchange(self) -> KeyExchange {
        match self {
            Protocol::Tls12Rsa => KeyExchange::Rsa,
            Protocol::Tls12Ecdhe => KeyExchange::Ecdhe,
            Protocol::Tls13 => KeyExchange::KeyShare,
        }
    }

    /// The suites a client offers for it, most preferred first.
    pub fn suites(self) -> &'static [CipherSuite] {
        match self {
            Protocol::Tls12Rsa => &CipherSuite::OFFERED,
            Protocol::Tls12Ecdhe => &CipherSuite::ECDHE,
            Protocol::Tls13 => &CipherSuite::BROWSER,
        }
    }

    /// The suites a server for it accepts, most preferred first: TLS 1.2's (the server of
    /// every TLS 1.2 link), or for TLS 1.3 TLS 1.3's and then TLS 1.2's, as servers today.
    pub fn server_suites(self) -> Vec<CipherSuite> {
        match self {
            Protocol::Tls12Rsa | Protocol::Tls12Ecdhe => CipherSuite::SUPPORTED.to_vec(),
            Protocol::Tls13 => [&CipherSuite::TLS13[..], &CipherSuite::SUPPORTED[..]].concat(),
        }
    }
}

/// What to run.
#[derive(Clone, Debug)]
pub struct RunConfig {
    pub seed: u64,
    /// The client's clock (seconds since the Unix epoch).
    pub now: u64,
    /// What the client offers (default: TLS 1.2 with RSA key exchange).
    pub protocol: Protocol,
    /// Restrict both sides to this suite (default: the client offers the protocol's suites,
    /// the server picks AES-128-GCM).
    pub suite: Option<CipherSuite>,
    pub extended_master_secret: bool,
    pub scenario: Scenario,
}

impl RunConfig {
    pub fn new(seed: u64, now: u64) -> Self {
        RunConfig {
            seed,
            now,
            protocol: Protocol::default(),
            suite: None,
            extended_master_secret: true,
            scenario: Scenario::Happy,
        }
    }
}

/// Why a scenario could not be set up (the embedded demo keys did not decode, or a run-time
/// certificate could not be issued). Tests guard against both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupError(pub String);

impl core::fmt::Display for SetupError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SetupError {}

/// The host name the demo client asks for.
pub const SERVER_NAME: &str = "example.com";

/// Upper bound on exchanges: two handshakes, a request and a response take a handful; anything
/// more means nobody can progress, which is reported instead of looped on.
pub const MAX_ROUNDS: usize = 64;

/// The demo PKI, decoded once per process.
pub fn demo_pki() -> Result<&'static DemoPki, SetupError> {
    static PKI: OnceLock<Result<DemoPki, String>> = OnceLock::new();
    PKI.get_or_init(|| DemoPki::load().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| SetupError(format!("the demo keys do not decode: {e}")))
}

/// One complete run of `config.scenario`: the handshake(s), an HTTP request and response when
/// they get that far, close_notify, and for the stolen-key scenario the key leaking later.
pub fn run(config: &RunConfig) -> Result<Timeline, SetupError> {
    let pki = demo_pki()?;
    let mut rng = Drbg::from_u64(config.seed);
    let scenario = config.scenario;
    let mut net = setup::set_up(scenario, config, pki, &mut rng)?;
    net.exchange();
    if scenario == Scenario::StolenKey && net.browser_answered() {
        net.key_leak(pki.leaf_key(), &mut rng);
    }
    let server_name = net.server_name.clone();
    let (steps, events) = net.finish();
    Ok(Timeline {
        format: Timeline::FORMAT,
        seed: config.seed,
        now: config.now,
        server_name,
        scenario,
        network: scenario.network(),
        outcome: Outcome::of(&events, false),
        steps,
        events,
        recorded: None,
    })
}
