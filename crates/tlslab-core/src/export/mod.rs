//! A run in the formats engineers' tools read: a pcap capture, an NSS key log, the demo
//! server's private key, and command lines that recompute each value (see [`reproduce`]).
//!
//! Everything here reads only the [`Timeline`], so a run imported from a file exports exactly
//! like one computed in the browser.

pub mod pcap;
pub mod reproduce;
pub mod wire;

use crate::pki::{demo, pem};
use crate::timeline::Timeline;

pub use pcap::pcap;

/// The NSS key log (the `SSLKEYLOGFILE` format Wireshark reads): for each connection whose
/// client computed a master secret, `CLIENT_RANDOM <client_random> <master_secret>` in hex.
pub fn keylog(t: &Timeline) -> String {
    let mut out = String::from("# TLS 1.2 master secrets of this run, by client random\n");
    for link in wire::links(t) {
        if let (Some(random), Some(secret)) = (&link.client_random, &link.master_secret) {
            out.push_str(&format!(
                "CLIENT_RANDOM {} {}\n",
                random.hex(),
                secret.hex()
            ));
        }
    }
    out
}

/// The demo server's private key (PKCS#8 PEM): the key of every simulated run's server.
pub fn demo_server_key_pem() -> String {
    // Encoding a fixed, valid DER never fails; an empty string would only hide a broken build.
    pem::encode("PRIVATE KEY", demo::LEAF_KEY).unwrap_or_default()
}
