//! The certificate validation panel: the chain as the client saw it, and every check with its
//! inputs and verdict, including the signature maths (RFC 5280 section 6.1, RFC 8017 8.2.2).

use super::value::Value;
use crate::state::Shared;
use tlslab_core::timeline::{CertCheck, CheckKind, CheckValue, EventKind};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CertificateProps {
    pub timeline: Shared,
    pub step: usize,
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
    let checks: Vec<&CertCheck> = t
        .events_until(props.step)
        .filter_map(|e| match &e.kind {
            EventKind::CertificateCheck(c) => Some(c),
            _ => None,
        })
        .collect();
    if checks.is_empty() {
        return html! {
            <p class="empty">{ format!("The client validates the server's certificate chain when the Certificate message arrives{}.", super::step_of(t, "Certificate")) }</p>
        };
    }
    // The certificates in the order the server sent them (0 = the server's own).
    let mut certs: Vec<(usize, String)> = Vec::new();
    for c in &checks {
        if !certs.iter().any(|(i, _)| *i == c.certificate.index) {
            certs.push((c.certificate.index, c.certificate.subject.clone()));
        }
    }
    certs.sort();
    let passed = checks.iter().all(|c| c.passed);
    html! {
        <div class="cert-panel">
            <p class={classes!("verdict", if passed { "ok" } else { "bad" })}>
                { if passed {
                    "Every check passed: the client trusts this chain, locally, without contacting anyone."
                } else {
                    "A check failed: the client refuses the chain and ends the handshake with an alert."
                } }
            </p>
            <ol class="chain" aria-label="Certificate chain, as sent">
                { for certs.iter().map(|(i, subject)| html! {
                    <li><span class="badge">{ if *i == 0 { "server".to_string() } else { format!("issuer {i}") } }</span><code>{ subject }</code></li>
                }) }
                <li class="anchor"><span class="badge">{ "trust store" }</span>{ "the root is already on the client; it is not sent" }</li>
            </ol>
            <ul class="checks">
                { for checks.iter().map(|c| check_view(c)) }
            </ul>
        </div>
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
            <details open={!c.passed || c.kind == CheckKind::Signature && c.certificate.index == 0}>
                <summary>
                    <span class="mark" aria-hidden="true">{ if c.passed { "✓" } else { "✗" } }</span>
                    <span class="what">{ kind_title(c.kind) }</span>
                    <span class="whom">{ &c.certificate.subject }</span>
                    <span class="sr-only">{ if c.passed { "passed" } else { "failed" } }</span>
                </summary>
                <p>{ &c.explanation }</p>
                <p class="rfc">{ c.rfc.to_string() }</p>
                <div class="inputs">{ for inputs }</div>
            </details>
        </li>
    }
}
