//! The run on screen: the sequence diagram beside the inspector, or where the run is.

use super::diagram::Diagram;
use super::inspector::Inspector;
use crate::state::{Action, Model, Run, Tab};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WorkspaceProps {
    pub run: Run,
    /// The seed of the run being computed, for the loading message.
    pub seed: u64,
    pub step: usize,
    /// The beat on screen, from 0.
    pub beat: usize,
    pub tab: Tab,
    pub plaintext: bool,
    pub speed: f64,
    /// Whether the inspector may be drawn (`Model::inspector_drawn`).
    pub inspector_drawn: bool,
    pub dispatch: UseReducerDispatcher<Model>,
}

#[function_component(Workspace)]
pub fn workspace(props: &WorkspaceProps) -> Html {
    let dispatch = &props.dispatch;
    let go = {
        let d = dispatch.clone();
        Callback::from(move |step| d.dispatch(Action::Go(step)))
    };
    // The first run's diagram first, the inspector in a task of its own after it: drawing the
    // whole page at once made the load's longest task (issue 18).
    let ready = props.run.timeline().is_some();
    {
        let d = dispatch.clone();
        let waiting = !props.inspector_drawn;
        use_effect_with(ready, move |ready| {
            if *ready && waiting {
                gloo_timers::callback::Timeout::new(0, move || d.dispatch(Action::DrawInspector))
                    .forget();
            }
        });
    }
    match &props.run {
        Run::Ready { timeline, .. } => html! {
            <div class="workspace">
                <section class="flow" id="flow" tabindex="-1" aria-label="Message flow">
                    <Diagram timeline={timeline.clone()} step={props.step} on_select={go} speed={props.speed} settled={props.inspector_drawn} />
                </section>
                if props.inspector_drawn {
                    <Inspector timeline={timeline.clone()} step={props.step} beat={props.beat} speed={props.speed} tab={props.tab}
                               plaintext={props.plaintext} dispatch={dispatch.clone()} />
                }
            </div>
        },
        Run::Loading => html! {
            <p class="status" role="status">{ format!("Running the handshake (seed {})…", props.seed) }</p>
        },
        Run::Failed { message, .. } => html! {
            <p class="status error" role="alert">{ format!("The handshake could not run: {message}") }</p>
        },
    }
}
