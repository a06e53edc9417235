//! The screen reader's announcement of the current step (an `aria-live` region).

use crate::state::Shared;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LiveProps {
    pub timeline: Option<Shared>,
    pub step: usize,
}

#[function_component(Live)]
pub fn live(props: &LiveProps) -> Html {
    let text = props
        .timeline
        .as_ref()
        .and_then(|t| t.steps.get(props.step).map(|s| (t.steps.len(), s)))
        .map(|(n, s)| {
            format!(
                "Step {} of {}: {} from {} to {}.",
                props.step + 1,
                n,
                s.title,
                super::actor_name(s.from),
                super::actor_name(s.to)
            )
        });
    html! {
        <div class="sr-only" aria-live="polite" data-live="">{ text.unwrap_or_default() }</div>
    }
}
