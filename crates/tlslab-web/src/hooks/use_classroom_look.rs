//! The classroom settings as attributes of `<html>` (`data-present`, `data-level`), which the
//! stylesheet reads.

use crate::state::{Classroom, Level};
use yew::prelude::*;

#[hook]
pub fn use_classroom_look(classroom: Classroom) {
    use_effect_with(classroom, |c| {
        let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        else {
            return;
        };
        // Only an invalid attribute name fails, and these are valid.
        let _ = if c.present {
            html.set_attribute("data-present", "")
        } else {
            html.remove_attribute("data-present")
        };
        let _ = match c.level {
            Level::Full => html.remove_attribute("data-level"),
            level => html.set_attribute("data-level", level.id()),
        };
    });
}
