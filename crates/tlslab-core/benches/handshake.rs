//! One complete in-memory run (RSA-2048, AES-128-GCM, chain validation with the embedded
//! certificates, one request and response) against its floor, one RSA-2048 PKCS#1 v1.5
//! decryption with the same crate; and the same run with ECDHE on x25519 (an RSA-2048
//! signature and its check instead of a decryption, plus two X25519 operations per side); and
//! the same run in TLS 1.3 (x25519, AES-128-GCM, an RSA-PSS CertificateVerify and the HKDF key
//! schedule). Prints medians and their ratios; asserts nothing.
//!
//! `cargo bench -p tlslab-core --bench handshake`

use std::hint::black_box;
use std::time::{Duration, Instant};
use tlslab_core::crypto::rsa_kx;
use tlslab_core::driver::{self, Protocol, RunConfig, demo_pki};
use tlslab_core::msgs::enums::CipherSuite;
use tlslab_core::msgs::handshake::TLS12;
use tlslab_core::rng::Drbg;

const NOW: u64 = 1_795_651_200;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn measure(runs: usize, mut f: impl FnMut(u64)) -> Duration {
    for i in 0..5 {
        f(i as u64); // warm up
    }
    median(
        (0..runs)
            .map(|i| {
                let start = Instant::now();
                f(i as u64);
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(201);
    let pki = demo_pki().expect("demo PKI");
    let key = pki.leaf_key();
    let mut rng = Drbg::from_u64(1);
    let encrypted = rsa_kx::encrypt_premaster(key.as_public_key(), TLS12, &mut rng).unwrap();
    let ciphertext = encrypted.ciphertext.0;

    let decrypt = measure(runs, |i| {
        let mut blinding = Drbg::from_u64(i);
        let mut adapter = tlslab_core::rng::CryptoRngAdapter(&mut blinding);
        black_box(
            key.pkcs1v15_decrypt_with_rng(&mut adapter, black_box(&ciphertext))
                .unwrap(),
        );
    });
    let run = |suite: Option<CipherSuite>| {
        measure(runs, move |i| {
            let mut config = RunConfig::new(i, NOW);
            config.suite = suite;
            config.protocol = suite.and_then(Protocol::of_suite).unwrap_or_default();
            let t = driver::run(&config).unwrap();
            assert!(matches!(t.outcome, tlslab_core::timeline::Outcome::Success));
            black_box(t);
        })
    };
    let handshake = run(None);
    // Both sides list x25519 first.
    let ecdhe = run(Some(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256));
    let tls13 = run(Some(CipherSuite::TLS_AES_128_GCM_SHA256));
    let ratio = |d: Duration| d.as_secs_f64() / decrypt.as_secs_f64();
    println!("runs per measurement:            {runs}");
    println!("RSA-2048 PKCS#1 v1.5 decryption: {decrypt:?} (median)");
    println!(
        "complete in-memory run, RSA kx:  {handshake:?} (median), ratio {:.2}",
        ratio(handshake)
    );
    println!(
        "complete in-memory run, ECDHE:   {ecdhe:?} (median), ratio {:.2} (x25519)",
        ratio(ecdhe)
    );
    println!(
        "complete in-memory run, TLS 1.3: {tls13:?} (median), ratio {:.2} (x25519, AES-128-GCM)",
        ratio(tls13)
    );
}
