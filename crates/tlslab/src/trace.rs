//! `tlslab trace`: the in-memory run, as text or JSON.

use std::path::PathBuf;
use tlslab_core::crypto::prf::PrfHash;
use tlslab_core::driver::Protocol;
use tlslab_core::driver::{self, RunConfig};
use tlslab_core::export;
use tlslab_core::msgs::enums::CipherSuite;
use tlslab_core::scenario::Scenario;
use tlslab_core::timeline::{Computation, EventKind, MasterSecretDerivation, Outcome, Timeline};

/// Files to write a run to.
pub struct Files {
    pub timeline: Option<PathBuf>,
    pub pcap: Option<PathBuf>,
    pub keylog: Option<PathBuf>,
}

impl Files {
    pub fn any(&self) -> bool {
        self.timeline.is_some() || self.pcap.is_some() || self.keylog.is_some()
    }

    /// Writes each file asked for.
    pub fn write(&self, timeline: &Timeline) -> Result<(), String> {
        if let Some(path) = &self.timeline {
            let mut json = serde_json::to_string_pretty(timeline).map_err(|e| e.to_string())?;
            json.push('\n');
            crate::write_file(path, json.as_bytes())?;
        }
        if let Some(path) = &self.pcap {
            crate::write_file(path, &export::pcap(timeline))?;
        }
        if let Some(path) = &self.keylog {
            crate::write_file(path, export::keylog(timeline).as_bytes())?;
        }
        Ok(())
    }
}

/// The run `tlslab trace` makes: a seed and a clock (fresh ones when not given) and the rest
/// of a [`RunConfig`].
pub struct Run {
    pub seed: Option<u64>,
    pub now: Option<u64>,
    pub protocol: Protocol,
    pub suite: Option<CipherSuite>,
    pub extended_master_secret: bool,
    pub scenario: Scenario,
}

pub fn trace(run: Run, json: bool, files: Files) -> Result<(), String> {
    let seed = match run.seed {
        Some(s) => s,
        None => u64::from_le_bytes(crate::os_seed()?[..8].try_into().map_err(|_| "seed")?),
    };
    let mut config = RunConfig::new(seed, run.now.unwrap_or_else(crate::now));
    config.protocol = run.protocol;
    config.suite = run.suite;
    config.extended_master_secret = run.extended_master_secret;
    config.scenario = run.scenario;
    let (protocol, scenario) = (run.protocol, run.scenario);
    let timeline = driver::run(&config).map_err(|e| e.to_string())?;
    files.write(&timeline)?;
    if json {
        let mut text = serde_json::to_string_pretty(&timeline).map_err(|e| e.to_string())?;
        text.push('\n');
        return print(&text);
    }
    let mut out = format!(
        "tlslab trace: {}, scenario {} ({}), seed {seed}, client clock {}, server name {}\n",
        protocol.id(),
        scenario.id(),
        scenario.title(),
        timeline.now,
        timeline.server_name
    );
    // The version the hellos agreed on: a caught downgrade was TLS 1.2 on the wire.
    let tls13 = timeline
        .negotiated_suite()
        .and_then(CipherSuite::from_name)
        .is_some_and(|s| CipherSuite::TLS13.contains(&s));
    for (i, e) in timeline.events.iter().enumerate() {
        let who = format!("{:?}", e.actor).to_lowercase();
        let line = match &e.kind {
            EventKind::MessageSent(m) => format!("sends {} ({} bytes)", m.title, m.bytes.len()),
            EventKind::RecordSent(r) => format!(
                "  record {} {} bytes{}",
                r.content_type,
                r.bytes.len(),
                if r.protection.is_some() {
                    ", encrypted"
                } else {
                    ""
                }
            ),
            EventKind::RecordReceived(_) => continue,
            EventKind::Tampered { what, .. } => format!("tampers: {what}"),
            EventKind::Episode { title, text } => format!("{title}: {text}"),
            EventKind::Learned(k) => format!("now knows {} ({} bytes)", k.name, k.value.len()),
            EventKind::MessageReceived(m) => format!("receives {}", m.title),
            EventKind::Computation(c) => describe(c, tls13),
            EventKind::CertificateCheck(c) => format!(
                "checks {}: {:?} ({})",
                c.certificate.subject,
                c.kind,
                if c.passed { "ok" } else { "FAILED" }
            ),
            EventKind::AlertSent(a) => {
                format!("sends alert {} {}: {}", a.level, a.description, a.reason)
            }
            EventKind::AlertReceived(a) => format!("receives alert {} {}", a.level, a.description),
            EventKind::HandshakeComplete {
                cipher_suite,
                extended_master_secret,
            } => format!(
                "handshake complete: {cipher_suite}{}",
                if *extended_master_secret {
                    ", extended master secret"
                } else {
                    ""
                }
            ),
            EventKind::ApplicationData { text, .. } => {
                format!("reads {:?}", text.lines().next().unwrap_or_default())
            }
        };
        out.push_str(&format!("{i:4} {who:>7}  {line}\n"));
    }
    out.push_str(&match timeline.outcome {
        Outcome::Success => "outcome: success\n".to_string(),
        Outcome::Alert {
            sender,
            description,
            reason,
            ..
        } => {
            format!("outcome: {sender:?} sent {description}: {reason}\n")
        }
        Outcome::Stalled => "outcome: stalled\n".to_string(),
    });
    print(&out)
}

