//! The Web Worker: runs the real handshake off the main thread, so the page never freezes
//! while RSA works.

use crate::protocol::{FromWorker, Packed, RunReply, RunRequest};
use serde::Deserialize;
use tlslab_core::driver::{self, RunConfig};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Installs the message handler: each request is answered with one reply.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        post(&reply_to, &FromWorker::Reply(answer(event.data())));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&scope, &FromWorker::Ready);
}

/// The reply to one message: the run it asks for, or, when it is not a request this worker
/// understands (an unknown scenario or suite, a missing field), an error carrying its id.
pub fn answer(message: JsValue) -> RunReply {
    match serde_wasm_bindgen::from_value::<RunRequest>(message.clone()) {
        Ok(request) => run(&request),
        Err(e) => RunReply {
            id: request_id(message),
            result: Err(format!("bad request: {e}")),
            run_ms: 0.0,
        },
    }
}

/// The id of a message that is not a valid request, so the page can tell which one failed;
/// 0 (never a request's id) when it has none.
fn request_id(message: JsValue) -> u64 {
    #[derive(Deserialize)]
    struct Id {
        id: u64,
    }
    serde_wasm_bindgen::from_value::<Id>(message).map_or(0, |m| m.id)
}

fn post(scope: &DedicatedWorkerGlobalScope, message: &FromWorker) {
    if let Ok(value) = serde_wasm_bindgen::to_value(message) {
        let _ = scope.post_message(&value);
    }
}

fn run(request: &RunRequest) -> RunReply {
    let mut config = RunConfig::new(request.seed, request.now);
    config.protocol = request.protocol;
    config.suite = request.suite.map(|s| s.cipher_suite());
    config.extended_master_secret = request.ems;
    config.scenario = request.scenario;
    let started = js_sys::Date::now();
    let result = driver::run(&config)
        .map(|t| Packed(t.pack()))
        .map_err(|e| format!("the scenario could not be set up: {e}"));
    RunReply {
        id: request.id,
        result,
        run_ms: js_sys::Date::now() - started,
    }
}
