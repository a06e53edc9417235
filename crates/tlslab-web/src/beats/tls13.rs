//! The beats of a TLS 1.3 step (RFC 8446 unless another RFC is named): the key schedule as the
//! client ran it, one HKDF step per beat, from its key pair through the shared secret, each
//! Extract and each Expand-Label, to the traffic keys and IVs; the CertificateVerify signature
//! checked; each Finished computed and compared. Every value is the run's own.

use super::{Beat, Item, certificate, computed, name};
use tlslab_core::bytes::Bytes;
use tlslab_core::timeline::{Actor, Computation, Timeline};

/// The beats of step `step` of a TLS 1.3 run; none for a step of one beat.
pub(super) fn beats(t: &Timeline, step: usize) -> Vec<Beat> {
    let Some(s) = t.steps.get(step) else {
        return Vec::new();
    };
    let Some(link) = t.link_of(step) else {
        return Vec::new();
    };
    if s.title == "Certificate" {
        return certificate(t, step, link);
    }
    // The client's view, as the page is the client's; and what the server checks of it.
    let mut out = Vec::new();
    let names = Names::of(t, step, link.client);
    for c in computed(t, step, link.client) {
        out.extend(beat(t, link.client, link.server, c, &names));
    }
    for c in computed(t, step, link.server) {
        if matches!(
            c,
            Computation::EcdhSharedSecret { .. }
                | Computation::VerifyData {
                    received: Some(_),
                    ..
                }
        ) {
            out.extend(beat(
                t,
                link.server,
                link.server,
                c,
                &Names::of(t, step, link.server),
            ));
        }
    }
    // A step of one beat is told by its sentence alone.
    if out.len() < 2 { Vec::new() } else { out }
}

/// The names of the secrets `actor` derived up to step `step`, for the labels of later beats.
struct Names(Vec<(Bytes, String)>);

impl Names {
    fn of(t: &Timeline, step: usize, actor: Actor) -> Names {
        let link = t.link_of(step);
        let mut names = Vec::new();
        for c in link
            .into_iter()
            .flat_map(|l| t.computations_on(step, l, actor))
        {
            match c {
                Computation::HkdfExtract { name, secret, .. } => {
                    names.push((secret.clone(), format!("{name} secret")))
                }
                Computation::HkdfExpandLabel { label, output, .. } => {
                    names.push((output.clone(), secret_name(label).to_string()))
                }
                Computation::EcdhSharedSecret { premaster, .. } => {
                    names.push((premaster.clone(), "shared secret".into()))
                }
                _ => {}
            }
        }
        Names(names)
    }

    fn name(&self, value: &Bytes) -> String {
        self.0
            .iter()
            .rev()
            .find(|(v, _)| v == value)
            .map_or_else(|| "secret".into(), |(_, n)| n.clone())
    }
}

/// The RFC's name for what HKDF-Expand-Label with `label` makes (section 7.1).
fn secret_name(label: &str) -> &str {
    match label {
        "derived" => "derived",
        "c hs traffic" => "client_handshake_traffic_secret",
        "s hs traffic" => "server_handshake_traffic_secret",
        "c ap traffic" => "client_application_traffic_secret_0",
        "s ap traffic" => "server_application_traffic_secret_0",
        "exp master" => "exporter_master_secret",
        "res master" => "resumption_master_secret",
        "traffic upd" => "the next application traffic secret",
        "finished" => "finished_key",
        other => other,
    }
}

fn value(label: impl Into<String>, value: &Bytes, side: Actor) -> Item {
    Item::Value {
        label: label.into(),
        value: value.clone(),
        side,
    }
}

