//! The top bar: the run (suite, seed, run again) and the player (restart, back, play, forward,
//! end, speed, progress).

use crate::protocol::Suite;
use crate::runner;
use crate::state::{Action, Model, RunParams, Shared};
use tlslab_core::msgs::enums::CipherSuite;
use tlslab_core::scenario::Scenario;
use tlslab_core::timeline::EventKind;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub params: RunParams,
    pub timeline: Option<Shared>,
    /// The timeline on screen was opened from a file: it has no run parameters.
    pub imported: bool,
    pub step: usize,
    pub playing: bool,
    pub speed: f64,
    pub files_open: bool,
    pub dispatch: UseReducerDispatcher<Model>,
    /// Asks for a run with these parameters.
    pub start: Callback<RunParams>,
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let seed_input = use_node_ref();
    let act = |action: fn() -> Action| {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.dispatch(action()))
    };
    let params = props.params.clone();
    // Each control asks for a run with one parameter changed.
    let rerun = |change: fn(&mut RunParams, Option<String>)| {
        let start = props.start.clone();
        let params = params.clone();
        Callback::from(move |e: Event| {
            let value = e.target().and_then(|t| {
                t.dyn_ref::<web_sys::HtmlSelectElement>()
                    .map(|s| s.value())
                    .or_else(|| {
                        t.dyn_ref::<web_sys::HtmlInputElement>().map(|i| {
                            if i.type_() == "checkbox" {
                                i.checked().to_string()
                            } else {
                                i.value()
                            }
                        })
                    })
            });
            let mut p = params.clone();
            change(&mut p, value);
            start.emit(p);
        })
    };
    let choose_scenario =
        rerun(|p, v| p.scenario = v.as_deref().and_then(Scenario::from_id).unwrap_or_default());
    // The empty value is "Negotiate".
    let choose_suite = rerun(|p, v| p.suite = v.as_deref().and_then(Suite::from_name));
    let choose_clock = rerun(|p, v| p.clock = v.as_deref().and_then(date_to_unix));
    let choose_ems = rerun(|p, v| p.ems = v.as_deref() == Some("true"));
    let run_again = {
        let start = props.start.clone();
        let params = params.clone();
        Callback::from(move |_| {
            start.emit(RunParams {
                seed: runner::fresh_seed(),
                ..params.clone()
            })
        })
    };
    let run_seed = {
        let start = props.start.clone();
        let params = params.clone();
        let input = seed_input.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let seed = input
                .cast::<web_sys::HtmlInputElement>()
                .and_then(|i| i.value().trim().parse::<u64>().ok());
            if let Some(seed) = seed.filter(|s| *s <= crate::protocol::MAX_SEED) {
                start.emit(RunParams {
                    seed,
                    ..params.clone()
                });
            }
        })
    };
    let reset_clock = {
        let start = props.start.clone();
        let params = params.clone();
        Callback::from(move |_| {
            start.emit(RunParams {
                clock: None,
                ..params.clone()
            })
        })
    };
    let suite = params.suite.map(Suite::name);
    let clock = unix_to_date(params.clock.unwrap_or_else(runner::now));
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
    let negotiated = props.timeline.as_ref().and_then(|t| {
        t.events.iter().find_map(|e| match &e.kind {
            EventKind::HandshakeComplete { cipher_suite, .. } => Some(cipher_suite.clone()),
            EventKind::Computation(tlslab_core::timeline::Computation::SuiteSelected {
                cipher_suite,
                ..
            }) => Some(cipher_suite.clone()),
            _ => None,
        })
    });
    let imported = props.imported;
    let toggle_files = act(|| Action::ToggleFiles);
    let percent = if steps > 1 {
        props.step as f64 * 100.0 / (steps - 1) as f64
    } else {
        0.0
    };

    html! {
        <header class="toolbar">
            <div class="brand">
                <h1>{ "TLS 1.2 handshake" }</h1>
                <span class="subtitle">{ "a real client and server, in your browser" }</span>
            </div>
            // A timeline opened from a file has no run parameters: the form would describe (and
            // silently re-run) another run. The banner below the toolbar leads back to live runs.
            if !imported {
            <form class="run" onsubmit={run_seed} aria-label="Run">
                <label>
                    <span>{ "Scenario" }</span>
                    <select data-control="scenario" onchange={choose_scenario} aria-label="Scenario">
                        { for Scenario::ALL.iter().map(|sc| html! {
                            <option value={sc.id()} selected={*sc == params.scenario}>{ sc.title() }</option>
                        }) }
                    </select>
                </label>
                <label>
                    <span>{ "Suite" }</span>
                    <select data-control="suite" onchange={choose_suite} aria-label="Cipher suite">
                        <option value="" selected={suite.is_none()}>{ "Negotiate (GCM first)" }</option>
                        { for CipherSuite::SUPPORTED.iter().map(|s| {
                            let name = s.name();
                            html! { <option value={name.clone()} selected={suite.as_deref() == Some(name.as_str())}>{ name.trim_start_matches("TLS_RSA_WITH_").to_string() }</option> }
                        }) }
                    </select>
                </label>
                <label>
                    <span>{ "Client clock" }</span>
                    <input type="date" data-control="clock" value={clock} onchange={choose_clock}
                           aria-label="The client's date, used to check certificate validity" />
                </label>
                if params.clock.is_some() {
                    <button type="button" data-action="clock-now" onclick={reset_clock} aria-label="Set the client's clock back to now">{ "Now" }</button>
                }
                <label class="toggle-label">
                    <input type="checkbox" data-control="ems" checked={params.ems} onchange={choose_ems} />
                    <span>{ "Extended master secret" }</span>
                </label>
                <label>
                    <span>{ "Seed" }</span>
                    <input data-control="seed" ref={seed_input} inputmode="numeric" size="12"
                           value={params.seed.to_string()} aria-label="Seed" />
                </label>
                <button type="submit" data-action="run-seed" aria-label="Run with this seed">{ "Run" }</button>
                <button type="button" data-action="run-again" onclick={run_again}
                        aria-label="Run again with new randomness">{ "Run again" }</button>
            </form>
            }
            <div class="player" role="group" aria-label="Player">
                <button type="button" data-action="restart" onclick={act(|| Action::First)} aria-label="Restart (Home)">{ icon("M4 12l8-7v14zM12 12l8-7v14z") }</button>
                <button type="button" data-action="prev" onclick={act(|| Action::Prev)} aria-label="Previous step (Left arrow)">{ icon("M18 5v14l-9-7zM6 5h2v14H6z") }</button>
                <button type="button" class="play" data-action="play" onclick={act(|| Action::TogglePlay)}
                        aria-pressed={props.playing.to_string()} aria-label={if props.playing { "Pause (Space)" } else { "Play (Space)" }}>
                    { if props.playing { icon("M6 5h4v14H6zM14 5h4v14h-4z") } else { icon("M7 5v14l12-7z") } }
                </button>
                <button type="button" data-action="next" onclick={act(|| Action::Next)} aria-label="Next step (Right arrow)">{ icon("M6 5v14l9-7zM16 5h2v14h-2z") }</button>
                <button type="button" data-action="end" onclick={act(|| Action::Last)} aria-label="Last step (End)">{ icon("M4 5v14l8-7zM12 5v14l8-7z") }</button>
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
                </div>
                <super::share::Share step={props.step} imported={imported} />
                <button type="button" class="files-toggle" data-action="files" aria-expanded={props.files_open.to_string()}
                        aria-controls="files-panel" onclick={toggle_files}>{ "Files" }</button>
                if let Some(suite) = negotiated {
                    <p class="negotiated">{ "Negotiated " }<code data-field="cipher_suite" data-value={suite.clone()}>{ suite }</code></p>
                }
            </div>
        </header>
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

/// `YYYY-MM-DD` (UTC) for a Unix time, as a date input shows it.
fn unix_to_date(unix: u64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
    String::from(date.to_iso_string())
        .chars()
        .take(10)
        .collect()
}

/// The Unix time of noon UTC on a `YYYY-MM-DD` date (noon keeps the date whatever the zone).
fn date_to_unix(date: &str) -> Option<u64> {
    let ms = js_sys::Date::parse(&format!("{date}T12:00:00Z"));
    (ms.is_finite() && ms >= 0.0).then(|| (ms / 1000.0) as u64)
}
