//! The Files and Share panels close on a click outside them, as popups do (Escape closes them
//! too, in `use_keyboard`). Escape also hides a glossary term's line, until the pointer or
//! focus reaches a term again (WCAG 1.4.13: dismissible without moving).

use super::use_event;
use crate::state::{Action, Model};
use wasm_bindgen::JsCast;
use web_sys::MouseEvent;
use yew::prelude::*;

/// What a click may land on without closing the panels: the panels themselves and the
/// controls that open them (which toggle them on their own).
const INSIDE: &str = ".files-panel, .share, [data-opens-panel]";

/// Hides (`true`) or allows again the glossary lines: `<html data-tips-hidden>`.
pub fn hide_tips(hidden: bool) {
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        // A valid attribute name: these calls cannot fail.
        let _ = if hidden {
            html.set_attribute("data-tips-hidden", "")
        } else {
            html.remove_attribute("data-tips-hidden")
        };
    }
}

#[hook]
pub fn use_dismiss(dispatch: UseReducerDispatcher<Model>) {
    let on_a_term = |e: &web_sys::Event| {
        e.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| el.closest(".term").ok().flatten().is_some())
    };
    use_event(super::document, "focusin", move |e: web_sys::Event| {
        if on_a_term(&e) {
            hide_tips(false);
        }
    });
    use_event(super::document, "pointerover", move |e: web_sys::Event| {
        if on_a_term(&e) {
            hide_tips(false);
        }
    });
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
