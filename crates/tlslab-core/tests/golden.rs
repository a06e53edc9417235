//! The timeline format, pinned. Course pages link to runs (scenario, seed, suite, clock, ems),
//! and a link must show the same bytes and values for as long as the format number stays the
//! same. Two checks:
//! - a few runs are checked in whole (`tests/golden/*.json`) and compared exactly;
//! - every scenario x suite x extended-master-secret setting (and a few seeds and clocks) is
//!   pinned by the SHA-256 of its JSON (`tests/golden/digests.txt`); under ECDHE
//!   (`protocol=tls12-ecdhe`) and TLS 1.3 (`protocol=tls13`), every scenario with the default
//!   suite and each suite once.
//!
//! A deliberate format change means a new `Timeline::FORMAT` and an importer for the older one;
//! only then are these files written anew, with `TLSLAB_BLESS=1 cargo test --test golden`.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::PathBuf;
use tlslab_core::bytes::to_hex;
use tlslab_core::driver::{self, Protocol, RunConfig};
use tlslab_core::msgs::enums::CipherSuite;
use tlslab_core::msgs::handshake::KeyExchange;
use tlslab_core::scenario::Scenario;
use tlslab_core::timeline::Timeline;

/// 2026-11-26T00:00:00Z: inside the demo certificates' validity.
const NOW: u64 = 1_795_651_200;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn blessing() -> bool {
    std::env::var_os("TLSLAB_BLESS").is_some()
}

/// What a link names.
type Link = (Protocol, Scenario, u64, u64, Option<CipherSuite>, bool);

/// The run a link with these parameters shows.
fn run(scenario: Scenario, seed: u64, now: u64, suite: Option<CipherSuite>, ems: bool) -> Timeline {
    run_link((Protocol::Tls12Rsa, scenario, seed, now, suite, ems))
}

fn run_link((protocol, scenario, seed, now, suite, ems): Link) -> Timeline {
    let mut config = RunConfig::new(seed, now);
    config.protocol = protocol;
    config.scenario = scenario;
    config.suite = suite;
    config.extended_master_secret = ems;
    driver::run(&config).expect("the demo PKI loads")
}

/// The JSON the worker hands the page (`tlslab trace --json` prints the same).
fn json(link: Link) -> String {
    serde_json::to_string(&run_link(link)).expect("a timeline serializes")
}

/// Every link parameter combination that matters, as `(name, json)`.
fn every_link() -> Vec<(String, String)> {
    let of =
        |kx| move |s: &CipherSuite| tlslab_core::crypto::params(*s).is_some_and(|p| p.kx == kx);
    let suites = [None].into_iter().chain(
        CipherSuite::SUPPORTED
            .into_iter()
            .filter(of(KeyExchange::Rsa))
            .map(Some),
    );
    let rsa = Protocol::Tls12Rsa;
    let mut configs = Vec::new();
    for scenario in Scenario::ALL.into_iter().filter(|s| s.applies_to(rsa)) {
        for suite in suites.clone() {
            for ems in [true, false] {
                configs.push((rsa, scenario, 1, NOW, suite, ems));
            }
        }
    }
    // Other seeds and clocks (one of them outside the certificates' validity).
    for (seed, now) in [(42, NOW), (9_007_199_254_740_991, NOW), (7, 1_577_836_800)] {
        configs.push((rsa, Scenario::Happy, seed, now, None, true));
        configs.push((rsa, Scenario::Mitm, seed, now, None, true));
    }
    let ecdhe = Protocol::Tls12Ecdhe;
    for scenario in Scenario::ALL.into_iter().filter(|s| s.applies_to(ecdhe)) {
        for ems in [true, false] {
            configs.push((ecdhe, scenario, 1, NOW, None, ems));
        }
    }
    for suite in CipherSuite::SUPPORTED
        .into_iter()
        .filter(of(KeyExchange::Ecdhe))
    {
        configs.push((ecdhe, Scenario::Happy, 1, NOW, Some(suite), true));
    }
    let tls13 = Protocol::Tls13;
    for scenario in Scenario::ALL.into_iter().filter(|s| s.applies_to(tls13)) {
        for ems in [true, false] {
            configs.push((tls13, scenario, 1, NOW, None, ems));
        }
    }
    for suite in CipherSuite::TLS13 {
        configs.push((tls13, Scenario::Happy, 1, NOW, Some(suite), true));
    }
    // Two cores: run the configurations on two threads.
    let half = configs.len() / 2;
    let (a, b) = configs.split_at(half);
    let run_all = |list: &[Link]| {
        list.iter()
            .map(|&link| {
                let (protocol, scenario, seed, now, suite, ems) = link;
                // Links without protocol= are RSA key exchange, and keep their old names.
                let protocol = match protocol {
                    Protocol::Tls12Rsa => String::new(),
                    other => format!("protocol={} ", other.id()),
                };
                let name = format!(
                    "{protocol}scenario={} seed={seed} clock={now} suite={} ems={}",
                    scenario.id(),
                    suite.map_or_else(|| "default".into(), |s| s.name()),
                    u8::from(ems)
                );
                (name, json(link))
            })
            .collect::<Vec<_>>()
    };
    std::thread::scope(|s| {
        let first = s.spawn(|| run_all(a));
        let mut out = run_all(b);
        let mut all = first.join().expect("no panic");
        all.append(&mut out);
        all
    })
}

