//! The premaster panel: the 48 bytes, the PKCS#1 v1.5 block around them, the RSA operation and
//! its ciphertext, then the server's decryption (RFC 5246 7.4.7.1, RFC 8017 7.2). An ECDHE run
//! shows [`super::key_share::KeySharePanel`] instead.

use super::value::Value;
use crate::state::Shared;
use tlslab_core::bytes::Bytes;
use tlslab_core::timeline::{Actor, Computation, Link, ValueName};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PremasterProps {
    pub timeline: Shared,
    pub step: usize,
    /// The connection shown (one of two when a man in the middle relays).
    pub link: Link,
}

#[function_component(PremasterPanel)]
pub fn premaster_panel(props: &PremasterProps) -> Html {
    let t = &props.timeline;
    let link = props.link;
    let client = super::lane_title(link.client, t.network).to_ascii_lowercase();
    let server = super::lane_title(link.server, t.network).to_ascii_lowercase();
    let encrypted = t
        .computations_on(props.step, link, link.client)
        .find_map(|c| match c {
            Computation::PremasterEncrypted(p) => Some(p.clone()),
            _ => None,
        });
    let decrypted = t
        .computations_on(props.step, link, link.server)
        .find_map(|c| match c {
            Computation::PremasterDecrypted { premaster, .. } => Some(premaster.clone()),
            _ => None,
        });
    // A third party holding this premaster (the observer, once the key leaked): the network
    // lane holds it while it is not one of this connection's ends.
    let observer_knows = ![link.client, link.server].contains(&Actor::Network)
        && encrypted.as_ref().is_some_and(|p| {
            t.steps.get(props.step).is_some_and(|s| {
                s.knowledge
                    .observer
                    .iter()
                    .any(|k| k.name == ValueName::Premaster && k.value == p.premaster)
            })
        });
    let Some(p) = encrypted else {
        if t.key_exchange() == tlslab_core::msgs::handshake::KeyExchange::Ecdhe {
            return html! { <super::key_share::KeySharePanel timeline={t.clone()} step={props.step} {link} /> };
        }
        return html! {
            <p class="empty">{ format!("The {client} makes the premaster secret after ServerHelloDone, in ClientKeyExchange{}.", super::step_on(t, Some(link), "ClientKeyExchange")) }</p>
        };
    };
    let pm = &p.premaster.0;
    let block = &p.pkcs1_block.0;
    // EM = 00 02 || PS || 00 || premaster (RFC 8017 7.2.1 step 2); the layout is read off the block.
    let ps_len = block.len().saturating_sub(pm.len() + 3);
    let part = |class: &'static str, bytes: &[u8], label: String| {
        html! {
            <span class={classes!("part", class)} title={label.clone()}>
                <span class="part-label">{ label }</span>
                <code>{ tlslab_core::bytes::to_hex(bytes) }</code>
            </span>
        }
    };
    let k = block.len();
    html! {
        <div class="premaster-panel">
            <section>
                <h3>{ "1. The premaster secret: 48 bytes" }</h3>
                <p>{ format!("client_version (03 03, TLS 1.2) followed by 46 random bytes from the {client} (RFC 5246 §7.4.7.1).") }</p>
                <Value label="premaster" value={p.premaster.clone()} field={Some(AttrValue::from(ValueName::Premaster.as_str()))} tone={Some(AttrValue::from("secret"))} />
            </section>
            <section>
                <h3>{ "2. PKCS#1 v1.5 padding" }</h3>
                <p>{ format!("The block is as long as the modulus ({k} bytes): 00 02, {ps_len} non-zero random padding bytes, 00, then the 48 secret bytes (RFC 8017 §7.2.1).") }</p>
                <div class="block-layout" data-field="pkcs1_block" data-value={p.pkcs1_block.hex()}>
                    { part("fixed", block.get(..2).unwrap_or_default(), "00 02".into()) }
                    { part("padding", block.get(2..2 + ps_len).unwrap_or_default(), format!("padding, {ps_len} bytes")) }
                    { part("fixed", block.get(2 + ps_len..3 + ps_len).unwrap_or_default(), "00".into()) }
                    { part("secret", block.get(3 + ps_len..).unwrap_or_default(), "premaster, 48 bytes".into()) }
                </div>
            </section>
            <section>
                <h3>{ format!("3. RSA encryption with the {server}'s public key") }</h3>
                <p class="math"><code>{ "c = m" }<sup>{ "e" }</sup>{ " mod n" }</code>{ format!(" with e = {} and a {}-bit modulus n from the certificate the {client} received; m is the block above as a number.", exponent(&p.public_exponent), p.modulus_bits) }</p>
                <Value label="modulus n" value={p.modulus.clone()} tone={Some(AttrValue::from(super::actor_name(link.server)))} />
                <Value label="ciphertext c (sent in ClientKeyExchange)" value={p.ciphertext.clone()}
                       field={Some(AttrValue::from(ValueName::EncryptedPremaster.as_str()))} tone={Some(AttrValue::from("public"))} />
            </section>
            <section>
                <h3>{ format!("4. The {server} decrypts") }</h3>
                { match decrypted {
                    Some(d) => html! {
                        <>
                            <p>{ "m = c" }<sup>{ "d" }</sup>{ format!(" mod n with the {server}'s private key, then the padding is removed. If the padding or length were wrong the {server} would continue with a random premaster instead of reporting it, so the failure only shows at Finished (RFC 5246 §7.4.7.1, against Bleichenbacher's attack).") }</p>
                            <Value label={format!("premaster, as the {server} has it")} value={d.clone()} tone={Some(AttrValue::from("secret"))} />
                            <p class={classes!("verdict", if d == p.premaster { "ok" } else { "bad" })} data-field="premaster_verdict" data-value={(d == p.premaster).to_string()}>
                                { if d == p.premaster { format!("The {client} and the {server} now hold the same 48 bytes{}", if observer_knows { "; so does the observer, who decrypted the recorded ClientKeyExchange with the leaked key." } else { "; nobody else on the wire does." }) } else { format!("The {server}'s premaster differs from the {client}'s: the keys will not match.") } }
                            </p>
                        </>
                    },
                    None if t.recorded.is_some() => html! {
                        <p class="empty" data-not-recorded="server">{ "Not recorded: this run was recorded by the client against a real server, so the server's decryption is not known. Its Finished, checked by the client, shows that it found the same premaster." }</p>
                    },
                    None => html! { <p class="empty">{ format!("The {server} decrypts it when ClientKeyExchange arrives.") }</p> },
                } }
            </section>
        </div>
    }
}

fn exponent(e: &Bytes) -> String {
    if e.len() <= 8 {
        e.0.iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
            .to_string()
    } else {
        e.hex()
    }
}
