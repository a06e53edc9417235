//! The byte inspector: a record as annotated hex beside the field tree the decoder built.
//! Hovering or focusing a field highlights its bytes; hovering a byte highlights its field.

use super::value::Value;
use crate::state::{Action, Model, Shared};
use std::fmt::Write as _;
use tlslab_core::bytes::{Bytes, to_hex};
use tlslab_core::crypto::suite::params_named;
use tlslab_core::timeline::{Field, GcmRecord, Protection, ValueName};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BytesProps {
    pub timeline: Shared,
    pub step: usize,
    pub plaintext: bool,
    pub dispatch: UseReducerDispatcher<Model>,
}

/// A field flattened for display: where it is in the tree and in the bytes.
#[derive(Clone, PartialEq)]
struct Span {
    path: String,
    start: usize,
    len: usize,
}

#[function_component(BytesPanel)]
pub fn bytes_panel(props: &BytesProps) -> Html {
    // Set only when the field under the pointer changes: each set draws the dump again.
    let hover = use_state_eq(|| None::<Span>);
    let t = &props.timeline;
    let Some(step) = t.steps.get(props.step) else {
        return html! {};
    };
    let crossing = t.crossing(props.step);
    let (records, message) = (crossing.records, crossing.message);
    let Some(record) = records.first() else {
        return html! { <p class="empty">{ "No record in this step." }</p> };
    };
    let protected = record.protection.is_some();
    let show_plaintext = protected && props.plaintext;
    let (title, bytes, tree): (String, &[u8], Vec<Field>) = match (show_plaintext, message) {
        (true, Some(m)) => (
            format!("{} plaintext, {} bytes (decrypted)", m.title, m.bytes.len()),
            &m.bytes.0,
            m.fields.clone(),
        ),
        _ => (
            format!(
                "{} record, {} bytes{}",
                record.content_type,
                record.bytes.len(),
                if protected { ", encrypted" } else { "" }
            ),
            &record.bytes.0,
            vec![record.fields.clone()],
        ),
    };
    // The field that holds a value the who-knows-what view names: (the end of its path, the
    // value's name); a share is the data of its length-prefixed field.
    let special = match step.title.as_str() {
        "ClientHello" => Some(("/random", ValueName::ClientRandom.as_str())),
        "ServerHello" => Some(("/random", ValueName::ServerRandom.as_str())),
        "ServerKeyExchange" => Some(("/public/data", ValueName::ServerShare.as_str())),
        "ClientKeyExchange" => Some(("/ecdh_Yc/data", ValueName::ClientShare.as_str())),
        _ => None,
    };

    // Each byte's innermost field (an index into `fields`) and a colour per leaf field.
    let mut fields = Vec::new();
    let mut owner: Vec<Option<(usize, usize)>> = vec![None; bytes.len()];
    let mut leaf = 0usize;
    for f in &tree {
        mark(f, "", &mut fields, &mut owner, &mut leaf);
    }

    let highlighted = (*hover).clone();
    // One listener for the whole dump, not two per byte: a record holds thousands of bytes,
    // and each byte costs the first drawing of the panel (and every hover) its share.
    let on_over = {
        let hover = hover.clone();
        let owner = owner.clone();
        let fields = fields.clone();
        Callback::from(move |e: MouseEvent| {
            use wasm_bindgen::JsCast;
            let byte = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.get_attribute("data-byte"))
                .and_then(|i| i.parse::<usize>().ok());
            let field = byte
                .and_then(|i| owner.get(i).copied().flatten())
                .and_then(|(f, _)| fields.get(f).cloned());
            if let Some(field) = field {
                hover.set(Some(field));
            }
        })
    };
    let on_leave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    // Each row is written as markup and parsed by the browser: a record holds up to thousands
    // of bytes, and creating their elements one call at a time from wasm made drawing the panel
    // a task of 50 ms or more. The markup holds only numbers, hex digits and fixed classes.
    // Yew compares each row's markup, so a hover redraws only the rows whose highlight changed.
    let hex_rows = bytes.chunks(16).enumerate().map(|(row, chunk)| {
        let mut markup = String::with_capacity(64 + chunk.len() * 48);
        let _ = write!(
            markup,
            r#"<div class="hex-row"><span class="offset">{:04x}</span><span class="cells">"#,
            row * 16
        );
        for (col, b) in chunk.iter().enumerate() {
            let i = row * 16 + col;
            let colour = owner[i].map_or(0, |(_, c)| c % 6 + 1);
            let lit = highlighted
                .as_ref()
                .is_some_and(|h| i >= h.start && i < h.start + h.len);
            let _ = write!(
                markup,
                r#"<span data-byte="{i}" class="{}">{b:02x}</span>"#,
                BYTE_CLASS[usize::from(lit)][colour],
            );
        }
        markup.push_str("</span></div>");
        Html::from_html_unchecked(markup.into())
    });
    let toggle = {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.dispatch(Action::TogglePlaintext))
    };
    let ctx = TreeCtx {
        bytes,
        hover: hover.clone(),
        highlighted: highlighted.clone(),
        special,
    };

    html! {
        <div class="bytes-panel">
            <div class="panel-head">
                <h3>{ title }</h3>
                if protected {
                    <button type="button" class="toggle" data-action="toggle-plaintext"
                            aria-pressed={show_plaintext.to_string()} onclick={toggle}>
                        { if show_plaintext { "Show ciphertext" } else { "Show decrypted plaintext" } }
                    </button>
                }
            </div>
            if records.len() > 1 {
                <p class="note">{ format!("This message spans {} records; the first is shown.", records.len()) }</p>
            }
            <div class="bytes-grid">
                <div class={classes!("hex", show_plaintext.then_some("plain"), (protected && !show_plaintext).then_some("cipher"))}
                     aria-label="Hex dump" onmouseover={on_over} onmouseleave={on_leave}>{ for hex_rows }</div>
                // One tree widget (ARIA tree pattern): one tab stop, arrow keys inside.
                // Keyed by what it shows, so a new record starts with its first item as the stop.
                <ul class="tree" role="tree" aria-label="Fields" key={format!("{}-{show_plaintext}", props.step)}
                    onkeydown={Callback::from(tree_keys)} onfocusin={Callback::from(roving_stop)}>
                    { for tree.iter().enumerate().map(|(i, f)| field_item(f, "", 1, i == 0, &ctx)) }
                </ul>
            </div>
            if let Some(p) = &record.protection {
                <ProtectionView protection={p.clone()} bulk={t.negotiated_suite().and_then(params_named).map_or("AES-GCM", |p| p.bulk.name())} tls13={t.spoke_tls13()} />
            }
        </div>
    }
}

