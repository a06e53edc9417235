//! `tlslab trace --pcap --keylog` read by tshark, and every "reproduce it yourself" command run
//! with the installed OpenSSL.

#[path = "support/export_checks.rs"]
mod export_checks;

use export_checks::{
    Secrets, TLSLAB_RESPONSE, assert_decrypted, assert_encrypted, check_recipe, run_recipes,
    tshark, tshark_with,
};
use std::path::PathBuf;
use std::process::Command;
use tlslab_core::driver::{self, Protocol, RunConfig};
use tlslab_core::export;
use tlslab_core::msgs::enums::CipherSuite;
use tlslab_core::scenario::Scenario;
use tlslab_core::timeline::{Computation, EventKind, MasterSecretDerivation};

const TLSLAB: &str = env!("CARGO_BIN_EXE_tlslab");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tlslab-export-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes the run's capture and key log with the CLI; returns their paths.
fn trace(dir: &std::path::Path, args: &[&str]) -> (PathBuf, PathBuf) {
    let (pcap, keylog) = (dir.join("run.pcap"), dir.join("run.keys"));
    let out = Command::new(TLSLAB)
        .args(["trace", "--now", "1800000000", "--pcap"])
        .arg(&pcap)
        .arg("--keylog")
        .arg(&keylog)
        .args(args)
        .output()
        .expect("run tlslab trace");
    assert!(
        out.status.success(),
        "tlslab trace {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (pcap, keylog)
}

#[test]
fn tshark_decrypts_every_suite_with_the_key_log_and_nothing_without() {
    for suite in CipherSuite::SUPPORTED {
        for ems in [true, false] {
            let what = format!(
                "{} {}",
                suite.name(),
                if ems { "with EMS" } else { "without EMS" }
            );
            let dir = temp_dir(&format!("{}-{ems}", suite.name()));
            let name = suite.name();
            let mut args = vec!["--seed", "7", "--suite", &name];
            if !ems {
                args.push("--no-ems");
            }
            let (pcap, keylog) = trace(&dir, &args);
            assert_decrypted(&tshark(&pcap, Some(&keylog)), &what, &TLSLAB_RESPONSE);
            assert_encrypted(&tshark(&pcap, None), &what);
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

#[test]
fn the_servers_private_key_alone_decrypts_a_recorded_rsa_key_exchange() {
    // No key log: tshark decrypts the premaster with the key and derives the rest, with and
    // without the extended master secret. This is why RSA key exchange has no forward secrecy.
    let key = std::env::temp_dir().join(format!("tlslab-export-{}-server.key", std::process::id()));
    let pem = export::reproduce::demo_server_key().pem.unwrap();
    std::fs::write(&key, pem).unwrap();
    for ems in [true, false] {
        let dir = temp_dir(&format!("rsa-key-{ems}"));
        let (pcap, _) = trace(
            &dir,
            if ems {
                &["--seed", "8"]
            } else {
                &["--seed", "8", "--no-ems"]
            },
        );
        let what = format!("decrypted with the RSA key, EMS {ems}");
        assert_decrypted(
            &tshark_with(&pcap, Secrets::RsaKey(&key)),
            &what,
            &TLSLAB_RESPONSE,
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    let _ = std::fs::remove_file(&key);
}

#[test]
fn a_man_in_the_middle_capture_holds_both_connections() {
    let dir = temp_dir("mitm");
    let (pcap, keylog) = trace(&dir, &["--seed", "3", "--scenario", "mitm-trusted"]);
    let keys = std::fs::read_to_string(&keylog).unwrap();
    assert_eq!(keys.matches("CLIENT_RANDOM ").count(), 2, "{keys}");
    let text = tshark(&pcap, Some(&keylog));
    // The client's request and the attacker's copy of it, and both responses.
    assert_eq!(
        text.matches("Request Method: GET").count(),
        2,
        "two requests"
    );
    assert_eq!(text.matches("Status Code: 200").count(), 2, "two responses");
    assert!(text.contains("Src Port: 50000") && text.contains("Src Port: 50001"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn captures_are_reproducible_from_the_seed() {
    let run = |seed| {
        let t = driver::run(&RunConfig::new(seed, 1_800_000_000)).unwrap();
        (export::pcap(&t), export::keylog(&t))
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5).0, run(6).0);
}

#[test]
fn every_openssl_command_prints_what_the_core_computed() {
    let mut seen = std::collections::BTreeMap::new();
    for suite in CipherSuite::SUPPORTED {
        for ems in [true, false] {
            let mut config = RunConfig::new(11, 1_800_000_000);
            config.suite = Some(suite);
            config.protocol =
                tlslab_core::driver::Protocol::of_suite(suite).expect("a suite of a protocol");
            config.extended_master_secret = ems;
            let t = driver::run(&config).unwrap();
            let dir = temp_dir(&format!("recipes-{}-{ems}", suite.name()));
            for (title, n) in run_recipes(&t, &dir) {
                *seen.entry(title).or_insert(0) += n;
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    for title in [
        "Premaster secret decryption",
        "Master secret",
        "Key block",
        "verify_data",
        "Record decryption (AES-128-GCM)",
        "Record decryption (AES-128-CBC)",
        "Record MAC (HMAC-SHA256)",
        "Record MAC (HMAC-SHA1)",
        "ECDH shared secret (x25519)",
    ] {
        assert!(
            seen.contains_key(title),
            "no recipe {title:?} ran: {seen:?}"
        );
    }
}

/// The ECDH recipe for both groups, both ends: OpenSSL and Python derive the premaster from
/// one side's private key and the other's share (the in-memory runs use x25519 only).
#[test]
fn ecdh_recipes_print_the_shared_secret_for_both_groups() {
    use tlslab_core::crypto::ecdhe;
    use tlslab_core::msgs::enums::NamedGroup;
    use tlslab_core::rng::Drbg;
    let dir = temp_dir("ecdh");
    let mut rng = Drbg::from_u64(4);
    for group in [NamedGroup::X25519, NamedGroup::Secp256r1] {
        let a = ecdhe::generate(group, &mut rng).unwrap();
        let b = ecdhe::generate(group, &mut rng).unwrap();
        let secret = ecdhe::shared_secret(group, &a.private, &b.public).unwrap();
        for (mine, theirs) in [(&a, &b), (&b, &a)] {
            let recipe = export::reproduce::ecdh_recipe(
                "client",
                "The premaster",
                &group.name(),
                &mine.private.clone().into(),
                &theirs.public.clone().into(),
                &secret.clone().into(),
            )
            .expect("a recipe for a group we speak");
            check_recipe(&recipe, &dir);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Forward secrecy, checked by another implementation: tshark with the server's RSA key opens
/// nothing of a recorded ECDHE session, and with the key log it opens everything.
#[test]
fn the_servers_private_key_does_not_decrypt_a_recorded_ecdhe_session_but_the_key_log_does() {
    let key = std::env::temp_dir().join(format!("tlslab-export-{}-ecdhe.key", std::process::id()));
    std::fs::write(&key, export::reproduce::demo_server_key().pem.unwrap()).unwrap();
    let dir = temp_dir("ecdhe-stolen-key");
    let args = [
        "--seed",
        "8",
        "--protocol",
        "tls12-ecdhe",
        "--scenario",
        "stolen-key",
    ];
    let (pcap, keylog) = trace(&dir, &args);
    let what = "a recorded ECDHE session";
    assert_encrypted(&tshark_with(&pcap, Secrets::RsaKey(&key)), what);
    assert_decrypted(&tshark(&pcap, Some(&keylog)), what, &TLSLAB_RESPONSE);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&key);
}

#[test]
fn every_scenarios_recipes_print_what_the_core_computed() {
    // With a man in the middle the client encrypts to the attacker's key; with a broken
    // premaster the server's random one has no recipe; the rest must all hold.
    let every = Protocol::ALL.into_iter().flat_map(|p| {
        Scenario::ALL
            .into_iter()
            .filter(move |s| s.applies_to(p))
            .map(move |s| (p, s))
    });
    for (protocol, scenario) in every {
        let mut config = RunConfig::new(12, 1_800_000_000);
        config.protocol = protocol;
        config.scenario = scenario;
        let t = driver::run(&config).unwrap();
        let dir = temp_dir(&format!("scenario-{}-{}", protocol.id(), scenario.id()));
        let ran = run_recipes(&t, &dir);
        // Every derivation the run made has its recipe (and it held, above).
        let count = |pick: fn(&Computation) -> bool| {
            t.events
                .iter()
                .filter(|e| matches!(&e.kind, EventKind::Computation(c) if pick(c)))
                .count()
        };
        let ran_of = |title: &str| ran.get(title).copied().unwrap_or(0);
        assert_eq!(
            ran_of("Master secret"),
            count(|c| matches!(c, Computation::MasterSecret(MasterSecretDerivation { .. }))),
            "{scenario:?}"
        );
        assert_eq!(
            ran_of("Key block"),
            count(|c| matches!(c, Computation::KeyBlock { .. })),
            "{scenario:?}"
        );
        assert_eq!(
            ran_of("verify_data"),
            count(|c| matches!(c, Computation::VerifyData { .. })),
            "{scenario:?}"
        );
        assert!(
            ran_of("Premaster secret decryption")
                >= count(|c| matches!(c, Computation::PremasterEncrypted(_))),
            "{scenario:?}"
        );
        assert_eq!(
            ran_of("ECDH shared secret (x25519)") + ran_of("ECDH shared secret (secp256r1)"),
            count(|c| matches!(c, Computation::EcdhSharedSecret { .. })),
            "{scenario:?}"
        );
        // TLS 1.3: every HKDF step has its recipe.
        let hkdf = ran
            .iter()
            .filter(|(title, _)| title.starts_with("HKDF-"))
            .map(|(_, n)| n)
            .sum::<usize>();
        assert_eq!(
            hkdf,
            count(|c| matches!(
                c,
                Computation::HkdfExtract { .. } | Computation::HkdfExpandLabel { .. }
            )),
            "{scenario:?}"
        );
        if scenario == Scenario::MitmTrusted && protocol == Protocol::Tls12Rsa {
            // The client's premaster, decrypted with the attacker's key.
            assert!(dir.join("attacker.key").exists(), "{scenario:?}: {ran:?}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
