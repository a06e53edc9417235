//! The worker that runs the handshakes, from the root's side: `start` asks for a run, and how
//! it finished becomes `Loaded` or `Failed`.

use super::set_body_data;
use crate::protocol::RunRequest;
use crate::runner::{self, Finished, Runner};
use crate::state::{Action, Model, RunParams, Shared};
use std::rc::Rc;
use yew::prelude::*;

/// Starts the worker once, asks it for the model's first run, and returns the callback that
/// asks for the next ones.
#[hook]
pub fn use_worker(model: &UseReducerHandle<Model>) -> Callback<RunParams> {
    let worker = use_mut_ref(|| None::<Runner>);
    let next_id = use_mut_ref(|| 0u64);
    let start = {
        let dispatch = model.dispatcher();
        let worker = worker.clone();
        use_callback((), move |params: RunParams, _| {
            let id = {
                let mut n = next_id.borrow_mut();
                *n += 1;
                *n
            };
            let request = RunRequest {
                id,
                seed: params.seed,
                protocol: params.protocol,
                now: params.clock.unwrap_or_else(runner::now),
                suite: params.suite,
                scenario: params.scenario,
                ems: params.ems,
            };
            dispatch.dispatch(Action::Start { id, params });
            if let Some(Err(message)) = worker.borrow().as_ref().map(|w| w.run(&request)) {
                dispatch.dispatch(Action::Failed { id, message });
            }
        })
    };
    {
        let dispatch = model.dispatcher();
        let start = start.clone();
        let first = model.params.clone();
        use_effect_with((), move |_| {
            // In the task after the first drawing: the worker's start (fetching and compiling
            // its wasm, on a machine with few cores) then does not lengthen that task.
            gloo_timers::callback::Timeout::new(0, move || {
                match Runner::new(move |finished| dispatch.dispatch(action(finished))) {
                    Ok(runner) => *worker.borrow_mut() = Some(runner),
                    Err(message) => set_body_data("error", &message),
                }
                start.emit(first);
            })
            .forget();
        });
    }
    start
}

fn action(finished: Finished) -> Action {
    let Finished { id, result, run_ms } = finished;
    match result {
        Ok(timeline) => {
            set_body_data("run-ms", &format!("{run_ms:.1}"));
            Action::Loaded {
                id,
                timeline: Shared(Rc::new(timeline)),
                run_ms,
            }
        }
        Err(message) => Action::Failed { id, message },
    }
}
