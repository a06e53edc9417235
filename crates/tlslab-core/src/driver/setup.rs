//! A scenario as data becomes peers: the configurations, the certificates issued for it at run
//! time, and who sits on the wire (RFC sections in `crate::scenario`).

use super::attacker::Tamper;
use super::network::{App, Net, Upstream};
use super::{Protocol, RunConfig, SERVER_NAME, SetupError};
use crate::Connection;
use crate::msgs::enums::{CipherSuite, NamedGroup};
use crate::pki::{self, CertSpec, DemoIssuer, DemoPki, Issuer};
use crate::rng::Drbg;
use crate::scenario::Scenario;
use crate::timeline::Actor;
use crate::tls12::{ClientConfig, ServerConfig};
use std::sync::Arc;

/// Configures the connections and the network for `scenario`.
pub(super) fn set_up(
    scenario: Scenario,
    config: &RunConfig,
    pki: &'static DemoPki,
    rng: &mut Drbg,
) -> Result<Net, SetupError> {
    if let Some(suite) = config.suite
        && Protocol::of_suite(suite) != Some(config.protocol)
    {
        return Err(SetupError(format!(
            "{} is not a suite of {}",
            suite.name(),
            config.protocol.id()
        )));
    }
    if !scenario.applies_to(config.protocol) {
        return Err(SetupError(format!(
            "the scenario {} does not apply to {}",
            scenario.id(),
            config.protocol.id()
        )));
    }
    let mut net = Net::default();
    let year = 365 * 24 * 3600;
    let mut client = ClientConfig::new(SERVER_NAME, pki.trust_anchors(), config.now);
    client.offer_extended_master_secret = config.extended_master_secret;
    let mut server = ServerConfig::new(pki.chain(), Arc::new(pki.leaf_key().clone()));
    server.cipher_suites = config.protocol.server_suites();
    client.cipher_suites = config.protocol.suites().to_vec();
    if let Some(suite) = config.suite {
        client.cipher_suites = vec![suite];
        server.cipher_suites = vec![suite];
    }
    match scenario {
        Scenario::Happy | Scenario::StolenKey => {}
        Scenario::Expired => {
            let (not_before, not_after) = (
                config.now.saturating_sub(2 * year),
                config.now.saturating_sub(year / 12),
            );
            server.certificate_chain[0] = reissued_leaf(pki, not_before, not_after)?;
        }
        Scenario::NotYetValid => {
            let (not_before, not_after) = (config.now + year / 12, config.now + year);
            server.certificate_chain[0] = reissued_leaf(pki, not_before, not_after)?;
        }
        Scenario::WrongHost => {
            client.server_name = "www.example.org".into();
            net.server_name = client.server_name.clone();
        }
        Scenario::UntrustedRoot => client.trust_anchors = vec![pki.attacker_root_cert().to_vec()],
        Scenario::ForgedSignature => server.certificate_chain[0] = forged_leaf(pki)?,
        Scenario::Mitm => {
            man_in_the_middle(&mut net, client, &server, pki, rng);
            return Ok(net);
        }
        Scenario::MitmTrusted => {
            client.trust_anchors.push(pki.attacker_root_cert().to_vec());
            let attacker = man_in_the_middle(&mut net, client, &server, pki, rng);
            relay_to_the_real_server(&mut net, attacker, server, config, pki, rng);
            return Ok(net);
        }
        Scenario::Downgrade if config.protocol == Protocol::Tls13 => {
            // The attacker removes TLS 1.3 from the offer (RFC 8446 section 4.1.3).
            net.tamper = Tamper::DropVersions;
            client.cipher_suites = config.protocol.suites().to_vec();
            server.cipher_suites = config.protocol.server_suites();
        }
        Scenario::Downgrade => {
            // The attacker strips every AEAD suite, so the server falls back to a CBC one.
            let offered = config.protocol.suites();
            let aead = |s: &&CipherSuite| {
                crate::crypto::params(**s).is_some_and(|p| p.bulk != crate::crypto::Bulk::Aes128Cbc)
            };
            net.tamper = Tamper::DropSuites {
                suites: offered.iter().filter(aead).copied().collect(),
            };
            client.cipher_suites = offered.to_vec();
            server.cipher_suites = CipherSuite::SUPPORTED.to_vec();
        }
        // Under TLS 1.3 the client's Finished is its first protected record; the bit flips
        // in the HTTP request after it.
        Scenario::BitFlip => {
            net.tamper = Tamper::FlipBit {
                skip: usize::from(config.protocol == Protocol::Tls13),
            }
        }
        Scenario::NoSharedSuite => {
            let (offered, accepted) = match config.protocol {
                Protocol::Tls12Rsa => (
                    CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA,
                    CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
                ),
                Protocol::Tls12Ecdhe => (
                    CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
                    CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                ),
                Protocol::Tls13 => (
                    CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
                    CipherSuite::TLS_AES_128_GCM_SHA256,
                ),
            };
            client.cipher_suites = vec![offered];
            server.cipher_suites = vec![accepted];
        }
        Scenario::BadPremaster => {
            net.tamper = Tamper::BreakPremaster {
                key: pki.leaf_key().to_public_key(),
                rng: rng.fork("attacker"),
            }
        }
        Scenario::HelloRetry => {
            // The client's first share is on x25519; this server takes secp256r1 only.
            client.groups = vec![NamedGroup::X25519, NamedGroup::Secp256r1];
            server.groups = vec![NamedGroup::Secp256r1];
        }
        Scenario::ForgedCertificateVerify => {
            impostor(&mut net, client, &server, pki, rng);
            return Ok(net);
        }
        Scenario::SwappedShare => {
            net.tamper = Tamper::SwapShare {
                rng: rng.fork("attacker"),
            }
        }
    }
    let c = add_browser(&mut net, client, rng);
    let s = net.add_web_server(Net::web_server(server, rng));
    net.link(c, s);
    Ok(net)
}

