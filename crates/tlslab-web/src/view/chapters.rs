//! The six chapters of the simplified story as navigation, and the current chapter's
//! correction ([`StoryBox`]): what the simple story says and what really crosses the wire.

use crate::state::{Action, Model, Shared};
use crate::story::{CHAPTERS, story};
use tlslab_core::timeline::Chapter;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChaptersProps {
    pub timeline: Option<Shared>,
    pub step: usize,
    pub dispatch: UseReducerDispatcher<Model>,
}

#[function_component(Chapters)]
pub fn chapters(props: &ChaptersProps) -> Html {
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
    let nav = CHAPTERS.iter().map(|c| {
        let d = props.dispatch.clone();
        let chapter = c.chapter;
        let is_current = current == Some(chapter);
        html! {
            <li>
                <button type="button" data-chapter={c.number.to_string()}
                        class={classes!("chapter", is_current.then_some("current"))}
                        aria-current={is_current.then_some("true")}
                        disabled={!reached(chapter)}
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
        </nav>
    }
}

#[derive(Properties, PartialEq)]
pub struct StoryProps {
    pub chapter: Chapter,
}

#[function_component(StoryBox)]
pub fn story_box(props: &StoryProps) -> Html {
    let s = story(props.chapter);
    html! {
        <section class="story" data-panel="story" aria-label={format!("Chapter {}: {}", s.number, s.title)}>
            <div class="simple">
                <h3>{ format!("Chapter {} · the simple story", s.number) }</h3>
                <p>{ s.simple }</p>
            </div>
            <details class="wire" open=true>
                <summary><h3>{ "What really crosses the wire" }</h3></summary>
                { for s.wire.iter().map(|p| html! { <p>{ *p }</p> }) }
            </details>
        </section>
    }
}