/// The beat of one computation by `who`, if it is one worth a beat; `signer` is the end that
/// signs CertificateVerify on this connection (with a man in the middle, the attacker).
fn beat(t: &Timeline, who: Actor, signer: Actor, c: &Computation, names: &Names) -> Option<Beat> {
    let name = name(t, who);
    let (caption, items, ok) = match c {
        Computation::Random { name: n, value: v } => (
            format!("The {name} makes its 32-byte random (RFC 8446 §4.1.2)."),
            vec![value(n.as_str(), v, who)],
            None,
        ),
        Computation::EcdhKeyPair { group, private, public } => (
            format!("The {name} makes a fresh {group} key pair: the private key never leaves it, the public share goes into key_share (§4.2.8)."),
            vec![
                value(format!("{name}'s private key"), private, who),
                Item::Op(if group == "x25519" { "X25519(k, 9)".into() } else { "k × G".into() }),
                value(format!("{name}'s share"), public, who),
            ],
            None,
        ),
        Computation::EcdhSharedSecret { group, peer_public, premaster } => (
            format!(
                "The {name} combines its private key with the other side's share: the shared secret, which never crosses the wire (§7.4{}).",
                if group == "x25519" { ", RFC 7748 §6.1" } else { ".2" }
            ),
            vec![
                value("the other side's share", peer_public, who),
                Item::Op(group.clone()),
                value("shared secret", premaster, who),
            ],
            None,
        ),
        Computation::TranscriptHash { messages, hash, .. } => (
            format!(
                "Transcript-Hash: the hash of the {} handshake messages so far, {} (§4.4.1).",
                messages.len(),
                match messages.as_slice() {
                    [first, .., last] => format!("{first} to {last}"),
                    [one] => one.clone(),
                    [] => String::new(),
                }
            ),
            vec![
                Item::Text(messages.join(" + ")),
                Item::Op("Hash".into()),
                value("transcript hash", hash, who),
            ],
            None,
        ),
        Computation::HkdfExtract { name: stage, salt, ikm, secret } => (
            match stage.as_str() {
                "early" => "With no pre-shared key, the early secret is HKDF-Extract over zeros (§7.1).".to_string(),
                "handshake" => "The handshake secret = HKDF-Extract(derived, shared secret): from here every secret depends on the (EC)DHE output (§7.1).".into(),
                "master" => "The master secret = HKDF-Extract(derived, zeros) (§7.1).".into(),
                other => format!("The {other} secret = HKDF-Extract(salt, IKM) (§7.1)."),
            },
            vec![
                value(if salt.is_empty() { "salt: zeros".to_string() } else { format!("salt: {}", names.name(salt)) }, salt, who),
                value(format!("IKM: {}", if ikm.0.iter().all(|b| *b == 0) { "zeros".into() } else { names.name(ikm) }), ikm, who),
                Item::Op("HKDF-Extract".into()),
                value(format!("{stage} secret"), secret, who),
            ],
            None,
        ),
        Computation::HkdfExpandLabel { label, secret, context, output, .. } => {
            let from = names.name(secret);
            let caption = match label.as_str() {
                "derived" => format!("Derive-Secret({from}, \"derived\", \"\"): the salt of the next Extract (§7.1)."),
                "key" | "iv" => format!("HKDF-Expand-Label({from}, \"{label}\", \"\", {}): a write {} (§7.3).", output.len(), if label == "key" { "key" } else { "IV" }),
                "finished" => format!("finished_key = HKDF-Expand-Label({from}, \"finished\", \"\", Hash.length) (§4.4.4)."),
                "traffic upd" => format!("After a KeyUpdate, the next application traffic secret = HKDF-Expand-Label({from}, \"traffic upd\", \"\", Hash.length) (§7.2)."),
                _ => format!("{} = Derive-Secret({from}, \"{label}\", transcript hash) (§7.1).", secret_name(label)),
            };
            let mut items = vec![value(from, secret, who)];
            if !context.is_empty() {
                items.push(value("transcript hash", context, who));
            }
            items.push(Item::Op(format!("Expand-Label \"{label}\"")));
            items.push(value(secret_name(label), output, who));
            (caption, items, None)
        }
        Computation::KeyExchangeSignature { scheme, signed, signature, verified: Some(ok) } => (
            format!(
                "The {name} checks the CertificateVerify signature ({scheme}) over 64 spaces, \"TLS 1.3, server CertificateVerify\", a zero byte and the transcript hash, with the certificate's public key (§4.4.3): {}.",
                if *ok { "it verifies" } else { "it does not verify" }
            ),
            vec![
                value("signed content", signed, who),
                value("signature", signature, signer),
                Item::Op("verify".into()),
                Item::Verdict(*ok),
            ],
            Some(*ok),
        ),
        Computation::VerifyData { handshake_hash, verify_data, received: None, .. } => (
            format!("The {name} computes its Finished: verify_data = HMAC(finished_key, transcript hash) (§4.4.4)."),
            vec![
                value("transcript hash", handshake_hash, who),
                Item::Op("HMAC".into()),
                value("verify_data", verify_data, who),
            ],
            None,
        ),
        Computation::VerifyData { verify_data, received: Some(got), matches, .. } => {
            let ok = matches.unwrap_or(verify_data == got);
            (
                format!(
                    "The {name} computes the same HMAC over its own transcript and compares it with the one that arrived: {} (§4.4.4).",
                    if ok { "they match" } else { "they differ, and it stops with decrypt_error" }
                ),
                vec![
                    value("computed", verify_data, who),
                    Item::Op("=?".into()),
                    value("received", got, who),
                    Item::Verdict(ok),
                ],
                Some(ok),
            )
        }
        _ => return None,
    };
    Some(Beat { caption, items, ok })
}
