//! "Share / embed": a link to this exact step, and an iframe snippet for course pages.

use crate::state::{Action, Classroom, Level, Model, RunParams};
use crate::url::Link;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ShareProps {
    /// The run and the step on screen: the link is made from them, so it follows the view
    /// even while the panel is open (the address bar catches up only after rendering).
    pub params: RunParams,
    pub step: usize,
    /// The beat the link names (none: the step's end state).
    pub beat: Option<usize>,
    pub speed: f64,
    /// The timeline on screen was opened from a file, which a link cannot carry.
    #[prop_or_default]
    pub imported: bool,
    pub open: bool,
    /// How the page presents the run now; the dialog starts from it.
    pub classroom: Classroom,
    pub dispatch: UseReducerDispatcher<Model>,
}

#[function_component(Share)]
pub fn share(props: &ShareProps) -> Html {
    let open = props.open;
    let toggle = {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.dispatch(Action::ToggleShare))
    };
    // The classroom options the shared link carries: the page's own, until changed here.
    let chosen = use_state_eq(|| None::<Classroom>);
    let classroom = chosen.unwrap_or(props.classroom);
    let option =
        |name: &'static str, label: &'static str, on: bool, set: fn(&mut Classroom, bool)| {
            let chosen = chosen.clone();
            let onchange = Callback::from(move |e: Event| {
                let checked = e
                    .target_dyn_into::<web_sys::HtmlInputElement>()
                    .is_some_and(|i| i.checked());
                let mut c = classroom;
                set(&mut c, checked);
                chosen.set(Some(c));
            });
            html! {
                <label class="share-option">
                    <input type="checkbox" data-share-option={name} checked={on} {onchange} />
                    <span>{ label }</span>
                </label>
            }
        };
    let look = Link::current();
    let query = Link {
        theme: look.theme,
        embed: look.embed,
        speed: Some(props.speed),
        classroom,
        ..Link::to_view(&props.params, props.step, props.beat)
    }
    .query();
    let link = web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}{query}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or(query);
    let embed_link = if link.contains("embed=1") {
        link.clone()
    } else if link.contains('?') {
        format!("{link}&embed=1")
    } else {
        format!("{link}?embed=1")
    };
    let snippet = format!(
        "<iframe src=\"{}\" width=\"100%\" height=\"640\" title=\"TLS 1.2 handshake\" loading=\"lazy\"></iframe>",
        embed_link.replace('&', "&amp;")
    );
    let copy = super::value::copy_on_click::<MouseEvent>;
    html! {
        <div class="share">
            <button type="button" data-action="share" aria-expanded={open.to_string()} aria-controls="share-panel" onclick={toggle}>{ "Share" }</button>
            if open && props.imported {
                <div class="share-panel" id="share-panel" role="dialog" aria-label="Share or embed this step">
                    <p data-share="imported">{ "This timeline was opened from a file, and a link cannot carry it. To share it, download it (Files › Timeline) and send the file; it opens with Files › Open timeline." }</p>
                </div>
            } else if open {
                <div class="share-panel" id="share-panel" role="dialog" aria-label="Share or embed this step">
                    <fieldset class="share-options">
                        <legend>{ "For a class" }</legend>
                        { option("present", "Presenter mode", classroom.present, |c, on| c.present = on) }
                        { option("intro", "Beginner level (no bytes or keys)", classroom.level == Level::Intro,
                                 |c, on| c.level = if on { Level::Intro } else { Level::Full }) }
                        { option("quiz", "Quiz: ask before key steps, keep the ending hidden", classroom.quiz,
                                 |c, on| { c.quiz = on; c.spoilers = !on; }) }
                    </fieldset>
                    <label>
                        <span>{ "Link to this step" }</span>
                        <input data-share="link" readonly=true value={link.clone()} />
                    </label>
                    <button type="button" data-action="copy-link" onclick={copy(link)}>{ "Copy link" }</button>
                    <label>
                        <span>{ "Embed in a course page" }</span>
                        <textarea data-share="iframe" readonly=true rows="3" value={snippet.clone()} />
                    </label>
                    <button type="button" data-action="copy-iframe" onclick={copy(snippet)}>{ "Copy iframe" }</button>
                </div>
            }
        </div>
    }
}