struct TreeCtx<'a> {
    bytes: &'a [u8],
    hover: UseStateHandle<Option<Span>>,
    highlighted: Option<Span>,
    special: Option<(&'static str, &'static str)>,
}

/// A byte's class: highlighted or not, then no field or the colour of its leaf field (of six).
const BYTE_CLASS: [[&str; 7]; 2] = [
    ["b", "b f0", "b f1", "b f2", "b f3", "b f4", "b f5"],
    [
        "b hl", "b f0 hl", "b f1 hl", "b f2 hl", "b f3 hl", "b f4 hl", "b f5 hl",
    ],
];

/// Numbers the fields in tree order (into `fields`) and gives each byte its innermost field and
/// that field's colour.
fn mark(
    f: &Field,
    parent: &str,
    fields: &mut Vec<Span>,
    owner: &mut [Option<(usize, usize)>],
    leaf: &mut usize,
) {
    let path = join(parent, &f.name);
    let index = fields.len();
    fields.push(Span {
        path: path.clone(),
        start: f.start,
        len: f.len,
    });
    let colour = *leaf;
    if f.children.is_empty() {
        *leaf += 1;
    }
    for slot in owner.iter_mut().skip(f.start).take(f.len) {
        *slot = Some((index, colour));
    }
    for c in &f.children {
        mark(c, &path, fields, owner, leaf);
    }
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}/{name}")
    }
}

