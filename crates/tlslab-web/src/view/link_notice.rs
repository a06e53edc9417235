//! The notice listing the link parameters that were not understood, until dismissed.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LinkNoticeProps {
    /// The parameters' names; nothing is shown when there are none.
    pub invalid: Vec<String>,
}

#[function_component(LinkNotice)]
pub fn link_notice(props: &LinkNoticeProps) -> Html {
    let open = use_state(|| true);
    if !*open || props.invalid.is_empty() {
        return html! {};
    }
    let dismiss = Callback::from(move |_| open.set(false));
    html! {
        <p class="notice" role="status" data-notice="">
            { format!("Ignored link parameters that were not understood: {}. Defaults are used instead.", props.invalid.join(", ")) }
            <button type="button" aria-label="Dismiss" onclick={dismiss}>{ "×" }</button>
        </p>
    }
}
