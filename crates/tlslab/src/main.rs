//! `tlslab`: the tlslab core over real TCP, and its timeline on the command line.

mod net;
mod trace;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use tlslab_core::driver::Protocol;
use tlslab_core::msgs::enums::CipherSuite;
use tlslab_core::scenario::Scenario;

#[derive(Parser)]
#[command(
    name = "tlslab",
    version,
    about = "A TLS client and server you can watch: TLS 1.2 (RSA key exchange, or ECDHE with an RSA signature) and TLS 1.3"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the demo PKI: ca.pem (root), chain.pem (leaf first) and leaf.key (PKCS#8 PEM).
    Pki {
        #[arg(long)]
        out: PathBuf,
    },
    /// Serve TLS 1.3 and TLS 1.2 on a TCP port (the version the client offers decides; a
    /// TLS 1.2 answer carries RFC 8446's downgrade sentinel): handshake, read an HTTP
    /// request, answer 200, close.
    /// Clients are served concurrently, each on its own thread.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: String,
        /// Certificate chain (PEM, leaf first); default: the demo chain.
        #[arg(long, requires = "key")]
        cert: Option<PathBuf>,
        /// Private key (PEM, PKCS#8 or PKCS#1); default: the demo leaf key.
        #[arg(long, requires = "cert")]
        key: Option<PathBuf>,
        /// Comma-separated IANA suite names, most preferred first: TLS 1.2's, TLS 1.3's
        /// (TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256), or
        /// both (then both versions are served).
        #[arg(long, value_parser = parse_suites)]
        suites: Option<SuiteList>,
        /// Accept only this protocol's suites (tls12-rsa, tls12-ecdhe, tls13); default: all.
        #[arg(long, value_parser = parse_protocol, conflicts_with = "suites")]
        protocol: Option<Protocol>,
        /// Serve one connection, then exit (status 0 if it succeeded).
        #[arg(long)]
        once: bool,
        /// Seconds a client may stay silent before its connection is dropped.
        #[arg(long, value_name = "SECONDS", default_value_t = net::IDLE_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=3600))]
        idle_timeout: u64,
        /// Connections served at once; more wait to be accepted.
        #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=1024))]
        max_connections: u64,
    },
    /// Connect to a TLS server, validate its chain, send a request, print the body. TLS 1.2
    /// by default; TLS 1.3 (with TLS 1.2 for older servers) with --protocol tls13, or when
    /// --suites names TLS 1.3's.
    Connect {
        /// HOST:PORT
        address: String,
        /// Name to ask for and to check the certificate against.
        #[arg(long, default_value = "example.com")]
        servername: String,
        /// Trust anchors (PEM); default: the demo root.
        #[arg(long)]
        cafile: Option<PathBuf>,
        /// Comma-separated IANA suite names, most preferred first: TLS 1.2's, TLS 1.3's
        /// (TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256), or
        /// both (then both versions are offered).
        #[arg(long, value_parser = parse_suites)]
        suites: Option<SuiteList>,
        /// Offer this protocol's suites (tls12-rsa, tls12-ecdhe, or tls13: TLS 1.3's and,
        /// as browsers do, TLS 1.2's ECDHE suites); default: the RSA suites.
        #[arg(long, value_parser = parse_protocol, conflicts_with = "suites")]
        protocol: Option<Protocol>,
        /// Request to send; default: GET / with a Host header.
        #[arg(long)]
        request: Option<String>,
        /// Do not offer the extended master secret (RFC 7627).
        #[arg(long)]
        no_ems: bool,
        /// Write the client's timeline (JSON, for the web app's "Open timeline") to FILE,
        /// whether or not the handshake succeeded.
        #[arg(long, value_name = "FILE")]
        timeline: Option<PathBuf>,
        /// Write the connection as a pcap capture, rebuilt from the records the client sent
        /// and received (synthetic TCP/IP framing).
        #[arg(long, value_name = "FILE")]
        pcap: Option<PathBuf>,
        /// Write the connection's NSS key log (CLIENT_RANDOM line) for Wireshark.
        #[arg(long, value_name = "FILE")]
        keylog: Option<PathBuf>,
    },
    /// Run the in-memory handshake and print its timeline.
    ///
    /// With --pcap and --keylog, also write the run as a capture and its key log:
    /// `tshark -r FILE -o tls.keylog_file:KEYLOG -V` shows it decrypted. The demo server's
    /// private key, which decrypts it too, is written by `tlslab pki`.
    Trace {
        /// Seed for all randomness; the same seed gives the same bytes.
        #[arg(long)]
        seed: Option<u64>,
        /// Print the JSON the web app consumes.
        #[arg(long)]
        json: bool,
        /// Use only this suite (it also says the protocol).
        #[arg(long, value_parser = parse_suite)]
        suite: Option<CipherSuite>,
        /// What the client offers: tls12-rsa, tls12-ecdhe or tls13; default: the suite's,
        /// else tls12-rsa.
        #[arg(long, value_parser = parse_protocol)]
        protocol: Option<Protocol>,
        /// Do not offer the extended master secret (RFC 7627).
        #[arg(long)]
        no_ems: bool,
        /// The client's clock, seconds since the Unix epoch; default: now.
        #[arg(long)]
        now: Option<u64>,
        /// Which scenario to run (happy, expired, mitm, ...; see --help).
        #[arg(long, default_value = "happy", value_parser = parse_scenario)]
        scenario: Scenario,
        /// Write the run's connections as a pcap capture (synthetic TCP/IP framing).
        #[arg(long, value_name = "FILE")]
        pcap: Option<PathBuf>,
        /// Write the run's NSS key log (CLIENT_RANDOM lines) for Wireshark.
        #[arg(long, value_name = "FILE")]
        keylog: Option<PathBuf>,
    },
}

