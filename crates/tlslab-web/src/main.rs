//! The tlslab web app. Trunk builds this binary for wasm32-unknown-unknown (see `index.html` and
//! `Trunk.toml` at the repository root). The same module runs the handshakes in a Web Worker:
//! the page posts it there (`runner.rs`), where `main` finds no window.

fn main() {
    if web_sys::window().is_none() {
        tlslab_web::worker::start();
        return;
    }
    tlslab_web::runner::mark("app-start");
    // Drawn in a task of its own: instantiating the wasm and drawing the page in one task made
    // it 50 ms or more.
    gloo_timers::callback::Timeout::new(0, || {
        yew::Renderer::<tlslab_web::view::app::App>::new().render();
    })
    .forget();
}
