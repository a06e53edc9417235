//! The top bar: the title and what the page shows, the run's settings ([`RunForm`]), the
//! player and the keyboard shortcuts.

use super::player::{player, player_extras};
use super::run_form::RunForm;
use crate::state::{Classroom, Model, RunParams, Shared};
use crate::url::Link;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub params: RunParams,
    pub timeline: Option<Shared>,
    /// The timeline on screen was opened from a file: it has no run parameters.
    pub imported: bool,
    pub step: usize,
    /// The beat on screen (from 0) and how many the step has.
    pub beat: (usize, usize),
    pub playing: bool,
    pub speed: f64,
    pub files_open: bool,
    pub share_open: bool,
    pub dispatch: UseReducerDispatcher<Model>,
    /// Asks for a run with these parameters.
    pub start: Callback<RunParams>,
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    // The step on screen, in the page's own theme, without `embed=1`.
    let full_view = Link {
        theme: Link::current().theme,
        ..Link::to_view(&props.params, props.step, link_beat(props.beat))
    };
    let classroom = use_context::<Classroom>().unwrap_or_default();
    // What one is looking at, and how to start: true of the run on screen (a recorded run's
    // client connected to a real server).
    let lead = props.timeline.as_ref().map(|t| {
        let server = &t.server_name;
        let handshake = match t.protocol() {
            tlslab_core::driver::Protocol::Tls12Ecdhe => "TLS 1.2 handshake with ECDHE key exchange",
            tlslab_core::driver::Protocol::Tls12Rsa => "TLS 1.2 handshake",
            tlslab_core::driver::Protocol::Tls13 => "TLS 1.3 handshake",
        };
        if t.recorded.is_some() {
            format!("A real client (tlslab connect) connected to {server}: a real {handshake}, recorded elsewhere and opened here. Press ▶ (or the → key) to go through it step by step.")
        } else if props.imported {
            format!("A client connects to {server}: a {handshake} computed by tlslab and opened here from a file. Press ▶ (or the → key) to go through it step by step.")
        } else {
            format!("The client, in your browser's place, connects to {server}: a real {handshake}, computed on this page. Press ▶ (or the → key) to go through it step by step.")
        }
    });
    html! {
        <header class="toolbar">
            <div class="brand">
                <h1>{ if props.timeline.as_ref().is_some_and(|t| t.protocol() == tlslab_core::driver::Protocol::Tls13) { "TLS 1.3 handshake" } else { "TLS 1.2 handshake" } }</h1>
                if let Some(lead) = lead {
                    <p class="lead" data-field="lead">{ lead }</p>
                }
                // Shown in embed mode only: the same view, with every panel, in a tab of its own.
                <a class="full-view" data-action="full-view" href={full_view.query()} target="_blank"
                   rel="noopener">{ "Open the full view ↗" }</a>
            </div>
            { player(props) }
            { player_extras(props, classroom) }
            // Beside the player's extras: the run's settings get a row of their own.
            <p class="keys-legend" data-field="shortcuts">
                <span class="sr-only">{ "Keyboard shortcuts: " }</span>
                <kbd>{ "Space" }</kbd>{ " play or pause · " }
                <kbd>{ "←" }</kbd>{ " " }<kbd>{ "→" }</kbd>{ " beat or step · " }
                <kbd>{ "Home" }</kbd>{ " " }<kbd>{ "End" }</kbd>{ " first or last · " }
                <kbd>{ "P" }</kbd>{ " present" }
            </p>
            // A timeline opened from a file has no run parameters: the form would describe (and
            // silently re-run) another run. The banner below the toolbar leads back to live runs.
            if !props.imported {
                <RunForm params={props.params.clone()} start={props.start.clone()} />
            }
        </header>
    }
}

/// The beat a link names: none at a step's last beat (its end state).
pub(super) fn link_beat((beat, beats): (usize, usize)) -> Option<usize> {
    (beat + 1 < beats).then_some(beat)
}
