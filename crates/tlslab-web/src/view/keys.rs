//! The key schedule: premaster -> master secret -> key block, then the Finished computations
//! with the exact transcript they hash (RFC 5246 sections 6.3, 7.4.9, 8.1; RFC 7627 section 4).

use super::value::Value;
use crate::state::Shared;
use tlslab_core::bytes::Bytes;
use tlslab_core::crypto::prf::PrfHash;
use tlslab_core::timeline::{
    Actor, Computation, EventKind, Link, MasterSecretDerivation, ValueName,
};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct KeysProps {
    pub timeline: Shared,
    pub step: usize,
    /// The connection shown (one of two when a man in the middle relays).
    pub link: Link,
}

fn field(name: &'static str) -> Option<AttrValue> {
    Some(AttrValue::from(name))
}

fn tone(name: &'static str) -> Option<AttrValue> {
    Some(AttrValue::from(name))
}

/// One side's computations up to the step on screen.
type Computations<'t> = Vec<&'t Computation>;

fn random(list: &Computations, which: ValueName) -> Option<Bytes> {
    list.iter().find_map(|c| match c {
        Computation::Random { name, value } if *name == which => Some(value.clone()),
        _ => None,
    })
}

/// The transcript hash made for `purpose`: the messages hashed, the hash, its input.
fn hash(list: &Computations, purpose: &str) -> Option<(Vec<String>, Bytes, Bytes)> {
    list.iter().find_map(|c| match c {
        Computation::TranscriptHash {
            purpose: p,
            messages,
            hash,
            input,
        } if p == purpose => Some((messages.clone(), hash.clone(), input.clone())),
        _ => None,
    })
}

/// The transcript hash's name: the PRF's hash, which its length tells (RFC 5246 §7.4.9).
fn hash_name(hash: &Bytes) -> &'static str {
    PrfHash::of_digest_len(hash.len()).map_or("Hash", PrfHash::name)
}

/// The verify_data computed for `label`: the value, what the peer sent, whether they matched.
fn verify(list: &Computations, label: &str) -> Option<(Bytes, Option<Bytes>, Option<bool>)> {
    list.iter().find_map(|c| match c {
        Computation::VerifyData {
            label: l,
            verify_data,
            received,
            matches,
            ..
        } if l == label => Some((verify_data.clone(), received.clone(), *matches)),
        _ => None,
    })
}

#[function_component(KeysPanel)]
pub fn keys_panel(props: &KeysProps) -> Html {
    let t = &props.timeline;
    let link = props.link;
    let client: Computations = t.computations_on(props.step, link, link.client).collect();
    let server: Computations = t.computations_on(props.step, link, link.server).collect();
    // What this step computed on this connection: its sections are marked new.
    let here: Vec<&Computation> = t
        .step_events(props.step)
        .filter(|_| t.link_of(props.step) == Some(link))
        .filter_map(|e| match &e.kind {
            EventKind::Computation(c) => Some(c),
            _ => None,
        })
        .collect();
    let new = |f: &dyn Fn(&Computation) -> bool| here.iter().any(|c| f(c));
    if t.spoke_tls13() {
        let hkdf = |c: &Computation| {
            matches!(
                c,
                Computation::HkdfExtract { .. } | Computation::HkdfExpandLabel { .. }
            )
        };
        return html! {
            <div class="keys-panel">
                { section(schedule13(t, link, &client, &server), new(&hkdf)) }
            </div>
        };
    }
    let randoms = section(
        randoms_section(t, props.step, &client, &server),
        new(&|c| matches!(c, Computation::Random { .. })),
    );
    let master = client.iter().find_map(|c| match c {
        Computation::MasterSecret(m) => Some(m.clone()),
        _ => None,
    });
    let Some(master) = master else {
        return html! {
            <div class="keys-panel">
                { randoms }
                <p class="empty">{ format!("The {} derives the master secret as it switches to the new keys (ChangeCipherSpec{}); the {} derives its own on receiving ClientKeyExchange.", super::lane_title(link.client, t.network).to_ascii_lowercase(), super::step_on(t, Some(link), "ChangeCipherSpec"), super::lane_title(link.server, t.network).to_ascii_lowercase()) }</p>
            </div>
        };
    };
    let sides = Sides {
        t,
        link,
        client: &client,
        server: &server,
    };
    html! {
        <div class="keys-panel">
            { randoms }
            { section(master_section(master, &client), new(&|c| matches!(c, Computation::MasterSecret(_)))) }
            { section(key_block_section(&client), new(&|c| matches!(c, Computation::KeyBlock { .. }))) }
            { section(sides.finished(link.client, "client finished", "client_finished", "client_finished_hash", "client_verify_data"), new(&|c| matches!(c, Computation::VerifyData { label, .. } if label == "client finished"))) }
            { section(sides.finished(link.server, "server finished", "server_finished", "server_finished_hash", "server_verify_data"), new(&|c| matches!(c, Computation::VerifyData { label, .. } if label == "server finished"))) }
        </div>
    }
}

