//! The page's side of the import worker (`import_worker`): one worker per file opened, started
//! then and ended with its reply, so the first view never loads its code.

use crate::import_worker::READY;
use crate::protocol::ImportReply;
use std::cell::RefCell;
use std::rc::Rc;
use tlslab_core::timeline::Timeline;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

/// Trunk writes the worker's loader next to index.html; a relative URL keeps sub-paths working.
const IMPORT_WORKER_URL: &str = "./tlslab-import_loader.js";

/// Reads a timeline file's text in the import worker and hands `done` the timeline, or why the
/// file is not one.
pub fn import(text: String, done: impl FnOnce(Result<Timeline, String>) + 'static) {
    let worker = match Worker::new(IMPORT_WORKER_URL) {
        Ok(worker) => worker,
        Err(e) => return done(Err(format!("cannot start the import worker: {e:?}"))),
    };
    // The text waits for the worker to listen; `done` runs once, with the reply or the
    // worker's failure to load.
    let pending = Rc::new(RefCell::new(Some((text, done))));
    let on_message = {
        let (worker, pending) = (worker.clone(), pending.clone());
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            if data.as_string().as_deref() == Some(READY) {
                if let Some((text, _)) = pending.borrow_mut().as_mut() {
                    let _ = worker.post_message(&std::mem::take(text).into());
                }
                return;
            }
            finish(&worker, &pending, read(data));
        })
    };
    let on_error = {
        let (worker, pending) = (worker.clone(), pending.clone());
        Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
            let why = "the import worker could not be loaded".to_string();
            finish(&worker, &pending, Err(why));
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // Two small closures per file opened; they must outlive this call. The file's text leaves
    // them when posted, and `done` when called.
    on_message.forget();
    on_error.forget();
}

type Pending<F> = Rc<RefCell<Option<(String, F)>>>;

/// Ends the worker and hands `done` the outcome, once.
fn finish<F: FnOnce(Result<Timeline, String>)>(
    worker: &Worker,
    pending: &Pending<F>,
    outcome: Result<Timeline, String>,
) {
    let Some((_, done)) = pending.borrow_mut().take() else {
        return;
    };
    worker.terminate();
    done(outcome);
}

fn read(reply: JsValue) -> Result<Timeline, String> {
    let reply: ImportReply = serde_wasm_bindgen::from_value(reply)
        .map_err(|e| format!("unreadable message from the import worker: {e}"))?;
    Timeline::unpack(&reply?.0).map_err(|e| e.to_string())
}
