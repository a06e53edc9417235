//! The root component: owns the state, the worker, the playback clock and the keyboard.

use super::chapters::Chapters;
use super::diagram::Diagram;
use super::files::Files;
use super::inspector::Inspector;
use super::outcome::Outcome;
use super::toolbar::Toolbar;
use crate::embed;
use crate::protocol::RunRequest;
use crate::runner::{self, Runner};
use crate::state::{Action, Model, Run, RunParams, Shared, Source};
use crate::url::Link;
use gloo_timers::callback::Interval;
use std::cell::RefCell;
use std::rc::Rc;
use tlslab_core::scenario::Scenario;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// Milliseconds between steps at 1x.
const STEP_MS: f64 = 1600.0;

#[function_component(App)]
pub fn app() -> Html {
    let model = use_reducer(|| {
        let link = Link::current();
        let params = RunParams {
            seed: link.seed.unwrap_or_else(runner::fresh_seed),
            suite: link.suite,
            scenario: link.scenario.unwrap_or_default(),
            clock: link.clock,
            ems: link.ems.unwrap_or(true),
        };
        let mut model = Model::new(params, link.step);
        model.autoplay = link.autoplay;
        model.speed = link.speed.unwrap_or(1.0);
        model
    });
    // How the page looks, fixed for its lifetime by the link it was opened with.
    let look = use_memo((), |_| {
        let link = Link::current();
        apply_look(link.theme, link.embed);
        link
    });
    let notice = use_state(|| !look.invalid.is_empty());
    let runner: Rc<RefCell<Option<Runner>>> = use_mut_ref(|| None);
    let next_id = use_mut_ref(|| 0u64);

    // Asking for a run: the worker computes it, the reply becomes `Loaded` or `Failed`.
    let start = {
        let dispatch = model.dispatcher();
        let runner = runner.clone();
        Callback::from(move |params: RunParams| {
            let id = {
                let mut n = next_id.borrow_mut();
                *n += 1;
                *n
            };
            let request = RunRequest {
                id,
                seed: params.seed,
                now: params.clock.unwrap_or_else(runner::now),
                suite: params.suite,
                scenario: params.scenario,
                ems: params.ems,
            };
            dispatch.dispatch(Action::Start { id, params });
            let sent = runner.borrow().as_ref().map(|r| r.run(&request));
            if let Some(Err(message)) = sent {
                dispatch.dispatch(Action::Failed { id, message });
            }
        })
    };

    // The worker, started once, then the first run.
    {
        let dispatch = model.dispatcher();
        let runner = runner.clone();
        let start = start.clone();
        let first = model.params.clone();
        use_effect_with((), move |_| {
            let on_finished = move |finished: runner::Finished| match finished.result {
                Ok(t) => {
                    set_body_data("run-ms", &format!("{:.1}", finished.run_ms));
                    dispatch.dispatch(Action::Loaded {
                        id: finished.id,
                        timeline: Shared(Rc::new(t)),
                        run_ms: finished.run_ms,
                    });
                }
                Err(message) => dispatch.dispatch(Action::Failed {
                    id: finished.id,
                    message,
                }),
            };
            match Runner::new(on_finished) {
                Ok(r) => *runner.borrow_mut() = Some(r),
                Err(message) => set_body_data("error", &message),
            }
            start.emit(first);
        });
    }

    // The embedding page: announcements out, commands in (see `embed.rs`).
    let latest_params = use_mut_ref(|| model.params.clone());
    *latest_params.borrow_mut() = model.params.clone();
    {
        let dispatch = model.dispatcher();
        let start = start.clone();
        use_effect_with((), move |_| {
            let listener =
                Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                    let data = e.data();
                    // Our own announcements echo back when the host is this window; skip them.
                    if js_sys::Reflect::get(&data, &"source".into())
                        .ok()
                        .and_then(|v| v.as_string())
                        .as_deref()
                        == Some(embed::SOURCE)
                    {
                        return;
                    }
                    match embed::Command::parse(data) {
                        Ok(embed::Command::Goto {
                            step: Some(step), ..
                        }) => dispatch.dispatch(Action::Go(step)),
                        Ok(embed::Command::Goto {
                            chapter: Some(n), ..
                        }) => {
                            if let Some(story) =
                                crate::story::CHAPTERS.iter().find(|c| c.number == n)
                            {
                                dispatch.dispatch(Action::Chapter(story.chapter));
                            }
                        }
                        Ok(embed::Command::Goto { .. }) => web_sys::console::warn_1(
                            &"tlslab: goto needs a step or a chapter".into(),
                        ),
                        Ok(embed::Command::Play { .. }) => dispatch.dispatch(Action::Play),
                        Ok(embed::Command::Pause { .. }) => dispatch.dispatch(Action::Pause),
                        Ok(embed::Command::SetScenario { scenario, .. }) => {
                            match Scenario::from_id(&scenario) {
                                Some(scenario) => start.emit(RunParams {
                                    scenario,
                                    ..latest_params.borrow().clone()
                                }),
                                None => web_sys::console::warn_1(
                                    &format!("tlslab: unknown scenario {scenario:?}").into(),
                                ),
                            }
                        }
                        Err(why) => web_sys::console::warn_1(
                            &format!("tlslab: message ignored: {why}").into(),
                        ),
                    }
                });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "message",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    {
        let timeline = model.run.timeline().cloned();
        use_effect_with((model.request, timeline.is_some()), move |_| {
            if let Some(t) = timeline {
                embed::announce(&embed::Announcement::Ready {
                    scenario: t.scenario.id().into(),
                    steps: t.steps.len(),
                });
            }
        });
    }
    {
        let timeline = model.run.timeline().cloned();
        use_effect_with(
            (model.request, model.step, timeline.is_some()),
            move |(_, step, _)| {
                let Some(t) = timeline else { return };
                let Some(s) = t.steps.get(*step) else { return };
                embed::announce(&embed::Announcement::Step {
                    step: *step,
                    title: s.title.clone(),
                    chapter: s.chapter as u8,
                });
                if *step + 1 == t.steps.len() {
                    let (outcome, alert, sender) = match &t.outcome {
                        tlslab_core::timeline::Outcome::Success => ("success", None, None),
                        tlslab_core::timeline::Outcome::Alert {
                            description,
                            sender,
                            ..
                        } => (
                            "alert",
                            Some(description.clone()),
                            Some(super::actor_name(*sender).to_string()),
                        ),
                        tlslab_core::timeline::Outcome::Stalled => ("stalled", None, None),
                    };
                    embed::announce(&embed::Announcement::End {
                        outcome: outcome.into(),
                        alert,
                        sender,
                    });
                }
            },
        );
    }

    // The playback clock.
    {
        let dispatch = model.dispatcher();
        use_effect_with(
            (model.playing, model.speed.to_bits()),
            move |(playing, speed)| {
                let interval = playing.then(|| {
                    let ms = (STEP_MS / f64::from_bits(*speed)).max(100.0) as u32;
                    Interval::new(ms, move || dispatch.dispatch(Action::Tick))
                });
                move || drop(interval)
            },
        );
    }

    // Keyboard: Space, Left/Right, Home/End (not while typing in a field).
    {
        let dispatch = model.dispatcher();
        use_effect_with((), move |_| {
            let listener =
                Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                    if typing(&e) || e.ctrl_key() || e.meta_key() || e.alt_key() {
                        return;
                    }
                    let action = match e.key().as_str() {
                        " " => Action::TogglePlay,
                        "ArrowRight" => Action::Next,
                        "ArrowLeft" => Action::Prev,
                        "Home" => Action::First,
                        "End" => Action::Last,
                        _ => return,
                    };
                    e.prevent_default();
                    dispatch.dispatch(action);
                });
            let document = web_sys::window().and_then(|w| w.document());
            if let Some(d) = &document {
                let _ = d
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(d) = document {
                    let _ = d.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }

    // The address bar follows the view; <body data-ready> once a timeline is drawn. A timeline
    // opened from a file has no link: the address keeps the last live run's.
    {
        let ready = model.run.timeline().is_some();
        let live_run = model.source == Source::Live;
        let p = &model.params;
        let link = Link {
            seed: Some(p.seed),
            step: Some(model.step),
            suite: p.suite,
            scenario: Some(p.scenario),
            clock: p.clock,
            ems: Some(p.ems),
            theme: look.theme,
            embed: look.embed,
            autoplay: false,
            speed: Some(model.speed),
            invalid: Vec::new(),
        };
        use_effect_with((link, ready, live_run), move |(link, ready, live_run)| {
            if *ready {
                if *live_run {
                    link.replace_current();
                }
                set_body_data("ready", "true");
            }
        });
    }

    let body = match &model.run {
        Run::Ready { timeline, .. } => html! {
            <div class="workspace">
                <section class="flow" aria-label="Message flow">
                    <Diagram timeline={timeline.clone()} step={model.step} dispatch={model.dispatcher()} speed={model.speed} />
                </section>
                <Inspector timeline={timeline.clone()} step={model.step} tab={model.tab}
                           plaintext={model.plaintext} dispatch={model.dispatcher()} />
            </div>
        },
        Run::Loading => html! {
            <p class="status" role="status">{ format!("Running the handshake (seed {})…", model.params.seed) }</p>
        },
        Run::Failed { message, .. } => html! {
            <p class="status error" role="alert">{ format!("The handshake could not run: {message}") }</p>
        },
    };
    let live = model
        .run
        .timeline()
        .and_then(|t| t.steps.get(model.step).map(|s| (t.steps.len(), s)))
        .map(|(n, s)| {
            format!(
                "Step {} of {}: {} from {} to {}.",
                model.step + 1,
                n,
                s.title,
                super::actor_name(s.from),
                super::actor_name(s.to)
            )
        });

    let imported = match &model.source {
        Source::File { name } => {
            let from = match model.run.timeline().and_then(|t| t.recorded.as_ref()) {
                Some(r) => format!(
                    "recorded by tlslab connect against {}: only the client's side is known, and the server's messages are shown as the client received them.",
                    r.server
                ),
                None => match model.run.timeline() {
                    Some(t) => {
                        format!("a simulated run ({}, seed {}).", t.scenario.title(), t.seed)
                    }
                    None => String::new(),
                },
            };
            let back = {
                let start = start.clone();
                let params = model.params.clone();
                Callback::from(move |_| start.emit(params.clone()))
            };
            html! {
                <div class="banner imported" role="region" aria-label="Opened from a file" data-imported={name.clone()}>
                    <p>
                        <strong>{ "Opened from a file: " }</strong><code>{ name }</code>{ ", " }{ from }
                    </p>
                    <button type="button" data-action="back-to-live" onclick={back}>{ "Back to live runs" }</button>
                </div>
            }
        }
        Source::Live => html! {},
    };
    let import_error = model.import_error.as_ref().map(|message| {
        let d = model.dispatcher();
        html! {
            <div class="banner error" role="alert" data-import-error="">
                <p>{ message.trim_end_matches('.') }{ ". The run on screen is unchanged." }</p>
                <button type="button" aria-label="Dismiss" onclick={Callback::from(move |_| d.dispatch(Action::DismissImportError))}>{ "×" }</button>
            </div>
        }
    });

    html! {
        <>
            <Toolbar model={Rc::clone(&model_rc(&model))} dispatch={model.dispatcher()} start={start} />
            { imported }
            { import_error.unwrap_or_default() }
            if model.files_open {
                <Files timeline={model.run.timeline().cloned()} dispatch={model.dispatcher()} />
            }
            <Chapters timeline={model.run.timeline().cloned()} step={model.step} dispatch={model.dispatcher()} />
            if let Some(t) = model.run.timeline() {
                <Outcome timeline={t.clone()} step={model.step} dispatch={model.dispatcher()} />
            }
            if *notice {
                <p class="notice" role="status" data-notice="">
                    { format!("Ignored link parameters that were not understood: {}. Defaults are used instead.", look.invalid.join(", ")) }
                    <button type="button" aria-label="Dismiss" onclick={{ let notice = notice.clone(); Callback::from(move |_| notice.set(false)) }}>{ "×" }</button>
                </p>
            }
            <main id="main">{ body }</main>
            <div class="sr-only" aria-live="polite" data-live="">{ live.unwrap_or_default() }</div>
        </>
    }
}

fn model_rc(model: &UseReducerHandle<Model>) -> Rc<Model> {
    Rc::new((**model).clone())
}

/// Whether a key press belongs to the focused control rather than to the player.
fn typing(e: &web_sys::KeyboardEvent) -> bool {
    let tag = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| el.tag_name().to_ascii_lowercase())
        .unwrap_or_default();
    match tag.as_str() {
        "input" | "select" | "textarea" => true,
        // Space and Enter activate these themselves.
        "button" | "summary" | "a" | "g" => matches!(e.key().as_str(), " " | "Enter"),
        _ => false,
    }
}

/// `<html data-theme>` (absent for the system setting) and `<html data-embed>`.
fn apply_look(theme: crate::url::Theme, embed: bool) {
    let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    match theme {
        crate::url::Theme::Auto => {}
        crate::url::Theme::Light => {
            let _ = html.set_attribute("data-theme", "light");
        }
        crate::url::Theme::Dark => {
            let _ = html.set_attribute("data-theme", "dark");
        }
    }
    if embed {
        let _ = html.set_attribute("data-embed", "");
    }
}

/// Sets `<body data-NAME="value">`.
fn set_body_data(name: &str, value: &str) {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute(&format!("data-{name}"), value);
    }
}