/// TLS 1.3's key schedule as one side ran it up to the step (the client's, or in a run recorded
/// by the server alone the server's): the (EC)DHE shared secret, then each HKDF-Extract and
/// HKDF-Expand-Label in order (RFC 8446 section 7.1).
fn schedule13(t: &Shared, link: Link, client: &Computations, server: &Computations) -> Html {
    let (side, list) = if client
        .iter()
        .any(|c| matches!(c, Computation::HkdfExtract { .. }))
    {
        (link.client, client)
    } else {
        (link.server, server)
    };
    let who = super::lane_title(side, t.network).to_ascii_lowercase();
    let shared = list.iter().find_map(|c| match c {
        Computation::EcdhSharedSecret {
            premaster, group, ..
        } => Some((premaster.clone(), group.clone())),
        _ => None,
    });
    let steps: Vec<Html> = list
        .iter()
        .filter_map(|c| match c {
            Computation::HkdfExtract { name, secret, .. } => Some(html! {
                <Value label={format!("{name} secret = HKDF-Extract(salt, IKM)")} value={secret.clone()} field={field("hkdf_extract")} tone={tone("secret")} />
            }),
            Computation::HkdfExpandLabel { label, output, .. } => Some(html! {
                <Value label={format!("HKDF-Expand-Label(secret, \"{label}\", context, {})", output.len())} value={output.clone()} field={field("hkdf_expand_label")} tone={tone("secret")} />
            }),
            _ => None,
        })
        .collect();
    if steps.is_empty() && shared.is_none() {
        return html! {
            <p class="empty">{ format!("The {who} derives its keys once the hellos have crossed: from the (EC)DHE shared secret and the transcript, with HKDF (RFC 8446 §7.1).") }</p>
        };
    }
    html! {
        <>
            <h3>{ format!("The key schedule, as the {who} ran it (RFC 8446 §7.1)") }</h3>
            <p>{ "Every key comes from HKDF: the (EC)DHE shared secret goes into HKDF-Extract, and each secret, traffic key, IV and Finished key comes out of HKDF-Expand-Label with its own label and the transcript hash so far. The Reproduce tab recomputes each one." }</p>
            if let Some((value, group)) = shared {
                <Value label={format!("{group} shared secret (the IKM of the handshake secret)")} value={value} field={field("shared_secret")} tone={tone("secret")} />
            }
            { for steps }
        </>
    }
}

/// A section of the panel, marked when this step computed it.
fn section(content: Html, new: bool) -> Html {
    if content == Html::default() {
        return content;
    }
    html! {
        <div class={classes!("keys-section", new.then_some("new"))} data-new={new.then_some("true")}>
            if new {
                <span class="badge new">{ "new at this step" }</span>
            }
            { content }
        </div>
    }
}

