//! The playback clock: while playing, a `Tick` every step's time at the chosen speed.

use crate::state::{Action, Model};
use gloo_timers::callback::Interval;
use yew::prelude::*;

/// Milliseconds between steps at 1x.
const STEP_MS: f64 = 1600.0;

#[hook]
pub fn use_playback(model: &UseReducerHandle<Model>) {
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
