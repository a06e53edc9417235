//! The certificate validation panel: the chain as the client saw it, and every check with its
//! inputs and verdict, including the signature maths (RFC 5280 section 6.1, RFC 8017 8.2.2).

use super::value::Value;
use crate::state::Shared;
use tlslab_core::timeline::{CertCheck, CheckKind, CheckValue, EventKind, Link};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CertificateProps {
    pub timeline: Shared,
    pub step: usize,
    /// The connection shown (one of two when a man in the middle relays).
    pub link: Link,
}

fn kind_id(kind: CheckKind) -> &'static str {
    match kind {
        CheckKind::Parse => "parse",
        CheckKind::Signature => "signature",
        CheckKind::Validity => "validity",
        CheckKind::BasicConstraints => "basic_constraints",
        CheckKind::KeyUsage => "key_usage",
        CheckKind::ExtendedKeyUsage => "extended_key_usage",
        CheckKind::HostName => "host_name",
        CheckKind::TrustAnchor => "trust_anchor",
        CheckKind::KeySize => "key_size",
    }
}

fn kind_title(kind: CheckKind) -> &'static str {
    match kind {
        CheckKind::Parse => "Decodes as X.509",
        CheckKind::Signature => "Signature by the issuer",
        CheckKind::Validity => "Validity period",
        CheckKind::BasicConstraints => "Basic constraints",
        CheckKind::KeyUsage => "Key usage",
        CheckKind::ExtendedKeyUsage => "Extended key usage",
        CheckKind::HostName => "Host name",
        CheckKind::TrustAnchor => "Path to a trusted root",
        CheckKind::KeySize => "Key size",
    }
}

#[function_component(CertificatePanel)]
pub fn certificate_panel(props: &CertificateProps) -> Html {
    let t = &props.timeline;
    let link = props.link;
    let client = super::lane_title(link.client, t.network).to_ascii_lowercase();
    let server = super::lane_title(link.server, t.network).to_ascii_lowercase();
    let checks: Vec<&CertCheck> = t
        .events_on(props.step, link)
        .filter_map(|e| match &e.kind {
            EventKind::CertificateCheck(c) if e.actor == link.client => Some(c),
            _ => None,
        })
        .collect();
    if checks.is_empty() {
        return html! {
            <p class="empty">{ format!("The {client} validates the {server}'s certificate chain when the Certificate message arrives{}.", super::step_on(t, Some(link), "Certificate")) }</p>
        };
    }
    let certs = chain_as_sent(&checks);
    let passed = checks.iter().all(|c| c.passed);
    html! {
        <div class="cert-panel">
            <p class={classes!("verdict", if passed { "ok" } else { "bad" })}>
                { if passed {
                    format!("Every check passed: the {client} trusts this chain, locally, without contacting anyone.")
                } else {
                    format!("A check failed: the {client} refuses the chain and ends the handshake with an alert.")
                } }
            </p>
            <ol class="chain" aria-label="Certificate chain, as sent">
                { for certs.iter().map(|(i, subject)| card(*i, subject, &checks, &server)) }
                { trust_store(&checks, &certs, &client, &server) }
            </ol>
        </div>
    }
}

/// One certificate as a card a person can read (subject, issuer, validity, the names it
/// covers, its key), with the checks made on it below; each check's maths is one click away.
fn card(index: usize, subject: &str, checks: &[&CertCheck], server: &str) -> Html {
    let mine: Vec<&CertCheck> = checks
        .iter()
        .copied()
        .filter(|c| c.certificate.index == index)
        .collect();
    // The decoded fields, from the checks' inputs (the Parse check lists them).
    let field = |name: &str| {
        mine.iter().flat_map(|c| &c.inputs).find_map(|i| {
            (&*i.name == name).then(|| match &i.value {
                CheckValue::Text(s) => s.clone(),
                CheckValue::Time { utc, .. } => utc.clone(),
                CheckValue::List(items) => items.join(", "),
                CheckValue::Number(n) => n.to_string(),
                CheckValue::Bool(b) => b.to_string(),
                CheckValue::Bytes(b) => b.hex(),
            })
        })
    };
    let rows = [
        ("Issuer", field("issuer")),
        (
            "Valid",
            field("not_before")
                .zip(field("not_after"))
                .map(|(from, to)| format!("{from} to {to}")),
        ),
        ("Names", field("san_dns_names")),
        ("Key", field("public_key")),
    ];
    let passed = mine.iter().all(|c| c.passed);
    html! {
        <li class={classes!("cert-card", if mine.is_empty() { "unused" } else if passed { "ok" } else { "bad" })} data-cert={index.to_string()}>
            <header>
                <span class="badge">{ if index == 0 { format!("the {server}'s own") } else { format!("certificate {index}") } }</span>
                <code class="subject">{ subject }</code>
            </header>
            if mine.is_empty() {
                <p class="note">{ "Sent, but not on the path: the client does not use it." }</p>
            } else {
                <dl>
                    { for rows.iter().filter_map(|(label, value)| value.as_ref().map(|v| html! {
                        <><dt>{ *label }</dt><dd>{ v }</dd></>
                    })) }
                </dl>
                <ul class="checks">
                    { for mine.iter().map(|c| check_view(c)) }
                </ul>
            }
        </li>
    }
}

