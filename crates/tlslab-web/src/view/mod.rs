//! The components. Each renders part of the timeline; none computes anything about TLS.

pub mod app;
pub mod beats;
pub mod bytes;
pub mod certificate;
pub mod chapters;
pub mod compare;
pub mod diagram;
pub mod files;
pub mod import_error;
pub mod imported;
pub mod inspector;
pub mod key_share;
pub mod keys;
pub mod knowledge;
pub mod link_notice;
pub mod live;
pub mod outcome;
pub mod player;
pub mod premaster;
pub mod prose;
pub mod quiz;
pub mod reproduce;
pub mod run_form;
pub mod share;
pub mod toolbar;
pub mod value;
pub mod workspace;

use tlslab_core::timeline::Actor;

/// " (step N)" for the first message titled `title` in the run, or what it means that the run
/// never sends one.
pub fn step_of(t: &tlslab_core::timeline::Timeline, title: &str) -> String {
    step_on(t, None, title)
}

/// Like [`step_of`], on connection `link` only (with a man in the middle there are two).
pub fn step_on(
    t: &tlslab_core::timeline::Timeline,
    link: Option<tlslab_core::timeline::Link>,
    title: &str,
) -> String {
    let on_link = |s: &tlslab_core::timeline::Step| link.is_none_or(|l| l.carries(s.from, s.to));
    match t.steps.iter().position(|s| s.title == title && on_link(s)) {
        Some(i) => format!(" (step {})", i + 1),
        None => ", which this run never reaches".into(),
    }
}

pub fn actor_name(actor: Actor) -> &'static str {
    match actor {
        Actor::Client => "client",
        Actor::Server => "server",
        Actor::Network => "network",
    }
}

pub fn actor_title(actor: Actor) -> &'static str {
    match actor {
        Actor::Client => "Client",
        Actor::Server => "Server",
        Actor::Network => "Network",
    }
}

/// The lane's name as the diagram shows it: the middle one is an attacker or an observer.
pub fn lane_title(actor: Actor, role: tlslab_core::scenario::NetworkRole) -> &'static str {
    match (actor, role) {
        (Actor::Network, tlslab_core::scenario::NetworkRole::Attacker) => "Attacker",
        (Actor::Network, tlslab_core::scenario::NetworkRole::Observer) => "Observer",
        (other, _) => actor_title(other),
    }
}

/// Moves keyboard focus to the inspector's step header (after a jump, so focus follows what
/// changed instead of staying on a button that may be gone).
pub fn focus_step() {
    use wasm_bindgen::JsCast;
    if let Some(head) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("step-head"))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = head.focus();
    }
}
