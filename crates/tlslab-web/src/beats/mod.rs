//! Beats: what happens inside a step, one small change at a time, each with a one-sentence
//! caption. These steps have several: the Certificate a side validates (the chain arrives,
//! each signature, the validity, the host name, the constraints, the trust anchor; stopping at
//! the first check that fails), the ClientKeyExchange (RSA: the premaster made, padded, locked
//! with the server's key, carried, opened; ECDHE: the client's key pair, its share carried,
//! the same premaster on both sides; then the key schedule), under ECDHE the ServerKeyExchange
//! (the server's key pair, its signature, the share carried, the signature checked) and a
//! Finished (verify_data made, then checked). Every other step is one beat: the message
//! crossing. Every value comes from the timeline.

mod tls13;

use crate::view::lane_title;
use tlslab_core::bytes::Bytes;
use tlslab_core::timeline::{
    Actor, CertCheck, CheckKind, CheckValue, Computation, EventKind, Link, Timeline,
};

/// One beat: a caption and what the drawing shows, left to right.
#[derive(Clone, Debug, PartialEq)]
pub struct Beat {
    pub caption: String,
    pub items: Vec<Item>,
    /// A check's verdict, when the beat is one.
    pub ok: Option<bool>,
}

/// A piece of a beat's drawing.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A value held by `side` (a lane name, for its colour).
    Value {
        label: String,
        value: Bytes,
        side: Actor,
    },
    /// An operation turning what is left of it into what is right of it.
    Op(String),
    /// A short text (a name, a date).
    Text(String),
    /// A period from `from` to `to` with a moment `at` on it (Unix seconds).
    Period {
        from: (u64, String),
        to: (u64, String),
        at: (u64, String),
    },
    Verdict(bool),
}

/// The beats of step `step` (at least one).
pub fn beats(t: &Timeline, step: usize) -> Vec<Beat> {
    let inner = inner(t, step);
    if !inner.is_empty() {
        return inner;
    }
    let caption = crate::story::step_sentence(t, step)
        .or_else(|| t.steps.get(step).map(|s| s.title.clone()))
        .unwrap_or_default();
    vec![Beat {
        caption,
        items: Vec::new(),
        ok: None,
    }]
}

/// How many beats step `step` has (the player asks often: a step of one beat costs no
/// caption).
pub fn count(t: &Timeline, step: usize) -> usize {
    inner(t, step).len().max(1)
}

/// The beats of a step that has several; none for a step that is one beat.
fn inner(t: &Timeline, step: usize) -> Vec<Beat> {
    let Some(s) = t.steps.get(step) else {
        return Vec::new();
    };
    if t.spoke_tls13() {
        return tls13::beats(t, step);
    }
    match (t.link_of(step), s.title.as_str()) {
        (Some(link), "Certificate") => certificate(t, step, link),
        (Some(link), "ServerKeyExchange") => server_key_exchange(t, step, link),
        (Some(link), "ClientKeyExchange") => {
            let rsa = key_exchange(t, step, link);
            if rsa.is_empty() {
                ecdh_key_exchange(t, step, link)
            } else {
                rsa
            }
        }
        (Some(link), "Finished") => finished(t, step, link, s.from),
        (Some(_), "ChangeCipherSpec") => {
            let mut beats = key_schedule(t, step, s.from);
            if !beats.is_empty() {
                beats.push(Beat {
                    caption: crate::story::step_sentence(t, step).unwrap_or_default(),
                    items: vec![
                        Item::Text(lane_title(s.from, t.network).into()),
                        Item::Op("ChangeCipherSpec".into()),
                        Item::Text("protected from here".into()),
                    ],
                    ok: None,
                });
            }
            beats
        }
        _ => Vec::new(),
    }
}

fn name(t: &Timeline, actor: Actor) -> String {
    lane_title(actor, t.network).to_ascii_lowercase()
}