/// The client, a browser that sends one request.
fn add_browser(net: &mut Net, config: ClientConfig, rng: &mut Drbg) -> usize {
    let conn = Connection::client(config, Box::new(rng.fork("client")));
    net.add(conn, Actor::Client, false, App::browser())
}

/// The demo leaf, issued again by the intermediate with another validity period.
fn reissued_leaf(pki: &DemoPki, not_before: u64, not_after: u64) -> Result<Vec<u8>, SetupError> {
    let spec = CertSpec {
        not_before,
        not_after,
        ..DemoPki::leaf_spec()
    };
    pki.issue(
        &spec,
        pki.leaf_key().as_public_key(),
        DemoIssuer::Intermediate,
    )
    .map_err(|e| SetupError(e.to_string()))
}

/// The demo leaf naming the intermediate as issuer, but signed with another key.
fn forged_leaf(pki: &DemoPki) -> Result<Vec<u8>, SetupError> {
    pki::issue(
        &DemoPki::leaf_spec(),
        pki.leaf_key().as_public_key(),
        Issuer::Ca {
            certificate: pki.intermediate_cert(),
            key: pki.attacker_leaf_key(),
        },
    )
    .map_err(|e| SetupError(e.to_string()))
}

/// The client connected to the attacker, who answers as the server with its own certificate
/// chain; returns the attacker's connection.
fn man_in_the_middle(
    net: &mut Net,
    client: ClientConfig,
    server: &ServerConfig,
    pki: &DemoPki,
    rng: &mut Drbg,
) -> usize {
    let fake = ServerConfig {
        certificate_chain: pki.attacker_chain(),
        private_key: Arc::new(pki.attacker_leaf_key().clone()),
        ..server.clone()
    };
    answered_by_the_attacker(net, client, fake, rng)
}

