//! The page's side of the import worker (`import_worker`): one worker per file opened, started
//! then and ended with its reply, so the first view never loads its code.

use crate::import_worker::READY;
use crate::protocol::ImportReply;
use std::cell::RefCell;
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
    // The text waits for the worker to listen; `done` runs once, with the reply.
    let pending = RefCell::new(Some((text, done)));
    let on_message = {
        let worker = worker.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            if data.as_string().as_deref() == Some(READY) {
                if let Some((text, _)) = pending.borrow_mut().as_mut() {
                    let _ = worker.post_message(&std::mem::take(text).into());
                }
                return;
            }
            let Some((_, done)) = pending.borrow_mut().take() else {
                return;
            };
            worker.terminate();
            done(read(data));
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // One small closure per file opened; it must outlive this call. The file's text leaves it
    // when posted, and `done` when called.
    on_message.forget();
}

fn read(reply: JsValue) -> Result<Timeline, String> {
    let reply: ImportReply = serde_wasm_bindgen::from_value(reply)
        .map_err(|e| format!("unreadable message from the import worker: {e}"))?;
    Timeline::unpack(&reply?.0).map_err(|e| e.to_string())
}
