//! A byte value as the inspector shows it: its name, its length, grouped hex that folds when
//! long, and a copy button. `data-field`/`data-value` make it findable by tests and tools.

use tlslab_core::bytes::Bytes;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ValueProps {
    pub label: AttrValue,
    pub value: Bytes,
    /// The stable hook name (`data-field`), when this value has one.
    #[prop_or_default]
    pub field: Option<AttrValue>,
    /// Colour class: "client", "server", "secret", "public".
    #[prop_or_default]
    pub tone: Option<AttrValue>,
    #[prop_or_default]
    pub note: Option<AttrValue>,
}

/// Bytes shown before the rest folds away.
const FOLD_AT: usize = 48;

#[function_component(Value)]
pub fn value(props: &ValueProps) -> Html {
    let hex = props.value.hex();
    let copy = {
        let hex = hex.clone();
        Callback::from(move |_| copy_text(&hex))
    };
    let grouped = |bytes: &[u8]| -> String {
        bytes
            .chunks(4)
            .map(tlslab_core::bytes::to_hex)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let bytes = &props.value.0;
    let body = if bytes.len() > FOLD_AT {
        html! {
            <details class="fold">
                <summary><code>{ grouped(&bytes[..16]) }{ " …" }</code></summary>
                <code class="hex-block">{ grouped(bytes) }</code>
            </details>
        }
    } else {
        html! { <code class="hex-block">{ grouped(bytes) }</code> }
    };
    html! {
        <div class={classes!("value", props.tone.clone())}
             data-field={props.field.clone()} data-value={hex.clone()}>
            <div class="value-head">
                <span class="value-label">{ &props.label }</span>
                <span class="value-len">{ format!("{} bytes", bytes.len()) }</span>
                <button class="copy" type="button" onclick={copy}
                        aria-label={format!("Copy {} as hex", props.label)}>{ "Copy" }</button>
            </div>
            { body }
            if let Some(note) = &props.note { <p class="value-note">{ note }</p> }
        </div>
    }
}

/// Puts `text` on the clipboard (the browser may refuse silently, e.g. without a user gesture).
pub fn copy_text(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

/// A click handler that copies `text`.
pub fn copy_on_click<E>(text: String) -> Callback<E> {
    Callback::from(move |_| copy_text(&text))
}
