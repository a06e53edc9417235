//! One complete in-memory run (RSA-2048, AES-128-GCM, chain validation with the embedded
//! certificates, one request and response) against its floor, one RSA-2048 PKCS#1 v1.5
//! decryption with the same crate; and the same run with ECDHE on x25519 (an RSA-2048
//! signature and its check instead of a decryption, plus two X25519 operations per side). TLS 1.3
//! does not run in the driver yet, so it is measured as a bare client and server pair (the same
//! request and response, no observer, no timeline), beside TLS 1.2 with ECDHE measured the same
//! way. Prints medians and their ratios; asserts nothing.
//!
//! `cargo bench -p tlslab-core --bench handshake`

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tlslab_core::Connection;
use tlslab_core::crypto::rsa_kx;
use tlslab_core::driver::{self, Protocol, RunConfig, demo_pki};
use tlslab_core::msgs::enums::CipherSuite;
use tlslab_core::msgs::handshake::TLS12;
use tlslab_core::rng::Drbg;
use tlslab_core::tls12::{ClientConfig, ServerConfig};

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

/// A bare client and server with these suites: the handshake, one request, one response.
fn pair(suites: &[CipherSuite], seed: u64) {
    let pki = demo_pki().expect("demo PKI");
    let mut client = ClientConfig::new(driver::SERVER_NAME, pki.trust_anchors(), NOW);
    client.cipher_suites = suites.to_vec();
    let mut server = ServerConfig::new(pki.chain(), Arc::new(pki.leaf_key().clone()));
    server.cipher_suites = suites.to_vec();
    let mut rng = Drbg::from_u64(seed);
    let mut c = Connection::client(client, Box::new(rng.fork("client")));
    let mut s = Connection::server(server, Box::new(rng.fork("server")));
    let (mut requested, mut answered) = (false, false);
    for _ in 0..16 {
        if c.is_connected() && !requested {
            c.send_application_data(b"GET / HTTP/1.1\r\n\r\n").unwrap();
            requested = true;
        }
        s.receive(&c.take_output());
        if s.is_connected() && !answered && !s.take_app_data().is_empty() {
            s.send_application_data(b"HTTP/1.1 200 OK\r\n\r\n").unwrap();
            answered = true;
        }
        c.receive(&s.take_output());
        if !c.take_app_data().is_empty() {
            return;
        }
    }
    panic!("the pair did not complete");
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
    let pair12 = measure(runs, |i| {
        pair(&[CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256], i)
    });
    let pair13 = measure(runs, |i| pair(&[CipherSuite::TLS_AES_128_GCM_SHA256], i));
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
        "bare pair, TLS 1.2 ECDHE:        {pair12:?} (median), ratio {:.2} (x25519)",
        ratio(pair12)
    );
    println!(
        "bare pair, TLS 1.3:              {pair13:?} (median), ratio {:.2} (x25519, AES-128-GCM)",
        ratio(pair13)
    );
}
