//! The player: restart, back, play, forward, end, speed, progress; Share, Files and presenter
//! mode beside it.

use super::toolbar::ToolbarProps;
use crate::state::{Action, Classroom};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// A plain function rather than a component: it renders in the toolbar's own pass, so the
/// negotiated suite appears in the same frame as the diagram, which positions itself then.
pub(super) fn player(props: &ToolbarProps) -> Html {
    let act = |action: fn() -> Action| {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.dispatch(action()))
    };
    let choose_speed = {
        let d = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let speed = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .and_then(|s| s.value().parse::<f64>().ok());
            if let Some(speed) = speed {
                d.dispatch(Action::Speed(speed));
            }
        })
    };
    let steps = props.timeline.as_ref().map_or(0, |t| t.steps.len());
    // Beats fill the way from one step to the next.
    let (beat, beats) = props.beat;
    let percent = if steps > 1 {
        (props.step as f64 + beat as f64 / beats.max(1) as f64) * 100.0 / (steps - 1) as f64
    } else {
        0.0
    }
    .min(100.0);

    html! {
        <div class="player" role="group" aria-label="Player">
            <button type="button" data-action="restart" onclick={act(|| Action::First)} aria-label="Restart (Home)" title="Restart (Home)">{ icon("M4 12l8-7v14zM12 12l8-7v14z") }</button>
            <button type="button" data-action="prev" onclick={act(|| Action::Prev)} aria-label="Previous beat or step (Left arrow)" title="Previous beat or step (Left arrow)">{ icon("M18 5v14l-9-7zM6 5h2v14H6z") }</button>
            <button type="button" class="play" data-action="play" onclick={act(|| Action::TogglePlay)}
                    aria-pressed={props.playing.to_string()} aria-label={if props.playing { "Pause (Space)" } else { "Play (Space)" }}
                    title={if props.playing { "Pause (Space)" } else { "Play (Space)" }}>
                { if props.playing { icon("M6 5h4v14H6zM14 5h4v14h-4z") } else { icon("M7 5v14l12-7z") } }
            </button>
            <button type="button" data-action="next" onclick={act(|| Action::Next)} aria-label="Next beat or step (Right arrow)" title="Next beat or step (Right arrow)">{ icon("M6 5v14l9-7zM16 5h2v14h-2z") }</button>
            <button type="button" data-action="end" onclick={act(|| Action::Last)} aria-label="Last step (End)" title="Last step (End)">{ icon("M4 5v14l8-7zM12 5v14l8-7z") }</button>
            <label class="speed">
                <span class="sr-only">{ "Speed" }</span>
                <select data-control="speed" onchange={choose_speed} aria-label="Speed">
                    { for [0.5, 1.0, 2.0, 4.0].iter().map(|s| html! {
                        <option value={s.to_string()} selected={(*s - props.speed).abs() < 1e-9}>{ format!("{s}×") }</option>
                    }) }
                </select>
            </label>
            <div class="progress" data-progress="" data-step={props.step.to_string()} data-steps={steps.to_string()}>
                <div class="bar" role="progressbar" aria-label="Progress" aria-valuemin="1"
                     aria-valuemax={steps.to_string()} aria-valuenow={(props.step + 1).to_string()}>
                    // An SVG bar: its width is an attribute, not an inline style, which the
                    // Content-Security-Policy (style-src 'self') would refuse.
                    <svg class="fill" viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true">
                        <rect width={format!("{percent:.1}")} height="1" />
                    </svg>
                </div>
                <span class="count">{ if steps > 0 { format!("{} / {}", props.step + 1, steps) } else { "–".into() } }</span>
                if beats > 1 {
                    <span class="count beat-count" data-beat-count="">{ format!("beat {} / {beats}", beat + 1) }</span>
                }
            </div>
        </div>
    }
}

/// Beside the player: Share, Files, presenter mode, and the suite once it is chosen.
pub(super) fn player_extras(props: &ToolbarProps, classroom: Classroom) -> Html {
    // The client's suite once its ServerHello has crossed the wire, not before.
    let negotiated = props.timeline.as_ref().and_then(|t| {
        let link = t.links().into_iter().next()?;
        let step = t
            .steps
            .iter()
            .position(|s| s.title == "ServerHello" && link.carries(s.from, s.to))?;
        let message = t.crossing(step).message?;
        let suite = crate::story::values(&message.fields, "cipher_suite")
            .into_iter()
            .next()?;
        Some((suite, step))
    });
    let toggle_files = {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.dispatch(Action::ToggleFiles))
    };
    let present = classroom.present;
    let toggle_present = {
        let d = props.dispatch.clone();
        Callback::from(move |_| {
            d.dispatch(Action::Present(!present));
            fullscreen(!present);
        })
    };
    html! {
        <div class="player-extras">
            <super::share::Share params={props.params.clone()} step={props.step} beat={super::toolbar::link_beat(props.beat)} speed={props.speed}
                                 imported={props.imported} open={props.share_open} {classroom}
                                 dispatch={props.dispatch.clone()} />
            if classroom.shows_details() {
                <button type="button" class="files-toggle" data-action="files" data-opens-panel="" aria-expanded={props.files_open.to_string()}
                        aria-controls="files-panel" onclick={toggle_files}>{ "Files" }</button>
            }
            <button type="button" data-action="present" aria-pressed={present.to_string()} onclick={toggle_present}
                    class="toggle" title="Presenter mode: large text, full screen (P)">{ "Present" }</button>
            if let Some((suite, chosen)) = negotiated {
                if props.step >= chosen {
                    <p class="negotiated">{ "Negotiated " }<code data-field="cipher_suite" data-value={suite.clone()}>{ suite }</code></p>
                } else {
                    <p class="negotiated pending" data-field="cipher_suite_pending">{ format!("Suite chosen at step {}", chosen + 1) }</p>
                }
            }
        </div>
    }
}

/// Presenter mode fills the screen when the reader asks for it (a click or a key: browsers
/// allow full screen only then); leaving it leaves full screen.
pub fn fullscreen(on: bool) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if on {
        if let Some(root) = document.document_element() {
            // Refused outside a user gesture or in an iframe without allowfullscreen; presenter
            // mode works without it.
            let _ = root.request_fullscreen();
        }
    } else if document.fullscreen_element().is_some() {
        document.exit_fullscreen();
    }
}

/// A 24x24 icon drawn in the text colour (no icon font: nothing loads from elsewhere).
fn icon(path: &'static str) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
            <path d={path} fill="currentColor" />
        </svg>
    }
}
