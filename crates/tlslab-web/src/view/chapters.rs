//! The chapters of the simplified story as navigation (TLS 1.3 has no chapter 4), and the
//! current chapter's correction ([`StoryBox`]): what the simple story says and what really
//! crosses the wire.

use super::prose::prose;
use crate::state::{Action, Classroom, Level, Model, Shared};
use crate::story::{CHAPTERS, NO_PREMASTER, chapter_info, step_sentence, wire};
use tlslab_core::timeline::{Chapter, Link, Outcome as End};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChaptersProps {
    pub timeline: Option<Shared>,
    pub step: usize,
    pub dispatch: UseReducerDispatcher<Model>,
}

#[function_component(Chapters)]
pub fn chapters(props: &ChaptersProps) -> Html {
    let spoilers = use_context::<Classroom>().unwrap_or_default().spoilers;
    let current = props
        .timeline
        .as_ref()
        .and_then(|t| t.steps.get(props.step))
        .map(|s| s.chapter);
    let reached = |chapter| {
        props
            .timeline
            .as_ref()
            .is_some_and(|t| t.steps.iter().any(|s| s.chapter == chapter))
    };
    // TLS 1.3 has no premaster chapter (see `story::NO_PREMASTER`).
    let tls13 = props.timeline.as_ref().is_some_and(|t| t.spoke_tls13());
    let gone = move |chapter| tls13 && chapter == Chapter::Premaster;
    let nav = CHAPTERS.iter().map(|c| {
        let d = props.dispatch.clone();
        let chapter = c.chapter;
        let is_current = current == Some(chapter);
        html! {
            <li>
                <button type="button" data-chapter={c.number.to_string()}
                        class={classes!("chapter", is_current.then_some("current"), gone(chapter).then_some("gone"))}
                        aria-current={is_current.then_some("true")}
                        title={gone(chapter).then_some("Not in TLS 1.3")}
                        // Greyed chapters would tell a quiz how the run ends.
                        disabled={gone(chapter) || (spoilers && !reached(chapter))}
                        onclick={Callback::from(move |_| d.dispatch(Action::Chapter(chapter)))}>
                    <span class="num">{ c.number }</span>
                    <span class="name">{ c.title }</span>
                </button>
            </li>
        }
    });
    html! {
        <nav class="chapters" aria-label="Chapters">
            <ol>{ for nav }</ol>
            if tls13 {
                <p class="chapters-note" data-field="gone" data-value="4">{ NO_PREMASTER }</p>
            }
            // Said once the run has ended there, not before.
            { props.timeline.as_ref().filter(|t| props.step >= t.decisive_step()).map(unreached_note).unwrap_or_default() }
        </nav>
    }
}

/// Why the greyed chapters are greyed: the run ended before them, with the alert that ended it.
fn unreached_note(t: &Shared) -> Html {
    let unreached: Vec<u8> = CHAPTERS
        .iter()
        .filter(|c| !(t.spoke_tls13() && c.chapter == Chapter::Premaster))
        .filter(|c| !t.steps.iter().any(|s| s.chapter == c.chapter))
        .map(|c| c.number)
        .collect();
    let End::Alert {
        sender,
        description,
        step,
        ..
    } = &t.outcome
    else {
        return html! {};
    };
    if unreached.is_empty() {
        return html! {};
    }
    let list: Vec<String> = unreached.iter().map(u8::to_string).collect();
    let which = match unreached.as_slice() {
        [one] => format!("Chapter {one} is"),
        [first, .., last] if usize::from(last - first) + 1 == unreached.len() => {
            format!("Chapters {first}-{last} are")
        }
        _ => format!("Chapters {} are", list.join(", ")),
    };
    html! {
        <p class="chapters-note" data-field="unreached" data-value={list.join(",")}>
            { format!("{which} not reached: the {} sent {description} at step {}, and the handshake ended there.", super::actor_name(*sender), step + 1) }
        </p>
    }
}

#[derive(Properties, PartialEq)]
pub struct StoryProps {
    pub timeline: Shared,
    pub step: usize,
    /// The connection whose story is told (with a man in the middle, the step's own).
    pub link: Link,
}

/// The step's chapter: what people commonly say, and what this run really puts on the wire.
#[function_component(StoryBox)]
pub fn story_box(props: &StoryProps) -> Html {
    let classroom = use_context::<Classroom>().unwrap_or_default();
    let t = &props.timeline;
    let Some(step) = t.steps.get(props.step) else {
        return html! {};
    };
    let c = chapter_info(step.chapter);
    html! {
        <section class="story" data-panel="story" aria-label={format!("Chapter {}: {}", c.number, c.title)}>
            <div class="simple">
                <h3>{ format!("Chapter {}, {} · what people commonly say", c.number, c.title) }</h3>
                <p>{ c.simple_for(t.protocol()) }</p>
            </div>
            <details class="wire" open=true>
                <summary><h3>{ "What really crosses the wire" }</h3></summary>
                // The intro level leaves out what cannot be said without a citation.
                { for wire(t, step.chapter, props.link).into_iter()
                    .filter(|p| classroom.level == Level::Full || !crate::glossary::cites(&crate::glossary::without_citations(p)))
                    .map(|p| html! { <p>{ prose(&p, classroom) }</p> }) }
            </details>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct StepSentenceProps {
    pub timeline: Shared,
    pub step: usize,
}

/// The step in one sentence, with its RFC section: the first thing said about it.
#[function_component(StepSentence)]
pub fn step_sentence_view(props: &StepSentenceProps) -> Html {
    let classroom = use_context::<Classroom>().unwrap_or_default();
    match step_sentence(&props.timeline, props.step) {
        Some(sentence) => {
            html! { <p class="step-story" data-field="step_story">{ prose(&sentence, classroom) }</p> }
        }
        None => html! {},
    }
}