fn parse_scenario(id: &str) -> Result<Scenario, String> {
    Scenario::from_id(id).ok_or_else(|| {
        let ids: Vec<_> = Scenario::ALL.iter().map(|s| s.id()).collect();
        format!("unknown scenario {id:?}; one of: {}", ids.join(", "))
    })
}

fn parse_protocol(id: &str) -> Result<Protocol, String> {
    Protocol::from_id(id).ok_or_else(|| {
        let ids: Vec<_> = Protocol::ALL.iter().map(|p| p.id()).collect();
        format!("unknown protocol {id:?}; one of: {}", ids.join(", "))
    })
}

/// The suites `--suites` names, else those a client of `--protocol` offers.
fn suites_of(suites: Option<SuiteList>, protocol: Option<Protocol>) -> Option<Vec<CipherSuite>> {
    suites
        .map(|s| s.0)
        .or_else(|| protocol.map(|p| p.suites().to_vec()))
}

/// The suites `--suites` names, else those of `--protocol` alone: a server of one protocol.
fn served_suites(
    suites: Option<SuiteList>,
    protocol: Option<Protocol>,
) -> Option<Vec<CipherSuite>> {
    match protocol {
        Some(Protocol::Tls13) => Some(CipherSuite::TLS13.to_vec()),
        _ => suites_of(suites, protocol),
    }
}

/// A suite the engine speaks (not the SCSV, not ECDSA): what `trace` runs.
fn parse_suite(name: &str) -> Result<CipherSuite, String> {
    let every: Vec<CipherSuite> = CipherSuite::SUPPORTED
        .into_iter()
        .chain(CipherSuite::TLS13)
        .collect();
    parse_suite_of(name, &every)
}

fn parse_suite_of(name: &str, supported: &[CipherSuite]) -> Result<CipherSuite, String> {
    let known = CipherSuite::from_name(name.trim()).filter(|s| supported.contains(s));
    known.ok_or_else(|| {
        let names: Vec<_> = supported.iter().map(|s| s.name()).collect();
        format!(
            "unknown or unsupported suite {name:?}; supported: {}",
            names.join(", ")
        )
    })
}

/// A comma-separated list of suites, one command-line value.
#[derive(Clone)]
struct SuiteList(Vec<CipherSuite>);

/// For `serve` and `connect`: TLS 1.2 suites, TLS 1.3's (RFC 8446), or both: a side with
/// both speaks both versions, and the hellos decide.
fn parse_suites(list: &str) -> Result<SuiteList, String> {
    let suites: Vec<CipherSuite> = list.split(',').map(parse_suite).collect::<Result<_, _>>()?;
    Ok(SuiteList(suites))
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Pki { out } => net::write_pki(&out),
        Command::Serve {
            listen,
            cert,
            key,
            suites,
            protocol,
            once,
            idle_timeout,
            max_connections,
        } => net::serve(
            &listen,
            cert.zip(key),
            served_suites(suites, protocol),
            once,
            net::ServeLimits {
                idle_timeout: std::time::Duration::from_secs(idle_timeout),
                max_connections: max_connections as usize,
            },
        ),
        Command::Connect {
            address,
            servername,
            cafile,
            suites,
            protocol,
            request,
            no_ems,
            timeline,
            pcap,
            keylog,
        } => net::connect(
            &address,
            &servername,
            cafile,
            suites_of(suites, protocol),
            request,
            !no_ems,
            trace::Files {
                timeline,
                pcap,
                keylog,
            },
        ),
        Command::Trace {
            seed,
            json,
            suite,
            protocol,
            no_ems,
            now,
            scenario,
            pcap,
            keylog,
        } => trace::trace(
            trace::Run {
                seed,
                now,
                protocol: protocol
                    .or(suite.and_then(Protocol::of_suite))
                    .unwrap_or_default(),
                suite,
                extended_master_secret: !no_ems,
                scenario,
            },
            json,
            trace::Files {
                timeline: None,
                pcap,
                keylog,
            },
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tlslab: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes `contents` to `path`, naming the file in the error.
pub fn write_file(path: &std::path::Path, contents: &[u8]) -> Result<(), String> {
    std::fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))
}

/// Seconds since the Unix epoch from the system clock: the CLI's input to the core.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A fresh seed from the OS: the CLI's randomness input to the core.
pub fn os_seed() -> Result<[u8; 32], String> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| format!("no OS randomness: {e}"))?;
    Ok(seed)
}