/// Writes to stdout; a reader that stops early (`| head`) is not an error.
fn print(text: &str) -> Result<(), String> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(()),
    }
}

/// One computation, in the words of the run's protocol (`tls13`: RFC 8446's).
fn describe(c: &Computation, tls13: bool) -> String {
    match c {
        Computation::EcdhKeyPair { group, public, .. } => {
            format!(
                "{group} key pair for this handshake, public share = {}",
                public.hex()
            )
        }
        Computation::EcdhSharedSecret {
            group, premaster, ..
        } if tls13 => format!(
            "{group} shared secret = {} (the input of the handshake secret)",
            premaster.hex()
        ),
        Computation::EcdhSharedSecret {
            group, premaster, ..
        } => format!("{group} shared secret = premaster = {}", premaster.hex()),
        Computation::KeyExchangeSignature {
            scheme,
            signed,
            verified,
            ..
        } => {
            // RFC 8446 section 4.4.3: CertificateVerify signs 64 spaces, a context string and
            // the transcript hash; TLS 1.2's ServerKeyExchange the randoms and its params.
            let what = if signed.0.starts_with(&[0x20; 64]) {
                "the transcript hash (CertificateVerify)"
            } else {
                "client_random + server_random + params"
            };
            match verified {
                None => format!("signs {what} with {scheme}"),
                Some(true) => format!("checks the {scheme} signature over {what}: valid"),
                Some(false) => format!("checks the {scheme} signature over {what}: INVALID"),
            }
        }
        Computation::Random { name, value } => format!("{name} = {}", value.hex()),
        Computation::SuiteSelected { cipher_suite, .. } => format!("chooses {cipher_suite}"),
        Computation::PremasterEncrypted(p) => format!(
            "premaster = {}, RSA-{} PKCS#1 v1.5 encrypted",
            p.premaster.hex(),
            p.modulus_bits
        ),
        Computation::PremasterDecrypted { premaster, .. } => {
            format!("decrypts premaster = {}", premaster.hex())
        }
        Computation::TranscriptHash {
            purpose,
            messages,
            hash,
            ..
        } => {
            let name = PrfHash::of_digest_len(hash.len()).map_or("Hash", PrfHash::name);
            format!(
                "{purpose}: {name}({}) = {}",
                messages.join(" + "),
                hash.hex()
            )
        }
        Computation::MasterSecret(MasterSecretDerivation {
            label,
            master_secret,
            ..
        }) => {
            format!(
                "master_secret = PRF(premaster, {label:?}, ...) = {}",
                master_secret.hex()
            )
        }
        Computation::KeyBlock { key_block, .. } => {
            format!(
                "key_block ({} bytes) = {}",
                key_block.len(),
                key_block.hex()
            )
        }
        Computation::VerifyData {
            label,
            verify_data,
            matches,
            ..
        } => format!(
            "verify_data({label}) = {}{}",
            verify_data.hex(),
            match matches {
                Some(true) => ", matches",
                Some(false) => ", DOES NOT MATCH",
                None => "",
            }
        ),
        Computation::CipherStateChanged {
            direction,
            cipher_suite,
        } => {
            format!("{direction} side now protected with {cipher_suite}")
        }
        Computation::HkdfExtract { name, secret, .. } => {
            format!("{name} secret = HKDF-Extract(...) = {}", secret.hex())
        }
        Computation::HkdfExpandLabel { label, output, .. } => format!(
            "HKDF-Expand-Label(secret, \"{label}\", ...) = {}",
            output.hex()
        ),
        Computation::RecordingNotDecrypted {
            premaster, error, ..
        } => format!(
            "RSA-decrypts the ClientKeyExchange: no ciphertext for this key, random premaster {}; the derived keys do not open the first recorded record: {error}",
            premaster.hex()
        ),
    }
}
