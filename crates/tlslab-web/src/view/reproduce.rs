//! "Reproduce it yourself": for each computation of the step (and each protected record), an
//! OpenSSL command line and a Python program, filled in with the run's values, that print what
//! the code computed (`tlslab_core::export::reproduce`).

use crate::state::{Action, Model, Shared};
use tlslab_core::export::reproduce::{self, Recipe};
use tlslab_core::timeline::Timeline;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ReproduceProps {
    pub timeline: Shared,
    pub step: usize,
    pub dispatch: UseReducerDispatcher<Model>,
}

/// The recipes of a step's events, each once (a record's sender and receiver, or the client's
/// encryption and the server's decryption of the premaster, give the same command).
pub fn step_recipes(t: &Timeline, step: usize) -> Vec<Recipe> {
    let mut out: Vec<Recipe> = Vec::new();
    for &i in t
        .steps
        .get(step)
        .map(|s| s.events.as_slice())
        .unwrap_or_default()
    {
        for r in reproduce::recipes(t, i) {
            if !out.iter().any(|o| o.openssl == r.openssl) {
                out.push(r);
            }
        }
    }
    out
}

#[function_component(ReproducePanel)]
pub fn reproduce_panel(props: &ReproduceProps) -> Html {
    let t = &props.timeline;
    // The steps that have something to recompute, worked out once per run.
    let with_recipes = use_memo(t.clone(), |t| {
        (0..t.steps.len())
            .filter(|&n| !step_recipes(t, n).is_empty())
            .collect::<Vec<_>>()
    });
    let recipes = step_recipes(t, props.step);
    if recipes.is_empty() {
        // Point at the steps that do.
        let others = with_recipes
            .iter()
            .map(|&n| {
                let d = props.dispatch.clone();
                html! {
                    <li><button type="button" data-goto-step={n.to_string()}
                                onclick={Callback::from(move |_| d.dispatch(Action::Go(n)))}>
                        { format!("{}. {}", n + 1, t.steps[n].title) }
                    </button></li>
                }
            })
            .collect::<Vec<_>>();
        return html! {
            <div class="reproduce-panel">
                <p class="empty">{ "Nothing in this step is computed from secrets: its bytes are in the clear, in the Bytes tab." }</p>
                if !others.is_empty() {
                    <p>{ "Steps with commands to reproduce:" }</p>
                    <ul class="step-links">{ for others }</ul>
                }
            </div>
        };
    }
    let items = recipes.into_iter().enumerate().map(|(n, r)| {
        let copy = super::value::copy_on_click::<MouseEvent>;
        let key_note = match &r.key {
            None => html! {},
            Some(key) => match key.pem.clone() {
                Some(pem) => {
                    let name = key.name;
                    let download = Callback::from(move |_| {
                        super::files::download(name, pem.as_bytes(), "application/x-pem-file")
                    });
                    html! {
                        <p class="needs-key" data-needs-key={name}>
                            { format!("Reads {} private key from {name} in the current directory. ", key.whose) }
                            <button type="button" data-action="download-key" onclick={download}>
                                { format!("Download {name}") }
                            </button>
                            { " (a demo key: it is public, so it is good for demonstrations only)." }
                        </p>
                    }
                }
                None => html! {
                    <p class="needs-key" data-needs-key={key.name}>
                        { format!("Needs {} private key in {}: only the server's operator has it.", key.whose, key.name) }
                    </p>
                },
            },
        };
        html! {
            <article class="recipe" data-recipe={n.to_string()}>
                <h3>{ &r.title }</h3>
                <p>{ &r.explanation }</p>
                { key_note }
                <div class="command">
                    <pre tabindex="0" role="region" aria-label={format!("OpenSSL command: {}", r.title)}><code data-recipe-openssl="">{ &r.openssl }</code></pre>
                    <button type="button" class="copy" onclick={copy(r.openssl.clone())}
                            aria-label={format!("Copy the OpenSSL command: {}", r.title)}>{ "Copy" }</button>
                </div>
                <details class="python">
                    <summary>{ "Python 3" }</summary>
                    <div class="command">
                        <pre tabindex="0" role="region" aria-label={format!("Python program: {}", r.title)}><code data-recipe-python="">{ &r.python }</code></pre>
                        <button type="button" class="copy" onclick={copy(r.python.clone())}
                                aria-label={format!("Copy the Python program: {}", r.title)}>{ "Copy" }</button>
                    </div>
                </details>
                <p class="prints">{ "prints: " }<code data-recipe-prints={r.prints.hex()}>{ r.prints.hex() }</code></p>
            </article>
        }
    });
    html! {
        <div class="reproduce-panel">
            <p class="note">{ "Each command recomputes a value of this step with OpenSSL 3 (and xxd) from the run's own inputs; it should print exactly the hex shown. The Python versions use the standard library and the cryptography package." }</p>
            { for items }
        </div>
    }
}