#[test]
fn every_link_shows_the_same_bytes_and_values() {
    let path = golden_dir().join("digests.txt");
    let mut digests = String::new();
    for (name, json) in every_link() {
        let digest = to_hex(&Sha256::digest(json.as_bytes()));
        writeln!(digests, "{digest}  {name}").expect("writing to a String");
    }
    if blessing() {
        std::fs::write(&path, &digests).expect("write digests");
        return;
    }
    let pinned = std::fs::read_to_string(&path).expect("tests/golden/digests.txt is checked in");
    // Matched by name, so a link added (a new suite) shows as new, not as every later line moved.
    let by_name = |text: &str| -> std::collections::BTreeMap<String, String> {
        text.lines()
            .filter_map(|l| l.split_once("  "))
            .map(|(digest, name)| (name.to_string(), digest.to_string()))
            .collect()
    };
    let (now, then) = (by_name(&digests), by_name(&pinned));
    let changed: Vec<_> = then
        .iter()
        .filter(|(name, digest)| now.get(*name) != Some(digest))
        .map(|(name, _)| name)
        .collect();
    let new: Vec<_> = now
        .keys()
        .filter(|name| !then.contains_key(*name))
        .collect();
    assert!(
        changed.is_empty(),
        "these links now show other bytes or values (or are gone): {changed:#?}"
    );
    assert!(
        new.is_empty(),
        "new links, not pinned yet (bless them with TLSLAB_BLESS=1): {new:#?}"
    );
}

#[test]
fn whole_timelines_are_unchanged() {
    let cases = [
        ("happy-default", Scenario::Happy, None, true),
        (
            "stolen-key-cbc-sha-no-ems",
            Scenario::StolenKey,
            Some(CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA),
            false,
        ),
    ];
    for (name, scenario, suite, ems) in cases {
        let path = golden_dir().join(format!("{name}.json"));
        let now = serde_json::to_string_pretty(&run(scenario, 1, NOW, suite, ems))
            .expect("a timeline serializes");
        if blessing() {
            std::fs::write(&path, &now).expect("write golden file");
            continue;
        }
        let pinned = std::fs::read_to_string(&path).expect("golden file is checked in");
        if now != pinned {
            let line = now
                .lines()
                .zip(pinned.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(now.lines().count().min(pinned.lines().count()));
            panic!(
                "{name}: the timeline differs from tests/golden/{name}.json from line {}",
                line + 1
            );
        }
    }
}