/// The hellos' randoms, the PRF's public inputs.
fn randoms_section(t: &Shared, step: usize, client: &Computations, server: &Computations) -> Html {
    let client_random = random(client, ValueName::ClientRandom);
    // In a run recorded by the client alone, the server's random is what the client read in
    // ServerHello.
    let server_random = random(server, ValueName::ServerRandom).or_else(|| {
        t.events_until(step).find_map(|e| match &e.kind {
            EventKind::Learned(k)
                if e.actor == Actor::Client && k.name == ValueName::ServerRandom =>
            {
                Some(k.value.clone())
            }
            _ => None,
        })
    });
    html! {
        <section>
            <h3>{ "Inputs from the hellos" }</h3>
            { client_random.map(|v| html! { <Value label="client_random" value={v} field={field(ValueName::ClientRandom.as_str())} tone={tone("client")} /> }).unwrap_or_default() }
            { server_random.map(|v| html! { <Value label="server_random" value={v} field={field(ValueName::ServerRandom.as_str())} tone={tone("server")} /> }).unwrap_or_default() }
        </section>
    }
}

/// The master secret, with its inputs (RFC 5246 section 8.1, RFC 7627 section 4).
fn master_section(master: MasterSecretDerivation, client: &Computations) -> Html {
    let MasterSecretDerivation {
        extended,
        premaster,
        label,
        seed,
        master_secret,
    } = master;
    let session = hash(client, "session_hash");
    let encrypted = client.iter().find_map(|c| match c {
        Computation::PremasterEncrypted(p) => Some(p.ciphertext.clone()),
        _ => None,
    });
    html! {
        <section>
            <h3>{ "Master secret" }</h3>
            if extended {
                <p class="math"><code>{ "master_secret = PRF(premaster, \"extended master secret\", session_hash)[0..47]" }</code>{ " (RFC 7627 §4): the seed is the hash of the handshake so far, which binds the keys to this exact handshake." }</p>
                if let Some((messages, h, _)) = &session {
                    <p class="transcript">{ format!("session_hash = {}(", hash_name(h)) }{ messages.join(" + ") }{ ")" }</p>
                    <Value label="session_hash" value={h.clone()} field={field("session_hash")} tone={tone("public")} />
                }
            } else {
                <p class="math"><code>{ "master_secret = PRF(premaster, \"master secret\", client_random + server_random)[0..47]" }</code>{ " (RFC 5246 §8.1)" }</p>
            }
            { encrypted.map(|c| html! {
                <Value label="encrypted premaster (ClientKeyExchange, what the wire carries)" value={c}
                       field={field(ValueName::EncryptedPremaster.as_str())} tone={tone("public")} />
            }).unwrap_or_default() }
            <Value label="premaster (input)" value={premaster} field={field(ValueName::Premaster.as_str())} tone={tone("secret")} />
            <div class="kv"><span>{ "label" }</span><code>{ format!("\"{label}\"") }</code></div>
            <Value label="seed" value={seed} tone={tone("public")} />
            <Value label="master_secret" value={master_secret} field={field(ValueName::MasterSecret.as_str())} tone={tone("secret")} />
        </section>
    }
}

/// The key block and the keys cut from it (RFC 5246 section 6.3).
fn key_block_section(client: &Computations) -> Html {
    let key_block = client.iter().find_map(|c| match c {
        Computation::KeyBlock {
            label,
            seed,
            key_block,
            keys,
        } => Some((label.clone(), seed.clone(), key_block.clone(), keys.clone())),
        _ => None,
    });
    key_block.map(|(label, seed, block, keys)| {
        html! {
            <section>
                <h3>{ "Key block" }</h3>
                <p class="math"><code>{ format!("key_block = PRF(master_secret, \"{label}\", server_random + client_random)") }</code>{ format!(" ({} bytes), cut in the order of RFC 5246 §6.3: {}", block.len(), key_block_parts(&keys)) }</p>
                <Value label="seed" value={seed} tone={tone("public")} />
                <Value label="key_block" value={block} tone={tone("secret")} />
                <div class="slices">
                    { for keys.parts().map(|(name, v, who)| html! {
                        <Value label={name} value={v.clone()} tone={tone(super::actor_name(who))} />
                    }) }
                </div>
            </section>
        }
    })
    .unwrap_or_default()
}

