//! The root component.

use tlslab_core::msgs::enums::CipherSuite;
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    // Tell tests (and anything else watching) that the first render is on screen.
    use_effect_with((), |_| mark_ready());

    let suites = CipherSuite::SUPPORTED
        .iter()
        .map(|suite| html! { <li><code>{ suite.name() }</code></li> })
        .collect::<Html>();

    html! {
        <main>
            <h1>{ "TLS 1.2 handshake, step by step" }</h1>
            <p>
                { "A real TLS 1.2 client and a real TLS 1.2 server, written in Rust and compiled \
                   to WebAssembly, talk to each other in this page. Every byte and every secret \
                   shown here is produced by the protocol code." }
            </p>
            <h2>{ "Cipher suites implemented" }</h2>
            <ul class="suites">{ suites }</ul>
        </main>
    }
}

/// Sets `<body data-ready="true">`.
fn mark_ready() {
    if let Some(body) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.body())
    {
        // Setting an attribute on <body> only fails for an invalid name, and "data-ready" is valid.
        let _ = body.set_attribute("data-ready", "true");
    }
}
