//! The page's side of the worker: sends run requests, decodes the replies and hands each
//! outcome, a `Timeline` or why there is none, to a callback.

use crate::protocol::{FromWorker, RunReply, RunRequest};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use tlslab_core::timeline::Timeline;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

/// Trunk writes the worker's loader next to index.html; a relative URL keeps sub-paths working.
const WORKER_URL: &str = "./tlslab-worker_loader.js";

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
}

pub struct Runner {
    worker: Worker,
    /// Requests made before the worker said it was ready; `None` once it is.
    queue: Rc<RefCell<Option<Vec<RunRequest>>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl Runner {
    /// `on_finished` runs in a task after the one that decoded the reply, so reading a
    /// timeline and drawing it are two short tasks rather than one long one.
    pub fn new(on_finished: impl Fn(Finished) + 'static) -> Result<Runner, String> {
        let worker =
            Worker::new(WORKER_URL).map_err(|e| format!("cannot start the worker: {e:?}"))?;
        let queue: Rc<RefCell<Option<Vec<RunRequest>>>> = Rc::new(RefCell::new(Some(Vec::new())));
        let on_finished = Rc::new(on_finished);
        let finish = move |reply: RunReply| {
            let finished = Finished::decode(reply);
            mark("decoded");
            let on_finished = on_finished.clone();
            Timeout::new(0, move || on_finished(finished)).forget();
        };
        let on_message = {
            let worker = worker.clone();
            let queue = queue.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                match serde_wasm_bindgen::from_value::<FromWorker>(event.data()) {
                    Ok(FromWorker::Ready) => {
                        mark("worker-ready");
                        for request in queue.borrow_mut().take().unwrap_or_default() {
                            if let Err(e) = post(&worker, &request) {
                                finish(RunReply {
                                    id: request.id,
                                    result: Err(e),
                                    run_ms: 0.0,
                                });
                            }
                        }
                    }
                    Ok(FromWorker::Reply(reply)) => {
                        mark("reply");
                        finish(reply)
                    }
                    Err(e) => finish(RunReply {
                        id: 0,
                        result: Err(format!("unreadable message from the worker: {e}")),
                        run_ms: 0.0,
                    }),
                }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(Runner {
            worker,
            queue,
            _on_message: on_message,
        })
    }

    /// Asks for a run; the reply arrives through the callback given to `new`.
    pub fn run(&self, request: &RunRequest) -> Result<(), String> {
        if let Some(waiting) = self.queue.borrow_mut().as_mut() {
            waiting.push(request.clone());
            return Ok(());
        }
        post(&self.worker, request)
    }
}

fn post(worker: &Worker, request: &RunRequest) -> Result<(), String> {
    let value = serde_wasm_bindgen::to_value(request).map_err(|e| e.to_string())?;
    worker.post_message(&value).map_err(|e| format!("{e:?}"))
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
