//! The banner over a timeline opened from a file: where it came from, and the way back.

use crate::state::Shared;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ImportedProps {
    /// The file's name.
    pub name: String,
    pub timeline: Option<Shared>,
    /// Runs the last live run again.
    pub back: Callback<MouseEvent>,
}

#[function_component(Imported)]
pub fn imported(props: &ImportedProps) -> Html {
    let from = match props.timeline.as_ref() {
        Some(t) => match &t.recorded {
            Some(r) => format!(
                "recorded by tlslab connect against {}: only the client's side is known, and the server's messages are shown as the client received them.",
                r.server
            ),
            None => format!("a simulated run ({}, seed {}).", t.scenario.title(), t.seed),
        },
        None => String::new(),
    };
    html! {
        <div class="banner imported" role="region" aria-label="Opened from a file" data-imported={props.name.clone()}>
            <p>
                <strong>{ "Opened from a file: " }</strong><code>{ &props.name }</code>{ ", " }{ from }
            </p>
            <button type="button" data-action="back-to-live" onclick={props.back.clone()}>{ "Back to live runs" }</button>
        </div>
    }
}