/// Arrow keys move through the tree's items in order (Up, Down), to the parent (Left), to the
/// first child (Right), or to the first and last (Home, End); the item focused becomes the
/// tree's one tab stop.
fn tree_keys(e: KeyboardEvent) {
    use wasm_bindgen::JsCast;
    let Some(tree) = e
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Ok(list) = tree.query_selector_all("[role=treeitem]") else {
        return;
    };
    let items: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let Some(at) = items.iter().position(|i| {
        active
            .as_ref()
            .is_some_and(|a| a == i.as_ref() as &web_sys::Element)
    }) else {
        return;
    };
    let level = |i: usize| {
        items
            .get(i)
            .and_then(|el| el.get_attribute("aria-level"))
            .and_then(|l| l.parse::<usize>().ok())
            .unwrap_or(1)
    };
    let to = match e.key().as_str() {
        "ArrowDown" => (at + 1).min(items.len() - 1),
        "ArrowUp" => at.saturating_sub(1),
        "Home" => 0,
        "End" => items.len() - 1,
        "ArrowRight" if level(at + 1) > level(at) => at + 1,
        "ArrowLeft" => (0..at).rev().find(|&i| level(i) < level(at)).unwrap_or(at),
        "ArrowRight" => at,
        // Nothing to select or expand: Space stays in the tree rather than scrolling the page.
        " " => at,
        _ => return,
    };
    e.prevent_default();
    if let Some(target) = items.get(to) {
        let _ = target.focus();
    }
}

/// The item that gets the focus (by key, click or tab) becomes the tree's one tab stop.
fn roving_stop(e: FocusEvent) {
    use wasm_bindgen::JsCast;
    let (Some(tree), Some(item)) = (
        e.current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok()),
        e.target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()),
    ) else {
        return;
    };
    if item.get_attribute("role").as_deref() != Some("treeitem") {
        return;
    }
    if let Ok(stops) = tree.query_selector_all("[role=treeitem][tabindex='0']") {
        for old in (0..stops.length()).filter_map(|i| stops.item(i)) {
            if let Ok(old) = old.dyn_into::<web_sys::HtmlElement>() {
                old.set_tab_index(-1);
            }
        }
    }
    item.set_tab_index(0);
}

