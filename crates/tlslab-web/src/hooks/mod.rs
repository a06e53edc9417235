//! The root component's behaviour as custom hooks, one concern each (as in Yew's
//! function_todomvc): every hook owns its effects and cleans up after itself.

mod use_address_bar;
mod use_classroom_look;
mod use_dismiss;
mod use_embedding;
mod use_event;
mod use_keyboard;
mod use_opening_link;
mod use_playback;
mod use_worker;

pub use use_address_bar::use_address_bar;
pub use use_classroom_look::use_classroom_look;
pub use use_dismiss::use_dismiss;
pub use use_embedding::{use_embedding, use_host_commands};
pub use use_event::use_event;
pub use use_keyboard::use_keyboard;
pub use use_opening_link::use_opening_link;
pub use use_playback::use_playback;
pub use use_worker::use_worker;

/// The page's document, as a target for `use_event`.
fn document() -> Option<web_sys::EventTarget> {
    web_sys::window()
        .and_then(|w| w.document())
        .map(web_sys::EventTarget::from)
}

/// Sets `<body data-NAME="value">`, which the tests and the benchmark read.
pub(crate) fn set_body_data(name: &str, value: &str) {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        // Only an invalid attribute name fails, and every name here is a valid data-* name.
        let _ = body.set_attribute(&format!("data-{name}"), value);
    }
}
