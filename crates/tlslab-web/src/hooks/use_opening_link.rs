//! The link the page was opened with: it chooses the first run and fixes the page's look.

use crate::url::{Link, Theme};
use std::rc::Rc;
use yew::prelude::*;

/// Reads the link once and applies its look to `<html>`.
#[hook]
pub fn use_opening_link() -> Rc<Link> {
    use_memo((), |_| {
        let link = Link::current();
        apply_look(link.theme, link.embed);
        link
    })
}

/// `<html data-theme>` (absent for the system setting) and `<html data-embed>`.
fn apply_look(theme: Theme, embed: bool) {
    let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    match theme {
        Theme::Auto => {}
        Theme::Light => {
            let _ = html.set_attribute("data-theme", "light");
        }
        Theme::Dark => {
            let _ = html.set_attribute("data-theme", "dark");
        }
    }
    if embed {
        let _ = html.set_attribute("data-embed", "");
    }
}
