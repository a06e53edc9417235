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
    pub dispatch: UseReducerDispatcher<Model>,
}

#[function_component(Workspace)]
pub fn workspace(props: &WorkspaceProps) -> Html {
    let dispatch = &props.dispatch;
    let go = {
        let d = dispatch.clone();
        Callback::from(move |step| d.dispatch(Action::Go(step)))
    };
    match &props.run {
        Run::Ready { timeline, .. } => html! {
            <div class="workspace">
                <section class="flow" id="flow" tabindex="-1" aria-label="Message flow">
                    <Diagram timeline={timeline.clone()} step={props.step} on_select={go} speed={props.speed} />
                </section>
                <Inspector timeline={timeline.clone()} step={props.step} beat={props.beat} speed={props.speed} tab={props.tab}
                           plaintext={props.plaintext} dispatch={dispatch.clone()} />
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