/// What this suite's key block holds, and why (RFC 5246 section 6.3).
fn key_block_parts(keys: &tlslab_core::timeline::KeyBlock) -> String {
    if keys.client_write_mac_key.is_empty() && keys.client_write_iv.len() == 12 {
        "the write key of each direction, then the write IVs: 12 bytes each, XORed with the record's sequence number to make its ChaCha20-Poly1305 nonce (RFC 7905 §2). An AEAD suite needs no MAC keys.".into()
    } else if keys.client_write_mac_key.is_empty() {
        format!(
            "the write key of each direction, then the write IVs: {} bytes each, the implicit part of the GCM nonce (RFC 5288 §3). An AEAD suite needs no MAC keys.",
            keys.client_write_iv.len()
        )
    } else {
        format!(
            "the MAC key of each direction ({} bytes), then the write keys. No write IVs: §6.3 generates them only for implicit nonces, and each CBC record carries its own IV (§6.2.3.2). OpenSSL and Go derive 32 bytes more, two 16-byte IVs they never use; the PRF output is a stream, so the bytes both derive are the same.",
            keys.client_write_mac_key.len()
        )
    }
}

/// Both sides' computations, for the Finished messages each side makes and checks.
struct Sides<'a> {
    t: &'a Shared,
    link: Link,
    client: &'a Computations<'a>,
    server: &'a Computations<'a>,
}

impl Sides<'_> {
    /// `who`'s Finished: the transcript hash and verify_data (RFC 5246 section 7.4.9), and the
    /// peer's check of it.
    fn finished(
        &self,
        who: Actor,
        label: &'static str,
        purpose: &'static str,
        hash_field: &'static str,
        vd_field: &'static str,
    ) -> Html {
        let (list, peer, peer_lane) = if who == self.link.client {
            (self.client, self.server, self.link.server)
        } else {
            (self.server, self.client, self.link.client)
        };
        let name = |a: Actor| super::lane_title(a, self.t.network);
        let h = hash(list, purpose);
        let vd = verify(list, label).filter(|(_, received, _)| received.is_none());
        let checked = verify(peer, label).and_then(|(_, _, m)| m);
        // Recorded by the client alone: the server's Finished as the client checked it.
        let (h, vd, checked, unrecorded) = match (h, vd) {
            (Some(h), Some(vd)) => (Some(h), Some(vd), checked, false),
            _ if self.t.recorded.is_some() && who == self.link.server => {
                let vd = verify(peer, label);
                let checked = vd.as_ref().and_then(|(_, _, m)| *m);
                (hash(peer, purpose), vd, checked, true)
            }
            _ => (None, None, None, false),
        };
        h.zip(vd).map(|((messages, hash, input), (verify_data, _, _))| html! {
            <section>
                <h3>{ format!("{} Finished", name(who)) }</h3>
                if unrecorded {
                    <p class="note" data-not-recorded="server">{ "The server's own computation was not recorded: these are the values the client computed to check the server's Finished." }</p>
                }
                <p class="math"><code>{ format!("verify_data = PRF(master_secret, \"{label}\", {}(handshake_messages))[0..11]", hash_name(&hash)) }</code>{ " (RFC 5246 §7.4.9)" }</p>
                <p class="transcript">{ format!("handshake_messages = {} ({} bytes)", messages.join(" + "), input.len()) }</p>
                <Value label={format!("{} of the transcript ({purpose})", hash_name(&hash))} value={hash} field={field(hash_field)} tone={tone("public")} />
                <Value label="verify_data" value={verify_data} field={field(vd_field)} tone={tone(super::actor_name(who))} />
                { match checked {
                    Some(true) => html! { <p class="verdict ok">{ format!("The {} computed the same value: both ends of this connection saw the same handshake.", name(peer_lane).to_ascii_lowercase()) }</p> },
                    Some(false) => html! { <p class="verdict bad">{ format!("The {} computed a different value and aborts.", name(peer_lane).to_ascii_lowercase()) }</p> },
                    None => html! {},
                } }
            </section>
        }).unwrap_or_default()
    }
}
