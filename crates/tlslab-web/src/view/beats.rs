//! The step's beats (see `crate::beats`): the current one drawn left to right, its caption,
//! and a dot per beat to jump to it. Each beat's pieces come in one after another (transform
//! and opacity only); with reduced motion they are simply there.

use crate::beats::{Beat, Item};
use crate::state::{Action, Classroom, Model, Shared};
use tlslab_core::bytes::Bytes;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BeatsProps {
    pub timeline: Shared,
    pub step: usize,
    /// The beat on screen, from 0.
    pub beat: usize,
    pub speed: f64,
    pub dispatch: UseReducerDispatcher<Model>,
}

#[function_component(Beats)]
pub fn beats_view(props: &BeatsProps) -> Html {
    let classroom = use_context::<Classroom>().unwrap_or_default();
    let beats = crate::beats::beats(&props.timeline, props.step);
    if beats.len() < 2 {
        return html! {};
    }
    let beat = props.beat.min(beats.len() - 1);
    let Some(current) = beats.get(beat) else {
        return html! {};
    };
    let dots = beats.iter().enumerate().map(|(i, b)| {
        let d = props.dispatch.clone();
        let here = i == beat;
        html! {
            <li>
                <button type="button" data-go-beat={(i + 1).to_string()} aria-current={here.then_some("step")}
                        class={classes!("beat-dot", here.then_some("current"), (i < beat).then_some("past"), verdict_class(b))}
                        aria-label={format!("Beat {} of {}{}", i + 1, beats.len(), match b.ok { Some(true) => " (check passed)", Some(false) => " (check failed)", None => "" })}
                        onclick={Callback::from(move |_| d.dispatch(Action::Beat(i)))}>{ i + 1 }</button>
            </li>
        }
    });
    html! {
        <section class={classes!("beats", super::diagram::speed_class(props.speed))} data-panel="beats"
                 data-beat={(beat + 1).to_string()} data-beats={beats.len().to_string()}
                 aria-label="What happens in this step, beat by beat">
            <ol class="beat-dots">{ for dots }</ol>
            // Keyed by the beat, so each beat's pieces come in afresh.
            <div class={classes!("stage", verdict_class(current))} key={format!("{}-{beat}", props.step)}
                 aria-hidden="true">
                { for current.items.iter().map(item) }
            </div>
            <p class="caption" data-field="beat_caption">{ super::prose::prose(&current.caption, classroom) }</p>
        </section>
    }
}

fn verdict_class(b: &Beat) -> Option<&'static str> {
    b.ok.map(|ok| if ok { "ok" } else { "bad" })
}

fn item(i: &Item) -> Html {
    match i {
        Item::Value { label, value, side } => html! {
            <span class={classes!("chip", super::actor_name(*side))} title={value.hex()}>
                <span class="chip-label">{ label }</span>
                <code>{ abbreviated(value) }</code>
                <span class="len">{ format!("{} B", value.len()) }</span>
            </span>
        },
        Item::Op(op) => html! { <span class="op">{ op }</span> },
        Item::Text(text) => html! { <span class="chip text">{ text }</span> },
        Item::Period { from, to, at } => period(from, to, at),
        Item::Verdict(ok) => html! {
            <span class={classes!("mark", if *ok { "ok" } else { "bad" })}>{ if *ok { "✓" } else { "✗" } }</span>
        },
    }
}

/// The first and last bytes of a long value; the whole is in the title and the tabs below.
fn abbreviated(value: &Bytes) -> String {
    let hex = value.hex();
    if hex.len() > 20 {
        format!("{}…{}", &hex[..12], &hex[hex.len() - 6..])
    } else {
        hex
    }
}

/// A validity period as a bar, with the client's clock marked on it (inside or outside).
fn period(from: &(u64, String), to: &(u64, String), at: &(u64, String)) -> Html {
    let span = to.0.saturating_sub(from.0).max(1) as f64;
    let x = |t: u64| 10.0 + 80.0 * ((t as f64 - from.0 as f64) / span);
    let now = x(at.0).clamp(2.0, 98.0);
    let inside = from.0 <= at.0 && at.0 <= to.0;
    html! {
        <span class="period">
            <svg viewBox="0 0 100 14" class={classes!("bar", if inside { "ok" } else { "bad" })} aria-hidden="true">
                <rect class="valid" x="10" y="5" width="80" height="4" rx="2" />
                <line class="now" x1={format!("{now:.1}")} y1="1" x2={format!("{now:.1}")} y2="13" />
            </svg>
            <span class="period-labels">
                <span>{ date(&from.1) }</span>
                <span class="now">{ format!("clock {}", date(&at.1)) }</span>
                <span>{ date(&to.1) }</span>
            </span>
        </span>
    }
}

fn date(utc: &str) -> &str {
    utc.get(..10).unwrap_or(utc)
}
