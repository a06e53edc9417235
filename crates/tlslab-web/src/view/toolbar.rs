//! The top bar: the title, the run's settings ([`RunForm`]) and the player.

use super::player::player;
use super::run_form::RunForm;
use crate::state::{Model, RunParams, Shared};
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
    html! {
        <header class="toolbar">
            <div class="brand">
                <h1>{ "TLS 1.2 handshake" }</h1>
                <span class="subtitle">{ "a real client and server, in your browser" }</span>
                // Shown in embed mode only: the same view, with every panel, in a tab of its own.
                <a class="full-view" data-action="full-view" href={full_view.query()} target="_blank"
                   rel="noopener">{ "Open the full view ↗" }</a>
            </div>
            // A timeline opened from a file has no run parameters: the form would describe (and
            // silently re-run) another run. The banner below the toolbar leads back to live runs.
            if !props.imported {
                <RunForm params={props.params.clone()} start={props.start.clone()} />
            }
            { player(props) }
        </header>
    }
}

/// The beat a link names: none at a step's last beat (its end state).
pub(super) fn link_beat((beat, beats): (usize, usize)) -> Option<usize> {
    (beat + 1 < beats).then_some(beat)
}
