//! The inspector: the selected step, and tabs for its bytes, the certificate checks, the
//! premaster secret, the key schedule and who knows what.

use super::beats::Beats;
use super::bytes::BytesPanel;
use super::certificate::CertificatePanel;
use super::chapters::{StepSentence, StoryBox};
use super::keys::KeysPanel;
use super::knowledge::KnowledgePanel;
use super::premaster::PremasterPanel;
use super::reproduce::ReproducePanel;
use super::value::Value;
use crate::state::{Action, Classroom, Model, Shared, Tab};
use tlslab_core::timeline::{Computation, EventKind, Link};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub timeline: Shared,
    pub step: usize,
    /// The beat on screen, from 0.
    pub beat: usize,
    pub speed: f64,
    pub tab: Tab,
    pub plaintext: bool,
    pub dispatch: UseReducerDispatcher<Model>,
}

#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let t = &props.timeline;
    let classroom = use_context::<Classroom>().unwrap_or_default();
    // TLS 1.3 has no premaster (the Keys tab starts from its shared secret).
    let tls13 = t.spoke_tls13();
    let shown: Vec<Tab> = Tab::ALL
        .into_iter()
        .filter(|&t| classroom.shows(t))
        .filter(|&t| !(tls13 && t == Tab::Premaster))
        .collect();
    let tab = Some(classroom.tab(props.tab))
        .filter(|t| shown.contains(t))
        .or_else(|| shown.first().copied())
        .unwrap_or(Tab::Bytes);
    // The connection the Certificate, Premaster and Keys panels show: the current step's, unless
    // the reader picked the other one (until the next step).
    let picked = use_state_eq(|| None::<Link>);
    {
        let picked = picked.clone();
        use_effect_with((t.clone(), props.step), move |_| picked.set(None));
    }
    let links = t.links();
    let link = (*picked)
        .filter(|l| links.contains(l))
        .or_else(|| t.link_of(props.step))
        .or_else(|| links.first().copied())
        .unwrap_or(Link {
            client: tlslab_core::timeline::Actor::Client,
            server: tlslab_core::timeline::Actor::Server,
        });
    let Some(step) = t.steps.get(props.step) else {
        return html! {};
    };
    let alert = t
        .alert_in(props.step)
        .filter(|(_, a)| a.is_fatal())
        .map(|(sender, a)| (sender, a.clone()));
    let tampered = step.events.iter().filter_map(|&i| match &t.events[i].kind {
        EventKind::Tampered { what, before, after } => Some(html! {
            <div class="tamper-box" role="note" data-field="tampered">
                <strong>{ "The attacker changed this message in transit: " }</strong>{ what }
                <Value label="as sent" value={before.clone()} tone={Some(AttrValue::from("public"))} />
                <Value label="as delivered" value={after.clone()} tone={Some(AttrValue::from("network"))} />
            </div>
        }),
        EventKind::Episode { text, .. } => Some(html! { <p class="episode-text">{ text }</p> }),
        EventKind::Computation(Computation::RecordingNotDecrypted { error, .. }) => Some(html! {
            <p class="verdict bad" data-field="leak_attempt" data-value="false">
                { format!("The first recorded record does not open: {error}. The premaster came from two ephemeral private keys that were never sent, which a real endpoint discards after the handshake; the Premaster tab shows the attempt.") }
            </p>
        }),
        _ => None,
    });
    // The ARIA tabs pattern: arrow keys, Home and End choose the tab and move focus to it.
    let tab_keys = {
        let d = props.dispatch.clone();
        let current = tab;
        let shown = shown.clone();
        Callback::from(move |e: KeyboardEvent| {
            let at = shown.iter().position(|&t| t == current).unwrap_or(0);
            let n = shown.len();
            let to = match e.key().as_str() {
                "ArrowRight" => (at + 1) % n,
                "ArrowLeft" => (at + n - 1) % n,
                "Home" => 0,
                "End" => n - 1,
                _ => return,
            };
            e.prevent_default();
            let tab = shown[to];
            d.dispatch(Action::Tab(tab));
            if let Some(button) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|doc| doc.get_element_by_id(&format!("tab-{}", tab.id())))
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = button.focus();
            }
        })
    };
    let tabs = shown.iter().map(|&each| {
        let d = props.dispatch.clone();
        let (selected, tab) = (each == tab, each);
        html! {
            <button type="button" role="tab" id={format!("tab-{}", tab.id())} data-tab={tab.id()}
                    aria-selected={selected.to_string()} aria-controls={format!("panel-{}", tab.id())}
                    tabindex={if selected { "0" } else { "-1" }}
                    class={classes!("tab", selected.then_some("selected"))}
                    onclick={Callback::from(move |_| d.dispatch(Action::Tab(tab)))}>
                { tab.label() }
            </button>
        }
    });
    let panel = match tab {
        Tab::Bytes => {
            html! { <BytesPanel timeline={t.clone()} step={props.step} plaintext={props.plaintext} dispatch={props.dispatch.clone()} /> }
        }
        Tab::Certificate => {
            html! { <CertificatePanel timeline={t.clone()} step={props.step} {link} /> }
        }
        Tab::Premaster => {
            html! { <PremasterPanel timeline={t.clone()} step={props.step} {link} /> }
        }
        Tab::Keys => html! { <KeysPanel timeline={t.clone()} step={props.step} {link} /> },
        Tab::Knowledge => html! { <KnowledgePanel timeline={t.clone()} step={props.step} /> },
        Tab::Reproduce => {
            html! { <ReproducePanel timeline={t.clone()} step={props.step} dispatch={props.dispatch.clone()} /> }
        }
    };
    html! {
        <section class="inspector" aria-label="Inspector">
            <header class={classes!("step-head", super::actor_name(step.from))} data-panel="step" id="step-head" tabindex="-1">
                <p class="step-count">{ format!("step {} of {}", props.step + 1, t.steps.len()) }</p>
                <h2>{ &step.title }</h2>
                <p class="direction">
                    <span class={super::actor_name(step.from)}>{ super::lane_title(step.from, t.network) }</span>
                    { " → " }
                    <span class={super::actor_name(step.to)}>{ super::lane_title(step.to, t.network) }</span>
                </p>
            </header>
            <StepSentence timeline={t.clone()} step={props.step} />
            <Beats timeline={t.clone()} step={props.step} beat={props.beat} speed={props.speed} dispatch={props.dispatch.clone()} />
            if step.from != step.to {
                <StoryBox timeline={t.clone()} step={props.step} link={t.link_of(props.step).unwrap_or(link)} />
            }
            { for tampered }
            if let Some((sender, a)) = alert {
                <div class="alert-box" role="note">
                    <strong>{ format!("{} sends a fatal alert: ", super::lane_title(sender, t.network)) }<code>{ &a.description }</code></strong>
                    <p>{ &a.reason }</p>
                </div>
            }
            <div class="tabs" role="tablist" aria-label="Inspector views" onkeydown={tab_keys}>{ for tabs }</div>
            <div class="tab-panel" role="tabpanel" id={format!("panel-{}", tab.id())}
                 aria-labelledby={format!("tab-{}", tab.id())} data-panel={tab.id()}>
                if links.len() > 1 && matches!(tab, Tab::Certificate | Tab::Premaster | Tab::Keys) {
                    { link_switch(t, &links, link, &picked) }
                }
                { panel }
            </div>
        </section>
    }
}

/// With a man in the middle there are two connections, each with its own chain, premaster and
/// keys: the panels show one at a time, its two ends side by side.
fn link_switch(
    t: &Shared,
    links: &[Link],
    shown: Link,
    picked: &UseStateHandle<Option<Link>>,
) -> Html {
    let name = |l: &Link| {
        format!(
            "{} ↔ {}",
            super::lane_title(l.client, t.network),
            super::lane_title(l.server, t.network)
        )
    };
    html! {
        <div class="link-switch" role="group" aria-label="Connection shown">
            <span>{ "Connection:" }</span>
            { for links.iter().map(|l| {
                let l = *l;
                let picked = picked.clone();
                let id = format!("{}-{}", super::actor_name(l.client), super::actor_name(l.server));
                html! {
                    <button type="button" data-link={id} aria-pressed={(l == shown).to_string()}
                            class={classes!((l == shown).then_some("current"))}
                            onclick={Callback::from(move |_| picked.set(Some(l)))}>{ name(&l) }</button>
                }
            }) }
        </div>
    }
}
