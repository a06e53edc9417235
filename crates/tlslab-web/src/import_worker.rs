//! The import worker: reads a timeline file (JSON, untrusted) off the main thread and hands the
//! page the timeline packed (`Timeline::pack`).
//!
//! It is loaded only when someone opens a file. The JSON reader is the largest piece of code the
//! first view would otherwise carry, for a feature the first view never uses; the page reads
//! only the packed form, as it does from the handshake worker.

use crate::protocol::{ImportReply, Packed};
use tlslab_core::timeline::Timeline;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// What the worker posts once it listens: a file sent before would be lost.
pub const READY: &str = "ready";

/// Installs the message handler: each file's text is answered with one reply.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let reply = answer(event.data().as_string());
        if let Ok(value) = serde_wasm_bindgen::to_value(&reply) {
            let _ = reply_to.post_message(&value);
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&READY.into());
}

/// The reply to a file's text.
pub fn answer(text: Option<String>) -> ImportReply {
    let text = text.ok_or("the file is not text")?;
    Timeline::import(&text)
        .map(|t| Packed(t.pack()))
        .map_err(|e| e.to_string())
}
