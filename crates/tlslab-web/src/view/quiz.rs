//! The question asked before a step in quiz mode: the choices, then whether the choice was
//! right and why, then the step itself. Each answer is posted to the host page.

use crate::embed::{self, Announcement};
use crate::state::{Action, Model, Shared};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct QuizCardProps {
    pub timeline: Shared,
    /// The step the question comes before.
    pub step: usize,
    /// The choice made, once answered.
    pub answer: Option<usize>,
    pub dispatch: UseReducerDispatcher<Model>,
}

#[function_component(QuizCard)]
pub fn quiz_card(props: &QuizCardProps) -> Html {
    let classroom = use_context::<crate::state::Classroom>().unwrap_or_default();
    // A question takes focus when it appears (and is scrolled to, on a phone), so the reader
    // knows why the step waits; answering disables the choices, and focus moves on to the
    // result's button.
    let (prompt, reveal) = (use_node_ref(), use_node_ref());
    {
        let (prompt, reveal) = (prompt.clone(), reveal.clone());
        use_effect_with((props.step, props.answer), move |(_, answer)| {
            let target = if answer.is_some() { reveal } else { prompt };
            if let Some(el) = target.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let Some(q) = crate::quiz::question_at(&props.timeline, props.step) else {
        return html! {};
    };
    let choices = q.choices.iter().enumerate().map(|(i, text)| {
        let d = props.dispatch.clone();
        let (id, step, right) = (q.id, q.step, i == q.correct);
        let answer = Callback::from(move |_| {
            d.dispatch(Action::Answer(i));
            embed::announce(&Announcement::Answer {
                question: id.into(),
                step: step + 1,
                choice: i + 1,
                correct: right,
            });
        });
        let state = props.answer.map(|a| {
            if i == q.correct {
                "right"
            } else if i == a {
                "wrong"
            } else {
                "other"
            }
        });
        html! {
            <li>
                <button type="button" class={classes!("choice", state)} data-choice={(i + 1).to_string()}
                        disabled={props.answer.is_some()} onclick={answer}>
                    <span class="letter" aria-hidden="true">{ char::from(b'A' + i as u8) }</span>
                    <span>{ text }</span>
                    if state == Some("right") { <span class="sr-only">{ " (the right answer)" }</span> }
                    if state == Some("wrong") { <span class="sr-only">{ " (your answer)" }</span> }
                </button>
            </li>
        }
    });
    let show = {
        let d = props.dispatch.clone();
        Callback::from(move |_| {
            d.dispatch(Action::Next);
            super::focus_step();
        })
    };
    html! {
        <section class="quiz" data-panel="quiz" data-question={q.id} aria-labelledby="quiz-prompt">
            <p class="quiz-kicker">{ format!("Before step {}: what happens next?", q.step + 1) }</p>
            <h2 id="quiz-prompt" tabindex="-1" ref={prompt}>{ &q.prompt }</h2>
            <ol class="choices">{ for choices }</ol>
            // Always there, so screen readers announce the result when it is filled in.
            <div role="status">
                if let Some(a) = props.answer {
                    <div class={classes!("quiz-result", if a == q.correct { "right" } else { "wrong" })} data-field="quiz_result"
                         data-value={if a == q.correct { "right" } else { "wrong" }}>
                        <p><strong>{ if a == q.correct { "Right. " } else { "Not quite. " } }</strong>{ super::prose::prose(&q.why, classroom) }</p>
                        <button type="button" class="play" data-action="reveal" ref={reveal} onclick={show}>{ format!("Show step {}", q.step + 1) }</button>
                    </div>
                }
            </div>
        </section>
    }
}
