//! A run in the formats engineers' tools read: a pcap capture, an NSS key log, the demo
//! server's private key, and command lines that recompute each value (see [`reproduce`]).
//!
//! Everything here reads only the [`Timeline`], so a run imported from a file exports exactly
//! like one computed in the browser.

pub mod pcap;
pub mod reproduce;
pub mod wire;

use crate::timeline::Timeline;

pub use reproduce::KeyFile;

pub use pcap::pcap;

/// The NSS key log (the `SSLKEYLOGFILE` format Wireshark reads), by client random, in hex:
/// for TLS 1.2, `CLIENT_RANDOM <client_random> <master_secret>`; for TLS 1.3 each traffic
/// secret the client derived (`CLIENT_HANDSHAKE_TRAFFIC_SECRET`, ..., `EXPORTER_SECRET`).
pub fn keylog(t: &Timeline) -> String {
    let mut out = String::from("# the secrets of this run, by client random\n");
    for link in wire::links(t) {
        let Some(random) = &link.client_random else {
            continue;
        };
        if let Some(secret) = &link.master_secret {
            out.push_str(&format!(
                "CLIENT_RANDOM {} {}\n",
                random.hex(),
                secret.hex()
            ));
        }
        for (name, secret) in &link.traffic_secrets {
            out.push_str(&format!("{name} {} {}\n", random.hex(), secret.hex()));
        }
    }
    out
}

/// The private keys we hold that decrypt this run's premasters (RFC 5246 section 7.4.7.1):
/// the demo server's in every simulated run, the attacker's when a client encrypted to it, and
/// the demo server's key again when a recorded real server used it. Server's first. After an
/// ECDHE handshake the server's key is still offered, and decrypts nothing: the experiment of
/// the stolen-key scenario.
pub fn rsa_keys(t: &Timeline) -> Vec<KeyFile> {
    let mut keys: Vec<KeyFile> = Vec::new();
    if t.recorded.is_none() {
        keys.push(reproduce::demo_server_key());
    }
    for p in t.premaster_encryptions() {
        let key = reproduce::key_for_modulus(&p.modulus.0);
        if key.pem.is_some() && !keys.iter().any(|k| k.name == key.name) {
            keys.push(key);
        }
    }
    keys
}
