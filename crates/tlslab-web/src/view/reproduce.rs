//! "Reproduce it yourself": for each computation of the step (and each protected record), an
//! OpenSSL command line and a Python program, filled in with the run's values, that print what
//! the code computed (`tlslab_core::export::reproduce`).

use crate::state::{Action, Model, Shared};
use tlslab_core::export::reproduce::{self, KEY_FILE, Recipe};
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

fn copy_text(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

#[function_component(ReproducePanel)]
pub fn reproduce_panel(props: &ReproduceProps) -> Html {
    let t = &props.timeline;
    let recipes = step_recipes(t, props.step);
    if recipes.is_empty() {
        // Point at the steps that have something to recompute.
        let others = (0..t.steps.len())
            .filter(|&n| !step_recipes(t, n).is_empty())
            .map(|n| {
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
    let simulated = t.recorded.is_none();
    let items = recipes.into_iter().enumerate().map(|(n, r)| {
        let copy = |text: String| Callback::from(move |_| copy_text(&text));
        let key_note = if !r.needs_key {
            html! {}
        } else if simulated {
            html! {
                <p class="needs-key" data-needs-key="">
                    { format!("Reads the server's private key from {KEY_FILE} in the current directory. ") }
                    <button type="button" data-action="download-key" onclick={Callback::from(|_| super::files::download_server_key())}>
                        { format!("Download {KEY_FILE}") }
                    </button>
                    { " (the demo server's key, the same in every simulated run)." }
                </p>
            }
        } else {
            html! {
                <p class="needs-key" data-needs-key="">
                    { format!("Needs the server's private key in {KEY_FILE}: this run was recorded against a real server, and only its operator has that key. (Against a server set up with tlslab pki, that is its leaf.key.)") }
                </p>
            }
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