fn field_item(f: &Field, parent: &str, level: usize, first: bool, ctx: &TreeCtx) -> Html {
    let path = join(parent, &f.name);
    let span = Span {
        path: path.clone(),
        start: f.start,
        len: f.len,
    };
    let show = {
        let hover = ctx.hover.clone();
        move || hover.set(Some(span.clone()))
    };
    let hide = {
        let hover = ctx.hover.clone();
        move || hover.set(None)
    };
    let (on, on_focus) = (
        Callback::from({
            let show = show.clone();
            move |_: MouseEvent| show()
        }),
        Callback::from(move |_: FocusEvent| show()),
    );
    let (off, off_blur) = (
        Callback::from({
            let hide = hide.clone();
            move |_: MouseEvent| hide()
        }),
        Callback::from(move |_: FocusEvent| hide()),
    );
    // Paths repeat (two certificates each have a `data`): the start tells them apart.
    let lit = ctx
        .highlighted
        .as_ref()
        .is_some_and(|h| h.path == path && h.start == f.start);
    let slice = ctx.bytes.get(f.start..f.start + f.len).unwrap_or_default();
    let hook = ctx
        .special
        .filter(|(end, _)| path.ends_with(end))
        .map(|(_, name)| name);
    let value = f.value.as_ref().map(|v| {
        let shown = if v.chars().count() > 48 {
            format!("{}…", v.chars().take(48).collect::<String>())
        } else {
            v.clone()
        };
        html! { <span class="fv">{ shown }</span> }
    });
    html! {
        <li data-field-path={path.clone()} data-start={f.start.to_string()} data-len={f.len.to_string()}
            data-field={hook} data-value={hook.map(|_| to_hex(slice))}
            class={classes!(lit.then_some("hl"))}
            role="treeitem" aria-level={level.to_string()} tabindex={if first { "0" } else { "-1" }}
            aria-expanded={(!f.children.is_empty()).then_some("true")}
            onfocus={on_focus} onblur={off_blur}>
            <span class="fname" onmouseenter={on} onmouseleave={off}>
                <span class="fn">{ &f.name }</span>
                <span class="fl">{ format!("{} B", f.len) }</span>
                { value.unwrap_or_default() }
            </span>
            if !f.children.is_empty() {
                <ul role="group">{ for f.children.iter().map(|c| field_item(c, &path, level + 1, false, ctx)) }</ul>
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ProtectionProps {
    protection: Protection,
    /// The suite's cipher, as the header names it ("AES-256-GCM").
    bulk: &'static str,
    /// Protected the TLS 1.3 way (RFC 8446 section 5.2): the nonce the IV XOR the sequence
    /// number, the record header as additional data, the real type inside.
    tls13: bool,
}

/// How the record was protected: the inputs and outputs of AES-GCM or CBC + HMAC.
#[function_component(ProtectionView)]
fn protection_view(props: &ProtectionProps) -> Html {
    let v = |label: &str, b: &Bytes| html! { <Value label={label.to_string()} value={b.clone()} tone={Some(AttrValue::from("public"))} /> };
    // GCM and ChaCha20-Poly1305 records carry the same AEAD fields (GcmRecord).
    let aead13 = |name: &str, r: &GcmRecord| {
        html! {
            <section class="protection">
                <h3>{ format!("Record protection: {name} (RFC 8446 §5.2, §5.3)") }</h3>
                <p>{ format!("Sequence number {}. The nonce is the 12-byte write IV of the traffic key XOR the sequence number, so nothing of it is sent; the additional data is the record header itself. The plaintext is TLSInnerPlaintext: the content, then its real content type (every protected record says application_data outside), then any zero padding.", r.seq_num) }</p>
                { v("nonce = write_iv XOR sequence number", &r.nonce) }
                { v("additional_data (the record header)", &r.additional_data) }
                { v("plaintext (TLSInnerPlaintext)", &r.plaintext) }
                { v("ciphertext", &r.ciphertext) }
                { v("tag", &r.tag) }
            </section>
        }
    };
    match &props.protection {
        Protection::Gcm(r) if props.tls13 => aead13(props.bulk, r),
        Protection::ChaCha20Poly1305(r) if props.tls13 => aead13("ChaCha20-Poly1305", r),
        Protection::Gcm(r) => html! {
            <section class="protection">
                <h3>{ format!("Record protection: {} (RFC 5246 §6.2.3.3, RFC 5288 §3)", props.bulk) }</h3>
                <p>{ format!("Sequence number {}. The nonce is the 4-byte write IV from the key block followed by the 8-byte explicit nonce sent in the record; the additional data authenticates the sequence number, type, version and length.", r.seq_num) }</p>
                { v("nonce_explicit (sent)", &r.nonce_explicit) }
                { v("nonce = write_IV + nonce_explicit", &r.nonce) }
                { v("additional_data", &r.additional_data) }
                { v("plaintext", &r.plaintext) }
                { v("ciphertext", &r.ciphertext) }
                { v("tag", &r.tag) }
            </section>
        },
        Protection::ChaCha20Poly1305(r) => html! {
            <section class="protection">
                <h3>{ "Record protection: ChaCha20-Poly1305 (RFC 5246 §6.2.3.3, RFC 7905 §2)" }</h3>
                <p>{ format!("Sequence number {}. The nonce is the 12-byte write IV from the key block XOR the sequence number, so nothing of it is sent; the additional data authenticates the sequence number, type, version and length.", r.seq_num) }</p>
                { v("nonce = write_IV XOR sequence number", &r.nonce) }
                { v("additional_data", &r.additional_data) }
                { v("plaintext", &r.plaintext) }
                { v("ciphertext", &r.ciphertext) }
                { v("tag", &r.tag) }
            </section>
        },
        Protection::Cbc(r) => html! {
            <section class="protection">
                <h3>{ format!("Record protection: AES-128-CBC with {} (RFC 5246 §6.2.3.2)", r.mac_algorithm.name()) }</h3>
                <p>{ format!("Sequence number {}. MAC-then-encrypt: the MAC covers the sequence number, header and plaintext; plaintext, MAC and padding are encrypted under a fresh explicit IV.", r.seq_num) }</p>
                { v("IV (sent)", &r.iv) }
                { v("MAC header", &r.mac_header) }
                { v("plaintext", &r.plaintext) }
                { v("MAC", &r.mac) }
                { v("padding", &r.padding) }
                { v("ciphertext", &r.ciphertext) }
            </section>
        },
    }
}
