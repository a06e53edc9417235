//! The premaster panel of an ECDHE handshake (RFC 8422): each side's key pair, the private key
//! kept and the share sent, the same premaster computed on both sides, and, once the server's
//! key has leaked, the observer's attempt to open the recording with it.

use super::value::Value;
use crate::state::Shared;
use tlslab_core::bytes::Bytes;
use tlslab_core::timeline::{Actor, Computation, EventKind, Link, ValueName};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct KeySharePanelProps {
    pub timeline: Shared,
    pub step: usize,
    pub link: Link,
}

/// One side's work: its key pair and the premaster it computed, as far as step `step`.
struct Side {
    group: String,
    private: Bytes,
    share: Bytes,
    /// The peer's share and the premaster, once computed.
    peer_share: Option<Bytes>,
    premaster: Option<Bytes>,
}

#[function_component(KeySharePanel)]
pub fn key_share_panel(props: &KeySharePanelProps) -> Html {
    let t = &props.timeline;
    let link = props.link;
    let side = |actor: Actor| {
        let mut side: Option<Side> = None;
        for c in t.computations_on(props.step, link, actor) {
            match (c, side.as_mut()) {
                (
                    Computation::EcdhKeyPair {
                        group,
                        private,
                        public,
                    },
                    None,
                ) => {
                    side = Some(Side {
                        group: group.clone(),
                        private: private.clone(),
                        share: public.clone(),
                        peer_share: None,
                        premaster: None,
                    })
                }
                (
                    Computation::EcdhSharedSecret {
                        peer_public,
                        premaster,
                        ..
                    },
                    Some(s),
                ) => {
                    s.peer_share = Some(peer_public.clone());
                    s.premaster = Some(premaster.clone());
                }
                _ => {}
            }
        }
        side
    };
    let verified = t
        .computations_on(props.step, link, link.client)
        .find_map(|c| match c {
            Computation::KeyExchangeSignature {
                scheme,
                verified: Some(v),
                ..
            } => Some((scheme.clone(), *v)),
            _ => None,
        });
    let (client, server) = (
        super::lane_title(link.client, t.network).to_ascii_lowercase(),
        super::lane_title(link.server, t.network).to_ascii_lowercase(),
    );
    let (s, c) = (side(link.server), side(link.client));
    let Some(group) = s.as_ref().or(c.as_ref()).map(|side| side.group.clone()) else {
        return html! {
            <p class="empty">{ format!("Under ECDHE each side makes a key pair: the {server} in ServerKeyExchange{}, the {client} in ClientKeyExchange.", super::step_on(t, Some(link), "ServerKeyExchange")) }</p>
        };
    };
    let tone = |a: Actor| Some(AttrValue::from(super::actor_name(a)));
    let key_pair = |who: &str, actor: Actor, side: &Side, private: ValueName, share: ValueName| {
        html! {
            <>
                <Value label={format!("{who}'s private key (never sent)")} value={side.private.clone()} field={Some(AttrValue::from(private.as_str()))} tone={Some(AttrValue::from("secret"))} />
                <Value label={format!("{who}'s public share (sent in the clear)")} value={side.share.clone()} field={Some(AttrValue::from(share.as_str()))} tone={tone(actor)} />
            </>
        }
    };
    let same = c
        .as_ref()
        .and_then(|c| c.premaster.clone())
        .zip(s.as_ref().and_then(|s| s.premaster.clone()))
        .map(|(a, b)| a == b);
    let attempt = t
        .events
        .iter()
        .filter(|e| e.step <= props.step)
        .find_map(|e| match &e.kind {
            EventKind::Computation(Computation::RecordingNotDecrypted {
                ciphertext,
                premaster,
                record,
                error,
            }) => Some((
                ciphertext.clone(),
                premaster.clone(),
                record.clone(),
                error.clone(),
            )),
            _ => None,
        });
    html! {
        <div class="premaster-panel key-share-panel">
            <section>
                <h3>{ format!("1. The {server}'s {group} key pair") }</h3>
                <p>{ format!("Made for this handshake alone (RFC 8422 §5.4). The share goes out in ServerKeyExchange, signed with the certificate's key over both randoms; the private key stays with the {server}.") }</p>
                { match &s {
                    Some(s) => key_pair(&server, link.server, s, ValueName::ServerEphemeralKey, ValueName::ServerShare),
                    None => html! {
                        <>
                            <p class="empty" data-not-recorded="server">{ "Not recorded: this run was recorded by the client against a real server, whose private key never left it." }</p>
                            { for c.as_ref().and_then(|c| c.peer_share.clone()).map(|share| html! {
                                <Value label={format!("{server}'s public share (as it arrived)")} value={share} field={Some(AttrValue::from(ValueName::ServerShare.as_str()))} tone={tone(link.server)} />
                            }) }
                        </>
                    },
                } }
                { match verified {
                    Some((scheme, ok)) => html! {
                        <p class={classes!("verdict", if ok { "ok" } else { "bad" })} data-field="share_signature" data-value={ok.to_string()}>
                            { if ok { format!("The {client} checked the {scheme} signature with the certificate's public key: this share is the {server}'s.") } else { format!("The {scheme} signature does not verify over the share the {client} received: the share was swapped on the way, and the {client} stops (decrypt_error, RFC 5246 §7.2.2).") } }
                        </p>
                    },
                    None => html! {},
                } }
            </section>
            <section>
                <h3>{ format!("2. The {client}'s key pair") }</h3>
                { match &c {
                    Some(c) => html! {
                        <>
                            <p>{ format!("Made on the same curve once the {server}'s share checked out; its share goes out in ClientKeyExchange (RFC 8422 §5.7).") }</p>
                            { key_pair(&client, link.client, c, ValueName::ClientEphemeralKey, ValueName::ClientShare) }
                        </>
                    },
                    None => html! { <p class="empty">{ format!("The {client} makes it after ServerHelloDone, in ClientKeyExchange{}.", super::step_on(t, Some(link), "ClientKeyExchange")) }</p> },
                } }
            </section>
            <section>
                <h3>{ "3. The same premaster on both sides" }</h3>
                <p>{ format!("Each side combines its own private key with the other's share: {g}({client}'s private key, {server}'s share) = {g}({server}'s private key, {client}'s share) (RFC 8422 §5.10). The premaster never crosses the wire; an observer holding both shares cannot compute it.", g = group) }</p>
                { for c.as_ref().and_then(|c| c.premaster.clone()).map(|p| html! {
                    <Value label={format!("premaster, as the {client} computed it")} value={p} field={Some(AttrValue::from(ValueName::Premaster.as_str()))} tone={Some(AttrValue::from("secret"))} />
                }) }
                { for s.as_ref().and_then(|s| s.premaster.clone()).map(|p| html! {
                    <Value label={format!("premaster, as the {server} computed it")} value={p} tone={Some(AttrValue::from("secret"))} />
                }) }
                { match same {
                    Some(same) => html! {
                        <p class={classes!("verdict", if same { "ok" } else { "bad" })} data-field="premaster_verdict" data-value={same.to_string()}>
                            { if same { format!("The {client} and the {server} hold the same {} bytes, and nobody else does.", c.as_ref().and_then(|c| c.premaster.as_ref()).map_or(0, |p| p.len())) } else { format!("The {server}'s premaster differs from the {client}'s: the keys will not match.") } }
                        </p>
                    },
                    None => html! {},
                } }
            </section>
            if let Some((ciphertext, guess, record, error)) = attempt {
                <section data-panel="leaked-key">
                    <h3>{ "4. Later, the leaked key" }</h3>
                    <p>{ format!("The observer, now holding the {server}'s RSA private key, runs what breaks RSA key exchange: it RSA-decrypts the recorded ClientKeyExchange. That message holds the {client}'s public share, not a ciphertext for this key, so decryption fails and, as in any server (RFC 5246 §7.4.7.1), a random premaster comes out. The keys derived from it do not open the first recorded record.") }</p>
                    <Value label="ClientKeyExchange, as recorded" value={ciphertext} tone={Some(AttrValue::from("public"))} />
                    <Value label="premaster the attempt produced" value={guess} />
                    <Value label="first recorded record" value={record} tone={Some(AttrValue::from("public"))} />
                    <p class="verdict bad" data-field="recording_decrypted" data-value="false">{ format!("Not decrypted: {error}. The private keys that made the premaster were never sent, and a real endpoint discards them after the handshake: forward secrecy.") }</p>
                </section>
            }
        </div>
    }
}
