//! A scenario as data becomes peers: the configurations, the certificates issued for it at run
//! time, and who sits on the wire (RFC sections in `crate::scenario`).

use super::attacker::Tamper;
use super::network::{App, Net};
use super::{RunConfig, SERVER_NAME, SetupError};
use crate::Connection;
use crate::msgs::enums::CipherSuite;
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
    let mut net = Net::default();
    let issue = |spec: &CertSpec, key: &rsa::PrivateKey, by: DemoIssuer| {
        pki.issue(spec, key.as_public_key(), by)
            .map_err(|e| SetupError(e.to_string()))
    };
    let year = 365 * 24 * 3600;
    let mut client = ClientConfig::new(SERVER_NAME, pki.trust_anchors(), config.now);
    client.offer_extended_master_secret = config.extended_master_secret;
    let mut server = ServerConfig::new(pki.chain(), Arc::new(pki.leaf_key().clone()));
    if let Some(suite) = config.suite {
        client.cipher_suites = vec![suite];
        server.cipher_suites = vec![suite];
    }
    match scenario {
        Scenario::Happy | Scenario::StolenKey => {}
        Scenario::Expired => {
            let spec = CertSpec {
                not_before: config.now.saturating_sub(2 * year),
                not_after: config.now.saturating_sub(year / 12),
                ..DemoPki::leaf_spec()
            };
            server.certificate_chain[0] = issue(&spec, pki.leaf_key(), DemoIssuer::Intermediate)?;
        }
        Scenario::NotYetValid => {
            let spec = CertSpec {
                not_before: config.now + year / 12,
                not_after: config.now + year,
                ..DemoPki::leaf_spec()
            };
            server.certificate_chain[0] = issue(&spec, pki.leaf_key(), DemoIssuer::Intermediate)?;
        }
        Scenario::WrongHost => {
            client.server_name = "www.example.org".into();
            net.server_name = client.server_name.clone();
        }
        Scenario::UntrustedRoot => client.trust_anchors = vec![pki.attacker_root_cert().to_vec()],
        Scenario::ForgedSignature => {
            // Names the intermediate as issuer, but the signature is made with another key.
            let forged = pki::issue(
                &DemoPki::leaf_spec(),
                pki.leaf_key().as_public_key(),
                Issuer::Ca {
                    certificate: pki.intermediate_cert(),
                    key: pki.attacker_leaf_key(),
                },
            )
            .map_err(|e| SetupError(e.to_string()))?;
            server.certificate_chain[0] = forged;
        }
        Scenario::Mitm | Scenario::MitmTrusted => {
            if scenario == Scenario::MitmTrusted {
                client.trust_anchors.push(pki.attacker_root_cert().to_vec());
            }
            let fake = ServerConfig {
                certificate_chain: pki.attacker_chain(),
                private_key: Arc::new(pki.attacker_leaf_key().clone()),
                ..server.clone()
            };
            let c = net.add(
                Connection::client(client, Box::new(rng.fork("client"))),
                Actor::Client,
                false,
                App::browser(),
            );
            let a = net.add(
                Connection::server(fake, Box::new(rng.fork("attacker-server"))),
                Actor::Network,
                true,
                App::Idle,
            );
            net.link(c, a);
            if scenario == Scenario::MitmTrusted {
                // The attacker's own, ordinary connection to the real server, and a relay
                // between the two.
                let onward = ClientConfig::new(SERVER_NAME, pki.trust_anchors(), config.now);
                let b = net.add(
                    Connection::client(onward, Box::new(rng.fork("attacker-client"))),
                    Actor::Network,
                    false,
                    App::Relay { partner: a },
                );
                let s = net.add_web_server(server, rng);
                net.link(b, s);
                net.set_app(a, App::Relay { partner: b });
            }
            return Ok(net);
        }
        Scenario::Downgrade => {
            net.tamper = Tamper::DropSuite {
                suite: CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
            };
            client.cipher_suites = CipherSuite::SUPPORTED.to_vec();
            server.cipher_suites = CipherSuite::SUPPORTED.to_vec();
        }
        Scenario::BitFlip => net.tamper = Tamper::FlipBit,
        Scenario::NoSharedSuite => {
            client.cipher_suites = vec![CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA];
            server.cipher_suites = vec![CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256];
        }
        Scenario::BadPremaster => {
            net.tamper = Tamper::BreakPremaster {
                key: pki.leaf_key().to_public_key(),
                rng: rng.fork("attacker"),
            }
        }
    }
    let c = net.add(
        Connection::client(client, Box::new(rng.fork("client"))),
        Actor::Client,
        false,
        App::browser(),
    );
    let s = net.add_web_server(server, rng);
    net.link(c, s);
    Ok(net)
}
