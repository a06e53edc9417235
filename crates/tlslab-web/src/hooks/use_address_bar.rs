//! The address bar follows the view (replaceState), so a copied link reproduces it.

use super::set_body_data;
use crate::state::{Model, Source};
use crate::url::Link;
use yew::prelude::*;

/// Keeps the address on the current run and step; `opening` gives the look (theme, embed),
/// which never changes. A timeline opened from a file has no link: the address keeps the last
/// live run's. `<body data-ready>` is set here, after the address, once a timeline is drawn:
/// whoever waits for it reads the final link.
#[hook]
pub fn use_address_bar(model: &Model, opening: &Link) {
    // Ready once the whole view is drawn, the inspector included (see `view::workspace`).
    let ready = model.run.timeline().is_some() && model.inspector_drawn;
    let live_run = model.source == Source::Live;
    let link = Link {
        theme: opening.theme,
        embed: opening.embed,
        speed: Some(model.speed),
        classroom: model.classroom,
        ..Link::to_view(&model.params, model.step, model.link_beat())
    };
    use_effect_with((link, ready, live_run), move |(link, ready, live_run)| {
        if *ready {
            // In a task of its own: the browser's first replaceState of a page can take
            // 10 ms, which made the task that draws the inspector a long one.
            let (link, live_run) = (link.clone(), *live_run);
            gloo_timers::callback::Timeout::new(0, move || {
                if live_run {
                    link.replace_current();
                }
                set_body_data("ready", "true");
            })
            .forget();
        }
    });
}