/// What `actor` computed during step `step` itself.
fn computed(t: &Timeline, step: usize, actor: Actor) -> Vec<&Computation> {
    t.step_events(step)
        .filter(|e| e.actor == actor)
        .filter_map(|e| match &e.kind {
            EventKind::Computation(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn input<'c>(c: &'c CertCheck, name: &str) -> Option<&'c CheckValue> {
    c.inputs.iter().find(|i| &*i.name == name).map(|i| &i.value)
}

fn text(v: Option<&CheckValue>) -> String {
    match v {
        Some(CheckValue::Text(s)) => s.clone(),
        Some(CheckValue::List(items)) => items.join(", "),
        Some(CheckValue::Time { utc, .. }) => utc.clone(),
        Some(CheckValue::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn bytes(v: Option<&CheckValue>) -> Option<Bytes> {
    match v {
        Some(CheckValue::Bytes(b)) => Some(b.clone()),
        _ => None,
    }
}

fn time(v: Option<&CheckValue>) -> Option<(u64, String)> {
    match v {
        Some(CheckValue::Time { unix, utc }) => Some((*unix, utc.clone())),
        _ => None,
    }
}

/// The chain validated, beat by beat (RFC 5280 section 6.1), up to the first failing beat.
fn certificate(t: &Timeline, step: usize, link: Link) -> Vec<Beat> {
    let checks: Vec<&CertCheck> = t
        .step_events(step)
        .filter(|e| e.actor == link.client)
        .filter_map(|e| match &e.kind {
            EventKind::CertificateCheck(c) => Some(c),
            _ => None,
        })
        .collect();
    if checks.is_empty() {
        return Vec::new();
    }
    let client = name(t, link.client);
    let chain = crate::view::certificate::chain_as_sent(&checks);
    let section = if t.spoke_tls13() {
        "RFC 8446 §4.4.2"
    } else {
        "RFC 5246 §7.4.2"
    };
    let mut out = vec![Beat {
        caption: format!(
            "The chain arrives: {} certificate{}, the {}'s own first ({section}).",
            chain.len(),
            if chain.len() == 1 { "" } else { "s" },
            name(t, link.server)
        ),
        items: chain.iter().map(|(_, s)| Item::Text(s.clone())).collect(),
        ok: None,
    }];
    let of = |kind: CheckKind| checks.iter().copied().filter(move |c| c.kind == kind);
    // The validator's order (pki::validate): the path to a trust anchor, the signatures along
    // it, the validity periods, the constraints, then the host name.
    if let Some(c) = of(CheckKind::TrustAnchor).next() {
        let root = text(input(c, "anchor"));
        let leaf_is_anchor = c.passed && c.certificate.index == 0 && root == c.certificate.subject;
        out.push(Beat {
            caption: if leaf_is_anchor {
                format!("The {}'s own certificate, {root}, is itself in the {client}'s trust store: the path is that one certificate (RFC 5280 §6.1).", name(t, link.server))
            } else if c.passed {
                format!("The {client} builds the path up to {root}, a root already in its own trust store: the path ends at a trust anchor (RFC 5280 §6.1).")
            } else {
                format!("No root in the {client}'s trust store issued this chain: there is no path to a trust anchor (RFC 5280 §6.1).")
            },
            items: vec![
                Item::Text(if c.passed { root } else { c.certificate.subject.clone() }),
                Item::Op(format!("{client}'s trust store")),
                Item::Verdict(c.passed),
            ],
            ok: Some(c.passed),
        });
    }
    // Each signature, the server's own certificate first.
    for c in of(CheckKind::Signature) {
        let em = bytes(input(c, "recovered_block"));
        let expected = bytes(input(c, "expected_block"));
        let mut items = vec![Item::Text(format!(
            "signed by {}",
            text(input(c, "signer"))
        ))];
        if let Some(s) = bytes(input(c, "signature")) {
            items.push(Item::Value {
                label: "s".into(),
                value: s,
                side: link.server,
            });
        }
        items.push(Item::Op("s^e mod n".into()));
        if let Some(em) = em {
            items.push(Item::Value {
                label: "EM".into(),
                value: em,
                side: link.client,
            });
        }
        items.push(Item::Op(if c.passed { "=" } else { "≠" }.into()));
        if let Some(expected) = expected {
            items.push(Item::Value {
                label: format!(
                    "EM' from {}(tbsCertificate)",
                    text(input(c, "hash_algorithm"))
                ),
                value: expected,
                side: link.client,
            });
        }
        items.push(Item::Verdict(c.passed));
        out.push(Beat {
            caption: format!(
                "{}: the issuer's public key opens the signature (s^e mod n = EM), and EM {} the encoding of the certificate's hash (RFC 8017 §8.2.2).",
                c.certificate.subject,
                if c.passed { "equals" } else { "does not equal" }
            ),
            items,
            ok: Some(c.passed),
        });
    }
    // The validity of the first certificate that fails it, else of the server's own.
    let validity: Vec<&CertCheck> = of(CheckKind::Validity).collect();
    if let Some(c) = validity
        .iter()
        .find(|c| !c.passed)
        .or(validity.first())
        .copied()
    {
        let period = time(input(c, "not_before"))
            .zip(time(input(c, "not_after")))
            .zip(time(input(c, "now")));
        let failed = validity.iter().filter(|c| !c.passed).count();
        out.push(Beat {
            caption: match &period {
                Some((_, (_, now))) if c.passed => format!("The {client}'s clock, {now}, lies inside the validity period of every certificate on the path; the bar shows the server's own (RFC 5280 §6.1.3 (a)(2))."),
                Some((_, (_, now))) => format!("The {client}'s clock, {now}, lies outside the validity period of {}{} (RFC 5280 §6.1.3 (a)(2)).", c.certificate.subject, match failed { 0 | 1 => String::new(), n => format!(" and of {} other certificate{}", n - 1, if n == 2 { "" } else { "s" }) }),
                None => c.explanation.clone(),
            },
            items: period
                .map(|((from, to), at)| vec![Item::Period { from, to, at }, Item::Verdict(c.passed)])
                .unwrap_or_default(),
            ok: Some(c.passed),
        });
    }
    let constraints: Vec<&CertCheck> = checks
        .iter()
        .copied()
        .filter(|c| {
            matches!(
                c.kind,
                CheckKind::BasicConstraints
                    | CheckKind::KeyUsage
                    | CheckKind::ExtendedKeyUsage
                    | CheckKind::KeySize
            )
        })
        .collect();
    if !constraints.is_empty() {
        let failed: Vec<&CertCheck> = constraints.iter().copied().filter(|c| !c.passed).collect();
        out.push(Beat {
            caption: match failed.first() {
                None => "basicConstraints, keyUsage and extKeyUsage allow each certificate its role, CA or server (RFC 5280 §4.2.1.9, §4.2.1.3, §4.2.1.12), and each key is long enough for this client's policy.".into(),
                Some(c) => format!("{}: {} ({})", c.certificate.subject, c.explanation, c.rfc),
            },
            items: vec![Item::Verdict(failed.is_empty())],
            ok: Some(failed.is_empty()),
        });
    }
    if let Some(c) = of(CheckKind::HostName).next() {
        out.push(Beat {
            caption: if c.passed {
                format!(
                    "The {client} asked for {}, and the certificate covers it (RFC 6125 §6.4).",
                    text(input(c, "server_name"))
                )
            } else {
                format!("{} (RFC 6125 §6.4)", c.explanation)
            },
            items: vec![
                Item::Text(text(input(c, "server_name"))),
                Item::Op(if c.passed { "∈" } else { "∉" }.into()),
                Item::Text(text(input(c, "san_dns_names"))),
                Item::Verdict(c.passed),
            ],
            ok: Some(c.passed),
        });
    }
    // A failing chain stops on its first failing beat: the alert is the next step.
    if let Some(first_bad) = out.iter().position(|b| b.ok == Some(false)) {
        out.truncate(first_bad + 1);
    }
    out
}

/// The premaster made, padded, locked with the server's key, carried and opened; then both ends
/// derive the master secret and the key block (RFC 5246 sections 7.4.7.1, 8.1, 6.3).
fn key_exchange(t: &Timeline, step: usize, link: Link) -> Vec<Beat> {
    let client_side = computed(t, step, link.client);
    let server_side = computed(t, step, link.server);
    let Some(p) = client_side.iter().find_map(|c| match c {
        Computation::PremasterEncrypted(p) => Some(p),
        _ => None,
    }) else {
        return Vec::new();
    };
    let (client, server) = (name(t, link.client), name(t, link.server));
    let k = p.pkcs1_block.len();
    let tampered = t
        .step_events(step)
        .any(|e| matches!(e.kind, EventKind::Tampered { .. }));
    // The network lane is a third party, not one of this connection's ends.
    let third_party = t.scenario != tlslab_core::scenario::Scenario::Happy
        && ![link.client, link.server].contains(&Actor::Network);
    let mut out = vec![
        Beat {
            caption: format!(
                "The {client} makes the premaster secret: 03 03 (TLS 1.2) and 46 random bytes, 48 in all (RFC 5246 §7.4.7.1)."
            ),
            items: vec![Item::Value {
                label: "premaster".into(),
                value: p.premaster.clone(),
                side: link.client,
            }],
            ok: None,
        },
        Beat {
            caption: format!(
                "PKCS#1 v1.5 pads it to the modulus size, {k} bytes: 00 02, {} non-zero random bytes, 00, then the secret (RFC 8017 §7.2.1).",
                k.saturating_sub(p.premaster.len() + 3)
            ),
            items: vec![
                Item::Value {
                    label: "premaster".into(),
                    value: p.premaster.clone(),
                    side: link.client,
                },
                Item::Op("pad".into()),
                Item::Value {
                    label: "EM".into(),
                    value: p.pkcs1_block.clone(),
                    side: link.client,
                },
            ],
            ok: None,
        },
        Beat {
            caption: format!(
                "The block is raised to e mod n, with the {}-bit key from the certificate the {client} validated: only the private key can undo it (RFC 8017 §7.2.1).",
                p.modulus_bits
            ),
            items: vec![
                Item::Value {
                    label: "EM".into(),
                    value: p.pkcs1_block.clone(),
                    side: link.client,
                },
                Item::Op("^e mod n".into()),
                Item::Value {
                    label: "ciphertext".into(),
                    value: p.ciphertext.clone(),
                    side: link.client,
                },
            ],
            ok: None,
        },
        Beat {
            caption: if tampered {
                format!(
                    "The ciphertext rides ClientKeyExchange towards the {server}, but the attacker on the wire swaps it for a ciphertext of its own."
                )
            } else if third_party && t.network == tlslab_core::scenario::NetworkRole::Observer {
                format!(
                    "The ciphertext rides ClientKeyExchange to the {server}; the observer on the wire keeps a copy, which it can open only with the {server}'s private key."
                )
            } else {
                format!(
                    "The ciphertext rides ClientKeyExchange to the {server}; anyone on the wire can copy it, nobody without the {server}'s private key can open it."
                )
            },
            items: vec![
                Item::Value {
                    label: "ciphertext".into(),
                    value: p.ciphertext.clone(),
                    side: link.client,
                },
                Item::Op("ClientKeyExchange →".into()),
                Item::Text(lane_title(link.server, t.network).into()),
            ],
            ok: None,
        },
    ];
    if let Some((arrived, premaster)) = server_side.iter().find_map(|c| match c {
        Computation::PremasterDecrypted {
            ciphertext,
            premaster,
        } => Some((ciphertext, premaster)),
        _ => None,
    }) {
        let same = *premaster == p.premaster;
        out.push(Beat {
            caption: if same {
                format!("The {server} raises it to its private d mod n and strips the padding: the same 48 bytes (RFC 8017 §7.2.2).")
            } else if *arrived != p.ciphertext {
                format!("The ciphertext that arrived is not the one sent. The {server} ends up with other 48 bytes and says nothing: whatever the padding held, it carries on silently (RFC 5246 §7.4.7.1), so the mismatch shows only at Finished.")
            } else {
                format!("The {server} ends up with other 48 bytes and says nothing (RFC 5246 §7.4.7.1): the mismatch shows only at Finished.")
            },
            items: vec![
                Item::Value { label: "ciphertext".into(), value: arrived.clone(), side: link.server },
                Item::Op("^d mod n, unpad".into()),
                Item::Value { label: "premaster".into(), value: premaster.clone(), side: link.server },
                Item::Verdict(same),
            ],
            ok: Some(same),
        });
    }
    out.extend(key_schedule(t, step, link.server));
    out
}

/// A key pair made during step `step` by `who`: (group, private, public).
fn key_pair(t: &Timeline, step: usize, who: Actor) -> Option<(String, Bytes, Bytes)> {
    computed(t, step, who).into_iter().find_map(|c| match c {
        Computation::EcdhKeyPair {
            group,
            private,
            public,
        } => Some((group.clone(), private.clone(), public.clone())),
        _ => None,
    })
}

/// The beat of `who` making its ephemeral key pair: the private key stays, the share goes.
fn key_pair_beat(
    t: &Timeline,
    who: Actor,
    (group, private, public): &(String, Bytes, Bytes),
) -> Beat {
    let name = name(t, who);
    Beat {
        caption: format!(
            "The {name} makes a fresh {group} key pair for this handshake alone: a random private key, which never leaves it, and the public share computed from it (RFC 8422 §5.4, §5.7{}).",
            if group == "x25519" {
                "; RFC 7748 §6.1"
            } else {
                ""
            }
        ),
        items: vec![
            Item::Value {
                label: format!("{name}'s private key"),
                value: private.clone(),
                side: who,
            },
            Item::Op(if group == "x25519" {
                "X25519(k, 9)".into()
            } else {
                "k × G".into()
            }),
            Item::Value {
                label: format!("{name}'s share"),
                value: public.clone(),
                side: who,
            },
        ],
        ok: None,
    }
}

/// ECDHE's ServerKeyExchange (RFC 8422 section 5.4): the server's key pair and signature, the
/// share crossing (and perhaps swapped on the way), the client checking the signature.
fn server_key_exchange(t: &Timeline, step: usize, link: Link) -> Vec<Beat> {
    let (client, server) = (name(t, link.client), name(t, link.server));
    let signature = |who| {
        computed(t, step, who).into_iter().find_map(|c| match c {
            Computation::KeyExchangeSignature {
                scheme,
                signed,
                signature,
                verified,
            } => Some((scheme.clone(), signed.clone(), signature.clone(), *verified)),
            _ => None,
        })
    };
    let mut out = Vec::new();
    // The server's side, when it was recorded (a run recorded by the client alone has none).
    if let Some(pair) = key_pair(t, step, link.server) {
        out.push(key_pair_beat(t, link.server, &pair));
        if let Some((scheme, signed, signature, _)) = signature(link.server) {
            out.push(Beat {
                caption: format!(
                    "The {server} signs client_random + server_random + ServerECDHParams (the curve type, the group and its share) with the certificate's private key ({scheme}): the share is bound to this handshake and to the certificate (RFC 8422 §5.4)."
                ),
                items: vec![
                    Item::Value { label: "randoms + params".into(), value: signed, side: link.server },
                    Item::Op(format!("sign ({scheme})")),
                    Item::Value { label: "signature".into(), value: signature, side: link.server },
                ],
                ok: None,
            });
        }
        let tampered = t
            .step_events(step)
            .any(|e| matches!(e.kind, EventKind::Tampered { .. }));
        out.push(Beat {
            caption: if tampered {
                format!("ServerKeyExchange travels towards the {client}, but the attacker on the wire replaces the share with its own and leaves the signature as it was.")
            } else {
                format!("ServerKeyExchange carries the share and the signature to the {client}, in the clear: anyone can read them, and that is fine, the share is public.")
            },
            items: vec![
                Item::Value { label: format!("{server}'s share"), value: pair.2.clone(), side: link.server },
                Item::Op("ServerKeyExchange →".into()),
                Item::Text(lane_title(link.client, t.network).into()),
            ],
            ok: None,
        });
    }
    if let Some((scheme, signed, _, Some(valid))) = signature(link.client) {
        out.push(Beat {
            caption: if valid {
                format!("The {client} checks the signature with the public key of the certificate it validated ({scheme}): it verifies, so this share is the {server}'s.")
            } else {
                format!("The {client} checks the signature with the certificate's public key ({scheme}): it does not verify over the share that arrived, so someone other than the certificate's holder chose it (RFC 5246 §7.2.2: decrypt_error).")
            },
            items: vec![
                Item::Value { label: "randoms + params, as received".into(), value: signed, side: link.client },
                Item::Op("verify".into()),
                Item::Verdict(valid),
            ],
            ok: Some(valid),
        });
    }
    out
}

/// ECDHE's ClientKeyExchange (RFC 8422 sections 5.7 and 5.10): the client's key pair and the
/// premaster it computes, its share crossing, the server computing the same premaster; then
/// the key schedule.
fn ecdh_key_exchange(t: &Timeline, step: usize, link: Link) -> Vec<Beat> {
    let Some(pair) = key_pair(t, step, link.client) else {
        return Vec::new();
    };
    let shared = |who| {
        computed(t, step, who).into_iter().find_map(|c| match c {
            Computation::EcdhSharedSecret {
                peer_public,
                premaster,
                ..
            } => Some((peer_public.clone(), premaster.clone())),
            _ => None,
        })
    };
    let (client, server) = (name(t, link.client), name(t, link.server));
    let group = pair.0.clone();
    let mut out = vec![key_pair_beat(t, link.client, &pair)];
    let client_premaster = shared(link.client);
    if let Some((server_share, premaster)) = &client_premaster {
        out.push(Beat {
            caption: format!(
                "The {client} combines its private key with the {server}'s share: {group}(private key, {server}'s share) is the premaster (RFC 8422 §5.10)."
            ),
            items: vec![
                Item::Value { label: format!("{client}'s private key"), value: pair.1.clone(), side: link.client },
                Item::Value { label: format!("{server}'s share"), value: server_share.clone(), side: link.client },
                Item::Op(group.clone()),
                Item::Value { label: "premaster".into(), value: premaster.clone(), side: link.client },
            ],
            ok: None,
        });
    }
    let observer = t.network == tlslab_core::scenario::NetworkRole::Observer
        && ![link.client, link.server].contains(&Actor::Network)
        && t.scenario != tlslab_core::scenario::Scenario::Happy;
    out.push(Beat {
        caption: if observer {
            format!("Its share rides ClientKeyExchange to the {server}. The observer keeps a copy and now holds both shares, yet no private key: it cannot compute the premaster.")
        } else {
            format!("Its share rides ClientKeyExchange to the {server}. Anyone on the wire can copy both shares; without one of the private keys nobody can compute the premaster from them.")
        },
        items: vec![
            Item::Value { label: format!("{client}'s share"), value: pair.2.clone(), side: link.client },
            Item::Op("ClientKeyExchange →".into()),
            Item::Text(lane_title(link.server, t.network).into()),
        ],
        ok: None,
    });
    if let Some((client_share, premaster)) = shared(link.server) {
        let same = client_premaster
            .as_ref()
            .is_some_and(|(_, p)| *p == premaster);
        out.push(Beat {
            caption: if same {
                format!("The {server} combines its own private key with the {client}'s share and gets the same premaster: neither private key was ever sent.")
            } else {
                format!("The {server} combines its private key with the share that arrived and gets another premaster: the mismatch shows at Finished.")
            },
            items: vec![
                Item::Value { label: format!("{client}'s share"), value: client_share, side: link.server },
                Item::Op(format!("{group} with the {server}'s private key")),
                Item::Value { label: "premaster".into(), value: premaster, side: link.server },
                Item::Verdict(same),
            ],
            ok: Some(same),
        });
    }
    out.extend(key_schedule(t, step, link.server));
    out
}

/// The master secret and the key block, as `who` derives them during step `step` (RFC 5246
/// sections 8.1 and 6.3, RFC 7627 section 4): the server on receiving ClientKeyExchange, the
/// client as it switches to the new keys.
fn key_schedule(t: &Timeline, step: usize, who: Actor) -> Vec<Beat> {
    let mut out = Vec::new();
    let name = name(t, who);
    for c in computed(t, step, who) {
        match c {
            Computation::MasterSecret(m) => out.push(Beat {
                caption: format!(
                    "The {name} derives the master secret: PRF(premaster, \"{}\", {}) gives 48 bytes ({}).",
                    m.label,
                    if m.extended { "session_hash" } else { "client_random + server_random" },
                    if m.extended { "RFC 7627 §4" } else { "RFC 5246 §8.1" }
                ),
                items: vec![
                    Item::Value { label: "premaster".into(), value: m.premaster.clone(), side: who },
                    Item::Value { label: if m.extended { "session_hash".into() } else { "randoms".into() }, value: m.seed.clone(), side: who },
                    Item::Op("PRF".into()),
                    Item::Value { label: "master_secret".into(), value: m.master_secret.clone(), side: who },
                ],
                ok: None,
            }),
            Computation::KeyBlock { key_block, keys, .. } => {
                let mut items = vec![
                    Item::Value { label: "key_block".into(), value: key_block.clone(), side: who },
                    Item::Op("cut".into()),
                ];
                items.extend(keys.parts().map(|(label, value, _)| Item::Value {
                    label: label.into(),
                    value: value.clone(),
                    side: who,
                }));
                out.push(Beat {
                    caption: format!("PRF(master_secret, \"key expansion\", server_random + client_random) gives the {name} the {}-byte key block, cut into the keys this suite uses (RFC 5246 §6.3).", key_block.len()),
                    items,
                    ok: None,
                });
            }
            _ => {}
        }
    }
    out
}

/// verify_data made by the sender, then recomputed by the receiver (RFC 5246 section 7.4.9).
fn finished(t: &Timeline, step: usize, link: Link, sender: Actor) -> Vec<Beat> {
    let receiver = if sender == link.client {
        link.server
    } else {
        link.client
    };
    let made = computed(t, step, sender).into_iter().find_map(|c| match c {
        Computation::VerifyData {
            label,
            handshake_hash,
            verify_data,
            received: None,
            ..
        } => Some((label, handshake_hash, verify_data)),
        _ => None,
    });
    let Some((label, hash, vd)) = made else {
        return Vec::new();
    };
    let messages = computed(t, step, sender)
        .into_iter()
        .find_map(|c| match c {
            Computation::TranscriptHash { messages, .. } => Some(messages.len()),
            _ => None,
        })
        .unwrap_or_default();
    let (from, to) = (name(t, sender), name(t, receiver));
    let mut out = vec![Beat {
        caption: format!(
            "The {from} hashes the {messages} handshake messages so far and computes verify_data = PRF(master_secret, \"{label}\", hash): 12 bytes (RFC 5246 §7.4.9)."
        ),
        items: vec![
            Item::Value {
                label: "hash".into(),
                value: hash.clone(),
                side: sender,
            },
            Item::Op("PRF".into()),
            Item::Value {
                label: "verify_data".into(),
                value: vd.clone(),
                side: sender,
            },
        ],
        ok: None,
    }];
    if let Some((mine, received, matches)) =
        computed(t, step, receiver)
            .into_iter()
            .find_map(|c| match c {
                Computation::VerifyData {
                    label: l,
                    verify_data,
                    received: Some(r),
                    matches: Some(m),
                    ..
                } if l == label => Some((verify_data, r, *m)),
                _ => None,
            })
    {
        out.push(Beat {
            caption: if matches {
                format!("The {to} computes verify_data over its own transcript and gets the same 12 bytes: both saw the same handshake and hold the same master secret.")
            } else {
                format!("The {to} computes verify_data over its own transcript and gets other bytes: the handshake was changed, or the keys differ.")
            },
            items: vec![
                Item::Value { label: "received".into(), value: received.clone(), side: sender },
                Item::Op(if matches { "=" } else { "≠" }.into()),
                Item::Value { label: format!("{to}'s own"), value: mine.clone(), side: receiver },
                Item::Verdict(matches),
            ],
            ok: Some(matches),
        });
    }
    out
}
