//! Who knows what after the selected step: the client, the server, and a passive observer who
//! records everything on the wire. With RSA key exchange the observer lacks only the premaster;
//! whoever later obtains the server's private key can decrypt it, and with it the session. With
//! ECDHE and TLS 1.3 it lacks both ephemeral private keys, which no later leak reveals.

use crate::state::Shared;
use tlslab_core::msgs::handshake::KeyExchange;
use tlslab_core::timeline::{Actor, EventKind, Known, ValueName};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct KnowledgeProps {
    pub timeline: Shared,
    pub step: usize,
}

/// Which connection `holder` got `k` on, named by the other end ("with Client"): shown when
/// it holds two values of one name (a man in the middle has two connections).
fn with_whom(t: &Shared, holder: Actor, k: &Known) -> Option<String> {
    let e = t
        .events
        .iter()
        .find(|e| e.actor == holder && matches!(&e.kind, EventKind::Learned(l) if l == k))?;
    let link = t.link_of(e.step)?;
    let other = if link.client == holder {
        link.server
    } else {
        link.client
    };
    Some(format!("with {}", super::lane_title(other, t.network)))
}

/// One holder's column; what it learned on this step (not in `before`) is marked new.
fn column(
    t: &Shared,
    holder: Actor,
    title: &'static str,
    (known, before): (&[Known], &[Known]),
    recorded: bool,
) -> Html {
    let who = super::actor_name(holder);
    let who = if holder == Actor::Network {
        "observer"
    } else {
        who
    };
    // What a side holds before the run is not tied to a connection.
    let held = |k: &Known| k.name.is_held();
    let twice = |k: &Known| !held(k) && known.iter().filter(|o| o.name == k.name).count() > 1;
    html! {
        <section class={classes!("knows", who)} data-knows={who}>
            <h3>{ title }</h3>
            if recorded && who != "client" {
                <p class="empty" data-not-recorded={who}>{ "Not recorded: this run was recorded by the client alone." }</p>
            }
            <ul>
                { for known.iter().map(|k| {
                    let secret = k.name.is_secret();
                    // What a side holds from the start is not news.
                    let new = !before.contains(k) && !held(k);
                    html! {
                        <li data-secret={k.name.as_str()} data-new={new.then_some("true")} class={classes!(secret.then_some("secret"), new.then_some("new"))}>
                            <span class="name">{ k.name.as_str() }</span>
                            if new {
                                <span class="badge new">{ "new" }</span>
                            }
                            if twice(k) {
                                <span class="with">{ with_whom(t, holder, k).unwrap_or_default() }</span>
                            }
                            <span class="len">{ format!("{} B", k.value.len()) }</span>
                            <code title={k.value.hex()}>{ short(&k.value.hex()) }</code>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

fn short(hex: &str) -> String {
    if hex.len() > 16 {
        format!("{}…", &hex[..16])
    } else {
        hex.to_string()
    }
}

#[function_component(KnowledgePanel)]
pub fn knowledge_panel(props: &KnowledgeProps) -> Html {
    let Some(step) = props.timeline.steps.get(props.step) else {
        return html! {};
    };
    let k = &step.knowledge;
    let empty = Default::default();
    let before = props
        .step
        .checked_sub(1)
        .and_then(|p| props.timeline.steps.get(p))
        .map_or(&empty, |s| &s.knowledge);
    let observer_has_premaster = k.observer.iter().any(|o| o.name == ValueName::Premaster);
    // The ECDHE note holds only for a passive observer that has seen both shares.
    let observer_has_both_shares = props.timeline.network
        == tlslab_core::scenario::NetworkRole::Observer
        && [ValueName::ClientShare, ValueName::ServerShare]
            .iter()
            .all(|n| k.observer.iter().any(|o| o.name == *n));
    let recorded = props.timeline.recorded.is_some();
    html! {
        <div class="knowledge-panel">
            <div class="columns">
                { column(&props.timeline, Actor::Client, "Client", (&k.client, &before.client), recorded) }
                { column(&props.timeline, Actor::Server, "Server", (&k.server, &before.server), recorded) }
                { column(&props.timeline, Actor::Network, match props.timeline.network {
                    tlslab_core::scenario::NetworkRole::Attacker => "Attacker",
                    tlslab_core::scenario::NetworkRole::Observer => "Passive observer",
                }, (&k.observer, &before.observer), recorded) }
            </div>
            if !observer_has_premaster {
                if props.timeline.spoke_tls13() {
                    if observer_has_both_shares {
                        <p class="note">{ "The observer sees the randoms, the server's name in the ClientHello and both key shares, but neither private key, so it cannot compute the shared secret; and since the certificate travels encrypted, it does not even see which certificate the server sent (RFC 8446 §4.4.2). Each private key stays with its side and a real endpoint discards it after the handshake: even the server's certificate key, if it leaks later, only ever signed the transcript (§4.4.3). This is forward secrecy." }</p>
                    }
                } else if props.timeline.key_exchange() == KeyExchange::Ecdhe {
                    if observer_has_both_shares {
                        <p class="note">{ "The observer sees the randoms, the certificate and both public shares, but neither private key, so it cannot compute the premaster (RFC 8422 §5.10). Each private key stays with its side, and a real endpoint discards it after the handshake: even the server's certificate key, if it leaks later, only ever signed a share. This is forward secrecy." }</p>
                    }
                } else if props.timeline.key_exchange() == KeyExchange::Rsa && k.observer.iter().any(|o| o.name == ValueName::EncryptedPremaster) {
                    <p class="note">{ "The observer sees the randoms, the certificate and the encrypted premaster, but not the premaster itself, so it cannot derive the keys. With RSA key exchange that protection rests on one thing: the server's private key. Anyone who records this session and later obtains that key decrypts the premaster and everything after it; forward-secret key exchanges (ECDHE) do not have this weakness." }</p>
                }
            }
        </div>
    }
}
