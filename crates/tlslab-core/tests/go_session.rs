//! Our server against a recorded real session: OpenSSL's s_client talking to Go's crypto/tls
//! server (TLS_RSA_WITH_AES_128_CBC_SHA, no extended master secret, server randomness all
//! zero). Source and provenance: ../shared/vectors/go-tls12-rsa/EXPECTED.txt.
//!
//! Configured like that Go server, our server must answer the recorded client flights with
//! byte-identical records and accept the recorded client Finished.

use std::sync::Arc;
use tlslab_core::Connection;
use tlslab_core::msgs::enums::CipherSuite;
use tlslab_core::pki::pem;
use tlslab_core::rng::RandomSource;
use tlslab_core::timeline::{Computation, EventKind, MasterSecretDerivation};
use tlslab_core::tls12::ServerConfig;

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/vectors/go-tls12-rsa/"
);

fn vector(name: &str) -> String {
    std::fs::read_to_string(format!("{VECTORS}{name}")).expect("shared vectors are present")
}

/// The recording's flows, each the bytes one side wrote, from the `hexdump -C`-style dump.
fn flows() -> Vec<Vec<u8>> {
    let mut flows: Vec<Vec<u8>> = Vec::new();
    for line in vector("Server-TLSv12-RSA-AES.f2cb9d1f.txt").lines() {
        if line.starts_with(">>> Flow") {
            flows.push(Vec::new());
        } else if let (Some(flow), Some(hex)) = (flows.last_mut(), line.get(10..58)) {
            flow.extend(tlslab_core::bytes::from_hex(hex).expect("hex dump"));
        }
    }
    flows
}

/// Splits a flow into its records.
fn records(flow: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = flow;
    while rest.len() >= 5 {
        let len = 5 + usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        out.push(rest[..len].to_vec());
        rest = &rest[len..];
    }
    assert!(rest.is_empty());
    out
}

/// The Go test server's random source: all zeros.
struct Zeros;

impl RandomSource for Zeros {
    fn fill(&mut self, out: &mut [u8]) {
        out.fill(0);
    }
}

fn expected(name: &str) -> Vec<u8> {
    let text = vector("EXPECTED.txt");
    let line = text
        .lines()
        .find(|l| l.starts_with(name))
        .expect("value listed");
    let hex = line.rsplit(' ').next().unwrap();
    tlslab_core::bytes::from_hex(hex).unwrap()
}

#[test]
fn our_server_reproduces_the_recorded_go_server_byte_for_byte() {
    let flows = flows();
    assert_eq!(flows.len(), 4);
    let key = pem::private_key_from_pem(&vector("testRSAPrivateKey.pem"), 1024).unwrap();
    let cert = pem::cert_from_pem(&vector("testRSACertificate.pem")).unwrap();
    let mut config = ServerConfig::new(vec![cert], Arc::new(key));
    config.cipher_suites = vec![CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA];
    config.extended_master_secret = false;
    let mut server = Connection::server(config, Box::new(Zeros));

    // Flow 1 (ClientHello) -> flow 2 (ServerHello, Certificate, ServerHelloDone).
    server.receive(&flows[0]);
    let flight = server.take_output();
    assert_eq!(
        records(&flight),
        records(&flows[1]),
        "ServerHello, Certificate, ServerHelloDone"
    );

    // Flow 3 (ClientKeyExchange, ChangeCipherSpec, Finished) -> ChangeCipherSpec, Finished.
    server.receive(&flows[2]);
    assert!(
        server.is_connected(),
        "the recorded client Finished is accepted"
    );
    let flight = server.take_output();
    assert_eq!(
        records(&flight),
        records(&flows[3])[..2],
        "ChangeCipherSpec, Finished"
    );

    // And the computations in between are the recorded session's.
    let mut premaster = None;
    let mut master = None;
    while let Some(e) = server.poll_event() {
        match e.kind {
            EventKind::Computation(Computation::PremasterDecrypted { premaster: p, .. }) => {
                premaster = Some(p.0)
            }
            EventKind::Computation(Computation::MasterSecret(MasterSecretDerivation {
                master_secret,
                extended,
                ..
            })) => {
                assert!(!extended);
                master = Some(master_secret.0)
            }
            _ => {}
        }
    }
    assert_eq!(premaster.unwrap(), expected("premaster (48)"));
    assert_eq!(master.unwrap(), expected("master_secret"));

    // The server then serves application data like any other connection.
    server.send_application_data(b"hello, world\n").unwrap();
    assert_eq!(
        records(&server.take_output()),
        records(&flows[3])[2..3],
        "application data"
    );
}
