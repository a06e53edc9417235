//! The root component: the state, the hooks that connect it to the world (worker, host page,
//! playback clock, keyboard, address bar) and the layout of the children.

use super::chapters::Chapters;
use super::compare::Compare;
use super::files::Files;
use super::import_error::ImportError;
use super::imported::Imported;
use super::link_notice::LinkNotice;
use super::live::Live;
use super::outcome::Outcome;
use super::prose::Glossary;
use super::quiz::QuizCard;
use super::toolbar::Toolbar;
use super::workspace::Workspace;
use crate::hooks::{
    use_address_bar, use_classroom_look, use_dismiss, use_embedding, use_keyboard,
    use_opening_link, use_playback, use_worker,
};
use crate::runner;
use crate::state::{Classroom, Model, RunParams, Source};
use crate::url::Link;
use std::rc::Rc;
use yew::prelude::*;

/// The page: one handshake, or two side by side when the link says `compare=`.
#[function_component(App)]
pub fn app() -> Html {
    let link = use_opening_link();
    match link.compare {
        Some(pair) => html! {
            <ContextProvider<Classroom> context={link.classroom}>
                <Compare {link} {pair} />
            </ContextProvider<Classroom>>
        },
        None => html! { <Single {link} /> },
    }
}

#[derive(Properties, PartialEq)]
struct SingleProps {
    link: Rc<Link>,
}

/// One handshake: the toolbar, the chapters, the diagram and the inspector.
#[function_component(Single)]
fn single(props: &SingleProps) -> Html {
    let link = props.link.clone();
    let model = use_reducer(|| first_model(&link));
    let start = use_worker(&model);
    use_embedding(&model, &start);
    use_playback(&model);
    use_keyboard(model.dispatcher(), model.classroom.present);
    use_dismiss(model.dispatcher());
    use_address_bar(&model, &link);
    use_classroom_look(model.classroom);

    let dispatch = model.dispatcher();
    let timeline = model.run.timeline().cloned();
    let back_to_live = {
        let params = model.params.clone();
        start.reform(move |_| params.clone())
    };
    let question = model.asking.zip(timeline.clone());
    html! {
        <ContextProvider<Classroom> context={model.classroom}>
            // About 25 controls come before the diagram: a keyboard user can go straight to it.
            <a class="skip-link" href="#flow" data-action="skip">{ "Skip to the handshake" }</a>
            <Toolbar params={model.params.clone()} timeline={timeline.clone()} imported={model.source != Source::Live}
                     step={model.step} beat={(model.beat_index(), model.beats())} playing={model.playing} speed={model.speed} files_open={model.files_open} share_open={model.share_open}
                     dispatch={dispatch.clone()} start={start} />
            if let Source::File { name } = &model.source {
                <Imported name={name.clone()} timeline={timeline.clone()} back={back_to_live} />
            }
            if let Some(message) = &model.import_error {
                <ImportError message={message.clone()} dispatch={dispatch.clone()} />
            }
            if model.files_open && model.classroom.shows_details() {
                <Files timeline={timeline.clone()} dispatch={dispatch.clone()} />
            }
            <Chapters timeline={timeline.clone()} step={model.step} dispatch={dispatch.clone()} />
            if let Some(t) = &timeline {
                <Outcome timeline={t.clone()} step={model.step} dispatch={dispatch.clone()} />
            }
            <LinkNotice invalid={link.invalid.clone()} />
            if let Some((step, t)) = question {
                <QuizCard key={step} timeline={t} {step} answer={model.answer(step)} dispatch={dispatch.clone()} />
            }
            <main id="main">
                <Workspace run={model.run.clone()} seed={model.params.seed} step={model.step} beat={model.beat_index()} tab={model.tab}
                           plaintext={model.plaintext} speed={model.speed} inspector_drawn={model.inspector_drawn} dispatch={dispatch} />
                <Glossary />
            </main>
            <Live {timeline} step={model.step} beat={model.beat_index()} />
        </ContextProvider<Classroom>>
    }
}

/// What the opening link asks for; a fresh seed when it names none.
fn first_model(link: &Link) -> Model {
    let params = RunParams {
        seed: link.seed.unwrap_or_else(runner::fresh_seed),
        protocol: link.protocol.unwrap_or_default(),
        suite: link.suite,
        scenario: link.scenario.unwrap_or_default(),
        clock: link.clock,
        ems: link.ems.unwrap_or(true),
    };
    let mut model = Model::new(params, link.step);
    model.classroom = link.classroom;
    model.wanted_beat = link.beat;
    model.autoplay = link.autoplay;
    model.speed = link.speed.unwrap_or(1.0);
    model
}
