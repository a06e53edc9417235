//! The page that embeds the app in an iframe (see `embed.rs`): its commands in, the
//! announcements of what is on screen out.

use super::use_event;
use crate::embed::{self, Announcement, Command, warn};
use crate::protocol::{pair_on_page, protocol_on_page};
use crate::state::{Action, Classroom, Level, Model, RunParams};
use std::cell::RefCell;
use tlslab_core::scenario::Scenario;
use web_sys::{EventTarget, MessageEvent};
use yew::prelude::*;

#[hook]
pub fn use_embedding(model: &UseReducerHandle<Model>, start: &Callback<RunParams>) {
    use_commands(model, start);
    use_announcements(model);
}

/// Obeys the host's commands (see `obey`).
#[hook]
fn use_commands(model: &UseReducerHandle<Model>, start: &Callback<RunParams>) {
    // `setScenario` keeps the rest of the current run's parameters; the listener, made once,
    // reads them here.
    let params = use_mut_ref(|| model.params.clone());
    *params.borrow_mut() = model.params.clone();
    let classroom = use_mut_ref(|| model.classroom);
    *classroom.borrow_mut() = model.classroom;
    let dispatch = model.dispatcher();
    let start = start.clone();
    use_host_commands(move |command| obey(command, &dispatch, &start, &params, &classroom));
}

/// Hands each command the host posts to `obey`; a message that is not one is logged.
#[hook]
pub fn use_host_commands(obey: impl Fn(Command) + 'static) {
    let window = || web_sys::window().map(EventTarget::from);
    use_event(window, "message", move |e: MessageEvent| {
        let data = e.data();
        // Our own announcements echo back when the host is this window; skip them.
        let source = js_sys::Reflect::get(&data, &"source".into())
            .ok()
            .and_then(|v| v.as_string());
        if source.as_deref() == Some(embed::SOURCE) {
            return;
        }
        match Command::parse(data) {
            Ok(command) => obey(command),
            Err(why) => warn(&format!("message ignored: {why}")),
        }
    });
}

/// Tells the host when a run is ready, at every step, and at the end.
#[hook]
fn use_announcements(model: &Model) {
    let timeline = model.run.timeline().cloned();
    {
        let timeline = timeline.clone();
        use_effect_with((model.request, timeline.is_some()), move |_| {
            if let Some(t) = timeline {
                embed::announce(&Announcement::Ready {
                    scenario: t.scenario.id().into(),
                    steps: t.steps.len(),
                });
            }
        });
    }
    use_effect_with(
        (
            model.request,
            model.step,
            (model.beat_index(), model.beats()),
            timeline.is_some(),
        ),
        move |(_, step, (beat, beats), _)| {
            let Some(t) = timeline else { return };
            let Some(s) = t.steps.get(*step) else { return };
            embed::announce(&Announcement::Step {
                step: *step + 1,
                beat: beat + 1,
                beats: *beats,
                title: s.title.clone(),
                chapter: s.chapter as u8,
            });
            if *step + 1 == t.steps.len() && beat + 1 == *beats {
                embed::announce(&Announcement::end(&t.outcome));
            }
        },
    );
}

/// Carries out one command from the host.
fn obey(
    command: Command,
    dispatch: &UseReducerDispatcher<Model>,
    start: &Callback<RunParams>,
    params: &RefCell<RunParams>,
    classroom: &RefCell<Classroom>,
) {
    match command {
        // Steps are numbered as on screen, from 1.
        Command::Goto {
            step: Some(step), ..
        } => match step.checked_sub(1) {
            Some(index) => dispatch.dispatch(Action::Go(index)),
            None => warn("goto: steps are numbered from 1"),
        },
        Command::Goto {
            chapter: Some(n), ..
        } => {
            if let Some(story) = crate::story::CHAPTERS.iter().find(|c| c.number == n) {
                dispatch.dispatch(Action::Chapter(story.chapter));
            }
        }
        Command::Goto { .. } => warn("goto needs a step or a chapter"),
        Command::Play => dispatch.dispatch(Action::Play),
        Command::Pause => dispatch.dispatch(Action::Pause),
        Command::SetScenario { scenario, .. } => match Scenario::from_id(&scenario) {
            Some(s) if !s.applies_to(params.borrow().protocol) => warn(&format!(
                "scenario {scenario:?} does not apply to {}; setProtocol first",
                params.borrow().protocol.id()
            )),
            Some(scenario) => start.emit(params.borrow().with_scenario(scenario)),
            None => warn(&format!("unknown scenario {scenario:?}")),
        },
        Command::SetProtocol { protocol, .. } => match protocol_on_page(&protocol) {
            Some(protocol) => start.emit(params.borrow().with_protocol(protocol)),
            None => warn(&format!("unknown protocol {protocol:?}")),
        },
        // The comparison is a view of its own: the page opens it at its link.
        Command::SetCompare { compare, .. } => match pair_on_page(&compare) {
            Some(pair) => {
                let look = crate::url::Link::current();
                let link = crate::url::Link {
                    theme: look.theme,
                    embed: look.embed,
                    ..crate::url::Link::comparing(pair, &params.borrow())
                };
                if let Some(location) = web_sys::window().map(|w| w.location()) {
                    let _ = location.set_search(&link.query());
                }
            }
            None => warn(&format!(
                "compare needs two protocols of the page: {compare:?}"
            )),
        },
        Command::SetView {
            present,
            level,
            quiz,
            spoilers,
        } => {
            let mut c = *classroom.borrow();
            let level = match level.as_deref().map(Level::from_id) {
                Some(None) => return warn(&format!("unknown level {level:?}")),
                Some(Some(level)) => level,
                None => c.level,
            };
            c.level = level;
            c.present = present.unwrap_or(c.present);
            if let Some(quiz) = quiz {
                // A quiz hides the ending and the full view shows it, as `quiz=` links do.
                c.spoilers = spoilers.unwrap_or(!quiz);
                c.quiz = quiz;
            } else {
                c.spoilers = spoilers.unwrap_or(c.spoilers);
            }
            dispatch.dispatch(Action::Classroom(c));
        }
    }
}
