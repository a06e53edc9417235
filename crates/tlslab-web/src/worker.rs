//! The Web Worker: runs the real handshake off the main thread, so the page never freezes
//! while RSA works.

use crate::protocol::{FromWorker, RunReply, RunRequest};
use tlslab_core::driver::{self, RunConfig};
use tlslab_core::msgs::enums::CipherSuite;
use tlslab_core::scenario::Scenario;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Installs the message handler: each request is answered with one reply.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let reply = match serde_wasm_bindgen::from_value::<RunRequest>(event.data()) {
            Ok(request) => run(&request),
            Err(e) => RunReply {
                id: 0,
                result: Err(format!("bad request: {e}")),
                run_ms: 0.0,
            },
        };
        post(&reply_to, &FromWorker::Reply(reply));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&scope, &FromWorker::Ready);
}

fn post(scope: &DedicatedWorkerGlobalScope, message: &FromWorker) {
    if let Ok(value) = serde_wasm_bindgen::to_value(message) {
        let _ = scope.post_message(&value);
    }
}

fn run(request: &RunRequest) -> RunReply {
    let mut config = RunConfig::new(request.seed, request.now);
    config.suite = request.suite.as_deref().and_then(CipherSuite::from_name);
    config.extended_master_secret = request.ems;
    config.scenario = Scenario::from_id(&request.scenario).unwrap_or_default();
    let started = js_sys::Date::now();
    let result = driver::run(&config)
        .map_err(|e| format!("the scenario could not be set up: {e}"))
        .and_then(|t| serde_json::to_string(&t).map_err(|e| e.to_string()));
    RunReply {
        id: request.id,
        result,
        run_ms: js_sys::Date::now() - started,
    }
}
