//! The player's keys: Space, Left/Right, Home/End, P for presenter mode (not while typing in a
//! field); Escape closes the Files and Share panels.

use super::use_event;
use crate::state::{Action, Model};
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

#[hook]
pub fn use_keyboard(dispatch: UseReducerDispatcher<Model>, present: bool) {
    // The listener is made once; it reads the mode here.
    let presenting = use_mut_ref(|| present);
    *presenting.borrow_mut() = present;
    use_event(super::document, "keydown", move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            dispatch.dispatch(Action::ClosePanels);
            super::use_dismiss::hide_tips(true);
            return;
        }
        if e.default_prevented() || typing(&e) || e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        let action = match e.key().as_str() {
            " " => Action::TogglePlay,
            "ArrowRight" => Action::Next,
            "ArrowLeft" => Action::Prev,
            "Home" => Action::First,
            "End" => Action::Last,
            "p" | "P" => {
                let on = !*presenting.borrow();
                crate::view::player::fullscreen(on);
                Action::Present(on)
            }
            _ => return,
        };
        e.prevent_default();
        dispatch.dispatch(action);
    });
}

/// Whether a key press belongs to the focused control rather than to the player.
fn typing(e: &KeyboardEvent) -> bool {
    let tag = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| el.tag_name().to_ascii_lowercase())
        .unwrap_or_default();
    match tag.as_str() {
        "input" | "select" | "textarea" => true,
        // The inspector's tab list and the field tree use the arrow keys themselves (ARIA tabs
        // and tree patterns).
        _ if in_composite_widget(e) => true,
        // Space and Enter activate these themselves.
        "button" | "summary" | "a" | "g" => matches!(e.key().as_str(), " " | "Enter"),
        _ => false,
    }
}

fn in_composite_widget(e: &KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(
                el.get_attribute("role").as_deref(),
                Some("tab" | "treeitem")
            )
        })
}