/// The client connected to an attacker who presents the real server's certificate chain
/// (certificates are public) but, without its private key, signs with a key of its own.
fn impostor(
    net: &mut Net,
    client: ClientConfig,
    server: &ServerConfig,
    pki: &DemoPki,
    rng: &mut Drbg,
) {
    let fake = ServerConfig {
        private_key: Arc::new(pki.attacker_leaf_key().clone()),
        ..server.clone()
    };
    answered_by_the_attacker(net, client, fake, rng);
}

/// The browser, linked to a server the attacker runs with `fake`; returns that connection.
fn answered_by_the_attacker(
    net: &mut Net,
    client: ClientConfig,
    fake: ServerConfig,
    rng: &mut Drbg,
) -> usize {
    let c = add_browser(net, client, rng);
    let conn = Connection::server(fake, Box::new(rng.fork("attacker-server")));
    let a = net.add(conn, Actor::Network, true, App::Idle);
    net.link(c, a);
    a
}

/// The attacker's own, ordinary connection to the real server, and a relay between it and the
/// attacker's connection with the client. As a real interception proxy, the attacker opens it
/// when the client's ClientHello arrives and answers the client once it is up.
fn relay_to_the_real_server(
    net: &mut Net,
    attacker: usize,
    server: ServerConfig,
    config: &RunConfig,
    pki: &DemoPki,
    rng: &mut Drbg,
) {
    let mut onward = ClientConfig::new(SERVER_NAME, pki.trust_anchors(), config.now);
    // The attacker's own client offers the run's protocol, as a real proxy's would.
    onward.cipher_suites = config.protocol.suites().to_vec();
    let client = Connection::client(onward, Box::new(rng.fork("attacker-client")));
    let server = Net::web_server(server, rng);
    net.intercept(Upstream {
        proxy: attacker,
        client,
        server,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::demo_pki;
    use crate::timeline::{Outcome, Step};

    /// 2026-11-26T00:00:00Z.
    const NOW: u64 = 1_795_651_200;

    fn arrow(s: &Step) -> String {
        format!("{:?}->{:?} {}", s.from, s.to, s.title)
    }

    /// The real server's certificate has expired, so the attacker's own handshake fails: the
    /// client, whose ClientHello the attacker never read, is closed rather than left waiting.
    #[test]
    fn a_failed_upstream_handshake_closes_the_clients_connection() {
        let pki = demo_pki().expect("the demo PKI loads");
        let config = RunConfig::new(1, NOW);
        let mut rng = Drbg::from_u64(config.seed);
        let mut net = Net::default();
        let mut client = ClientConfig::new(SERVER_NAME, pki.trust_anchors(), NOW);
        client.trust_anchors.push(pki.attacker_root_cert().to_vec());
        let mut server = ServerConfig::new(pki.chain(), Arc::new(pki.leaf_key().clone()));
        let attacker = man_in_the_middle(&mut net, client, &server, pki, &mut rng);
        let year = 365 * 24 * 3600;
        server.certificate_chain[0] =
            reissued_leaf(pki, NOW - 2 * year, NOW - year / 12).expect("the leaf is issued");
        relay_to_the_real_server(&mut net, attacker, server, &config, pki, &mut rng);
        net.exchange();
        assert!(!net.browser_answered());
        let (steps, events) = net.finish();
        let arrows: Vec<String> = steps.iter().map(arrow).collect();
        let Outcome::Alert {
            sender,
            description,
            ..
        } = Outcome::of(&events, false)
        else {
            panic!("no alert: {arrows:#?}");
        };
        assert_eq!(
            (sender, description.as_str()),
            (Actor::Network, "certificate_expired"),
            "{arrows:#?}"
        );
        // The client hears nothing but the attacker's close_notify, and answers it.
        let to_client: Vec<&String> = arrows.iter().filter(|a| a.contains("->Client")).collect();
        assert_eq!(to_client, ["Network->Client Alert"], "{arrows:#?}");
        assert_eq!(
            arrows.last().map(String::as_str),
            Some("Client->Network Alert"),
            "{arrows:#?}"
        );
    }
}
