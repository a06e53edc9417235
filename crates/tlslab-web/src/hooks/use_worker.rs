//! The worker that runs the handshakes, from the root's side: `start` asks for a run, and how
//! it finished becomes `Loaded` or `Failed`.

use super::set_body_data;
use crate::protocol::RunRequest;
use crate::runner::{self, Finished, Runner};
use crate::state::{Action, Model, RunParams, Shared};
use std::rc::Rc;
use yew::prelude::*;

/// Starts the worker during the first drawing and asks it for the model's first run at once;
/// returns the callback that asks for the next ones.
#[hook]
pub fn use_worker(model: &UseReducerHandle<Model>) -> Callback<RunParams> {
    // The worker instantiates the page's own compiled module, so it compiles nothing. The
    // browser starts its thread once this drawing ends, and the first request is waiting then.
    let worker = {
        let dispatch = model.dispatcher();
        let first = model.params.clone();
        use_mut_ref(move || {
            let runner = Runner::new(move |finished| dispatch.dispatch(action(finished)));
            let mut worker = Handshakes {
                runner,
                sent: 0,
                first: None,
            };
            worker.first = Some(worker.send(&first));
            worker
        })
    };
    let start = {
        let dispatch = model.dispatcher();
        let worker = worker.clone();
        use_callback((), move |params: RunParams, _| {
            let (id, sent) = worker.borrow_mut().send(&params);
            started(&dispatch, id, params, sent);
        })
    };
    {
        let dispatch = model.dispatcher();
        let first = model.params.clone();
        use_effect_with((), move |_| {
            if let Err(message) = &worker.borrow().runner {
                set_body_data("error", message);
            }
            // The model hears of the first run in the task after the first drawing, which its
            // change would lengthen.
            if let Some((id, sent)) = worker.borrow_mut().first.take() {
                gloo_timers::callback::Timeout::new(0, move || started(&dispatch, id, first, sent))
                    .forget();
            }
        });
    }
    start
}

/// The worker and the number of requests made to it.
struct Handshakes {
    runner: Result<Runner, String>,
    sent: u64,
    /// The first run's id and whether its request left, until the model hears of it.
    first: Option<(u64, Result<(), String>)>,
}

impl Handshakes {
    /// Asks for a run; returns its id and whether the request left.
    fn send(&mut self, params: &RunParams) -> (u64, Result<(), String>) {
        self.sent += 1;
        let request = RunRequest {
            id: self.sent,
            seed: params.seed,
            protocol: params.protocol,
            now: params.clock.unwrap_or_else(runner::now),
            suite: params.suite,
            scenario: params.scenario,
            ems: params.ems,
        };
        let sent = match &self.runner {
            Ok(runner) => runner.run(&request),
            Err(message) => Err(message.clone()),
        };
        (self.sent, sent)
    }
}

/// Tells the model a run has started, and that it failed if its request could not leave.
fn started(
    dispatch: &UseReducerDispatcher<Model>,
    id: u64,
    params: RunParams,
    sent: Result<(), String>,
) {
    dispatch.dispatch(Action::Start { id, params });
    if let Err(message) = sent {
        dispatch.dispatch(Action::Failed { id, message });
    }
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
