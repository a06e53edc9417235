//! The screen reader's announcement of the current step (an `aria-live` region).

use crate::state::{Classroom, Level, Shared};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LiveProps {
    pub timeline: Option<Shared>,
    pub step: usize,
    /// The beat on screen, from 0.
    pub beat: usize,
}

/// "Step 5 of 13: Alert: certificate_expired, Client → Server." then the step's own sentence:
/// the names the screen shows, the alert, and what the step is.
#[function_component(Live)]
pub fn live(props: &LiveProps) -> Html {
    let intro = use_context::<Classroom>().unwrap_or_default().level == Level::Intro;
    let text = props.timeline.as_ref().and_then(|t| {
        let s = t.steps.get(props.step)?;
        let name = match t.alert_in(props.step) {
            Some((_, a)) => format!("Alert: {}", a.description),
            None => s.title.clone(),
        };
        let beats = crate::beats::beats(t, props.step);
        // Within a step of several beats, each beat's caption is what changed.
        let sentence = match beats.get(props.beat).filter(|_| beats.len() > 1) {
            Some(b) => format!("Beat {} of {}: {}", props.beat + 1, beats.len(), b.caption),
            None => crate::story::step_sentence(t, props.step).unwrap_or_default(),
        };
        Some(format!(
            "Step {} of {}: {}, {} to {}. {}",
            props.step + 1,
            t.steps.len(),
            name,
            super::lane_title(s.from, t.network),
            super::lane_title(s.to, t.network),
            sentence
        ))
    });
    // The intro level says it without RFC citations, as the screen does.
    let text = text.map(|t| {
        if intro {
            crate::glossary::without_citations(&t)
        } else {
            t
        }
    });
    html! {
        <div class="sr-only" aria-live="polite" data-live="">{ text.unwrap_or_default() }</div>
    }
}
