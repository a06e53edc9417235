//! Why a timeline file was refused, until dismissed; the run on screen stays.

use crate::state::{Action, Model};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ImportErrorProps {
    pub message: String,
    pub dispatch: UseReducerDispatcher<Model>,
}

#[function_component(ImportError)]
pub fn import_error(props: &ImportErrorProps) -> Html {
    let dismiss = {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.dispatch(Action::DismissImportError))
    };
    html! {
        <div class="banner error" role="alert" data-import-error="">
            <p>{ props.message.trim_end_matches('.') }{ ". The run on screen is unchanged." }</p>
            <button type="button" aria-label="Dismiss" onclick={dismiss}>{ "×" }</button>
        </div>
    }
}