/// The certificates in the order they were sent (0 = the server's own): those checked, and
/// those the path did not use (listed by the trust check as "index: subject").
pub fn chain_as_sent(checks: &[&CertCheck]) -> Vec<(usize, String)> {
    let mut certs: Vec<(usize, String)> = Vec::new();
    let unused = checks
        .iter()
        .flat_map(|c| &c.inputs)
        .filter(|i| i.name == "unused_certificates");
    let unused = unused.flat_map(|i| match &i.value {
        CheckValue::List(items) => items.clone(),
        _ => Vec::new(),
    });
    let unused = unused.filter_map(|item| {
        let (index, subject) = item.split_once(": ")?;
        Some((index.parse().ok()?, subject.to_string()))
    });
    let checked = checks
        .iter()
        .map(|c| (c.certificate.index, c.certificate.subject.clone()));
    for (index, subject) in checked.chain(unused) {
        if !certs.iter().any(|(i, _)| *i == index) {
            certs.push((index, subject));
        }
    }
    certs.sort();
    certs
}

/// Where the path ends: the root in the client's trust store, and whether the server sent a copy
/// of it, which RFC 5246 section 7.4.2 and RFC 8446 section 4.4.2 allow ("MAY be omitted") and
/// the client ignores.
fn trust_store(
    checks: &[&CertCheck],
    sent: &[(usize, String)],
    client: &str,
    server: &str,
) -> Html {
    let Some(trust) = checks.iter().find(|c| c.kind == CheckKind::TrustAnchor) else {
        return html! {};
    };
    let anchor = trust
        .inputs
        .iter()
        .find_map(|i| match (&*i.name, &i.value) {
            ("anchor", CheckValue::Text(subject)) => Some(subject.clone()),
            _ => None,
        });
    // The section of the run's own version, as its trust check cites it.
    let section = if trust.rfc.contains("RFC 8446") {
        "RFC 8446 §4.4.2"
    } else {
        "RFC 5246 §7.4.2"
    };
    let text = match anchor {
        None => format!("no root in the {client}'s trust store issued this chain"),
        Some(root) => match sent.iter().find(|(_, subject)| *subject == root) {
            Some((i, _)) => format!(
                "{root}: the {client}'s own copy. The {server} sent one too (certificate {i}), which {section} allows; the {client} relies on its own."
            ),
            None => format!(
                "{root}: already on the {client}; the {server} did not send it, which {section} allows (it MAY be omitted)."
            ),
        },
    };
    html! {
        <li class="anchor" data-field="trust_store"><span class="badge">{ "trust store" }</span>{ text }</li>
    }
}

fn check_view(c: &CertCheck) -> Html {
    let inputs = c.inputs.iter().map(|i| match &i.value {
        CheckValue::Bytes(b) => html! { <Value label={i.label.to_string()} value={b.clone()} tone={Some(AttrValue::from("public"))} /> },
        CheckValue::Text(s) => html! { <div class="kv"><span>{ i.label.to_string() }</span><code>{ s }</code></div> },
        CheckValue::Number(n) => html! { <div class="kv"><span>{ i.label.to_string() }</span><code>{ n }</code></div> },
        CheckValue::Bool(b) => html! { <div class="kv"><span>{ i.label.to_string() }</span><code>{ b }</code></div> },
        CheckValue::Time { utc, .. } => html! { <div class="kv"><span>{ i.label.to_string() }</span><code>{ utc }</code></div> },
        CheckValue::List(items) => html! { <div class="kv"><span>{ i.label.to_string() }</span><code>{ items.join(", ") }</code></div> },
    });
    html! {
        <li class={classes!("check", if c.passed { "ok" } else { "bad" })}
            data-check={kind_id(c.kind)} data-passed={c.passed.to_string()}>
            <details open={!c.passed}>
                <summary>
                    <span class="mark" aria-hidden="true">{ if c.passed { "✓" } else { "✗" } }</span>
                    <span class="what">{ kind_title(c.kind) }</span>
                    <span class="sr-only">{ if c.passed { "passed" } else { "failed" } }</span>
                </summary>
                <p>{ &c.explanation }</p>
                <p class="rfc">{ c.rfc.to_string() }</p>
                <div class="inputs">{ for inputs }</div>
            </details>
        </li>
    }
}
