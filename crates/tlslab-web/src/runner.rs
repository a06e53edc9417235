//! The page's side of the worker: sends run requests, decodes the replies and hands each
//! outcome, a `Timeline` or why there is none, to a callback.

use crate::protocol::{FromWorker, RunReply, RunRequest};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use tlslab_core::timeline::Timeline;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker, WorkerOptions, WorkerType};

/// The worker's script, copied next to index.html by Trunk; a relative URL keeps sub-paths
/// working.
const WORKER_URL: &str = "./handshake-worker.js";

#[wasm_bindgen]
extern "C" {
    type ImportMeta;
    #[wasm_bindgen(method, getter)]
    fn url(this: &ImportMeta) -> String;
    /// The page's wasm-bindgen glue is an ES module: its `import.meta` names its URL.
    #[wasm_bindgen(thread_local_v2, js_namespace = import, js_name = meta)]
    static IMPORT_META: ImportMeta;
}

/// How a run ended, as the page receives it.
pub struct Finished {
    /// The request's id (0 when the worker's message could not be read at all).
    pub id: u64,
    pub result: Result<Timeline, String>,
    /// Milliseconds the handshake took inside the worker's wasm.
    pub run_ms: f64,
}

impl Finished {
    /// Reads the timeline out of the worker's reply.
    fn decode(reply: RunReply) -> Finished {
        let result = reply
            .result
            .and_then(|packed| Timeline::unpack(&packed.0).map_err(|e| e.to_string()));
        Finished {
            id: reply.id,
            result,
            run_ms: reply.run_ms,
        }
    }

    fn failed(id: u64, message: String) -> Finished {
        Finished {
            id,
            result: Err(message),
            run_ms: 0.0,
        }
    }
}

/// The worker's side of the conversation: the requests it has not answered, or why it is gone.
enum Channel {
    Open(Vec<u64>),
    Broken(String),
}

pub struct Runner {
    worker: Worker,
    channel: Rc<RefCell<Channel>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl Runner {
    /// Starts the worker with this page's own compiled module, so nothing is fetched or
    /// compiled twice; requests can be made at once. `on_finished` runs in a task after the one
    /// that decoded the reply, so reading a timeline and drawing it are two short tasks rather
    /// than one long one.
    pub fn new(on_finished: impl Fn(Finished) + 'static) -> Result<Runner, String> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(WORKER_URL, &options)
            .map_err(|e| format!("cannot start the worker: {e:?}"))?;
        let channel = Rc::new(RefCell::new(Channel::Open(Vec::new())));
        let on_finished = Rc::new(on_finished);
        let finish = move |finished: Finished| {
            let on_finished = on_finished.clone();
            Timeout::new(0, move || on_finished(finished)).forget();
        };
        let on_message = {
            let (channel, finish) = (channel.clone(), finish.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                match serde_wasm_bindgen::from_value::<FromWorker>(event.data()) {
                    Ok(FromWorker::Ready) => mark("worker-ready"),
                    Ok(FromWorker::Reply(reply)) => {
                        mark("reply");
                        if let Channel::Open(unanswered) = &mut *channel.borrow_mut() {
                            unanswered.retain(|id| *id != reply.id);
                        }
                        let finished = Finished::decode(reply);
                        mark("decoded");
                        finish(finished);
                    }
                    Err(e) => finish(Finished::failed(
                        0,
                        format!("unreadable message from the worker: {e}"),
                    )),
                }
            })
        };
        // The worker's script or the glue failed to load, or its wasm trapped: every request
        // it has not answered fails, and so does every later one.
        let on_error = {
            let channel = channel.clone();
            Closure::<dyn FnMut(Event)>::new(move |event: Event| {
                // A script that fails to load sends a plain Event, without a message.
                let why = match event.dyn_ref::<ErrorEvent>() {
                    Some(error) => format!("the handshake worker stopped: {}", error.message()),
                    None => "the handshake worker could not be loaded".to_string(),
                };
                let before =
                    std::mem::replace(&mut *channel.borrow_mut(), Channel::Broken(why.clone()));
                if let Channel::Open(unanswered) = before {
                    for id in unanswered {
                        finish(Finished::failed(id, why.clone()));
                    }
                }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let start = js_sys::Object::new();
        let glue = IMPORT_META.with(ImportMeta::url);
        let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&start, &key.into(), value);
        set("glue", &glue.into())
            .and_then(|_| set("module", &wasm_bindgen::module()))
            .and_then(|_| worker.post_message(&start))
            .map_err(|e| format!("cannot start the worker: {e:?}"))?;
        Ok(Runner {
            worker,
            channel,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Asks for a run; the reply arrives through the callback given to `new`.
    pub fn run(&self, request: &RunRequest) -> Result<(), String> {
        let mut channel = self.channel.borrow_mut();
        let unanswered = match &mut *channel {
            Channel::Open(unanswered) => unanswered,
            Channel::Broken(why) => return Err(why.clone()),
        };
        let value = serde_wasm_bindgen::to_value(request).map_err(|e| e.to_string())?;
        self.worker
            .post_message(&value)
            .map_err(|e| format!("{e:?}"))?;
        unanswered.push(request.id);
        Ok(())
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Marks a moment of the first load on the page's performance timeline (`tlslab:NAME`), which
/// the benchmark reads to split the load into phases; a browser without it loses nothing.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(&format!("tlslab:{name}"));
    }
}

/// A fresh seed from the browser's random source, below 2^53.
pub fn fresh_seed() -> u64 {
    let mut bytes = [0u8; 8];
    // A browser without crypto.getRandomValues cannot run this app at all; fall back to the
    // clock rather than fail (the seed only needs to differ between runs).
    if getrandom::fill(&mut bytes).is_err() {
        return js_sys::Date::now() as u64 & crate::protocol::MAX_SEED;
    }
    u64::from_le_bytes(bytes) & crate::protocol::MAX_SEED
}

/// The browser's clock in seconds since the Unix epoch: the client's "now".
pub fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}
