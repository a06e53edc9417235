//! The Files and Share panels close on a click outside them, as popups do (Escape closes them
//! too, in `use_keyboard`).

use super::use_event;
use crate::state::{Action, Model};
use wasm_bindgen::JsCast;
use web_sys::MouseEvent;
use yew::prelude::*;

/// What a click may land on without closing the panels: the panels themselves and the
/// controls that open them (which toggle them on their own).
const INSIDE: &str = ".files-panel, .share, [data-opens-panel]";

#[hook]
pub fn use_dismiss(dispatch: UseReducerDispatcher<Model>) {
    use_event(super::document, "click", move |e: MouseEvent| {
        // Only a person's clicks: a download is the page clicking a link it made itself.
        if !e.is_trusted() {
            return;
        }
        let inside = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| el.closest(INSIDE).ok().flatten().is_some());
        if !inside {
            dispatch.dispatch(Action::ClosePanels);
        }
    });
}
